/* Helpers shared by the service clients (see svc_util.h). */
#include "svc_util.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

char *svc_dup(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

char *svc_dup_member(const cJSON *obj, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    return cJSON_IsString(v) ? xstrdup(v->valuestring) : NULL;
}

void svc_add_str(cJSON *obj, const char *name, const char *value)
{
    if (value)
        cJSON_AddStringToObject(obj, name, value);
}

cJSON *svc_tags_json(const svc_tags *tags, const char *key_name, const char *value_name)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; tags && i < tags->n; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, key_name, tags->items[i].key);
        cJSON_AddStringToObject(o, value_name, tags->items[i].value ? tags->items[i].value : "");
        cJSON_AddItemToArray(arr, o);
    }
    return arr;
}

void svc_tags_read(svc_tags *out, const cJSON *arr, const char *key_name, const char *value_name)
{
    for (const cJSON *t = cJSON_IsArray(arr) ? arr->child : NULL; t; t = t->next) {
        const cJSON *k = cJSON_GetObjectItemCaseSensitive(t, key_name);
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(t, value_name);
        if (cJSON_IsString(k))
            svc_tags_add(out, k->valuestring, cJSON_IsString(v) ? v->valuestring : "");
    }
}

cJSON *svc_strings_json(const char *const *items, size_t n)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateString(items[i]));
    return arr;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

char *svc_url_decode(const char *s)
{
    char *out = xmalloc(strlen(s) + 1), *o = out;
    for (; *s; s++) {
        int hi, lo;
        if (*s == '%' && (hi = hexval(s[1])) >= 0 && (lo = hexval(s[2])) >= 0) {
            *o++ = (char)(hi * 16 + lo);
            s += 2;
        } else {
            *o++ = *s == '+' ? ' ' : *s;
        }
    }
    *o = '\0';
    return out;
}

void svc_wipe(char *s)
{
    volatile char *p = s;
    while (p && *p)
        *p++ = '\0';
}
