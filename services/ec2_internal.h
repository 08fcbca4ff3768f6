/*
 * Internals shared by services/ec2_*.c (not for other modules): request building for
 * EC2's query variant and the Describe driver.
 */
#ifndef ECSDEPLOY_EC2_INTERNAL_H
#define ECSDEPLOY_EC2_INTERNAL_H

#include "ec2.h"
#include "svc_json_internal.h"

/* Add TagSpecification.1 {ResourceType, Tag.N} to in when tags has any. */
void ec2i_tag_spec(cJSON *in, const char *resource_type, const svc_tags *tags);

/* A subnet's associated IPv6 /64 ("" when none) (ec2_ipv6.c). */
void ec2i_read_subnet_ipv6(const cJSON *j, char **cidr, char **assoc_id);

/* An IPv6 block's table (ec2_ipv6.c). */
extern const svc_shape ec2i_ipv6_block_shape;

/* A field table's row for EC2's tagSet. */
#define EC2I_TAGS(T) SVC_FTAGS("tagSet", T, tags, "key", "value")

/* What a Describe call looks like on the wire, and how its items are read. */
typedef struct {
    const char *action;    /* "DescribeVpcs" */
    const char *ids_name;  /* "VpcId" */
    const char *items;     /* "vpcSet" */
    int paged;             /* takes MaxResults/NextToken */
    const svc_shape *shape; /* the output item (for ec2i_describe_list) */
} ec2i_describe_spec;

/* Run the Describe call over every page; *items a new array (cJSON_Delete). */
int ec2i_describe(aws_client *c, const ec2i_describe_spec *spec, const ec2_describe_in *in,
                  cJSON **items, aws_error *err);
/* The same, read into an output list {*items, *n} (emptied first) with spec->shape. */
int ec2i_describe_list(aws_client *c, const ec2i_describe_spec *spec,
                       const ec2_describe_in *in, void **items, size_t *n, aws_error *err);

/* Define a client's public Describe: `int fn(aws_client *c, const ec2_describe_in *in,
 * L *out, aws_error *err)` reading every item into the list L (emptied first), by the spec
 * {action, ids_name, items, paged, &shape}:
 *     EC2I_DEFINE_DESCRIBE(ec2_describe_vpcs, ec2_vpcs, "DescribeVpcs", "VpcId", "vpcSet", 1,
 *                          vpc_shape) */
#define EC2I_DEFINE_DESCRIBE(fn, L, action_, ids_, set_, paged_, shape_)                   \
    int fn(aws_client *c, const ec2_describe_in *in, L *out, aws_error *err)                \
    {                                                                                       \
        static const ec2i_describe_spec spec = {action_, ids_, set_, paged_, &(shape_)};   \
        return ec2i_describe_list(c, &spec, in, (void **)&out->items, &out->n, err);      \
    }

/* An action with input in; the output is discarded. Takes ownership of in. */
int ec2i_call_simple(aws_client *c, const char *action, cJSON *in, aws_error *err);
/* An action with input in (owned, deleted); *out the response (cJSON_Delete). */
int ec2i_call(aws_client *c, const char *action, cJSON *in, cJSON **out, aws_error *err);


#endif
