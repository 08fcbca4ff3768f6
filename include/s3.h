/*
 * S3 client (rest-xml): buckets and their configurations (public access block, default
 * encryption, policy, lifecycle, tags, versioning, CORS), versioned listing and batch deletion
 * composing s3_empty_bucket, and small objects (for tests). Conventions as in svc.h.
 * Refusals arrive as err->code ("BucketAlreadyOwnedByYou", "NoSuchBucket",
 * "BucketNotEmpty", "NoSuchBucketPolicy", "NoSuchLifecycleConfiguration",
 * "ServerSideEncryptionConfigurationNotFoundError", "NoSuchPublicAccessBlockConfiguration",
 * "NoSuchTagSet", ...).
 */
#ifndef ECSDEPLOY_S3_H
#define ECSDEPLOY_S3_H

#include "aws.h"
#include "buf.h"
#include "svc.h"

/* CreateBucket in the client's region (S3 wants the request sent to the region the bucket
 * is made in); outside us-east-1 it sends the LocationConstraint. */
int s3_create_bucket(aws_client *c, const char *bucket, aws_error *err);
/* HeadBucket: 0 with *exists 1 (yours) or 0 (no such bucket); -1 for anything else
 * (403 "Forbidden": the name belongs to someone else). */
int s3_head_bucket(aws_client *c, const char *bucket, int *exists, aws_error *err);
int s3_delete_bucket(aws_client *c, const char *bucket, aws_error *err);

typedef struct {
    char *name;
    char *creation_date;
    char *region;           /* BucketRegion, NULL when S3 did not say */
} s3_bucket;

SVC_LIST_TYPE(s3_bucket, s3_buckets);

/* ListBuckets with names that start with prefix (NULL: all), every page, into *out. */
int s3_list_buckets(aws_client *c, const char *prefix, s3_buckets *out, aws_error *err);

typedef struct {
    int block_public_acls;
    int ignore_public_acls;
    int block_public_policy;
    int restrict_public_buckets;
} s3_public_access_block;

int s3_put_public_access_block(aws_client *c, const char *bucket,
                               const s3_public_access_block *pab, aws_error *err);
int s3_get_public_access_block(aws_client *c, const char *bucket, s3_public_access_block *out,
                               aws_error *err);
int s3_delete_public_access_block(aws_client *c, const char *bucket, aws_error *err);

typedef struct {
    char *algorithm;       /* "AES256", "aws:kms", "aws:kms:dsse" */
    char *kms_key_id;      /* NULL when none */
    int bucket_key_enabled;
} s3_encryption;

void s3_encryption_free(s3_encryption *e);
/* Default encryption: algorithm "AES256" or "aws:kms" (kms_key_id may be NULL). */
int s3_put_bucket_encryption(aws_client *c, const char *bucket, const char *algorithm,
                             const char *kms_key_id, int bucket_key_enabled, aws_error *err);
/* The first rule's default encryption into *out (s3_encryption_free). */
int s3_get_bucket_encryption(aws_client *c, const char *bucket, s3_encryption *out,
                             aws_error *err);

int s3_delete_bucket_encryption(aws_client *c, const char *bucket, aws_error *err);

int s3_put_bucket_policy(aws_client *c, const char *bucket, const char *policy, aws_error *err);
/* *policy: the policy document (free()). */
int s3_get_bucket_policy(aws_client *c, const char *bucket, char **policy, aws_error *err);
int s3_delete_bucket_policy(aws_client *c, const char *bucket, aws_error *err);

/* A lifecycle rule: expire objects under a prefix. As input the strings are borrowed;
 * in outputs they are owned (s3_lifecycle_rules_free). Days of 0 mean "not set". */
typedef struct {
    char *id;
    char *prefix;             /* "" or NULL: the whole bucket */
    int enabled;
    int expiration_days;      /* Expiration/Days */
    int noncurrent_days;      /* NoncurrentVersionExpiration/NoncurrentDays */
    int abort_multipart_days; /* AbortIncompleteMultipartUpload/DaysAfterInitiation */
} s3_lifecycle_rule;

SVC_LIST_TYPE(s3_lifecycle_rule, s3_lifecycle_rules);

int s3_put_bucket_lifecycle(aws_client *c, const char *bucket, const s3_lifecycle_rule *rules,
                            size_t n, aws_error *err);
int s3_get_bucket_lifecycle(aws_client *c, const char *bucket, s3_lifecycle_rules *out,
                            aws_error *err);
int s3_delete_bucket_lifecycle(aws_client *c, const char *bucket, aws_error *err);

/* A CORS rule. As input the strings are borrowed; in outputs they are owned
 * (s3_cors_rules_free). */
typedef struct {
    char *id;                   /* NULL or "": none */
    svc_strings origins;        /* "https://app.example.com", at most one '*' each */
    svc_strings methods;        /* GET, PUT, HEAD, POST, DELETE */
    svc_strings headers;        /* AllowedHeader, may be empty */
    svc_strings expose_headers; /* ExposeHeader, may be empty */
    long max_age;               /* MaxAgeSeconds; -1: none */
} s3_cors_rule;

SVC_LIST_TYPE(s3_cors_rule, s3_cors_rules);

/* PutBucketCors (with Content-MD5) replaces every rule; n must be 1..100. */
int s3_put_bucket_cors(aws_client *c, const char *bucket, const s3_cors_rule *rules, size_t n,
                       aws_error *err);
/* The rules into *out (s3_cors_rules_free); a bucket without CORS gives none, not an error
 * (a missing bucket is NoSuchBucket). */
int s3_get_bucket_cors(aws_client *c, const char *bucket, s3_cors_rules *out, aws_error *err);
int s3_delete_bucket_cors(aws_client *c, const char *bucket, aws_error *err);

/* PutBucketTagging replaces the whole tag set. */
int s3_put_bucket_tagging(aws_client *c, const char *bucket, const svc_tags *tags,
                          aws_error *err);
/* Tags into *out (svc_tags_free); a bucket without tags gives an empty list, not an error. */
int s3_get_bucket_tagging(aws_client *c, const char *bucket, svc_tags *out, aws_error *err);

int s3_delete_bucket_tagging(aws_client *c, const char *bucket, aws_error *err);

/* *status: "Enabled", "Suspended" or "" (never enabled); owned by the caller (free()). */
int s3_get_bucket_versioning(aws_client *c, const char *bucket, char **status,
                             aws_error *err);
/* Status "Enabled" or "Suspended". */
int s3_put_bucket_versioning(aws_client *c, const char *bucket, const char *status,
                             aws_error *err);

typedef struct {
    char *key;
    char *version_id;       /* "null" for objects written before versioning */
    int delete_marker;
    int is_latest;
} s3_object_version;

SVC_LIST_TYPE(s3_object_version, s3_object_versions);

/* ListObjectVersions under prefix (NULL: all): every version and delete marker, every
 * page (max_keys per page; 0: the service default), appended to *out (zero it first). */
int s3_list_object_versions(aws_client *c, const char *bucket, const char *prefix,
                            int max_keys, s3_object_versions *out, aws_error *err);
/* DeleteObjects (quiet, with Content-MD5) of n versions, in batches of up to 1000. A key
 * S3 refuses makes the call fail with its code and key. *deleted (may be NULL) counts
 * what was deleted. */
int s3_delete_objects(aws_client *c, const char *bucket, const s3_object_version *v, size_t n,
                      size_t *deleted, aws_error *err);
/* Delete every object version and delete marker, so that DeleteBucket can succeed.
 * *deleted (may be NULL) counts them. A missing bucket is an error (NoSuchBucket). */
int s3_empty_bucket(aws_client *c, const char *bucket, size_t *deleted, aws_error *err);

/* Small objects (text), for tests and probes. *version_id (may be NULL) gets the new
 * version (free(); NULL when unversioned). */
int s3_put_object(aws_client *c, const char *bucket, const char *key, const char *body,
                  char **version_id, aws_error *err);
/* *body: the object's bytes as text (free()), whatever content type it was stored with;
 * up to the first NUL: use this for text only. */
int s3_get_object(aws_client *c, const char *bucket, const char *key, char **body,
                  aws_error *err);

/* ---- conditional writes (S3's compare-and-swap on one object) ---- */

typedef struct {
    const char *if_match;       /* write/delete only if the current ETag is this ("*": any) */
    int if_none_match;          /* write only if no object has the key */
    const char *expected_owner; /* the bucket must belong to this account (else 403) */
} s3_condition;

/* PutObject of text with conditions. *etag (may be NULL) gets the new ETag (free()).
 * A failed condition: err classes AWS_IS_EXISTS (412 PreconditionFailed: the object is
 * there, or another ETag), AWS_IS_NOT_FOUND (If-Match and no object, or no bucket),
 * AWS_IS_BUSY (409 ConditionalRequestConflict: try again). */
int s3_put_object_if(aws_client *c, const char *bucket, const char *key, const char *body,
                     const s3_condition *cond, char **etag, aws_error *err);

typedef struct {
    char *body;          /* text up to the first NUL */
    char *etag;
    time_t last_modified; /* -1 when unknown */
    time_t server_date;   /* the answer's Date: S3's clock when it answered; -1 unknown */
} s3_object;

/* GetObject with its ETag, Last-Modified and the server's Date (s3_object_free). */
int s3_get_object_meta(aws_client *c, const char *bucket, const char *key,
                       const char *expected_owner, s3_object *out, aws_error *err);
void s3_object_free(s3_object *o);

/* DeleteObject with conditions (if_match). */
int s3_delete_object_if(aws_client *c, const char *bucket, const char *key,
                        const s3_condition *cond, aws_error *err);

#endif
