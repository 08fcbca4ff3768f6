/* EC2: internet gateways, route tables, routes and associations. */
#include <stdlib.h>
#include <string.h>

#include "ec2_internal.h"
#include "xalloc.h"

/* ---- internet gateways ------------------------------------------------------- */

static const svc_shape igw_shape = SVC_SHAPE(ec2_igw, NULL, NULL,
    SVC_FIELD("internetGatewayId", SVC_STR, ec2_igw, id),
    SVC_FIELD("ownerId", SVC_STR, ec2_igw, owner_id),
    SVC_FIELD("attachmentSet.0.vpcId", SVC_STR, ec2_igw, vpc_id),
    SVC_FIELD("attachmentSet.0.state", SVC_STR, ec2_igw, attach_state),
    EC2I_TAGS(ec2_igw));

SVC_DEFINE_FREE(ec2_igw_free, ec2_igw, igw_shape)
SVC_DEFINE_LIST_FREE(ec2_igws_free, ec2_igws, igw_shape)

int ec2_create_internet_gateway(aws_client *c, const svc_tags *tags, ec2_igw *out,
                                aws_error *err)
{
    cJSON *in = svc_input(NULL, NULL);
    ec2i_tag_spec(in, "internet-gateway", tags);
    return svc_call_read(ec2i_call, c, "CreateInternetGateway", in, "internetGateway", &igw_shape,
                         out, err);
}

static int igw_vpc_call(aws_client *c, const char *action, const char *igw_id,
                        const char *vpc_id, aws_error *err)
{
    cJSON *in = svc_input("InternetGatewayId", igw_id);
    cJSON_AddStringToObject(in, "VpcId", vpc_id ? vpc_id : "");
    return ec2i_call_simple(c, action, in, err);
}

int ec2_attach_internet_gateway(aws_client *c, const char *igw_id, const char *vpc_id,
                                aws_error *err)
{
    return igw_vpc_call(c, "AttachInternetGateway", igw_id, vpc_id, err);
}

int ec2_detach_internet_gateway(aws_client *c, const char *igw_id, const char *vpc_id,
                                aws_error *err)
{
    return igw_vpc_call(c, "DetachInternetGateway", igw_id, vpc_id, err);
}

int ec2_delete_internet_gateway(aws_client *c, const char *igw_id, aws_error *err)
{
    return ec2i_call_simple(c, "DeleteInternetGateway", svc_input("InternetGatewayId", igw_id),
                            err);
}

EC2I_DEFINE_DESCRIBE(ec2_describe_internet_gateways, ec2_igws, "DescribeInternetGateways",
                     "InternetGatewayId", "internetGatewaySet", 1, igw_shape)

/* ---- route tables ---------------------------------------------------------------- */

static const svc_shape route_shape = SVC_SHAPE(ec2_route, NULL, NULL,
    SVC_FIELD("destinationCidrBlock", SVC_STR, ec2_route, destination),
    SVC_FIELD("destinationIpv6CidrBlock", SVC_STR, ec2_route, destination_ipv6),
    SVC_FIELD("gatewayId", SVC_STR, ec2_route, gateway_id),
    SVC_FIELD("natGatewayId", SVC_STR, ec2_route, nat_gateway_id),
    SVC_FIELD("egressOnlyInternetGatewayId", SVC_STR, ec2_route, egress_only_gateway_id),
    SVC_FIELD("state", SVC_STR, ec2_route, state),
    SVC_FIELD("origin", SVC_STR, ec2_route, origin));

static const svc_shape assoc_shape = SVC_SHAPE(ec2_route_assoc, NULL, NULL,
    SVC_FIELD("routeTableAssociationId", SVC_STR, ec2_route_assoc, id),
    SVC_FIELD("subnetId", SVC_STR, ec2_route_assoc, subnet_id),
    SVC_FIELD("gatewayId", SVC_STR, ec2_route_assoc, gateway_id),
    SVC_FIELD("associationState.state", SVC_STR, ec2_route_assoc, state),
    SVC_FIELD("main", SVC_BOOL, ec2_route_assoc, main));

static const svc_shape route_table_shape = SVC_SHAPE(ec2_route_table, NULL, NULL,
    SVC_FIELD("routeTableId", SVC_STR, ec2_route_table, id),
    SVC_FIELD("vpcId", SVC_STR, ec2_route_table, vpc_id),
    SVC_FIELD("ownerId", SVC_STR, ec2_route_table, owner_id),
    SVC_FLIST("routeSet", ec2_route_table, routes, nroutes, &route_shape),
    SVC_FLIST("associationSet", ec2_route_table, assocs, nassocs, &assoc_shape),
    EC2I_TAGS(ec2_route_table));

SVC_DEFINE_FREE(ec2_route_table_free, ec2_route_table, route_table_shape)
SVC_DEFINE_LIST_FREE(ec2_route_tables_free, ec2_route_tables, route_table_shape)

int ec2_create_route_table(aws_client *c, const char *vpc_id, const svc_tags *tags,
                           ec2_route_table *out, aws_error *err)
{
    cJSON *in = svc_input("VpcId", vpc_id);
    ec2i_tag_spec(in, "route-table", tags);
    return svc_call_read(ec2i_call, c, "CreateRouteTable", in, "routeTable", &route_table_shape,
                         out, err);
}

EC2I_DEFINE_DESCRIBE(ec2_describe_route_tables, ec2_route_tables, "DescribeRouteTables",
                     "RouteTableId", "routeTableSet", 1, route_table_shape)

int ec2_delete_route_table(aws_client *c, const char *rtb_id, aws_error *err)
{
    return ec2i_call_simple(c, "DeleteRouteTable", svc_input("RouteTableId", rtb_id), err);
}

static int route_call(aws_client *c, const char *action, const char *rtb_id,
                      const ec2_route_in *r, aws_error *err)
{
    int targets = (r->gateway_id != NULL) + (r->nat_gateway_id != NULL) + (r->egress_only_gateway_id != NULL);
    if (!r->destination || targets != 1)
        return svc_refuse(err, "InvalidRoute",
                          "%s: a route needs a destination CIDR and exactly one target "
                          "(an internet gateway, a NAT gateway or an egress-only gateway)",
                          action);
    cJSON *in = svc_input("RouteTableId", rtb_id);
    cJSON_AddStringToObject(in, strchr(r->destination, ':') ? "DestinationIpv6CidrBlock" : "DestinationCidrBlock",
                            r->destination);
    svc_add_str(in, "GatewayId", r->gateway_id);
    svc_add_str(in, "NatGatewayId", r->nat_gateway_id);
    svc_add_str(in, "EgressOnlyInternetGatewayId", r->egress_only_gateway_id);
    return ec2i_call_simple(c, action, in, err);
}

int ec2_create_route(aws_client *c, const char *rtb_id, const ec2_route_in *r, aws_error *err)
{
    return route_call(c, "CreateRoute", rtb_id, r, err);
}

int ec2_replace_route(aws_client *c, const char *rtb_id, const ec2_route_in *r, aws_error *err)
{
    return route_call(c, "ReplaceRoute", rtb_id, r, err);
}

int ec2_delete_route(aws_client *c, const char *rtb_id, const char *destination,
                     aws_error *err)
{
    cJSON *in = svc_input("RouteTableId", rtb_id);
    cJSON_AddStringToObject(in, destination && strchr(destination, ':') ? "DestinationIpv6CidrBlock"
                                                                          : "DestinationCidrBlock",
                            destination ? destination : "");
    return ec2i_call_simple(c, "DeleteRoute", in, err);
}

int ec2_associate_route_table(aws_client *c, const char *rtb_id, const char *subnet_id,
                              char **assoc_id, aws_error *err)
{
    cJSON *in = svc_input("RouteTableId", rtb_id);
    cJSON_AddStringToObject(in, "SubnetId", subnet_id ? subnet_id : "");
    return svc_call_str(ec2i_call, c, "AssociateRouteTable", in, "associationId", assoc_id, err);
}

int ec2_disassociate_route_table(aws_client *c, const char *assoc_id, aws_error *err)
{
    return ec2i_call_simple(c, "DisassociateRouteTable", svc_input("AssociationId", assoc_id),
                            err);
}
