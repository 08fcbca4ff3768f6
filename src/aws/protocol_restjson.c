/* rest-json (EFS): requests from the operation's http traits, JSON answers (see aws_restjson.h). */
#include "restjson_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws_form.h"
#include "aws_internal.h"
#include "sigv4.h"
#include "xalloc.h"

static const aws_rest_binding *binding_of(const aws_rest_op *op, const char *member)
{
    for (const aws_rest_binding *b = op->bindings; b && b->member; b++)
        if (strcmp(b->member, member) == 0)
            return b;
    return NULL;
}

/* A scalar as text (a new string), or NULL for anything that is not one. */
static char *scalar_text(const cJSON *v)
{
    if (cJSON_IsString(v))
        return xstrdup(v->valuestring);
    if (cJSON_IsBool(v))
        return xstrdup(cJSON_IsTrue(v) ? "true" : "false");
    if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        if (d > -9e15 && d < 9e15 && (double)(long long)d == d) /* NaN fails the range test */
            return xasprintf("%lld", (long long)d);
        return d == d && d - d == 0 ? xasprintf("%.17g", d) : NULL; /* finite */
    }
    return NULL;
}

/* The URI template with its labels filled in (encoded) into out; a literal query part of
 * the template into query. */
static int expand_path(const aws_rest_op *op, const cJSON *input, buf *out, buf *query,
                       aws_error *err)
{
    const char *p = op->uri;
    while (*p && *p != '?') {
        if (*p != '{') {
            buf_putc(out, *p++);
            continue;
        }
        const char *end = strchr(p, '}');
        if (!end) {
            aws_error_set(err, AWS_ERR_INPUT, "InvalidInput", "%s: bad URI template %s", op->name,
                          op->uri);
            return -1;
        }
        int greedy = end[-1] == '+';
        char *name = xstrndup(p + 1, (size_t)(end - p - 1 - greedy));
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(input, name);
        char *text = cJSON_IsString(v) || cJSON_IsNumber(v) ? scalar_text(v) : NULL;
        if (!text || !*text) {
            aws_error_set(err, AWS_ERR_INPUT, "MissingParameter",
                          "%s needs %s (a non-empty string) for its URI", op->name, name);
            free(text);
            free(name);
            return -1;
        }
        char *enc = sigv4_uri_encode(text, strlen(text), greedy);
        buf_puts(out, enc);
        free(enc);
        free(text);
        free(name);
        p = end + 1;
    }
    if (*p == '?' && p[1])
        buf_puts(query, p + 1);
    return 0;
}

static int label_member(const aws_rest_op *op, const char *member)
{
    size_t n = strlen(member);
    for (const char *p = strchr(op->uri, '{'); p; p = strchr(p + 1, '{'))
        if (strncmp(p + 1, member, n) == 0 &&
            (p[n + 1] == '}' || (p[n + 1] == '+' && p[n + 2] == '}')))
            return 1;
    return 0;
}

static void query_pair(buf *q, const char *key, const char *value)
{
    char *k = aws_form_escape(key), *v = aws_form_escape(value);
    buf_printf(q, "%s%s=%s", q->len ? "&" : "", k, v);
    free(k);
    free(v);
}

/* One bound member into the query string or a header. */
static int bind_member(const aws_rest_op *op, const aws_rest_binding *b, const cJSON *v, buf *q,
                       aws_rest_json_request *out, aws_error *err)
{
    const char *wire = b->wire ? b->wire : b->member;
    buf joined = BUF_INIT;
    const cJSON *e;
    if (cJSON_IsArray(v) || (cJSON_IsObject(v) && b->where == AWS_REST_QUERY)) {
        cJSON_ArrayForEach(e, v)
        {
            char *t = scalar_text(e);
            if (!t)
                goto bad;
            if (b->where == AWS_REST_HEADER)
                buf_printf(&joined, "%s%s", joined.len ? "," : "", t);
            else
                query_pair(q, cJSON_IsObject(v) ? e->string : wire, t);
            free(t);
        }
    } else {
        char *t = scalar_text(v);
        if (!t)
            goto bad;
        if (b->where == AWS_REST_QUERY)
            query_pair(q, wire, t);
        else
            buf_puts(&joined, t);
        free(t);
    }
    if (b->where == AWS_REST_HEADER)
        aws_http_header_add(&out->headers, &out->nheaders, wire, buf_str(&joined));
    buf_free(&joined);
    return 0;
bad:
    buf_free(&joined);
    aws_error_set(err, AWS_ERR_INPUT, "InvalidInput", "%s: %s cannot be sent as text", op->name,
                  b->member);
    return -1;
}

int aws_rest_json_encode(const aws_rest_op *op, const cJSON *input, aws_rest_json_request *out,
                         aws_error *err)
{
    memset(out, 0, sizeof *out);
    if (input && !cJSON_IsObject(input)) {
        aws_error_set(err, AWS_ERR_INPUT, "InvalidInput", "the input of %s must be an object",
                      op->name);
        return -1;
    }
    buf path = BUF_INIT, q = BUF_INIT;
    cJSON *body = cJSON_CreateObject();
    if (expand_path(op, input, &path, &q, err) != 0)
        goto fail;
    const cJSON *m;
    cJSON_ArrayForEach(m, input)
    {
        if (cJSON_IsNull(m) || label_member(op, m->string))
            continue;
        const aws_rest_binding *b = binding_of(op, m->string);
        if (!b)
            cJSON_AddItemToObject(body, m->string, cJSON_Duplicate(m, 1));
        else if (bind_member(op, b, m, &q, out, err) != 0)
            goto fail;
    }
    int write = strcmp(op->method, "POST") == 0 || strcmp(op->method, "PUT") == 0 ||
                strcmp(op->method, "PATCH") == 0;
    if (body->child || write) {
        out->body = cJSON_PrintUnformatted(body);
        out->body_len = strlen(out->body);
        aws_http_header_add(&out->headers, &out->nheaders, "Content-Type", "application/json");
    }
    cJSON_Delete(body);
    out->path = buf_detach(&path);
    out->query = q.len ? buf_detach(&q) : NULL;
    buf_free(&q);
    return 0;
fail:
    cJSON_Delete(body);
    buf_free(&path);
    buf_free(&q);
    aws_rest_json_request_free(out);
    return -1;
}

void aws_rest_json_request_free(aws_rest_json_request *r)
{
    free(r->path);
    free(r->query);
    free(r->body);
    aws_http_headers_free(r->headers, r->nheaders);
    memset(r, 0, sizeof *r);
}

int aws_rest_json_decode(const char *body, size_t len, cJSON **out, aws_error *err)
{
    size_t i = 0;
    while (i < len && (body[i] == ' ' || body[i] == '\n' || body[i] == '\r' || body[i] == '\t'))
        i++;
    *out = i < len ? cJSON_ParseWithLength(body + i, len - i) : cJSON_CreateObject();
    if (!cJSON_IsObject(*out)) {
        cJSON_Delete(*out);
        *out = NULL;
        aws_error_set(err, AWS_ERR_PARSE, "InvalidResponse",
                      "the answer's body is not a JSON object (%zu bytes)", len);
        return -1;
    }
    return 0;
}

int aws_rest_json_call(aws_client *c, const char *service, const aws_rest_op *op,
                       const cJSON *input, const aws_lost_answer *guard, cJSON **output,
                       aws_error *err)
{
    *output = NULL;
    const aws_service_info *svc = aws_service_lookup(service);
    if (!svc || svc->protocol != AWS_PROTO_RESTJSON) {
        aws_error_set(err, AWS_ERR_INPUT, "UnknownService", "%s is not a rest-json service",
                      service);
        return -1;
    }
    aws_rest_json_request rq;
    if (aws_rest_json_encode(op, input, &rq, err) != 0)
        return -1;
    aws_wire_request r = {.service = service, .method = op->method, .path = rq.path,
                          .query = rq.query, .headers = rq.headers, .nheaders = rq.nheaders,
                          .body = rq.body, .body_len = rq.body_len, .proto = AWS_PROTO_RESTJSON,
                          .operation = op->name};
    aws_http_response resp;
    cJSON *found;
    int rc = aws_client_send_guarded(c, &r, guard, &resp, &found, err);
    aws_rest_json_request_free(&rq);
    if (rc == 1)
        *output = found;
    if (rc != 0)
        return rc > 0 ? 0 : -1;
    /* by the operation's output shape (decode.c): no members, no body to read */
    if (aws_output_kind_of(service, op->name) == AWS_OUTPUT_NONE) {
        *output = cJSON_CreateObject();
        rc = 0;
    } else {
        rc = aws_rest_json_decode(resp.body.data, resp.body.len, output, err);
    }
    if (rc != 0) {
        const char *rid = aws_http_response_header(&resp, "x-amzn-RequestId");
        aws_error_prefix(err, "%s %s: ", service, op->name);
        err->http_status = resp.status;
        snprintf(err->request_id, sizeof err->request_id, "%s", rid ? rid : "");
    }
    aws_http_response_free(&resp);
    return rc;
}
