/* Internals shared by services/cloudfront*.c (not for other modules). */
#ifndef ECSDEPLOY_CLOUDFRONT_INTERNAL_H
#define ECSDEPLOY_CLOUDFRONT_INTERNAL_H

#include "cloudfront.h"
#include "svc_json_internal.h"

/* The i-th <item> of wrapper's <Items> as read from XML (one item is an object or string,
 * several an array), or NULL past the end. */
const cJSON *cf_item_at(const cJSON *wrapper, const char *item, int i);

/* One CloudFront call: path under /2020-05-31, query (encoded, may be NULL), if_match (may
 * be NULL); body (consumed, may be NULL) is written as <root xmlns=CloudFront's>; guard may
 * be NULL. *out (may be NULL): the answer (cJSON_Delete), with "Headers". */
int cfi_call(aws_client *c, const char *op, const char *method, const char *path,
             const char *query, const char *if_match, const char *root, cJSON *body,
             const aws_lost_answer *guard, cJSON **out, aws_error *err);

/* GET /2020-05-31/KIND/ID: the answer with its ETag header in *out (cJSON_Delete). */
int cfi_get_one(aws_client *c, const char *op, const char *kind, const char *id, cJSON **out,
                aws_error *err);
/* The ETag header of an answer (a new string; "" when none). */
char *cfi_etag_of(const cJSON *out);
/* Every page of a Marker/NextMarker list at path: the <ITEM>s of the answers, flattened
 * into one array (*all, cJSON_Delete); page_size 0: CloudFront's. */
int cfi_list_all(aws_client *c, const char *op, const char *path, const char *item,
                 int page_size, cJSON **all, aws_error *err);

#endif
