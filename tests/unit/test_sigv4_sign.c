/*
 * The two SigV4 signing modes end to end: what is added, what is signed, the session
 * token (signed or left out), S3 payload rules, AWS's published S3 examples, and bad
 * input (a clear message, never a crash).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sigv4.h"
#include "unit_suite.h"

static const sigv4_credentials docs_cred = {"AKIAIOSFODNN7EXAMPLE",
                                            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", NULL};
static const time_t may_2013 = 1369353600; /* 2013-05-24T00:00:00Z */

static const char *added(const sigv4_result *r, const char *name)
{
    for (size_t i = 0; i < r->nadd; i++)
        if (strcasecmp(r->add[i].name, name) == 0)
            return r->add[i].value;
    return NULL;
}

START_TEST(s3_docs_get_object)
{
    /* AWS docs, S3 "GET Object" header-signing example. */
    const sigv4_header hs[] = {{"Host", "examplebucket.s3.amazonaws.com"},
                               {"Range", "bytes=0-9"}};
    sigv4_request req = {"GET", "/test.txt", NULL, hs, 2, NULL, 0};
    sigv4_params p = {.region = "us-east-1", .service = "s3", .when = may_2013, .s3 = 1};
    sigv4_result r;
    char err[200];
    ck_assert_int_eq(sigv4_sign_headers(&req, &docs_cred, &p, &r, err, sizeof err), 0);
    ck_assert_str_eq(r.signature,
                     "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
    ck_assert_uint_eq(r.nadd, 3);
    ck_assert_str_eq(r.add[0].name, "X-Amz-Date");
    ck_assert_str_eq(r.add[0].value, "20130524T000000Z");
    ck_assert_str_eq(r.add[1].name, "X-Amz-Content-Sha256");
    ck_assert_str_eq(r.add[1].value,
                     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    ck_assert_str_eq(r.add[2].name, "Authorization");
    ck_assert_ptr_nonnull(strstr(r.add[2].value, "SignedHeaders=host;range;"
                                                 "x-amz-content-sha256;x-amz-date,"));
    ck_assert_ptr_null(r.query);
    sigv4_result_free(&r);
}
END_TEST

START_TEST(s3_docs_presigned_url)
{
    /* AWS docs, S3 presigned URL example (UNSIGNED-PAYLOAD, 86400 s). */
    const sigv4_header hs[] = {{"Host", "examplebucket.s3.amazonaws.com"}};
    sigv4_request req = {"GET", "/test.txt", "", hs, 1, NULL, 0};
    sigv4_params p = {.region = "us-east-1", .service = "s3", .when = may_2013, .s3 = 1,
                      .expires = 86400};
    sigv4_result r;
    char err[200];
    ck_assert_int_eq(sigv4_presign(&req, &docs_cred, &p, &r, err, sizeof err), 0);
    ck_assert_str_eq(r.signature,
                     "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
    ck_assert_str_eq(r.query,
                     "X-Amz-Algorithm=AWS4-HMAC-SHA256"
                     "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3"
                     "%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400"
                     "&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d8"
                     "6835f995330da4c265957d157751f604d404");
    ck_assert_uint_eq(r.nadd, 0);
    ck_assert_ptr_nonnull(strstr(r.canonical_request, "\nUNSIGNED-PAYLOAD"));
    sigv4_result_free(&r);
}
END_TEST

START_TEST(header_mode_token_and_replaced_headers)
{
    const sigv4_header hs[] = {{"Host", "ecs.eu-west-1.amazonaws.com"},
                               {"X-Amz-Date", "19990101T000000Z"},
                               {"X-Amz-Security-Token", "stale"},
                               {"Authorization", "stale"},
                               {"Content-Type", "application/x-amz-json-1.1"}};
    const char *body = "{}";
    sigv4_request req = {"POST", "/", NULL, hs, 5, body, 2};
    sigv4_credentials cred = {"AKID", "secret", "TOKEN/+="};
    sigv4_params p = {.region = "eu-west-1", .service = "ecs", .when = may_2013};
    sigv4_result r;
    char err[200];
    ck_assert_int_eq(sigv4_sign_headers(&req, &cred, &p, &r, err, sizeof err), 0);
    ck_assert_uint_eq(r.nadd, 3);
    ck_assert_str_eq(added(&r, "X-Amz-Security-Token"), "TOKEN/+=");
    ck_assert_ptr_null(added(&r, "X-Amz-Content-Sha256"));
    ck_assert_ptr_nonnull(strstr(r.canonical_request, "x-amz-security-token:TOKEN/+=\n"));
    ck_assert_ptr_null(strstr(r.canonical_request, "stale"));
    ck_assert_ptr_null(strstr(r.canonical_request, "19990101"));
    ck_assert_ptr_nonnull(strstr(r.canonical_request,
                                 "\ncontent-type;host;x-amz-date;x-amz-security-token\n"));
    /* payload hash of "{}" */
    ck_assert_ptr_nonnull(strstr(r.canonical_request, "\n44136fa355b3678a1146ad16f7e8649e"
                                                      "94fb4fc21fe77e8310c060f61caaff8a"));
    ck_assert_ptr_nonnull(strstr(added(&r, "Authorization"),
                                 "Credential=AKID/20130524/eu-west-1/ecs/aws4_request, "));
    sigv4_result_free(&r);

    /* Left out of the signature, but still added to the request. */
    p.omit_session_token = 1;
    ck_assert_int_eq(sigv4_sign_headers(&req, &cred, &p, &r, err, sizeof err), 0);
    ck_assert_str_eq(added(&r, "X-Amz-Security-Token"), "TOKEN/+=");
    ck_assert_ptr_null(strstr(r.canonical_request, "x-amz-security-token"));
    sigv4_result_free(&r);
}
END_TEST

START_TEST(header_mode_payload_options)
{
    const sigv4_header hs[] = {{"Host", "h"}};
    sigv4_request req = {"PUT", "/k", NULL, hs, 1, "abc", 3};
    sigv4_credentials cred = {"AKID", "secret", NULL};
    sigv4_params p = {.region = "r", .service = "logs", .when = may_2013,
                      .content_sha256 = 1};
    sigv4_result r;
    char err[200];
    ck_assert_int_eq(sigv4_sign_headers(&req, &cred, &p, &r, err, sizeof err), 0);
    ck_assert_str_eq(added(&r, "X-Amz-Content-Sha256"),
                     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    sigv4_result_free(&r);
    p.content_sha256 = 0;
    p.unsigned_payload = 1;
    ck_assert_int_eq(sigv4_sign_headers(&req, &cred, &p, &r, err, sizeof err), 0);
    ck_assert_str_eq(added(&r, "X-Amz-Content-Sha256"), "UNSIGNED-PAYLOAD");
    ck_assert_ptr_nonnull(strstr(r.canonical_request, "\nUNSIGNED-PAYLOAD"));
    sigv4_result_free(&r);
}
END_TEST

START_TEST(presign_with_query_and_token)
{
    const sigv4_header hs[] = {{"Host", "h"}, {"X-Extra", " a  b "}};
    sigv4_request req = {"GET", "/", "Action=Get&b", hs, 2, NULL, 0};
    sigv4_credentials cred = {"AKID", "secret", "T/k+n="};
    sigv4_params p = {.region = "r", .service = "sts", .when = may_2013, .expires = 60};
    sigv4_result r;
    char err[200];
    ck_assert_int_eq(sigv4_presign(&req, &cred, &p, &r, err, sizeof err), 0);
    ck_assert_ptr_nonnull(strstr(r.query, "Action=Get&b&X-Amz-Algorithm=AWS4-HMAC-SHA256&"));
    ck_assert_ptr_nonnull(strstr(r.query, "&X-Amz-Expires=60&"));
    ck_assert_ptr_nonnull(strstr(r.query, "&X-Amz-Security-Token=T%2Fk%2Bn%3D&"));
    ck_assert_ptr_nonnull(strstr(r.query, "&X-Amz-SignedHeaders=host%3Bx-extra&"));
    ck_assert_ptr_nonnull(strstr(r.canonical_request, "\nAction=Get&X-Amz-Algorithm="));
    ck_assert_ptr_nonnull(strstr(r.canonical_request, "&b=\nhost:h\nx-extra:a b\n\n"));
    ck_assert_ptr_nonnull(strstr(r.canonical_request, "X-Amz-Security-Token=T%2Fk%2Bn%3D"));
    char tail[100];
    snprintf(tail, sizeof tail, "&X-Amz-Signature=%s", r.signature);
    ck_assert_str_eq(r.query + strlen(r.query) - strlen(tail), tail);
    sigv4_result_free(&r);

    p.omit_session_token = 1;
    ck_assert_int_eq(sigv4_presign(&req, &cred, &p, &r, err, sizeof err), 0);
    ck_assert_ptr_nonnull(strstr(r.query, "&X-Amz-Security-Token=T%2Fk%2Bn%3D&X-Amz-Sig"));
    ck_assert_ptr_null(strstr(r.canonical_request, "Security-Token"));
    sigv4_result_free(&r);
}
END_TEST

/* Each bad input: -1, a message, a zeroed result that is safe to free. */
static void expect_error(const sigv4_request *req, const sigv4_credentials *cred,
                         const sigv4_params *p, int presign, const char *needle)
{
    sigv4_result r;
    char err[300] = "";
    int rc = presign ? sigv4_presign(req, cred, p, &r, err, sizeof err)
                     : sigv4_sign_headers(req, cred, p, &r, err, sizeof err);
    ck_assert_int_eq(rc, -1);
    ck_assert_msg(strstr(err, needle) != NULL, "message '%s' lacks '%s'", err, needle);
    ck_assert_uint_eq(r.nadd, 0);
    ck_assert_ptr_null(r.canonical_request);
    sigv4_result_free(&r);
}

START_TEST(bad_input_is_reported)
{
    const sigv4_header host[] = {{"Host", "h"}};
    const sigv4_header nohost[] = {{"X-A", "1"}};
    const sigv4_header badname[] = {{"Host", "h"}, {"Bad Name", "v"}};
    const sigv4_header nullvalue[] = {{"Host", NULL}};
    sigv4_request ok = {"GET", "/", NULL, host, 1, NULL, 0};
    sigv4_credentials cred = {"AKID", "secret", NULL};
    sigv4_params p = {.region = "r", .service = "s", .when = may_2013, .expires = 10};

    sigv4_request r1 = ok;
    r1.headers = nohost;
    expect_error(&r1, &cred, &p, 0, "no Host header");
    r1.headers = badname;
    r1.nheaders = 2;
    expect_error(&r1, &cred, &p, 0, "invalid name");
    expect_error(&r1, &cred, &p, 1, "invalid name");
    r1.headers = nullvalue;
    r1.nheaders = 1;
    expect_error(&r1, &cred, &p, 0, "no name or no value");
    sigv4_request r2 = ok;
    r2.method = NULL;
    expect_error(&r2, &cred, &p, 0, "HTTP method");
    r2.method = "G T";
    expect_error(&r2, &cred, &p, 0, "HTTP method");
    r2 = ok;
    r2.body_len = 5;
    expect_error(&r2, &cred, &p, 0, "body is missing");
    r2 = ok;
    r2.headers = NULL;
    expect_error(&r2, &cred, &p, 0, "list is missing");

    sigv4_credentials c2 = {NULL, "secret", NULL};
    expect_error(&ok, &c2, &p, 0, "access key id");
    c2 = (sigv4_credentials){"AK/ID", "secret", NULL};
    expect_error(&ok, &c2, &p, 0, "access key id");
    c2 = (sigv4_credentials){"AKID", "", NULL};
    expect_error(&ok, &c2, &p, 0, "secret access key");
    c2 = (sigv4_credentials){"AKID", "s", "tok en"};
    expect_error(&ok, &c2, &p, 0, "session token");

    sigv4_params p2 = p;
    p2.region = NULL;
    expect_error(&ok, &cred, &p2, 0, "region");
    p2 = p;
    p2.service = "a/b";
    expect_error(&ok, &cred, &p2, 0, "service");
    p2 = p;
    p2.when = -1;
    expect_error(&ok, &cred, &p2, 0, "signing time");
    p2 = p;
    p2.expires = 0;
    expect_error(&ok, &cred, &p2, 1, "expiry");
    p2.expires = 604801;
    expect_error(&ok, &cred, &p2, 1, "expiry");
    expect_error(NULL, &cred, &p, 0, "internal error");
    ck_assert_int_eq(sigv4_sign_headers(&ok, &cred, &p, NULL, NULL, 0), -1);
    char err[100] = "";
    ck_assert_int_eq(sigv4_presign(&ok, &cred, &p, NULL, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "without a result"));
    sigv4_result_free(NULL);
}
END_TEST

START_TEST(odd_but_valid_input_signs)
{
    /* NULL query, empty path, odd bytes everywhere: signed, nothing read out of bounds. */
    const sigv4_header hs[] = {{"HOST", "\xff\xfe h \r\n"}, {"x-\xc3\xa9", "\x01\x02\x7f"}};
    const char *paths[] = {NULL, "", "/%", "/%%", "/\xff/../\x80", "//..//.//", "?"};
    const char *queries[] = {NULL, "", "&", "=", "==&&==", "%", "%%%", "a=%G0", "\xff=\xfe"};
    sigv4_credentials cred = {"AKID", "s", NULL};
    for (int s3 = 0; s3 < 2; s3++)
        for (size_t i = 0; i < sizeof paths / sizeof *paths; i++)
            for (size_t k = 0; k < sizeof queries / sizeof *queries; k++) {
                sigv4_request req = {"GET", paths[i], queries[k], hs, 2, NULL, 0};
                sigv4_params p = {.region = "r", .service = s3 ? "s3" : "svc",
                                  .when = may_2013, .s3 = s3, .expires = 1};
                sigv4_result r;
                char err[200];
                ck_assert_int_eq(sigv4_sign_headers(&req, &cred, &p, &r, err, sizeof err), 0);
                ck_assert_uint_eq(strlen(r.signature), 64);
                sigv4_result_free(&r);
                ck_assert_int_eq(sigv4_presign(&req, &cred, &p, &r, err, sizeof err), 0);
                ck_assert_ptr_nonnull(r.query);
                sigv4_result_free(&r);
            }
}
END_TEST

UNIT_SUITE(sigv4_sign, 0, s3_docs_get_object, s3_docs_presigned_url,
           header_mode_token_and_replaced_headers, header_mode_payload_options,
           presign_with_query_and_token, bad_input_is_reported, odd_but_valid_input_signs)
