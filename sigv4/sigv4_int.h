/* Private helpers shared by the files of sigv4/ (not part of the public interface). */
#ifndef ECSDEPLOY_SIGV4_INT_H
#define ECSDEPLOY_SIGV4_INT_H

#include <stddef.h>

#include "buf.h"
#include "sigv4.h"

/* Value of a hex digit, or -1. */
int sigv4_hexval(unsigned char c);
/* HMAC-SHA256 of msg with key into out (32 bytes). */
void sigv4_hmac(const void *key, size_t keylen, const void *msg, size_t msglen,
                unsigned char out[32]);
/* Raw SHA-256 into out (32 bytes). */
void sigv4_sha256(const void *data, size_t len, unsigned char out[32]);
/* Lowercase hex of n bytes into out (2n+1 bytes with the NUL). */
void sigv4_hex(const unsigned char *in, size_t n, char *out);

/* The payload hash: "UNSIGNED-PAYLOAD" or the hex SHA-256 of the body (65 bytes). */
void sigv4_payload_hash(const sigv4_request *req, int unsigned_payload, char out[65]);

/* Fill out->canonical_request, string_to_sign and signature, given the query to sign
 * and the canonical headers. The inputs were validated before. */
void sigv4_sign_core(sigv4_result *out, const sigv4_request *req, const char *query,
                     const sigv4_credentials *cred, const sigv4_params *params,
                     const char *payload, const char *hblock, const char *signed_list);

#endif
