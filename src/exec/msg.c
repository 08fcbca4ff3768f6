/* The data channel's binary message format and UUIDs. */
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "clock.h"
#include "msg_internal.h"

static void put_be(unsigned char *p, uint64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        p[i] = (unsigned char)v;
        v >>= 8;
    }
}

static uint64_t get_be(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = (v << 8) | p[i];
    return v;
}

static void sha256(const void *p, size_t len, unsigned char out[32])
{
    unsigned int n = 0;
    EVP_Digest(p, len, out, &n, EVP_sha256(), NULL);
}

void exec_msg_encode(buf *out, const char *type, int64_t seq, uint64_t flags,
                     uint32_t payload_type, const unsigned char *id, uint64_t created_ms,
                     const void *payload, size_t len)
{
    unsigned char h[EXEC_MSG_HEADER_LEN + 4];
    memset(h, ' ', 36);
    put_be(h, EXEC_MSG_HEADER_LEN, 4);
    size_t tl = strlen(type);
    memcpy(h + 4, type, tl > 32 ? 32 : tl);
    put_be(h + 36, 1, 4);
    if (!created_ms)
        created_ms = (uint64_t)(util_wall() * 1000);
    put_be(h + 40, created_ms, 8);
    put_be(h + 48, (uint64_t)seq, 8);
    put_be(h + 56, flags, 8);
    unsigned char fresh[16];
    if (!id) {
        exec_uuid_v4(fresh);
        id = fresh;
    }
    memcpy(h + 64, id + 8, 8);
    memcpy(h + 72, id, 8);
    sha256(payload, len, h + 80);
    put_be(h + 112, payload_type, 4);
    put_be(h + 116, len, 4);
    buf_append(out, h, sizeof h);
    if (len)
        buf_append(out, payload, len);
}

int exec_msg_decode(const unsigned char *d, size_t len, exec_msg *m)
{
    memset(m, 0, sizeof *m);
    if (len < EXEC_MSG_HEADER_LEN + 4 || get_be(d, 4) != EXEC_MSG_HEADER_LEN)
        return -1;
    size_t plen = (size_t)get_be(d + 116, 4);
    if (plen > len - (EXEC_MSG_HEADER_LEN + 4))
        return -1;
    size_t tl = 32;
    while (tl && (d[4 + tl - 1] == ' ' || d[4 + tl - 1] == '\0'))
        tl--;
    size_t start = 0;
    while (start < tl && (d[4 + start] == ' ' || d[4 + start] == '\0'))
        start++;
    memcpy(m->type, d + 4 + start, tl - start);
    m->type[tl - start] = '\0';
    m->schema = (uint32_t)get_be(d + 36, 4);
    m->created_ms = get_be(d + 40, 8);
    m->seq = (int64_t)get_be(d + 48, 8);
    m->flags = get_be(d + 56, 8);
    memcpy(m->id, d + 72, 8);
    memcpy(m->id + 8, d + 64, 8);
    m->payload_type = (uint32_t)get_be(d + 112, 4);
    m->payload = d + EXEC_MSG_HEADER_LEN + 4;
    m->payload_len = plen;
    unsigned char dg[32];
    sha256(m->payload, plen, dg);
    m->digest_ok = memcmp(dg, d + 80, 32) == 0;
    return 0;
}

void exec_uuid_v4(unsigned char id[16])
{
    if (RAND_bytes(id, 16) != 1) {
        /* No randomness: the time of day only keeps ids apart (not a clock for waits). */
        struct timeval tv;
        gettimeofday(&tv, NULL);
        memset(id, 0, 16);
        memcpy(id, &tv, sizeof tv < 16 ? sizeof tv : 16);
    }
    id[6] = (unsigned char)((id[6] & 0x0F) | 0x40);
    id[8] = (unsigned char)((id[8] & 0x3F) | 0x80);
}

void exec_uuid_format(const unsigned char id[16], char out[37])
{
    static const char hx[] = "0123456789abcdef";
    size_t o = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hx[id[i] >> 4];
        out[o++] = hx[id[i] & 15];
    }
    out[o] = '\0';
}

int exec_uuid_parse(const char *s, unsigned char id[16])
{
    if (!s || strlen(s) != 36)
        return -1;
    int n = 0;
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return -1;
            continue;
        }
        int hi = OPENSSL_hexchar2int((unsigned char)s[i]);
        int lo = OPENSSL_hexchar2int((unsigned char)s[i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        id[n++] = (unsigned char)(hi << 4 | lo);
        i++;
    }
    return 0;
}
