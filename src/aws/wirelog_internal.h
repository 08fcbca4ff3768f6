/*
 * The --debug wire log: each request and response on stderr, with every secret
 * redacted — Authorization, X-Amz-Security-Token and other credential headers,
 * presigned signatures in URLs, and in JSON, XML and form bodies the values of
 * SecretString, SecretBinary, SecretAccessKey, SessionToken, Token, tokenValue,
 * Plaintext, WebIdentityToken, accessToken and any member whose name ends in "Password";
 * in SSM's bodies, every "Value" (Parameter Store values, SecureString or not).
 */
#ifndef ECSDEPLOY_AWS_WIRELOG_INTERNAL_H
#define ECSDEPLOY_AWS_WIRELOG_INTERNAL_H

#include <stddef.h>
#include <stdio.h>

#include "http_internal.h"

#define AWS_REDACTED "**REDACTED**"

/* 1 when a header, JSON member, XML element or form key of this name carries a secret
 * (case-insensitive; for form keys such as "Tags.member.1.Password" the last part counts). */
int aws_wirelog_is_secret_name(const char *name);

/* A redacted copy of a body (JSON, XML, form or other text; binary bodies are
 * summarised by their length). Returns a new string (free()). */
char *aws_wirelog_redact_body(const char *body, size_t len);
/* The same for a body of service (an id of aws_service_lookup, or NULL), with the members
 * that carry secrets only there (SSM's "Value"). */
char *aws_wirelog_redact_body_for(const char *service, const char *body, size_t len);

/* Write a request or a response to out, redacted. */
void aws_wirelog_request(FILE *out, const char *service, int attempt, const aws_http_request *req);
void aws_wirelog_response(FILE *out, const char *service, const aws_http_response *resp,
                          double seconds);

#endif
