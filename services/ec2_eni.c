/* EC2: network interfaces and tags. */
#include <stdlib.h>
#include <string.h>

#include "ec2_internal.h"
#include "xalloc.h"

static void eni_free(ec2_eni *e)
{
    free(e->id);
    free(e->subnet_id);
    free(e->vpc_id);
    free(e->zone);
    free(e->status);
    free(e->description);
    free(e->private_ip);
    free(e->public_ip);
    free(e->interface_type);
    free(e->requester_id);
    svc_strings_free(&e->group_ids);
    svc_tags_free(&e->tags);
}

void ec2_enis_free(ec2_enis *l)
{
    SVC_LIST_FREE(l, eni_free);
}

static void read_eni(const cJSON *j, void *item)
{
    ec2_eni *e = item;
    e->id = svc_json_dup(j, "networkInterfaceId");
    e->subnet_id = svc_json_dup(j, "subnetId");
    e->vpc_id = svc_json_dup(j, "vpcId");
    e->zone = svc_json_dup(j, "availabilityZone");
    e->status = svc_json_dup(j, "status");
    e->description = svc_json_dup(j, "description");
    e->private_ip = svc_json_dup(j, "privateIpAddress");
    e->public_ip = svc_json_dup2(j, "association", "publicIp");
    e->interface_type = svc_json_dup(j, "interfaceType");
    e->requester_id = svc_json_dup(j, "requesterId");
    e->requester_managed = aws_json_bool(j, "requesterManaged", 0);
    svc_json_strings(j, "groupSet", "groupId", &e->group_ids);
    ec2i_read_tags(j, &e->tags);
}

int ec2_describe_network_interfaces(aws_client *c, const ec2_describe_in *in, ec2_enis *out,
                                    aws_error *err)
{
    static const ec2i_describe_spec spec = {"DescribeNetworkInterfaces", "NetworkInterfaceId",
                                            "networkInterfaceSet", 1, sizeof *out->items,
                                            read_eni};
    return ec2i_describe_list(c, &spec, in, (void **)&out->items, &out->n, err);
}

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
    if (!resource_ids || !resource_ids[0] || !tags || tags->n == 0) {
        aws_error_set(err, AWS_ERR_INPUT, "InvalidParameter",
                      "CreateTags needs at least one resource id and one tag");
        return -1;
    }
    return ec2i_call_simple(c, "CreateTags", tag_input(resource_ids, tags, 1), err);
}

int ec2_delete_tags(aws_client *c, const char *const *resource_ids, const svc_tags *tags,
                    aws_error *err)
{
    if (!resource_ids || !resource_ids[0]) {
        aws_error_set(err, AWS_ERR_INPUT, "InvalidParameter",
                      "DeleteTags needs at least one resource id");
        return -1;
    }
    return ec2i_call_simple(c, "DeleteTags", tag_input(resource_ids, tags, 0), err);
}
