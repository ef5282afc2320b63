#!/usr/bin/env python3
"""Runs the demo twice through run-demo.py with GSettings' keyfile backend
in a fresh folder: the set of enabled plugins (bound to the engine's
loaded-plugins) must survive the restart.

usage: run-settings.py --settings-home DIR -- RUN-DEMO.PY ARGS...
(ARGS: run-demo.py's own options; the plugin folder is WP_SAMPLE_PLUGINS_DIR)"""

import os
import shutil
import subprocess
import sys


def run(base, expect, demo_args):
    cmd = [sys.executable] + base
    for text in expect:
        cmd += ['--expect', text]
    cmd += ['--', '--plugin-dir=' + os.environ['WP_SAMPLE_PLUGINS_DIR']] + demo_args
    print('running: ' + ' '.join(cmd), flush=True)
    return subprocess.run(cmd).returncode


def main(argv):
    if len(argv) < 3 or argv[0] != '--settings-home' or argv[2] != '--':
        sys.exit(__doc__)
    home, base = argv[1], argv[3:]
    shutil.rmtree(home, ignore_errors=True)
    os.makedirs(home)
    # Nothing enabled yet; selecting greeter enables it.
    status = run(base, ['enabled at start: \n', 'result: 42', 'enabled: greeter'],
                 ['--select=greeter', '--export=greet', '--input=21', '--run'])
    if status != 0:
        return status
    keyfile = os.path.join(home, 'glib-2.0', 'settings', 'keyfile')
    with open(keyfile, encoding='utf-8') as f:
        text = f.read()
    print('--- ' + keyfile + '\n' + text)
    if "enabled-plugins=['greeter']" not in text:
        print('FAIL: the keyfile does not hold the enabled set')
        return 1
    # The next start loads greeter at once; hostile joins it.
    return run(base, ['enabled at start: greeter', 'result: 42', 'enabled: greeter,hostile'],
               ['--select=hostile', '--export=ok', '--run'])


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
