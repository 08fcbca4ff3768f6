/*
 * The AWS runtime every service client shares: one aws_client per process holds the
 * configuration (profile, files), the region, endpoint settings, the credentials chain
 * (resolved on first use, refreshed before expiry), the HTTP transport with its shared
 * connections, and the retry quota. All calls are thread-safe.
 *
 * One call per wire protocol. Each returns 0 with *output set (a cJSON object the caller
 * frees with cJSON_Delete), or -1 with err filled (and *output NULL). Calls retry
 * throttling, transient and connection errors in the SDKs' standard mode.
 */
#ifndef ECSDEPLOY_AWS_H
#define ECSDEPLOY_AWS_H

#include <stdio.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "aws_endpoint.h"
#include "aws_error.h"

typedef struct aws_client aws_client;

typedef struct {
    const char *profile;      /* --profile, or NULL */
    const char *region;       /* --region, or NULL */
    const char *endpoint_url; /* --endpoint-url, or NULL */
    int debug;                /* write the redacted wire log to debug_out (stderr if NULL) */
    FILE *debug_out;
    long connect_timeout_ms;  /* 0: 10 s */
    long timeout_ms;          /* per attempt; 0: 60 s */
    int region_optional;      /* do not fail when no region is configured */
} aws_client_options;

/* A new client (free with aws_client_free), or -1 with err: a bad config file, an unknown
 * profile, no region, an invalid max_attempts or endpoint setting. No network I/O. */
int aws_client_new(const aws_client_options *o, aws_client **out, aws_error *err);
void aws_client_free(aws_client *c);

/* The region in effect ("" with region_optional and none configured). Owned by c. */
const char *aws_client_region(const aws_client *c);
/* A client like c (profile, endpoints, debug, timeouts, test hooks) for another region:
 * c itself when region is c's (or NULL/""), else one made on first use, owned by c and
 * freed with it (thread-safe). NULL with err when it cannot be made. For what must live in
 * one region whatever the stack's (CloudFront's certificates in us-east-1) and for
 * looking at every region (ACM's validation records serve them all). */
aws_client *aws_client_in_region(aws_client *c, const char *region, aws_error *err);
/* The active profile's name. Owned by c. */
const char *aws_client_profile(const aws_client *c);

/* What a process learns once per client and reuses (who the caller is): a copy of the
 * string stored under key (free()), or NULL. Thread-safe. */
char *aws_client_memo_get(aws_client *c, const char *key);
void aws_client_memo_put(aws_client *c, const char *key, const char *value);

/* While on, reads through c that are the same request (service, method, path, query,
 * headers, body; an operation that only reads) share one answer: one already answered
 * is given again, one in flight is waited for; a failed one is not shared. For a
 * discovery, whose kinds list the same things: on for its length only (off forgets).
 * Never for answers that may hold secrets (Secrets Manager, SSM, KMS, STS) nor S3 (the
 * stack lock reads fresh). c NULL: nothing. */
void aws_client_share_reads(aws_client *c, int on);

typedef struct {
    char *access_key_id;
    char *secret_access_key;
    char *session_token;      /* NULL for long-term keys */
    time_t expiration;        /* 0 when they do not expire */
    char source[160];         /* which source answered: "environment", "profile dev (shared credentials file)", ... */
} aws_credentials;

/* Resolve (once, then cached; refreshed 5 minutes before expiry) and copy the
 * credentials into out; release with aws_credentials_free. -1 with err (kind
 * AWS_ERR_CREDENTIALS) listing every source tried when none answered. */
int aws_client_credentials(aws_client *c, aws_credentials *out, aws_error *err);
void aws_credentials_free(aws_credentials *cr);

/*
 * Lost answers. A create that AWS does not make idempotent (no client token) may have
 * taken effect although its answer never arrived: the connection broke after the request
 * was sent, the call timed out, or the service answered a server error. Sending it again
 * would make a duplicate. A guarded call therefore asks the caller's finder, after each
 * such failure and before anything else, whether the first attempt happened:
 *   find returns 1 with *output set (shaped like the call's own answer): the call succeeds
 *     with that output and is not sent again;
 *   0: nothing there, the call goes on retrying as usual;
 *   -1 with err filled: the call fails with that error (sending again could duplicate).
 * The finder may make calls with the same client.
 *
 * Removals need no finder: a Delete/Deregister/Release/Revoke/Detach/Disassociate/Remove
 * call (S3: DELETE) that meets a not-found error after one of its attempts lost its
 * answer succeeds with an empty output, since that attempt did the work. And libcurl never
 * re-sends a call that is not a read on its own: every lost answer reaches this logic.
 */
typedef struct {
    int (*find)(void *ctx, cJSON **output, aws_error *err);
    void *ctx;
} aws_lost_answer;

/* awsJson1.1: POST / with X-Amz-Target: <prefix>.<operation>. input may be NULL ({}). */
int aws_json_call(aws_client *c, const char *service, const char *operation, const cJSON *input,
                  cJSON **output, aws_error *err);

/* aws_json_call, with lost answers recovered by guard (NULL: none). */
int aws_json_call_guarded(aws_client *c, const char *service, const char *operation,
                          const cJSON *input, const aws_lost_answer *guard, cJSON **output,
                          aws_error *err);

/* query (IAM, STS, ELBv2, RDS, ElastiCache): input encoded as in aws_form.h (maps: hints
 * naming maps and list element names, may be NULL); output is the <ActionResult> element
 * as cJSON (see aws_xml.h for lists, a hint list that may be NULL). */
int aws_query_call(aws_client *c, const char *service, const char *action, const cJSON *input,
                   const char *const *maps, const char *const *lists, cJSON **output,
                   aws_error *err);

/* aws_query_call, with lost answers recovered by guard (NULL: none). */
int aws_query_call_guarded(aws_client *c, const char *service, const char *action,
                           const cJSON *input, const char *const *maps, const char *const *lists,
                           const aws_lost_answer *guard, cJSON **output, aws_error *err);

/* ec2: input with EC2 wire names (see aws_form.h); output members keep the wire names
 * ("vpcSet", "item" lists become arrays). */
int aws_ec2_call(aws_client *c, const char *action, const cJSON *input, const char *const *lists,
                 cJSON **output, aws_error *err);

/* aws_ec2_call, with lost answers recovered by guard (NULL: none). */
int aws_ec2_call_guarded(aws_client *c, const char *action, const cJSON *input,
                         const char *const *lists, const aws_lost_answer *guard, cJSON **output,
                         aws_error *err);

/* rest-xml for S3. */
typedef struct {
    const char *method;     /* "GET", "PUT", "DELETE", "HEAD", "POST" */
    const char *operation;  /* its name in S3's model ("GetBucketPolicy"): how the answer is
                               read (see aws_output_kind); NULL: as a structure */
    const char *bucket;     /* NULL for ListBuckets */
    const char *key;        /* object key (not encoded), or NULL */
    const char *query;      /* "versions&prefix=a%2Fb" — already encoded, or NULL */
    const char *body;       /* request body (e.g. from aws_xml_from_json), or NULL */
    size_t body_len;
    const char *content_type; /* NULL: application/xml when there is a body */
    int content_md5;        /* add Content-MD5 (DeleteObjects and others require it) */
    const char *if_match;   /* If-Match (an ETag, or "*"), or NULL */
    const char *if_none_match; /* If-None-Match ("*" on writes), or NULL */
    const char *expected_owner; /* x-amz-expected-bucket-owner (an account id), or NULL */
    const char *const *lists; /* list hints for the response (aws_xml.h), or NULL */
} aws_s3_request;

/* *output: the response body's root element as cJSON ({} when empty), plus "Headers":
 * an object of the response headers with lower-case names; a body that is not XML comes
 * as the string "Body" (text up to the first NUL). A HEAD answered 404 gives
 * err->code "NotFound". */
int aws_s3_call(aws_client *c, const aws_s3_request *req, cJSON **output, aws_error *err);

/* rest-xml for the services other than S3 (Route 53, CloudFront). */
typedef struct {
    const char *service;    /* "route53", "cloudfront" (not "s3": aws_s3_call) */
    const char *operation;  /* "CreateDistribution": named in errors; tells reads from removals */
    const char *method;     /* "GET", "POST", "PUT", "DELETE" */
    const char *path;       /* percent-encoded: "/2020-05-31/distribution/E1/config" */
    const char *query;      /* already encoded, or NULL */
    const char *if_match;   /* the If-Match header (CloudFront's ETag versions), or NULL */
    const char *body;       /* XML (aws_xml_from_json), or NULL */
    size_t body_len;
    const char *const *lists; /* list hints for the response (aws_xml.h), or NULL */
} aws_rest_request;

/* *output as aws_s3_call's: the root element's children plus "Headers" (ETag, Location);
 * lost answers recovered by guard (NULL: none). */
int aws_rest_xml_call(aws_client *c, const aws_rest_request *req, const aws_lost_answer *guard,
                      cJSON **output, aws_error *err);

/* A random 32-character hex token (an idempotency token, a caller reference) in out;
 * returns out. */
char *aws_random_token(char out[33]);

/* Initialise the HTTP runtime once, with allocators for libcurl, OpenSSL and cJSON that
 * zero what they free (their buffers hold answers in clear). Call first thing in main(),
 * before any of them allocates; the first client calls it too (OpenSSL's memory may then
 * not be covered). */
void aws_http_global_init(void);

/* Plain http:// or ws:// to a host other than this machine (loopback, localhost) is
 * refused unless ECSDEPLOY_ALLOW_HTTP=1. 0, or -1 with err (AWS_ERR_CONFIG,
 * "InsecureEndpoint") naming `what` ("the exec stream URL") and how to allow it. */
int aws_url_check_transport(const char *url, const char *what, aws_error *err);

/* Times on the wire. "2026-11-24T06:35:22Z", with optional fraction and +hh:mm offset:
 * epoch seconds, or -1. */
time_t aws_time_parse_iso8601(const char *s);
/* "Tue, 24 Nov 2026 06:35:22 GMT" (Date, Last-Modified): epoch seconds, or -1. */
time_t aws_time_parse_http(const char *s);

/* Zero what may hold a secret before freeing it: a string (NULL is fine), a cJSON tree
 * (every name and string value under it). */
void aws_wipe_string_free(char *s);
void aws_json_delete_wiped(cJSON *j);

/* Readers tolerant of XML-derived trees (where every leaf is a string). */
const char *aws_json_str(const cJSON *obj, const char *name); /* NULL when absent; owned by obj */
/* A number (or a numeric string) as an integer; def when absent, not a number, or out of
 * the range of long long (never the undefined conversion). */
long long aws_json_int(const cJSON *obj, const char *name, long long def);
/* d as a long long: 0, or -1 (out untouched) when d is NaN or outside [-2^63, 2^63).
 * Every double that comes from outside goes through this before becoming an integer. */
int aws_double_to_ll(double d, long long *out);
int aws_json_bool(const cJSON *obj, const char *name, int def);
/* The member as an array; NULL when absent. A lone non-array value is not converted. */
const cJSON *aws_json_array(const cJSON *obj, const char *name);

#endif
