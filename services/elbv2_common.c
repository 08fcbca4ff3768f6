/* ELBv2 request helpers (see elbv2_internal.h). */
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
    if (rc != 0) {
        aws_error_prefix(err, "%s: ", action);
        if (out)
            *out = NULL;
        return -1;
    }
    if (out)
        *out = resp;
    else
        cJSON_Delete(resp);
    return 0;
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

void elbv2i_add_strings(cJSON *in, const char *name, const char *const *list)
{
    if (!list || !list[0])
        return;
    cJSON *arr = cJSON_AddArrayToObject(in, name);
    for (size_t i = 0; list[i]; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateString(list[i]));
}

void elbv2i_add_tags(cJSON *in, const char *name, const svc_tags *tags)
{
    if (!tags || tags->n == 0)
        return;
    cJSON *arr = cJSON_AddArrayToObject(in, name);
    for (size_t i = 0; i < tags->n; i++) {
        cJSON *t = cJSON_CreateObject();
        cJSON_AddStringToObject(t, "Key", tags->items[i].key);
        cJSON_AddStringToObject(t, "Value", tags->items[i].value ? tags->items[i].value : "");
        cJSON_AddItemToArray(arr, t);
    }
}

cJSON *elbv2i_input(const char *name, const char *value)
{
    cJSON *in = cJSON_CreateObject();
    if (name)
        cJSON_AddStringToObject(in, name, value ? value : "");
    return in;
}

void *elbv2i_grow(void **items, size_t *n, size_t sz)
{
    *items = xrealloc(*items, (*n + 1) * sz);
    char *p = (char *)*items + *n * sz;
    memset(p, 0, sz);
    (*n)++;
    return p;
}
