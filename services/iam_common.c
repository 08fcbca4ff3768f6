/* What services/iam*.c share: one query call and Marker pages (see iam_internal.h). */
#include "iam_internal.h"

#include <stdlib.h>
#include <string.h>

#include "aws_paginate.h"
#include "xalloc.h"

/* Members that are lists in IAM's answers. */
static const char *const iam_lists[] = {"Tags", "Roles", NULL};

/* One query call whose output is only checked; input is consumed. */
int iam_call_(aws_client *c, const char *action, cJSON *in, cJSON **out, aws_error *err)
{
    cJSON *o = NULL;
    int rc = aws_query_call(c, "iam", action, in, NULL, iam_lists, &o, err);
    cJSON_Delete(in);
    return svc_call_end(rc, action, 0, o, out, err);
}

/* Follow Marker/IsTruncated pages of action, collecting `items`. */
int iam_list_(aws_client *c, const char *action, cJSON *in, int max_items, const char *items,
              cJSON **all, aws_error *err)
{
    static const char *const lists[] = {"Tags", "Roles", "PolicyNames", "AttachedPolicies",
                                        "Policies", "Versions", NULL};
    aws_page_spec spec = {.in_token = "Marker", .out_token = "Marker",
                          .truncated = "IsTruncated", .items = items};
    if (max_items > 0)
        cJSON_AddNumberToObject(in, "MaxItems", max_items);
    int rc = aws_query_paginate(c, "iam", action, in, lists, &spec, all, err);
    cJSON_Delete(in);
    return rc;
}

int iam_list_read_(aws_client *c, const char *action, cJSON *in, int max_items,
                   const char *items, const svc_shape *shape, void **out, size_t *n,
                   aws_error *err)
{
    cJSON *all;
    *out = NULL;
    *n = 0;
    if (iam_list_(c, action, in, max_items, items, &all, err) != 0)
        return -1;
    return svc_read_items(all, shape, out, n);
}
