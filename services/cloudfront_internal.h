/* Internals shared by services/cloudfront*.c (not for other modules). */
#ifndef ECSDEPLOY_CLOUDFRONT_INTERNAL_H
#define ECSDEPLOY_CLOUDFRONT_INTERNAL_H

#include "cloudfront.h"
#include "svc_json_internal.h"

/* The i-th <item> of wrapper's <Items> as read from XML (one item is an object or string,
 * several an array), or NULL past the end. */
const cJSON *cf_item_at(const cJSON *wrapper, const char *item, int i);

#endif
