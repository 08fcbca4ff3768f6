/* EC2: IPv6 — Amazon-provided blocks of VPCs, /64s of subnets, egress-only gateways. */
#include <stdlib.h>
#include <string.h>

#include "ec2_internal.h"
#include "xalloc.h"

static void read_block(const cJSON *j, ec2_ipv6_block *b)
{
    b->assoc_id = svc_json_dup(j, "associationId");
    b->cidr = svc_json_dup(j, "ipv6CidrBlock");
    b->state = svc_json_dup2(j, "ipv6CidrBlockState", "state");
}

void ec2_ipv6_block_free(ec2_ipv6_block *b)
{
    free(b->assoc_id);
    free(b->cidr);
    free(b->state);
    memset(b, 0, sizeof *b);
}

void ec2i_read_vpc_ipv6(const cJSON *j, ec2_ipv6_block **blocks, size_t *n)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, aws_json_array(j, "ipv6CidrBlockAssociationSet"))
        read_block(e, xgrow((void **)blocks, n, sizeof **blocks));
}

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
    if (out)
        memset(out, 0, sizeof *out);
    cJSON *in = svc_input("VpcId", vpc_id), *resp;
    cJSON_AddBoolToObject(in, "AmazonProvidedIpv6CidrBlock", 1);
    if (ec2i_call(c, "AssociateVpcCidrBlock", in, &resp, err) != 0)
        return -1;
    if (out)
        read_block(cJSON_GetObjectItemCaseSensitive(resp, "ipv6CidrBlockAssociation"), out);
    cJSON_Delete(resp);
    return 0;
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
    if (assoc_id)
        *assoc_id = NULL;
    cJSON *in = svc_input("SubnetId", subnet_id), *resp;
    cJSON_AddStringToObject(in, "Ipv6CidrBlock", ipv6_cidr ? ipv6_cidr : "");
    if (ec2i_call(c, "AssociateSubnetCidrBlock", in, &resp, err) != 0)
        return -1;
    if (assoc_id)
        *assoc_id = svc_json_dup2(resp, "ipv6CidrBlockAssociation", "associationId");
    cJSON_Delete(resp);
    return 0;
}

/* ---- egress-only internet gateways ------------------------------------------------ */

static void read_eigw(const cJSON *j, void *item)
{
    ec2_eigw *g = item;
    g->id = svc_json_dup(j, "egressOnlyInternetGatewayId");
    const cJSON *a = cJSON_GetArrayItem(aws_json_array(j, "attachmentSet"), 0);
    g->vpc_id = svc_json_dup(a, "vpcId");
    ec2i_read_tags(j, &g->tags);
}

void ec2_eigw_free(ec2_eigw *g)
{
    free(g->id);
    free(g->vpc_id);
    svc_tags_free(&g->tags);
    memset(g, 0, sizeof *g);
}

void ec2_eigws_free(ec2_eigws *l)
{
    SVC_LIST_FREE(l, ec2_eigw_free);
}

int ec2_create_egress_only_gateway(aws_client *c, const char *vpc_id, const char *client_token,
                                   const svc_tags *tags, ec2_eigw *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *in = svc_input("VpcId", vpc_id), *resp;
    if (client_token)
        cJSON_AddStringToObject(in, "ClientToken", client_token);
    ec2i_tag_spec(in, "egress-only-internet-gateway", tags);
    if (ec2i_call(c, "CreateEgressOnlyInternetGateway", in, &resp, err) != 0)
        return -1;
    read_eigw(cJSON_GetObjectItemCaseSensitive(resp, "egressOnlyInternetGateway"), out);
    cJSON_Delete(resp);
    return 0;
}

int ec2_describe_egress_only_gateways(aws_client *c, const ec2_describe_in *in, ec2_eigws *out,
                                      aws_error *err)
{
    static const ec2i_describe_spec spec = {"DescribeEgressOnlyInternetGateways", "EgressOnlyInternetGatewayId",
                                            "egressOnlyInternetGatewaySet", 1, sizeof *out->items, read_eigw};
    return ec2i_describe_list(c, &spec, in, (void **)&out->items, &out->n, err);
}

int ec2_delete_egress_only_gateway(aws_client *c, const char *id, aws_error *err)
{
    return ec2i_call_simple(c, "DeleteEgressOnlyInternetGateway", svc_input("EgressOnlyInternetGatewayId", id),
                            err);
}
