/* The WebSocket layer: frame vectors from RFC 6455, lengths, masking, fragments with a
 * ping inside, close, and a connection over a socketpair and a local scripted server
 * whose first frame arrives in the same write as the 101 answer. */
#include <arpa/inet.h>
#include <check.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../src/exec/ws_internal.h"
#include "unit_suite.h"

static void eq_bytes(const buf *b, const unsigned char *want, size_t n)
{
    ck_assert_uint_eq(b->len, n);
    ck_assert_int_eq(memcmp(b->data, want, n), 0);
}

START_TEST(rfc_vectors)
{
    static const unsigned char unmasked[] = {0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f};
    static const unsigned char masked[] = {0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d,
                                           0x7f, 0x9f, 0x4d, 0x51, 0x58};
    static const unsigned char key[4] = {0x37, 0xfa, 0x21, 0x3d};
    buf b = BUF_INIT;
    exec_ws_frame_encode(&b, EXEC_WS_TEXT, 1, "Hello", 5, NULL);
    eq_bytes(&b, unmasked, sizeof unmasked);
    buf_reset(&b);
    exec_ws_frame_encode(&b, EXEC_WS_TEXT, 1, "Hello", 5, key);
    eq_bytes(&b, masked, sizeof masked);

    exec_ws_frame f;
    char why[128];
    ck_assert_int_eq(exec_ws_frame_parse((unsigned char *)b.data, b.len, &f, why, sizeof why),
                     (long)sizeof masked);
    ck_assert(f.fin && f.masked && f.opcode == EXEC_WS_TEXT && f.len == 5);
    ck_assert_int_eq(memcmp(f.payload, "Hello", 5), 0);
    /* every prefix is "need more" */
    buf_reset(&b);
    exec_ws_frame_encode(&b, EXEC_WS_TEXT, 1, "Hello", 5, key);
    for (size_t i = 0; i < b.len; i++)
        ck_assert_int_eq(exec_ws_frame_parse((unsigned char *)b.data, i, &f, why, sizeof why), 0);
    buf_free(&b);

    char accept[29];
    exec_ws_accept_for("dGhlIHNhbXBsZSBub25jZQ==", accept);
    ck_assert_str_eq(accept, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}
END_TEST

START_TEST(lengths_16_and_64)
{
    static unsigned char big[70000];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (unsigned char)(i * 7);
    buf b = BUF_INIT;
    exec_ws_frame_encode(&b, EXEC_WS_BINARY, 1, big, 256, NULL);
    static const unsigned char h16[] = {0x82, 0x7e, 0x01, 0x00};
    ck_assert_int_eq(memcmp(b.data, h16, 4), 0);
    ck_assert_uint_eq(b.len, 4 + 256);
    buf_reset(&b);
    exec_ws_frame_encode(&b, EXEC_WS_BINARY, 1, big, 125, NULL);
    ck_assert_int_eq((unsigned char)b.data[1], 125);
    buf_reset(&b);
    exec_ws_frame_encode(&b, EXEC_WS_BINARY, 1, big, 126, NULL);
    ck_assert_int_eq((unsigned char)b.data[1], 126);
    buf_reset(&b);
    exec_ws_frame_encode(&b, EXEC_WS_BINARY, 1, big, 65536, NULL);
    static const unsigned char h64[] = {0x82, 0x7f, 0, 0, 0, 0, 0, 1, 0, 0};
    ck_assert_int_eq(memcmp(b.data, h64, 10), 0);
    buf_reset(&b);
    static const unsigned char key[4] = {1, 2, 3, 4};
    exec_ws_frame_encode(&b, EXEC_WS_BINARY, 1, big, sizeof big, key);
    ck_assert_int_eq((unsigned char)b.data[1], 0xff);
    exec_ws_frame f;
    char why[128];
    ck_assert_int_eq(exec_ws_frame_parse((unsigned char *)b.data, b.len, &f, why, sizeof why),
                     (long)(14 + sizeof big));
    ck_assert_uint_eq(f.len, sizeof big);
    ck_assert_int_eq(memcmp(f.payload, big, sizeof big), 0);
    buf_free(&b);
}
END_TEST

START_TEST(bad_frames)
{
    exec_ws_frame f;
    char why[128];
    unsigned char rsv[] = {0xc1, 0x00};
    ck_assert_int_eq(exec_ws_frame_parse(rsv, 2, &f, why, sizeof why), -1);
    unsigned char long_ping[130] = {0x89, 0x7e, 0x00, 0x7e};
    ck_assert_int_eq(exec_ws_frame_parse(long_ping, sizeof long_ping, &f, why, sizeof why), -1);
    unsigned char frag_close[] = {0x08, 0x00};
    ck_assert_int_eq(exec_ws_frame_parse(frag_close, 2, &f, why, sizeof why), -1);
}
END_TEST

/* ---- a connection over a socketpair ---- */

static int fd_send(void *ctx, const void *p, size_t len, size_t *n)
{
    ssize_t r = send(*(int *)ctx, p, len, MSG_NOSIGNAL);
    if (r < 0)
        return EXEC_IO_AGAIN;
    *n = (size_t)r;
    return EXEC_IO_OK;
}

static int fd_recv(void *ctx, void *p, size_t len, size_t *n)
{
    ssize_t r = recv(*(int *)ctx, p, len, MSG_DONTWAIT);
    *n = 0;
    if (r < 0)
        return EXEC_IO_AGAIN;
    if (r == 0)
        return EXEC_IO_EOF;
    *n = (size_t)r;
    return EXEC_IO_OK;
}

/* Read one (masked) client frame from fd, blocking. */
static int peer_read(int fd, exec_ws_frame *f, unsigned char *store, size_t cap)
{
    size_t have = 0;
    for (;;) {
        char why[128];
        long used = exec_ws_frame_parse(store, have, f, why, sizeof why);
        if (used > 0)
            return 0;
        if (used < 0 || have == cap)
            return -1;
        ssize_t r = read(fd, store + have, 1);
        if (r <= 0)
            return -1;
        have += (size_t)r;
    }
}

START_TEST(socketpair_session)
{
    int sv[2];
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    buf out = BUF_INIT;
    /* a fragmented text message with a ping in the middle, a 300-byte binary, a close */
    exec_ws_frame_encode(&out, EXEC_WS_TEXT, 0, "Hel", 3, NULL);
    exec_ws_frame_encode(&out, EXEC_WS_PING, 1, "pg", 2, NULL);
    exec_ws_frame_encode(&out, EXEC_WS_CONT, 1, "lo", 2, NULL);
    unsigned char bin[300];
    memset(bin, 0xab, sizeof bin);
    exec_ws_frame_encode(&out, EXEC_WS_BINARY, 1, bin, sizeof bin, NULL);
    exec_ws_frame_encode(&out, EXEC_WS_CLOSE, 1, "\x03\xe8", 2, NULL);
    /* the first 4 bytes as if they had come with the 101 answer */
    ck_assert_int_eq(write(sv[1], out.data + 4, out.len - 4), (ssize_t)(out.len - 4));
    exec_ws_io io = {.ctx = &sv[0], .send = fd_send, .recv = fd_recv, .fd = sv[0]};
    exec_ws *ws = exec_ws_new(&io, out.data, 4);
    int op;
    const unsigned char *d;
    size_t n;
    aws_error err;
    ck_assert_int_eq(exec_ws_next(ws, 1000, &op, &d, &n, &err), EXEC_WS_MESSAGE);
    ck_assert_int_eq(op, EXEC_WS_TEXT);
    ck_assert_uint_eq(n, 5);
    ck_assert_int_eq(memcmp(d, "Hello", 5), 0);
    ck_assert_int_eq(exec_ws_next(ws, 1000, &op, &d, &n, &err), EXEC_WS_MESSAGE);
    ck_assert_int_eq(op, EXEC_WS_BINARY);
    ck_assert_uint_eq(n, 300);
    ck_assert_int_eq(exec_ws_next(ws, 1000, &op, &d, &n, &err), EXEC_WS_CLOSED);
    /* what the peer got: a masked pong "pg", then our masked close */
    unsigned char store[256];
    exec_ws_frame f;
    ck_assert_int_eq(peer_read(sv[1], &f, store, sizeof store), 0);
    ck_assert(f.masked && f.opcode == EXEC_WS_PONG && f.len == 2 && memcmp(f.payload, "pg", 2) == 0);
    ck_assert_int_eq(peer_read(sv[1], &f, store, sizeof store), 0);
    ck_assert(f.masked && f.opcode == EXEC_WS_CLOSE);
    /* a message we send arrives masked and intact */
    ck_assert_int_eq(exec_ws_send(ws, EXEC_WS_BINARY, "data", 4, 1000, &err), 0);
    ck_assert_int_eq(peer_read(sv[1], &f, store, sizeof store), 0);
    ck_assert(f.masked && f.opcode == EXEC_WS_BINARY && f.len == 4 && memcmp(f.payload, "data", 4) == 0);
    exec_ws_free(ws);
    buf_free(&out);
    close(sv[0]);
    close(sv[1]);
}
END_TEST

START_TEST(timeout_and_eof)
{
    int sv[2];
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    exec_ws_io io = {.ctx = &sv[0], .send = fd_send, .recv = fd_recv, .fd = sv[0]};
    exec_ws *ws = exec_ws_new(&io, NULL, 0);
    int op;
    const unsigned char *d;
    size_t n;
    aws_error err;
    ck_assert_int_eq(exec_ws_next(ws, 50, &op, &d, &n, &err), EXEC_WS_TIMEOUT);
    unsigned char bad[] = {0x83, 0x00}; /* opcode 3 is reserved */
    ck_assert_int_eq(write(sv[1], bad, 2), 2);
    ck_assert_int_eq(exec_ws_next(ws, 500, &op, &d, &n, &err), EXEC_WS_ERROR);
    exec_ws_free(ws);
    close(sv[1]);
    close(sv[0]);
}
END_TEST

/* ---- exec_ws_connect against a scripted local server ---- */

typedef struct {
    int listen_fd;
    int ok;
    char request[2048];
} server_args;

static void *server(void *p)
{
    server_args *a = p;
    int c = accept(a->listen_fd, NULL, NULL);
    if (c < 0)
        return NULL;
    size_t have = 0;
    while (have < sizeof a->request - 1 && !strstr(a->request, "\r\n\r\n")) {
        ssize_t r = read(c, a->request + have, sizeof a->request - 1 - have);
        if (r <= 0)
            break;
        have += (size_t)r;
        a->request[have] = '\0';
    }
    const char *k = strstr(a->request, "Sec-WebSocket-Key: ");
    char key[64] = "", accept_v[29];
    if (k)
        sscanf(k + 19, "%63[^\r]", key);
    exec_ws_accept_for(key, accept_v);
    buf out = BUF_INIT;
    buf_printf(&out, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                     "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n", accept_v);
    exec_ws_frame_encode(&out, EXEC_WS_BINARY, 1, "first", 5, NULL); /* same write */
    a->ok = write(c, out.data, out.len) == (ssize_t)out.len;
    buf_free(&out);
    unsigned char store[256];
    exec_ws_frame f;
    if (peer_read(c, &f, store, sizeof store) == 0 && f.opcode == EXEC_WS_TEXT) {
        buf echo = BUF_INIT;
        exec_ws_frame_encode(&echo, EXEC_WS_TEXT, 1, f.payload, f.len, NULL);
        if (write(c, echo.data, echo.len) < 0)
            a->ok = 0;
        buf_free(&echo);
    }
    close(c);
    return NULL;
}

START_TEST(connect_with_first_frame_in_the_101)
{
    server_args a = {0};
    a.listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    ck_assert_int_eq(bind(a.listen_fd, (struct sockaddr *)&sa, sizeof sa), 0);
    ck_assert_int_eq(listen(a.listen_fd, 1), 0);
    socklen_t sl = sizeof sa;
    getsockname(a.listen_fd, (struct sockaddr *)&sa, &sl);
    pthread_t th;
    pthread_create(&th, NULL, server, &a);
    char url[128];
    snprintf(url, sizeof url, "ws://127.0.0.1:%d/_fake/exec/s-1?role=publish_subscribe",
             ntohs(sa.sin_port));
    exec_ws *ws = NULL;
    aws_error err;
    ck_assert_msg(exec_ws_connect(url, 5000, &ws, &err) == 0, "%s", err.message);
    int op;
    const unsigned char *d;
    size_t n;
    ck_assert_int_eq(exec_ws_next(ws, 2000, &op, &d, &n, &err), EXEC_WS_MESSAGE);
    ck_assert(op == EXEC_WS_BINARY && n == 5 && memcmp(d, "first", 5) == 0);
    ck_assert_int_eq(exec_ws_send(ws, EXEC_WS_TEXT, "{\"x\":1}", 7, 1000, &err), 0);
    ck_assert_int_eq(exec_ws_next(ws, 2000, &op, &d, &n, &err), EXEC_WS_MESSAGE);
    ck_assert(op == EXEC_WS_TEXT && n == 7 && memcmp(d, "{\"x\":1}", 7) == 0);
    ck_assert_int_eq(exec_ws_next(ws, 2000, &op, &d, &n, &err), EXEC_WS_CLOSED);
    exec_ws_free(ws);
    pthread_join(th, NULL);
    close(a.listen_fd);
    ck_assert(a.ok);
    ck_assert_ptr_nonnull(strstr(a.request, "GET /_fake/exec/s-1?role=publish_subscribe HTTP/1.1\r\n"));
    ck_assert_ptr_nonnull(strstr(a.request, "Upgrade: websocket\r\n"));
    ck_assert_ptr_nonnull(strstr(a.request, "Sec-WebSocket-Version: 13\r\n"));

    ck_assert_int_eq(exec_ws_connect("https://example.com/", 100, &ws, &err), -1);
    ck_assert_str_eq(err.code, "InvalidStreamUrl");
}
END_TEST

/* ws:// (no TLS) only to this machine, unless ECSDEPLOY_ALLOW_HTTP=1 (issue 16). */
START_TEST(plain_ws_only_to_loopback)
{
    exec_ws *ws = NULL;
    aws_error err;
    unsetenv("ECSDEPLOY_ALLOW_HTTP");
    ck_assert_int_eq(exec_ws_connect("ws://192.0.2.1:9/x", 100, &ws, &err), -1);
    ck_assert_str_eq(err.code, "InsecureEndpoint");
    ck_assert_ptr_nonnull(strstr(err.message, "ECSDEPLOY_ALLOW_HTTP"));
    ck_assert_int_eq(exec_ws_connect("ws://127.0.0.1@192.0.2.1:9/x", 100, &ws, &err), -1);
    ck_assert_str_eq(err.code, "InsecureEndpoint");
    /* loopback is allowed (nothing listens on port 9: a connection error instead) */
    ck_assert_int_eq(exec_ws_connect("ws://127.0.0.1:9/x", 500, &ws, &err), -1);
    ck_assert_str_ne(err.code, "InsecureEndpoint");
    setenv("ECSDEPLOY_ALLOW_HTTP", "1", 1);
    ck_assert_int_eq(exec_ws_connect("ws://192.0.2.1:9/x", 100, &ws, &err), -1);
    ck_assert_str_ne(err.code, "InsecureEndpoint");
    unsetenv("ECSDEPLOY_ALLOW_HTTP");
}
END_TEST

UNIT_SUITE(exec_ws, 0, rfc_vectors, lengths_16_and_64, bad_frames, socketpair_session,
           timeout_and_eof, connect_with_first_frame_in_the_101, plain_ws_only_to_loopback)
