/* Internals shared by services/servicediscovery*.c (not for other modules). */
#ifndef ECSDEPLOY_SERVICEDISCOVERY_INTERNAL_H
#define ECSDEPLOY_SERVICEDISCOVERY_INTERNAL_H

#include "servicediscovery.h"
#include "svc_json_internal.h"

/* Call operation with in (owned, deleted); *out the response (NULL: discard). */
int sdi_call(aws_client *c, const char *operation, cJSON *in, cJSON **out, aws_error *err);
/* Every page of a List* call with filters (and extra input members in `in`, may be NULL;
 * not modified); *items a new array of the `items` member's elements. */
int sdi_list(aws_client *c, const char *operation, const cJSON *in, const sd_filter *filters,
             size_t nfilters, int page_size, const char *items, cJSON **all, aws_error *err);
/* The same, the items read with shape into {*out, *n} (emptied first). */
int sdi_list_read(aws_client *c, const char *operation, const cJSON *in,
                  const sd_filter *filters, size_t nfilters, int page_size, const char *items,
                  const svc_shape *shape, void **out, size_t *n, aws_error *err);

#endif
