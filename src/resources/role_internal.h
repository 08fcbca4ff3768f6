/* IAM policy statements the role kind writes (role_policy.c), kept apart so that unit
 * tests can read them without AWS. Internal to src/resources/. */
#ifndef ECSDEPLOY_RES_ROLE_INTERNAL_H
#define ECSDEPLOY_RES_ROLE_INTERNAL_H

#include <cjson/cJSON.h>

#include "stack.h"

/* {"Effect": "Allow", "Action": [actions], "Resource": resources (taken)}. */
cJSON *role_statement(const char *const *actions, size_t nactions, cJSON *resources);

/* Append to `statements` what `access` to a bucket needs, the bucket's ARN being
 * `bucket_arn` (a string, or a reference to the bucket node's arn; taken):
 *   s3:ListBucket and s3:GetBucketLocation on the bucket — with a prefix, s3:ListBucket
 *   only under StringLike s3:prefix "PREFIX*", in a statement of its own;
 *   read: s3:GetObject, write: s3:PutObject, s3:DeleteObject, s3:AbortMultipartUpload on
 *   the objects ARN/PREFIX then any key (every object without a prefix).
 * conditions_json (may be NULL) is an IAM Condition block added to every statement. */
void role_bucket_statements(cJSON *bucket_arn, const char *prefix, stack_access access,
                            const char *conditions_json, cJSON *statements);

#endif
