#!/bin/sh
# `make fuzz`: coverage-guided fuzzing with libFuzzer (clang -fsanitize=fuzzer,address,
# undefined) of every tests/fuzz/fuzz_*.c, each for a bounded time.
#   FUZZ_SECONDS=60 (default)   how long each target runs
#   FUZZ_ONLY=NAME              run only fuzz_NAME
# Each target's corpus is kept in build/fuzz/NAME/corpus and grows from run to run; a
# seed script tests/fuzz/seed_NAME.sh DIR, when present, fills an empty corpus. A crash
# leaves its input in build/fuzz/NAME/ (replay: build/fuzz/NAME/NAME FILE).
# `make check` already runs a bounded random run of each target under ASan and UBSan.
set -u
cd "$(dirname "$0")/../.." || exit 1
seconds=${FUZZ_SECONDS:-60}
PKGS="libcurl openssl libcjson libxml-2.0 yaml-0.1"
mkdir -p build/fuzz

if ! command -v clang >/dev/null 2>&1; then
    echo "make fuzz: clang is not installed; install it (Debian: apt-get install clang)." >&2
    exit 1
fi
probe=build/fuzz/probe.c
echo 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }' >"$probe"
if ! clang -fsanitize=fuzzer "$probe" -o build/fuzz/probe >build/fuzz/probe.log 2>&1; then
    echo "make fuzz: clang's libFuzzer runtime is missing; on Debian 12 install it with" >&2
    echo "  apt-get install libclang-rt-14-dev   (the version must match 'clang --version')." >&2
    echo "'make check' still runs a bounded random run of every fuzz target without it." >&2
    exit 1
fi

status=0
for src in tests/fuzz/fuzz_*.c; do
    name=$(basename "$src" .c)
    [ -n "${FUZZ_ONLY:-}" ] && [ "$name" != "fuzz_${FUZZ_ONLY}" ] && continue
    out=build/fuzz/$name
    mkdir -p "$out/corpus"
    seed=tests/fuzz/seed_${name#fuzz_}.sh
    if [ -f "$seed" ] && [ -z "$(ls -A "$out/corpus")" ]; then
        sh "$seed" "$out/corpus"
    fi
    echo "make fuzz: building $out/$name"
    # shellcheck disable=SC2046
    clang -std=c11 -D_GNU_SOURCE -DECSDEPLOY_VERSION='"fuzz"' -DAWS_FUZZ_LIBFUZZER \
        -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined \
        -fno-sanitize-recover=undefined -Wall -Wextra -Werror -Iinclude $(pkg-config --cflags $PKGS) \
        -o "$out/$name" "$src" \
        $(ls sigv4/*.c services/*.c src/*/*.c | grep -v src/cli/main.c) \
        $(pkg-config --libs $PKGS) -lpthread || { status=1; continue; }
    echo "make fuzz: $name for ${seconds}s"
    if (cd "$out" && "./$name" -max_total_time="$seconds" -max_len=65536 \
            -artifact_prefix=./ -print_final_stats=1 corpus >run.log 2>&1); then
        echo "make fuzz: $name: no crash, leak or sanitizer error in ${seconds}s"
    else
        echo "make fuzz: $name FAILED; see $out/run.log and the crash-*/leak-* input in $out/"
        status=1
    fi
done
exit $status
