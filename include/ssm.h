/*
 * SSM client (awsJson1.1): Parameter Store — put, read (one, many, by path), describe with
 * filters, delete, tags — and Session Manager sessions (start, terminate: port forwarding
 * through a task's ECS Exec agent, src/exec/forward.c). Conventions as in svc.h; error codes as SSM sends them
 * (ParameterNotFound, ParameterAlreadyExists, InvalidKeyId, ...; ask aws_error_is).
 *
 * Secrets: a SecureString value is a secret. Values live only in memory the caller wipes
 * (ssm_parameter_free and ssm_parameters_free do, with OPENSSL_cleanse); the --debug wire
 * log hides every "Value" of SSM requests and answers (aws_wirelog.h); no error message
 * of this client repeats a value.
 *
 * Lost answers: PutParameter has no token. When its answer is lost, the parameter is read
 * back (decrypted) before anything is sent again; if it already holds this value and type,
 * the put happened and is not repeated (which also keeps Overwrite puts from adding a
 * second version).
 */
#ifndef ECSDEPLOY_SSM_H
#define ECSDEPLOY_SSM_H

#include <stddef.h>
#include <time.h>

#include "aws.h"
#include "svc.h"

typedef struct {
    const char *name;            /* "/stack/db/url": a path, or a plain name */
    const char *value;           /* SECRET for SecureString; 4 KB at most (Advanced: 8 KB) */
    const char *type;            /* "String", "StringList", "SecureString"; NULL: keep */
    const char *description;     /* or NULL */
    const char *key_id;          /* SecureString: a KMS key id, ARN or alias; NULL: alias/aws/ssm */
    const char *tier;            /* NULL: Standard (an Advanced parameter stays Advanced) */
    const char *allowed_pattern; /* or NULL */
    const char *data_type;       /* NULL: "text" */
    int overwrite;
    const svc_tags *tags;        /* only without overwrite (SSM refuses both together) */
} ssm_put_in;

/* PutParameter; *version (may be NULL) receives the new version. */
int ssm_put_parameter(aws_client *c, const ssm_put_in *in, long long *version, aws_error *err);

typedef struct {
    char *name;
    char *arn;
    char *type;
    char *value;                 /* SECRET when a SecureString was read with decryption */
    char *data_type;
    char *selector;              /* ":3" or ":label" when the name had one, else "" */
    long long version;
    time_t last_modified;
} ssm_parameter;

SVC_LIST_TYPE(ssm_parameter, ssm_parameters);

/* Wipe the value and free everything; leaves *p zeroed. */
void ssm_parameter_free(ssm_parameter *p);

/* One parameter by name or ARN, optionally with a ":version" or ":label" selector.
 * Without with_decryption a SecureString's value is its ciphertext. */
int ssm_get_parameter(aws_client *c, const char *name, int with_decryption, ssm_parameter *out,
                      aws_error *err);
/* Many parameters (any number: sent ten at a time); names that do not exist are appended
 * to invalid (may be NULL), not an error. */
int ssm_get_parameters(aws_client *c, const char *const *names, size_t n, int with_decryption,
                       ssm_parameters *out, svc_strings *invalid, aws_error *err);
/* Every parameter under path ("/stack/"), one level or recursive (all pages). */
int ssm_get_parameters_by_path(aws_client *c, const char *path, int recursive,
                               int with_decryption, ssm_parameters *out, aws_error *err);

typedef struct {
    char *name;
    char *arn;
    char *type;
    char *key_id;                /* SecureString only, else "" */
    char *description;
    char *tier;
    char *data_type;
    char *allowed_pattern;
    char *last_modified_user;
    long long version;
    time_t last_modified;
} ssm_parameter_meta;

SVC_LIST_TYPE(ssm_parameter_meta, ssm_parameter_metas);

/* A ParameterFilters entry: key "Name", "Path", "Type", "KeyId", "Tier", "DataType" or
 * "tag:KEY"; option NULL (Equals; Path: OneLevel) or "BeginsWith", "Contains",
 * "Recursive", ...; values NULL-terminated (may be NULL for tag:KEY: any value). */
typedef struct {
    const char *key;
    const char *option;
    const char *const *values;
} ssm_filter;

/* DescribeParameters with every filter (all pages): metadata, never values. Discovery
 * finds a stack's parameters with {"tag:ecsdeploy:stack", NULL, {stack}}. */
int ssm_describe_parameters(aws_client *c, const ssm_filter *filters, size_t nfilters,
                            ssm_parameter_metas *out, aws_error *err);

/* ParameterNotFound when there is none. */
int ssm_delete_parameter(aws_client *c, const char *name, aws_error *err);
/* Many at once (ten a call); names that did not exist are appended to invalid (may be NULL). */
int ssm_delete_parameters(aws_client *c, const char *const *names, size_t n, svc_strings *invalid,
                          aws_error *err);

/* Tags of a parameter (by name); InvalidResourceId (not found) when it does not exist. */
int ssm_add_tags(aws_client *c, const char *name, const svc_tags *tags, aws_error *err);
int ssm_remove_tags(aws_client *c, const char *name, const char *const *keys, size_t nkeys,
                    aws_error *err);
int ssm_list_tags(aws_client *c, const char *name, svc_tags *out, aws_error *err);

/* ---- Session Manager sessions -------------------------------------------------------------
 * Refusals arrive as err->code ("TargetNotConnected", "InvalidDocument",
 * "InvalidParameters"). */

typedef struct {
    char *session_id;
    char *stream_url;
    char *token;                /* SECRET: the data channel's token; wiped by ssm_session_free */
} ssm_session;

void ssm_session_free(ssm_session *s);

/* StartSession on target ("ecs:CLUSTER_TASKID_RUNTIMEID") with an SSM document
 * ("AWS-StartPortForwardingSession", "AWS-StartPortForwardingSessionToRemoteHost") and its
 * parameters as name/value pairs (each sent as a one-value list; may be NULL). The token
 * never reaches logs (the wire log redacts TokenValue) and the response's copy is wiped. */
int ssm_start_session(aws_client *c, const char *target, const char *document,
                      const svc_tags *parameters, ssm_session *out, aws_error *err);
/* TerminateSession: the session ends and its data channel closes. */
int ssm_terminate_session(aws_client *c, const char *session_id, aws_error *err);

#endif
