/*
 * eip/nat-N: the Elastic IP (domain vpc, tagged) of each NAT gateway. Released after its
 * NAT gateway is gone.
 */
#include <stdlib.h>
#include <string.h>

#include "net_internal.h"
#include "xalloc.h"

/* How many NAT gateways (and so Elastic IPs) the stack has. */
int resnet_nat_count(const stack_network *net)
{
    if (net->mode != STACK_VPC_NEW || !net->private_subnets)
        return 0;
    if (net->nat == STACK_NAT_PER_ZONE)
        return net->zones;
    return net->nat == STACK_NAT_SINGLE ? 1 : 0;
}

static int eip_build(res_graph *g, const stack_model *s)
{
    int count = resnet_nat_count(&s->network);
    for (int i = 0; i < count; i++) {
        cJSON *d = cJSON_CreateObject();
        cJSON_AddStringToObject(d, "domain", "vpc");
        char name[32], label[64];
        snprintf(name, sizeof name, "nat-%d", i);
        snprintf(label, sizeof label, "Elastic IP of NAT gateway %d", i);
        res_node *n = res_graph_add(g, &res_kind_eip, name, label, d);
        res_node_depend(n, res_graph_find(g, "vpc/main"));
    }
    return 0;
}

static cJSON *eip_props(const void *item)
{
    const ec2_address *a = item;
    return res_props("domain", a->domain[0] ? a->domain : "vpc", "public_ip", a->public_ip, NULL);
}

/* of two addresses claiming the node, the one in use */
static double in_use(const void *item)
{
    const ec2_address *a = item;
    return a->association_id[0] || a->network_interface_id[0];
}

static int eip_discover(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    static const resnet_item_kind found = {RESNET_ITEM_OF(ec2_address, allocation_id),
                                           .props = eip_props, .rank = in_use};
    resnet_query q;
    ec2_addresses l = {0};
    int rc = ec2_describe_addresses(ctx->aws, resnet_stack_in(ctx, &q), &l, err);
    if (rc == 0)
        resnet_found_items(out, l.items, l.n, &found);
    ec2_addresses_free(&l);
    return rc;
}

static int eip_create(res_ctx *ctx, res_node *n, aws_error *err)
{
    svc_tags tags;
    resnet_tags(ctx, n, &tags);
    ec2_address a = {0};
    int rc = ec2_allocate_address(ctx->aws, &tags, &a, err);
    svc_tags_free(&tags);
    if (rc != 0)
        return -1;
    res_node_set(ctx, n, a.allocation_id, eip_props(&a));
    ec2_address_free(&a);
    return 0;
}

/* While a NAT gateway (even a deleted one, for a little while) still holds the address,
 * EC2 refuses the release with AuthFailure or InvalidIPAddress.InUse: retried. */
static int poll_release(res_ctx *ctx, res_node *n, void *ud, char *status, size_t len,
                        aws_error *err)
{
    (void)ud;
    int rc = res_delete_tried(ec2_release_address(ctx->aws, n->physical_id, err), err, 0, status,
                              len);
    if (rc == 0)
        snprintf(status, len, "still held by its NAT gateway (%s)", err->code);
    return rc;
}

static int eip_remove(res_ctx *ctx, res_node *n, aws_error *err)
{
    char *what = xasprintf("Elastic IP %s to be released", n->physical_id);
    int rc = res_wait(ctx, n, RES_DELETE, what, poll_release, NULL, err);
    free(what);
    return rc;
}

static const char *const eip_replace_on[] = {"domain", NULL};

static const res_ec2_grants ci_grants = {
    .reads = "ec2:DescribeAddresses",
    .create = "ec2:AllocateAddress",
    .changes = "ec2:ReleaseAddress",
};

const res_kind res_kind_eip = {
    .name = "eip",
    .title = "Elastic IP",
    .build = eip_build,
    .discover = eip_discover,
    .create = eip_create,
    .remove = eip_remove,
    .replace_on = eip_replace_on,
    .ci_ec2 = &ci_grants,
};
