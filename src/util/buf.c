#include "buf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xalloc.h"

/* Room for `extra` more bytes and the NUL. 0, or -1 when the size overflows or (with
 * may_fail) memory runs out. A wiping buffer moves to a new block and zeroes the old one,
 * where realloc could leave a copy behind. */
static int grow(buf *b, size_t extra, int may_fail)
{
    if (extra > SIZE_MAX / 2 - b->len - 1) {
        if (may_fail)
            return -1;
        xalloc_out_of_memory(SIZE_MAX);
    }
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    char *p;
    if (b->wipe) {
        p = may_fail ? malloc(cap) : xmalloc(cap);
        if (p && b->data) {
            memcpy(p, b->data, b->len + 1);
            explicit_bzero(b->data, b->cap);
            free(b->data);
        }
    } else {
        p = may_fail ? realloc(b->data, cap) : xrealloc(b->data, cap);
    }
    if (!p)
        return -1;
    b->data = p;
    b->cap = cap;
    return 0;
}

void buf_append(buf *b, const void *p, size_t n)
{
    grow(b, n, 0);
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

int buf_try_append(buf *b, const void *p, size_t n)
{
    if (grow(b, n, 1) != 0)
        return -1;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

void buf_puts(buf *b, const char *s)
{
    buf_append(b, s, strlen(s));
}

void buf_putc(buf *b, char c)
{
    buf_append(b, &c, 1);
}

void buf_vprintf(buf *b, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0)
        return;
    grow(b, (size_t)n, 0);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void buf_printf(buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(b, fmt, ap);
    va_end(ap);
}

int buf_read(buf *b, FILE *f, size_t limit)
{
    char chunk[8192];
    size_t n;
    while ((!limit || b->len < limit) && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(b, chunk, n);
    return ferror(f) ? -1 : 0;
}

int buf_read_file(buf *b, const char *path, size_t limit)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = 0;
    while (!limit || b->len < limit) {
        size_t want = 8192;
        if (limit && want > limit - b->len)
            want = limit - b->len;
        grow(b, want, 0);
        b->data[b->len] = '\0'; /* a first block, or a read that brings nothing */
        ssize_t n = read(fd, b->data + b->len, want);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            rc = -2;
        if (n <= 0)
            break;
        b->len += (size_t)n;
        b->data[b->len] = '\0';
    }
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

void buf_reset(buf *b)
{
    if (b->data && b->wipe)
        explicit_bzero(b->data, b->cap);
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

const char *buf_str(const buf *b)
{
    return b->data ? b->data : "";
}

char *buf_detach(buf *b)
{
    char *p = b->data ? b->data : xstrdup("");
    b->data = NULL; /* the caller now owns the bytes (and wiping them) */
    b->len = b->cap = 0;
    return p;
}

void buf_free(buf *b)
{
    if (b->data && b->wipe)
        explicit_bzero(b->data, b->cap);
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
