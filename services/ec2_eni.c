/* EC2: network interfaces and tags. */
#include <stdlib.h>
#include <string.h>

#include "ec2_internal.h"
#include "xalloc.h"

static const svc_shape eni_shape = SVC_SHAPE(ec2_eni, NULL, NULL,
    SVC_FIELD("networkInterfaceId", SVC_STR, ec2_eni, id),
    SVC_FIELD("subnetId", SVC_STR, ec2_eni, subnet_id),
    SVC_FIELD("vpcId", SVC_STR, ec2_eni, vpc_id),
    SVC_FIELD("availabilityZone", SVC_STR, ec2_eni, zone),
    SVC_FIELD("status", SVC_STR, ec2_eni, status),
    SVC_FIELD("description", SVC_STR, ec2_eni, description),
    SVC_FIELD("privateIpAddress", SVC_STR, ec2_eni, private_ip),
    SVC_FIELD("association.publicIp", SVC_STR, ec2_eni, public_ip),
    SVC_FIELD("interfaceType", SVC_STR, ec2_eni, interface_type),
    SVC_FIELD("requesterId", SVC_STR, ec2_eni, requester_id),
    SVC_FIELD("requesterManaged", SVC_BOOL, ec2_eni, requester_managed),
    SVC_FSTRINGS("groupSet", ec2_eni, group_ids, "groupId"),
    EC2I_TAGS(ec2_eni));

SVC_DEFINE_LIST_FREE(ec2_enis_free, ec2_enis, eni_shape)

EC2I_DEFINE_DESCRIBE(ec2_describe_network_interfaces, ec2_enis, "DescribeNetworkInterfaces",
                     "NetworkInterfaceId", "networkInterfaceSet", 1, eni_shape)

static cJSON *tag_input(const char *const *resource_ids, const svc_tags *tags, int with_empty)
{
    cJSON *in = cJSON_CreateObject();
    svc_add_strings(in, "ResourceId", resource_ids);
    if (!tags || tags->n == 0)
        return in;
    cJSON *arr = cJSON_AddArrayToObject(in, "Tag");
    for (size_t i = 0; i < tags->n; i++) {
        cJSON *t = cJSON_CreateObject();
        cJSON_AddStringToObject(t, "Key", tags->items[i].key);
        if (tags->items[i].value || with_empty)
            cJSON_AddStringToObject(t, "Value",
                                    tags->items[i].value ? tags->items[i].value : "");
        cJSON_AddItemToArray(arr, t);
    }
    return in;
}

int ec2_create_tags(aws_client *c, const char *const *resource_ids, const svc_tags *tags,
                    aws_error *err)
{
    if (!resource_ids || !resource_ids[0] || !tags || tags->n == 0)
        return svc_refuse(err, "InvalidParameter",
                          "CreateTags needs at least one resource id and one tag");
    return ec2i_call_simple(c, "CreateTags", tag_input(resource_ids, tags, 1), err);
}

int ec2_delete_tags(aws_client *c, const char *const *resource_ids, const svc_tags *tags,
                    aws_error *err)
{
    if (!resource_ids || !resource_ids[0])
        return svc_refuse(err, "InvalidParameter",
                          "DeleteTags needs at least one resource id");
    return ec2i_call_simple(c, "DeleteTags", tag_input(resource_ids, tags, 0), err);
}
