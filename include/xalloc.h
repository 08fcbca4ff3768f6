/* Allocation that never returns NULL: on exhaustion the process prints and aborts,
 * as there is no useful recovery for a command-line tool. Free with free(). */
#ifndef ECSDEPLOY_XALLOC_H
#define ECSDEPLOY_XALLOC_H

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

#endif
