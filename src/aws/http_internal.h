/*
 * HTTP for the AWS runtime, over libcurl. One aws_http per process: a curl share handle
 * (with locks) keeps connections, DNS answers and TLS sessions shared between worker
 * threads, so calls from any thread reuse warm connections. TLS peers are always
 * verified (AWS_CA_BUNDLE names another CA file); proxies come from the usual
 * environment variables, as libcurl reads them.
 */
#ifndef ECSDEPLOY_AWS_HTTP_INTERNAL_H
#define ECSDEPLOY_AWS_HTTP_INTERNAL_H

#include <stddef.h>

#include "aws_error.h"
#include "buf.h"

typedef struct {
    char *name;
    char *value;
} aws_http_header;

typedef struct {
    const char *method;             /* "GET", "POST", "PUT", "DELETE", "HEAD" */
    const char *url;                /* full URL with query */
    const aws_http_header *headers; /* sent as given (curl adds none of its own but Host) */
    size_t nheaders;
    const char *body;               /* may be NULL */
    size_t body_len;
    long connect_timeout_ms;        /* 0: 10 s */
    long timeout_ms;                /* whole exchange; 0: 60 s */
    int no_resend;                  /* libcurl must not send it again by itself when a reused
                                       connection dies: the failure is reported instead */
} aws_http_request;

typedef struct {
    long status;
    buf body;
    aws_http_header *headers;       /* names as received */
    size_t nheaders;
    long new_connections;           /* 0 when an open connection was reused */
} aws_http_response;

typedef struct aws_http aws_http;

/* A new transport (free with aws_http_free, after every thread has stopped using it). */
aws_http *aws_http_new(void);
void aws_http_free(aws_http *h);

/*
 * Send req; fill resp (release with aws_http_response_free, also after a failure).
 * Returns 0 when an HTTP answer arrived (whatever its status), or -1 with err of kind
 * AWS_ERR_NETWORK or AWS_ERR_TIMEOUT.
 */
int aws_http_send(aws_http *h, const aws_http_request *req, aws_http_response *resp,
                  aws_error *err);

/* The value of a response header (case-insensitive name), or NULL. Owned by resp. */
const char *aws_http_response_header(const aws_http_response *resp, const char *name);
void aws_http_response_free(aws_http_response *resp);

/* Add a header to a growable array (*v with *n entries); copies name and value. */
void aws_http_header_add(aws_http_header **v, size_t *n, const char *name, const char *value);
void aws_http_headers_free(aws_http_header *v, size_t n);

#endif
