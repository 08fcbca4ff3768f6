/* The terminal's size, and text in display columns (see term_internal.h). */
#include "term_internal.h"

#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int cli_term_size(int fd, int *cols, int *rows)
{
    struct winsize w;
    if (!isatty(fd) || ioctl(fd, TIOCGWINSZ, &w) != 0 || w.ws_col == 0 || w.ws_row == 0)
        return -1;
    *cols = w.ws_col;
    *rows = w.ws_row;
    return 0;
}

/* The code point at s (at most `left` bytes) and its length; a byte that does not start a
 * valid sequence is taken alone, as one column. */
static unsigned decode(const unsigned char *s, size_t left, size_t *len)
{
    unsigned c = s[0];
    size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (n <= 1 || n > left) {
        *len = 1;
        return n == 1 ? c : 0xFFFD;
    }
    unsigned cp = c & (0xFF >> (n + 1));
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *len = 1;
            return 0xFFFD;
        }
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    *len = n;
    return cp;
}

/* Columns of one code point: the common wide and zero-width ranges of Unicode's East
 * Asian Width and combining marks; enough for names, messages and our own marks. */
static int columns_of(unsigned cp)
{
    if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
        return 0;
    if ((cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x200B && cp <= 0x200F) ||
        (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0x20D0 && cp <= 0x20FF))
        return 0;
    if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF && cp != 0x303F) ||
        (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
        (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
        (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
        (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD))
        return 2;
    return 1;
}

/* Length of an escape sequence at s ("\033[...X"), 0 when there is none. */
static size_t escape_len(const char *s, size_t left)
{
    if (left < 2 || s[0] != '\033' || s[1] != '[')
        return 0;
    size_t i = 2;
    while (i < left && ((s[i] >= '0' && s[i] <= '9') || s[i] == ';' || s[i] == '?'))
        i++;
    return i < left ? i + 1 : left;
}

size_t cli_display_width(const char *s, size_t len)
{
    size_t w = 0, i = 0;
    while (i < len) {
        size_t e = escape_len(s + i, len - i), n;
        if (e) {
            i += e;
            continue;
        }
        w += (size_t)columns_of(decode((const unsigned char *)s + i, len - i, &n));
        i += n;
    }
    return w;
}

void cli_put_cut(buf *b, const char *s, size_t cols)
{
    size_t len = strlen(s);
    if (cli_display_width(s, len) <= cols) {
        buf_append(b, s, len);
        return;
    }
    if (cols == 0)
        return;
    size_t w = 0, i = 0;
    int escaped = 0;
    while (i < len) {
        size_t e = escape_len(s + i, len - i), n;
        if (e) {
            buf_append(b, s + i, e);
            escaped = 1;
            i += e;
            continue;
        }
        int c = columns_of(decode((const unsigned char *)s + i, len - i, &n));
        if (w + (size_t)c > cols - 1) /* the last column is the ellipsis */
            break;
        buf_append(b, s + i, n);
        w += (size_t)c;
        i += n;
    }
    buf_puts(b, "…");
    if (escaped)
        buf_puts(b, "\033[0m");
}

void cli_put_padded(buf *b, const char *s, size_t cols)
{
    size_t before = b->len;
    cli_put_cut(b, s, cols);
    for (size_t w = cli_display_width(buf_str(b) + before, b->len - before); w < cols; w++)
        buf_putc(b, ' ');
}
