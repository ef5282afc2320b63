#!/usr/bin/env bash
# Regenerates docs/conformance.md: runs every core spec script with
# wasmplug-wast in each running mode the build at BUILD_DIR has, and writes
# the per-mode table (scripts and commands passed, non-SIMD and SIMD).
#
#   tests/spec/conformance.sh BUILD_DIR [SPEC_DIR] > docs/conformance.md
#
# SPEC_DIR defaults to ../shared/wasm-testsuite from the source root (as the
# meson option spec_dir does).
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:?usage: $0 BUILD_DIR [SPEC_DIR]}
spec=${2:-$root/../shared/wasm-testsuite}
core=$spec/core
wast=$build/engine/wasmplug-wast
tool=$build/engine/wasmplug
[ -x "$wast" ] || { echo "$0: $wast not built" >&2; exit 1; }
[ -d "$core" ] || { echo "$0: no spec scripts at $core" >&2; exit 1; }

mapfile -t plain < <(cd "$core" && ls -1 *.wast | grep -v '^simd_' | LC_ALL=C sort)
mapfile -t simd < <(cd "$core" && ls -1 simd_*.wast | LC_ALL=C sort)

# summary FLAGS FILES...: "files_ok/files commands_ok/commands"
summary() {
  local out
  out=$("$wast" "$@" 2>&1)
  # per-file lines: "PATH: P/T passed, ..."; a file passes when P == T
  awk '
    /^total: / { split($0, a, ", "); split(a[2], c, " "); cmds = c[1]; next }
    /: [0-9]+\/[0-9]+ passed, / {
      n = split($0, w, " "); for (i = 1; i <= n; i++) if (w[i] ~ /^[0-9]+\/[0-9]+$/) { split(w[i], f, "/"); break }
      files++; if (f[1] == f[2]) ok++
    }
    END { printf "%d/%d %s\n", ok, files, cmds }' <<<"$out"
}

echo "# Spec conformance"
echo
echo "The WebAssembly core spec scripts ($(( ${#plain[@]} + ${#simd[@]} )) scripts: ${#plain[@]} non-SIMD, ${#simd[@]} SIMD) run by"
echo "\`wasmplug-wast\` in each running mode.  A script passes when every command"
echo "in it passes (modules load and instantiate, every assertion holds); the"
echo "command counts include every module, register, action and assertion."
echo "SIMD is not executed yet: SIMD modules are rejected at validation, so the"
echo "SIMD scripts pass only their text-format and non-SIMD commands (in CI they"
echo "run with \`--expect-simd-unsupported\`, which fails on anything else)."
echo
echo "Generated on $(date -u +%Y-%m-%d) from $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo 'an unknown commit') by:"
echo
echo '```sh'
echo "tests/spec/conformance.sh BUILD_DIR > docs/conformance.md"
echo '```'
echo
echo "| mode | non-SIMD scripts | non-SIMD commands | SIMD scripts | SIMD commands |"
echo "| --- | --- | --- | --- | --- |"
for mode in interp fast-interp fast-jit llvm-jit multi-tier-jit; do
  if ! "$tool" --list-modes | grep -q "^$mode  *supported"; then
    echo "| $mode | not built | | | |"
    continue
  fi
  read -r pf pc < <(cd "$core" && summary --mode="$mode" "${plain[@]}")
  read -r sf sc < <(cd "$core" && summary --mode="$mode" --expect-simd-unsupported "${simd[@]}")
  echo "| $mode | $pf | $pc | $sf | $sc |"
done
