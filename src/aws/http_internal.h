/*
 * HTTP for the AWS runtime, over libcurl. One aws_http per process: a pool of easy
 * handles that keep their connections (a call takes one that last talked to its host), and
 * a curl share handle (with locks) for DNS answers and TLS sessions, so calls from any
 * thread reuse warm connections (http.c says why connections are not shared). TLS peers
 * are always verified (AWS_CA_BUNDLE names another CA file); proxies come from the usual
 * environment variables, as libcurl reads them.
 */
#ifndef ECSDEPLOY_AWS_HTTP_INTERNAL_H
#define ECSDEPLOY_AWS_HTTP_INTERNAL_H

#include <stddef.h>

#include "aws_error.h"
#include "aws.h"
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
    size_t max_body;                /* the most a legitimate answer holds; 0: AWS_HTTP_MAX_BODY */
} aws_http_request;

/* No AWS API answer the tool reads comes near this (the largest are list pages of a few
 * hundred kilobytes): a longer body is refused, whatever the endpoint keeps sending. */
#define AWS_HTTP_MAX_BODY (8u << 20)
/* Response headers: more (or longer) than this is not an AWS endpoint. */
#define AWS_HTTP_MAX_HEADERS 200
#define AWS_HTTP_MAX_HEADER_BYTES (64u << 10)
/* The error code of an answer refused for its size (kind AWS_ERR_PARSE, never retried). */
#define AWS_RESPONSE_TOO_LARGE "ResponseTooLarge"

typedef struct {
    long status;
    buf body;
    aws_http_header *headers;       /* names as received */
    size_t nheaders;
    long new_connections;           /* 0 when an open connection was reused */
} aws_http_response;

typedef struct aws_http aws_http;

/* The allocators alone (wipe_alloc.c): 0, or -1 when a library had started already. */
int aws_wipe_allocators_install(void);

/* A new transport (free with aws_http_free, after every thread has stopped using it). */
aws_http *aws_http_new(void);
void aws_http_free(aws_http *h);

/*
 * Send req; fill resp (release with aws_http_response_free, also after a failure).
 * Returns 0 when an HTTP answer arrived (whatever its status), or -1 with err of kind
 * AWS_ERR_NETWORK or AWS_ERR_TIMEOUT, or AWS_ERR_PARSE (AWS_RESPONSE_TOO_LARGE) for an
 * answer larger than req->max_body or with too many headers, or one that did not fit
 * in memory. The body may hold secrets: it is wiped when freed.
 */
int aws_http_send(aws_http *h, const aws_http_request *req, aws_http_response *resp,
                  aws_error *err);

/* The value of a response header (case-insensitive name), or NULL. Owned by resp. */
const char *aws_http_response_header(const aws_http_response *resp, const char *name);
void aws_http_response_free(aws_http_response *resp);

/* Add a header to a growable array (*v with *n entries); copies name and value. */
void aws_http_header_add(aws_http_header **v, size_t *n, const char *name, const char *value);
void aws_http_headers_free(aws_http_header *v, size_t n);

/* ---- where connections may go (url_check.c) ---- */

typedef struct {
    char scheme[16];   /* lower case: "https", "http", "wss", "ws" */
    char host[256];    /* without brackets for IPv6 */
    int port;          /* 0 when the URL gives none */
    int has_userinfo;  /* "user[:password]@" before the host */
} aws_url;

/* Split url with libcurl's parser (the one that connects). 0, or -1 when it is no URL. */
int aws_url_parse(const char *url, aws_url *out);
/* 1 when host is a loopback address (127.0.0.0/8, ::1) or "localhost". Names are not
 * resolved (as botocore): an answer that changes between the check and the connection
 * could not be trusted anyway. */
int aws_host_is_loopback(const char *host);

#endif
