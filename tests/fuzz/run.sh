#!/bin/sh
# Longer fuzz runs: build every tests/fuzz/fuzz_*.c with clang's libFuzzer and the
# sanitizers, and run each for FUZZ_SECONDS (default 60) from the seeds in examples/ and
# tests/spec/. Crashes are written to build/fuzz/NAME/.
set -eu
SECONDS_EACH=${FUZZ_SECONDS:-60}
PKGS="libcurl openssl libcjson libxml-2.0 yaml-0.1"
mkdir -p build/fuzz
for src in tests/fuzz/fuzz_*.c; do
    name=$(basename "$src" .c)
    out=build/fuzz/$name
    mkdir -p "$out/corpus"
    cp examples/*.yml tests/spec/*.yml "$out/corpus/" 2>/dev/null || true
    # shellcheck disable=SC2046
    clang -std=c11 -D_GNU_SOURCE -DECSDEPLOY_VERSION='"fuzz"' -Iinclude $(pkg-config --cflags $PKGS) \
        -g -O1 -fsanitize=fuzzer,address,undefined -o "$out/$name" "$src" \
        $(ls sigv4/*.c services/*.c src/*/*.c 2>/dev/null | grep -v src/cli/main.c) \
        $(pkg-config --libs $PKGS) -lpthread
    echo "fuzz: $name for ${SECONDS_EACH}s"
    (cd "$out" && "./$name" -max_total_time="$SECONDS_EACH" -max_len=65536 -artifact_prefix=./ corpus)
done
