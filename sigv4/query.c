/* SigV4 canonical query string: decode, re-encode, sort by name then value. */
#include <stdlib.h>
#include <string.h>

#include "sigv4.h"
#include "sigv4_int.h"
#include "xalloc.h"

typedef struct {
    char *name;
    char *value;
} qparam;

/* Decode then encode s[0..len) into a new string. */
static char *recode(const char *s, size_t len)
{
    buf raw = BUF_INIT, enc = BUF_INIT;
    sigv4_decode_into(&raw, s, len);
    sigv4_encode_into(&enc, raw.data ? raw.data : "", raw.len, 0);
    buf_free(&raw);
    return buf_detach(&enc);
}

static int cmp_param(const void *a, const void *b)
{
    const qparam *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : strcmp(x->value, y->value);
}

/* Split the query into params; returns the count, *out owns them. */
static size_t split_query(const char *q, qparam **out)
{
    size_t cap = 1;
    for (const char *p = q; *p; p++)
        cap += *p == '&';
    qparam *params = xcalloc(cap, sizeof *params);
    size_t n = 0;
    while (*q) {
        size_t len = strcspn(q, "&");
        if (len > 0) {
            const char *eq = memchr(q, '=', len);
            size_t nlen = eq ? (size_t)(eq - q) : len;
            params[n].name = recode(q, nlen);
            params[n].value = eq ? recode(eq + 1, len - nlen - 1) : xstrdup("");
            n++;
        }
        q += len;
        if (*q == '&')
            q++;
    }
    *out = params;
    return n;
}

char *sigv4_canonical_query(const char *query)
{
    if (!query)
        return xstrdup("");
    qparam *params = NULL;
    size_t n = split_query(query, &params);
    qsort(params, n, sizeof *params, cmp_param);
    buf b = BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_putc(&b, '&');
        buf_puts(&b, params[i].name);
        buf_putc(&b, '=');
        buf_puts(&b, params[i].value);
        free(params[i].name);
        free(params[i].value);
    }
    free(params);
    return buf_detach(&b);
}
