/*
 * Inside the AWS runtime (src/aws/ only; services use aws.h): the client's state, the
 * signed request pipeline, the credential providers, and test hooks.
 */
#ifndef ECSDEPLOY_AWS_INTERNAL_H
#define ECSDEPLOY_AWS_INTERNAL_H

#include <pthread.h>

#include "aws.h"
#include "aws_config.h"
#include "aws_endpoint.h"
#include "http_internal.h"
#include "aws_retry.h"
#include "buf.h"

/* The transport: aws_http_send by default; tests replace it. */
typedef int (*aws_transport_fn)(void *ctx, const aws_http_request *req, aws_http_response *resp,
                                aws_error *err);

/* A host that could not be reached (unreachable.c): for AWS_UNREACHABLE_MEMORY_S after
 * a call gave up on it, later calls to it fail at once instead of trying again. */
#define AWS_UNREACHABLE_MEMORY_S 10.0
#define AWS_UNREACHABLE_HOSTS 8
typedef struct {
    char host[256];            /* "" when the slot is free */
    double at;                 /* c->mono when the call gave up on it */
    char why[256];             /* the last attempt's error message */
} aws_unreachable_host;

struct aws_client {
    aws_config cfg;
    char *region;
    aws_endpoint_settings eps;
    aws_http *http;
    aws_retry_state retry;
    int debug;
    FILE *debug_out;
    long connect_timeout_ms, timeout_ms;
    double deadline_s;         /* each call, attempts and backoff, ends within this */

    pthread_mutex_t lock;      /* guards skew, the credentials cache and unreachable */
    long skew;                 /* seconds to add to the local clock when signing */
    aws_credentials creds;     /* cache; creds.access_key_id NULL until resolved */
    int creds_resolving;
    pthread_cond_t creds_cond;

    aws_transport_fn transport;
    void *transport_ctx;
    double (*rand01)(void *ctx); /* [0,1) jitter source */
    void (*sleep)(double seconds, void *ctx);
    void *hook_ctx;
    time_t (*now)(void *ctx);  /* wall clock, for refresh decisions and signing */

    /* what it was made with, to make a client of another region (aws_client_in_region) */
    char *opt_profile, *opt_endpoint_url;
    struct aws_client **others; /* clients of other regions, owned (guarded by lock) */
    size_t nothers;
    double (*mono)(void *ctx); /* monotonic seconds, for the call deadline */
    aws_unreachable_host unreachable[AWS_UNREACHABLE_HOSTS];
    cJSON *memo;               /* aws_client_memo_*: key -> string (guarded by lock) */
    int sharing;               /* aws_client_share_reads (guarded by lock) */
    struct aws_share_entry *shared; /* the reads answered or in flight meanwhile */
    pthread_cond_t shared_cond; /* a shared read ended */
};

/* ---- reads that share one answer (read_share.c; see aws_client_share_reads) ---- */
typedef struct aws_share_entry aws_share_entry;

/* One request before signing. */
typedef struct {
    const char *service;       /* id in aws_service_lookup */
    const char *method;
    const char *path;          /* encoded; NULL: "/" (ignored for S3: from bucket/key) */
    const char *query;         /* encoded, without '?'; or NULL */
    const aws_http_header *headers; /* extra headers (Content-Type, X-Amz-Target, ...) */
    size_t nheaders;
    const char *body;
    size_t body_len;
    aws_protocol proto;        /* to read error bodies */
    int s3;                    /* S3 addressing and signing rules */
    const char *bucket, *key;
    int unsigned_request;      /* send without a signature (web identity, SSO portal) */
    const aws_credentials *creds; /* sign with these instead of the client's chain */
    const char *region;        /* override the client's region (SSO portal), or NULL */
    const char *operation;     /* "CreateVpc", ... (NULL: judged by the method) */
} aws_wire_request;

/* For a read r: 1 when resp holds the answer another identical read got (while sharing);
 * else 0, with *mine set when this read is the one the others will wait for (NULL: not
 * shared). Whoever got *mine calls aws_share_end with the send's result. */
int aws_share_begin(aws_client *c, const aws_wire_request *r, aws_http_response *resp,
                    aws_share_entry **mine);
void aws_share_end(aws_client *c, aws_share_entry *mine, int rc, const aws_http_response *resp);
/* Free what is kept (aws_client_free). */
void aws_share_free(aws_client *c);

/*
 * Resolve the endpoint, sign, send with retries, log when debugging. Returns 0 with a
 * 2xx response in resp (release with aws_http_response_free), or -1 with err (resp is
 * then empty).
 */
int aws_client_send(aws_client *c, const aws_wire_request *r, aws_http_response *resp,
                    aws_error *err);

/*
 * aws_client_send with lost answers recovered (see aws_lost_answer in aws.h; g may be
 * NULL). Returns 0 with a 2xx response in resp, 1 when the finder found the effect of a
 * lost answer (*found set, cJSON_Delete; resp empty), or -1 with err.
 */
/* Hosts this client could not reach (unreachable.c), under c->lock. note: a call gave up
 * on host after AWS_RETRY_UNREACHABLE_ATTEMPTS attempts that could not connect (err says
 * why). known: 1 when host is remembered so (err filled: ConnectFailed, saying when and
 * why), else 0. forget: host answered. */
void aws_unreachable_note(aws_client *c, const char *host, const aws_error *err);
int aws_unreachable_known(aws_client *c, const char *host, aws_error *err);
void aws_unreachable_forget(aws_client *c, const char *host);

int aws_client_send_guarded(aws_client *c, const aws_wire_request *r, const aws_lost_answer *g,
                            aws_http_response *resp, cJSON **found, aws_error *err);

/* Query call with explicit credentials or unsigned (used by the STS-based providers). */
int aws_query_call_as(aws_client *c, const char *service, const char *action,
                      const cJSON *input, const aws_credentials *creds, int unsigned_request,
                      cJSON **output, aws_error *err);

/* Test hooks: replace the transport, the jitter, the sleep and the clock (any may be NULL
 * to keep the default). */
void aws_client_set_hooks(aws_client *c, aws_transport_fn transport, void *transport_ctx,
                          double (*rand01)(void *), void (*sleep)(double, void *),
                          time_t (*now)(void *), void *hook_ctx);

/* Test hook: the monotonic clock the call deadline is measured with (ctx: hook_ctx). */
void aws_client_set_mono_clock(aws_client *c, double (*mono)(void *));

/* ---- answers, read as the SDKs read them ---- */

/* What an operation's output is in its model (src/aws/output_kinds.c, generated): the
 * answer is read by that, never by the Content-Type the server declares. */
typedef enum {
    AWS_OUTPUT_STRUCT = 0, /* members, decoded as the protocol says */
    AWS_OUTPUT_NONE,       /* no members: the body, whatever it holds, is not read */
    AWS_OUTPUT_TEXT,       /* a payload string (GetBucketPolicy): the body is the value */
    AWS_OUTPUT_BLOB        /* a payload blob (GetObject): the body is the value */
} aws_output_kind;

/* The kind of service's operation (service as in aws_service_lookup, which is the model's
 * folder name); AWS_OUTPUT_STRUCT for anything the models do not say otherwise. */
aws_output_kind aws_output_kind_of(const char *service, const char *operation);

/* The generated table behind it (output_kinds.c), one row per service model, ended by a
 * row of NULLs. */
typedef struct {
    const char *service;
    const char *no_output; /* " Name Name ... " */
    const char *payload;   /* " Name:text Name:blob ... " */
} aws_output_kinds_row;
extern const aws_output_kinds_row aws_output_kinds[];

/* A 2xx answer into *out (cJSON_Delete), by the operation's output kind (decode.c):
 * awsJson; query and ec2 (lists as in aws_xml.h); rest-xml, plus "Headers" (lower-case
 * names) and a payload as the string "Body". -1 with err (AWS_ERR_PARSE) for a body that
 * a structure output cannot be read from. */
int aws_decode_json(const char *service, const char *operation, const aws_http_response *resp,
                    cJSON **out, aws_error *err);
int aws_decode_xml(aws_protocol proto, const char *service, const char *operation,
                   const char *const *lists, const aws_http_response *resp, cJSON **out,
                   aws_error *err);
int aws_decode_restxml(const char *service, const char *operation, const char *const *lists,
                       const aws_http_response *resp, cJSON **out, aws_error *err);

/* ---- credentials ---- */

/* Every provider returns 0 and leaves out->access_key_id NULL when it is not configured,
 * 0 with out filled when it answered (release with aws_credentials_free), or -1 with err
 * when it is configured but failed.
 * `tried` collects a line per source consulted, for the "none found" message. */
int aws_creds_env(aws_credentials *out, aws_error *err);
int aws_creds_profile(aws_client *c, const char *profile, int depth, buf *tried,
                      aws_credentials *out, aws_error *err);
int aws_creds_web_identity_env(aws_client *c, aws_credentials *out, aws_error *err);
int aws_creds_web_identity(aws_client *c, const char *role_arn, const char *token_file,
                           const char *session_name, aws_credentials *out, aws_error *err);
int aws_creds_assume_role(aws_client *c, const aws_credentials *source, const char *role_arn,
                          const char *session_name, const char *external_id,
                          const char *duration, aws_credentials *out, aws_error *err);
int aws_creds_process(const char *command, const char *profile, aws_credentials *out,
                      aws_error *err);
/* credential_process into words as botocore splits it (POSIX shlex: quotes and
 * backslashes, no shell). 0 with *argv (NULL-terminated; aws_argv_free), or -1 with the
 * reason in why. */
int aws_split_command(const char *command, char ***argv, char *why, size_t whylen);
void aws_argv_free(char **argv);
int aws_creds_sso(aws_client *c, const char *profile, aws_credentials *out, aws_error *err);
int aws_creds_container(aws_client *c, aws_credentials *out, aws_error *err);
int aws_creds_imds(aws_client *c, aws_credentials *out, aws_error *err);

/* Fill out from a JSON/XML-derived object with AccessKeyId, SecretAccessKey,
 * Token/SessionToken and Expiration (ISO 8601). -1 with err when keys are missing. */
int aws_creds_from_object(const cJSON *o, const char *source, aws_credentials *out,
                          aws_error *err);

#endif
