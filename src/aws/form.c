/* Form encoding for the query and ec2 protocols (see aws_form.h). */
#include "aws_form.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "sigv4.h"
#include "xalloc.h"

#define MAX_DEPTH 32

typedef struct {
    aws_protocol proto;
    const char *const *maps;
    buf *out;
    int bad;
} form_ctx;

static void escape_into(buf *b, const char *s)
{
    sigv4_encode_into(b, s, strlen(s), 0);
}

char *aws_form_escape(const char *s)
{
    return sigv4_uri_encode(s, strlen(s), 0);
}

char *aws_form_unescape(const char *s)
{
    buf b = BUF_INIT;
    sigv4_decode_into(&b, s, strlen(s));
    return buf_detach(&b);
}

static int is_map(const form_ctx *f, const char *name)
{
    for (size_t i = 0; f->maps && f->maps[i]; i++)
        if (strcmp(f->maps[i], name) == 0)
            return 1;
    return 0;
}

/* The element name of list `name` from a "Name/Item" hint (RDS: "Tags/Tag"), else
 * "member". */
static const char *member_name(const form_ctx *f, const char *name)
{
    size_t n = name ? strlen(name) : 0;
    for (size_t i = 0; n && f->maps && f->maps[i]; i++)
        if (strncmp(f->maps[i], name, n) == 0 && f->maps[i][n] == '/')
            return f->maps[i] + n + 1;
    return "member";
}

static void pair(form_ctx *f, const char *key, const char *value)
{
    buf_putc(f->out, '&');
    escape_into(f->out, key);
    buf_putc(f->out, '=');
    escape_into(f->out, value);
}

static void scalar(form_ctx *f, const char *key, const cJSON *v)
{
    char num[64];
    if (cJSON_IsString(v)) {
        pair(f, key, v->valuestring);
    } else if (cJSON_IsBool(v)) {
        pair(f, key, cJSON_IsTrue(v) ? "true" : "false");
    } else if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        if (d > -9e15 && d < 9e15 && d == (double)(long long)d)
            snprintf(num, sizeof num, "%lld", (long long)d);
        else
            snprintf(num, sizeof num, "%.17g", d);
        pair(f, key, num);
    }
}

static void encode(form_ctx *f, const char *prefix, const cJSON *v, int depth, int map);

static void encode_list(form_ctx *f, const char *prefix, const cJSON *v, int depth)
{
    int i = 1;
    if (!v->child && f->proto == AWS_PROTO_QUERY) /* an empty list is sent as "A=" */
        pair(f, prefix, "");
    const char *item = member_name(f, v->string);
    for (const cJSON *c = v->child; c; c = c->next, i++) {
        char *key = f->proto == AWS_PROTO_EC2 ? xasprintf("%s.%d", prefix, i)
                                              : xasprintf("%s.%s.%d", prefix, item, i);
        encode(f, key, c, depth + 1, 0);
        free(key);
    }
}

static void encode_map(form_ctx *f, const char *prefix, const cJSON *v, int depth)
{
    int i = 1;
    for (const cJSON *c = v->child; c; c = c->next, i++) {
        char *k = xasprintf("%s.entry.%d.key", prefix, i);
        char *val = xasprintf("%s.entry.%d.value", prefix, i);
        pair(f, k, c->string);
        encode(f, val, c, depth + 1, 0);
        free(k);
        free(val);
    }
}

static void encode(form_ctx *f, const char *prefix, const cJSON *v, int depth, int map)
{
    if (depth > MAX_DEPTH) {
        f->bad = 1;
        return;
    }
    if (cJSON_IsArray(v)) {
        encode_list(f, prefix, v, depth);
    } else if (cJSON_IsObject(v) && map) {
        encode_map(f, prefix, v, depth);
    } else if (cJSON_IsObject(v)) {
        for (const cJSON *c = v->child; c; c = c->next) {
            char *key = prefix ? xasprintf("%s.%s", prefix, c->string) : xstrdup(c->string);
            encode(f, key, c, depth + 1, is_map(f, c->string));
            free(key);
        }
    } else {
        scalar(f, prefix, v);
    }
}

char *aws_form_encode(aws_protocol proto, const char *action, const char *version,
                      const cJSON *input, const char *const *maps, aws_error *err)
{
    if (input && !cJSON_IsObject(input)) {
        aws_error_set(err, AWS_ERR_INPUT, "InvalidInput", "the input of %s must be an object",
                      action);
        return NULL;
    }
    buf out = BUF_INIT;
    buf_puts(&out, "Action=");
    escape_into(&out, action);
    buf_puts(&out, "&Version=");
    escape_into(&out, version);
    form_ctx f = {proto, maps, &out, 0};
    if (input)
        encode(&f, NULL, input, 0, 0);
    if (f.bad) {
        buf_free(&out);
        aws_error_set(err, AWS_ERR_INPUT, "InvalidInput",
                      "the input of %s nests more than %d levels", action, MAX_DEPTH);
        return NULL;
    }
    return buf_detach(&out);
}
