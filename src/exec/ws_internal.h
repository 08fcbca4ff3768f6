/*
 * A WebSocket client (RFC 6455) for the ECS Exec data channel, written over a plain byte
 * stream: libcurl's connect-only mode (exec_ws_connect: ws:// or wss://, HTTP/1.1
 * forced, proxy-aware) or any other transport given as an exec_ws_io (the unit tests
 * use a socketpair). Client frames are masked; 7/16/64-bit lengths, fragmented messages,
 * pings (answered with pongs) and the close handshake are handled; bytes that arrive
 * together with the 101 answer are kept as the start of the first frame.
 */
#ifndef ECSDEPLOY_EXEC_WS_INTERNAL_H
#define ECSDEPLOY_EXEC_WS_INTERNAL_H

#include <stddef.h>

#include "aws_error.h"
#include "buf.h"

enum { EXEC_IO_OK = 0, EXEC_IO_AGAIN = 1, EXEC_IO_EOF = 2, EXEC_IO_ERR = -1 };

/* The byte stream under a WebSocket. send/recv never block: they return EXEC_IO_OK with
 * *n > 0 bytes moved, EXEC_IO_AGAIN, EXEC_IO_EOF (recv: the peer closed) or EXEC_IO_ERR.
 * fd is what to poll() for readiness. close (may be NULL) releases ctx. */
typedef struct {
    void *ctx;
    int (*send)(void *ctx, const void *p, size_t len, size_t *n);
    int (*recv)(void *ctx, void *p, size_t len, size_t *n);
    void (*close)(void *ctx);
    int fd;
} exec_ws_io;

enum { EXEC_WS_CONT = 0, EXEC_WS_TEXT = 1, EXEC_WS_BINARY = 2, EXEC_WS_CLOSE = 8,
       EXEC_WS_PING = 9, EXEC_WS_PONG = 10 };

/* ---- frames (pure) ---- */

typedef struct {
    int fin;
    int opcode;
    int masked;
    unsigned char *payload;   /* points into the parsed buffer, unmasked in place */
    size_t len;
} exec_ws_frame;

/* Append one frame to out. mask: the 4-byte masking key (clients must mask), or NULL
 * for an unmasked frame (servers). */
void exec_ws_frame_encode(buf *out, int opcode, int fin, const void *payload, size_t len,
                          const unsigned char *mask);
/* Parse the frame at the start of data (unmasking its payload in place). Returns the
 * bytes it takes (> 0), 0 when more bytes are needed, -1 when the bytes break the
 * protocol (why in errmsg). */
long exec_ws_frame_parse(unsigned char *data, size_t len, exec_ws_frame *f, char *errmsg,
                         size_t errlen);

/* ---- connections ---- */

typedef struct exec_ws exec_ws;

/* A connection over an open transport (owned from now on). initial: bytes already read
 * past the 101 answer (may be NULL). Free with exec_ws_free. */
exec_ws *exec_ws_new(const exec_ws_io *io, const void *initial, size_t initial_len);
void exec_ws_free(exec_ws *ws);
/* The fd to poll for input. */
int exec_ws_fd(const exec_ws *ws);

/* Connect to a ws:// or wss:// URL and do the opening handshake within timeout_ms.
 * 0 with *out, or -1 with err (kind AWS_ERR_NETWORK or AWS_ERR_INPUT). */
int exec_ws_connect(const char *url, long timeout_ms, exec_ws **out, aws_error *err);

/* Send one whole message (EXEC_WS_TEXT / EXEC_WS_BINARY, or a control opcode), masked,
 * waiting up to timeout_ms for the stream to take it. 0, or -1 with err. */
int exec_ws_send(exec_ws *ws, int opcode, const void *p, size_t len, long timeout_ms,
                 aws_error *err);

enum { EXEC_WS_MESSAGE = 1, EXEC_WS_TIMEOUT = 0, EXEC_WS_CLOSED = 2, EXEC_WS_ERROR = -1 };

/* Wait up to timeout_ms (0: only what is already there) for the next data message,
 * answering pings on the way. EXEC_WS_MESSAGE: *opcode, *data and *len (owned by ws,
 * valid until the next call); EXEC_WS_TIMEOUT; EXEC_WS_CLOSED: the peer closed (a close
 * frame, answered, or end of stream); EXEC_WS_ERROR with err. */
int exec_ws_next(exec_ws *ws, long timeout_ms, int *opcode, const unsigned char **data,
                 size_t *len, aws_error *err);

/* Send a close frame (once) with the status code. */
void exec_ws_close(exec_ws *ws, int code);

/* The Sec-WebSocket-Accept value for a key (28 characters + NUL). */
void exec_ws_accept_for(const char *key, char out[29]);

#endif
