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

/* What is described one by one and waited for: a file system, a mount target, an access
 * point (efsi_file_system in efs.c, efsi_mount_target, efsi_access_point beside theirs). */
typedef struct {
    const char *what;                  /* "file system" */
    const aws_rest_op *op;             /* its Describe* */
    const char *in_token, *out_token;  /* its pages */
    const char *items;                 /* the answer's list */
    const char *id_member;             /* "FileSystemId" */
    const char *not_found;             /* the code when the answer lists none */
    const svc_shape *shape;
    size_t state;                      /* offsetof its LifeCycleState (char *) */
} efsi_kind;

extern const efsi_kind efsi_file_system, efsi_mount_target, efsi_access_point;

/* Every page of the kind's Describe* asked with member = id (member NULL: with no filter;
 * id NULL: ""): *items its elements (cJSON_Delete). */
int efsi_kind_pages(aws_client *c, const efsi_kind *k, const char *member, const char *id,
                    cJSON **items, aws_error *err);
/* The same read with k->shape into the list {*out, *n} (emptied first). */
int efsi_kind_list(aws_client *c, const efsi_kind *k, const char *member, const char *id,
                   void **out, size_t *n, aws_error *err);
/* Describe the one of this id into out (k->shape; zeroed first); -1 with err set to
 * k->not_found (kind AWS_ERR_SERVICE, service efs) when the answer lists none. */
int efsi_describe_one(aws_client *c, const efsi_kind *k, const char *id, void *out,
                      aws_error *err);
/* The lifecycle check behind efs_check_* (efs_wait.c). */
int efsi_check(aws_client *c, const efsi_kind *k, const char *id, efs_want want, char *state,
               size_t size, aws_error *err);

#endif
