/*
 * One error struct for every AWS protocol and for the runtime's own failures
 * (configuration, credentials, network). Fixed-size fields: nothing to free.
 */
#ifndef ECSDEPLOY_AWS_ERROR_H
#define ECSDEPLOY_AWS_ERROR_H

#include <stddef.h>

typedef enum {
    AWS_ERR_NONE = 0,
    AWS_ERR_CONFIG,      /* bad or missing configuration (region, profile, files) */
    AWS_ERR_CREDENTIALS, /* no credentials, or a provider failed */
    AWS_ERR_NETWORK,     /* connection refused/reset, DNS, TLS */
    AWS_ERR_TIMEOUT,     /* connect or total timeout */
    AWS_ERR_SERVICE,     /* AWS answered with an error (code/message set) */
    AWS_ERR_PARSE,       /* a response we could not read */
    AWS_ERR_INPUT        /* the caller passed something that cannot be encoded */
} aws_error_kind;

typedef struct {
    aws_error_kind kind;
    long http_status;     /* 0 when no HTTP answer */
    char code[128];       /* AWS error code ("ThrottlingException"), or a runtime code */
    char message[1024];
    char request_id[128];
    int attempts;         /* how many attempts the call made (set by the client) */
    char service[32];     /* the service that answered ("ec2"), set on every failed call */
    char operation[64];   /* its operation ("DeleteVpc"), or "" for REST calls without one */
} aws_error;

void aws_error_clear(aws_error *e);
/* Fill kind, code and a printf-formatted message; status and request id are cleared. */
void aws_error_set(aws_error *e, aws_error_kind kind, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Put printf-formatted context before the message ("assuming role X: " + message). */
void aws_error_prefix(aws_error *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "service", "network", ... */
const char *aws_error_kind_name(aws_error_kind kind);
/* One line for a person: "CODE: message (HTTP 400, request id X)". Returns out. */
char *aws_error_format(const aws_error *e, char *out, size_t size);

/*
 * What an error means to the caller, whatever the service's spelling: the classes of one
 * table (src/aws/error_class.c) that maps each service's codes. Code outside src/aws asks
 * aws_error_is(); it never compares error codes itself.
 */
enum {
    AWS_IS_NOT_FOUND = 1u << 0,  /* the resource, or the one it hangs on, does not exist */
    AWS_IS_EXISTS = 1u << 1,     /* a create or add found it already there (name, rule, route) */
    AWS_IS_IN_USE = 1u << 2,     /* still used by something else: a delete to try again later */
    AWS_IS_BUSY = 1u << 3,       /* another operation on it is under way, or it is not ready */
    AWS_IS_THROTTLED = 1u << 4,  /* request rate or quota exceeded for now */
    AWS_IS_DENIED = 1u << 5,     /* not authorised, the caller's credentials refused, or the
                                  * name is another account's (S3's BucketAlreadyExists) */
    AWS_IS_INVALID = 1u << 6,    /* AWS judged the request itself wrong */
    AWS_IS_CANCELLED = 1u << 7,  /* the user interrupted (Ctrl-C, ecsdeploy's own codes) */
    AWS_IS_TIMED_OUT = 1u << 8,  /* a wait or call ran out of time */
    AWS_IS_NO_CREDENTIALS = 1u << 9, /* no credentials found, or only part of them */
    AWS_IS_LIMIT = 1u << 10,     /* an account or resource limit was reached */
    AWS_IS_NOT_RUNNING = 1u << 11, /* exec: the task or its agent is not (yet) there to talk to */
    AWS_IS_NOT_SET = 1u << 12    /* the resource is there, an optional setting of it is not
                                  * (EFS's PolicyNotFound; S3's NoSuchCORSConfiguration,
                                  * which is also AWS_IS_NOT_FOUND) */
};
/* 1 when e is an error of any of the classes (an OR of AWS_IS_*). */
int aws_error_is(const aws_error *e, unsigned classes);
/* The classes of e (0 for none): what aws_error_is tests. */
unsigned aws_error_classes(const aws_error *e);

/* Which protocol's error body to read. */
typedef enum {
    AWS_PROTO_JSON,
    AWS_PROTO_QUERY,
    AWS_PROTO_EC2,
    AWS_PROTO_RESTXML,
    AWS_PROTO_RESTJSON /* the x-amzn-ErrorType header wins over the body's code */
} aws_protocol;

/*
 * Fill e from an HTTP error response: status, body (may be NULL/empty, e.g. for HEAD),
 * and the values of the x-amzn-ErrorType and request-id headers (either may be NULL).
 * Never fails: an unreadable body gives a code derived from the status.
 */
void aws_error_from_response(aws_error *e, aws_protocol proto, long status, const char *body,
                             size_t len, const char *error_type_header,
                             const char *request_id_header);

#endif
