/* Random tokens for idempotent creates (see aws.h). */
#include "aws.h"

#include <stdio.h>

#include <openssl/rand.h>

#include "clock.h"

char *aws_random_token(char out[33])
{
    unsigned char raw[16];
    if (RAND_bytes(raw, sizeof raw) != 1) {
        /* no randomness to be had: the clock and a counter still make it unique here */
        static unsigned long counter;
        unsigned long n = __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED);
        snprintf(out, 33, "%024llx%08lx", (unsigned long long)(util_wall() * 1e6),
                 n & 0xffffffffUL);
        return out;
    }
    for (int i = 0; i < 16; i++)
        snprintf(out + 2 * i, 3, "%02x", raw[i]);
    return out;
}
