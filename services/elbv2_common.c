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

static const svc_api elbv2_api = {.service = "elbv2", .lists = elbv2_lists,
                                  .in_token = "Marker", .out_token = "NextMarker",
                                  .page_size = "PageSize", .flags = SVC_PREFIX};

int elbv2i_call(aws_client *c, const char *action, cJSON *in, cJSON **out, aws_error *err)
{
    return svc_query_call(c, &elbv2_api, action, in, NULL, out, err);
}

int elbv2i_describe(aws_client *c, const char *action, cJSON *in, const char *items,
                    int page_size, const svc_shape *shape, void **out, size_t *n,
                    aws_error *err)
{
    return svc_list(c, &elbv2_api, action, in, items, page_size, shape, out, n, err);
}
