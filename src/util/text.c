#include "text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "buf.h"

/* The length of a valid UTF-8 sequence at p (1..4) and its code point, or 0. */
static int utf8_at(const unsigned char *p, unsigned *cp)
{
    int n = p[0] >= 0xF0 && p[0] <= 0xF4 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC2 ? 2 : 0;
    if (p[0] >= 0xF5 || !n)
        return 0;
    unsigned c = p[0] & (0x7F >> n);
    for (int i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (p[i] & 0x3F);
    }
    static const unsigned min[] = {0, 0, 0x80, 0x800, 0x10000};
    if (c < min[n] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return n;
}

char *text_escape(const char *s, int flags)
{
    if (!s)
        return NULL;
    buf b = BUF_INIT;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned char c = *p;
        if (c >= 0x20 && c < 0x7F) {
            buf_putc(&b, (char)c);
            p++;
        } else if ((c == '\n' || c == '\t') && (flags & TEXT_KEEP_NEWLINES)) {
            buf_putc(&b, (char)c);
            p++;
        } else if (c < 0x80) {
            switch (c) {
            case '\n': buf_puts(&b, "\\n"); break;
            case '\r': buf_puts(&b, "\\r"); break;
            case '\t': buf_puts(&b, "\\t"); break;
            case 0x1B: buf_puts(&b, "\\e"); break;
            default: buf_printf(&b, "\\x%02X", c);
            }
            p++;
        } else {
            unsigned cp = 0;
            int n = utf8_at(p, &cp);
            if (!n) {
                buf_printf(&b, "\\x%02X", c);
                p++;
            } else if (cp <= 0x9F || (cp >= 0x202A && cp <= 0x202E) ||
                       (cp >= 0x2066 && cp <= 0x2069)) {
                buf_printf(&b, "\\u{%04X}", cp);
                p += n;
            } else {
                buf_append(&b, p, (size_t)n);
                p += n;
            }
        }
    }
    return buf_detach(&b);
}

int text_printf(FILE *f, const char *fmt, ...)
{
    buf b = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    char *safe = text_escape(buf_str(&b), TEXT_KEEP_NEWLINES);
    int rc = fputs(safe, f);
    free(safe);
    buf_free(&b);
    return rc;
}
