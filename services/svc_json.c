/* Readers that copy strings out of the JSON answers of the network clients (see
 * svc_json_internal.h). */
#include "svc_json_internal.h"

#include "aws.h"
#include "xalloc.h"

char *svc_json_dup(const cJSON *obj, const char *name)
{
    const char *s = aws_json_str(obj, name);
    return xstrdup(s ? s : "");
}

char *svc_json_dup2(const cJSON *obj, const char *a, const char *b)
{
    return svc_json_dup(cJSON_GetObjectItemCaseSensitive(obj, a), b);
}

void svc_json_strings(const cJSON *obj, const char *name, const char *field, svc_strings *out)
{
    const cJSON *arr = aws_json_array(obj, name), *e;
    cJSON_ArrayForEach(e, arr)
    {
        const char *s = field ? aws_json_str(e, field) : (cJSON_IsString(e) ? e->valuestring : NULL);
        if (s)
            svc_strings_add(out, s);
    }
}

void svc_json_tags(const cJSON *obj, const char *name, const char *kname, const char *vname,
                 svc_tags *out)
{
    const cJSON *arr = aws_json_array(obj, name), *e;
    cJSON_ArrayForEach(e, arr)
    {
        const char *k = aws_json_str(e, kname);
        if (k)
            svc_tags_add(out, k, aws_json_str(e, vname));
    }
}
