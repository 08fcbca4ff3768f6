/*
 * Following pages: NextToken (JSON and EC2), nextToken (ECS), Marker + IsTruncated (IAM),
 * Marker/NextMarker (ELBv2), ContinuationToken/NextContinuationToken + IsTruncated (S3),
 * and markers in two or three parts (S3 KeyMarker + VersionIdMarker; Route 53's record
 * name + type + set identifier).
 */
#ifndef ECSDEPLOY_AWS_PAGINATE_H
#define ECSDEPLOY_AWS_PAGINATE_H

#include <cjson/cJSON.h>

#include "aws.h"

typedef struct {
    const char *in_token;    /* input member for the next page ("NextToken", "Marker") */
    const char *out_token;   /* output member with the token ("nextToken", "NextMarker") */
    const char *in_token2;   /* a second marker pair (S3 VersionIdMarker), or NULL */
    const char *out_token2;
    const char *in_token3;   /* a third part, present on some pages only, or NULL */
    const char *out_token3;
    const char *truncated;   /* output member that must be true to go on ("IsTruncated"), or NULL */
    const char *items;       /* output member whose array elements are collected */
    int max_pages;           /* safety bound; 0 means 1000 */
} aws_page_spec;

/* One call of the operation: the same contract as aws_json_call. */
typedef int (*aws_page_call)(void *ctx, const cJSON *input, cJSON **output, aws_error *err);

/*
 * Call until the last page, collecting the elements of spec->items from every page into
 * *items (a new cJSON array, cJSON_Delete). input (may be NULL) is not modified. Stops
 * with an error when the service repeats a token (a loop) or after max_pages.
 */
int aws_paginate(aws_page_call call, void *ctx, const cJSON *input, const aws_page_spec *spec,
                 cJSON **items, aws_error *err);

/* aws_paginate over aws_json_call(c, service, operation, ...). */
int aws_json_paginate(aws_client *c, const char *service, const char *operation,
                      const cJSON *input, const aws_page_spec *spec, cJSON **items,
                      aws_error *err);
/* aws_paginate over aws_query_call (lists: hints as in aws_xml.h). */
int aws_query_paginate(aws_client *c, const char *service, const char *action, const cJSON *input,
                       const char *const *lists, const aws_page_spec *spec, cJSON **items,
                       aws_error *err);
/* aws_paginate over aws_ec2_call. */
int aws_ec2_paginate(aws_client *c, const char *action, const cJSON *input,
                     const char *const *lists, const aws_page_spec *spec, cJSON **items,
                     aws_error *err);

#endif
