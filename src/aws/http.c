/* HTTP over libcurl: a pool of easy handles that keep their connections, with DNS answers
 * and TLS sessions shared (see http_internal.h). */
#include "http_internal.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "aws_retry.h"
#include "xalloc.h"

/* Idle easy handles kept for the next call, each with its open connection(s). More calls
 * in flight than this make handles that are cleaned up after their call. */
#define IDLE_HANDLES 16

/*
 * Why a pool and not a shared connection cache: libcurl's connection cache in a share
 * handle is not thread-safe (its known bug 11.11, curl issue #4915, still in the 7.88 we
 * build with): threads that shared it corrupted the heap inside libcurl (glibc aborted
 * "free(): invalid size", "corrupted size vs. prev_size" in 6 of 29 runs of a 20-service
 * `up` with two malloc arenas; ASan, which does not see into libcurl, saw nothing). An easy
 * handle is used by one thread at a time, so each keeps its own connections; a call takes
 * an idle one that last talked to the same host when there is one.
 */
typedef struct {
    CURL *e;
    char host[256]; /* where its connection goes */
} idle_handle;

struct aws_http {
    CURLSH *share;
    pthread_mutex_t locks[CURL_LOCK_DATA_LAST];
    pthread_mutex_t pool_mu;
    idle_handle idle[IDLE_HANDLES];
    size_t n_idle;
};

static pthread_once_t global_once = PTHREAD_ONCE_INIT;

static void global_init(void)
{
    aws_wipe_allocators_install(); /* initialises libcurl too */
}

void aws_http_global_init(void)
{
    pthread_once(&global_once, global_init);
}

static void share_lock(CURL *handle, curl_lock_data data, curl_lock_access access, void *user)
{
    (void)handle;
    (void)access;
    struct aws_http *h = user;
    pthread_mutex_lock(&h->locks[data]);
}

static void share_unlock(CURL *handle, curl_lock_data data, void *user)
{
    (void)handle;
    struct aws_http *h = user;
    pthread_mutex_unlock(&h->locks[data]);
}

aws_http *aws_http_new(void)
{
    aws_http_global_init();
    aws_http *h = xcalloc(1, sizeof *h);
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
        pthread_mutex_init(&h->locks[i], NULL);
    h->share = curl_share_init();
    curl_share_setopt(h->share, CURLSHOPT_LOCKFUNC, share_lock);
    curl_share_setopt(h->share, CURLSHOPT_UNLOCKFUNC, share_unlock);
    curl_share_setopt(h->share, CURLSHOPT_USERDATA, h);
    curl_share_setopt(h->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(h->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    pthread_mutex_init(&h->pool_mu, NULL);
    return h;
}

void aws_http_free(aws_http *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->n_idle; i++)
        curl_easy_cleanup(h->idle[i].e);
    pthread_mutex_destroy(&h->pool_mu);
    curl_share_cleanup(h->share);
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
        pthread_mutex_destroy(&h->locks[i]);
    free(h);
}

void aws_http_header_add(aws_http_header **v, size_t *n, const char *name, const char *value)
{
    *v = xrealloc(*v, (*n + 1) * sizeof **v);
    (*v)[*n].name = xstrdup(name);
    (*v)[*n].value = xstrdup(value);
    (*n)++;
}

void aws_http_headers_free(aws_http_header *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].name);
        free(v[i].value);
    }
    free(v);
}

/* What one transfer reads into: the response, and why it stopped reading early. */
typedef struct {
    aws_http_response *resp;
    size_t max_body;
    size_t header_bytes;
    char refused[160];  /* "", or what made the answer unacceptable */
} transfer;

/* Returning less than given makes libcurl stop with CURLE_WRITE_ERROR. */
static size_t on_body(char *p, size_t size, size_t n, void *user)
{
    transfer *t = user;
    size_t len = size * n;
    if (t->resp->body.len + len > t->max_body) {
        snprintf(t->refused, sizeof t->refused, "a body longer than %zu KiB", t->max_body >> 10);
        return 0;
    }
    if (buf_try_append(&t->resp->body, p, len) != 0) {
        snprintf(t->refused, sizeof t->refused, "a body that does not fit in memory");
        return 0;
    }
    return len;
}

static size_t on_header(char *p, size_t size, size_t n, void *user)
{
    transfer *t = user;
    aws_http_response *resp = t->resp;
    size_t len = size * n;
    t->header_bytes += len;
    if (t->header_bytes > AWS_HTTP_MAX_HEADER_BYTES || resp->nheaders >= AWS_HTTP_MAX_HEADERS) {
        snprintf(t->refused, sizeof t->refused, "more than %d header lines or %u KiB of headers",
                 AWS_HTTP_MAX_HEADERS, AWS_HTTP_MAX_HEADER_BYTES >> 10);
        return 0;
    }
    if (len > 5 && strncmp(p, "HTTP/", 5) == 0) { /* a new response (after 100 Continue) */
        aws_http_headers_free(resp->headers, resp->nheaders);
        resp->headers = NULL;
        resp->nheaders = 0;
        return len;
    }
    char *colon = memchr(p, ':', len);
    if (!colon)
        return len;
    char *name = xstrndup(p, (size_t)(colon - p));
    const char *v = colon + 1, *end = p + len;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && isspace((unsigned char)end[-1]))
        end--;
    char *value = xstrndup(v, (size_t)(end - v));
    aws_http_header_add(&resp->headers, &resp->nheaders, name, value);
    free(name);
    free(value);
    return len;
}

static struct curl_slist *header_list(const aws_http_request *req)
{
    struct curl_slist *list = NULL;
    for (size_t i = 0; i < req->nheaders; i++) {
        char *line = xasprintf("%s: %s", req->headers[i].name, req->headers[i].value);
        list = curl_slist_append(list, line);
        free(line);
    }
    /* curl would add these on its own; AWS signatures do not expect them. */
    list = curl_slist_append(list, "Expect:");
    list = curl_slist_append(list, "Accept:");
    return list;
}

/* The body of a no_resend request, read once: with no way to rewind it, libcurl cannot
 * send the request again on a fresh connection when the reused one died; it fails with
 * CURLE_SEND_FAIL_REWIND and the caller's retry loop decides. */
typedef struct {
    const char *p;
    size_t left;
} body_reader;

static size_t read_body(char *to, size_t size, size_t n, void *ud)
{
    body_reader *b = ud;
    size_t k = size * n < b->left ? size * n : b->left;
    memcpy(to, b->p, k);
    b->p += k;
    b->left -= k;
    return k;
}

static void set_method(CURL *e, const aws_http_request *req, body_reader *br)
{
    const char *m = req->method;
    if (strcmp(m, "HEAD") == 0) {
        curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
    } else if (req->no_resend && strcmp(m, "GET") != 0) {
        /* With nothing to rewind (an empty body: DELETE), libcurl would send the request
         * again on a fresh connection by itself when the reused one died after the
         * server took it — a lost answer the caller never hears of. A fresh connection
         * from the start leaves it no reused one to give up on. */
        if (!req->body_len)
            curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
        *br = (body_reader){req->body ? req->body : "", req->body_len};
        curl_easy_setopt(e, CURLOPT_POST, 1L);
        curl_easy_setopt(e, CURLOPT_READFUNCTION, read_body);
        curl_easy_setopt(e, CURLOPT_READDATA, br);
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
        if (strcmp(m, "POST") != 0)
            curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, m);
    } else if (strcmp(m, "GET") != 0 || req->body_len) {
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, req->body ? req->body : "");
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
        if (strcmp(m, "POST") != 0)
            curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, m);
    }
}

static void fail_from_curl(aws_error *err, CURLcode rc, const char *errbuf, const char *url,
                           transfer *t)
{
    size_t n = strcspn(url, "?");
    if (t->refused[0] || rc == CURLE_FILESIZE_EXCEEDED) {
        if (!t->refused[0])
            snprintf(t->refused, sizeof t->refused, "a body longer than %zu KiB",
                     t->max_body >> 10);
        aws_error_set(err, AWS_ERR_PARSE, AWS_RESPONSE_TOO_LARGE,
                      "%.*s: the endpoint sent %s; stopped reading (a broken or hostile "
                      "endpoint? check --endpoint-url and AWS_ENDPOINT_URL*)",
                      (int)n, url, t->refused);
        return;
    }
    aws_error_kind kind = rc == CURLE_OPERATION_TIMEDOUT ? AWS_ERR_TIMEOUT : AWS_ERR_NETWORK;
    /* Only the scheme and host of the URL: the query may hold presigned parameters. */
    const char *why = errbuf[0] ? errbuf : curl_easy_strerror(rc);
    if (rc == CURLE_SEND_FAIL_REWIND) /* see body_reader */
        why = "the connection closed without an answer (the request may have been received)";
    const char *code = kind == AWS_ERR_TIMEOUT ? "RequestTimeout" : "ConnectionError";
    if (rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_COULDNT_RESOLVE_PROXY ||
        rc == CURLE_COULDNT_CONNECT)
        code = AWS_CONNECT_FAILED;
    aws_error_set(err, kind, code, "%.*s: %s", (int)n, url, why);
}

/* The host part of url ("" when there is none), into out. */
static void host_of(const char *url, char *out, size_t size)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    size_t n = strcspn(p, "/?#");
    if (n >= size)
        n = size - 1;
    memcpy(out, p, n);
    out[n] = '\0';
}

/* An idle handle (reset to libcurl's defaults when given back; its connections stay), the
 * last one to talk to host if any, or a new one. */
static CURL *handle_take(aws_http *h, const char *host)
{
    CURL *e = NULL;
    pthread_mutex_lock(&h->pool_mu);
    if (h->n_idle > 0) {
        size_t pick = h->n_idle - 1;
        for (size_t i = 0; i < h->n_idle; i++)
            if (strcmp(h->idle[i].host, host) == 0)
                pick = i;
        e = h->idle[pick].e;
        h->idle[pick] = h->idle[--h->n_idle];
    }
    pthread_mutex_unlock(&h->pool_mu);
    return e ? e : curl_easy_init();
}

/* Back to the pool for the next call, or cleaned up when the pool is full. */
static void handle_give(aws_http *h, CURL *e, const char *host)
{
    pthread_mutex_lock(&h->pool_mu);
    if (h->n_idle < IDLE_HANDLES) {
        idle_handle *slot = &h->idle[h->n_idle++];
        slot->e = e;
        snprintf(slot->host, sizeof slot->host, "%s", host);
        e = NULL;
    }
    pthread_mutex_unlock(&h->pool_mu);
    if (e)
        curl_easy_cleanup(e);
}

int aws_http_send(aws_http *h, const aws_http_request *req, aws_http_response *resp,
                  aws_error *err)
{
    memset(resp, 0, sizeof *resp);
    resp->body.wipe = 1;
    transfer t = {resp, req->max_body ? req->max_body : AWS_HTTP_MAX_BODY, 0, ""};
    char host[256];
    host_of(req->url, host, sizeof host);
    CURL *e = handle_take(h, host);
    char errbuf[CURL_ERROR_SIZE] = "";
    struct curl_slist *hdrs = header_list(req);
    const char *ca = getenv("AWS_CA_BUNDLE");
    curl_easy_setopt(e, CURLOPT_SHARE, h->share);
    curl_easy_setopt(e, CURLOPT_URL, req->url);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
    if (ca && *ca)
        curl_easy_setopt(e, CURLOPT_CAINFO, ca);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                     req->connect_timeout_ms > 0 ? req->connect_timeout_ms : 10000L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, req->timeout_ms > 0 ? req->timeout_ms : 60000L);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)t.max_body);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, NULL);
    body_reader br;
    set_method(e, req, &br);
    CURLcode rc = curl_easy_perform(e);
    if (rc == CURLE_OK) {
        curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &resp->status);
        curl_easy_getinfo(e, CURLINFO_NUM_CONNECTS, &resp->new_connections);
    }
    else
        fail_from_curl(err, rc, errbuf, req->url, &t);
    /* its options point into this call's memory (headers, error buffer, the transfer):
     * none may outlive it in the pool; the connections stay */
    curl_easy_reset(e);
    curl_slist_free_all(hdrs);
    handle_give(h, e, host);
    return rc == CURLE_OK ? 0 : -1;
}

const char *aws_http_response_header(const aws_http_response *resp, const char *name)
{
    for (size_t i = 0; i < resp->nheaders; i++)
        if (strcasecmp(resp->headers[i].name, name) == 0)
            return resp->headers[i].value;
    return NULL;
}

void aws_http_response_free(aws_http_response *resp)
{
    buf_free(&resp->body);
    aws_http_headers_free(resp->headers, resp->nheaders);
    memset(resp, 0, sizeof *resp);
}
