/* The terminal: its size, and text measured and cut in display columns (term.c). */
#ifndef ECSDEPLOY_CLI_TERM_INTERNAL_H
#define ECSDEPLOY_CLI_TERM_INTERNAL_H

#include <stddef.h>

#include "buf.h"

/* The size of the terminal on fd: 0, or -1 when fd is not a terminal (or reports 0x0). */
int cli_term_size(int fd, int *cols, int *rows);

/* Display columns of the first `len` bytes of UTF-8 text: a wide character (CJK, emoji)
 * counts 2, a combining mark 0, an escape sequence (colour) 0, other characters 1. */
size_t cli_display_width(const char *s, size_t len);

/* Append s to b, cut so that it takes at most `cols` columns; a cut ends with "…" (in
 * the last column). Escape sequences are kept whole; a cut one gets "\033[0m" after it. */
void cli_put_cut(buf *b, const char *s, size_t cols);

/* Append s, then spaces up to `cols` columns (s cut first if wider). */
void cli_put_padded(buf *b, const char *s, size_t cols);

#endif
