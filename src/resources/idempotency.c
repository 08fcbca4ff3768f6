/* Idempotency tokens derived from the stack and node id, so that a create repeated after
 * a crash returns the first result (see app_internal.h). res_app_code_is, here until the
 * kinds ask aws_error_is, goes with the last error code compared by hand. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "app_internal.h"

/* FNV-1a over the parts, run twice with different offsets for 128 bits. */
static uint64_t fnv(uint64_t h, const char *s)
{
    for (; s && *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    h ^= 0xff; /* separator, so ("ab","c") and ("a","bc") differ */
    h *= 1099511628211ULL;
    return h;
}

void res_app_token(const char *stack, const char *id, const char *salt, char out[37])
{
    uint64_t a = 14695981039346656037ULL, b = 1469598103934665603ULL;
    a = fnv(fnv(fnv(a, stack), id), salt);
    b = fnv(fnv(fnv(b, salt), id), stack);
    snprintf(out, 37, "%08x-%04x-%04x-%04x-%012llx", (unsigned)(a >> 32),
             (unsigned)((a >> 16) & 0xffff), (unsigned)(a & 0xffff), (unsigned)(b >> 48),
             (unsigned long long)(b & 0xffffffffffffULL));
}
