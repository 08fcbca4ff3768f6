/* A struct's fields as JSON members, from a table (see json_fields.h). */
#include <cjson/cJSON.h>
#include <string.h>

#include "json_fields.h"

/* The field of row f in the struct at in, of type T. */
#define AT(in, f, T) (*(T const *)((const char *)(in) + (f)->off))

/* The number of a number row in *v; 0 when the row leaves it out. */
static int number(const util_json_field *f, const void *in, double *v)
{
    switch (f->type) {
    case UTIL_JSON_INT:
        *v = AT(in, f, int);
        return 1;
    case UTIL_JSON_INT_SET:
        *v = AT(in, f, int);
        return *v != 0;
    case UTIL_JSON_INT_OPT:
        *v = AT(in, f, int);
        return *v >= 0;
    case UTIL_JSON_INT_POS:
        *v = AT(in, f, int);
        return *v > 0;
    case UTIL_JSON_LONG_POS:
        *v = (double)AT(in, f, long);
        return *v > 0;
    case UTIL_JSON_LLONG_POS:
        *v = (double)AT(in, f, long long);
        return *v > 0;
    case UTIL_JSON_DOUBLE:
        *v = AT(in, f, double);
        return 1;
    case UTIL_JSON_DOUBLE_SET:
        *v = AT(in, f, double);
        return *v != 0;
    case UTIL_JSON_DOUBLE_POS:
        *v = AT(in, f, double);
        return *v > 0;
    default:
        return 0;
    }
}

/* The object below o that holds the last member of path (the objects on the way made when
 * missing), and that member's name in *last. */
static cJSON *holder(cJSON *o, const char *path, const char **last)
{
    char seg[128];
    const char *dot;
    while ((dot = strchr(path, '.')) && (size_t)(dot - path) < sizeof seg) {
        memcpy(seg, path, (size_t)(dot - path));
        seg[dot - path] = '\0';
        cJSON *next = cJSON_GetObjectItemCaseSensitive(o, seg);
        o = next ? next : cJSON_AddObjectToObject(o, seg);
        path = dot + 1;
    }
    *last = path;
    return o;
}

static void write_field(cJSON *o, const util_json_field *f, const void *in)
{
    const char *name;
    switch (f->type) {
    case UTIL_JSON_STR:
    case UTIL_JSON_STR_NULL: {
        const char *v = AT(in, f, const char *);
        if (!v && f->type == UTIL_JSON_STR)
            break;
        o = holder(o, f->name, &name);
        if (v)
            cJSON_AddStringToObject(o, name, v);
        else
            cJSON_AddNullToObject(o, name);
        break;
    }
    case UTIL_JSON_BOOL:
    case UTIL_JSON_BOOL_SET:
    case UTIL_JSON_TRI: {
        int v = AT(in, f, int);
        if (v == 0 && f->type != UTIL_JSON_BOOL)
            break;
        o = holder(o, f->name, &name);
        cJSON_AddBoolToObject(o, name, f->type == UTIL_JSON_TRI ? v > 0 : v != 0);
        break;
    }
    case UTIL_JSON_STRS: {
        char *const *v = AT(in, f, char *const *);
        size_t n = *(const size_t *)((const char *)in + f->count);
        o = holder(o, f->name, &name);
        cJSON *a = cJSON_AddArrayToObject(o, name);
        for (size_t i = 0; i < n; i++)
            cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
        break;
    }
    default: {
        double v;
        if (!number(f, in, &v))
            break;
        o = holder(o, f->name, &name);
        cJSON_AddNumberToObject(o, name, v);
        break;
    }
    }
}

void util_json_write(cJSON *o, const util_json_field *fields, const void *in)
{
    for (const util_json_field *f = fields; f->name; f++)
        write_field(o, f, in);
}

cJSON *util_json_object(cJSON *o, const char *name, const util_json_field *fields, const void *in)
{
    cJSON *x = cJSON_AddObjectToObject(o, name);
    util_json_write(x, fields, in);
    return x;
}

void util_json_items(cJSON *a, const util_json_field *fields, const void *items, size_t size,
                     size_t n)
{
    for (size_t i = 0; i < n; i++) {
        cJSON *x = cJSON_CreateObject();
        util_json_write(x, fields, (const char *)items + i * size);
        cJSON_AddItemToArray(a, x);
    }
}

cJSON *util_json_array(cJSON *o, const char *name, const util_json_field *fields, const void *items,
                       size_t size, size_t n)
{
    cJSON *a = cJSON_AddArrayToObject(o, name);
    util_json_items(a, fields, items, size, n);
    return a;
}
