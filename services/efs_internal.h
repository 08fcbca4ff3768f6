/*
 * Internals shared by services/efs*.c (not for other modules): calls, pages and readers.
 */
#ifndef ECSDEPLOY_EFS_INTERNAL_H
#define ECSDEPLOY_EFS_INTERNAL_H

#include "aws_restjson.h"
#include "efs.h"
#include "svc_json_internal.h"

/* op with input in (owned, deleted; NULL: {}); *out the answer (cJSON_Delete), or NULL to
 * discard it. guard may be NULL. */
int efsi_call(aws_client *c, const aws_rest_op *op, cJSON *in, const aws_lost_answer *guard,
              cJSON **out, aws_error *err);

/* Every page of a Describe/List op: the elements of `items` into *list (cJSON_Delete).
 * in_token/out_token: "Marker"/"NextMarker" or "NextToken"/"NextToken". */
int efsi_pages(aws_client *c, const aws_rest_op *op, const cJSON *in, const char *in_token,
               const char *out_token, const char *items, cJSON **list, aws_error *err);

/* A describe by id: read the first element of list (inside owner, which is deleted) into
 * out with shape; -1 with err set to `code` (kind AWS_ERR_SERVICE, service efs) when the
 * answer has no element. */
int efsi_read_only(cJSON *owner, const cJSON *list, const char *code, const char *id,
                   const svc_shape *shape, void *out, aws_error *err);

#endif
