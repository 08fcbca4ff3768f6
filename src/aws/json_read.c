/* Readers for output trees, tolerant of XML-derived values (strings everywhere). */
#include "aws.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *aws_json_str(const cJSON *obj, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

long long aws_json_int(const cJSON *obj, const char *name, long long def)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (cJSON_IsNumber(v))
        return (long long)v->valuedouble;
    if (cJSON_IsString(v) && *v->valuestring) {
        char *end;
        long long n = strtoll(v->valuestring, &end, 10);
        return *end ? def : n;
    }
    return def;
}

int aws_json_bool(const cJSON *obj, const char *name, int def)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (cJSON_IsBool(v))
        return cJSON_IsTrue(v);
    if (cJSON_IsString(v)) {
        if (strcasecmp(v->valuestring, "true") == 0)
            return 1;
        if (strcasecmp(v->valuestring, "false") == 0)
            return 0;
    }
    return def;
}

const cJSON *aws_json_array(const cJSON *obj, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    return cJSON_IsArray(v) ? v : NULL;
}
