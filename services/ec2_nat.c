/* EC2: Elastic IPs and NAT gateways (their waiters: ec2_wait.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ec2_internal.h"
#include "xalloc.h"

/* ---- Elastic IPs ------------------------------------------------------------- */

static const svc_shape address_shape = SVC_SHAPE(ec2_address, NULL, NULL,
    SVC_FIELD("allocationId", SVC_STR, ec2_address, allocation_id),
    SVC_FIELD("publicIp", SVC_STR, ec2_address, public_ip),
    SVC_FIELD("associationId", SVC_STR, ec2_address, association_id),
    SVC_FIELD("domain", SVC_STR, ec2_address, domain),
    SVC_FIELD("networkInterfaceId", SVC_STR, ec2_address, network_interface_id),
    SVC_FIELD("privateIpAddress", SVC_STR, ec2_address, private_ip),
    EC2I_TAGS(ec2_address));

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

static const svc_shape nat_address_shape = SVC_SHAPE(ec2_nat_address, NULL, NULL,
    SVC_FIELD("allocationId", SVC_STR, ec2_nat_address, allocation_id),
    SVC_FIELD("publicIp", SVC_STR, ec2_nat_address, public_ip),
    SVC_FIELD("privateIp", SVC_STR, ec2_nat_address, private_ip),
    SVC_FIELD("networkInterfaceId", SVC_STR, ec2_nat_address, network_interface_id));

static const svc_shape nat_shape = SVC_SHAPE(ec2_nat, NULL, NULL,
    SVC_FIELD("natGatewayId", SVC_STR, ec2_nat, id),
    SVC_FIELD("subnetId", SVC_STR, ec2_nat, subnet_id),
    SVC_FIELD("vpcId", SVC_STR, ec2_nat, vpc_id),
    SVC_FIELD("state", SVC_STR, ec2_nat, state),
    SVC_FIELD("connectivityType", SVC_STR, ec2_nat, connectivity_type),
    SVC_FIELD("failureCode", SVC_STR, ec2_nat, failure_code),
    SVC_FIELD("failureMessage", SVC_STR, ec2_nat, failure_message),
    SVC_FLIST("natGatewayAddressSet", ec2_nat, addresses, naddresses, &nat_address_shape),
    EC2I_TAGS(ec2_nat));

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
