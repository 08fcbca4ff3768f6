/* SigV4 canonical URI: dot-segment removal and re-encoding (non-S3), encode-once (S3). */
#include <stdlib.h>
#include <string.h>

#include "sigv4.h"
#include "sigv4_int.h"
#include "xalloc.h"

typedef struct {
    const char *p;
    size_t len;
} seg;

/* Remove "." and ".." (RFC 3986 5.2.4) and empty segments; always absolute. Trailing
 * slash kept when the path ended in '/', "." or "..", and something is left. */
static char *normalize(const char *path)
{
    size_t len = strlen(path), nseg = 0;
    seg *segs = xcalloc(len / 2 + 2, sizeof *segs);
    int trailing = 0;
    for (size_t i = 0; i <= len;) {
        size_t j = i;
        while (j < len && path[j] != '/')
            j++;
        size_t n = j - i;
        const char *s = path + i;
        int dot = n == 1 && s[0] == '.', dotdot = n == 2 && s[0] == '.' && s[1] == '.';
        if (dotdot && nseg > 0)
            nseg--;
        else if (n > 0 && !dot && !dotdot)
            segs[nseg++] = (seg){s, n};
        if (n > 0)
            trailing = dot || dotdot;
        if (j == len && n == 0 && len > 0)
            trailing = 1;
        i = j + 1;
    }
    buf b = BUF_INIT;
    for (size_t k = 0; k < nseg; k++) {
        buf_putc(&b, '/');
        buf_append(&b, segs[k].p, segs[k].len);
    }
    if (nseg == 0 || trailing)
        buf_putc(&b, '/');
    free(segs);
    return buf_detach(&b);
}

/* S3: percent-encode what is not unreserved, '/' or an existing valid %XX escape. */
static char *encode_once(const char *path)
{
    buf b = BUF_INIT;
    if (path[0] != '/')
        buf_putc(&b, '/');
    for (size_t i = 0; path[i]; i++) {
        if (path[i] == '%' && sigv4_hexval((unsigned char)path[i + 1]) >= 0 &&
            sigv4_hexval((unsigned char)path[i + 2]) >= 0) {
            buf_append(&b, path + i, 3);
            i += 2;
        } else {
            sigv4_encode_into(&b, path + i, 1, 1);
        }
    }
    return buf_detach(&b);
}

char *sigv4_canonical_uri(const char *path, int s3)
{
    if (!path || !path[0])
        return xstrdup("/");
    if (s3)
        return encode_once(path);
    char *norm = normalize(path);
    char *out = sigv4_uri_encode(norm, strlen(norm), 1);
    free(norm);
    return out;
}
