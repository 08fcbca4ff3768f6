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
/* Read "tagSet" of obj into out. */
void ec2i_read_tags(const cJSON *obj, svc_tags *out);

/* The IPv6 blocks of a VPC's wire object (ipv6CidrBlockAssociationSet), and a subnet's
 * associated /64 ("" when none) (ec2_ipv6.c). */
void ec2i_read_vpc_ipv6(const cJSON *j, ec2_ipv6_block **blocks, size_t *n);
void ec2i_read_subnet_ipv6(const cJSON *j, char **cidr, char **assoc_id);

/* Fill one output item (a zeroed ec2_vpc, ...) from its wire object. */
typedef void (*ec2i_read_fn)(const cJSON *j, void *item);

/* What a Describe call looks like on the wire, and how its items are read. */
typedef struct {
    const char *action;    /* "DescribeVpcs" */
    const char *ids_name;  /* "VpcId" */
    const char *items;     /* "vpcSet" */
    int paged;             /* takes MaxResults/NextToken */
    size_t size;           /* sizeof the output item (for ec2i_describe_list) */
    ec2i_read_fn read;     /* its reader (for ec2i_describe_list) */
} ec2i_describe_spec;

/* Run the Describe call over every page, read into an output list {*items, *n} (emptied first) with spec->read. */
int ec2i_describe_list(aws_client *c, const ec2i_describe_spec *spec,
                       const ec2_describe_in *in, void **items, size_t *n, aws_error *err);

/* An action with input in; the output is discarded. Takes ownership of in. */
int ec2i_call_simple(aws_client *c, const char *action, cJSON *in, aws_error *err);
/* An action with input in (owned, deleted); *out the response (cJSON_Delete). */
int ec2i_call(aws_client *c, const char *action, cJSON *in, cJSON **out, aws_error *err);

#endif
