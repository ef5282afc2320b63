#!/usr/bin/env python3
"""reduce.py -- shrinks a module on which fuzz-diff finds a divergence.

    reduce.py --driver FUZZ_DIFF [--seconds N] --out OUT.wat IN.wasm|IN.wat [-- DRIVER ARGS...]

Works on the text format, one instruction per line (wasm2wat writes
binaries that way; gen-wat.py writes that way): removes chunks of lines,
halving the chunk size down to single lines, and keeps a removal whenever
`FUZZ_DIFF --silent DRIVER-ARGS CANDIDATE.wat` still exits 1 (a
divergence).  A removal that breaks the module makes it fail to load in
every mode alike, which is no divergence, so it is simply not kept: the
driver is the validity check.  Before that, each exported function is
tried without its export (fewer calls to compare), and each function body
as a bare `unreachable`.

wasm-reduce (binaryen) does the same on binaries, but binaryen 108 cannot
read every module our generator writes (table.fill, for one); this works
on anything the engine's text parser reads.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--driver', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--seconds', type=float, default=120)
    ap.add_argument('input')
    ap.add_argument('driver_args', nargs='*')
    a = ap.parse_args()

    if a.input.endswith('.wasm'):
        text = subprocess.run(['wasm2wat', '--no-check', a.input], check=True, capture_output=True,
                              text=True).stdout
    else:
        with open(a.input) as fh:
            text = fh.read()
    lines = text.splitlines()
    deadline = time.monotonic() + a.seconds
    work = tempfile.mkdtemp(prefix='wp-reduce-')
    cand = os.path.join(work, 'candidate.wat')
    runs = 0

    def divergent(ls):
        nonlocal runs
        runs += 1
        with open(cand, 'w') as fh:
            fh.write('\n'.join(ls) + '\n')
        try:
            r = subprocess.run([a.driver, '--silent', *a.driver_args, cand], timeout=60,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            return False
        return r.returncode == 1

    if not divergent(lines):
        print(f'reduce.py: no divergence in {a.input}', file=sys.stderr)
        return 2

    # whole function bodies as `unreachable`, exports removed
    func_start = [i for i, ln in enumerate(lines) if ln.lstrip().startswith('(func')]
    for s in func_start:
        if time.monotonic() > deadline:
            break
        if s >= len(lines) or not lines[s].lstrip().startswith('(func'):
            continue
        without_export = lines[:s] + [re.sub(r' \(export "[^"]*"\)', '', lines[s], count=1)] + lines[s + 1:]
        if without_export != lines and divergent(without_export):
            lines = without_export

    # whole function bodies as `unreachable` (valid for any signature; the
    # function keeps its index, so calls to it stay valid)
    for s in range(len(lines)):
        if time.monotonic() > deadline:
            break
        if s >= len(lines) or not lines[s].lstrip().startswith('(func'):
            continue
        e = s + 1
        while e < len(lines) and lines[e].strip() != ')':
            e += 1
        trial = lines[:s + 1] + ['    unreachable'] + lines[e:]
        if e < len(lines) and e - s > 2 and divergent(trial):
            lines = trial

    # chunks of lines, halving
    chunk = max(1, len(lines) // 2)
    while chunk >= 1 and time.monotonic() < deadline:
        i = 1
        changed = False
        while i < len(lines) - 1 and time.monotonic() < deadline:
            trial = lines[:i] + lines[i + chunk:]
            if len(trial) >= 2 and divergent(trial):
                lines = trial
                changed = True
            else:
                i += chunk
        if not changed:
            chunk //= 2

    with open(a.out, 'w') as fh:
        fh.write('\n'.join(lines) + '\n')
    os.remove(cand)
    os.rmdir(work)
    print(f'reduce.py: {len(text.splitlines())} -> {len(lines)} lines in {runs} runs: {a.out}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
