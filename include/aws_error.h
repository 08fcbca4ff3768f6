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

/* Which protocol's error body to read. */
typedef enum { AWS_PROTO_JSON, AWS_PROTO_QUERY, AWS_PROTO_EC2, AWS_PROTO_RESTXML } aws_protocol;

/*
 * Fill e from an HTTP error response: status, body (may be NULL/empty, e.g. for HEAD),
 * and the values of the x-amzn-ErrorType and request-id headers (either may be NULL).
 * Never fails: an unreadable body gives a code derived from the status.
 */
void aws_error_from_response(aws_error *e, aws_protocol proto, long status, const char *body,
                             size_t len, const char *error_type_header,
                             const char *request_id_header);

#endif
