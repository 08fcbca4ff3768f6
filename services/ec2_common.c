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
    cJSON_AddItemToObject(spec, "Tag", svc_tags_json(tags, "Key", "Value"));
}

static void add_filters(cJSON *in, const ec2_describe_in *d)
{
    if (!d || d->nfilters == 0)
        return;
    cJSON *arr = cJSON_AddArrayToObject(in, "Filter");
    for (size_t i = 0; i < d->nfilters; i++) {
        const ec2_filter *f = &d->filters[i];
        cJSON *o = svc_input("Name", f->name);
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
        svc_add_strings(req, spec->ids_name, in->ids);
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

int ec2i_describe_list(aws_client *c, const ec2i_describe_spec *spec,
                       const ec2_describe_in *in, void **items, size_t *n, aws_error *err)
{
    *items = NULL;
    *n = 0;
    cJSON *all;
    if (ec2i_describe(c, spec, in, &all, err) != 0)
        return -1;
    return svc_read_items(all, spec->shape, items, n);
}

/*
 * Lost answers of EC2 creates. None of CreateVpc, CreateSubnet, CreateInternetGateway,
 * CreateSecurityGroup or AllocateAddress takes a client token, but each carries our tags:
 * when its answer is lost, the resource is looked for by all of them (see aws_lost_answer).
 */
typedef struct {
    const char *type;      /* TagSpecification ResourceType */
    ec2i_describe_spec describe;
    const char *member;    /* where the create's answer holds the item; NULL: at the top */
} created_kind;

static const created_kind created_kinds[] = {
    {"vpc", {"DescribeVpcs", "VpcId", "vpcSet", 1, NULL}, "vpc"},
    {"subnet", {"DescribeSubnets", "SubnetId", "subnetSet", 1, NULL}, "subnet"},
    {"internet-gateway", {"DescribeInternetGateways", "InternetGatewayId", "internetGatewaySet", 1, NULL},
     "internetGateway"},
    {"route-table", {"DescribeRouteTables", "RouteTableId", "routeTableSet", 1, NULL}, "routeTable"},
    {"security-group", {"DescribeSecurityGroups", "GroupId", "securityGroupInfo", 1, NULL}, NULL},
    {"elastic-ip", {"DescribeAddresses", "AllocationId", "addressesSet", 0, NULL}, NULL},
};

typedef struct {
    aws_client *c;
    const created_kind *kind;
    const cJSON *tags; /* the Tag list of the TagSpecification */
} created_guard;

static int find_created(void *ctx, cJSON **output, aws_error *err)
{
    created_guard *g = ctx;
    size_t n = (size_t)cJSON_GetArraySize(g->tags), i = 0;
    ec2_filter *f = xcalloc(n, sizeof *f);
    char **names = xcalloc(n, sizeof *names);
    const cJSON *t;
    cJSON_ArrayForEach(t, g->tags) {
        names[i] = xasprintf("tag:%s", aws_json_str(t, "Key"));
        f[i] = (ec2_filter){names[i], aws_json_str(t, "Value"), NULL};
        i++;
    }
    ec2_describe_in in = {.filters = f, .nfilters = n};
    cJSON *items = NULL;
    int rc = ec2i_describe(g->c, &g->kind->describe, &in, &items, err);
    for (i = 0; i < n; i++)
        free(names[i]);
    free(names);
    free(f);
    if (rc != 0)
        return -1;
    cJSON *item = cJSON_GetArraySize(items) > 0 ? cJSON_DetachItemFromArray(items, 0) : NULL;
    cJSON_Delete(items);
    if (!item)
        return 0;
    if (g->kind->member) {
        *output = cJSON_CreateObject();
        cJSON_AddItemToObject(*output, g->kind->member, item);
    } else {
        cJSON_DeleteItemFromObjectCaseSensitive(item, "tagSet"); /* as the create answers */
        *output = item;
    }
    return 1;
}

/* The guard for a tagged create without a client token, or 0 when in is not one. */
static int created_guard_for(aws_client *c, const cJSON *in, created_guard *g)
{
    const cJSON *specs = cJSON_GetObjectItemCaseSensitive(in, "TagSpecification");
    const cJSON *spec = cJSON_GetArrayItem(specs, 0);
    const char *type = aws_json_str(spec, "ResourceType");
    g->tags = cJSON_GetObjectItemCaseSensitive(spec, "Tag");
    if (!type || cJSON_GetArraySize(g->tags) == 0 ||
        cJSON_GetObjectItemCaseSensitive(in, "ClientToken"))
        return 0;
    for (size_t i = 0; i < sizeof created_kinds / sizeof *created_kinds; i++)
        if (strcmp(created_kinds[i].type, type) == 0) {
            g->c = c;
            g->kind = &created_kinds[i];
            return 1;
        }
    return 0;
}

int ec2i_call(aws_client *c, const char *action, cJSON *in, cJSON **out, aws_error *err)
{
    created_guard g;
    aws_lost_answer guard = {find_created, &g};
    int guarded = created_guard_for(c, in, &g);
    int rc = aws_ec2_call_guarded(c, action, in, ec2_lists, guarded ? &guard : NULL, out, err);
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

