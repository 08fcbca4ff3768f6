/* SigV4 query signing (presigned URLs): the signature travels in the query string. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "sigv4.h"
#include "sigv4_int.h"
#include "sigv4_validate.h"
#include "xalloc.h"

static void put_param(buf *b, const char *name, const char *value)
{
    if (b->len)
        buf_putc(b, '&');
    buf_puts(b, name);
    buf_putc(b, '=');
    sigv4_encode_into(b, value, strlen(value), 0);
}

/* The request's headers minus Authorization (a presigned request carries none). */
static sigv4_header *presign_list(const sigv4_request *req, size_t *n)
{
    sigv4_header *list = xcalloc(req->nheaders + 1, sizeof *list);
    size_t m = 0;
    for (size_t i = 0; i < req->nheaders; i++)
        if (strcasecmp(req->headers[i].name, "authorization") != 0)
            list[m++] = req->headers[i];
    *n = m;
    return list;
}

/* The query to sign: the request's own parameters, then the X-Amz-* ones. */
static char *auth_query(const sigv4_request *req, const sigv4_credentials *cred,
                        const sigv4_params *params, const char *amzdate, const char *scope,
                        const char *signed_list)
{
    buf b = BUF_INIT;
    if (req->query && req->query[0])
        buf_puts(&b, req->query);
    put_param(&b, "X-Amz-Algorithm", "AWS4-HMAC-SHA256");
    char *credential = xasprintf("%s/%s", cred->access_key_id, scope);
    put_param(&b, "X-Amz-Credential", credential);
    free(credential);
    put_param(&b, "X-Amz-Date", amzdate);
    buf_printf(&b, "&X-Amz-Expires=%ld", params->expires);
    if (cred->session_token && !params->omit_session_token)
        put_param(&b, "X-Amz-Security-Token", cred->session_token);
    put_param(&b, "X-Amz-SignedHeaders", signed_list);
    return buf_detach(&b);
}

int sigv4_presign(const sigv4_request *req, const sigv4_credentials *cred,
                  const sigv4_params *params, sigv4_result *out, char *err, size_t errlen)
{
    if (!out) {
        if (err && errlen)
            snprintf(err, errlen, "internal error: sigv4 called without a result");
        return -1;
    }
    memset(out, 0, sizeof *out);
    if (sigv4_validate(req, cred, params, 1, err, errlen) != 0)
        return -1;
    char amzdate[17], date[9];
    if (sigv4_timestamps(params->when, amzdate, date, err, errlen) != 0)
        return -1;
    size_t n = 0;
    sigv4_header *list = presign_list(req, &n);
    char *signed_list = NULL;
    char *hblock = sigv4_canonical_headers(list, n, &signed_list, err, errlen);
    free(list);
    if (!hblock)
        return -1;
    /* S3 presigned URLs always use UNSIGNED-PAYLOAD: the body is not known yet. */
    int unsigned_payload =
        params->unsigned_payload || strncasecmp(params->service, "s3", 2) == 0;
    char *scope = xasprintf("%s/%s/%s/aws4_request", date, params->region, params->service);
    char *query = auth_query(req, cred, params, amzdate, scope, signed_list);
    free(scope);
    char payload[65];
    sigv4_payload_hash(req, unsigned_payload, payload);
    sigv4_sign_core(out, req, query, cred, params, payload, hblock, signed_list);
    buf b = BUF_INIT;
    buf_puts(&b, query);
    if (cred->session_token && params->omit_session_token)
        put_param(&b, "X-Amz-Security-Token", cred->session_token);
    put_param(&b, "X-Amz-Signature", out->signature);
    out->query = buf_detach(&b);
    free(query);
    free(hblock);
    free(signed_list);
    return 0;
}
