/* Random passwords, made here (OpenSSL's generator) with the character set and the rule of
 * Secrets Manager's GetRandomPassword, so that a generated secret costs no call. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "password.h"
#include "xalloc.h"

static const char *const classes[] = {
    "abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "0123456789",
    "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"};
#define NCLASSES (sizeof classes / sizeof classes[0])
#define PUNCTUATION 3 /* the class `punctuation` turns on */

/* A uniform index below n (1 <= n <= 65536): 32 random bits, drawn again while they fall
 * in the last, partial run of n, so that no index is likelier. -1 when the generator fails. */
static long pick(size_t n)
{
    uint32_t limit = (uint32_t)(UINT32_MAX / n * n), r;
    do {
        if (RAND_bytes((unsigned char *)&r, sizeof r) != 1)
            return -1;
    } while (r >= limit);
    return (long)(r % n);
}

char *util_random_password(size_t length, int punctuation, const char *exclude)
{
    char set[NCLASSES][40], all[160];
    size_t nset[NCLASSES], nall = 0, wanted = 0;
    for (size_t c = 0; c < NCLASSES; c++) {
        nset[c] = 0;
        for (const char *p = classes[c]; *p && (c != PUNCTUATION || punctuation); p++)
            if (!exclude || !strchr(exclude, *p))
                set[c][nset[c]++] = all[nall++] = *p;
        wanted += nset[c] > 0;
    }
    if (nall == 0 || length == 0 || length > 65536 || length < wanted)
        return NULL;
    char *out = xmalloc(length + 1);
    size_t i = 0;
    long k = 0;
    /* one of each class that keeps a character, the rest of any; then shuffled */
    for (size_t c = 0; c < NCLASSES && k >= 0; c++)
        if (nset[c] && (k = pick(nset[c])) >= 0)
            out[i++] = set[c][k];
    for (; i < length && k >= 0; i++)
        if ((k = pick(nall)) >= 0)
            out[i] = all[k];
    for (size_t j = length; j > 1 && k >= 0; j--) /* Fisher-Yates */
        if ((k = pick(j)) >= 0) {
            char t = out[j - 1];
            out[j - 1] = out[k];
            out[k] = t;
        }
    OPENSSL_cleanse(set, sizeof set);
    OPENSSL_cleanse(all, sizeof all);
    if (k < 0) {
        OPENSSL_cleanse(out, length + 1);
        free(out);
        return NULL;
    }
    out[length] = '\0';
    return out;
}
