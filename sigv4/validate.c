/* SigV4 input checks: every reason a request cannot be signed, said plainly. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sigv4.h"
#include "sigv4_validate.h"

static int fail(char *err, size_t errlen, const char *msg)
{
    if (err && errlen)
        snprintf(err, errlen, "%s", msg);
    return -1;
}

/* Printable ASCII without space and without the characters given in `bad`. */
static int clean(const char *s, const char *bad)
{
    if (!s || !*s)
        return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= ' ' || *p >= 127 || strchr(bad, *p))
            return 0;
    return 1;
}

static int has_host(const sigv4_request *req)
{
    for (size_t i = 0; i < req->nheaders; i++)
        if (req->headers[i].name && strcasecmp(req->headers[i].name, "host") == 0)
            return 1;
    return 0;
}

static int check_request(const sigv4_request *req, char *err, size_t errlen)
{
    if (!clean(req->method, ""))
        return fail(err, errlen, "the request has no HTTP method (or one with spaces or "
                                 "control characters); give GET, POST, ...");
    if (req->nheaders && !req->headers)
        return fail(err, errlen, "the request says it has headers but the list is missing");
    for (size_t i = 0; i < req->nheaders; i++)
        if (!req->headers[i].name || !req->headers[i].value)
            return fail(err, errlen, "a request header has no name or no value");
    if (!has_host(req))
        return fail(err, errlen, "the request has no Host header; add one (it is signed)");
    if (req->body_len && !req->body)
        return fail(err, errlen, "the request says it has a body but the body is missing");
    return 0;
}

int sigv4_validate(const sigv4_request *req, const sigv4_credentials *cred,
                   const sigv4_params *params, int presign, char *err, size_t errlen)
{
    if (!req || !cred || !params)
        return fail(err, errlen, "internal error: sigv4 called without request, "
                                 "credentials or parameters");
    if (!clean(cred->access_key_id, "/,=;"))
        return fail(err, errlen, "the access key id is missing or holds spaces, control "
                                 "characters or '/,=;'; check the credentials");
    if (!cred->secret_access_key || !cred->secret_access_key[0])
        return fail(err, errlen, "the secret access key is missing; check the credentials");
    if (cred->session_token && !clean(cred->session_token, ""))
        return fail(err, errlen, "the session token is empty or holds spaces or control "
                                 "characters; check the credentials");
    if (!clean(params->region, "/"))
        return fail(err, errlen, "the region is missing or malformed (e.g. eu-west-1)");
    if (!clean(params->service, "/"))
        return fail(err, errlen, "the signing service name is missing or malformed "
                                 "(e.g. ecs)");
    if (presign && (params->expires < 1 || params->expires > 604800))
        return fail(err, errlen, "presigned URL expiry must be 1 to 604800 seconds");
    return check_request(req, err, errlen);
}

int sigv4_timestamps(time_t when, char amzdate[17], char date[9], char *err, size_t errlen)
{
    struct tm tm;
    if (when < 0 || !gmtime_r(&when, &tm) || tm.tm_year + 1900 > 9999)
        return fail(err, errlen, "the signing time is out of range; check the system clock");
    strftime(amzdate, 17, "%Y%m%dT%H%M%SZ", &tm);
    strftime(date, 9, "%Y%m%d", &tm);
    return 0;
}
