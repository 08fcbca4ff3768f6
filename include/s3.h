/*
 * S3 client: buckets (create, head, delete), public access block, default encryption,
 * policy, lifecycle, tagging, versioning, and emptying a bucket (versioned listing and
 * batch delete). Every function returns 0, or -1 with err filled (NoSuchBucket,
 * BucketAlreadyOwnedByYou, BucketNotEmpty, NotFound for HEAD, ...). Outputs belong to
 * the caller.
 */
#ifndef ECSDEPLOY_S3_H
#define ECSDEPLOY_S3_H

#include <stddef.h>

#include "aws.h"
#include "svc.h"

/* Created in the client's region (LocationConstraint unless us-east-1). */
int s3_create_bucket(aws_client *c, const char *bucket, aws_error *err);
/* 0 when the bucket exists and is ours; -1 with err->code NotFound / Forbidden otherwise. */
int s3_head_bucket(aws_client *c, const char *bucket, aws_error *err);
int s3_delete_bucket(aws_client *c, const char *bucket, aws_error *err);

/* All four public access settings on. */
int s3_block_public_access(aws_client *c, const char *bucket, aws_error *err);
/* kms_key_id NULL: SSE-S3 (AES256); else SSE-KMS with that key and bucket keys on. */
int s3_put_bucket_encryption(aws_client *c, const char *bucket, const char *kms_key_id,
                             aws_error *err);
int s3_put_bucket_policy(aws_client *c, const char *bucket, const char *policy, aws_error *err);
/* *policy receives the JSON text, or NULL when the bucket has none (not an error). */
int s3_get_bucket_policy(aws_client *c, const char *bucket, char **policy, aws_error *err);
int s3_put_bucket_versioning(aws_client *c, const char *bucket, int enabled, aws_error *err);

typedef struct {
    const char *id;
    const char *prefix;          /* "" for the whole bucket */
    int expiration_days;         /* 0: none */
    int noncurrent_days;         /* 0: none */
    int abort_multipart_days;    /* 0: none */
} s3_lifecycle_rule;

int s3_put_bucket_lifecycle(aws_client *c, const char *bucket, const s3_lifecycle_rule *rules,
                            size_t n, aws_error *err);

int s3_put_bucket_tagging(aws_client *c, const char *bucket, const svc_tags *tags,
                          aws_error *err);
/* A bucket without tags gives an empty list (NoSuchTagSet is not an error). */
int s3_get_bucket_tagging(aws_client *c, const char *bucket, svc_tags *tags, aws_error *err);

typedef struct {
    char *key;
    char *version_id;            /* "null" for unversioned objects */
    int delete_marker;
} s3_object_version;

typedef struct {
    s3_object_version *items;
    size_t n;
    char *next_key_marker;       /* NULL when this was the last page */
    char *next_version_marker;
} s3_version_page;

void s3_version_page_free(s3_version_page *p);
/* One page (up to 1000) of object versions and delete markers. Markers may be NULL. */
int s3_list_object_versions(aws_client *c, const char *bucket, const char *key_marker,
                            const char *version_marker, s3_version_page *out, aws_error *err);
/* Delete up to 1000 versions at once; a per-object failure fails the call naming it. */
int s3_delete_objects(aws_client *c, const char *bucket, const s3_object_version *items, size_t n,
                      aws_error *err);
/* Delete every object version and delete marker; *deleted (may be NULL) counts them. */
int s3_empty_bucket(aws_client *c, const char *bucket, size_t *deleted, aws_error *err);

#endif
