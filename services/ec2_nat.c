/* EC2: Elastic IPs, NAT gateways and their waiters. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ec2_internal.h"
#include "xalloc.h"

/* ---- Elastic IPs ------------------------------------------------------------- */

static const svc_field address_fields[] = {
    SVC_FIELD("allocationId", SVC_STR, ec2_address, allocation_id),
    SVC_FIELD("publicIp", SVC_STR, ec2_address, public_ip),
    SVC_FIELD("associationId", SVC_STR, ec2_address, association_id),
    SVC_FIELD("domain", SVC_STR, ec2_address, domain),
    SVC_FIELD("networkInterfaceId", SVC_STR, ec2_address, network_interface_id),
    SVC_FIELD("privateIpAddress", SVC_STR, ec2_address, private_ip),
    EC2I_TAGS(ec2_address),
    SVC_END};
static const svc_shape address_shape = {sizeof(ec2_address), address_fields, NULL, NULL};

SVC_DEFINE_FREE(ec2_address_free, ec2_address, address_shape)
SVC_DEFINE_LIST_FREE(ec2_addresses_free, ec2_addresses, address_shape)

int ec2_allocate_address(aws_client *c, const svc_tags *tags, ec2_address *out, aws_error *err)
{
    cJSON *in = svc_input("Domain", "vpc");
    ec2i_tag_spec(in, "elastic-ip", tags);
    if (svc_call_read(ec2i_call, c, "AllocateAddress", in, NULL, &address_shape, out, err) != 0)
        return -1;
    /* the answer has no tagSet: keep what we asked for */
    for (size_t i = 0; tags && i < tags->n; i++)
        svc_tags_add(&out->tags, tags->items[i].key, tags->items[i].value);
    return 0;
}

int ec2_release_address(aws_client *c, const char *allocation_id, aws_error *err)
{
    return ec2i_call_simple(c, "ReleaseAddress", svc_input("AllocationId", allocation_id), err);
}

EC2I_DEFINE_DESCRIBE(ec2_describe_addresses, ec2_addresses, "DescribeAddresses", "AllocationId",
                     "addressesSet", 0, address_shape)

/* ---- NAT gateways ------------------------------------------------------------ */

static const svc_field nat_address_fields[] = {
    SVC_FIELD("allocationId", SVC_STR, ec2_nat_address, allocation_id),
    SVC_FIELD("publicIp", SVC_STR, ec2_nat_address, public_ip),
    SVC_FIELD("privateIp", SVC_STR, ec2_nat_address, private_ip),
    SVC_FIELD("networkInterfaceId", SVC_STR, ec2_nat_address, network_interface_id),
    SVC_END};
static const svc_shape nat_address_shape = {sizeof(ec2_nat_address), nat_address_fields, NULL,
                                            NULL};

static const svc_field nat_fields[] = {
    SVC_FIELD("natGatewayId", SVC_STR, ec2_nat, id),
    SVC_FIELD("subnetId", SVC_STR, ec2_nat, subnet_id),
    SVC_FIELD("vpcId", SVC_STR, ec2_nat, vpc_id),
    SVC_FIELD("state", SVC_STR, ec2_nat, state),
    SVC_FIELD("connectivityType", SVC_STR, ec2_nat, connectivity_type),
    SVC_FIELD("failureCode", SVC_STR, ec2_nat, failure_code),
    SVC_FIELD("failureMessage", SVC_STR, ec2_nat, failure_message),
    SVC_FLIST("natGatewayAddressSet", ec2_nat, addresses, naddresses, &nat_address_shape),
    EC2I_TAGS(ec2_nat),
    SVC_END};
static const svc_shape nat_shape = {sizeof(ec2_nat), nat_fields, NULL, NULL};

SVC_DEFINE_FREE(ec2_nat_free, ec2_nat, nat_shape)
SVC_DEFINE_LIST_FREE(ec2_nats_free, ec2_nats, nat_shape)

int ec2_create_nat_gateway(aws_client *c, const char *subnet_id, const char *allocation_id,
                           const char *client_token, const svc_tags *tags, ec2_nat *out,
                           aws_error *err)
{
    cJSON *in = svc_input("SubnetId", subnet_id);
    cJSON_AddStringToObject(in, "AllocationId", allocation_id ? allocation_id : "");
    svc_add_str(in, "ClientToken", client_token);
    ec2i_tag_spec(in, "natgateway", tags);
    return svc_call_read(ec2i_call, c, "CreateNatGateway", in, "natGateway", &nat_shape, out, err);
}

int ec2_delete_nat_gateway(aws_client *c, const char *nat_id, aws_error *err)
{
    return ec2i_call_simple(c, "DeleteNatGateway", svc_input("NatGatewayId", nat_id), err);
}

EC2I_DEFINE_DESCRIBE(ec2_describe_nat_gateways, ec2_nats, "DescribeNatGateways", "NatGatewayId",
                     "natGatewaySet", 1, nat_shape)

/* ---- waiters --------------------------------------------------------------------- */

static int nat_poll(void *ctx, char *state, size_t size, aws_error *err)
{
    svc_lookup *w = ctx;
    const char *ids[] = {w->id, NULL};
    ec2_describe_in in = {.ids = ids};
    ec2_nats l;
    if (ec2_describe_nat_gateways(w->c, &in, &l, err) != 0) {
        if (aws_error_is(err, AWS_IS_NOT_FOUND)) {
            snprintf(state, size, "not found");
            aws_error_clear(err);
            return w->want_gone ? 1 : 0;
        }
        return -1;
    }
    int rc = 0;
    if (l.n == 0) {
        snprintf(state, size, "not found");
        rc = w->want_gone ? 1 : 0;
    } else {
        const ec2_nat *g = &l.items[0];
        snprintf(state, size, "%s", g->state);
        if (w->want_gone) {
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
    svc_lookup w = {.c = c, .id = nat_id};
    return svc_waitf(o, 40, 15, nat_poll, &w, err, "NAT gateway %s to be available", nat_id);
}

int ec2_wait_nat_gateway_deleted(aws_client *c, const char *nat_id, const aws_wait_opts *o,
                                 aws_error *err)
{
    svc_lookup w = {.c = c, .id = nat_id, .want_gone = 1};
    return svc_waitf(o, 40, 15, nat_poll, &w, err, "NAT gateway %s to be deleted", nat_id);
}
