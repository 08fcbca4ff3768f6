/* Internals shared by services/rds_*.c (not for other modules). */
#ifndef ECSDEPLOY_RDS_INTERNAL_H
#define ECSDEPLOY_RDS_INTERNAL_H

#include "rds.h"
#include "svc_json_internal.h"

/* Call action with in (owned, deleted), guard may be NULL; *out the <ActionResult>
 * (cJSON_Delete; out may be NULL to discard it). Errors are prefixed with the action. */
int rdsi_call(aws_client *c, const char *action, cJSON *in, const aws_lost_answer *guard,
              cJSON **out, aws_error *err);
/* Every page (Marker/Marker, pages of page_size, 0: AWS's) of action with in (may be NULL;
 * owned), the elements of `items` read with shape into {*out, *n}. */
int rdsi_describe(aws_client *c, const char *action, cJSON *in, const char *items,
                  int page_size, const svc_shape *shape, void **out, size_t *n, aws_error *err);
/* Call action (in owned, guard may be NULL) and read the answer's member `member` into out
 * (may be NULL; zeroed first). */
int rdsi_call_read(aws_client *c, const char *action, cJSON *in, const aws_lost_answer *guard,
                   const char *member, const svc_shape *shape, void *out, aws_error *err);
/* Add a string list from a NULL-terminated array (nothing when NULL; [] when empty). */
void rdsi_add_strings(cJSON *in, const char *name, const char *const *list);
/* The first element of the array member, or NULL. */
const cJSON *rdsi_first(const cJSON *obj, const char *name);
/* 1 when every tag of want is in the TagList of item (an RDS answer's element). */
int rdsi_has_tags(const cJSON *item, const cJSON *want);

/* Instances: the table of an answer's DBInstance element; describe one into a cJSON
 * element (*found NULL when it does not exist; -1 only for other errors). */
extern const svc_shape rdsi_instance_shape;
int rdsi_find_instance(aws_client *c, const char *id, cJSON **found, aws_error *err);
/* A lost answer's finder (aws_lost_answer) on instance id: 1 with *output {"DBInstance": the
 * instance} when took(instance, ud) says the lost call took effect, else 0; with no such
 * instance, gone_took (1: it took effect, *output {}); -1 on other errors. */
int rdsi_find_answer(aws_client *c, const char *id, int (*took)(const cJSON *item, const void *ud),
                     const void *ud, int gone_took, cJSON **output, aws_error *err);

#endif
