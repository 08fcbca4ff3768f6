/*
 * A bounded, deterministic random run of the SigV4 fuzz target (tests/fuzz/fuzz_sigv4.c)
 * inside `make check`, under ASan and UBSan: 20,000 inputs built from a byte alphabet
 * that favours what matters to the canonicaliser (NUL field separators, '%', hex digits,
 * '/', '.', '&', '=', spaces, line breaks, high bytes). The target aborts on any broken
 * property; the sanitizers catch reads past buffers and leaks. Longer, coverage-guided
 * runs: `make fuzz`.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Every fuzz target defines libFuzzer's entry point; give this one its own name here. */
#define LLVMFuzzerTestOneInput fuzz_sigv4_one
#include "unit_suite.h"

#include "../fuzz/fuzz_sigv4.c"

#define FUZZ_RUNS 20000

static uint64_t rng_state;

static uint32_t next_random(void)
{
    return (uint32_t)(test_xorshift(&rng_state) >> 11);
}

static uint8_t random_byte(void)
{
    static const char favoured[] = "%%%//..&&==  \t\n\r09aAfFgz~-_+?#;:@";
    uint32_t r = next_random() % 100;
    if (r < 12)
        return 0; /* field separator */
    if (r < 70)
        return (uint8_t)favoured[next_random() % (sizeof favoured - 1)];
    if (r < 85)
        return (uint8_t)(0x80 + next_random() % 0x80);
    return (uint8_t)(next_random() % 0x80);
}

START_TEST(fuzz_target_random_run)
{
    rng_state = 0x9E3779B97F4A7C15ull;
    uint8_t data[512];
    size_t total = 0;
    for (int i = 0; i < FUZZ_RUNS; i++) {
        size_t len = next_random() % (i % 10 == 0 ? sizeof data : 96);
        for (size_t k = 0; k < len; k++)
            data[k] = random_byte();
        if (len > 0 && i % 2 == 0)
            data[0] = (uint8_t)(next_random() | 0x20); /* usually with a Host header */
        ck_assert_int_eq(LLVMFuzzerTestOneInput(data, len), 0);
        total += len;
    }
    fprintf(stderr, "sigv4 fuzz: %d random inputs (%zu bytes) through the fuzz target\n",
            FUZZ_RUNS, total);
}
END_TEST

UNIT_SUITE(sigv4_fuzz, 300, fuzz_target_random_run)
