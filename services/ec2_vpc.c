/* EC2: VPCs and their attributes, the default VPC, availability zones, subnets. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ec2_internal.h"
#include "xalloc.h"

/* ---- VPCs ------------------------------------------------------------------ */

static void read_vpc(const cJSON *j, void *item)
{
    ec2_vpc *v = item;
    v->id = svc_json_dup(j, "vpcId");
    v->cidr = svc_json_dup(j, "cidrBlock");
    v->state = svc_json_dup(j, "state");
    v->dhcp_options_id = svc_json_dup(j, "dhcpOptionsId");
    v->owner_id = svc_json_dup(j, "ownerId");
    v->is_default = aws_json_bool(j, "isDefault", 0);
    ec2i_read_vpc_ipv6(j, &v->ipv6, &v->nipv6);
    ec2i_read_tags(j, &v->tags);
}

void ec2_vpc_free(ec2_vpc *v)
{
    free(v->id);
    free(v->cidr);
    free(v->state);
    free(v->dhcp_options_id);
    free(v->owner_id);
    for (size_t i = 0; i < v->nipv6; i++)
        ec2_ipv6_block_free(&v->ipv6[i]);
    free(v->ipv6);
    svc_tags_free(&v->tags);
    memset(v, 0, sizeof *v);
}

void ec2_vpcs_free(ec2_vpcs *l)
{
    SVC_LIST_FREE(l, ec2_vpc_free);
}

int ec2_create_vpc(aws_client *c, const char *cidr, const svc_tags *tags, ec2_vpc *out,
                   aws_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *in = svc_input("CidrBlock", cidr), *resp;
    ec2i_tag_spec(in, "vpc", tags);
    if (ec2i_call(c, "CreateVpc", in, &resp, err) != 0)
        return -1;
    read_vpc(cJSON_GetObjectItemCaseSensitive(resp, "vpc"), out);
    cJSON_Delete(resp);
    return 0;
}

int ec2_describe_vpcs(aws_client *c, const ec2_describe_in *in, ec2_vpcs *out, aws_error *err)
{
    static const ec2i_describe_spec spec = {"DescribeVpcs", "VpcId", "vpcSet", 1, sizeof *out->items, read_vpc};
    return ec2i_describe_list(c, &spec, in, (void **)&out->items, &out->n, err);
}

int ec2_delete_vpc(aws_client *c, const char *vpc_id, aws_error *err)
{
    return ec2i_call_simple(c, "DeleteVpc", svc_input("VpcId", vpc_id), err);
}

int ec2_default_vpc(aws_client *c, ec2_vpc *out, int *found, aws_error *err)
{
    ec2_filter f = {"is-default", "true", NULL};
    ec2_describe_in in = {.filters = &f, .nfilters = 1};
    ec2_vpcs l;
    memset(out, 0, sizeof *out);
    *found = 0;
    if (ec2_describe_vpcs(c, &in, &l, err) != 0)
        return -1;
    if (l.n > 0) {
        *out = l.items[0];
        memset(&l.items[0], 0, sizeof l.items[0]);
        *found = 1;
    }
    ec2_vpcs_free(&l);
    return 0;
}

/* "enableDnsSupport" -> "EnableDnsSupport"; -1 for an attribute we do not know. */
static int attribute_member(const char *attribute, char *out, size_t size, aws_error *err)
{
    if (!attribute || (strcmp(attribute, "enableDnsSupport") != 0 &&
                       strcmp(attribute, "enableDnsHostnames") != 0 &&
                       strcmp(attribute, "enableNetworkAddressUsageMetrics") != 0)) {
        aws_error_set(err, AWS_ERR_INPUT, "InvalidAttribute",
                      "VPC attribute '%s' is not one of enableDnsSupport, enableDnsHostnames, "
                      "enableNetworkAddressUsageMetrics",
                      attribute ? attribute : "(null)");
        return -1;
    }
    snprintf(out, size, "%s", attribute);
    out[0] = (char)toupper((unsigned char)out[0]);
    return 0;
}

int ec2_modify_vpc_attribute(aws_client *c, const char *vpc_id, const char *attribute, int value,
                             aws_error *err)
{
    char member[64];
    if (attribute_member(attribute, member, sizeof member, err) != 0)
        return -1;
    cJSON *in = svc_input("VpcId", vpc_id);
    cJSON *v = cJSON_AddObjectToObject(in, member);
    cJSON_AddBoolToObject(v, "Value", value != 0);
    return ec2i_call_simple(c, "ModifyVpcAttribute", in, err);
}

int ec2_describe_vpc_attribute(aws_client *c, const char *vpc_id, const char *attribute,
                               int *value, aws_error *err)
{
    char member[64];
    *value = 0;
    if (attribute_member(attribute, member, sizeof member, err) != 0)
        return -1;
    cJSON *in = svc_input("VpcId", vpc_id), *resp;
    cJSON_AddStringToObject(in, "Attribute", attribute);
    if (ec2i_call(c, "DescribeVpcAttribute", in, &resp, err) != 0)
        return -1;
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(resp, attribute);
    int v = aws_json_bool(a, "value", -1);
    cJSON_Delete(resp);
    if (v < 0) {
        aws_error_set(err, AWS_ERR_PARSE, "MissingAttribute",
                      "DescribeVpcAttribute: the answer for %s has no %s value", vpc_id,
                      attribute);
        return -1;
    }
    *value = v;
    return 0;
}

/* ---- zones ------------------------------------------------------------------ */

static void zone_free(ec2_zone *z)
{
    free(z->name);
    free(z->zone_id);
    free(z->state);
    free(z->region);
    free(z->zone_type);
    free(z->opt_in_status);
}

void ec2_zones_free(ec2_zones *l)
{
    SVC_LIST_FREE(l, zone_free);
}

static void read_zone(const cJSON *e, void *item)
{
    ec2_zone *z = item;
    z->name = svc_json_dup(e, "zoneName");
    z->zone_id = svc_json_dup(e, "zoneId");
    z->state = svc_json_dup(e, "zoneState");
    z->region = svc_json_dup(e, "regionName");
    z->zone_type = svc_json_dup(e, "zoneType");
    z->opt_in_status = svc_json_dup(e, "optInStatus");
}

int ec2_describe_availability_zones(aws_client *c, const ec2_describe_in *in, ec2_zones *out,
                                    aws_error *err)
{
    static const ec2i_describe_spec spec = {"DescribeAvailabilityZones", "ZoneName",
                                            "availabilityZoneInfo", 0, sizeof *out->items,
                                            read_zone};
    return ec2i_describe_list(c, &spec, in, (void **)&out->items, &out->n, err);
}

int ec2_describe_regions(aws_client *c, svc_strings *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *o;
    if (ec2i_call(c, "DescribeRegions", cJSON_CreateObject(), &o, err) != 0)
        return -1;
    const cJSON *r;
    cJSON_ArrayForEach(r, aws_json_array(o, "regionInfo")) {
        const char *name = aws_json_str(r, "regionName");
        if (name)
            svc_strings_add(out, name);
    }
    cJSON_Delete(o);
    return 0;
}

/* ---- subnets ------------------------------------------------------------------ */

static void read_subnet(const cJSON *j, void *item)
{
    ec2_subnet *s = item;
    s->id = svc_json_dup(j, "subnetId");
    s->vpc_id = svc_json_dup(j, "vpcId");
    s->cidr = svc_json_dup(j, "cidrBlock");
    s->zone = svc_json_dup(j, "availabilityZone");
    s->zone_id = svc_json_dup(j, "availabilityZoneId");
    s->state = svc_json_dup(j, "state");
    s->map_public_ip_on_launch = aws_json_bool(j, "mapPublicIpOnLaunch", 0);
    s->default_for_az = aws_json_bool(j, "defaultForAz", 0);
    s->available_ips = aws_json_int(j, "availableIpAddressCount", 0);
    s->assign_ipv6_on_creation = aws_json_bool(j, "assignIpv6AddressOnCreation", 0);
    ec2i_read_subnet_ipv6(j, &s->ipv6_cidr, &s->ipv6_assoc_id);
    ec2i_read_tags(j, &s->tags);
}

void ec2_subnet_free(ec2_subnet *s)
{
    free(s->id);
    free(s->vpc_id);
    free(s->cidr);
    free(s->zone);
    free(s->zone_id);
    free(s->state);
    free(s->ipv6_cidr);
    free(s->ipv6_assoc_id);
    svc_tags_free(&s->tags);
    memset(s, 0, sizeof *s);
}

void ec2_subnets_free(ec2_subnets *l)
{
    SVC_LIST_FREE(l, ec2_subnet_free);
}

int ec2_create_subnet(aws_client *c, const char *vpc_id, const char *cidr, const char *zone,
                      const svc_tags *tags, ec2_subnet *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *in = svc_input("VpcId", vpc_id), *resp;
    cJSON_AddStringToObject(in, "CidrBlock", cidr ? cidr : "");
    if (zone)
        cJSON_AddStringToObject(in, "AvailabilityZone", zone);
    ec2i_tag_spec(in, "subnet", tags);
    if (ec2i_call(c, "CreateSubnet", in, &resp, err) != 0)
        return -1;
    read_subnet(cJSON_GetObjectItemCaseSensitive(resp, "subnet"), out);
    cJSON_Delete(resp);
    return 0;
}

int ec2_describe_subnets(aws_client *c, const ec2_describe_in *in, ec2_subnets *out,
                         aws_error *err)
{
    static const ec2i_describe_spec spec = {"DescribeSubnets", "SubnetId", "subnetSet", 1, sizeof *out->items, read_subnet};
    return ec2i_describe_list(c, &spec, in, (void **)&out->items, &out->n, err);
}

int ec2_delete_subnet(aws_client *c, const char *subnet_id, aws_error *err)
{
    return ec2i_call_simple(c, "DeleteSubnet", svc_input("SubnetId", subnet_id), err);
}

int ec2_set_map_public_ip(aws_client *c, const char *subnet_id, int value, aws_error *err)
{
    cJSON *in = svc_input("SubnetId", subnet_id);
    cJSON *v = cJSON_AddObjectToObject(in, "MapPublicIpOnLaunch");
    cJSON_AddBoolToObject(v, "Value", value != 0);
    return ec2i_call_simple(c, "ModifySubnetAttribute", in, err);
}
