/* Output structs read and freed by their field tables (see svc_json_internal.h). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws.h"
#include "json_fields.h"
#include "svc_json_internal.h"
#include "xalloc.h"

const cJSON *svc_json_at(const cJSON *obj, const char *path)
{
    char seg[128];
    while (obj && path && *path) {
        size_t len = strcspn(path, ".");
        if (len >= sizeof seg)
            return NULL;
        memcpy(seg, path, len);
        seg[len] = '\0';
        path += len + (path[len] == '.');
        if (isdigit((unsigned char)seg[0]))
            obj = cJSON_IsArray(obj) ? cJSON_GetArrayItem(obj, atoi(seg)) : NULL;
        else
            obj = cJSON_GetObjectItemCaseSensitive(obj, seg);
    }
    return obj;
}

/* The object holding the last member of path, and that member's name (in buf). */
static const cJSON *parent_of(const cJSON *j, const char *path, char *buf, size_t size,
                              const char **last)
{
    const char *dot = strrchr(path, '.');
    *last = path;
    if (!dot)
        return j;
    size_t len = (size_t)(dot - path);
    if (len >= size)
        return NULL;
    memcpy(buf, path, len);
    buf[len] = '\0';
    *last = dot + 1;
    return svc_json_at(j, buf);
}

#define AT(p, off, T) ((T *)((char *)(p) + (off)))

static void read_field(const cJSON *j, const svc_field *f, void *out)
{
    char buf[128];
    const char *name;
    const cJSON *o = parent_of(j, f->name, buf, sizeof buf, &name), *v;
    switch (f->type) {
    case SVC_STR:
    case SVC_SECRET:
        *AT(out, f->off, char *) = svc_json_dup(o, name);
        break;
    case SVC_STR_NULL:
    case SVC_SECRET_NULL:
        *AT(out, f->off, char *) = xstrdup_or_null(aws_json_str(o, name));
        break;
    case SVC_BOOL:
    case SVC_TRI:
        *AT(out, f->off, int) = aws_json_bool(o, name, 0);
        break;
    case SVC_INT:
        *AT(out, f->off, int) = (int)aws_json_int(o, name, f->def);
        break;
    case SVC_LONG:
        *AT(out, f->off, long) = (long)aws_json_int(o, name, f->def);
        break;
    case SVC_LLONG:
        *AT(out, f->off, long long) = aws_json_int(o, name, f->def);
        break;
    case SVC_TIME:
        *AT(out, f->off, time_t) = (time_t)aws_json_int(o, name, 0);
        break;
    case SVC_DOUBLE:
        v = cJSON_GetObjectItemCaseSensitive(o, name);
        *AT(out, f->off, double) = cJSON_IsNumber(v) ? v->valuedouble : 0;
        break;
    case SVC_STRINGS:
        svc_json_strings(o, name, f->key, AT(out, f->off, svc_strings));
        break;
    case SVC_TAGS:
        svc_json_tags(o, name, f->key ? f->key : "Key", f->value ? f->value : "Value",
                      AT(out, f->off, svc_tags));
        break;
    case SVC_TAG_MAP:
        svc_json_tag_map(o, name, AT(out, f->off, svc_tags));
        break;
    case SVC_LIST:
        svc_read_list(aws_json_array(o, name), f->sub, AT(out, f->off, void *),
                      AT(out, f->count, size_t));
        break;
    case SVC_OBJ:
        svc_read(svc_json_at(j, f->name), f->sub, AT(out, f->off, void));
        break;
    case SVC_RAW:
        v = svc_json_at(j, f->name);
        *AT(out, f->off, cJSON *) = v ? cJSON_Duplicate(v, 1) : cJSON_CreateObject();
        break;
    case SVC_KEPT:
    case SVC_KEPT_STRINGS:
    case SVC_KEPT_TAGS:
        break;
    }
}

void svc_read(const cJSON *j, const svc_shape *s, void *out)
{
    memset(out, 0, s->size);
    for (const svc_field *f = s->fields; f->name; f++)
        read_field(j, f, out);
    if (s->read_more)
        s->read_more(j, out);
}

void svc_free(const svc_shape *s, void *p)
{
    if (s->free_more)
        s->free_more(p);
    for (const svc_field *f = s->fields; f->name; f++) {
        switch (f->type) {
        case SVC_STR:
        case SVC_STR_NULL:
        case SVC_KEPT:
            free(*AT(p, f->off, char *));
            break;
        case SVC_SECRET:
        case SVC_SECRET_NULL:
            aws_wipe_string_free(*AT(p, f->off, char *));
            break;
        case SVC_STRINGS:
        case SVC_KEPT_STRINGS:
            svc_strings_free(AT(p, f->off, svc_strings));
            break;
        case SVC_TAGS:
        case SVC_TAG_MAP:
        case SVC_KEPT_TAGS:
            svc_tags_free(AT(p, f->off, svc_tags));
            break;
        case SVC_LIST:
            svc_free_list(f->sub, AT(p, f->off, void *), AT(p, f->count, size_t));
            break;
        case SVC_OBJ:
            svc_free(f->sub, AT(p, f->off, void));
            break;
        case SVC_RAW:
            cJSON_Delete(*AT(p, f->off, cJSON *));
            break;
        default: /* numbers own nothing */
            break;
        }
    }
    memset(p, 0, s->size);
}

void svc_read_list(const cJSON *arr, const svc_shape *s, void **items, size_t *n)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, arr)
        svc_read(e, s, xgrow(items, n, s->size));
}

void svc_free_list(const svc_shape *s, void **items, size_t *n)
{
    for (size_t i = 0; i < *n; i++)
        svc_free(s, (char *)*items + i * s->size);
    free(*items);
    *items = NULL;
    *n = 0;
}

/* The row of the one table writer (json_fields.h) that writes an input field as svc_write
 * says; 0 for the types svc_write leaves to the caller. */
static int input_row(const svc_field *f, util_json_field *row)
{
    static const struct {
        svc_type from;
        util_json_type to;
    } as[] = {
        {SVC_STR, UTIL_JSON_STR},
        {SVC_STR_NULL, UTIL_JSON_STR},
        {SVC_SECRET, UTIL_JSON_STR},
        {SVC_SECRET_NULL, UTIL_JSON_STR},
        {SVC_BOOL, UTIL_JSON_BOOL_SET},
        {SVC_TRI, UTIL_JSON_TRI},
        {SVC_INT, UTIL_JSON_INT_POS},
        {SVC_LONG, UTIL_JSON_LONG_POS},
        {SVC_LLONG, UTIL_JSON_LLONG_POS},
        {SVC_DOUBLE, UTIL_JSON_DOUBLE_POS},
    };
    for (size_t i = 0; i < sizeof as / sizeof as[0]; i++)
        if (as[i].from == f->type) {
            *row = (util_json_field){f->name, as[i].to, f->off, 0};
            return 1;
        }
    return 0;
}

void svc_write(cJSON *req, const svc_field *fields, const void *in)
{
    for (const svc_field *f = fields; f->name; f++) {
        util_json_field row[2] = {UTIL_JF_END, UTIL_JF_END};
        if (input_row(f, &row[0]))
            util_json_write(req, row, in);
    }
}

int svc_read_answer(cJSON *resp, const char *path, const svc_shape *s, void *out)
{
    if (out)
        svc_read(path ? svc_json_at(resp, path) : resp, s, out);
    cJSON_Delete(resp);
    return 0;
}

int svc_call_read(svc_call_fn call, aws_client *c, const char *op, cJSON *in, const char *path,
                  const svc_shape *shape, void *out, aws_error *err)
{
    cJSON *resp;
    if (out)
        memset(out, 0, shape->size);
    return call(c, op, in, &resp, err) ? -1 : svc_read_answer(resp, path, shape, out);
}

int svc_answer_str(cJSON *resp, const char *path, char **out)
{
    char buf[128];
    const char *name;
    const cJSON *o = parent_of(resp, path, buf, sizeof buf, &name);
    if (out)
        *out = svc_json_dup(o, name);
    cJSON_Delete(resp);
    return 0;
}

int svc_call_str(svc_call_fn call, aws_client *c, const char *op, cJSON *in, const char *path,
                 char **out, aws_error *err)
{
    cJSON *resp;
    if (out)
        *out = NULL;
    return call(c, op, in, &resp, err) ? -1 : svc_answer_str(resp, path, out);
}

int svc_call_tags(svc_call_fn call, aws_client *c, const char *op, cJSON *in, const char *name,
                  const char *key, const char *value, svc_tags *out, aws_error *err)
{
    cJSON *resp;
    memset(out, 0, sizeof *out);
    if (call(c, op, in, &resp, err) != 0)
        return -1;
    if (key)
        svc_json_tags(resp, name, key, value, out);
    else
        svc_json_tag_map(resp, name, out);
    cJSON_Delete(resp);
    return 0;
}

int svc_read_items(cJSON *items, const svc_shape *s, void **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    svc_read_list(items, s, out, n);
    cJSON_Delete(items);
    return 0;
}
