/* Shared by services/s3*.c only. */
#ifndef ECSDEPLOY_S3_INTERNAL_H
#define ECSDEPLOY_S3_INTERNAL_H

#include "buf.h"
#include "s3.h"
#include "svc_json_internal.h"

/* One S3 call (operation: its name in the model, which decides how the answer is read);
 * body (consumed, may be NULL) is serialised as <root xmlns=S3>; md5 adds Content-MD5;
 * *out (may be NULL) receives the output (cJSON_Delete). */
int s3_call_(aws_client *c, const char *method, const char *operation, const char *bucket,
             const char *query, const char *root, cJSON *body, int md5,
             const char *const *lists, cJSON **out, aws_error *err);
/* Append "&name=<percent-encoded value>" to q. */
void s3_query_param_(buf *q, const char *name, const char *value);

#endif
