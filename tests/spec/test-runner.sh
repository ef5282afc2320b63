#!/usr/bin/env bash
# The runner itself: failures are reported with file, line, command and
# expected versus actual, and make the run fail; SIMD-only failures are
# counted apart under --expect-simd-unsupported; a mode not built is refused.
#   test-runner.sh WASMPLUG_WAST WASMPLUG SOURCE_DIR
set -u
wast=$1 tool=$2 dir=$3
status=0
fail() { echo "not ok: $*"; status=1; }
expect() { grep -qF -- "$1" <<<"$out" || fail "missing: $1"; }

out=$("$wast" --mode=interp "$dir/runner/failing.wast" 2>&1); rc=$?
[ "$rc" -eq 1 ] || fail "failing.wast: exit $rc, want 1"
expect 'failing.wast:7: assert_return: FAILED: "one": result 0: expected i32:2 (0x2), got i32:1 (0x1)'
expect 'failing.wast:8: assert_return: FAILED: "nan": result 0: expected f32:nan:canonical, got f32:nan (0x7fa00000)'
expect 'failing.wast:9: assert_trap: FAILED: "one": expected the trap "unreachable", got a result'
expect 'failing.wast:10: assert_trap: FAILED: "trap": expected the trap "integer overflow", got "unreachable"'
expect 'failing.wast:11: assert_invalid: FAILED: expected "type mismatch", but the module loads'
expect 'failing.wast:12: assert_malformed: FAILED: expected "unexpected token", got "unknown operator i32.foo"'
expect 'failing.wast:13: action: FAILED: "missing": no exported function "missing"'
expect 'failing.wast: 1/8 passed, 7 failed'
expect 'total: 0/1 files passed, 1/8 commands passed, 7 failed'

out=$("$wast" --mode=interp "$dir/runner/simd.wast" 2>&1); rc=$?
[ "$rc" -eq 1 ] || fail "simd.wast without the flag: exit $rc, want 1"
out=$("$wast" --mode=interp --expect-simd-unsupported "$dir/runner/simd.wast" 2>&1); rc=$?
[ "$rc" -eq 0 ] || fail "simd.wast with the flag: exit $rc, want 0"
expect 'simd.wast: 2/4 passed, 0 failed, 2 SIMD unsupported'

out=$("$wast" --mode=warp-drive "$dir/runner/simd.wast" 2>&1); rc=$?
[ "$rc" -eq 2 ] || fail "unknown mode: exit $rc, want 2"
missing=$("$tool" --list-modes | awk '$2 == "not" { print $1; exit }')
if [ -n "$missing" ]; then
  out=$("$wast" --mode="$missing" "$dir/runner/simd.wast" 2>&1); rc=$?
  [ "$rc" -eq 2 ] || fail "mode $missing not built: exit $rc, want 2"
  expect "running mode '$missing' is not supported by this build"
fi

# --fuel and --timeout stop start functions and invokes looping for ever,
# in every mode the build has.  A compiling tier spends part of each limit
# compiling (slowly under ASan), so the timeout leaves the start function
# that must finish ample time; the loops never end, so only waiting costs.
# (The modes that run .wasm scripts: an AOT loader without its compiler is
# listed as supported but compiles nothing.)
for mode in ${WP_BUILT_MODES:-$("$tool" --list-modes | awk '$2 == "supported" { print $1 }')}; do
  out=$("$wast" --mode="$mode" --fuel=1000 "$dir/runner/fuel.wast" 2>&1); rc=$?
  [ "$rc" -eq 0 ] || fail "fuel.wast ($mode): exit $rc, want 0: $out"
  expect 'fuel.wast: 7/7 passed, 0 failed'
  out=$("$wast" --mode="$mode" --timeout=2000 "$dir/runner/timeout.wast" 2>&1); rc=$?
  [ "$rc" -eq 0 ] || fail "timeout.wast ($mode): exit $rc, want 0: $out"
  expect 'timeout.wast: 7/7 passed, 0 failed'
done
out=$("$wast" --fuel=0 "$dir/runner/fuel.wast" 2>&1); rc=$?
[ "$rc" -eq 2 ] || fail "--fuel=0: exit $rc, want 2"

[ "$status" -eq 0 ] && echo "ok: the runner reports failures as it should"
exit "$status"
