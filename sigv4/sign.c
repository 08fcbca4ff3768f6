/* SigV4 signing: canonical request, string to sign, signature; header and query modes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "sigv4.h"
#include "sigv4_int.h"
#include "sigv4_validate.h"
#include "xalloc.h"

#define ALGORITHM "AWS4-HMAC-SHA256"
#define UNSIGNED_PAYLOAD "UNSIGNED-PAYLOAD"

/* The payload hash: "UNSIGNED-PAYLOAD" or the hex SHA-256 of the body. */
void sigv4_payload_hash(const sigv4_request *req, int unsigned_payload, char out[65])
{
    if (unsigned_payload)
        strcpy(out, UNSIGNED_PAYLOAD);
    else
        sigv4_sha256_hex(req->body, req->body_len, out);
}

void sigv4_sign_core(sigv4_result *out, const sigv4_request *req, const char *query,
                     const sigv4_credentials *cred, const sigv4_params *params,
                     const char *payload, const char *hblock, const char *signed_list)
{
    char amzdate[17], date[9];
    sigv4_timestamps(params->when, amzdate, date, NULL, 0); /* checked before */
    char *uri = sigv4_canonical_uri(req->path, params->s3);
    char *cq = sigv4_canonical_query(query);
    out->canonical_request = xasprintf("%s\n%s\n%s\n%s\n%s\n%s", req->method, uri, cq,
                                       hblock, signed_list, payload);
    free(uri);
    free(cq);
    char hash[65];
    sigv4_sha256_hex(out->canonical_request, strlen(out->canonical_request), hash);
    out->string_to_sign = xasprintf(ALGORITHM "\n%s\n%s/%s/%s/aws4_request\n%s", amzdate,
                                    date, params->region, params->service, hash);
    unsigned char key[32], sig[32];
    sigv4_signing_key(cred->secret_access_key, date, params->region, params->service, key);
    sigv4_hmac(key, 32, out->string_to_sign, strlen(out->string_to_sign), sig);
    OPENSSL_cleanse(key, sizeof key);
    sigv4_hex(sig, 32, out->signature);
}

static void add_header(sigv4_result *out, const char *name, const char *value)
{
    out->add[out->nadd].name = xstrdup(name);
    out->add[out->nadd].value = xstrdup(value);
    out->nadd++;
}

/* Is this request header replaced by one the signer adds? */
static int replaced(const char *name, const sigv4_result *out)
{
    for (size_t i = 0; i < out->nadd; i++)
        if (strcasecmp(name, out->add[i].name) == 0)
            return 1;
    return strcasecmp(name, "authorization") == 0;
}

/* The headers to canonicalise in header mode: the request's, minus the replaced ones,
 * plus the added ones (without the token when it is to stay unsigned). */
static sigv4_header *header_mode_list(const sigv4_request *req, const sigv4_result *out,
                                      int omit_token, size_t *n)
{
    sigv4_header *list = xcalloc(req->nheaders + SIGV4_MAX_ADD, sizeof *list);
    size_t m = 0;
    for (size_t i = 0; i < req->nheaders; i++)
        if (!replaced(req->headers[i].name, out))
            list[m++] = req->headers[i];
    for (size_t i = 0; i < out->nadd; i++)
        if (!(omit_token && strcasecmp(out->add[i].name, "x-amz-security-token") == 0))
            list[m++] = out->add[i];
    *n = m;
    return list;
}

int sigv4_sign_headers(const sigv4_request *req, const sigv4_credentials *cred,
                       const sigv4_params *params, sigv4_result *out, char *err, size_t errlen)
{
    char amzdate[17], date[9], payload[65];
    if (!out) {
        if (err && errlen)
            snprintf(err, errlen, "internal error: sigv4 called without a result");
        return -1;
    }
    memset(out, 0, sizeof *out);
    if (sigv4_validate(req, cred, params, 0, err, errlen) != 0 ||
        sigv4_timestamps(params->when, amzdate, date, err, errlen) != 0)
        return -1;
    sigv4_payload_hash(req, params->unsigned_payload, payload);
    int want_sha = params->content_sha256 || params->unsigned_payload ||
                   strncasecmp(params->service, "s3", 2) == 0;
    add_header(out, "X-Amz-Date", amzdate);
    if (cred->session_token)
        add_header(out, "X-Amz-Security-Token", cred->session_token);
    if (want_sha)
        add_header(out, "X-Amz-Content-Sha256", payload);

    size_t n = 0;
    sigv4_header *list = header_mode_list(req, out, params->omit_session_token, &n);
    char *signed_list = NULL;
    char *hblock = sigv4_canonical_headers(list, n, &signed_list, err, errlen);
    free(list);
    if (!hblock) {
        sigv4_result_free(out);
        return -1;
    }
    sigv4_sign_core(out, req, req->query, cred, params, payload, hblock, signed_list);
    char *auth = xasprintf(ALGORITHM " Credential=%s/%s/%s/%s/aws4_request, "
                           "SignedHeaders=%s, Signature=%s", cred->access_key_id, date,
                           params->region, params->service, signed_list, out->signature);
    add_header(out, "Authorization", auth);
    free(auth);
    free(hblock);
    free(signed_list);
    return 0;
}
