#!/usr/bin/env python3
"""bench.py -- times compute kernels in every interpreter mode of a build.

usage: bench.py WASMPLUG [--repeat=N] [--markdown] NAME=FILE.wasm:FUNC:ARGS...

Each kernel runs as `wasmplug --MODE -f FUNC FILE ARGS` (ARGS split at
spaces) in each mode this
wasmplug supports (its --list-modes), best wall time of N runs (default 3);
every mode must print the same result.  Prints one row per kernel with the
times, the speed-up of each mode over the classic interpreter and, at the
end, the geometric mean of the speed-ups.
"""
import math
import subprocess
import sys
import time

MODES = ['interp', 'fast-interp', 'fast-jit', 'llvm-jit', 'multi-tier-jit']


def supported_modes(wasmplug):
    out = subprocess.run([wasmplug, '--list-modes'], capture_output=True, text=True, check=True).stdout
    have = set()
    for line in out.splitlines():
        parts = line.split(None, 1)
        if len(parts) == 2 and parts[1].strip() == 'supported':
            have.add(parts[0])
    return [m for m in MODES if m in have]


def best_time(cmd, repeat):
    best, output = None, None
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        if proc.returncode != 0:
            sys.exit('%s failed: %s' % (' '.join(cmd), proc.stderr.strip()))
        output = proc.stdout.strip()
        best = elapsed if best is None else min(best, elapsed)
    return best, output


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    wasmplug, repeat, markdown, kernels = argv[1], 3, False, []
    for arg in argv[2:]:
        if arg.startswith('--repeat='):
            repeat = int(arg[len('--repeat='):])
        elif arg == '--markdown':
            markdown = True
        else:
            name, spec = arg.split('=', 1)
            path, func, value = spec.rsplit(':', 2)
            kernels.append((name, path, func, value))

    modes = supported_modes(wasmplug)
    if 'interp' not in modes:
        sys.exit('the classic interpreter is not built: nothing to compare with')
    header = ['kernel'] + ['%s (s)' % m for m in modes] + ['%s speed-up' % m for m in modes[1:]]
    rows, speedups = [], {m: [] for m in modes[1:]}
    for name, path, func, value in kernels:
        times, results = {}, {}
        for mode in modes:
            times[mode], results[mode] = best_time([wasmplug, '--' + mode, '-f', func, path] + value.split(), repeat)
        if len(set(results.values())) != 1:
            sys.exit('%s: modes disagree: %s' % (name, results))
        row = ['%s(%s)' % (name, value.replace(' ', ', '))] + ['%.3f' % times[m] for m in modes]
        for m in modes[1:]:
            ratio = times['interp'] / times[m]
            speedups[m].append(ratio)
            row.append('%.2fx' % ratio)
        rows.append(row)
    geo = ['geometric mean'] + [''] * len(modes)
    for m in modes[1:]:
        geo.append('%.2fx' % math.exp(sum(math.log(r) for r in speedups[m]) / len(speedups[m])))
    rows.append(geo)

    if markdown:
        print('| ' + ' | '.join(header) + ' |')
        print('|' + '---|' * len(header))
        for row in rows:
            print('| ' + ' | '.join(row) + ' |')
    else:
        widths = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]
        for row in [header] + rows:
            print('  '.join(cell.ljust(w) for cell, w in zip(row, widths)))


if __name__ == '__main__':
    main(sys.argv)
