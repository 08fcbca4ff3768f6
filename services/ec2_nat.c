/* EC2: Elastic IPs, NAT gateways and their waiters. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ec2_internal.h"
#include "xalloc.h"

/* ---- Elastic IPs ------------------------------------------------------------- */

static void read_address(const cJSON *j, void *item)
{
    ec2_address *a = item;
    a->allocation_id = svc_json_dup(j, "allocationId");
    a->public_ip = svc_json_dup(j, "publicIp");
    a->association_id = svc_json_dup(j, "associationId");
    a->domain = svc_json_dup(j, "domain");
    a->network_interface_id = svc_json_dup(j, "networkInterfaceId");
    a->private_ip = svc_json_dup(j, "privateIpAddress");
    ec2i_read_tags(j, &a->tags);
}

void ec2_address_free(ec2_address *a)
{
    free(a->allocation_id);
    free(a->public_ip);
    free(a->association_id);
    free(a->domain);
    free(a->network_interface_id);
    free(a->private_ip);
    svc_tags_free(&a->tags);
    memset(a, 0, sizeof *a);
}

void ec2_addresses_free(ec2_addresses *l)
{
    SVC_LIST_FREE(l, ec2_address_free);
}

int ec2_allocate_address(aws_client *c, const svc_tags *tags, ec2_address *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *in = svc_input("Domain", "vpc"), *resp;
    ec2i_tag_spec(in, "elastic-ip", tags);
    if (ec2i_call(c, "AllocateAddress", in, &resp, err) != 0)
        return -1;
    read_address(resp, out); /* the answer has no tagSet: keep what we asked for */
    for (size_t i = 0; tags && i < tags->n; i++)
        svc_tags_add(&out->tags, tags->items[i].key, tags->items[i].value);
    cJSON_Delete(resp);
    return 0;
}

int ec2_release_address(aws_client *c, const char *allocation_id, aws_error *err)
{
    return ec2i_call_simple(c, "ReleaseAddress", svc_input("AllocationId", allocation_id), err);
}

int ec2_describe_addresses(aws_client *c, const ec2_describe_in *in, ec2_addresses *out,
                           aws_error *err)
{
    static const ec2i_describe_spec spec = {"DescribeAddresses", "AllocationId", "addressesSet", 0, sizeof *out->items, read_address};
    return ec2i_describe_list(c, &spec, in, (void **)&out->items, &out->n, err);
}

/* ---- NAT gateways ------------------------------------------------------------ */

static void read_nat(const cJSON *j, void *item)
{
    ec2_nat *g = item;
    const cJSON *e;
    g->id = svc_json_dup(j, "natGatewayId");
    g->subnet_id = svc_json_dup(j, "subnetId");
    g->vpc_id = svc_json_dup(j, "vpcId");
    g->state = svc_json_dup(j, "state");
    g->connectivity_type = svc_json_dup(j, "connectivityType");
    g->failure_code = svc_json_dup(j, "failureCode");
    g->failure_message = svc_json_dup(j, "failureMessage");
    cJSON_ArrayForEach(e, aws_json_array(j, "natGatewayAddressSet"))
    {
        ec2_nat_address *a =
            xgrow((void **)&g->addresses, &g->naddresses, sizeof *g->addresses);
        a->allocation_id = svc_json_dup(e, "allocationId");
        a->public_ip = svc_json_dup(e, "publicIp");
        a->private_ip = svc_json_dup(e, "privateIp");
        a->network_interface_id = svc_json_dup(e, "networkInterfaceId");
    }
    ec2i_read_tags(j, &g->tags);
}

void ec2_nat_free(ec2_nat *g)
{
    for (size_t i = 0; i < g->naddresses; i++) {
        free(g->addresses[i].allocation_id);
        free(g->addresses[i].public_ip);
        free(g->addresses[i].private_ip);
        free(g->addresses[i].network_interface_id);
    }
    free(g->addresses);
    free(g->id);
    free(g->subnet_id);
    free(g->vpc_id);
    free(g->state);
    free(g->connectivity_type);
    free(g->failure_code);
    free(g->failure_message);
    svc_tags_free(&g->tags);
    memset(g, 0, sizeof *g);
}

void ec2_nats_free(ec2_nats *l)
{
    SVC_LIST_FREE(l, ec2_nat_free);
}

int ec2_create_nat_gateway(aws_client *c, const char *subnet_id, const char *allocation_id,
                           const char *client_token, const svc_tags *tags, ec2_nat *out,
                           aws_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *in = svc_input("SubnetId", subnet_id), *resp;
    cJSON_AddStringToObject(in, "AllocationId", allocation_id ? allocation_id : "");
    if (client_token)
        cJSON_AddStringToObject(in, "ClientToken", client_token);
    ec2i_tag_spec(in, "natgateway", tags);
    if (ec2i_call(c, "CreateNatGateway", in, &resp, err) != 0)
        return -1;
    read_nat(cJSON_GetObjectItemCaseSensitive(resp, "natGateway"), out);
    cJSON_Delete(resp);
    return 0;
}

int ec2_delete_nat_gateway(aws_client *c, const char *nat_id, aws_error *err)
{
    return ec2i_call_simple(c, "DeleteNatGateway", svc_input("NatGatewayId", nat_id), err);
}

int ec2_describe_nat_gateways(aws_client *c, const ec2_describe_in *in, ec2_nats *out,
                              aws_error *err)
{
    static const ec2i_describe_spec spec = {"DescribeNatGateways", "NatGatewayId", "natGatewaySet", 1, sizeof *out->items, read_nat};
    return ec2i_describe_list(c, &spec, in, (void **)&out->items, &out->n, err);
}

/* ---- waiters --------------------------------------------------------------------- */

typedef struct {
    aws_client *c;
    const char *id;
    int want_deleted;
} nat_wait;

static int nat_poll(void *ctx, char *state, size_t size, aws_error *err)
{
    nat_wait *w = ctx;
    const char *ids[] = {w->id, NULL};
    ec2_describe_in in = {.ids = ids};
    ec2_nats l;
    if (ec2_describe_nat_gateways(w->c, &in, &l, err) != 0) {
        if (aws_error_is(err, AWS_IS_NOT_FOUND)) {
            snprintf(state, size, "not found");
            aws_error_clear(err);
            return w->want_deleted ? 1 : 0;
        }
        return -1;
    }
    int rc = 0;
    if (l.n == 0) {
        snprintf(state, size, "not found");
        rc = w->want_deleted ? 1 : 0;
    } else {
        const ec2_nat *g = &l.items[0];
        snprintf(state, size, "%s", g->state);
        if (w->want_deleted) {
            rc = strcmp(g->state, "deleted") == 0;
        } else if (strcmp(g->state, "available") == 0) {
            rc = 1;
        } else if (strcmp(g->state, "failed") == 0 || strcmp(g->state, "deleting") == 0 ||
                   strcmp(g->state, "deleted") == 0) {
            aws_error_set(err, AWS_ERR_SERVICE, g->failure_code[0] ? g->failure_code
                                                                   : "NatGatewayFailed",
                          "NAT gateway %s is %s%s%s", w->id, g->state,
                          g->failure_message[0] ? ": " : "", g->failure_message);
            rc = -1;
        }
    }
    ec2_nats_free(&l);
    return rc;
}

int ec2_wait_nat_gateway_available(aws_client *c, const char *nat_id, const aws_wait_opts *o,
                                   aws_error *err)
{
    nat_wait w = {c, nat_id, 0};
    char what[160];
    snprintf(what, sizeof what, "NAT gateway %s to be available", nat_id);
    return svc_wait(o, 40, 15, what, nat_poll, &w, err);
}

int ec2_wait_nat_gateway_deleted(aws_client *c, const char *nat_id, const aws_wait_opts *o,
                                 aws_error *err)
{
    nat_wait w = {c, nat_id, 1};
    char what[160];
    snprintf(what, sizeof what, "NAT gateway %s to be deleted", nat_id);
    return svc_wait(o, 40, 15, what, nat_poll, &w, err);
}
