/* A growable byte buffer, always NUL-terminated. Out of memory aborts (see xalloc.h). */
#ifndef ECSDEPLOY_BUF_H
#define ECSDEPLOY_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

typedef struct {
    char *data; /* NULL until the first append; else NUL-terminated */
    size_t len;
    size_t cap;
} buf;

#define BUF_INIT {NULL, 0, 0}

void buf_append(buf *b, const void *p, size_t n);
void buf_puts(buf *b, const char *s);
void buf_putc(buf *b, char c);
void buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(buf *b, const char *fmt, va_list ap);
/* Append what f holds up to its end, or until b holds `limit` bytes or more (0: no limit:
 * pass one more than the most you accept to tell a stream that is too long). Returns 0,
 * or -1 when reading failed (ferror; errno as the failed read left it). f stays open. */
int buf_read(buf *b, FILE *f, size_t limit);
/* Empty the buffer, keeping its memory. */
void buf_reset(buf *b);
/* The contents as a string ("" when empty); stays owned by the buffer. */
const char *buf_str(const buf *b);
/* Hand the contents to the caller (free() it; never NULL) and leave b empty. */
char *buf_detach(buf *b);
void buf_free(buf *b);

#endif
