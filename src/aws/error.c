/* The uniform error: setting, formatting, and reading each protocol's error body. */
#include "aws_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "aws_xml.h"
#include "text.h"

void aws_error_clear(aws_error *e)
{
    memset(e, 0, sizeof *e);
}

/* A new error: nothing of what e held before is kept (callers may pass one never cleared). */
void aws_error_set(aws_error *e, aws_error_kind kind, const char *code, const char *fmt, ...)
{
    memset(e, 0, sizeof *e);
    e->kind = kind;
    snprintf(e->code, sizeof e->code, "%s", code ? code : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
}

void aws_error_prefix(aws_error *e, const char *fmt, ...)
{
    char head[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(head, sizeof head, fmt, ap);
    va_end(ap);
    size_t h = strlen(head), m = strlen(e->message);
    if (h >= sizeof e->message)
        h = sizeof e->message - 1;
    if (h + m >= sizeof e->message)
        m = sizeof e->message - 1 - h;
    memmove(e->message + h, e->message, m);
    memcpy(e->message, head, h);
    e->message[h + m] = '\0';
}

const char *aws_error_kind_name(aws_error_kind kind)
{
    switch (kind) {
    case AWS_ERR_NONE: return "none";
    case AWS_ERR_CONFIG: return "configuration";
    case AWS_ERR_CREDENTIALS: return "credentials";
    case AWS_ERR_NETWORK: return "network";
    case AWS_ERR_TIMEOUT: return "timeout";
    case AWS_ERR_SERVICE: return "service";
    case AWS_ERR_PARSE: return "parse";
    case AWS_ERR_INPUT: return "input";
    }
    return "unknown";
}

char *aws_error_format(const aws_error *e, char *out, size_t size)
{
    char tail[256] = "";
    size_t t = 0;
    if (e->http_status)
        t += (size_t)snprintf(tail + t, sizeof tail - t, "HTTP %ld", e->http_status);
    if (e->request_id[0])
        t += (size_t)snprintf(tail + t, sizeof tail - t, "%srequest id %.100s", t ? ", " : "",
                              e->request_id);
    if (e->attempts > 1)
        snprintf(tail + t, sizeof tail - t, "%safter %d attempts", t ? ", " : "", e->attempts);
    snprintf(out, size, "%s%s%s%s%s%s", e->code, e->code[0] ? ": " : "", e->message,
             tail[0] ? " (" : "", tail, tail[0] ? ")" : "");
    return out;
}

static void copy(char *dst, size_t size, const char *src)
{
    if (src && *src)
        snprintf(dst, size, "%s", src);
}

/* "aws.protocoltests#FooError:http://..." -> "FooError" */
static void json_code(char *dst, size_t size, const char *type)
{
    const char *hash = strrchr(type, '#');
    if (hash)
        type = hash + 1;
    size_t n = strcspn(type, ":");
    if (n >= size)
        n = size - 1;
    memcpy(dst, type, n);
    dst[n] = '\0';
}

/* awsJson: the body's __type (else code). rest-json (keep_code): a code from the
 * x-amzn-ErrorType header stays; else the body's code, Code, __type or (EFS's error shapes)
 * ErrorCode. */
static void from_json(aws_error *e, const char *body, size_t len, int keep_code)
{
    static const char *const json_order[] = {"__type", "code", NULL};
    static const char *const rest_order[] = {"code", "Code", "__type", "ErrorCode", NULL};
    cJSON *root = cJSON_ParseWithLength(body, len);
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        return;
    }
    const char *type = NULL;
    for (const char *const *k = keep_code ? rest_order : json_order; *k && !type; k++)
        type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(root, *k));
    if (type && *type && !(keep_code && e->code[0]))
        json_code(e->code, sizeof e->code, type);
    const char *msg = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(root, "message"));
    if (!msg)
        msg = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(root, "Message"));
    copy(e->message, sizeof e->message, msg);
    cJSON_Delete(root);
}

static void from_xml(aws_error *e, const char *body, size_t len)
{
    aws_xml_error x;
    if (aws_xml_parse_error(body, len, &x) != 0)
        return;
    copy(e->code, sizeof e->code, x.code);
    copy(e->message, sizeof e->message, x.message);
    copy(e->request_id, sizeof e->request_id, x.request_id);
}

static const char *status_code(long status)
{
    switch (status) {
    case 301: return "PermanentRedirect";
    case 304: return "NotModified";
    case 400: return "BadRequest";
    case 403: return "Forbidden";
    case 404: return "NotFound";
    case 409: return "Conflict";
    case 412: return "PreconditionFailed";
    case 429: return "TooManyRequests";
    case 500: return "InternalError";
    case 502: return "BadGateway";
    case 503: return "ServiceUnavailable";
    case 504: return "GatewayTimeout";
    }
    return "HttpError";
}

static void escape_field(char *field, size_t size)
{
    char *safe = text_escape(field, 0);
    snprintf(field, size, "%s", safe);
    free(safe);
}

void aws_error_from_response(aws_error *e, aws_protocol proto, long status, const char *body,
                             size_t len, const char *error_type_header,
                             const char *request_id_header)
{
    int attempts = e->attempts;
    memset(e, 0, sizeof *e);
    e->attempts = attempts;
    e->kind = AWS_ERR_SERVICE;
    e->http_status = status;
    copy(e->request_id, sizeof e->request_id, request_id_header);
    if (error_type_header && *error_type_header)
        json_code(e->code, sizeof e->code, error_type_header);
    if (body && len) {
        if (proto == AWS_PROTO_JSON || proto == AWS_PROTO_RESTJSON)
            from_json(e, body, len, proto == AWS_PROTO_RESTJSON);
        else
            from_xml(e, body, len);
    }
    if (!e->code[0])
        snprintf(e->code, sizeof e->code, "%s", status_code(status));
    if (!e->message[0])
        snprintf(e->message, sizeof e->message, "the service answered HTTP %ld", status);
    /* what the endpoint said is shown to people: no control character survives */
    escape_field(e->code, sizeof e->code);
    escape_field(e->message, sizeof e->message);
    escape_field(e->request_id, sizeof e->request_id);
}
