/* Random tokens for idempotent creates (see aws.h). */
#include "aws.h"

#include <stdio.h>
#include <time.h>

#include <openssl/rand.h>

char *aws_random_token(char out[33])
{
    unsigned char raw[16];
    if (RAND_bytes(raw, sizeof raw) != 1) {
        /* no randomness to be had: the clock and a counter still make it unique here */
        static unsigned long counter;
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        unsigned long n = __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED);
        snprintf(out, 33, "%016llx%08lx%08lx", (unsigned long long)ts.tv_sec,
                 (unsigned long)ts.tv_nsec & 0xffffffffUL, n & 0xffffffffUL);
        return out;
    }
    for (int i = 0; i < 16; i++)
        snprintf(out + 2 * i, 3, "%02x", raw[i]);
    return out;
}
