/* What services/iam*.c share: one query call and Marker pages (see iam_internal.h). */
#include "iam_internal.h"

#include <stdlib.h>
#include <string.h>

#include "aws_paginate.h"
#include "xalloc.h"

/* Members that are lists in IAM's answers: of one call, of the pages of a list. */
static const char *const iam_lists[] = {"Tags", "Roles", NULL};
static const char *const iam_page_lists[] = {"Tags", "Roles", "PolicyNames", "AttachedPolicies",
                                             "Policies", "Versions", NULL};

static const svc_api iam_api = {.service = "iam", .lists = iam_lists};
static const svc_api iam_pages_api = {.service = "iam", .lists = iam_page_lists,
                                      .in_token = "Marker", .out_token = "Marker",
                                      .truncated = "IsTruncated", .page_size = "MaxItems"};

/* One query call whose output is only checked; input is consumed. */
int iam_call_(aws_client *c, const char *action, cJSON *in, cJSON **out, aws_error *err)
{
    return svc_query_call(c, &iam_api, action, in, NULL, out, err);
}

/* Follow Marker/IsTruncated pages of action, collecting `items`. */
int iam_list_(aws_client *c, const char *action, cJSON *in, int max_items, const char *items,
              cJSON **all, aws_error *err)
{
    int rc = svc_pages(c, &iam_pages_api, action, in, items, max_items, all, err);
    cJSON_Delete(in);
    return rc;
}

int iam_list_read_(aws_client *c, const char *action, cJSON *in, int max_items,
                   const char *items, const svc_shape *shape, void **out, size_t *n,
                   aws_error *err)
{
    return svc_list(c, &iam_pages_api, action, in, items, max_items, shape, out, n, err);
}
