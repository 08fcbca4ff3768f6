/* Allocation that never returns NULL: on exhaustion the process says so and exits with
 * status 1 (no abort, so no core and no half-written signal story), as there is no useful
 * recovery for a command-line tool in the middle of its own bookkeeping. Memory whose size
 * a peer decides is allocated with a call that can fail instead (buf_try_append). Free
 * with free(). */
#ifndef ECSDEPLOY_XALLOC_H
#define ECSDEPLOY_XALLOC_H

#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* xstrdup, but NULL stays NULL. */
char *xstrdup_or_null(const char *s);
char *xstrndup(const char *s, size_t n);
/* Grow an array of *n items of `size` bytes by one zeroed item; returns it (*n counts it). */
void *xgrow(void **items, size_t *n, size_t size);
/* A new string formatted like printf. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
/* Say "out of memory (asked for n bytes)" and exit 1. */
void xalloc_out_of_memory(size_t n) __attribute__((noreturn));

#endif
