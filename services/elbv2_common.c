/* ELBv2 request helpers (see elbv2_internal.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws_paginate.h"
#include "elbv2_internal.h"
#include "xalloc.h"

/* Response elements that are lists, so that empty ones become [] too. */
static const char *const elbv2_lists[] = {
    "LoadBalancers", "AvailabilityZones", "SecurityGroups", "TargetGroups", "LoadBalancerArns",
    "Listeners", "Certificates", "DefaultActions", "Actions", "Rules", "Conditions", "Values",
    "TargetHealthDescriptions", "TagDescriptions", "Tags", "Attributes", NULL};

int elbv2i_call(aws_client *c, const char *action, cJSON *in, cJSON **out, aws_error *err)
{
    cJSON *resp = NULL;
    int rc = aws_query_call(c, "elbv2", action, in, NULL, elbv2_lists, &resp, err);
    cJSON_Delete(in);
    return svc_call_end(rc, action, SVC_PREFIX, resp, out, err);
}

int elbv2i_paginate(aws_client *c, const char *action, const cJSON *in, const char *items,
                    int page_size, cJSON **all, aws_error *err)
{
    cJSON *req = cJSON_Duplicate(in, 1);
    if (page_size > 0)
        cJSON_AddNumberToObject(req, "PageSize", page_size);
    aws_page_spec ps = {.in_token = "Marker", .out_token = "NextMarker", .items = items};
    int rc = aws_query_paginate(c, "elbv2", action, req, elbv2_lists, &ps, all, err);
    cJSON_Delete(req);
    if (rc != 0)
        aws_error_prefix(err, "%s: ", action);
    return rc;
}

int elbv2i_describe(aws_client *c, const char *action, cJSON *in, const char *items,
                    int page_size, const svc_shape *shape, void **out, size_t *n,
                    aws_error *err)
{
    cJSON *all;
    *out = NULL;
    *n = 0;
    int rc = elbv2i_paginate(c, action, in, items, page_size, &all, err);
    cJSON_Delete(in);
    return rc ? -1 : svc_read_items(all, shape, out, n);
}

void elbv2i_add_tags(cJSON *in, const char *name, const svc_tags *tags)
{
    if (!tags || tags->n == 0)
        return;
    cJSON_AddItemToObject(in, name, svc_tags_json(tags, "Key", "Value"));
}
