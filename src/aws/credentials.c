/*
 * The credentials chain, in the AWS CLI's order, and its cache: resolved once, shared by
 * every thread, refreshed when less than five minutes remain (and still used until they
 * expire when that early refresh fails).
 */
#include "aws_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "xalloc.h"

#define REFRESH_MARGIN 300

void aws_credentials_free(aws_credentials *cr)
{
    free(cr->access_key_id);
    free(cr->secret_access_key);
    free(cr->session_token);
    memset(cr, 0, sizeof *cr);
}

static void aws_credentials_copy(aws_credentials *dst, const aws_credentials *src)
{
    memset(dst, 0, sizeof *dst);
    dst->access_key_id = xstrdup_or_null(src->access_key_id);
    dst->secret_access_key = xstrdup_or_null(src->secret_access_key);
    dst->session_token = xstrdup_or_null(src->session_token);
    dst->expiration = src->expiration;
    memcpy(dst->source, src->source, sizeof dst->source);
}

static const char *member(const cJSON *o, const char *a, const char *b)
{
    const char *v = aws_json_str(o, a);
    return v ? v : b ? aws_json_str(o, b) : NULL;
}

int aws_creds_from_object(const cJSON *o, const char *source, aws_credentials *out,
                          aws_error *err)
{
    const char *ak = member(o, "AccessKeyId", "accessKeyId");
    const char *sk = member(o, "SecretAccessKey", "secretAccessKey");
    const char *tok = member(o, "Token", "SessionToken");
    const char *exp = member(o, "Expiration", NULL);
    if (!ak || !*ak || !sk || !*sk) {
        aws_error_set(err, AWS_ERR_CREDENTIALS, "InvalidCredentials",
                      "%s answered without AccessKeyId and SecretAccessKey", source);
        return -1;
    }
    time_t when = 0;
    if (exp && *exp && (when = aws_time_parse_iso8601(exp)) < 0) {
        aws_error_set(err, AWS_ERR_CREDENTIALS, "InvalidCredentials",
                      "%s gave an Expiration that is not an ISO 8601 time: '%s'", source, exp);
        return -1;
    }
    memset(out, 0, sizeof *out);
    out->access_key_id = xstrdup(ak);
    out->secret_access_key = xstrdup(sk);
    out->session_token = tok && *tok ? xstrdup(tok) : NULL;
    out->expiration = when;
    snprintf(out->source, sizeof out->source, "%s", source);
    return 0;
}

int aws_creds_env(aws_credentials *out, aws_error *err)
{
    const char *ak = getenv("AWS_ACCESS_KEY_ID"), *sk = getenv("AWS_SECRET_ACCESS_KEY");
    const char *tok = getenv("AWS_SESSION_TOKEN"), *exp = getenv("AWS_CREDENTIAL_EXPIRATION");
    memset(out, 0, sizeof *out);
    if ((!ak || !*ak) && (!sk || !*sk))
        return 0;
    if (!ak || !*ak || !sk || !*sk) {
        aws_error_set(err, AWS_ERR_CREDENTIALS, "PartialCredentials",
                      "%s is set but %s is not; set both or neither",
                      ak && *ak ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY",
                      ak && *ak ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");
        return -1;
    }
    if (exp && *exp && aws_time_parse_iso8601(exp) < 0) {
        aws_error_set(err, AWS_ERR_CREDENTIALS, "InvalidCredentials",
                      "AWS_CREDENTIAL_EXPIRATION is not an ISO 8601 time: '%s'", exp);
        return -1;
    }
    out->access_key_id = xstrdup(ak);
    out->secret_access_key = xstrdup(sk);
    out->session_token = tok && *tok ? xstrdup(tok) : NULL;
    out->expiration = exp && *exp ? aws_time_parse_iso8601(exp) : 0;
    snprintf(out->source, sizeof out->source, "environment (AWS_ACCESS_KEY_ID)");
    return 0;
}

/* Run one provider; note it in `tried`. Returns 1 found, 0 not, -1 failed. */
static int step(int rc, const aws_credentials *out, buf *tried, const char *name)
{
    if (rc != 0)
        return -1;
    if (out->access_key_id)
        return 1;
    buf_printf(tried, "\n  - %s", name);
    return 0;
}

/* Run the whole chain once (no cache). */
static int aws_creds_resolve_chain(aws_client *c, aws_credentials *out, aws_error *err)
{
    buf tried = BUF_INIT;
    int r = 0;
    memset(out, 0, sizeof *out);
    /* An explicit --profile wins over environment keys, as in the AWS CLI. */
    if (c->cfg.profile_explicit != 1)
        r = step(aws_creds_env(out, err), out, &tried,
                 "environment: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY not set");
    if (r == 0)
        r = step(aws_creds_web_identity_env(c, out, err), out, &tried,
                 "web identity: AWS_WEB_IDENTITY_TOKEN_FILE / AWS_ROLE_ARN not set");
    if (r == 0)
        r = step(aws_creds_profile(c, c->cfg.profile, 0, &tried, out, err), out, &tried, "");
    if (r == 0)
        r = step(aws_creds_container(c, out, err), out, &tried,
                 "ECS container credentials: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / "
                 "FULL_URI not set");
    const char *imds_off = getenv("AWS_EC2_METADATA_DISABLED");
    if (r == 0)
        r = step(aws_creds_imds(c, out, err), out, &tried,
                 imds_off && strcasecmp(imds_off, "true") == 0
                     ? "EC2 instance metadata: disabled by AWS_EC2_METADATA_DISABLED"
                     : "EC2 instance metadata: no answer");
    if (r == 0) {
        /* The empty line from the profile step is dropped. */
        char *t = buf_detach(&tried), *p;
        while ((p = strstr(t, "\n  - \n")))
            memmove(p, p + 5, strlen(p + 5) + 1);
        aws_error_set(err, AWS_ERR_CREDENTIALS, "NoCredentials",
                      "no AWS credentials found; tried, in order:%s\nSet AWS_ACCESS_KEY_ID and "
                      "AWS_SECRET_ACCESS_KEY, pick a profile with --profile, or run "
                      "'aws configure'",
                      t);
        free(t);
    }
    buf_free(&tried);
    return r == 1 ? 0 : -1;
}

static int fresh(const aws_client *c, const aws_credentials *cr)
{
    return cr->access_key_id &&
           (cr->expiration == 0 || c->now(c->hook_ctx) + REFRESH_MARGIN < cr->expiration);
}

int aws_client_credentials(aws_client *c, aws_credentials *out, aws_error *err)
{
    pthread_mutex_lock(&c->lock);
    while (c->creds_resolving)
        pthread_cond_wait(&c->creds_cond, &c->lock);
    if (fresh(c, &c->creds)) {
        aws_credentials_copy(out, &c->creds);
        pthread_mutex_unlock(&c->lock);
        return 0;
    }
    c->creds_resolving = 1; /* one thread resolves; the others wait for its answer */
    pthread_mutex_unlock(&c->lock);
    aws_credentials got;
    int rc = aws_creds_resolve_chain(c, &got, err);
    pthread_mutex_lock(&c->lock);
    if (rc == 0) {
        aws_credentials_free(&c->creds);
        c->creds = got;
        aws_credentials_copy(out, &c->creds);
        if (c->debug) { /* the key id shown as the AWS CLI does: its last 4 characters */
            size_t n = strlen(got.access_key_id);
            fprintf(c->debug_out, "[debug] credentials from %s (key ****%s%s)\n", got.source,
                    got.access_key_id + (n > 4 ? n - 4 : n), got.expiration ? ", temporary" : "");
        }
    } else if (c->creds.access_key_id && c->creds.expiration > c->now(c->hook_ctx)) {
        /* An early refresh failed but the credentials still work: keep using them. */
        aws_credentials_copy(out, &c->creds);
        aws_error_clear(err);
        rc = 0;
    } else if (err->kind != AWS_ERR_CONFIG) {
        /* A provider's own call failed (after its own retries): a credentials failure,
         * which the request that needed them does not retry again. */
        err->kind = AWS_ERR_CREDENTIALS;
    }
    c->creds_resolving = 0;
    pthread_cond_broadcast(&c->creds_cond);
    pthread_mutex_unlock(&c->lock);
    return rc;
}
