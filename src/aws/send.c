/* The request pipeline: address, sign, send, read errors, retry (standard mode). */
#include "aws_internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clock.h"
#include "wirelog_internal.h"
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

static int has_prefix(const char *s, const char *const *prefixes)
{
    for (size_t i = 0; s && prefixes[i]; i++)
        if (strncmp(s, prefixes[i], strlen(prefixes[i])) == 0)
            return 1;
    return 0;
}

/* A call that only reads: libcurl may send it again by itself. */
static int is_read(const aws_wire_request *r)
{
    static const char *const reads[] = {"Describe", "List", "Get", "Head", "Discover", "Filter",
                                        NULL};
    if (r->operation)
        return has_prefix(r->operation, reads);
    return strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0;
}

/* A call whose purpose is that something is gone (or detached, revoked, released). */
static int is_removal(const aws_wire_request *r)
{
    static const char *const removals[] = {"Delete", "Deregister", "Release", "Revoke", "Detach",
                                           "Disassociate", "Remove", NULL};
    if (r->operation)
        return has_prefix(r->operation, removals);
    return strcmp(r->method, "DELETE") == 0;
}

/* AWS answered that the thing is not there (any service's spelling: error_class.c). */
static int is_not_found(const aws_error *e)
{
    return e->kind == AWS_ERR_SERVICE && aws_error_is(e, AWS_IS_NOT_FOUND);
}

/* The bound of one attempt: the configured one, cut to what is left of the call's
 * deadline (at least 1 ms: 0 would mean "the default" to the transport). */
static long bound_ms(long configured, double fallback_s, double left_s)
{
    double b = configured > 0 ? (double)configured / 1000.0 : fallback_s;
    if (left_s < b)
        b = left_s;
    long ms = (long)(b * 1000.0);
    return ms < 1 ? 1 : ms;
}

/* One attempt: headers, signature, transport, error reading. */
static int attempt_once(aws_client *c, const aws_wire_request *r, const target *t, int attempt,
                        double left_s, aws_http_response *resp, aws_error *err)
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
                            bound_ms(c->connect_timeout_ms, 10, left_s),
                            bound_ms(c->timeout_ms, AWS_RETRY_ATTEMPT_TIMEOUT, left_s),
                            !is_read(r), 0};
    double t0 = util_now();
    if (rc == 0 && c->debug)
        aws_wirelog_request(c->debug_out, r->service, attempt, &req);
    if (rc == 0)
        rc = c->transport(c->transport_ctx, &req, resp, err);
    if (rc == 0 && c->debug)
        aws_wirelog_response(c->debug_out, r->service, resp, util_now() - t0);
    else if (c->debug && err->kind == AWS_ERR_NETWORK)
        fprintf(c->debug_out, "[debug] %s: %s\n", r->service, err->message);
    aws_http_headers_free(hv, nh);
    if (rc == 0 && (resp->status < 200 || resp->status >= 300)) {
        const char *rid = aws_http_response_header(resp, "x-amzn-RequestId");
        if (!rid)
            rid = aws_http_response_header(resp, "x-amz-request-id");
        aws_error_from_response(err, r->proto, resp->status, resp->body.data, resp->body.len,
                                aws_http_response_header(resp, "x-amzn-ErrorType"), rid);
        snprintf(err->service, sizeof err->service, "%s", r->service);
        snprintf(err->operation, sizeof err->operation, "%s", r->operation ? r->operation : "");
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

/* Say in err that the call ran out of time, once. */
static void note_deadline(const aws_client *c, aws_error *err)
{
    size_t n = strlen(err->message);
    snprintf(err->message + n, sizeof err->message - n,
             " (gave up: every call ends within %.0f s, ECSDEPLOY_CALL_DEADLINE)", c->deadline_s);
}

/* The backoff after an attempt that could not connect, cut short as soon as another call
 * gives up on the same host: the next attempt then fails at once (unreachable.c), and a
 * run whose calls all wait for one dead endpoint ends when the first of them gives up. */
static void nap_unless_unreachable(aws_client *c, const char *host, double delay)
{
    aws_error scratch;
    while (delay > 0) {
        double slice = delay < 0.1 ? delay : 0.1;
        c->sleep(slice, c->hook_ctx);
        delay -= slice;
        if (aws_unreachable_known(c, host, &scratch))
            return;
    }
}

/* Decide whether to try again; sleeps the backoff when yes. *cost gathers the quota this
 * call has taken, *waited the seconds it has slept; left_s is what is left of the call's
 * deadline. */
static int should_retry(aws_client *c, const char *host, const aws_http_response *resp,
                        int attempt, int *cost, double *waited, double left_s, aws_error *err)
{
    aws_retry_class k = aws_retry_classify(err);
    if (k == AWS_RETRY_NO || err->kind == AWS_ERR_CREDENTIALS)
        return 0;
    if (k == AWS_RETRY_CLOCK_SKEW)
        return correct_skew(c, resp) && attempt < c->retry.max_attempts && left_s > 1;
    /* An endpoint that cannot be reached at all is far more often a wrong address or a
     * missing network than a blip: fail in seconds, not after the whole budget. */
    if (aws_retry_never_sent(err) && attempt >= AWS_RETRY_UNREACHABLE_ATTEMPTS)
        return 0;
    double delay = aws_retry_next_delay(&c->retry, attempt, *waited, c->rand01(c->hook_ctx));
    if (delay < 0)
        return 0;
    if (left_s - delay < 0.001) { /* no time left for another attempt */
        note_deadline(c, err);
        return 0;
    }
    int got = aws_retry_quota_acquire(&c->retry, k);
    if (got < 0) {
        size_t n = strlen(err->message);
        snprintf(err->message + n, sizeof err->message - n,
                 " (not retried: the client's retry quota is used up)");
        return 0;
    }
    *cost += got;
    *waited += delay;
    if (c->debug)
        fprintf(c->debug_out, "[debug] retrying after %s in %.3f s (attempt %d of %d)\n",
                err->code, delay, attempt + 1, c->retry.max_attempts);
    if (aws_retry_never_sent(err))
        nap_unless_unreachable(c, host, delay);
    else
        c->sleep(delay, c->hook_ctx);
    return 1;
}

/* After a failure that may have taken effect: ask the finder. 1 found (*found set), 0 not
 * there, -1 the finder failed (err replaced by its error). */
static int ask_finder(aws_client *c, const aws_wire_request *r, const aws_lost_answer *g,
                      cJSON **found, aws_error *err)
{
    aws_error ferr;
    aws_error_clear(&ferr);
    *found = NULL;
    int f = g->find(g->ctx, found, &ferr);
    if (f < 0) {
        char was[160];
        snprintf(was, sizeof was, "%s", err->code);
        *err = ferr;
        aws_error_prefix(err, "an answer of %s was lost (%s) and checking whether the call took "
                              "effect failed: ", r->service, was);
        return -1;
    }
    if (f > 0 && !*found)
        *found = cJSON_CreateObject();
    if (c->debug)
        fprintf(c->debug_out, "[debug] %s: after %s, %s\n", r->service, err->code,
                f > 0 ? "the call had taken effect: its result was found again"
                      : "the call had not taken effect");
    return f > 0;
}

int aws_client_send_guarded(aws_client *c, const aws_wire_request *r, const aws_lost_answer *g,
                            aws_http_response *resp, cJSON **found, aws_error *err)
{
    target t;
    memset(resp, 0, sizeof *resp);
    *found = NULL;
    aws_error_clear(err);
    aws_share_entry *shared = NULL;
    if (!g && is_read(r) && aws_share_begin(c, r, resp, &shared))
        return 0; /* the answer of the same read, made meanwhile */
    if (resolve_target(c, r, &t, err) != 0) {
        target_free(&t);
        aws_share_end(c, shared, -1, resp);
        return -1;
    }
    int cost = 0, rc, was_lost = 0, remembered = 0;
    double waited = 0, end = c->mono(c->hook_ctx) + c->deadline_s;
    for (int attempt = 1;; attempt++) {
        /* a host this run could not reach a moment ago: fail at once (unreachable.c) */
        if ((remembered = aws_unreachable_known(c, t.host, err)) != 0) {
            err->attempts = attempt - 1;
            rc = -1;
            break;
        }
        rc = attempt_once(c, r, &t, attempt, end - c->mono(c->hook_ctx), resp, err);
        err->attempts = attempt;
        if (rc == 0 || err->http_status > 0) /* it answered */
            aws_unreachable_forget(c, t.host);
        if (rc == 0)
            break;
        if (was_lost && is_removal(r) && is_not_found(err)) {
            /* the attempt whose answer was lost did it */
            if (c->debug)
                fprintf(c->debug_out, "[debug] %s: %s after a lost answer: done\n", r->service,
                        err->code);
            aws_http_response_free(resp);
            aws_error_clear(err);
            err->attempts = attempt;
            *found = cJSON_CreateObject();
            rc = 1;
            break;
        }
        was_lost |= aws_retry_answer_lost(err);
        int lost = g && g->find && aws_retry_answer_lost(err);
        int again = should_retry(c, t.host, resp, attempt, &cost, &waited,
                                 end - c->mono(c->hook_ctx), err);
        aws_http_response_free(resp);
        if (lost && (rc = ask_finder(c, r, g, found, err)) != 0) {
            if (rc > 0)
                aws_error_clear(err);
            err->attempts = attempt;
            break;
        }
        rc = -1;
        if (!again)
            break;
        aws_error_clear(err);
    }
    if (rc >= 0)
        aws_retry_quota_release(&c->retry, cost);
    else if (!remembered && aws_retry_never_sent(err))
        aws_unreachable_note(c, t.host, err);
    target_free(&t);
    aws_share_end(c, shared, rc, resp);
    return rc;
}

int aws_client_send(aws_client *c, const aws_wire_request *r, aws_http_response *resp,
                    aws_error *err)
{
    cJSON *found;
    int rc = aws_client_send_guarded(c, r, NULL, resp, &found, err);
    if (rc == 1) { /* a removal found done: an empty answer */
        cJSON_Delete(found);
        resp->status = 204;
        rc = 0;
    }
    return rc;
}
