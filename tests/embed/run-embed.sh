#!/bin/sh
# Builds a test program of this folder exactly as an embedder would, against
# the build tree's uninstalled pkg-config file, and runs it.
#   run-embed.sh BUILD_ROOT SOURCE_DIR PROGRAM SANITIZE_FLAGS [ARGS...]
# PROGRAM is the name of a .c file here, without the extension.
set -eu
build_root=$1 src=$2 program=$3 sanitize=${4:-}
shift 4
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export PKG_CONFIG_PATH="$build_root/meson-uninstalled"
cc=${CC:-cc}
# shellcheck disable=SC2046
$cc $sanitize -Wall -Wextra -Werror -o "$out/$program" "$src/$program.c" \
  $(pkg-config --cflags --libs wasmplug-engine-1) -lpthread
cd "$out"
LD_LIBRARY_PATH="$build_root/engine${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "./$program" "$@"
