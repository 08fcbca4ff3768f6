/* EC2: IPv6 — Amazon-provided blocks of VPCs, /64s of subnets, egress-only gateways. */
#include <stdlib.h>
#include <string.h>

#include "ec2_internal.h"
#include "xalloc.h"

const svc_shape ec2i_ipv6_block_shape = SVC_SHAPE(ec2_ipv6_block, NULL, NULL,
    SVC_FIELD("associationId", SVC_STR, ec2_ipv6_block, assoc_id),
    SVC_FIELD("ipv6CidrBlock", SVC_STR, ec2_ipv6_block, cidr),
    SVC_FIELD("ipv6CidrBlockState.state", SVC_STR, ec2_ipv6_block, state));

SVC_DEFINE_FREE(ec2_ipv6_block_free, ec2_ipv6_block, ec2i_ipv6_block_shape)

const ec2_ipv6_block *ec2_vpc_ipv6(const ec2_vpc *v)
{
    for (size_t i = 0; i < v->nipv6; i++)
        if (!strcmp(v->ipv6[i].state, "associated") || !strcmp(v->ipv6[i].state, "associating"))
            return &v->ipv6[i];
    return NULL;
}

void ec2i_read_subnet_ipv6(const cJSON *j, char **cidr, char **assoc_id)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, aws_json_array(j, "ipv6CidrBlockAssociationSet")) {
        const char *state = aws_json_str(cJSON_GetObjectItemCaseSensitive(e, "ipv6CidrBlockState"), "state");
        if (!*cidr && (!state || !strcmp(state, "associated") || !strcmp(state, "associating"))) {
            *cidr = svc_json_dup(e, "ipv6CidrBlock");
            *assoc_id = svc_json_dup(e, "associationId");
        }
    }
    if (!*cidr) {
        *cidr = xstrdup("");
        *assoc_id = xstrdup("");
    }
}

int ec2_associate_vpc_ipv6(aws_client *c, const char *vpc_id, ec2_ipv6_block *out, aws_error *err)
{
    cJSON *in = svc_input("VpcId", vpc_id);
    cJSON_AddBoolToObject(in, "AmazonProvidedIpv6CidrBlock", 1);
    return svc_call_read(ec2i_call, c, "AssociateVpcCidrBlock", in, "ipv6CidrBlockAssociation",
                         &ec2i_ipv6_block_shape, out, err);
}

int ec2_disassociate_vpc_cidr(aws_client *c, const char *assoc_id, aws_error *err)
{
    return ec2i_call_simple(c, "DisassociateVpcCidrBlock", svc_input("AssociationId", assoc_id), err);
}

int ec2_set_assign_ipv6(aws_client *c, const char *subnet_id, int value, aws_error *err)
{
    cJSON *in = svc_input("SubnetId", subnet_id);
    cJSON_AddBoolToObject(cJSON_AddObjectToObject(in, "AssignIpv6AddressOnCreation"), "Value", value != 0);
    return ec2i_call_simple(c, "ModifySubnetAttribute", in, err);
}

int ec2_associate_subnet_ipv6(aws_client *c, const char *subnet_id, const char *ipv6_cidr,
                              char **assoc_id, aws_error *err)
{
    cJSON *in = svc_input("SubnetId", subnet_id);
    cJSON_AddStringToObject(in, "Ipv6CidrBlock", ipv6_cidr ? ipv6_cidr : "");
    return svc_call_str(ec2i_call, c, "AssociateSubnetCidrBlock", in,
                        "ipv6CidrBlockAssociation.associationId", assoc_id, err);
}

/* ---- egress-only internet gateways ------------------------------------------------ */

static const svc_shape eigw_shape = SVC_SHAPE(ec2_eigw, NULL, NULL,
    SVC_FIELD("egressOnlyInternetGatewayId", SVC_STR, ec2_eigw, id),
    SVC_FIELD("attachmentSet.0.vpcId", SVC_STR, ec2_eigw, vpc_id),
    EC2I_TAGS(ec2_eigw));

SVC_DEFINE_FREE(ec2_eigw_free, ec2_eigw, eigw_shape)
SVC_DEFINE_LIST_FREE(ec2_eigws_free, ec2_eigws, eigw_shape)

int ec2_create_egress_only_gateway(aws_client *c, const char *vpc_id, const char *client_token,
                                   const svc_tags *tags, ec2_eigw *out, aws_error *err)
{
    cJSON *in = svc_input("VpcId", vpc_id);
    svc_add_str(in, "ClientToken", client_token);
    ec2i_tag_spec(in, "egress-only-internet-gateway", tags);
    return svc_call_read(ec2i_call, c, "CreateEgressOnlyInternetGateway", in,
                         "egressOnlyInternetGateway", &eigw_shape, out, err);
}

EC2I_DEFINE_DESCRIBE(ec2_describe_egress_only_gateways, ec2_eigws,
                     "DescribeEgressOnlyInternetGateways", "EgressOnlyInternetGatewayId",
                     "egressOnlyInternetGatewaySet", 1, eigw_shape)

int ec2_delete_egress_only_gateway(aws_client *c, const char *id, aws_error *err)
{
    return ec2i_call_simple(c, "DeleteEgressOnlyInternetGateway", svc_input("EgressOnlyInternetGatewayId", id),
                            err);
}
