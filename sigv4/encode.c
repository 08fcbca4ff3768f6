/* SigV4 byte-level helpers: RFC 3986 percent-encoding and decoding, SHA-256, HMAC. */
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "sigv4.h"
#include "sigv4_int.h"
#include "xalloc.h"

/* 1 for RFC 3986 unreserved characters: A-Z a-z 0-9 - . _ ~ */
static int sigv4_is_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_' || c == '~';
}

int sigv4_hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

void sigv4_encode_into(buf *b, const char *s, size_t len, int keep_slash)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (sigv4_is_unreserved(c) || (keep_slash && c == '/')) {
            buf_putc(b, (char)c);
        } else {
            char esc[3] = {'%', hex[c >> 4], hex[c & 15]};
            buf_append(b, esc, 3);
        }
    }
}

void sigv4_decode_into(buf *b, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '%' && i + 2 < len) {
            int hi = sigv4_hexval((unsigned char)s[i + 1]);
            int lo = sigv4_hexval((unsigned char)s[i + 2]);
            if (hi >= 0 && lo >= 0) {
                buf_putc(b, (char)(hi << 4 | lo));
                i += 2;
                continue;
            }
        }
        buf_putc(b, s[i]);
    }
}

char *sigv4_uri_encode(const char *s, size_t len, int keep_slash)
{
    buf b = BUF_INIT;
    if (s)
        sigv4_encode_into(&b, s, len, keep_slash);
    return buf_detach(&b);
}

void sigv4_sha256(const void *data, size_t len, unsigned char out[32])
{
    unsigned int n = 32;
    static const unsigned char empty = 0;
    if (!EVP_Digest(data ? data : &empty, data ? len : 0, out, &n, EVP_sha256(), NULL))
        memset(out, 0, 32); /* cannot happen with the built-in SHA-256 */
}

void sigv4_hmac(const void *key, size_t keylen, const void *msg, size_t msglen,
                unsigned char out[32])
{
    unsigned int n = 32;
    static const unsigned char empty = 0;
    if (!HMAC(EVP_sha256(), key ? key : &empty, (int)keylen, msg ? msg : &empty, msglen,
              out, &n))
        memset(out, 0, 32); /* cannot happen with the built-in SHA-256 */
}

void sigv4_hex(const unsigned char *in, size_t n, char *out)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex[in[i] >> 4];
        out[2 * i + 1] = hex[in[i] & 15];
    }
    out[2 * n] = '\0';
}

void sigv4_sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char md[32];
    sigv4_sha256(data, len, md);
    sigv4_hex(md, 32, out);
}
