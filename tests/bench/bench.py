#!/usr/bin/env python3
"""bench.py -- times compute kernels natively, in every running mode of a
wasmplug build and in Node (V8), plus the Flite program end to end and the
cost of preparing a large module.

usage: bench.py --wasmplug=WASMPLUG [--node-runner=node-run.mjs]
                [--translate-cost=TOOL] [--flite-script=run-flite.py]
                [--repeat=N] [--markdown=FILE] [--no-flite]
                NAME=NATIVE:WASM[:ARGS] ...

Each kernel is a C program built twice with clang-19 -O2 (natively and to
wasm32-wasi) that prints a checksum.  Every run is a whole process (start to
exit), timed by wall clock, its peak RSS taken from the child's resource
usage (as GNU time reports it when /usr/bin/time exists, else os.wait4).
The runs are interleaved: each of N rounds runs every kernel in every
runner, the runners in a rotated order, and the best time of the N is kept.  Every runner must print what the native build prints.

Runners: `native`, each mode of `wasmplug --list-modes` (`--interp`,
`--fast-interp`, ...) and `node` (when node is on PATH: node-run.mjs under
node:wasi).  The report (Markdown, on stdout and in FILE) has the times,
the ratios to native and to Node per kernel with geometric means, the peak
RSS, the preparation cost of the largest module (flite.wasm when it can be
fetched, else the largest kernel), and Flite's end-to-end times.
"""
import importlib.util
import math
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time

MODES = ['interp', 'fast-interp', 'fast-jit', 'llvm-jit', 'multi-tier-jit']
HERE = os.path.dirname(os.path.abspath(__file__))


def supported_modes(wasmplug):
    out = subprocess.run([wasmplug, '--list-modes'], capture_output=True, text=True,
                         check=True).stdout
    have = set()
    for line in out.splitlines():
        parts = line.split(None, 1)
        if len(parts) == 2 and parts[1].strip() == 'supported':
            have.add(parts[0])
    return [m for m in MODES if m in have]


# The peak RSS of a child as wait4 reports it includes its parent's (Linux
# keeps the high-water mark across exec), so a child of this Python process
# never shows less than Python's ~15 MiB.  GNU time, a small process, reports
# its own child's; it is used when it is there.
GNU_TIME = '/usr/bin/time' if os.access('/usr/bin/time', os.X_OK) else None


def run_timed(cmd, cwd=None):
    """Runs cmd; returns (seconds, peak RSS in KiB, exit status, stdout, stderr)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile(mode='r') as rss_file:
        if GNU_TIME:
            cmd = [GNU_TIME, '-f', '%M', '-o', rss_file.name] + cmd
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        rss = usage.ru_maxrss
        if GNU_TIME:
            lines = rss_file.read().split()
            rss = int(lines[-1]) if lines and lines[-1].isdigit() else rss
        out.seek(0)
        err.seek(0)
        return (elapsed, rss, proc.returncode, out.read().decode(errors='replace'),
                err.read().decode(errors='replace'))


def geomean(values):
    values = [v for v in values if v]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else 0.0


def table(header, rows):
    lines = ['| ' + ' | '.join(header) + ' |', '|' + '---|' * len(header)]
    lines += ['| ' + ' | '.join(row) + ' |' for row in rows]
    return '\n'.join(lines)


class Bench:
    def __init__(self, opts):
        self.wasmplug = opts['wasmplug']
        self.node = shutil.which('node')
        self.node_runner = opts.get('node-runner') or os.path.join(HERE, 'node-run.mjs')
        self.modes = supported_modes(self.wasmplug)
        self.runners = self.modes + (['node'] if self.node else [])
        self.repeat = int(opts.get('repeat', 3))

    def wasm_cmd(self, runner, wasm, args, extra=()):
        if runner == 'node':
            return [self.node, '--no-warnings', self.node_runner] + list(extra) + [wasm] + args
        return [self.wasmplug, '--' + runner] + list(extra) + [wasm] + args

    def kernels(self, kernels):
        """Returns {kernel: {runner: (best seconds, max RSS KiB)}}."""
        best = {k[0]: {} for k in kernels}
        expected = {}
        runners = ['native'] + self.runners
        for r in range(self.repeat):
            order = runners[r % len(runners):] + runners[:r % len(runners)]
            for name, native, wasm, args in kernels:
                for runner in order:
                    cmd = [native] + args if runner == 'native' else self.wasm_cmd(runner, wasm, args)
                    secs, rss, status, out, err = run_timed(cmd)
                    if status != 0:
                        sys.exit('%s failed (%d): %s' % (' '.join(cmd), status, err.strip()[-500:]))
                    if expected.setdefault(name, out) != out:
                        sys.exit('%s: %s printed %r, expected %r' % (name, runner, out, expected[name]))
                    old = best[name].get(runner)
                    best[name][runner] = (min(secs, old[0]) if old else secs,
                                          max(rss, old[1]) if old else rss)
                print('round %d/%d: %s done' % (r + 1, self.repeat, name), file=sys.stderr)
        return best, expected

    def prepare(self, wasm, tool):
        """The cost of getting a module ready: the translate-cost tool's
        numbers, and per runner the process time to load, validate and
        instantiate it without running it."""
        info = {}
        if tool and os.path.exists(tool):
            out = subprocess.run([tool, wasm], capture_output=True, text=True, check=True).stdout
            for line in out.splitlines():
                key, value = line.split()
                info[key] = float(value)
        start = {}
        for runner in self.runners:
            if runner == 'node':
                cmd = self.wasm_cmd(runner, wasm, [], ['--instantiate-only'])
            else:  # no such export: stops after instantiation
                cmd = [self.wasmplug, '--' + runner, '-f', '__bench_no_such_export__', wasm]
            times = []
            for _ in range(self.repeat):
                secs, rss, status, out, err = run_timed(cmd)
                times.append((secs, rss))
                for line in err.splitlines():  # node-run.mjs: V8's compile time
                    if line.startswith('node-run: compile_ms '):
                        ms = float(line.split()[-1])
                        info['node_compile_ms'] = min(ms, info.get('node_compile_ms', ms))
            start[runner] = (min(t[0] for t in times), max(t[1] for t in times))
        return info, start

    def flite(self, script):
        spec = importlib.util.spec_from_file_location('run_flite', script)
        flite = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(flite)
        cache = os.environ.get('WP_CACHE_DIR') or os.path.join(os.path.expanduser('~'), '.cache',
                                                               'wasmplug')
        wasm = flite.fetch(cache)
        if not wasm:
            return None, None
        args = ['-voice', 'slt', '-t', flite.PARAGRAPH, '-o', 'speech.wav']
        best, reference = {}, None
        work = tempfile.mkdtemp(prefix='wp-bench-flite-')
        try:
            for r in range(self.repeat):
                order = self.runners[r % len(self.runners):] + self.runners[:r % len(self.runners)]
                for runner in order:
                    d = os.path.join(work, runner)
                    os.makedirs(d, exist_ok=True)
                    extra = ['--dir=' + d] if runner == 'node' else ['--map-dir=.::' + d]
                    cmd = self.wasm_cmd(runner, wasm, args, extra)
                    secs, rss, status, out, err = run_timed(cmd)
                    with open(os.path.join(d, 'speech.wav'), 'rb') as f:
                        data = f.read()
                    if status != 0 or (reference is not None and data != reference):
                        sys.exit('flite: %s: status %d, %d bytes, differs: %s' %
                                 (runner, status, len(data), err[-500:]))
                    reference = data
                    old = best.get(runner)
                    best[runner] = (min(secs, old[0]) if old else secs,
                                    max(rss, old[1]) if old else rss)
                print('flite round %d/%d done' % (r + 1, self.repeat), file=sys.stderr)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return wasm, best


def machine():
    model = '?'
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    model = line.split(':', 1)[1].strip()
                    break
    except OSError:
        pass
    node = subprocess.run(['node', '--version'], capture_output=True,
                          text=True).stdout.strip() if shutil.which('node') else 'none'
    return '%d cores (nproc), %s, %s, Node %s, %s UTC' % (
        os.cpu_count(), model, platform.platform(), node, time.strftime('%Y-%m-%d %H:%M',
                                                                        time.gmtime()))


def main(argv):
    opts, kernels = {}, []
    for arg in argv[1:]:
        if arg.startswith('--'):
            key, _, value = arg[2:].partition('=')
            opts[key] = value
        else:
            name, spec = arg.split('=', 1)
            parts = spec.split(':', 2)
            kernels.append((name, parts[0], parts[1], parts[2].split() if len(parts) > 2 else []))
    if 'wasmplug' not in opts:
        sys.exit(__doc__)
    if not kernels:
        print('bench: no kernels (they need clang-19 and wasi-libc)')
        return
    bench = Bench(opts)
    out = ['Machine: ' + machine(), '',
           'Runners: native, %s.  Best of %d interleaved runs, whole process.' %
           (', '.join(bench.runners), bench.repeat), '']

    best, expected = bench.kernels(kernels)
    runners = bench.runners
    out.append('### Kernels: seconds (best of %d)\n' % bench.repeat)
    rows = []
    for name, _, _, args in kernels:
        rows.append([name] + ['%.3f' % best[name][r][0] for r in ['native'] + runners])
    out.append(table(['kernel', 'native'] + runners, rows))

    out.append('\n### Kernels: time relative to native (lower is better)\n')
    ratio_cols = ['%s/native' % r for r in runners]
    node_cols = ['%s/node' % m for m in bench.modes] if bench.node else []
    fc = 'interp' in bench.modes and 'fast-interp' in bench.modes
    header = ['kernel'] + ratio_cols + node_cols + (['interp/fast-interp'] if fc else [])
    cols = {c: [] for c in header[1:]}
    rows = []
    for name, _, _, _ in kernels:
        t = {r: best[name][r][0] for r in ['native'] + runners}
        vals = {}
        for r in runners:
            vals['%s/native' % r] = t[r] / t['native']
        if bench.node:
            for m in bench.modes:
                vals['%s/node' % m] = t[m] / t['node']
        if fc:
            vals['interp/fast-interp'] = t['interp'] / t['fast-interp']
        for c in header[1:]:
            cols[c].append(vals[c])
        rows.append([name] + ['%.2f' % vals[c] for c in header[1:]])
    rows.append(['**geometric mean**'] + ['**%.2f**' % geomean(cols[c]) for c in header[1:]])
    out.append(table(header, rows))

    out.append('\n### Kernels: peak RSS (MiB, whole process)\n')
    rows = [[name] + ['%.1f' % (best[name][r][1] / 1024) for r in ['native'] + runners]
            for name, _, _, _ in kernels]
    rows.append(['geometric mean'] + ['%.1f' % (geomean([best[n][r][1] for n, _, _, _ in kernels])
                                                / 1024) for r in ['native'] + runners])
    out.append(table(['kernel', 'native'] + runners, rows))

    flite_wasm, flite = (None, None)
    if 'no-flite' not in opts and bench.node:
        flite_wasm, flite = bench.flite(opts.get('flite-script') or
                                        os.path.join(HERE, '..', 'programs', 'run-flite.py'))
    big = flite_wasm or max((k[2] for k in kernels), key=os.path.getsize)
    info, start = bench.prepare(big, opts.get('translate-cost'))
    out.append('\n### Preparing a large module: %s (%.1f MiB file)\n' %
               (os.path.basename(big), os.path.getsize(big) / 2**20))
    if 'functions' in info:
        lines = ['%d functions, %d bytes of function bodies.' % (info['functions'],
                                                                 info['code_bytes']),
                 'Decoding %.1f ms, validating %.1f ms (builds the branch side table, %d bytes:'
                 ' all the classic interpreter needs).' % (info['decode_ms'], info['validate_ms'],
                                                          info['side_table_bytes'])]
        if 'fast_ms' in info:
            lines.append('Fast interpreter: translating every function %.1f ms (done lazily, per'
                         ' function on its first call); translated code %d bytes = %.1fx the'
                         ' bytecode.' % (info['fast_ms'], info['fast_bytes'],
                                         info['fast_bytes'] / max(info['code_bytes'], 1)))
        if 'jit_ms' in info:
            lines.append('Fast JIT: compiling every function %.1f ms on one thread = %.1f MB/s of'
                         ' bytecode (done lazily, per function on its first call); machine code'
                         ' %d bytes = %.1fx the bytecode.' % (
                             info['jit_ms'], info['code_bytes'] / 1e3 / max(info['jit_ms'], 1e-3),
                             info['jit_bytes'], info['jit_bytes'] / max(info['code_bytes'], 1)))
        out.append(' '.join(lines))
    if 'node_compile_ms' in info:
        out.append('Node: `WebAssembly.compile` of it takes %.1f ms.' % info['node_compile_ms'])
    out.append('\nProcess start to exit, loading and instantiating without running (wasmplug: `-f`'
               ' of a missing export; node: compile + instantiate):\n')
    out.append(table(['runner', 'seconds', 'peak RSS (MiB)'],
                     [[r, '%.3f' % start[r][0], '%.1f' % (start[r][1] / 1024)] for r in runners]))
    if flite:
        out.append('\n### Flite end to end (speaks the test paragraph to a WAV; same bytes'
                   ' everywhere)\n')
        rows = [[r, '%.3f' % flite[r][0], '%.2f' % (flite[r][0] / flite['node'][0]),
                 '%.1f' % (flite[r][1] / 1024)] for r in runners]
        out.append(table(['runner', 'seconds', 'relative to node', 'peak RSS (MiB)'], rows))
    elif 'no-flite' not in opts:
        out.append('\nFlite: skipped (needs node, npm and the package cache or network).')

    report = '\n'.join(out) + '\n'
    print(report)
    if opts.get('markdown'):
        with open(opts['markdown'], 'w') as f:
            f.write(report)


if __name__ == '__main__':
    main(sys.argv)
