#!/bin/sh
# run-libfuzzer.sh FUZZER CORPUS RUNS -- the bounded libFuzzer run of the
# test suite: the seed corpus, then RUNS mutated inputs from a fixed seed.
# libFuzzer adds what it finds to its first corpus directory, so that is a
# scratch copy, not the build's corpus.
set -eu
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp "$2"/* "$scratch"/
"$1" -runs="$3" -seed=1 -max_len=65536 -timeout=30 -rss_limit_mb=4096 "$scratch"
