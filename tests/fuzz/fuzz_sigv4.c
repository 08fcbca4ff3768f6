/*
 * Fuzz target for the SigV4 canonicaliser and signer (libFuzzer entry point).
 *
 * The input is cut at NUL bytes into: flags, method, path, query, then header name and
 * value pairs; the rest is the body. Everything is canonicalised and signed in both
 * modes, and a few properties are checked (abort on failure, which the fuzzer reports):
 *   - canonical URIs start with '/' and hold only unreserved characters, '/' and %XX;
 *   - the canonical query and the non-S3 canonical URI are fixed points (canonicalising
 *     them again changes nothing);
 *   - signing either succeeds with a 64-hex signature or fails with a message.
 * Built with libFuzzer by tests/fuzz/run.sh; also driven by a bounded random run inside
 * `make check` (tests/unit/test_sigv4_fuzz.c).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sigv4.h"

#define FUZZ_MAX_HEADERS 8

typedef struct {
    char *fields[3 + 2 * FUZZ_MAX_HEADERS];
    size_t nfields;
    char *body;
    size_t body_len;
} fuzz_input;

/* Split a copy of data at NUL bytes; the field after the last taken one is the body. */
static void split_input(const uint8_t *data, size_t size, char *copy, fuzz_input *in)
{
    memcpy(copy, data, size);
    copy[size] = '\0';
    size_t pos = 0, max = sizeof in->fields / sizeof *in->fields;
    in->nfields = 0;
    while (in->nfields < max && pos <= size) {
        in->fields[in->nfields++] = copy + pos;
        size_t len = strlen(copy + pos);
        pos += len + 1;
    }
    in->body = pos <= size ? copy + pos : NULL;
    in->body_len = pos <= size ? size - pos : 0;
}

static int uri_ok(const char *s)
{
    if (s[0] != '/')
        return 0;
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        int plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                    (c >= '0' && c <= '9') || strchr("-._~/", c);
        if (c == '%') {
            if (!p[1] || !p[2] || !strchr("0123456789ABCDEFabcdef", p[1]) ||
                !strchr("0123456789ABCDEFabcdef", p[2]))
                return 0;
            p += 2;
        } else if (!plain) {
            return 0;
        }
    }
    return 1;
}

static void check_canonical(const char *path, const char *query)
{
    char *u0 = sigv4_canonical_uri(path, 0), *u1 = sigv4_canonical_uri(path, 1);
    if (!uri_ok(u0) || !uri_ok(u1))
        abort();
    char *again = sigv4_canonical_uri(u0, 1);
    if (strcmp(again, u0) != 0)
        abort();
    char *q = sigv4_canonical_query(query), *q2 = sigv4_canonical_query(q);
    if (strcmp(q, q2) != 0)
        abort();
    free(u0);
    free(u1);
    free(again);
    free(q);
    free(q2);
}

static void check_sign(const sigv4_request *req, const sigv4_params *params,
                       const sigv4_credentials *cred, int presign)
{
    sigv4_result res;
    char err[256] = "";
    int rc = presign ? sigv4_presign(req, cred, params, &res, err, sizeof err)
                     : sigv4_sign_headers(req, cred, params, &res, err, sizeof err);
    if (rc == 0) {
        if (strlen(res.signature) != 64 || !res.canonical_request || !res.string_to_sign)
            abort();
        if (presign && !res.query)
            abort();
        sigv4_result_free(&res);
    } else if (err[0] == '\0') {
        abort(); /* a failure must say why */
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy = malloc(size + 1);
    if (!copy)
        return 0;
    fuzz_input in;
    split_input(data, size, copy, &in);
    unsigned flags = in.nfields > 0 && in.fields[0][0] ? (unsigned char)in.fields[0][0] : 0;
    const char *method = in.nfields > 1 ? in.fields[1] : "GET";
    const char *path = in.nfields > 2 ? in.fields[2] : NULL;
    const char *query = in.nfields > 3 ? in.fields[3] : NULL;
    check_canonical(path, query);

    sigv4_header headers[FUZZ_MAX_HEADERS + 1];
    size_t nh = 0;
    if (flags & 0x20)
        headers[nh++] = (sigv4_header){"Host", "example.amazonaws.com"};
    for (size_t i = 4; i + 1 < in.nfields && nh < FUZZ_MAX_HEADERS + 1; i += 2)
        headers[nh++] = (sigv4_header){in.fields[i], in.fields[i + 1]};
    sigv4_request req = {method, path, query, headers, nh, in.body, in.body_len};
    sigv4_credentials cred = {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                              (flags & 0x10) ? "FQoGZXIvYXdzEXAMPLETOKEN/+=" : NULL};
    sigv4_params params = {
        .region = "us-east-1",
        .service = (flags & 0x40) ? "s3" : "service",
        .when = 1440938160,
        .s3 = (int)(flags & 1),
        .content_sha256 = (int)(flags >> 1 & 1),
        .unsigned_payload = (int)(flags >> 2 & 1),
        .omit_session_token = (int)(flags >> 3 & 1),
        .expires = (flags & 0x80) ? 604800 : 3600,
    };
    check_sign(&req, &params, &cred, 0);
    check_sign(&req, &params, &cred, 1);
    free(copy);
    return 0;
}
