/* EC2 request helpers and the Describe driver (see ec2_internal.h). */
#include <stdlib.h>
#include <string.h>

#include "aws_paginate.h"
#include "ec2_internal.h"
#include "xalloc.h"

/* Elements of EC2 responses that are lists (so that empty ones become [] too). */
static const char *const ec2_lists[] = {
    "vpcSet", "subnetSet", "availabilityZoneInfo", "internetGatewaySet", "attachmentSet",
    "routeTableSet", "routeSet", "associationSet", "addressesSet", "natGatewaySet",
    "natGatewayAddressSet", "securityGroupInfo", "ipPermissions", "ipPermissionsEgress",
    "groups", "ipRanges", "ipv6Ranges", "prefixListIds", "securityGroupRuleSet",
    "networkInterfaceSet", "groupSet", "tagSet", NULL};

void ec2i_tag_spec(cJSON *in, const char *resource_type, const svc_tags *tags)
{
    if (!tags || tags->n == 0)
        return;
    cJSON *specs = cJSON_AddArrayToObject(in, "TagSpecification");
    cJSON *spec = cJSON_CreateObject();
    cJSON_AddItemToArray(specs, spec);
    cJSON_AddStringToObject(spec, "ResourceType", resource_type);
    cJSON *list = cJSON_AddArrayToObject(spec, "Tag");
    for (size_t i = 0; i < tags->n; i++) {
        cJSON *t = cJSON_CreateObject();
        cJSON_AddStringToObject(t, "Key", tags->items[i].key);
        cJSON_AddStringToObject(t, "Value", tags->items[i].value ? tags->items[i].value : "");
        cJSON_AddItemToArray(list, t);
    }
}

void ec2i_add_strings(cJSON *in, const char *name, const char *const *list)
{
    if (!list || !list[0])
        return;
    cJSON *arr = cJSON_AddArrayToObject(in, name);
    for (size_t i = 0; list[i]; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateString(list[i]));
}

void ec2i_read_tags(const cJSON *obj, svc_tags *out)
{
    netsvc_tags(obj, "tagSet", "key", "value", out);
}

static void add_filters(cJSON *in, const ec2_describe_in *d)
{
    if (!d || d->nfilters == 0)
        return;
    cJSON *arr = cJSON_AddArrayToObject(in, "Filter");
    for (size_t i = 0; i < d->nfilters; i++) {
        const ec2_filter *f = &d->filters[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "Name", f->name ? f->name : "");
        cJSON *vals = cJSON_AddArrayToObject(o, "Value");
        if (f->value)
            cJSON_AddItemToArray(vals, cJSON_CreateString(f->value));
        for (size_t k = 0; f->values && f->values[k]; k++)
            cJSON_AddItemToArray(vals, cJSON_CreateString(f->values[k]));
        cJSON_AddItemToArray(arr, o);
    }
}

int ec2i_describe(aws_client *c, const ec2i_describe_spec *spec, const ec2_describe_in *in,
                  cJSON **items, aws_error *err)
{
    cJSON *req = cJSON_CreateObject();
    if (in)
        ec2i_add_strings(req, spec->ids_name, in->ids);
    add_filters(req, in);
    /* EC2 refuses MaxResults together with ids (and ids fit one answer anyway). */
    if (spec->paged && in && in->page_size > 0 && !(in->ids && in->ids[0]))
        cJSON_AddNumberToObject(req, "MaxResults", in->page_size);
    aws_page_spec ps = {.in_token = "NextToken", .out_token = spec->paged ? "nextToken" : NULL,
                        .items = spec->items};
    int rc = aws_ec2_paginate(c, spec->action, req, ec2_lists, &ps, items, err);
    cJSON_Delete(req);
    if (rc != 0)
        aws_error_prefix(err, "%s: ", spec->action);
    return rc;
}

int ec2i_call(aws_client *c, const char *action, cJSON *in, cJSON **out, aws_error *err)
{
    int rc = aws_ec2_call(c, action, in, ec2_lists, out, err);
    cJSON_Delete(in);
    if (rc != 0)
        aws_error_prefix(err, "%s: ", action);
    return rc;
}

int ec2i_call_simple(aws_client *c, const char *action, cJSON *in, aws_error *err)
{
    cJSON *out = NULL;
    int rc = ec2i_call(c, action, in, &out, err);
    cJSON_Delete(out);
    return rc;
}

cJSON *ec2i_input(const char *name, const char *value)
{
    cJSON *in = cJSON_CreateObject();
    if (name)
        cJSON_AddStringToObject(in, name, value ? value : "");
    return in;
}

void *ec2i_grow(void **items, size_t *n, size_t sz)
{
    *items = xrealloc(*items, (*n + 1) * sz);
    char *p = (char *)*items + *n * sz;
    memset(p, 0, sz);
    (*n)++;
    return p;
}
