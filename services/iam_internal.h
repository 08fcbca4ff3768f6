/* Shared by services/iam*.c only. */
#ifndef ECSDEPLOY_IAM_INTERNAL_H
#define ECSDEPLOY_IAM_INTERNAL_H

#include "iam.h"
#include "svc_json_internal.h"

/* iam_call_: one call, input consumed, *out (may be NULL) the result (cJSON_Delete).
 * iam_list_: every Marker page, input consumed. */
int iam_call_(aws_client *c, const char *action, cJSON *in, cJSON **out, aws_error *err);
int iam_list_(aws_client *c, const char *action, cJSON *in, int max_items, const char *items,
              cJSON **all, aws_error *err);
/* iam_list_ with the items read with shape into {*out, *n} (emptied first). */
int iam_list_read_(aws_client *c, const char *action, cJSON *in, int max_items,
                   const char *items, const svc_shape *shape, void **out, size_t *n,
                   aws_error *err);

#endif
