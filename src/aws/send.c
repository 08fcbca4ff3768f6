/* The request pipeline: address, sign, send, read errors, retry (standard mode). */
#include "aws_internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>

#include "aws_wirelog.h"
#include "sigv4.h"
#include "xalloc.h"

#define SKEW_THRESHOLD 240 /* seconds of difference that count as clock skew */

typedef struct {
    char *url, *host, *path;
    aws_endpoint ep;
} target;

static void target_free(target *t)
{
    free(t->url);
    free(t->host);
    free(t->path);
}

static int resolve_target(aws_client *c, const aws_wire_request *r, target *t, aws_error *err)
{
    memset(t, 0, sizeof *t);
    const char *region = r->region ? r->region : c->region;
    if (!*region) {
        aws_error_set(err, AWS_ERR_CONFIG, "NoRegion",
                      "no AWS region: pass --region, set AWS_REGION, or add 'region = ...' to "
                      "profile '%s' in %s",
                      c->cfg.profile, c->cfg.config_path);
        return -1;
    }
    if (aws_endpoint_resolve(&c->eps, r->service, region, &t->ep, err) != 0)
        return -1;
    if (r->s3) {
        char *url;
        aws_s3_address(&t->ep, r->bucket, r->key, 0, &url, &t->host, &t->path);
        t->url = r->query && *r->query ? xasprintf("%s?%s", url, r->query) : xstrdup(url);
        free(url);
        return 0;
    }
    const char *scheme_end = strstr(t->ep.url, "://");
    const char *base = strchr(scheme_end + 3, '/');
    const char *p = r->path ? r->path : "/";
    t->path = base ? xasprintf("%s%s", base, p) : xstrdup(p);
    t->host = xstrdup(t->ep.host);
    t->url = xasprintf("%.*s%s%s%s", (int)(base ? base - t->ep.url : (long)strlen(t->ep.url)),
                       t->ep.url, t->path, r->query && *r->query ? "?" : "",
                       r->query ? r->query : "");
    return 0;
}

/* Sign with creds; append the signer's headers to *hv. */
static int sign(aws_client *c, const aws_wire_request *r, const target *t,
                const aws_credentials *cr, aws_http_header **hv, size_t *nh, aws_error *err)
{
    sigv4_header *sh = xcalloc(*nh + 1, sizeof *sh);
    size_t ns = 0;
    sh[ns++] = (sigv4_header){"Host", t->host};
    for (size_t i = 0; i < *nh; i++)
        if (strcasecmp((*hv)[i].name, "User-Agent") != 0)
            sh[ns++] = (sigv4_header){(*hv)[i].name, (*hv)[i].value};
    sigv4_request req = {r->method, t->path, r->query, sh, ns, r->body, r->body_len};
    pthread_mutex_lock(&c->lock);
    long skew = c->skew;
    pthread_mutex_unlock(&c->lock);
    sigv4_credentials sc = {cr->access_key_id, cr->secret_access_key, cr->session_token};
    sigv4_params p = {t->ep.signing_region, t->ep.signing_name, c->now(c->hook_ctx) + skew,
                      r->s3, r->s3, 0, 0, 0};
    sigv4_result res;
    char msg[256];
    int rc = sigv4_sign_headers(&req, &sc, &p, &res, msg, sizeof msg);
    free(sh);
    if (rc != 0) {
        aws_error_set(err, AWS_ERR_INPUT, "SigningFailed", "cannot sign the request: %s", msg);
        return -1;
    }
    for (size_t i = 0; i < res.nadd; i++)
        aws_http_header_add(hv, nh, res.add[i].name, res.add[i].value);
    sigv4_result_free(&res);
    return 0;
}

static double elapsed_since(const struct timeval *t0)
{
    struct timeval t1;
    gettimeofday(&t1, NULL);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_usec - t0->tv_usec) / 1e6;
}

/* One attempt: headers, signature, transport, error reading. */
static int attempt_once(aws_client *c, const aws_wire_request *r, const target *t, int attempt,
                        aws_http_response *resp, aws_error *err)
{
    aws_http_header *hv = NULL;
    size_t nh = 0;
    aws_http_header_add(&hv, &nh, "User-Agent", "ecsdeploy/" ECSDEPLOY_VERSION);
    for (size_t i = 0; i < r->nheaders; i++)
        aws_http_header_add(&hv, &nh, r->headers[i].name, r->headers[i].value);
    int rc = 0;
    if (!r->unsigned_request) {
        aws_credentials own = {0};
        const aws_credentials *cr = r->creds;
        if (!cr && (rc = aws_client_credentials(c, &own, err)) == 0)
            cr = &own;
        if (rc == 0)
            rc = sign(c, r, t, cr, &hv, &nh, err);
        aws_credentials_free(&own);
    }
    aws_http_request req = {r->method, t->url, hv, nh, r->body, r->body_len,
                            c->connect_timeout_ms, c->timeout_ms};
    struct timeval t0;
    gettimeofday(&t0, NULL);
    if (rc == 0 && c->debug)
        aws_wirelog_request(c->debug_out, r->service, attempt, &req);
    if (rc == 0)
        rc = c->transport(c->transport_ctx, &req, resp, err);
    if (rc == 0 && c->debug)
        aws_wirelog_response(c->debug_out, r->service, resp, elapsed_since(&t0));
    else if (c->debug && err->kind == AWS_ERR_NETWORK)
        fprintf(c->debug_out, "[debug] %s: %s\n", r->service, err->message);
    aws_http_headers_free(hv, nh);
    if (rc == 0 && (resp->status < 200 || resp->status >= 300)) {
        const char *rid = aws_http_response_header(resp, "x-amzn-RequestId");
        if (!rid)
            rid = aws_http_response_header(resp, "x-amz-request-id");
        aws_error_from_response(err, r->proto, resp->status, resp->body.data, resp->body.len,
                                aws_http_response_header(resp, "x-amzn-ErrorType"), rid);
        const char *where = aws_http_response_header(resp, "x-amz-bucket-region");
        if (r->s3 && where && (resp->status == 301 || resp->status == 400)) {
            size_t n = strlen(err->message);
            snprintf(err->message + n, sizeof err->message - n, " (the bucket is in %.64s)",
                     where);
        }
        rc = -1;
    }
    return rc;
}

/* After a signature was refused as stale: adopt the server's clock if it differs.
 * Returns 1 when the offset changed (worth one more try). */
static int correct_skew(aws_client *c, const aws_http_response *resp)
{
    const char *date = aws_http_response_header(resp, "Date");
    time_t server = date ? aws_time_parse_http(date) : -1;
    if (server < 0)
        return 0;
    long skew = (long)(server - c->now(c->hook_ctx));
    pthread_mutex_lock(&c->lock);
    long old = c->skew;
    int changed = labs(skew - old) > SKEW_THRESHOLD;
    if (changed)
        c->skew = skew;
    pthread_mutex_unlock(&c->lock);
    return changed;
}

/* Decide whether to try again; sleeps the backoff when yes. *cost is the quota taken. */
static int should_retry(aws_client *c, const aws_http_response *resp, int attempt, int *cost,
                        aws_error *err)
{
    aws_retry_class k = aws_retry_classify(err);
    if (k == AWS_RETRY_NO || err->kind == AWS_ERR_CREDENTIALS)
        return 0;
    if (k == AWS_RETRY_CLOCK_SKEW)
        return correct_skew(c, resp) && attempt < c->retry.max_attempts;
    if (attempt >= c->retry.max_attempts)
        return 0;
    int got = aws_retry_quota_acquire(&c->retry, k);
    if (got < 0) {
        size_t n = strlen(err->message);
        snprintf(err->message + n, sizeof err->message - n,
                 " (not retried: the client's retry quota is used up)");
        return 0;
    }
    *cost = got;
    double delay = aws_retry_delay(attempt, c->rand01(c->hook_ctx));
    if (c->debug)
        fprintf(c->debug_out, "[debug] retrying after %s in %.3f s (attempt %d of %d)\n",
                err->code, delay, attempt + 1, c->retry.max_attempts);
    c->sleep(delay, c->hook_ctx);
    return 1;
}

int aws_client_send(aws_client *c, const aws_wire_request *r, aws_http_response *resp,
                    aws_error *err)
{
    target t;
    memset(resp, 0, sizeof *resp);
    aws_error_clear(err);
    if (resolve_target(c, r, &t, err) != 0) {
        target_free(&t);
        return -1;
    }
    int cost = 0, rc;
    for (int attempt = 1;; attempt++) {
        rc = attempt_once(c, r, &t, attempt, resp, err);
        err->attempts = attempt;
        if (rc == 0)
            break;
        int again = should_retry(c, resp, attempt, &cost, err);
        aws_http_response_free(resp);
        if (!again)
            break;
        aws_error_clear(err);
    }
    if (rc == 0)
        aws_retry_quota_release(&c->retry, cost);
    target_free(&t);
    return rc;
}
