/* S3 addressing: virtual-hosted or path style (see aws_endpoint.h). */
#include "aws_endpoint.h"

#include <string.h>

#include "buf.h"
#include "sigv4.h"
#include "xalloc.h"

/* A bucket name that can be a single DNS label under TLS (no dots). */
static int dns_label(const char *b)
{
    size_t n = strlen(b);
    if (n < 3 || n > 63 || b[0] == '-' || b[n - 1] == '-')
        return 0;
    for (const char *p = b; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
            return 0;
    return 1;
}

static void escape_path(buf *b, const char *s)
{
    sigv4_encode_into(b, s, strlen(s), 1);
}

void aws_s3_address(const aws_endpoint *ep, const char *bucket, const char *key, int force_path,
                    char **url, char **host, char **path)
{
    buf p = BUF_INIT;
    const char *scheme_end = strstr(ep->url, "://");
    const char *base_path = scheme_end ? strchr(scheme_end + 3, '/') : NULL;
    int virtual_host = bucket && !force_path && !ep->overridden && dns_label(bucket);
    if (base_path)
        buf_puts(&p, base_path);
    if (bucket && !virtual_host) {
        buf_putc(&p, '/');
        escape_path(&p, bucket);
    }
    /* Path style without a key is "/bucket" (as the SDKs send it); otherwise "/key" or "/". */
    if (key || !bucket || virtual_host)
        buf_putc(&p, '/');
    if (key)
        escape_path(&p, key);
    if (virtual_host) {
        *host = xasprintf("%s.%s", bucket, ep->host);
        size_t scheme_len = (size_t)(scheme_end - ep->url) + 3;
        *url = xasprintf("%.*s%s%s", (int)scheme_len, ep->url, *host, buf_str(&p));
    } else {
        *host = xstrdup(ep->host);
        *url = xasprintf("%.*s%s", (int)(base_path ? base_path - ep->url : (long)strlen(ep->url)),
                         ep->url, buf_str(&p));
    }
    *path = buf_detach(&p);
}
