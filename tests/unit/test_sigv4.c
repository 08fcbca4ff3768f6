/*
 * Focused tests of the SigV4 pieces: encoder, canonical URI, canonical query, canonical
 * headers, the signing-key cache (also from many threads), the two signing modes, and
 * bad input. Known answers marked "AWS docs" are the published examples of the S3 and
 * signing-key pages.
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "sigv4.h"
#include "unit_suite.h"

/* ---- encoder ---------------------------------------------------------------------- */

START_TEST(encode_every_byte)
{
    for (int c = 1; c < 256; c++) {
        char in[2] = {(char)c, 0};
        char *out = sigv4_uri_encode(in, 1, 0);
        int unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                         (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
                         c == '~';
        if (unreserved) {
            ck_assert_str_eq(out, in);
        } else {
            char want[4];
            snprintf(want, sizeof want, "%%%02X", c);
            ck_assert_str_eq(out, want);
        }
        free(out);
    }
    char nul[3] = {'a', 0, 'b'};
    char *out = sigv4_uri_encode(nul, 3, 0);
    ck_assert_str_eq(out, "a%00b");
    free(out);
}
END_TEST

START_TEST(encode_slash_and_utf8)
{
    char *a = sigv4_uri_encode("/a b/ሴ", strlen("/a b/ሴ"), 1);
    ck_assert_str_eq(a, "/a%20b/%E1%88%B4");
    char *b = sigv4_uri_encode("/a+b=", 5, 0);
    ck_assert_str_eq(b, "%2Fa%2Bb%3D");
    char *c = sigv4_uri_encode(NULL, 0, 0);
    ck_assert_str_eq(c, "");
    free(a);
    free(b);
    free(c);
}
END_TEST

START_TEST(sha256_vectors)
{
    char out[65];
    sigv4_sha256_hex("", 0, out);
    ck_assert_str_eq(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    sigv4_sha256_hex(NULL, 0, out);
    ck_assert_str_eq(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    sigv4_sha256_hex("abc", 3, out);
    ck_assert_str_eq(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
END_TEST

/* ---- canonical URI ---------------------------------------------------------------- */

typedef struct {
    const char *in, *want;
} pair;

static void check_uris(const pair *cases, size_t n, int s3)
{
    for (size_t i = 0; i < n; i++) {
        char *got = sigv4_canonical_uri(cases[i].in, s3);
        ck_assert_msg(strcmp(got, cases[i].want) == 0, "%s path '%s': got '%s' want '%s'",
                      s3 ? "S3" : "non-S3", cases[i].in ? cases[i].in : "(null)", got,
                      cases[i].want);
        free(got);
    }
}

START_TEST(uri_normalised_and_double_encoded)
{
    static const pair cases[] = {
        {NULL, "/"},
        {"", "/"},
        {"/", "/"},
        {"//", "/"},
        {"/a/./b/../c", "/a/c"},
        {"//a//b//", "/a/b/"},
        {"/a/b/..", "/a/"},
        {"/a/b/.", "/a/b/"},
        {"/..", "/"},
        {"/../../a", "/a"},
        {"/./", "/"},
        {"/a/..b/.c", "/a/..b/.c"},
        {"/a%20b", "/a%2520b"},
        {"/a b", "/a%20b"},
        {"/ሴ", "/%E1%88%B4"},
        {"/example/$delete", "/example/%24delete"},
        {"a/b", "/a/b"},
        {"/%2E%2E/x", "/%252E%252E/x"},
        {"/~user/-_.", "/~user/-_."},
    };
    check_uris(cases, sizeof cases / sizeof *cases, 0);
}
END_TEST

START_TEST(uri_s3_verbatim_encoded_once)
{
    static const pair cases[] = {
        {NULL, "/"},
        {"", "/"},
        {"/a/./b/../c", "/a/./b/../c"},
        {"//example//", "//example//"},
        {"/a%20b", "/a%20b"},
        {"/a%2fb", "/a%2fb"},
        {"/a b", "/a%20b"},
        {"/a%zz", "/a%25zz"},
        {"/%", "/%25"},
        {"/%2", "/%252"},
        {"x", "/x"},
        {"/ሴ", "/%E1%88%B4"},
    };
    check_uris(cases, sizeof cases / sizeof *cases, 1);
}
END_TEST

/* ---- canonical query -------------------------------------------------------------- */

START_TEST(query_sorting_and_encoding)
{
    static const pair cases[] = {
        {NULL, ""},
        {"", ""},
        {"&&&", ""},
        {"b=2&a=1", "a=1&b=2"},
        {"a=2&a=1&a=10", "a=1&a=10&a=2"},
        {"a&b=", "a=&b="},
        {"&&a=1&&", "a=1"},
        {"=v", "=v"},
        {"a b=c+d", "a%20b=c%2Bd"},
        {"%7e=%41", "~=A"},
        {"%e1%88%b4=x", "%E1%88%B4=x"},
        {"a=b=c", "a=b%3Dc"},
        /* By name, then value: not by the "name=value" text ('-' sorts before '='). */
        {"a-b=1&a=2", "a=2&a-b=1"},
        {"B=1&a=1", "B=1&a=1"},
        {"x=%zz&y=%", "x=%25zz&y=%25"},
        {"k=%00", "k=%00"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *got = sigv4_canonical_query(cases[i].in);
        ck_assert_msg(strcmp(got, cases[i].want) == 0, "query '%s': got '%s' want '%s'",
                      cases[i].in ? cases[i].in : "(null)", got, cases[i].want);
        free(got);
    }
}
END_TEST

/* ---- canonical headers ------------------------------------------------------------ */

START_TEST(headers_fold_join_sort)
{
    const sigv4_header hs[] = {
        {"X-B", "  a   b \t c  "},
        {"Host", "example.com"},
        {"My-Header1", "value1\n  value2\r\n\tvalue3"},
        {"x-a", "2"},
        {"X-A", "1"},
        {"User-Agent", "curl"},
        {"Authorization", "old"},
        {"x-empty", "   "},
    };
    char *signed_list = NULL, err[128] = "";
    char *block = sigv4_canonical_headers(hs, 8, &signed_list, err, sizeof err);
    ck_assert_ptr_nonnull(block);
    ck_assert_str_eq(block, "host:example.com\n"
                            "my-header1:value1 value2 value3\n"
                            "x-a:2,1\n"
                            "x-b:a b c\n"
                            "x-empty:\n");
    ck_assert_str_eq(signed_list, "host;my-header1;x-a;x-b;x-empty");
    free(block);
    free(signed_list);
}
END_TEST

START_TEST(headers_bad_names)
{
    const char *bad[] = {"", "a b", "a:b", "a\nb", "\x7f"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        sigv4_header h[] = {{"Host", "x"}, {bad[i], "v"}};
        char *signed_list = (char *)"untouched", err[160] = "";
        ck_assert_ptr_null(sigv4_canonical_headers(h, 2, &signed_list, err, sizeof err));
        ck_assert_ptr_null(signed_list);
        ck_assert_ptr_nonnull(strstr(err, "invalid name"));
    }
}
END_TEST

/* ---- signing key and its cache ----------------------------------------------------- */

static void reference_key(const char *secret, const char *date, const char *region,
                          const char *service, unsigned char out[32])
{
    char k[256];
    unsigned char a[32], b[32], c[32];
    unsigned int n = 32;
    snprintf(k, sizeof k, "AWS4%s", secret);
    HMAC(EVP_sha256(), k, (int)strlen(k), (const unsigned char *)date, strlen(date), a, &n);
    HMAC(EVP_sha256(), a, 32, (const unsigned char *)region, strlen(region), b, &n);
    HMAC(EVP_sha256(), b, 32, (const unsigned char *)service, strlen(service), c, &n);
    HMAC(EVP_sha256(), c, 32, (const unsigned char *)"aws4_request", 12, out, &n);
}

START_TEST(key_known_answer_and_cache)
{
    /* AWS docs, "derive a signing key": kSigning for iam, us-east-1, 20120215. */
    static const unsigned char want[32] = {
        0xf4, 0x78, 0x0e, 0x2d, 0x9f, 0x65, 0xfa, 0x89, 0x5f, 0x9c, 0x67,
        0xb3, 0x2c, 0xe1, 0xba, 0xf0, 0xb0, 0xd8, 0xa4, 0x35, 0x05, 0xa0,
        0x00, 0xa1, 0xa9, 0xe0, 0x90, 0xd4, 0x14, 0xdb, 0x40, 0x4d};
    const char *secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    unsigned char key[32];
    unsigned long hits, misses;
    sigv4_key_cache_clear();
    sigv4_signing_key(secret, "20120215", "us-east-1", "iam", key);
    ck_assert_mem_eq(key, want, 32);
    sigv4_signing_key(secret, "20120215", "us-east-1", "iam", key);
    ck_assert_mem_eq(key, want, 32);
    sigv4_key_cache_stats(&hits, &misses);
    ck_assert_uint_eq(hits, 1);
    ck_assert_uint_eq(misses, 1);
    /* Any change of secret, date, region or service is a different key. */
    unsigned char ref[32];
    sigv4_signing_key("other", "20120215", "us-east-1", "iam", key);
    reference_key("other", "20120215", "us-east-1", "iam", ref);
    ck_assert_mem_eq(key, ref, 32);
    sigv4_signing_key(secret, "20120216", "us-east-1", "iam", key);
    reference_key(secret, "20120216", "us-east-1", "iam", ref);
    ck_assert_mem_eq(key, ref, 32);
    sigv4_signing_key(secret, "20120215", "eu-west-1", "iam", key);
    reference_key(secret, "20120215", "eu-west-1", "iam", ref);
    ck_assert_mem_eq(key, ref, 32);
    sigv4_signing_key(secret, "20120215", "us-east-1", "ecs", key);
    reference_key(secret, "20120215", "us-east-1", "ecs", ref);
    ck_assert_mem_eq(key, ref, 32);
    sigv4_key_cache_stats(&hits, &misses);
    ck_assert_uint_eq(hits, 1);
    ck_assert_uint_eq(misses, 5);
}
END_TEST

START_TEST(key_cache_eviction_stays_correct)
{
    sigv4_key_cache_clear();
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 40; i++) {
            char region[32];
            snprintf(region, sizeof region, "region-%d", i);
            unsigned char key[32], ref[32];
            sigv4_signing_key("s", "20200101", region, "svc", key);
            reference_key("s", "20200101", region, "svc", ref);
            ck_assert_mem_eq(key, ref, 32);
        }
    }
    /* Names too long for a cache slot are derived every time, correctly. */
    char longname[200];
    memset(longname, 'r', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    unsigned char key[32], ref[32];
    sigv4_signing_key("s", "20200101", longname, "svc", key);
    reference_key("s", "20200101", longname, "svc", ref);
    ck_assert_mem_eq(key, ref, 32);
}
END_TEST

#define THREADS 8
#define PER_THREAD 400

typedef struct {
    int id;
    int bad;
    unsigned char refs[4][32];
} thread_arg;

static const char *const thread_regions[4] = {"us-east-1", "eu-west-1", "ap-south-1",
                                              "sa-east-1"};

static void *hammer(void *p)
{
    thread_arg *a = p;
    for (int i = 0; i < PER_THREAD; i++) {
        int k = (i + a->id) % 4;
        unsigned char key[32];
        sigv4_signing_key(k % 2 ? "secret-a" : "secret-b", "20240229", thread_regions[k],
                          "ecs", key);
        if (memcmp(key, a->refs[k], 32) != 0)
            a->bad++;
    }
    return NULL;
}

START_TEST(key_cache_many_threads)
{
    thread_arg args[THREADS];
    pthread_t t[THREADS];
    sigv4_key_cache_clear();
    for (int i = 0; i < THREADS; i++) {
        args[i].id = i;
        args[i].bad = 0;
        for (int k = 0; k < 4; k++)
            reference_key(k % 2 ? "secret-a" : "secret-b", "20240229", thread_regions[k],
                          "ecs", args[i].refs[k]);
        ck_assert_int_eq(pthread_create(&t[i], NULL, hammer, &args[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        ck_assert_int_eq(args[i].bad, 0);
    }
    unsigned long hits, misses;
    sigv4_key_cache_stats(&hits, &misses);
    ck_assert_uint_eq(hits + misses, THREADS * PER_THREAD);
    ck_assert_uint_ge(misses, 4);
    ck_assert_uint_gt(hits, THREADS * PER_THREAD / 2);
}
END_TEST

UNIT_SUITE(sigv4, 0, encode_every_byte, encode_slash_and_utf8, sha256_vectors,
           uri_normalised_and_double_encoded, uri_s3_verbatim_encoded_once,
           query_sorting_and_encoding, headers_fold_join_sort, headers_bad_names,
           key_known_answer_and_cache, key_cache_eviction_stays_correct, key_cache_many_threads)
