/* SigV4 canonical headers: lowercase names, trimmed and folded values, sorted, joined. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sigv4.h"
#include "sigv4_int.h"
#include "xalloc.h"

typedef struct {
    char *name;  /* lowercased */
    char *value; /* trimmed, whitespace runs folded */
    size_t order;
} cheader;

/* Never signed: changed by proxies or SDK layers, or the signature itself. */
static const char *const unsigned_names[] = {"authorization", "user-agent", "expect",
                                             "x-amzn-trace-id"};

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static int valid_name(const char *s)
{
    if (!s || !*s)
        return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= ' ' || *p == ':' || *p == 127)
            return 0;
    return 1;
}

static char *lower(const char *s)
{
    char *out = xstrdup(s);
    for (char *p = out; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    return out;
}

static char *trim_fold(const char *v)
{
    buf b = BUF_INIT;
    int pending = 0;
    for (const unsigned char *p = (const unsigned char *)(v ? v : ""); *p; p++) {
        if (is_space(*p)) {
            pending = b.len > 0;
            continue;
        }
        if (pending)
            buf_putc(&b, ' ');
        pending = 0;
        buf_putc(&b, (char)*p);
    }
    return buf_detach(&b);
}

static int skipped(const char *lname)
{
    for (size_t i = 0; i < sizeof unsigned_names / sizeof *unsigned_names; i++)
        if (strcmp(lname, unsigned_names[i]) == 0)
            return 1;
    return 0;
}

static int cmp_header(const void *a, const void *b)
{
    const cheader *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->order > y->order) - (x->order < y->order);
}

static char *join(cheader *hs, size_t n, char **signed_headers)
{
    buf block = BUF_INIT, list = BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        int first = i == 0 || strcmp(hs[i].name, hs[i - 1].name) != 0;
        if (first) {
            if (i)
                buf_putc(&block, '\n');
            if (list.len)
                buf_putc(&list, ';');
            buf_puts(&list, hs[i].name);
            buf_printf(&block, "%s:", hs[i].name);
        } else {
            buf_putc(&block, ',');
        }
        buf_puts(&block, hs[i].value);
    }
    if (n)
        buf_putc(&block, '\n');
    *signed_headers = buf_detach(&list);
    return buf_detach(&block);
}

char *sigv4_canonical_headers(const sigv4_header *headers, size_t n, char **signed_headers,
                              char *err, size_t errlen)
{
    *signed_headers = NULL;
    cheader *hs = xcalloc(n + 1, sizeof *hs);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (!valid_name(headers[i].name)) {
            snprintf(err, errlen,
                     "header %zu has an invalid name (empty, or with spaces, control "
                     "characters or ':'); fix the header name", i + 1);
            for (size_t k = 0; k < m; k++) {
                free(hs[k].name);
                free(hs[k].value);
            }
            free(hs);
            return NULL;
        }
        char *lname = lower(headers[i].name);
        if (skipped(lname)) {
            free(lname);
            continue;
        }
        hs[m++] = (cheader){lname, trim_fold(headers[i].value), i};
    }
    qsort(hs, m, sizeof *hs, cmp_header);
    char *block = join(hs, m, signed_headers);
    for (size_t k = 0; k < m; k++) {
        free(hs[k].name);
        free(hs[k].value);
    }
    free(hs);
    return block;
}
