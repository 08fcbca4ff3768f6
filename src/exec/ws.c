/* WebSocket frames and the message layer over an exec_ws_io byte stream. */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "clock.h"
#include "ws_internal.h"
#include "xalloc.h"

/* The data channel's messages are a 116-byte header and at most 1 KiB of payload (a
 * little more encrypted): a message or frame past this is refused. */
#define WS_MAX_MESSAGE (1u << 20)
/* What one fill() reads before letting the caller parse, answer and look at the clock:
 * a peer that sends without pause must not keep the reader in its loop forever. */
#define WS_FILL_BUDGET (256u << 10)

struct exec_ws {
    exec_ws_io io;
    buf in;          /* received bytes not yet parsed */
    size_t in_off;
    buf msg;         /* the message handed out by exec_ws_next */
    buf frag;        /* a fragmented message being assembled */
    int frag_op;     /* its opcode, 0 when none */
    int close_sent;
    int peer_closed;
};

void exec_ws_frame_encode(buf *out, int opcode, int fin, const void *payload, size_t len,
                          const unsigned char *mask)
{
    unsigned char h[14];
    size_t n = 0;
    h[n++] = (unsigned char)((fin ? 0x80 : 0) | (opcode & 0x0F));
    unsigned char m = mask ? 0x80 : 0;
    if (len < 126) {
        h[n++] = (unsigned char)(m | len);
    } else if (len <= 0xFFFF) {
        h[n++] = m | 126;
        h[n++] = (unsigned char)(len >> 8);
        h[n++] = (unsigned char)len;
    } else {
        h[n++] = m | 127;
        for (int i = 7; i >= 0; i--)
            h[n++] = (unsigned char)((uint64_t)len >> (8 * i));
    }
    if (mask) {
        memcpy(h + n, mask, 4);
        n += 4;
    }
    buf_append(out, h, n);
    if (!len)
        return;
    size_t at = out->len;
    buf_append(out, payload, len);
    if (mask) {
        unsigned char *p = (unsigned char *)out->data + at;
        for (size_t i = 0; i < len; i++)
            p[i] ^= mask[i & 3];
    }
}

long exec_ws_frame_parse(unsigned char *d, size_t len, exec_ws_frame *f, char *errmsg,
                         size_t errlen)
{
    if (len < 2)
        return 0;
    memset(f, 0, sizeof *f);
    f->fin = (d[0] & 0x80) != 0;
    f->opcode = d[0] & 0x0F;
    f->masked = (d[1] & 0x80) != 0;
    if (d[0] & 0x70) {
        snprintf(errmsg, errlen, "a frame with reserved bits set (no extension was agreed)");
        return -1;
    }
    uint64_t n = d[1] & 0x7F;
    size_t pos = 2;
    if (n == 126) {
        if (len < 4)
            return 0;
        n = ((uint64_t)d[2] << 8) | d[3];
        pos = 4;
    } else if (n == 127) {
        if (len < 10)
            return 0;
        n = 0;
        for (int i = 0; i < 8; i++)
            n = (n << 8) | d[2 + i];
        pos = 10;
        if (n >> 63) {
            snprintf(errmsg, errlen, "a frame length with the top bit set");
            return -1;
        }
    }
    if (f->opcode >= 8 && (n > 125 || !f->fin)) {
        snprintf(errmsg, errlen, "a control frame longer than 125 bytes or fragmented");
        return -1;
    }
    if (n > WS_MAX_MESSAGE) {
        snprintf(errmsg, errlen, "a frame of %llu bytes (too large)", (unsigned long long)n);
        return -1;
    }
    unsigned char key[4] = {0};
    if (f->masked) {
        if (len < pos + 4)
            return 0;
        memcpy(key, d + pos, 4);
        pos += 4;
    }
    if (len - pos < n)
        return 0;
    f->payload = d + pos;
    f->len = (size_t)n;
    if (f->masked)
        for (size_t i = 0; i < f->len; i++)
            f->payload[i] ^= key[i & 3];
    return (long)(pos + n);
}

exec_ws *exec_ws_new(const exec_ws_io *io, const void *initial, size_t initial_len)
{
    exec_ws *ws = xcalloc(1, sizeof *ws);
    ws->io = *io;
    if (initial && initial_len)
        buf_append(&ws->in, initial, initial_len);
    return ws;
}

void exec_ws_free(exec_ws *ws)
{
    if (!ws)
        return;
    if (ws->io.close)
        ws->io.close(ws->io.ctx);
    /* messages may have carried command output: wipe before freeing */
    if (ws->msg.data)
        OPENSSL_cleanse(ws->msg.data, ws->msg.cap);
    if (ws->in.data)
        OPENSSL_cleanse(ws->in.data, ws->in.cap);
    if (ws->frag.data)
        OPENSSL_cleanse(ws->frag.data, ws->frag.cap);
    buf_free(&ws->in);
    buf_free(&ws->msg);
    buf_free(&ws->frag);
    free(ws);
}

int exec_ws_fd(const exec_ws *ws)
{
    return ws->io.fd;
}

static int wait_fd(int fd, short events, long ms)
{
    struct pollfd p = {.fd = fd, .events = events};
    int r = poll(&p, 1, ms < 0 ? 0 : (int)ms);
    return r < 0 && errno != EINTR ? -1 : r;
}

static int send_all(exec_ws *ws, const unsigned char *p, size_t len, long timeout_ms,
                    aws_error *err)
{
    long long end = util_now_ms() + timeout_ms;
    while (len) {
        size_t n = 0;
        int rc = ws->io.send(ws->io.ctx, p, len, &n);
        if (rc == EXEC_IO_OK) {
            p += n;
            len -= n;
            continue;
        }
        if (rc != EXEC_IO_AGAIN) {
            aws_error_set(err, AWS_ERR_NETWORK, "WebSocketError",
                          "the data channel connection broke while sending");
            return -1;
        }
        long left = (long)(end - util_now_ms());
        if (left <= 0) {
            aws_error_set(err, AWS_ERR_NETWORK, "WebSocketError",
                          "the data channel connection took no data for %ld ms", timeout_ms);
            return -1;
        }
        wait_fd(ws->io.fd, POLLOUT, left > 100 ? 100 : left);
    }
    return 0;
}

int exec_ws_send(exec_ws *ws, int opcode, const void *p, size_t len, long timeout_ms,
                 aws_error *err)
{
    unsigned char mask[4];
    if (RAND_bytes(mask, 4) != 1)
        memset(mask, 0x5a, 4);
    buf b = BUF_INIT;
    exec_ws_frame_encode(&b, opcode, 1, p, len, mask);
    int rc = send_all(ws, (unsigned char *)b.data, b.len, timeout_ms, err);
    buf_free(&b); /* masked bytes only */
    return rc;
}

void exec_ws_close(exec_ws *ws, int code)
{
    if (ws->close_sent)
        return;
    ws->close_sent = 1;
    unsigned char c[2] = {(unsigned char)(code >> 8), (unsigned char)code};
    aws_error e;
    exec_ws_send(ws, EXEC_WS_CLOSE, c, 2, 1000, &e);
}

/* Read what the stream has now, up to WS_FILL_BUDGET. 1 bytes came, 0 none, 2 end of
 * stream, -1 error. */
static int fill(exec_ws *ws)
{
    unsigned char tmp[65536];
    int got = 0;
    for (size_t taken = 0;;) {
        size_t n = 0;
        if (taken >= WS_FILL_BUDGET) {
            OPENSSL_cleanse(tmp, sizeof tmp);
            return 1;
        }
        int rc = ws->io.recv(ws->io.ctx, tmp, sizeof tmp, &n);
        if (rc == EXEC_IO_OK && n) {
            buf_append(&ws->in, tmp, n);
            taken += n;
            got = 1;
            continue;
        }
        OPENSSL_cleanse(tmp, sizeof tmp);
        if (rc == EXEC_IO_AGAIN)
            return got;
        if (rc == EXEC_IO_EOF || (rc == EXEC_IO_OK && !n))
            return got ? 1 : 2;
        return -1;
    }
}

/* One parsed frame handled. 1: a whole message is in ws->msg; 0: go on; 2: closed; -1. */
static int handle_frame(exec_ws *ws, const exec_ws_frame *f, int *opcode, aws_error *err)
{
    switch (f->opcode) {
    case EXEC_WS_PING:
        return exec_ws_send(ws, EXEC_WS_PONG, f->payload, f->len, 5000, err) == 0 ? 0 : -1;
    case EXEC_WS_PONG:
        return 0;
    case EXEC_WS_CLOSE:
        ws->peer_closed = 1;
        exec_ws_close(ws, 1000);
        return 2;
    case EXEC_WS_TEXT:
    case EXEC_WS_BINARY:
        if (ws->frag_op) {
            aws_error_set(err, AWS_ERR_PARSE, "WebSocketError",
                          "a new message began inside a fragmented one");
            return -1;
        }
        if (f->fin) {
            buf_reset(&ws->msg);
            buf_append(&ws->msg, f->payload, f->len);
            *opcode = f->opcode;
            return 1;
        }
        ws->frag_op = f->opcode;
        buf_reset(&ws->frag);
        buf_append(&ws->frag, f->payload, f->len);
        return 0;
    case EXEC_WS_CONT:
        if (!ws->frag_op) {
            aws_error_set(err, AWS_ERR_PARSE, "WebSocketError",
                          "a continuation frame without a message");
            return -1;
        }
        buf_append(&ws->frag, f->payload, f->len);
        if (ws->frag.len > WS_MAX_MESSAGE) {
            aws_error_set(err, AWS_ERR_PARSE, "WebSocketError", "a message too large");
            return -1;
        }
        if (!f->fin)
            return 0;
        buf tmp = ws->msg;
        ws->msg = ws->frag;
        ws->frag = tmp;
        buf_reset(&ws->frag);
        *opcode = ws->frag_op;
        ws->frag_op = 0;
        return 1;
    default:
        aws_error_set(err, AWS_ERR_PARSE, "WebSocketError", "a frame with unknown opcode %d",
                      f->opcode);
        return -1;
    }
}

/* Parse and handle the frames already buffered. */
static int drain(exec_ws *ws, int *opcode, aws_error *err)
{
    for (;;) {
        exec_ws_frame f;
        char why[160];
        long used = exec_ws_frame_parse((unsigned char *)ws->in.data + ws->in_off,
                                        ws->in.len - ws->in_off, &f, why, sizeof why);
        if (used < 0) {
            aws_error_set(err, AWS_ERR_PARSE, "WebSocketError", "the server sent %s", why);
            return -1;
        }
        if (used == 0) {
            if (ws->in_off) { /* compact */
                memmove(ws->in.data, ws->in.data + ws->in_off, ws->in.len - ws->in_off);
                ws->in.len -= ws->in_off;
                ws->in_off = 0;
            }
            return 0;
        }
        ws->in_off += (size_t)used;
        int rc = handle_frame(ws, &f, opcode, err);
        if (rc != 0)
            return rc;
    }
}

int exec_ws_next(exec_ws *ws, long timeout_ms, int *opcode, const unsigned char **data,
                 size_t *len, aws_error *err)
{
    long long end = util_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
    if (ws->peer_closed)
        return EXEC_WS_CLOSED;
    for (;;) {
        int rc = drain(ws, opcode, err);
        if (rc == 1) {
            *data = (const unsigned char *)ws->msg.data;
            *len = ws->msg.len;
            return EXEC_WS_MESSAGE;
        }
        if (rc == 2)
            return EXEC_WS_CLOSED;
        if (rc < 0)
            return EXEC_WS_ERROR;
        int f = fill(ws);
        if (f == 1)
            continue;
        if (f == 2) {
            ws->peer_closed = 1;
            return EXEC_WS_CLOSED;
        }
        if (f < 0) {
            aws_error_set(err, AWS_ERR_NETWORK, "WebSocketError",
                          "the data channel connection broke while receiving");
            return EXEC_WS_ERROR;
        }
        long left = (long)(end - util_now_ms());
        if (left <= 0)
            return EXEC_WS_TIMEOUT;
        if (wait_fd(ws->io.fd, POLLIN, left) < 0) {
            aws_error_set(err, AWS_ERR_NETWORK, "WebSocketError", "poll: %s", strerror(errno));
            return EXEC_WS_ERROR;
        }
    }
}

void exec_ws_accept_for(const char *key, char out[29])
{
    static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    char joined[256];
    int n = snprintf(joined, sizeof joined, "%s%s", key, guid);
    EVP_Digest(joined, (size_t)(n < 0 ? 0 : n), md, &mdlen, EVP_sha1(), NULL);
    EVP_EncodeBlock((unsigned char *)out, md, (int)mdlen);
}
