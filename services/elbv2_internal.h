/* Internals shared by services/elbv2_*.c (not for other modules). */
#ifndef ECSDEPLOY_ELBV2_INTERNAL_H
#define ECSDEPLOY_ELBV2_INTERNAL_H

#include "elbv2.h"
#include "svc_json_internal.h"

/* Call action with in (owned, deleted); *out the <ActionResult> (cJSON_Delete; out may be
 * NULL to discard it). */
int elbv2i_call(aws_client *c, const char *action, cJSON *in, cJSON **out, aws_error *err);
/* Every page (Marker/NextMarker) of action with in (owned, deleted), the elements of
 * `items` read with shape into {*out, *n}. */
int elbv2i_describe(aws_client *c, const char *action, cJSON *in, const char *items,
                    int page_size, const svc_shape *shape, void **out, size_t *n,
                    aws_error *err);

/* Actions and conditions: encode into a new array (NULL with err on bad input); their
 * tables. */
cJSON *elbv2i_encode_actions(const elbv2_action *a, size_t n, aws_error *err);
cJSON *elbv2i_encode_conditions(const elbv2_condition *c, size_t n, aws_error *err);
extern const svc_shape elbv2i_action_shape, elbv2i_condition_shape;

#endif
