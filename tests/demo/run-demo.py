#!/usr/bin/env python3
"""Runs wasmplug-demo under xvfb-run in its screenshot mode and checks it.

  run-demo.py --demo PATH --png OUT.png [--status N] [--expect TEXT]...
              [--asan] -- DEMO-ARGS...

Checks that the demo exits with the expected status (0: the call
succeeded, 1: it failed as it should), that its stdout (the call's result,
`result: ...` or `error: ...`, and the host log lines, `log: ...`) contains
every --expect text, and that the PNG it saved exists, has a sane size and
is not blank: it is decoded here (zlib + struct, no imaging library) and
must have many distinct colours, none covering almost all of it.
"""

import argparse
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib


def fail(message):
    print('FAIL: ' + message)
    sys.exit(1)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def decode_png(path):
    """Returns (width, height, bytes per pixel, list of rows of raw bytes)."""
    with open(path, 'rb') as f:
        data = f.read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        fail('%s is not a PNG file' % path)
    pos = 8
    idat = []
    header = None
    while pos < len(data):
        length, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        crc, = struct.unpack('>I', data[pos + 8 + length:pos + 12 + length])
        if zlib.crc32(kind + body) & 0xffffffff != crc:
            fail('%s: bad CRC in chunk %r' % (path, kind))
        if kind == b'IHDR':
            header = struct.unpack('>IIBBBBB', body)
        elif kind == b'IDAT':
            idat.append(body)
        elif kind == b'IEND':
            break
        pos += 12 + length
    if header is None or not idat:
        fail('%s: no IHDR or IDAT chunk' % path)
    width, height, depth, colour, _compression, _filter, interlace = header
    channels = {0: 1, 2: 3, 4: 2, 6: 4}.get(colour)
    if channels is None or depth not in (8, 16) or interlace != 0:
        fail('%s: unexpected PNG format (colour type %d, depth %d, interlace %d)'
             % (path, colour, depth, interlace))
    bpp = channels * depth // 8
    raw = zlib.decompress(b''.join(idat))
    stride = width * bpp
    if len(raw) != height * (stride + 1):
        fail('%s: image data has %d bytes, expected %d' % (path, len(raw), height * (stride + 1)))
    rows = []
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind = raw[start]
        line = bytearray(raw[start + 1:start + 1 + stride])
        if kind == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xff
        elif kind == 2:
            for i in range(stride):
                line[i] = (line[i] + previous[i]) & 0xff
        elif kind == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + previous[i]) >> 1)) & 0xff
        elif kind == 4:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                up_left = previous[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + paeth(left, previous[i], up_left)) & 0xff
        elif kind != 0:
            fail('%s: bad filter type %d in row %d' % (path, kind, y))
        rows.append(bytes(line))
        previous = line
    return width, height, bpp, rows


def check_png(path):
    if not os.path.isfile(path):
        fail('no screenshot was written to %s' % path)
    width, height, bpp, rows = decode_png(path)
    print('screenshot %s: %dx%d, %d bytes per pixel' % (path, width, height, bpp))
    if not (400 <= width <= 8000 and 300 <= height <= 8000):
        fail('the screenshot has an odd size: %dx%d' % (width, height))
    counts = {}
    total = 0
    for row in rows:
        for x in range(0, len(row), bpp):
            pixel = row[x:x + bpp]
            counts[pixel] = counts.get(pixel, 0) + 1
            total += 1
    commonest = max(counts.values())
    print('%d distinct colours; the commonest covers %.1f%% of the pixels'
          % (len(counts), 100.0 * commonest / total))
    if len(counts) < 32:
        fail('the screenshot looks blank: only %d distinct colours' % len(counts))
    if commonest > 0.97 * total:
        fail('the screenshot looks blank: one colour covers %.1f%% of it'
             % (100.0 * commonest / total))
    # Text is drawn: many rows must hold more than two colours.
    busy_rows = sum(1 for row in rows
                    if len({row[x:x + bpp] for x in range(0, len(row), bpp)}) > 4)
    print('%d of %d rows hold more than 4 colours' % (busy_rows, height))
    if busy_rows < height // 10:
        fail('the screenshot has almost no detail (%d busy rows)' % busy_rows)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--demo', required=True)
    ap.add_argument('--png', required=True)
    ap.add_argument('--status', type=int, default=0)
    ap.add_argument('--expect', action='append', default=[])
    ap.add_argument('--asan', action='store_true')
    ap.add_argument('--min-ticks', type=int, default=0,
                    help='the main loop must tick at least this often during the call')
    ap.add_argument('--env', action='append', default=[], help='NAME=VALUE for the demo')
    ap.add_argument('--timeout', type=int, default=90)
    ap.add_argument('args', nargs='*')
    opts = ap.parse_args()

    xvfb_run = shutil.which('xvfb-run')
    if xvfb_run is None:
        print('SKIP: xvfb-run is not installed (Debian package xvfb)')
        return 77
    if shutil.which('xauth') is None:
        print('SKIP: xauth is not installed (xvfb-run needs it)')
        return 77

    if os.path.exists(opts.png):
        os.unlink(opts.png)

    with tempfile.TemporaryDirectory(prefix='wasmplug-demo-') as runtime:
        os.chmod(runtime, 0o700)
        env = dict(os.environ)
        for name in ('DISPLAY', 'WAYLAND_DISPLAY', 'DBUS_SESSION_BUS_ADDRESS'):
            env.pop(name, None)
        env.update({
            'GSK_RENDERER': 'cairo',      # no GL under Xvfb
            'GDK_BACKEND': 'x11',
            'GDK_DEBUG': 'gl-disable',
            'GTK_A11Y': 'none',           # no accessibility bus
            'NO_AT_BRIDGE': '1',
            'GSETTINGS_BACKEND': 'memory',
            'ADW_DISABLE_PORTAL': '1',
            'XDG_RUNTIME_DIR': runtime,
            'HOME': runtime,
            'XDG_CONFIG_HOME': os.path.join(runtime, 'config'),
            'XDG_CACHE_HOME': os.path.join(runtime, 'cache'),
            'LC_ALL': 'C.UTF-8',          # the English strings the checks expect
            'LANGUAGE': '',
        })
        for item in opts.env:
            name, _, value = item.partition('=')
            env[name] = value
        if opts.asan:
            # GTK, GLib and fontconfig keep caches and singletons alive until
            # exit by design (type system, icon theme, font maps): LeakSanitizer
            # would report them, not leaks of this program or of libwasmplug
            # (whose own tests run with detect_leaks=1).
            print('ASan build: running with ASAN_OPTIONS=detect_leaks=0 '
                  '(GTK keeps its caches alive until exit by design)')
            env['ASAN_OPTIONS'] = 'detect_leaks=0:abort_on_error=1'

        cmd = [xvfb_run, '-a', '-s', '-screen 0 1600x1800x24 -nolisten tcp',
               opts.demo, '--screenshot=' + opts.png] + opts.args
        print('running: ' + ' '.join(cmd))
        try:
            r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=opts.timeout)
        except subprocess.TimeoutExpired as e:
            print((e.stdout or b'').decode(errors='replace') if isinstance(e.stdout, bytes) else (e.stdout or ''))
            fail('the demo did not quit within %d s' % opts.timeout)

    print('--- stdout\n' + r.stdout.rstrip())
    if r.stderr.strip():
        print('--- stderr\n' + r.stderr.rstrip())
    print('--- exit status %d (expected %d)' % (r.returncode, opts.status))
    if r.returncode != opts.status:
        fail('the demo exited with status %d, expected %d' % (r.returncode, opts.status))
    for text in opts.expect:
        if text not in r.stdout:
            fail('the output lacks %r' % text)
        print('found %r' % text)
    if opts.min_ticks:
        # The call runs on a worker thread: the GTK main loop goes on.  A
        # call ended from the main loop (a cancel) sees at least one tick
        # of the demo's 10 ms counter whatever the machine's speed.
        lines = [l for l in r.stdout.splitlines() if l.startswith('main loop: ')]
        if not lines:
            fail('the demo printed no "main loop:" line')
        ticks = int(lines[-1].split()[2])
        if ticks < opts.min_ticks:
            fail('the main loop ticked %d times during the call (at least %d expected): '
                 'it was blocked' % (ticks, opts.min_ticks))
        print('the main loop stayed free: %d ticks during the call' % ticks)
    check_png(opts.png)
    print('PASS')
    return 0


if __name__ == '__main__':
    sys.exit(main())
