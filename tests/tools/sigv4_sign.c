/*
 * sigv4_sign: the differential test's driver for our signer. Reads one JSON request per
 * line on stdin and writes one JSON answer per line on stdout (flushed each time).
 *
 * In:  {"mode":"header"|"query", "method", "path", "query", "headers":[[name,value],..],
 *       "body_hex", "access_key", "secret_key", "token" (optional), "region", "service",
 *       "when" (epoch seconds), "s3", "content_sha256", "unsigned_payload",
 *       "omit_session_token" (booleans), "expires"}
 * Out: {"ok":true, "canonical_request", "string_to_sign", "signature",
 *       "headers":[[name,value],..] (added ones), "query" (presigned, or null)}
 *      or {"ok":false, "error": "..."}.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sigv4.h"
#include "xalloc.h"

static const char *str(const cJSON *obj, const char *key)
{
    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, key));
}

static int flag(const cJSON *obj, const char *key)
{
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(obj, key));
}

static unsigned char *from_hex(const char *hex, size_t *len)
{
    size_t n = hex ? strlen(hex) / 2 : 0;
    unsigned char *out = xmalloc(n + 1);
    for (size_t i = 0; i < n; i++) {
        unsigned int v = 0;
        sscanf(hex + 2 * i, "%2x", &v);
        out[i] = (unsigned char)v;
    }
    *len = n;
    return out;
}

static cJSON *answer(const sigv4_result *res)
{
    cJSON *out = cJSON_CreateObject();
    cJSON_AddBoolToObject(out, "ok", 1);
    cJSON_AddStringToObject(out, "canonical_request", res->canonical_request);
    cJSON_AddStringToObject(out, "string_to_sign", res->string_to_sign);
    cJSON_AddStringToObject(out, "signature", res->signature);
    cJSON *hs = cJSON_AddArrayToObject(out, "headers");
    for (size_t i = 0; i < res->nadd; i++) {
        cJSON *pair = cJSON_CreateArray();
        cJSON_AddItemToArray(pair, cJSON_CreateString(res->add[i].name));
        cJSON_AddItemToArray(pair, cJSON_CreateString(res->add[i].value));
        cJSON_AddItemToArray(hs, pair);
    }
    if (res->query)
        cJSON_AddStringToObject(out, "query", res->query);
    else
        cJSON_AddNullToObject(out, "query");
    return out;
}

static cJSON *failure(const char *msg)
{
    cJSON *out = cJSON_CreateObject();
    cJSON_AddBoolToObject(out, "ok", 0);
    cJSON_AddStringToObject(out, "error", msg);
    return out;
}

static cJSON *handle(const cJSON *in)
{
    const cJSON *hs = cJSON_GetObjectItemCaseSensitive(in, "headers");
    size_t nh = (size_t)cJSON_GetArraySize(hs);
    sigv4_header *headers = xcalloc(nh + 1, sizeof *headers);
    for (size_t i = 0; i < nh; i++) {
        const cJSON *pair = cJSON_GetArrayItem(hs, (int)i);
        headers[i].name = cJSON_GetStringValue(cJSON_GetArrayItem(pair, 0));
        headers[i].value = cJSON_GetStringValue(cJSON_GetArrayItem(pair, 1));
    }
    size_t body_len = 0;
    unsigned char *body = from_hex(str(in, "body_hex"), &body_len);
    sigv4_request req = {str(in, "method"), str(in, "path"), str(in, "query"), headers, nh,
                         body, body_len};
    sigv4_credentials cred = {str(in, "access_key"), str(in, "secret_key"), str(in, "token")};
    const cJSON *when = cJSON_GetObjectItemCaseSensitive(in, "when");
    const cJSON *expires = cJSON_GetObjectItemCaseSensitive(in, "expires");
    sigv4_params params = {
        .region = str(in, "region"),
        .service = str(in, "service"),
        .when = cJSON_IsNumber(when) ? (time_t)when->valuedouble : 0,
        .s3 = flag(in, "s3"),
        .content_sha256 = flag(in, "content_sha256"),
        .unsigned_payload = flag(in, "unsigned_payload"),
        .omit_session_token = flag(in, "omit_session_token"),
        .expires = cJSON_IsNumber(expires) ? (long)expires->valuedouble : 0,
    };
    const char *mode = str(in, "mode");
    int presign = mode && strcmp(mode, "query") == 0;
    sigv4_result res;
    char err[512] = "";
    int rc = presign ? sigv4_presign(&req, &cred, &params, &res, err, sizeof err)
                     : sigv4_sign_headers(&req, &cred, &params, &res, err, sizeof err);
    cJSON *out = rc == 0 ? answer(&res) : failure(err);
    if (rc == 0)
        sigv4_result_free(&res);
    free(headers);
    free(body);
    return out;
}

int main(void)
{
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, stdin) > 0) {
        cJSON *in = cJSON_Parse(line);
        cJSON *out = in ? handle(in) : failure("input line is not JSON");
        char *text = cJSON_PrintUnformatted(out);
        printf("%s\n", text);
        fflush(stdout);
        free(text);
        cJSON_Delete(out);
        cJSON_Delete(in);
    }
    free(line);
    return 0;
}
