/* Readers for output trees, tolerant of XML-derived values (strings everywhere). */
#include "aws.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *aws_json_str(const cJSON *obj, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

int aws_double_to_ll(double d, long long *out)
{
    /* -2^63 and 2^63 are exact doubles; every double in [-2^63, 2^63) converts (NaN
     * fails both comparisons). Outside, the C conversion is undefined. */
    if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0))
        return -1;
    *out = (long long)d;
    return 0;
}

long long aws_json_int(const cJSON *obj, const char *name, long long def)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    long long n;
    if (cJSON_IsNumber(v))
        return aws_double_to_ll(v->valuedouble, &n) == 0 ? n : def;
    if (cJSON_IsString(v) && *v->valuestring) {
        char *end;
        errno = 0;
        n = strtoll(v->valuestring, &end, 10);
        return *end || errno == ERANGE ? def : n;
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
