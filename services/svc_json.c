/* Request pieces shared by the service clients (see svc_internal.h). */
#include "svc_internal.h"

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
