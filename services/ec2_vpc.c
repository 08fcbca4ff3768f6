/* EC2: VPCs and their attributes, the default VPC, availability zones, subnets. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ec2_internal.h"
#include "xalloc.h"

/* ---- VPCs ------------------------------------------------------------------ */

static const svc_shape vpc_shape = SVC_SHAPE(ec2_vpc, NULL, NULL,
    SVC_FIELD("vpcId", SVC_STR, ec2_vpc, id),
    SVC_FIELD("cidrBlock", SVC_STR, ec2_vpc, cidr),
    SVC_FIELD("state", SVC_STR, ec2_vpc, state),
    SVC_FIELD("dhcpOptionsId", SVC_STR, ec2_vpc, dhcp_options_id),
    SVC_FIELD("ownerId", SVC_STR, ec2_vpc, owner_id),
    SVC_FIELD("isDefault", SVC_BOOL, ec2_vpc, is_default),
    SVC_FLIST("ipv6CidrBlockAssociationSet", ec2_vpc, ipv6, nipv6, &ec2i_ipv6_block_shape),
    EC2I_TAGS(ec2_vpc));

SVC_DEFINE_FREE(ec2_vpc_free, ec2_vpc, vpc_shape)
SVC_DEFINE_LIST_FREE(ec2_vpcs_free, ec2_vpcs, vpc_shape)

int ec2_create_vpc(aws_client *c, const char *cidr, const svc_tags *tags, ec2_vpc *out,
                   aws_error *err)
{
    cJSON *in = svc_input("CidrBlock", cidr);
    ec2i_tag_spec(in, "vpc", tags);
    return svc_call_read(ec2i_call, c, "CreateVpc", in, "vpc", &vpc_shape, out, err);
}

EC2I_DEFINE_DESCRIBE(ec2_describe_vpcs, ec2_vpcs, "DescribeVpcs", "VpcId", "vpcSet", 1, vpc_shape)

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
                       strcmp(attribute, "enableNetworkAddressUsageMetrics") != 0))
        return svc_refuse(err, "InvalidAttribute",
                          "VPC attribute '%s' is not one of enableDnsSupport, enableDnsHostnames, "
                          "enableNetworkAddressUsageMetrics",
                          attribute ? attribute : "(null)");
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

static const svc_shape zone_shape = SVC_SHAPE(ec2_zone, NULL, NULL,
    SVC_FIELD("zoneName", SVC_STR, ec2_zone, name),
    SVC_FIELD("zoneId", SVC_STR, ec2_zone, zone_id),
    SVC_FIELD("zoneState", SVC_STR, ec2_zone, state),
    SVC_FIELD("regionName", SVC_STR, ec2_zone, region),
    SVC_FIELD("zoneType", SVC_STR, ec2_zone, zone_type),
    SVC_FIELD("optInStatus", SVC_STR, ec2_zone, opt_in_status));

SVC_DEFINE_LIST_FREE(ec2_zones_free, ec2_zones, zone_shape)

EC2I_DEFINE_DESCRIBE(ec2_describe_availability_zones, ec2_zones, "DescribeAvailabilityZones",
                     "ZoneName", "availabilityZoneInfo", 0, zone_shape)

int ec2_describe_regions(aws_client *c, svc_strings *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *o;
    if (ec2i_call(c, "DescribeRegions", cJSON_CreateObject(), &o, err) != 0)
        return -1;
    svc_json_strings(o, "regionInfo", "regionName", out);
    cJSON_Delete(o);
    return 0;
}

/* ---- subnets ------------------------------------------------------------------ */

static void read_subnet_ipv6(const cJSON *j, void *item)
{
    ec2_subnet *s = item;
    ec2i_read_subnet_ipv6(j, &s->ipv6_cidr, &s->ipv6_assoc_id);
}

static const svc_shape subnet_shape = SVC_SHAPE(ec2_subnet, read_subnet_ipv6, NULL,
    SVC_FIELD("subnetId", SVC_STR, ec2_subnet, id),
    SVC_FIELD("vpcId", SVC_STR, ec2_subnet, vpc_id),
    SVC_FIELD("cidrBlock", SVC_STR, ec2_subnet, cidr),
    SVC_FIELD("availabilityZone", SVC_STR, ec2_subnet, zone),
    SVC_FIELD("availabilityZoneId", SVC_STR, ec2_subnet, zone_id),
    SVC_FIELD("state", SVC_STR, ec2_subnet, state),
    SVC_FIELD("mapPublicIpOnLaunch", SVC_BOOL, ec2_subnet, map_public_ip_on_launch),
    SVC_FIELD("defaultForAz", SVC_BOOL, ec2_subnet, default_for_az),
    SVC_FIELD("availableIpAddressCount", SVC_LLONG, ec2_subnet, available_ips),
    SVC_FIELD("assignIpv6AddressOnCreation", SVC_BOOL, ec2_subnet, assign_ipv6_on_creation),
    EC2I_TAGS(ec2_subnet),
    SVC_FIELD("", SVC_KEPT, ec2_subnet, ipv6_cidr),
    SVC_FIELD("", SVC_KEPT, ec2_subnet, ipv6_assoc_id));

SVC_DEFINE_FREE(ec2_subnet_free, ec2_subnet, subnet_shape)
SVC_DEFINE_LIST_FREE(ec2_subnets_free, ec2_subnets, subnet_shape)

int ec2_create_subnet(aws_client *c, const char *vpc_id, const char *cidr, const char *zone,
                      const svc_tags *tags, ec2_subnet *out, aws_error *err)
{
    cJSON *in = svc_input("VpcId", vpc_id);
    cJSON_AddStringToObject(in, "CidrBlock", cidr ? cidr : "");
    svc_add_str(in, "AvailabilityZone", zone);
    ec2i_tag_spec(in, "subnet", tags);
    return svc_call_read(ec2i_call, c, "CreateSubnet", in, "subnet", &subnet_shape, out, err);
}

EC2I_DEFINE_DESCRIBE(ec2_describe_subnets, ec2_subnets, "DescribeSubnets", "SubnetId",
                     "subnetSet", 1, subnet_shape)

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
