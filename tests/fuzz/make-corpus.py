#!/usr/bin/env python3
"""make-corpus.py -- copies the seed inputs of a crash-fuzzing target into a
directory (libFuzzer's corpus is a directory), then writes a stamp file.

    make-corpus.py STAMP DIR INPUT...
"""
import os
import shutil
import sys

stamp, directory, *files = sys.argv[1:]
shutil.rmtree(directory, ignore_errors=True)
os.makedirs(directory)
for f in files:
    shutil.copy(f, os.path.join(directory, os.path.basename(f)))
with open(stamp, 'w') as fh:
    fh.write(f'{len(files)} inputs\n')
