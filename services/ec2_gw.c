/* EC2: internet gateways, route tables, routes and associations. */
#include <stdlib.h>
#include <string.h>

#include "ec2_internal.h"
#include "xalloc.h"

/* ---- internet gateways ------------------------------------------------------- */

static void read_igw(const cJSON *j, void *item)
{
    ec2_igw *g = item;
    g->id = svc_json_dup(j, "internetGatewayId");
    g->owner_id = svc_json_dup(j, "ownerId");
    const cJSON *att = aws_json_array(j, "attachmentSet");
    const cJSON *first = att ? cJSON_GetArrayItem(att, 0) : NULL;
    g->vpc_id = svc_json_dup(first, "vpcId");
    g->attach_state = svc_json_dup(first, "state");
    ec2i_read_tags(j, &g->tags);
}

void ec2_igw_free(ec2_igw *g)
{
    free(g->id);
    free(g->owner_id);
    free(g->vpc_id);
    free(g->attach_state);
    svc_tags_free(&g->tags);
    memset(g, 0, sizeof *g);
}

void ec2_igws_free(ec2_igws *l)
{
    SVC_LIST_FREE(l, ec2_igw_free);
}

int ec2_create_internet_gateway(aws_client *c, const svc_tags *tags, ec2_igw *out,
                                aws_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *in = svc_input(NULL, NULL), *resp;
    ec2i_tag_spec(in, "internet-gateway", tags);
    if (ec2i_call(c, "CreateInternetGateway", in, &resp, err) != 0)
        return -1;
    read_igw(cJSON_GetObjectItemCaseSensitive(resp, "internetGateway"), out);
    cJSON_Delete(resp);
    return 0;
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

int ec2_describe_internet_gateways(aws_client *c, const ec2_describe_in *in, ec2_igws *out,
                                   aws_error *err)
{
    static const ec2i_describe_spec spec = {"DescribeInternetGateways", "InternetGatewayId", "internetGatewaySet", 1, sizeof *out->items, read_igw};
    return ec2i_describe_list(c, &spec, in, (void **)&out->items, &out->n, err);
}

/* ---- route tables ---------------------------------------------------------------- */

static void read_route(const cJSON *j, ec2_route *r)
{
    r->destination = svc_json_dup(j, "destinationCidrBlock");
    r->destination_ipv6 = svc_json_dup(j, "destinationIpv6CidrBlock");
    r->gateway_id = svc_json_dup(j, "gatewayId");
    r->nat_gateway_id = svc_json_dup(j, "natGatewayId");
    r->egress_only_gateway_id = svc_json_dup(j, "egressOnlyInternetGatewayId");
    r->state = svc_json_dup(j, "state");
    r->origin = svc_json_dup(j, "origin");
}

static void read_assoc(const cJSON *j, ec2_route_assoc *a)
{
    a->id = svc_json_dup(j, "routeTableAssociationId");
    a->subnet_id = svc_json_dup(j, "subnetId");
    a->gateway_id = svc_json_dup(j, "gatewayId");
    a->state = svc_json_dup2(j, "associationState", "state");
    a->main = aws_json_bool(j, "main", 0);
}

static void read_route_table(const cJSON *j, void *item)
{
    ec2_route_table *t = item;
    const cJSON *e;
    t->id = svc_json_dup(j, "routeTableId");
    t->vpc_id = svc_json_dup(j, "vpcId");
    t->owner_id = svc_json_dup(j, "ownerId");
    cJSON_ArrayForEach(e, aws_json_array(j, "routeSet"))
        read_route(e, xgrow((void **)&t->routes, &t->nroutes, sizeof *t->routes));
    cJSON_ArrayForEach(e, aws_json_array(j, "associationSet"))
        read_assoc(e, xgrow((void **)&t->assocs, &t->nassocs, sizeof *t->assocs));
    ec2i_read_tags(j, &t->tags);
}

void ec2_route_table_free(ec2_route_table *t)
{
    for (size_t i = 0; i < t->nroutes; i++) {
        ec2_route *r = &t->routes[i];
        free(r->destination);
        free(r->destination_ipv6);
        free(r->gateway_id);
        free(r->nat_gateway_id);
        free(r->egress_only_gateway_id);
        free(r->state);
        free(r->origin);
    }
    for (size_t i = 0; i < t->nassocs; i++) {
        free(t->assocs[i].id);
        free(t->assocs[i].subnet_id);
        free(t->assocs[i].gateway_id);
        free(t->assocs[i].state);
    }
    free(t->routes);
    free(t->assocs);
    free(t->id);
    free(t->vpc_id);
    free(t->owner_id);
    svc_tags_free(&t->tags);
    memset(t, 0, sizeof *t);
}

void ec2_route_tables_free(ec2_route_tables *l)
{
    SVC_LIST_FREE(l, ec2_route_table_free);
}

int ec2_create_route_table(aws_client *c, const char *vpc_id, const svc_tags *tags,
                           ec2_route_table *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *in = svc_input("VpcId", vpc_id), *resp;
    ec2i_tag_spec(in, "route-table", tags);
    if (ec2i_call(c, "CreateRouteTable", in, &resp, err) != 0)
        return -1;
    read_route_table(cJSON_GetObjectItemCaseSensitive(resp, "routeTable"), out);
    cJSON_Delete(resp);
    return 0;
}

int ec2_describe_route_tables(aws_client *c, const ec2_describe_in *in, ec2_route_tables *out,
                              aws_error *err)
{
    static const ec2i_describe_spec spec = {"DescribeRouteTables", "RouteTableId", "routeTableSet", 1, sizeof *out->items, read_route_table};
    return ec2i_describe_list(c, &spec, in, (void **)&out->items, &out->n, err);
}

int ec2_delete_route_table(aws_client *c, const char *rtb_id, aws_error *err)
{
    return ec2i_call_simple(c, "DeleteRouteTable", svc_input("RouteTableId", rtb_id), err);
}

static int route_call(aws_client *c, const char *action, const char *rtb_id,
                      const ec2_route_in *r, aws_error *err)
{
    int targets = (r->gateway_id != NULL) + (r->nat_gateway_id != NULL) + (r->egress_only_gateway_id != NULL);
    if (!r->destination || targets != 1) {
        aws_error_set(err, AWS_ERR_INPUT, "InvalidRoute",
                      "%s: a route needs a destination CIDR and exactly one target "
                      "(an internet gateway, a NAT gateway or an egress-only gateway)",
                      action);
        return -1;
    }
    cJSON *in = svc_input("RouteTableId", rtb_id);
    cJSON_AddStringToObject(in, strchr(r->destination, ':') ? "DestinationIpv6CidrBlock" : "DestinationCidrBlock",
                            r->destination);
    if (r->gateway_id)
        cJSON_AddStringToObject(in, "GatewayId", r->gateway_id);
    if (r->nat_gateway_id)
        cJSON_AddStringToObject(in, "NatGatewayId", r->nat_gateway_id);
    if (r->egress_only_gateway_id)
        cJSON_AddStringToObject(in, "EgressOnlyInternetGatewayId", r->egress_only_gateway_id);
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
    if (assoc_id)
        *assoc_id = NULL;
    cJSON *in = svc_input("RouteTableId", rtb_id), *resp;
    cJSON_AddStringToObject(in, "SubnetId", subnet_id ? subnet_id : "");
    if (ec2i_call(c, "AssociateRouteTable", in, &resp, err) != 0)
        return -1;
    if (assoc_id)
        *assoc_id = svc_json_dup(resp, "associationId");
    cJSON_Delete(resp);
    return 0;
}

int ec2_disassociate_route_table(aws_client *c, const char *assoc_id, aws_error *err)
{
    return ec2i_call_simple(c, "DisassociateRouteTable", svc_input("AssociationId", assoc_id),
                            err);
}
