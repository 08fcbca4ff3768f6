/* What every services/ecs*.c shares: the call, times, and List* pages of
 * strings (see ecs_internal.h). */
#include "ecs_internal.h"
#include "svc_json_internal.h"

#include <string.h>

#include "aws_paginate.h"
#include "xalloc.h"

int ecs_call_(aws_client *c, const char *op, cJSON *in, cJSON **out, aws_error *err)
{
    return svc_json_call(c, "ecs", op, in, out, 0, err);
}

double ecs_time_(const cJSON *obj, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

const svc_api ecs_api_ = {.protocol = SVC_JSON, .service = "ecs", .in_token = "nextToken",
                         .out_token = "nextToken", .page_size = "maxResults"};

int ecs_list_strings_(aws_client *c, const char *op, cJSON *j, int max_results,
                      const char *items, svc_strings *out, aws_error *err)
{
    cJSON *all;
    memset(out, 0, sizeof *out);
    int rc = svc_pages(c, &ecs_api_, op, j, items, max_results, &all, err);
    cJSON_Delete(j);
    return rc ? -1 : svc_read_strings(all, NULL, out);
}
