#!/usr/bin/env python3
"""Runs a command and checks it: it must exit 0, every --expect line must
appear on its stdout, in that order, and no --forbid-stderr regular
expression may match its stderr.  stdout and stderr are passed through;
this script's own messages are TAP comments ("# ..."), so it can wrap a
TAP-speaking test too.

usage: check-output.py [--tap] [--skip REASON] [--expect LINE]...
                       [--forbid-stderr REGEX]... -- COMMAND ARGS...

--skip prints REASON and exits 77 (meson's "skipped"), or with --tap
prints a TAP plan of no tests with the reason and exits 0."""

import re
import subprocess
import sys


def main(argv):
    expected, forbidden = [], []
    skip, tap = None, False
    i = 0
    while i < len(argv) and argv[i] != '--':
        opt = argv[i]
        if opt == '--tap':
            tap = True
            i += 1
            continue
        if i + 1 >= len(argv):
            sys.exit(f'check-output.py: {opt} needs a value')
        if opt == '--expect':
            expected.append(argv[i + 1])
        elif opt == '--forbid-stderr':
            forbidden.append(re.compile(argv[i + 1]))
        elif opt == '--skip':
            skip = argv[i + 1]
        else:
            sys.exit(f'check-output.py: unknown option {opt}')
        i += 2
    command = [str(arg) for arg in argv[i + 1:]]
    if skip:
        if tap:
            print(f'1..0 # SKIP {skip}')
            return 0
        print(f'# SKIP: {skip}')
        return 77
    if not command:
        sys.exit('check-output.py: no command')

    proc = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sys.stdout.write(proc.stdout)
    sys.stderr.write(proc.stderr)
    sys.stdout.flush()
    status = 0
    if proc.returncode != 0:
        print(f'# FAIL: {command[0]} exited with status {proc.returncode}')
        status = 1
    for pattern in forbidden:
        match = pattern.search(proc.stderr)
        if match:
            print(f'# FAIL: stderr has {match.group(0)!r} (forbidden: {pattern.pattern})')
            status = 1
    lines = proc.stdout.splitlines()
    pos = 0
    for want in expected:
        try:
            pos = lines.index(want, pos) + 1
        except ValueError:
            print(f'# FAIL: expected the line {want!r} (in this order)')
            status = 1
            break
    if status == 0 and expected:
        print(f'# OK: the {len(expected)} expected lines were printed')
    return status


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
