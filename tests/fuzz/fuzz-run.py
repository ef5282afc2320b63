#!/usr/bin/env python3
"""fuzz-run.py -- generates modules and runs the differential driver on them.

    fuzz-run.py --driver FUZZ_DIFF [--count N | --minutes M] [--seed S] [--first I]
                [--generators binaryen,own] [--batch N] [--v8 RUNNER.mjs]
                [--save DIR] [--work DIR] [--strict] [--progress] [-- DRIVER ARGS...]

Modules come in batches from each generator in turn: binaryen's
`wasm-opt -ttf` fed bytes from random.Random(seed * 1000003 + i), and
gen-wat.py's module i of the seed.  The driver runs each batch in every
mode of the build (and V8 with --v8).  --count stops after N modules per
generator (the bounded run of the test suite); --minutes stops when the
time is up (the long run; tests/fuzz/run-long.sh).

Without --strict, modules are made and compared as the engine allows today:
no NaN constants from our generator and NaN results compared as "nan"
(issue 11 item 6), fuel exhaustion ending a module's comparison (item 4).
--strict compares NaN bits and fuel exhaustion exactly.

A divergence (driver exit 1) or a crash (any other status) is saved under
--save: the module, the driver's output on it, its reduction by reduce.py
and the driver's output on that.  Exit status 0 when nothing diverged or
crashed, 1 otherwise.
"""
import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import importlib  # noqa: E402

gen_wat = importlib.import_module('gen-wat')

BINARYEN_FEATURES = ['--enable-bulk-memory', '--enable-multivalue', '--enable-nontrapping-float-to-int',
                     '--enable-sign-ext', '--enable-mutable-globals']
SUMMARY = re.compile(r'^(\d+) modules \((\d+) not loadable, (\d+) not instantiable\), (\d+) calls '
                     r'\((\d+) trapped, (\d+) out of fuel or stack\) in ([a-z\- ]+): (\d+) divergent'
                     r'(?:; V8: (\d+) modules, (\d+) calls, (\d+) divergent, (\d+) inconclusive)?')


def binaryen_module(work, seed, i, wasm_opt):
    rng = random.Random(seed * 1000003 + i)
    raw = bytes(rng.getrandbits(8) for _ in range(rng.randint(500, 8000)))
    src = os.path.join(work, f'bin-{seed}-{i}.bytes')
    out = os.path.join(work, f'bin-{seed}-{i}.wasm')
    with open(src, 'wb') as fh:
        fh.write(raw)
    subprocess.run([wasm_opt, '-ttf', src, *BINARYEN_FEATURES, '-o', out], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.remove(src)
    return out


def run_driver(args, driver_args, files):
    cmd = [args.driver, *driver_args, *files]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors='replace')
    return r.returncode, r.stdout


def save_finding(args, driver_args, path, kind, output):
    os.makedirs(args.save, exist_ok=True)
    base = os.path.join(args.save, os.path.basename(path).rsplit('.', 1)[0])
    shutil.copy(path, base + os.path.splitext(path)[1])
    with open(base + f'.{kind}.txt', 'w') as fh:
        fh.write(output)
    if kind == 'divergence' and args.reduce_seconds > 0:
        reduced = base + '.reduced.wat'
        r = subprocess.run([sys.executable, os.path.join(HERE, 'reduce.py'), '--driver', args.driver,
                            '--seconds', str(args.reduce_seconds), '--out', reduced, path, '--', *driver_args],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode == 0:
            _, out = run_driver(args, driver_args, [reduced])
            with open(base + '.reduced.divergence.txt', 'w') as fh:
                fh.write(out)
    print(f'fuzz-run: {kind} saved as {base}.*', flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--driver', required=True)
    ap.add_argument('--count', type=int, help='modules per generator')
    ap.add_argument('--minutes', type=float)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--first', type=int, default=0,
                    help='index of the first module (runs in parallel take disjoint ranges)')
    ap.add_argument('--generators', default='binaryen,own')
    ap.add_argument('--batch', type=int, default=50)
    ap.add_argument('--v8', help='the V8 runner (v8-run.mjs); needs node')
    ap.add_argument('--node', default='node')
    ap.add_argument('--save', default='fuzz-findings')
    ap.add_argument('--work')
    ap.add_argument('--strict', action='store_true')
    ap.add_argument('--progress', action='store_true', help='a line on stderr per batch')
    ap.add_argument('--reduce-seconds', type=float, default=300, help='0: save findings unreduced')
    ap.add_argument('--wasm-opt', default=shutil.which('wasm-opt'))
    ap.add_argument('driver_args', nargs='*')
    args = ap.parse_args()
    if args.count is None and args.minutes is None:
        ap.error('--count or --minutes')

    generators = args.generators.split(',')
    if 'binaryen' in generators and not args.wasm_opt:
        print('fuzz-run: wasm-opt (binaryen) not found', file=sys.stderr)
        return 77
    driver_args = list(args.driver_args)
    if not args.strict:
        driver_args.insert(0, '--nan=any')
    else:
        driver_args.insert(0, '--strict-fuel')
    if args.v8:
        if not shutil.which(args.node):
            print('fuzz-run: node not found', file=sys.stderr)
            return 77
        driver_args += [f'--v8={args.v8}', f'--node={args.node}']

    work = args.work or tempfile.mkdtemp(prefix='wp-fuzz-')
    os.makedirs(work, exist_ok=True)
    driver_args.append(f'--work={work}')
    deadline = time.monotonic() + args.minutes * 60 if args.minutes else None
    totals = [0] * 12
    modes = ''
    crashes = 0
    done = {g: args.first for g in generators}
    started = time.monotonic()
    status = 0
    while True:
        if deadline and time.monotonic() > deadline:
            break
        if args.count is not None and all(done[g] >= args.first + args.count for g in generators):
            break
        for g in generators:
            n = args.batch if args.count is None else min(args.batch, args.first + args.count - done[g])
            if n <= 0:
                continue
            first = done[g]
            if g == 'binaryen':
                files = [binaryen_module(work, args.seed, i, args.wasm_opt) for i in range(first, first + n)]
            else:
                files = [gen_wat.write_module(work, args.seed, i, nan_payloads=args.strict)
                         for i in range(first, first + n)]
            done[g] += n
            code, out = run_driver(args, driver_args, files)
            m = None
            for line in out.splitlines():
                m = SUMMARY.match(line) or m
            if code not in (0, 1) or not m:
                # a crash: find the module by running each alone
                status = 1
                for f in files:
                    c, o = run_driver(args, driver_args, [f])
                    if c not in (0, 1):
                        crashes += 1
                        save_finding(args, driver_args, f, 'crash', o)
                continue
            modes = m.group(7)
            for k in range(12):
                if k != 6 and m.group(k + 1):
                    totals[k] += int(m.group(k + 1))
            if code == 1:
                status = 1
                sys.stdout.write(out)
                paths = set(re.findall(r'^(?:V8 )?DIVERGENCE in (\S+?):?(?: |$)', out, re.M))
                for p in sorted(paths):
                    save_finding(args, driver_args, p, 'divergence', out)
            for f in files:
                os.remove(f)
            if args.progress:
                print(f'fuzz-run: {g} {done[g]}, {totals[0]} modules so far, {totals[7]} divergent, '
                      f'{crashes} crashed, {time.monotonic() - started:.0f} s', file=sys.stderr, flush=True)
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    made = ", ".join(f"{g} {args.first}-{done[g] - 1}" for g in generators)
    line = (f'fuzz-run: seed {args.seed}, {totals[0]} modules ({made}; '
            f'{totals[1]} not loadable, {totals[2]} not instantiable), {totals[3]} calls ({totals[4]} trapped, '
            f'{totals[5]} out of fuel or stack) in {modes}: {totals[7]} divergent, {crashes} crashed')
    if args.v8:
        line += f'; V8: {totals[8]} modules, {totals[9]} calls, {totals[10]} divergent, {totals[11]} inconclusive'
    line += f'; {time.monotonic() - started:.0f} s'
    print(line)
    return status


if __name__ == '__main__':
    sys.exit(main())
