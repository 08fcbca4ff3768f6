/* A struct's fields as JSON members, from a table (see json_fields.h). */
#include <cjson/cJSON.h>

#include "json_fields.h"

/* The field of row f in the struct at in, of type T. */
#define AT(in, f, T) (*(T const *)((const char *)(in) + (f)->off))

static void write_field(cJSON *o, const util_json_field *f, const void *in)
{
    switch (f->type) {
    case UTIL_JSON_STR:
    case UTIL_JSON_STR_NULL: {
        const char *v = AT(in, f, const char *);
        if (v)
            cJSON_AddStringToObject(o, f->name, v);
        else if (f->type == UTIL_JSON_STR_NULL)
            cJSON_AddNullToObject(o, f->name);
        break;
    }
    case UTIL_JSON_INT:
    case UTIL_JSON_INT_SET:
    case UTIL_JSON_INT_OPT: {
        int v = AT(in, f, int);
        if ((f->type == UTIL_JSON_INT_SET && v == 0) || (f->type == UTIL_JSON_INT_OPT && v < 0))
            break;
        cJSON_AddNumberToObject(o, f->name, v);
        break;
    }
    case UTIL_JSON_DOUBLE:
    case UTIL_JSON_DOUBLE_SET: {
        double v = AT(in, f, double);
        if (f->type == UTIL_JSON_DOUBLE || v != 0)
            cJSON_AddNumberToObject(o, f->name, v);
        break;
    }
    case UTIL_JSON_BOOL:
        cJSON_AddBoolToObject(o, f->name, AT(in, f, int));
        break;
    case UTIL_JSON_STRS: {
        char *const *v = AT(in, f, char *const *);
        size_t n = *(const size_t *)((const char *)in + f->count);
        cJSON *a = cJSON_AddArrayToObject(o, f->name);
        for (size_t i = 0; i < n; i++)
            cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
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
