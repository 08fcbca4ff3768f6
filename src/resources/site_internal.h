/* The site kind's two files (site.c: building and changing; site_read.c: discovery and the
 * properties of a distribution). Internal to src/resources/. */
#ifndef ECSDEPLOY_RES_SITE_INTERNAL_H
#define ECSDEPLOY_RES_SITE_INTERNAL_H

#include "cloudfront.h"
#include "res.h"

extern const res_kind res_kind_site;

/* The id of the origin a site's distribution reads its bucket through. */
#define SITE_ORIGIN_ID "s3"

/* The Sid of the site's statement in its bucket's policy (a new string). */
char *site_grant_sid(const char *site);
/* The grant a site's desired properties ask for, as compared: "s3:GetObject on
 * arn:aws:s3:::BUCKET/PATH*" (a new string). */
char *site_grant_text(const char *partition, const char *bucket, const char *path);
/* What the statement `sid` of a bucket policy grants, as site_grant_text says it, with "
 * for ARN" added when it names another distribution than dist_arn; "" when there is none
 * (a new string). */
char *site_grant_found(const char *policy, const char *sid, const char *dist_arn);

/* The actual properties of a distribution (as the desired ones, plus domain_name, url,
 * distribution_id, arn, status); bucket is the bucket its origin reads, grant what that
 * bucket's policy grants it. Caller frees. */
cJSON *site_props(const cf_distribution *d, const char *bucket, const char *grant);
/* The bucket of an S3 origin domain ("B.s3.REGION.amazonaws.com" -> B), a new string, or
 * NULL when it is not one. */
char *site_origin_bucket(const char *domain);

/* The site a CloudFront object without tags (an origin access control, a response headers
 * policy) is the stack's for: named STACK-SITE with the text "ecsdeploy STACK site SITE"
 * (its description or comment); a new string, or NULL when it is not the stack's. */
char *site_owner(const char *stack, const char *name, const char *text);
/* After creating such an object was refused because its name exists (AWS's error code in
 * `code`) and the stack's one of that name was looked for (`found`: 1 found and read, 0
 * none of the stack's, -1 the search failed, err set): 0 when found, else -1; when the
 * name is someone else's, err (AWS_ERR_INPUT, `code`) says so: "the account already has
 * WHAT named NAME ..." (what: "an origin access control"). */
int site_adopted(int found, const char *code, const char *what, const char *name,
                 aws_error *err);

/* How to delete a CloudFront object a distribution may still name: read its ETag (*etag,
 * free()), then delete with it. */
typedef struct {
    const char *what; /* "origin access control" */
    int (*etag)(aws_client *c, const char *id, char **etag, aws_error *err);
    int (*del)(aws_client *c, const char *id, const char *etag, aws_error *err);
} site_cf_object;

/* Delete n's object once no distribution names it (waiting while one still does, showing
 * CloudFront's answer; gone already counts as deleted). */
int site_delete_unused(res_ctx *ctx, res_node *n, const site_cf_object *o, aws_error *err);

/* Every distribution of the stack's sites (kind discover). */
int site_discover(res_ctx *ctx, res_found_list *out, aws_error *err);

#endif
