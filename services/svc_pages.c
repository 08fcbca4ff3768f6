/* One query-protocol call, and every page of a list in either protocol read with a field
 * table, each driven by its service's svc_api (see svc_json_internal.h). */
#include "svc_json_internal.h"

#include <string.h>

int svc_query_call(aws_client *c, const svc_api *api, const char *action, cJSON *in,
                   const aws_lost_answer *guard, cJSON **out, aws_error *err)
{
    cJSON *resp = NULL;
    int rc = aws_query_call_guarded(c, api->service, action, in, api->maps, api->lists, guard,
                                    &resp, err);
    cJSON_Delete(in);
    return svc_call_end(rc, action, api->flags, resp, out, err);
}

int svc_pages(aws_client *c, const svc_api *api, const char *op, const cJSON *in,
              const char *items, int page_size, cJSON **all, aws_error *err)
{
    aws_page_spec ps = {.in_token = api->in_token, .out_token = api->out_token,
                        .truncated = api->truncated, .items = items};
    cJSON *req = in ? cJSON_Duplicate(in, 1) : cJSON_CreateObject();
    if (page_size > 0)
        cJSON_AddNumberToObject(req, api->page_size, page_size);
    int rc = api->protocol == SVC_JSON
                 ? aws_json_paginate(c, api->service, op, req, &ps, all, err)
                 : aws_query_paginate(c, api->service, op, req, api->lists, &ps, all, err);
    cJSON_Delete(req);
    if (rc != 0 && (api->flags & SVC_PREFIX))
        aws_error_prefix(err, "%s: ", op);
    return rc;
}

int svc_list(aws_client *c, const svc_api *api, const char *op, cJSON *in, const char *items,
             int page_size, const svc_shape *shape, void **out, size_t *n, aws_error *err)
{
    cJSON *all;
    *out = NULL;
    *n = 0;
    int rc = svc_pages(c, api, op, in, items, page_size, &all, err);
    cJSON_Delete(in);
    return rc ? -1 : svc_read_items(all, shape, out, n);
}
