/*
 * AWS Signature Version 4: pure functions, no I/O. OpenSSL only for SHA-256 and HMAC.
 *
 * The caller describes a request exactly as it will go on the wire; the signer returns
 * the headers to add (header signing) or the query string to use (presigning), and the
 * intermediate strings so tests can compare them with AWS's known answers.
 */
#ifndef ECSDEPLOY_SIGV4_H
#define ECSDEPLOY_SIGV4_H

#include <stddef.h>
#include <time.h>

#include "buf.h"

typedef struct {
    const char *access_key_id;
    const char *secret_access_key;
    const char *session_token; /* NULL when the credentials have none */
} sigv4_credentials;

typedef struct {
    const char *name;
    const char *value;
} sigv4_header;

typedef struct {
    const char *method;  /* "GET", "POST", ... */
    const char *path;    /* as on the request line, already percent-encoded, without query */
    const char *query;   /* as on the request line after '?', or NULL/"" for none */
    const sigv4_header *headers; /* the request's headers; must include Host */
    size_t nheaders;
    const void *body;    /* may be NULL when body_len is 0 */
    size_t body_len;
} sigv4_request;

typedef struct {
    const char *region;  /* "eu-west-1" */
    const char *service; /* signing name: "ec2", "ecs", "s3", "elasticloadbalancing", ... */
    time_t when;         /* signing time, UTC epoch seconds */
    int s3;              /* S3 rules: no double encoding and no path normalisation */
    int content_sha256;  /* header signing: add and sign X-Amz-Content-Sha256. It is added
                          * anyway when the service name starts with "s3" and with
                          * unsigned_payload. Presigning never adds it. */
    int unsigned_payload;   /* payload hash is "UNSIGNED-PAYLOAD" (always when presigning
                             * for a service whose name starts with "s3", as S3 requires) */
    int omit_session_token; /* add the token to the request but leave it unsigned */
    long expires;        /* presigning only: X-Amz-Expires in seconds (1..604800) */
} sigv4_params;

#define SIGV4_MAX_ADD 4

typedef struct {
    /* Header signing: the headers to add to the request, in this order: X-Amz-Date,
     * X-Amz-Security-Token (with a session token), X-Amz-Content-Sha256 (when asked),
     * Authorization. Names and values are owned by the result. */
    sigv4_header add[SIGV4_MAX_ADD];
    size_t nadd;
    /* Presigning: the complete query string to send instead of the request's own,
     * including X-Amz-Signature. NULL for header signing. */
    char *query;
    /* For tests and --debug. Never holds the secret key, but holds the session token
     * when one is signed: redact it before printing. */
    char *canonical_request;
    char *string_to_sign;
    char signature[65];
} sigv4_result;

/*
 * Which request headers are signed: all of them but Authorization, User-Agent, Expect
 * and X-Amzn-Trace-Id (proxies and SDK layers may change those). Headers the signer
 * adds itself (X-Amz-Date, and X-Amz-Security-Token / X-Amz-Content-Sha256 when it adds
 * them) are ignored in the request: do not send the request's own copies.
 * Header values may hold folded lines: runs of spaces, tabs, CR and LF become one space.
 */

/* Sign with the Authorization header. Returns 0, or -1 with a message in err (size
 * errlen) for a request that cannot be signed (no Host header, no method, ...).
 * On success free the result with sigv4_result_free(); on failure the result is zeroed
 * (freeing it is harmless). Safe to call from many threads at once. */
int sigv4_sign_headers(const sigv4_request *req, const sigv4_credentials *cred,
                       const sigv4_params *params, sigv4_result *out, char *err, size_t errlen);

/* Presign: the signature travels in the query string (X-Amz-Algorithm, X-Amz-Credential,
 * X-Amz-Date, X-Amz-Expires, X-Amz-Security-Token, X-Amz-SignedHeaders, X-Amz-Signature).
 * out->query is the request's own query as given, then those parameters; every request
 * header is signed (send them all); nothing is added to the headers (nadd is 0).
 * Same return and freeing rules as sigv4_sign_headers. */
int sigv4_presign(const sigv4_request *req, const sigv4_credentials *cred,
                  const sigv4_params *params, sigv4_result *out, char *err, size_t errlen);

void sigv4_result_free(sigv4_result *res);

/* Lowercase hex SHA-256 of data into out (65 bytes with the NUL). */
void sigv4_sha256_hex(const void *data, size_t len, char out[65]);

/* RFC 3986 percent-encoding (uppercase hex) of everything but unreserved characters
 * (A-Z a-z 0-9 - . _ ~); '/' is kept when keep_slash. The one percent-encoder of the
 * program (query forms and S3 paths use it too). _into appends s[0..len) to b; the other
 * returns a new string the caller frees. */
void sigv4_encode_into(buf *b, const char *s, size_t len, int keep_slash);
char *sigv4_uri_encode(const char *s, size_t len, int keep_slash);
/* Append s[0..len) to b with every valid %XX escape decoded ('+' stays '+'). */
void sigv4_decode_into(buf *b, const char *s, size_t len);

/* ---- The pieces, exposed for tests and fuzzing ------------------------------------ */

/* Canonical URI of a request-line path (percent-encoded, without query). Non-S3: remove
 * dot segments (RFC 3986) and empty segments, then percent-encode it again (so "%" becomes
 * "%25"). S3: as is, but bytes that are not unreserved, '/' or a valid %XX escape are
 * percent-encoded. NULL or "" gives "/". Returns a new string the caller frees. */
char *sigv4_canonical_uri(const char *path, int s3);

/* Canonical query string of a raw query (NULL allowed): split on '&' (empty pieces
 * dropped), name=value at the first '=', each side percent-decoded then encoded per RFC
 * 3986, sorted by name then value, joined with '&'. New string, the caller frees. */
char *sigv4_canonical_query(const char *query);

/* Canonical headers block ("name:value\n" per distinct lowercased name, values of one
 * name joined with ',' in request order) and the signed-headers list ("a;b;c"), skipping
 * the unsigned names listed above. Returns the block (caller frees; *signed_headers too),
 * or NULL with a message in err for an invalid header name (empty, or with spaces,
 * control characters or ':'). */
char *sigv4_canonical_headers(const sigv4_header *headers, size_t n, char **signed_headers,
                              char *err, size_t errlen);

/* The signing key for (secret, date "YYYYMMDD", region, service) into key. Served from a
 * small mutex-guarded cache (keyed by a hash of the secret, never the secret itself), so
 * it is safe to call from many threads. */
void sigv4_signing_key(const char *secret, const char *date, const char *region,
                       const char *service, unsigned char key[32]);

/* Cache counters since start or the last clear, and emptying it (for tests). */
void sigv4_key_cache_stats(unsigned long *hits, unsigned long *misses);
void sigv4_key_cache_clear(void);

#endif
