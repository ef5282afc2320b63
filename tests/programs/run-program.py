#!/usr/bin/env python3
"""Runs one corpus program natively and as Wasm in each given mode and
compares standard output, standard error and exit status.

  run-program.py WASMPLUG NATIVE WASM [--mode=FLAG ...] [-- ARGS...]

Each run gets a fresh directory with an empty "data" subdirectory as its
current directory (granted to the Wasm run with --dir=data), the same
standard input, arguments and environment.  A missing WASM (the build had
no wasm32-wasi compiler) is a skip (exit 77)."""
import os
import shutil
import subprocess
import sys
import tempfile

ENV = {"PROG_GREETING": "hello, world", "PROG_EMPTY": "", "PROG_LIST": "a:b:c"}
STDIN = ("The quick brown fox\njumps over the lazy dog.\n\n"
         "  Pack my box with five dozen liquor jugs  \n" * 50)


def run(cmd, cwd, env):
    p = subprocess.run(cmd, cwd=cwd, env=env, input=STDIN.encode(), capture_output=True,
                       timeout=600)
    return p.returncode, p.stdout, p.stderr


def main():
    argv = sys.argv[1:]
    args = []
    if "--" in argv:
        i = argv.index("--")
        argv, args = argv[:i], argv[i + 1:]
    wasmplug, native, wasm = argv[:3]
    modes = [a[len("--mode="):] for a in argv[3:] if a.startswith("--mode=")]
    if not os.path.exists(wasm) or os.path.getsize(wasm) == 0:
        print("no wasm32-wasi build of this program: skipped")
        return 77

    work = tempfile.mkdtemp(prefix="wp-program-")
    try:
        def fresh():
            d = os.path.join(work, "run")
            shutil.rmtree(d, ignore_errors=True)
            os.makedirs(os.path.join(d, "data"))
            return d

        native_env = dict(ENV)
        # A sanitizer build links the native programs with ASan too; they
        # need not be leak-free.
        native_env["ASAN_OPTIONS"] = "detect_leaks=0"
        expect = run([os.path.abspath(native)] + args, fresh(), native_env)
        failed = 0
        env_flags = ["--env=%s=%s" % kv for kv in ENV.items()]
        for mode in modes or [""]:
            cmd = [wasmplug] + ([mode] if mode else []) + ["--stack-size=8M", "--dir=data"]
            cmd += env_flags + [os.path.abspath(wasm)] + args
            got = run(cmd, fresh(), dict(os.environ))
            label = mode or "default"
            for what, e, g in (("exit status", expect[0], got[0]), ("stdout", expect[1], got[1]),
                               ("stderr", expect[2], got[2])):
                if e != g:
                    failed += 1
                    print("%s: %s differs\n--- native:\n%s\n--- wasm:\n%s" %
                          (label, what, e if isinstance(e, int) else e.decode(errors="replace")[-3000:],
                           g if isinstance(g, int) else g.decode(errors="replace")[-3000:]))
            if not failed:
                print("%s: same output (%d bytes), status %d" % (label, len(got[1]), got[0]))
        return 1 if failed else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
