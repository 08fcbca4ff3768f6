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
/* Add a list member of strings (Name.N) from a NULL-terminated array, when not empty. */
void ec2i_add_strings(cJSON *in, const char *name, const char *const *list);
/* Read "tagSet" of obj into out. */
void ec2i_read_tags(const cJSON *obj, svc_tags *out);

/* What a Describe call looks like on the wire. */
typedef struct {
    const char *action;    /* "DescribeVpcs" */
    const char *ids_name;  /* "VpcId" */
    const char *items;     /* "vpcSet" */
    int paged;             /* takes MaxResults/NextToken */
} ec2i_describe_spec;

/* Run the Describe call over every page; *items a new array (cJSON_Delete). */
int ec2i_describe(aws_client *c, const ec2i_describe_spec *spec, const ec2_describe_in *in,
                  cJSON **items, aws_error *err);

/* An action with input in; the output is discarded. Takes ownership of in. */
int ec2i_call_simple(aws_client *c, const char *action, cJSON *in, aws_error *err);
/* An action with input in (owned, deleted); *out the response (cJSON_Delete). */
int ec2i_call(aws_client *c, const char *action, cJSON *in, cJSON **out, aws_error *err);
/* A new input object with one string member (name may be NULL: an empty object). */
cJSON *ec2i_input(const char *name, const char *value);

/* Grow an array of items of size sz by one zeroed element; returns it. */
void *ec2i_grow(void **items, size_t *n, size_t sz);

#endif
