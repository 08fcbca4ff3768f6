/* A growable byte buffer, always NUL-terminated. Out of memory ends the process (see
 * xalloc.h), except in buf_try_append, which says so instead. */
#ifndef ECSDEPLOY_BUF_H
#define ECSDEPLOY_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

typedef struct {
    char *data; /* NULL until the first append; else NUL-terminated */
    size_t len;
    size_t cap;
    int wipe;   /* may hold a secret: growing and freeing leave no copy behind (zeroed) */
} buf;

#define BUF_INIT {NULL, 0, 0, 0}
/* An empty buffer whose bytes are wiped when it grows, is reset or is freed. */
#define BUF_INIT_WIPE {NULL, 0, 0, 1}

void buf_append(buf *b, const void *p, size_t n);
/* buf_append that fails (-1, b unchanged) instead of ending the process when memory runs
 * out: for data whose size a peer decides. */
int buf_try_append(buf *b, const void *p, size_t n);
void buf_puts(buf *b, const char *s);
void buf_putc(buf *b, char c);
void buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(buf *b, const char *fmt, va_list ap);
/* Append what f holds up to its end, or until b holds `limit` bytes or more (0: no limit:
 * pass one more than the most you accept to tell a stream that is too long). Returns 0,
 * or -1 when reading failed (ferror; errno as the failed read left it). f stays open. */
int buf_read(buf *b, FILE *f, size_t limit);
/* Append the whole file at `path`, or until b holds `limit` bytes (0: no limit; as
 * buf_read, pass one more than the most you accept to tell a file that is too long: it
 * reads no further). The file goes straight into b's memory, through no stdio or stack
 * buffer, so a wiping buffer (BUF_INIT_WIPE) leaves no copy of a secret anywhere. Returns
 * 0; -1 when the file cannot be opened, -2 when reading it failed (errno says why both
 * times; b keeps what was read). */
int buf_read_file(buf *b, const char *path, size_t limit);
/* Empty the buffer, keeping its memory (zeroed when b->wipe). */
void buf_reset(buf *b);
/* The contents as a string ("" when empty); stays owned by the buffer. */
const char *buf_str(const buf *b);
/* Hand the contents to the caller (free() it; never NULL) and leave b empty. */
char *buf_detach(buf *b);
/* Release the memory (zeroed first when b->wipe); b stays usable, empty, same wipe mode. */
void buf_free(buf *b);

#endif
