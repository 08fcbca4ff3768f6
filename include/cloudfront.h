/*
 * CloudFront client (rest-xml, global: cloudfront.amazonaws.com signed for us-east-1):
 * origin access controls, distributions (a typed configuration for what ecsdeploy manages,
 * kept beside the document CloudFront returned so an update keeps everything else), their
 * ETag versions, the wait until Deployed, tags. Conventions in svc.h; prefix cf_.
 *
 * Versions: every change names the ETag it was read with (InvalidIfMatchVersion without,
 * PreconditionFailed when someone changed it since: read again). A distribution must be
 * disabled and Deployed before DeleteDistribution (DistributionNotDisabled otherwise).
 * Lost answers: CreateDistribution reuses no CallerReference (DistributionAlreadyExists),
 * so a create whose answer was lost is found again by its CallerReference; an origin access
 * control by its name.
 *
 * Outputs: strings are owned and never NULL ("" when absent); free with the _free function.
 */
#ifndef ECSDEPLOY_CLOUDFRONT_H
#define ECSDEPLOY_CLOUDFRONT_H

#include <cjson/cJSON.h>

#include "aws.h"
#include "aws_wait.h"
#include "svc.h"

/* CloudFront reads viewer certificates from ACM in this region only. */
#define CF_CERTIFICATE_REGION "us-east-1"
/* The hosted zone id of every distribution, for Route 53 alias records. */
#define CF_ALIAS_ZONE_ID "Z2FDTNDATAQYW2"
/* CloudFront's managed cache policies (ids from its documentation). */
#define CF_CACHING_OPTIMIZED "658327ea-f89d-4fab-a63d-7e88639e58f6"
#define CF_CACHING_DISABLED "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"

/* An S3 bucket's REST endpoint as an origin domain: "BUCKET.s3.REGION.amazonaws.com"
 * (a new string, free()). */
char *cf_s3_origin_domain(const char *bucket, const char *region);

/* ---- origin access controls ---------------------------------------------------------- */
typedef struct {
    char *id, *name, *description;
    char *origin_type;      /* s3, mediastore, lambda, mediapackagev2 */
    char *signing_behavior; /* always, never, no-override */
    char *signing_protocol; /* sigv4 */
    char *etag;             /* "" in list results */
} cf_oac;

SVC_LIST_TYPE(cf_oac, cf_oacs);

void cf_oac_free(cf_oac *o);

typedef struct {
    const char *name;             /* unique in the account, at most 64 characters */
    const char *description;      /* NULL: "" */
    const char *origin_type;      /* NULL: "s3" */
    const char *signing_behavior; /* NULL: "always" */
} cf_oac_in;

/* CreateOriginAccessControl (sigv4). A create whose answer was lost is found by its name;
 * OriginAccessControlAlreadyExists when the name is taken. *out: the new one with its ETag. */
int cf_create_origin_access_control(aws_client *c, const cf_oac_in *in, cf_oac *out,
                                    aws_error *err);
/* GetOriginAccessControl with its ETag; NoSuchOriginAccessControl when there is none. */
int cf_get_origin_access_control(aws_client *c, const char *id, cf_oac *out, aws_error *err);
/* UpdateOriginAccessControl (name, description, signing behavior; not the origin type). */
int cf_update_origin_access_control(aws_client *c, const char *id, const char *etag,
                                    const cf_oac_in *in, cf_oac *out, aws_error *err);
/* OriginAccessControlInUse while a distribution's origin names it. */
int cf_delete_origin_access_control(aws_client *c, const char *id, const char *etag,
                                    aws_error *err);
/* Every page (page_size per call; 0: CloudFront's 100) into *out (cf_oacs_free). */
int cf_list_origin_access_controls(aws_client *c, int page_size, cf_oacs *out, aws_error *err);

/* ---- response headers policies ------------------------------------------------------- */
typedef struct {
    char *id, *name, *comment;
    svc_tags headers;       /* the custom headers, name -> value, in the policy's order */
    char *etag;             /* "" in list results */
} cf_headers_policy;

SVC_LIST_TYPE(cf_headers_policy, cf_headers_policies);

void cf_headers_policy_free(cf_headers_policy *p);

/* The input: custom headers CloudFront sets on every response (overriding the origin's). */
typedef struct {
    const char *name;         /* unique in the account: letters, digits, '-', '_' */
    const char *comment;      /* NULL: "" */
    const svc_tags *headers;  /* at most 10 */
} cf_headers_policy_in;

/* CreateResponseHeadersPolicy. A create whose answer was lost is found by its name;
 * ResponseHeadersPolicyAlreadyExists when the name is taken. *out: the new one, its ETag. */
int cf_create_headers_policy(aws_client *c, const cf_headers_policy_in *in, cf_headers_policy *out,
                             aws_error *err);
/* GetResponseHeadersPolicy with its ETag; NoSuchResponseHeadersPolicy when there is none. */
int cf_get_headers_policy(aws_client *c, const char *id, cf_headers_policy *out, aws_error *err);
/* UpdateResponseHeadersPolicy: the whole configuration, with the ETag read before. */
int cf_update_headers_policy(aws_client *c, const char *id, const char *etag,
                             const cf_headers_policy_in *in, cf_headers_policy *out, aws_error *err);
/* ResponseHeadersPolicyInUse while a cache behavior names it. */
int cf_delete_headers_policy(aws_client *c, const char *id, const char *etag, aws_error *err);
/* The account's custom policies, every page, into *out (cf_headers_policies_free). */
int cf_list_headers_policies(aws_client *c, cf_headers_policies *out, aws_error *err);

/* ---- distribution configurations -------------------------------------------------------
 * As input the strings are borrowed (NULL counts as ""); in outputs they are owned. */
typedef struct {
    char *id;              /* unique in the distribution */
    char *domain_name;     /* cf_s3_origin_domain(), or the host of a custom origin */
    char *path;            /* "" or "/prefix" */
    char *oac_id;          /* an S3 origin's origin access control; "" none */
    int custom;            /* 0: an S3 REST origin (S3OriginConfig); 1: an HTTP(S) origin */
    char *protocol_policy; /* custom origins: https-only, http-only, match-viewer ("": https-only) */
} cf_origin;

typedef struct {
    int error_code;        /* 403, 404, ... */
    int response_code;     /* 200; 0: none (and no page) */
    char *page;            /* "/index.html" */
    long min_ttl;          /* ErrorCachingMinTTL in seconds; -1: CloudFront's default */
} cf_error_response;

typedef struct {
    char *caller_reference;   /* unique per distribution ever created: never reused */
    char *comment;            /* at most 128 characters */
    int enabled;
    cf_origin *origins;
    size_t norigins;
    /* the default cache behavior */
    char *target_origin;      /* an origin id */
    char *viewer_protocol;    /* redirect-to-https, https-only, allow-all ("": redirect-to-https) */
    char *cache_policy;       /* CF_CACHING_OPTIMIZED, ... */
    char *origin_request_policy;   /* "" none */
    char *response_headers_policy; /* "" none */
    int compress;
    int all_methods;          /* 1: GET, HEAD, OPTIONS, PUT, POST, PATCH, DELETE; 0: GET, HEAD */
    char *default_root_object;     /* "index.html"; "" none */
    svc_strings aliases;      /* alternate domain names (need certificate_arn) */
    char *certificate_arn;    /* an ACM certificate in us-east-1; "": CloudFront's own */
    char *price_class;        /* "" : PriceClass_All */
    int ipv6;
    cf_error_response *errors;
    size_t nerrors;
} cf_config;

void cf_config_free(cf_config *cfg);
/* The DistributionConfig document of cfg as CloudFront's XML wants it (cJSON_Delete). */
cJSON *cf_config_json(const cf_config *cfg);
/* Read a DistributionConfig document (as returned) into *out (cf_config_free). */
void cf_config_read(const cJSON *doc, cf_config *out);
/* Set in doc (a returned DistributionConfig) what cfg manages, keeping the rest of it and its
 * CallerReference: the document to send with cf_update_distribution. */
void cf_config_apply(cJSON *doc, const cf_config *cfg);

/* ---- distributions ------------------------------------------------------------------- */
typedef struct {
    char *id, *arn;
    char *domain_name;     /* dxxxx.cloudfront.net */
    char *status;          /* InProgress, Deployed */
    char *etag;            /* the version to name in the next change */
    char *last_modified;   /* as sent */
    cf_config config;      /* what ecsdeploy manages, read from doc */
    cJSON *doc;            /* the whole DistributionConfig as returned (for cf_config_apply) */
} cf_distribution;

void cf_distribution_free(cf_distribution *d);
/* CreateDistribution (CreateDistributionWithTags when tags has any). A create whose answer
 * was lost is found again by its CallerReference; a CallerReference used before is
 * DistributionAlreadyExists. */
int cf_create_distribution(aws_client *c, const cf_config *cfg, const svc_tags *tags,
                           cf_distribution *out, aws_error *err);
/* GetDistribution: status, configuration and ETag; NoSuchDistribution when there is none. */
int cf_get_distribution(aws_client *c, const char *id, cf_distribution *out, aws_error *err);
/* GetDistributionConfig: *doc (cJSON_Delete) and *etag (free()). */
int cf_get_distribution_config(aws_client *c, const char *id, cJSON **doc, char **etag,
                               aws_error *err);
/* UpdateDistribution with a whole DistributionConfig document (cf_config_apply on the one
 * read with etag). The distribution is InProgress again; *out (may be NULL) its new state. */
int cf_update_distribution(aws_client *c, const char *id, const char *etag, const cJSON *doc,
                           cf_distribution *out, aws_error *err);
/* Read, set Enabled false, update: the first step of a deletion. *out (may be NULL) gets the
 * disabled distribution and its new ETag; then cf_wait_distribution_deployed, then delete. */
int cf_disable_distribution(aws_client *c, const char *id, cf_distribution *out,
                            aws_error *err);
/* DistributionNotDisabled unless disabled and Deployed; PreconditionFailed for a stale etag. */
int cf_delete_distribution(aws_client *c, const char *id, const char *etag, aws_error *err);
/* Poll GetDistribution until Deployed (AWS's waiter: 35 checks 60 s apart; o may bound it
 * otherwise). *out (may be NULL) gets the deployed distribution. */
int cf_wait_distribution_deployed(aws_client *c, const char *id, const aws_wait_opts *o,
                                  cf_distribution *out, aws_error *err);

typedef struct {
    char *id, *arn, *domain_name, *status, *comment;
    int enabled;
    svc_strings origins;   /* origin domain names */
    svc_strings aliases;
} cf_summary;

SVC_LIST_TYPE(cf_summary, cf_summaries);

/* ListDistributions, every page (page_size 0: CloudFront's 100), into *out. */
int cf_list_distributions(aws_client *c, int page_size, cf_summaries *out, aws_error *err);
/* The distribution made with this CallerReference: *found 1 with *out set, or 0. Lists the
 * distributions (those whose comment is comment, when not NULL) and reads their
 * configurations, so it costs a call per candidate. */
int cf_find_distribution(aws_client *c, const char *caller_reference, const char *comment,
                         cf_distribution *out, int *found, aws_error *err);

/* ---- tags (distributions by ARN) ------------------------------------------------------ */
int cf_list_tags_for_resource(aws_client *c, const char *arn, svc_tags *out, aws_error *err);
int cf_tag_resource(aws_client *c, const char *arn, const svc_tags *tags, aws_error *err);
int cf_untag_resource(aws_client *c, const char *arn, const char *const *keys, aws_error *err);

#endif
