#!/usr/bin/env bash
# run-long.sh -- the long differential run: generates modules until the time
# is up, runs them in every mode of the build and in V8 (when node is
# there), and saves every divergence (module, outputs, reduced module) and
# every crash into a directory.
#
#   tests/fuzz/run-long.sh --minutes 60 [--build _build/release] [--save DIR]
#                          [--seed N] [--strict] [--no-v8]
#
# Ends with fuzz-run.py's summary line; exit status 1 when anything was
# found.  docs/fuzzing.md records runs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$root/_build/release
minutes=60
save=$PWD/fuzz-findings
seed=$(date +%s)
extra=()
v8=yes
while [ $# -gt 0 ]; do
  case $1 in
    --minutes) minutes=$2; shift 2 ;;
    --minutes=*) minutes=${1#*=}; shift ;;
    --build) build=$2; shift 2 ;;
    --build=*) build=${1#*=}; shift ;;
    --save) save=$2; shift 2 ;;
    --save=*) save=${1#*=}; shift ;;
    --seed) seed=$2; shift 2 ;;
    --seed=*) seed=${1#*=}; shift ;;
    --strict) extra+=(--strict); shift ;;
    --no-v8) v8=no; shift ;;
    *) echo "usage: $0 --minutes N [--build DIR] [--save DIR] [--seed N] [--strict] [--no-v8]" >&2; exit 2 ;;
  esac
done
driver=$build/tests/fuzz/fuzz-diff
[ -x "$driver" ] || { echo "run-long.sh: no $driver: build first (ninja -C $build)" >&2; exit 2; }
if [ $v8 = yes ] && command -v node >/dev/null 2>&1; then
  extra+=(--v8 "$here/v8-run.mjs")
fi
echo "run-long.sh: seed $seed, $minutes minutes, findings into $save"
exec python3 "$here/fuzz-run.py" --driver "$driver" --minutes "$minutes" --seed "$seed" \
  --batch 100 --progress --save "$save" "${extra[@]}"
