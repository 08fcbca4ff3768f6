/* The JSON pieces every service client builds and reads the same way (see
 * svc_json_internal.h): one-member inputs, lists of strings and tag lists in each
 * service's spelling going out; strings, string lists and tags copied out of answers. */
#include "svc_json_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws.h"
#include "xalloc.h"

static void delete_json(cJSON *j, int flags)
{
    if (flags & SVC_WIPE)
        aws_json_delete_wiped(j);
    else
        cJSON_Delete(j);
}

int svc_call_end(int rc, const char *op, int flags, cJSON *answer, cJSON **out,
                 aws_error *err)
{
    if (rc != 0 && (flags & SVC_PREFIX))
        aws_error_prefix(err, "%s: ", op);
    if (rc != 0 || !out) {
        delete_json(answer, flags);
        answer = NULL;
    }
    if (out)
        *out = answer;
    return rc;
}

int svc_refuse(aws_error *err, const char *code, const char *fmt, ...)
{
    char msg[sizeof err->message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    aws_error_set(err, AWS_ERR_INPUT, code, "%s", msg);
    return -1;
}

int svc_json_call(aws_client *c, const char *service, const char *op, cJSON *in, cJSON **out,
                  int flags, aws_error *err)
{
    cJSON *o = NULL;
    int rc = aws_json_call(c, service, op, in, &o, err);
    delete_json(in, flags);
    return svc_call_end(rc, op, flags, o, out, err);
}

cJSON *svc_array_json(const char *const *items, size_t n)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateString(items[i]));
    return arr;
}

cJSON *svc_strings_json(const svc_strings *s)
{
    return s ? svc_array_json((const char *const *)s->items, s->n) : cJSON_CreateArray();
}

void svc_add_str(cJSON *obj, const char *name, const char *value)
{
    if (value)
        cJSON_AddStringToObject(obj, name, value);
}

cJSON *svc_input(const char *name, const char *value)
{
    cJSON *in = cJSON_CreateObject();
    if (name)
        cJSON_AddStringToObject(in, name, value ? value : "");
    return in;
}

void svc_add_strings(cJSON *obj, const char *name, const char *const *list)
{
    if (!list || !list[0])
        return;
    cJSON *arr = cJSON_AddArrayToObject(obj, name);
    for (size_t i = 0; list[i]; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateString(list[i]));
}

cJSON *svc_tags_json(const svc_tags *tags, const char *key, const char *value)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; tags && i < tags->n; i++) {
        cJSON *t = cJSON_CreateObject();
        cJSON_AddStringToObject(t, key, tags->items[i].key);
        cJSON_AddStringToObject(t, value, tags->items[i].value ? tags->items[i].value : "");
        cJSON_AddItemToArray(arr, t);
    }
    return arr;
}

void svc_add_tags(cJSON *obj, const char *name, const svc_tags *tags, const char *key,
                  const char *value)
{
    if (tags && tags->n)
        cJSON_AddItemToObject(obj, name, key ? svc_tags_json(tags, key, value)
                                             : svc_tags_map_json(tags));
}

cJSON *svc_tags_map_json(const svc_tags *tags)
{
    cJSON *m = cJSON_CreateObject();
    for (size_t i = 0; tags && i < tags->n; i++)
        cJSON_AddStringToObject(m, tags->items[i].key,
                                tags->items[i].value ? tags->items[i].value : "");
    return m;
}

char *svc_json_dup(const cJSON *obj, const char *name)
{
    const char *s = aws_json_str(obj, name);
    return xstrdup(s ? s : "");
}

char *svc_json_dup2(const cJSON *obj, const char *a, const char *b)
{
    return svc_json_dup(cJSON_GetObjectItemCaseSensitive(obj, a), b);
}

static void append_strings(const cJSON *arr, const char *field, svc_strings *out)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, arr)
    {
        const char *s = field ? aws_json_str(e, field) : (cJSON_IsString(e) ? e->valuestring : NULL);
        if (s)
            svc_strings_add(out, s);
    }
}

void svc_json_strings(const cJSON *obj, const char *name, const char *field, svc_strings *out)
{
    append_strings(aws_json_array(obj, name), field, out);
}

int svc_read_strings(cJSON *items, const char *field, svc_strings *out)
{
    append_strings(items, field, out);
    cJSON_Delete(items);
    return 0;
}

void svc_json_tags(const cJSON *obj, const char *name, const char *kname, const char *vname,
                 svc_tags *out)
{
    const cJSON *arr = name ? aws_json_array(obj, name) : obj, *e;
    cJSON_ArrayForEach(e, arr)
    {
        const char *k = aws_json_str(e, kname);
        if (k)
            svc_tags_add(out, k, aws_json_str(e, vname));
    }
}

void svc_json_tag_map(const cJSON *obj, const char *name, svc_tags *out)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(obj, name))
    {
        if (e->string && cJSON_IsString(e))
            svc_tags_add(out, e->string, e->valuestring);
    }
}

void svc_wipe_member(cJSON *obj, const char *name)
{
    cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (cJSON_IsString(v) && v->valuestring)
        explicit_bzero(v->valuestring, strlen(v->valuestring));
}
