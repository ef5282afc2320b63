#!/bin/sh
# Builds embed.c exactly as an embedder would, against the build tree's
# uninstalled pkg-config file, and runs it.
#   run-embed.sh BUILD_ROOT SOURCE_DIR FIB_WASM SANITIZE_FLAGS
set -eu
build_root=$1 src=$2 wasm=$3 sanitize=${4:-}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export PKG_CONFIG_PATH="$build_root/meson-uninstalled"
cc=${CC:-cc}
# shellcheck disable=SC2046
$cc $sanitize -Wall -Wextra -Werror -o "$out/embed" "$src/embed.c" \
  $(pkg-config --cflags --libs wasmplug-engine-1) -lpthread
LD_LIBRARY_PATH="$build_root/engine${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$out/embed" "$wasm"
