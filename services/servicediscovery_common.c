/* What services/servicediscovery*.c share: one call, List* pages with filters, tags
 * (see servicediscovery_internal.h). */
#include "servicediscovery_internal.h"

#include <stdlib.h>
#include <string.h>

#include "aws_paginate.h"
#include "xalloc.h"

int sdi_call(aws_client *c, const char *operation, cJSON *in, cJSON **out, aws_error *err)
{
    return svc_json_call(c, "servicediscovery", operation, in, out, SVC_PREFIX, err);
}

int sdi_list(aws_client *c, const char *operation, const cJSON *in, const sd_filter *filters,
             size_t nfilters, int page_size, const char *items, cJSON **all, aws_error *err)
{
    cJSON *req = in ? cJSON_Duplicate(in, 1) : cJSON_CreateObject();
    if (nfilters > 0) {
        cJSON *arr = cJSON_AddArrayToObject(req, "Filters");
        for (size_t i = 0; i < nfilters; i++) {
            cJSON *f = cJSON_CreateObject();
            cJSON_AddStringToObject(f, "Name", filters[i].name ? filters[i].name : "");
            cJSON *vals = cJSON_AddArrayToObject(f, "Values");
            if (filters[i].value)
                cJSON_AddItemToArray(vals, cJSON_CreateString(filters[i].value));
            for (size_t k = 0; filters[i].values && filters[i].values[k]; k++)
                cJSON_AddItemToArray(vals, cJSON_CreateString(filters[i].values[k]));
            svc_add_str(f, "Condition", filters[i].condition);
            cJSON_AddItemToArray(arr, f);
        }
    }
    static const svc_api pages = {.protocol = SVC_JSON, .service = "servicediscovery",
                                  .in_token = "NextToken", .out_token = "NextToken",
                                  .page_size = "MaxResults", .flags = SVC_PREFIX};
    int rc = svc_pages(c, &pages, operation, req, items, page_size, all, err);
    cJSON_Delete(req);
    return rc;
}

int sdi_list_read(aws_client *c, const char *operation, const cJSON *in,
                  const sd_filter *filters, size_t nfilters, int page_size, const char *items,
                  const svc_shape *shape, void **out, size_t *n, aws_error *err)
{
    cJSON *all;
    *out = NULL;
    *n = 0;
    if (sdi_list(c, operation, in, filters, nfilters, page_size, items, &all, err) != 0)
        return -1;
    return svc_read_items(all, shape, out, n);
}
