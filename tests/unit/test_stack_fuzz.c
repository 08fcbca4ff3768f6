/*
 * A bounded, seeded mutation run of the stack-file fuzz target inside `make check`: the
 * examples and the bad-file fixtures, mutated a few thousand times. Under ASan/UBSan any
 * crash, overflow or leak fails the test. (`make fuzz` runs the same target for longer
 * with libFuzzer.)
 */
#include <check.h>
#include <glob.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the sigv4 fuzz test includes its own target too: give this one another name here */
#define LLVMFuzzerTestOneInput stack_fuzz_one_input
#include "../fuzz/fuzz_stack.c"
#undef LLVMFuzzerTestOneInput
#include "buf.h"
#include "unit_suite.h"

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rnd(void)
{
    return test_xorshift(&rng_state);
}

static const char *const tokens[] = {
    "${", "}", ": ", "- ", "\n  ", "\n", "&a ", "*a", "[", "]", "{", "}", "\"", "'", "\t", "\xff",
    "\xc3", "---\n", "${services.app.url}", "${secrets.api-key.arn}", "${image}", "${env:HOME}",
    "enabled: false", "null", "~", "? ", "!!str ", "$${", ", ", "99999999999", "-1", "0x10",
    "\xe2\x80\x94", "exec: true", "init: true", "strategy: canary", "port: 80", "depends_on: { app: success }"};

static void mutate(buf *b)
{
    int rounds = 1 + (int)(rnd() % 4);
    for (int r = 0; r < rounds && b->len; r++) {
        size_t at = rnd() % b->len;
        switch (rnd() % 6) {
        case 0: /* flip a byte */
            b->data[at] = (char)(rnd() & 0xFF);
            break;
        case 1: { /* insert a token */
            const char *t = tokens[rnd() % (sizeof tokens / sizeof tokens[0])];
            buf tail = BUF_INIT;
            buf_append(&tail, b->data + at, b->len - at);
            b->len = at;
            buf_puts(b, t);
            buf_append(b, tail.data, tail.len);
            buf_free(&tail);
            break;
        }
        case 2: { /* delete a range */
            size_t n = rnd() % 64;
            if (at + n > b->len)
                n = b->len - at;
            memmove(b->data + at, b->data + at + n, b->len - at - n);
            b->len -= n;
            b->data[b->len] = '\0';
            break;
        }
        case 3: { /* duplicate a range */
            size_t n = rnd() % 128;
            if (at + n > b->len)
                n = b->len - at;
            buf copy = BUF_INIT;
            buf_append(&copy, b->data + at, n);
            buf_append(&copy, b->data + at, b->len - at);
            b->len = at;
            buf_append(b, copy.data, copy.len);
            buf_free(&copy);
            break;
        }
        case 4: /* truncate */
            b->len = at;
            b->data[at] = '\0';
            break;
        default: { /* swap two bytes */
            size_t other = rnd() % b->len;
            char t = b->data[at];
            b->data[at] = b->data[other];
            b->data[other] = t;
        }
        }
    }
}

START_TEST(mutations_never_crash)
{
    const char *top = getenv("TOP");
    char pattern[4096];
    glob_t g;
    memset(&g, 0, sizeof g);
    snprintf(pattern, sizeof pattern, "%s/examples/*.yml", top ? top : ".");
    glob(pattern, 0, NULL, &g);
    snprintf(pattern, sizeof pattern, "%s/tests/stack/*.yml", top ? top : ".");
    glob(pattern, GLOB_APPEND, NULL, &g);
    ck_assert_msg(g.gl_pathc >= 5, "no seed files found under %s", top ? top : ".");
    char **seeds = calloc(g.gl_pathc, sizeof *seeds);
    size_t *lens = calloc(g.gl_pathc, sizeof *lens);
    for (size_t i = 0; i < g.gl_pathc; i++) {
        seeds[i] = test_read_file(g.gl_pathv[i], &lens[i]);
        ck_assert_ptr_nonnull(seeds[i]);
        stack_fuzz_one_input((const uint8_t *)seeds[i], lens[i]);
    }
    /* the five examples are mutated more often than the fixtures */
    for (int iter = 0; iter < 3000; iter++) {
        size_t k = iter % 2 ? rnd() % 5 : rnd() % g.gl_pathc;
        buf b = BUF_INIT;
        buf_append(&b, seeds[k], lens[k]);
        mutate(&b);
        stack_fuzz_one_input((const uint8_t *)(b.data ? b.data : ""), b.len);
        buf_free(&b);
    }
    for (size_t i = 0; i < g.gl_pathc; i++)
        free(seeds[i]);
    free(seeds);
    free(lens);
    globfree(&g);
}
END_TEST

UNIT_SUITE(stack_fuzz, 120, mutations_never_crash)
