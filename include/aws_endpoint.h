/*
 * Regions, services and endpoints.
 *
 * Region: --region, else AWS_REGION, else AWS_DEFAULT_REGION, else the profile's region.
 * Endpoint of a service: --endpoint-url, else AWS_ENDPOINT_URL_<SERVICE>, else
 * AWS_ENDPOINT_URL, else the profile's "services" section (<service> = endpoint_url = X),
 * else the profile's endpoint_url, else the partition's hostname for the region
 * (aws, aws-cn, aws-us-gov; FIPS and dual-stack variants when use_fips_endpoint /
 * use_dualstack_endpoint or AWS_USE_FIPS_ENDPOINT / AWS_USE_DUALSTACK_ENDPOINT are true).
 * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true (or ignore_configured_endpoint_urls) ignores
 * the environment and profile endpoint overrides but not --endpoint-url.
 */
#ifndef ECSDEPLOY_AWS_ENDPOINT_H
#define ECSDEPLOY_AWS_ENDPOINT_H

#include "aws_config.h"
#include "aws_error.h"

/* What the runtime knows about one service. */
typedef struct {
    const char *id;           /* our name: "ec2", "ecs", "elbv2", "s3", "iam", ... */
    const char *prefix;       /* hostname prefix: "elasticloadbalancing" */
    const char *signing_name; /* SigV4 service name */
    const char *env;          /* AWS_ENDPOINT_URL_<env> */
    const char *config_key;   /* key in a [services] section */
    aws_protocol protocol;
    const char *api_version;  /* query/ec2 Version, rest-xml namespace date */
    const char *json_prefix;  /* awsJson X-Amz-Target prefix ("AmazonEC2ContainerServiceV20141113") */
} aws_service_info;

/* The service named id, or NULL. */
const aws_service_info *aws_service_lookup(const char *id);

/*
 * The region in effect (a new string, free()), or NULL with err (kind AWS_ERR_CONFIG)
 * saying where a region can be given. A malformed region name is refused as well.
 */
char *aws_region_resolve(const char *region_opt, const aws_config *cfg, aws_error *err);

/* Settings that shape endpoints, read once per run. */
typedef struct {
    const char *endpoint_url;  /* --endpoint-url, or NULL */
    int use_fips;
    int use_dualstack;
    int ignore_configured;     /* AWS_IGNORE_CONFIGURED_ENDPOINT_URLS */
    const aws_config *cfg;     /* for profile keys; may be NULL */
} aws_endpoint_settings;

/* Fill s from the environment and the active profile (cfg may be NULL). */
void aws_endpoint_settings_load(aws_endpoint_settings *s, const char *endpoint_url_opt,
                                const aws_config *cfg);

typedef struct {
    char url[512];           /* "https://ecs.eu-west-1.amazonaws.com" — no trailing '/' */
    char host[256];          /* the Host header: host[:port] */
    char signing_region[64];
    char signing_name[64];
    char partition[16];      /* "aws", "aws-cn", "aws-us-gov" */
    int overridden;          /* came from an override: S3 then uses path style */
} aws_endpoint;

/* Resolve service (an id of aws_service_lookup) in region. -1 with err for an unknown
 * service, an override that is not an http(s) URL, or an unsupported variant. */
int aws_endpoint_resolve(const aws_endpoint_settings *s, const char *service, const char *region,
                         aws_endpoint *out, aws_error *err);

/*
 * Where to send an S3 request for bucket (may be NULL for ListBuckets) and key (may be
 * NULL): virtual-hosted (https://bucket.s3.region.amazonaws.com/key) on AWS endpoints with
 * DNS-compatible names, path style (https://endpoint/bucket/key) on overridden endpoints,
 * for bucket names with dots or other characters that cannot be a host label, or when
 * force_path is set. url receives the full URL without query, host the Host header, path
 * the request path (percent-encoded, '/' kept). New strings, free() each.
 */
void aws_s3_address(const aws_endpoint *ep, const char *bucket, const char *key, int force_path,
                    char **url, char **host, char **path);

#endif
