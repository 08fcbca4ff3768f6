/* exec_ws_connect: the byte stream from libcurl's connect-only mode (TLS and proxies
 * included) and the client's opening handshake. */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "aws.h"
#include "buf.h"
#include "clock.h"
#include "ws_internal.h"
#include "xalloc.h"

static int curl_io_send(void *ctx, const void *p, size_t len, size_t *n)
{
    CURLcode rc = curl_easy_send((CURL *)ctx, p, len, n);
    if (rc == CURLE_OK)
        return EXEC_IO_OK;
    return rc == CURLE_AGAIN ? EXEC_IO_AGAIN : EXEC_IO_ERR;
}

static int curl_io_recv(void *ctx, void *p, size_t len, size_t *n)
{
    *n = 0;
    CURLcode rc = curl_easy_recv((CURL *)ctx, p, len, n);
    if (rc == CURLE_OK)
        return *n ? EXEC_IO_OK : EXEC_IO_EOF;
    return rc == CURLE_AGAIN ? EXEC_IO_AGAIN : EXEC_IO_ERR;
}

static void curl_io_close(void *ctx)
{
    curl_easy_cleanup((CURL *)ctx);
}

/* The http(s) URL curl connects to, and the request target and Host of the upgrade. */
static int split_url(const char *url, char **http_url, char **target, char **host,
                     aws_error *err)
{
    const char *rest;
    int tls;
    if (strncasecmp(url, "wss://", 6) == 0) {
        rest = url + 6;
        tls = 1;
    } else if (strncasecmp(url, "ws://", 5) == 0) {
        rest = url + 5;
        tls = 0;
    } else {
        aws_error_set(err, AWS_ERR_INPUT, "InvalidStreamUrl",
                      "the exec stream URL is not ws:// or wss://");
        return -1;
    }
    /* ws:// (no TLS) only to this machine, unless ECSDEPLOY_ALLOW_HTTP says so */
    if (!tls && aws_url_check_transport(url, "the exec stream URL", err) != 0)
        return -1;
    size_t hl = strcspn(rest, "/?#");
    if (hl == 0) {
        aws_error_set(err, AWS_ERR_INPUT, "InvalidStreamUrl", "the exec stream URL has no host");
        return -1;
    }
    *host = xstrndup(rest, hl);
    const char *path = rest + hl;
    size_t pl = strcspn(path, "#");
    *target = path[0] == '/' ? xstrndup(path, pl) : xasprintf("/%.*s", (int)pl, path);
    *http_url = xasprintf("%s://%s/", tls ? "https" : "http", *host);
    return 0;
}

/* Read the answer head; leftover bytes (the first frames) stay in *rest. */
static int read_head(CURL *c, int fd, long long end, buf *head, aws_error *err)
{
    for (;;) {
        char tmp[4096];
        size_t n = 0;
        CURLcode rc = curl_easy_recv(c, tmp, sizeof tmp, &n);
        if (rc == CURLE_OK && n) {
            buf_append(head, tmp, n);
            if (strstr(buf_str(head), "\r\n\r\n"))
                return 0;
            if (head->len > 65536)
                break;
            continue;
        }
        if (rc != CURLE_AGAIN)
            break;
        long left = (long)(end - util_now_ms());
        if (left <= 0) {
            aws_error_set(err, AWS_ERR_TIMEOUT, "WebSocketTimeout",
                          "no answer to the data channel's WebSocket upgrade");
            return -1;
        }
        struct pollfd p = {.fd = fd, .events = POLLIN};
        poll(&p, 1, left > 200 ? 200 : (int)left);
    }
    aws_error_set(err, AWS_ERR_NETWORK, "WebSocketError",
                  "the connection closed during the data channel's WebSocket upgrade");
    return -1;
}

/* Check the 101 answer and its Sec-WebSocket-Accept. */
static int check_answer(const char *head, const char *key, aws_error *err)
{
    int status = 0;
    if (sscanf(head, "HTTP/1.1 %d", &status) != 1 && sscanf(head, "HTTP/1.0 %d", &status) != 1)
        status = 0;
    if (status != 101) {
        const char *body = strstr(head, "\r\n\r\n");
        size_t line = strcspn(head, "\r\n");
        aws_error_set(err, AWS_ERR_SERVICE, "WebSocketRefused",
                      "the data channel refused the WebSocket upgrade: %.*s%s%.200s", (int)line,
                      head, body && body[4] ? ": " : "", body ? body + 4 : "");
        return -1;
    }
    char want[29];
    exec_ws_accept_for(key, want);
    for (const char *p = head; (p = strchr(p, '\n')) != NULL;) {
        p++;
        if (strncasecmp(p, "Sec-WebSocket-Accept:", 21) == 0) {
            const char *v = p + 21;
            while (*v == ' ' || *v == '\t')
                v++;
            if (strncmp(v, want, 28) == 0)
                return 0;
            break;
        }
    }
    aws_error_set(err, AWS_ERR_PARSE, "WebSocketError",
                  "the data channel's upgrade answer has a wrong or no Sec-WebSocket-Accept");
    return -1;
}

static int handshake(CURL *c, int fd, const char *target, const char *host, long long end,
                     buf *rest, aws_error *err)
{
    unsigned char raw[16];
    char key[25];
    if (RAND_bytes(raw, sizeof raw) != 1)
        memset(raw, 0x42, sizeof raw);
    EVP_EncodeBlock((unsigned char *)key, raw, sizeof raw);
    buf req = BUF_INIT;
    buf_printf(&req,
               "GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n"
               "User-Agent: ecsdeploy/" ECSDEPLOY_VERSION "\r\n\r\n",
               target, host, key);
    size_t off = 0;
    int rc = 0;
    while (off < req.len) {
        size_t n = 0;
        CURLcode cr = curl_easy_send(c, req.data + off, req.len - off, &n);
        if (cr == CURLE_OK) {
            off += n;
            continue;
        }
        if (cr != CURLE_AGAIN || util_now_ms() > end) {
            aws_error_set(err, AWS_ERR_NETWORK, "WebSocketError",
                          "could not send the WebSocket upgrade request");
            rc = -1;
            break;
        }
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        poll(&p, 1, 100);
    }
    buf_free(&req); /* the target URL's query may carry credentials: not logged anywhere */
    buf head = BUF_INIT;
    if (rc == 0 && (rc = read_head(c, fd, end, &head, err)) == 0 &&
        (rc = check_answer(buf_str(&head), key, err)) == 0) {
        const char *body = strstr(head.data, "\r\n\r\n") + 4;
        buf_append(rest, body, head.len - (size_t)(body - head.data));
    }
    buf_free(&head);
    return rc;
}

int exec_ws_connect(const char *url, long timeout_ms, exec_ws **out, aws_error *err)
{
    *out = NULL;
    char *http_url = NULL, *target = NULL, *host = NULL;
    if (split_url(url, &http_url, &target, &host, err) != 0)
        return -1;
    if (timeout_ms <= 0)
        timeout_ms = 10000;
    long long end = util_now_ms() + timeout_ms;
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, http_url);
    curl_easy_setopt(c, CURLOPT_CONNECT_ONLY, 1L);
    curl_easy_setopt(c, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(c, CURLOPT_SSL_ENABLE_ALPN, 0L);
    curl_easy_setopt(c, CURLOPT_HTTPPROXYTUNNEL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    const char *ca = getenv("AWS_CA_BUNDLE"); /* as the AWS calls do */
    if (ca && *ca)
        curl_easy_setopt(c, CURLOPT_CAINFO, ca);
    CURLcode cr = curl_easy_perform(c);
    curl_socket_t sock = CURL_SOCKET_BAD;
    if (cr == CURLE_OK)
        cr = curl_easy_getinfo(c, CURLINFO_ACTIVESOCKET, &sock);
    int rc = -1;
    buf rest = BUF_INIT;
    if (cr != CURLE_OK || sock == CURL_SOCKET_BAD) {
        aws_error_set(err, cr == CURLE_OPERATION_TIMEDOUT ? AWS_ERR_TIMEOUT : AWS_ERR_NETWORK,
                      "WebSocketError", "could not connect to the data channel at %s: %s", host,
                      curl_easy_strerror(cr));
    } else if (handshake(c, (int)sock, target, host, end, &rest, err) == 0) {
        exec_ws_io io = {.ctx = c, .send = curl_io_send, .recv = curl_io_recv,
                         .close = curl_io_close, .fd = (int)sock};
        *out = exec_ws_new(&io, rest.data, rest.len);
        c = NULL;
        rc = 0;
    }
    if (c)
        curl_easy_cleanup(c);
    buf_free(&rest);
    free(http_url);
    free(target);
    free(host);
    return rc;
}
