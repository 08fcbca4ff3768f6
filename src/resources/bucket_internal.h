/* Shared by the kinds that write into a bucket's settings (bucket.c, site.c): the bucket
 * policy as a set of statements each owned by one writer, told apart by their Sid.
 * Internal to src/resources/. */
#ifndef ECSDEPLOY_RES_BUCKET_INTERNAL_H
#define ECSDEPLOY_RES_BUCKET_INTERNAL_H

#include <cjson/cJSON.h>

#include "res.h"

/* Put `statement` (its Sid set to sid; NULL: take the Sid's statement out) in the policy of
 * `bucket`, keeping every other statement as it is; the policy is deleted once no statement
 * is left. Read, change and write are one step for the whole process, so that two writers
 * never lose each other's statements. A missing bucket is NoSuchBucket in err. */
int bucket_policy_put(res_ctx *ctx, const char *bucket, const char *sid, const cJSON *statement,
                      aws_error *err);
/* The same for a bucket this run has just created, which has no policy yet: nothing to
 * read and keep. */
int bucket_policy_put_new(res_ctx *ctx, const char *bucket, const char *sid,
                          const cJSON *statement, aws_error *err);
/* The statement with this Sid in a policy document (JSON text, may be NULL), or NULL
 * (cJSON_Delete). */
cJSON *bucket_policy_statement(const char *doc, const char *sid);
/* The policy document of a bucket into *doc (free(); NULL when it has none). */
int bucket_policy_read(res_ctx *ctx, const char *bucket, char **doc, aws_error *err);

/* The name of the bucket of node n (a bucket node): the file's, or the default one, which
 * needs the account (one STS call per context, then remembered). Caller frees; NULL with
 * err when the account cannot be read. Before after_discover this is the new default, not
 * a legacy STACK-BUCKET name an older version made. */
char *bucket_name_of(res_ctx *ctx, const res_node *n, aws_error *err);

#endif
