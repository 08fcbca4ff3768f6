/*
 * Reading a successful answer, as the SDKs do: by what the operation's output is in its
 * model (aws_output_kind_of), never by the Content-Type the server declares. An output
 * without members ignores whatever body came; a payload (GetBucketPolicy's text,
 * GetObject's bytes) is the body itself; a structure is decoded by the protocol, an empty
 * body being an empty structure. Pure functions of the response, so that the fuzz target
 * (tests/fuzz/fuzz_aws_response.c) runs exactly what calls run.
 */
#include "aws_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "aws_xml.h"
#include "xalloc.h"

/* 1 when " name" followed by `end` is in the space-separated list; *after: past `end`. */
static int listed(const char *list, const char *name, char end, const char **after)
{
    size_t n = strlen(name);
    for (const char *p = strstr(list, name); p; p = strstr(p + 1, name))
        if (p > list && p[-1] == ' ' && p[n] == end) {
            *after = p + n + 1;
            return 1;
        }
    return 0;
}

aws_output_kind aws_output_kind_of(const char *service, const char *operation)
{
    if (!service || !operation || !*operation)
        return AWS_OUTPUT_STRUCT;
    for (const aws_output_kinds_row *r = aws_output_kinds; r->service; r++) {
        if (strcmp(r->service, service) != 0)
            continue;
        const char *after;
        if (listed(r->no_output, operation, ' ', &after))
            return AWS_OUTPUT_NONE;
        if (listed(r->payload, operation, ':', &after))
            return strncmp(after, "blob", 4) == 0 ? AWS_OUTPUT_BLOB : AWS_OUTPUT_TEXT;
        break;
    }
    return AWS_OUTPUT_STRUCT;
}

static int empty_body(const aws_http_response *resp)
{
    for (size_t i = 0; i < resp->body.len; i++)
        if (!isspace((unsigned char)resp->body.data[i]))
            return 0;
    return 1;
}

static void fail(aws_error *err, const aws_http_response *resp, const char *service,
                 const char *operation, const char *why)
{
    aws_error_set(err, AWS_ERR_PARSE, "InvalidResponse", "%s %s: %s", service,
                  operation ? operation : "", why);
    err->http_status = resp->status;
    snprintf(err->service, sizeof err->service, "%s", service);
    snprintf(err->operation, sizeof err->operation, "%s", operation ? operation : "");
}

int aws_decode_json(const char *service, const char *operation, const aws_http_response *resp,
                    cJSON **out, aws_error *err)
{
    *out = NULL;
    if (aws_output_kind_of(service, operation) == AWS_OUTPUT_NONE || empty_body(resp)) {
        *out = cJSON_CreateObject();
        return 0;
    }
    cJSON *j = cJSON_ParseWithLength(resp->body.data, resp->body.len);
    if (!cJSON_IsObject(j)) {
        cJSON_Delete(j);
        fail(err, resp, service, operation, "the answer is not a JSON object");
        return -1;
    }
    *out = j;
    return 0;
}

int aws_decode_xml(aws_protocol proto, const char *service, const char *operation,
                   const char *const *lists, const aws_http_response *resp, cJSON **out,
                   aws_error *err)
{
    *out = NULL;
    if (aws_output_kind_of(service, operation) == AWS_OUTPUT_NONE || empty_body(resp)) {
        *out = cJSON_CreateObject();
        return 0;
    }
    char msg[200], rid[128];
    aws_xml_style style = proto == AWS_PROTO_EC2 ? AWS_XML_EC2 : AWS_XML_QUERY;
    if (aws_xml_to_json(resp->body.data, resp->body.len, style, lists, out, rid, sizeof rid,
                        msg, sizeof msg) != 0) {
        fail(err, resp, service, operation, msg);
        snprintf(err->request_id, sizeof err->request_id, "%s", rid);
        return -1;
    }
    return 0;
}

static cJSON *headers_object(const aws_http_response *resp)
{
    cJSON *h = cJSON_CreateObject();
    for (size_t i = 0; i < resp->nheaders; i++) {
        char *name = xstrdup(resp->headers[i].name);
        for (char *p = name; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        cJSON_DeleteItemFromObjectCaseSensitive(h, name);
        cJSON_AddStringToObject(h, name, resp->headers[i].value);
        free(name);
    }
    return h;
}

int aws_decode_restxml(const char *service, const char *operation, const char *const *lists,
                       const aws_http_response *resp, cJSON **out, aws_error *err)
{
    *out = NULL;
    aws_output_kind kind = aws_output_kind_of(service, operation);
    cJSON *o = NULL;
    if (kind == AWS_OUTPUT_TEXT || kind == AWS_OUTPUT_BLOB) {
        /* the body is the value (as text up to its first NUL), whatever its type */
        o = cJSON_CreateObject();
        char *text = xstrndup(resp->body.data ? resp->body.data : "", resp->body.len);
        cJSON_AddStringToObject(o, "Body", text);
        free(text);
    } else if (kind == AWS_OUTPUT_NONE || empty_body(resp)) {
        o = cJSON_CreateObject();
    } else {
        char msg[200];
        if (aws_xml_to_json(resp->body.data, resp->body.len, AWS_XML_REST, lists, &o, NULL, 0,
                            msg, sizeof msg) != 0) {
            fail(err, resp, service, operation, msg);
            return -1;
        }
    }
    cJSON_AddItemToObject(o, "Headers", headers_object(resp));
    *out = o;
    return 0;
}
