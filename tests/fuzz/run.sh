#!/bin/sh
# `make fuzz`: coverage-guided fuzzing of the SigV4 canonicaliser and signer with
# libFuzzer (clang -fsanitize=fuzzer,address,undefined), for a bounded time.
#   FUZZ_SECONDS=60 (default)   how long to run
#   FUZZ_JOBS=1                 parallel fuzzing processes
# The corpus is kept in build/fuzz/corpus-sigv4 and grows from run to run; a crash
# leaves its input in build/fuzz/ (replay: build/fuzz/fuzz_sigv4 FILE).
# A bounded random run of the same target is part of `make check` already.
set -u
cd "$(dirname "$0")/../.." || exit 1
seconds=${FUZZ_SECONDS:-60}
jobs=${FUZZ_JOBS:-1}
out=build/fuzz
mkdir -p "$out/corpus-sigv4"

if ! command -v clang >/dev/null 2>&1; then
    echo "make fuzz: clang is not installed; install it (Debian: apt-get install clang)." >&2
    exit 1
fi

probe="$out/probe.c"
echo 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }' >"$probe"
if ! clang -fsanitize=fuzzer "$probe" -o "$out/probe" >"$out/probe.log" 2>&1; then
    echo "make fuzz: clang's libFuzzer runtime is missing (linking with -fsanitize=fuzzer failed:" >&2
    sed -n '1,3p' "$out/probe.log" >&2
    echo "). On Debian 12 install it with: apt-get install libclang-rt-14-dev" >&2
    echo "(the version must match 'clang --version'). 'make check' still runs a bounded" >&2
    echo "random run of the same fuzz target without it." >&2
    exit 1
fi

# Seed corpus: the request lines of the AWS suites, when ../shared is there.
suites=../shared/testdata/sigv4
if [ -d "$suites" ] && [ -z "$(ls -A "$out/corpus-sigv4")" ]; then
    n=0
    for f in $(find "$suites" -name '*.req' -o -name 'request.txt' | sort); do
        n=$((n + 1))
        line=$(head -n 1 "$f")
        target=${line#* }; target=${target% *}
        path=${target%%\?*}; query=${target#"$path"}; query=${query#\?}
        printf '\145\000GET\000%s\000%s\000My-Header1\000value1\n  value2' "$path" "$query" \
            >"$out/corpus-sigv4/suite-$n"
    done
fi

echo "make fuzz: building $out/fuzz_sigv4 (clang, libFuzzer + ASan + UBSan)"
# shellcheck disable=SC2046
clang -std=c11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -Wall -Wextra -Werror -Iinclude $(pkg-config --cflags openssl) \
    tests/fuzz/fuzz_sigv4.c sigv4/*.c src/util/buf.c src/util/xalloc.c \
    $(pkg-config --libs openssl) -lpthread -o "$out/fuzz_sigv4" || exit 1

echo "make fuzz: running for ${seconds}s ($jobs job(s)); corpus $out/corpus-sigv4"
if [ "$jobs" -gt 1 ]; then
    # Parallel jobs log to fuzz-N.log in the current directory: keep those in $out.
    (cd "$out" && ./fuzz_sigv4 -max_total_time="$seconds" -max_len=4096 -jobs="$jobs" \
        -workers="$jobs" -artifact_prefix=./ -print_final_stats=1 corpus-sigv4)
else
    "$out/fuzz_sigv4" -max_total_time="$seconds" -max_len=4096 \
        -artifact_prefix="$out/" -print_final_stats=1 "$out/corpus-sigv4"
fi
status=$?
if [ $status -eq 0 ]; then
    echo "make fuzz: no crash, leak or sanitizer error in ${seconds}s"
else
    echo "make fuzz: FAILED (exit $status); the crashing input is in $out/ (crash-*, leak-*)"
fi
exit $status
