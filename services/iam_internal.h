/* Shared by services/iam*.c only. */
#ifndef ECSDEPLOY_IAM_INTERNAL_H
#define ECSDEPLOY_IAM_INTERNAL_H

#include "iam.h"

/* iam_call_: one call, input consumed, *out (may be NULL) the result (cJSON_Delete).
 * iam_list_: every Marker page, input consumed. */
int iam_call_(aws_client *c, const char *action, cJSON *in, cJSON **out, aws_error *err);
int iam_list_(aws_client *c, const char *action, cJSON *in, int max_items, const char *items,
              cJSON **all, aws_error *err);

#endif
