/* S3 bucket CORS against the local fake, and the bucket policy that lets only one CloudFront
 * distribution read a bucket whose public access is blocked. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakeaws_fixture.h"
#include "s3.h"

#define BUCKET "svc-s3-cors-000000000000"

START_TEST(cors_rules)
{
    aws_error err;
    OK(s3_create_bucket(fake_cl, BUCKET, &err));
    s3_cors_rules got;
    OK(s3_get_bucket_cors(fake_cl, BUCKET, &got, &err)); /* none yet: no rules, no error */
    ck_assert_uint_eq(got.n, 0);
    FAILS_WITH(s3_get_bucket_cors(fake_cl, "svc-s3-cors-missing", &got, &err), "NoSuchBucket");

    s3_cors_rule r[2] = {{.id = "app", .max_age = 3000}, {.max_age = -1}};
    svc_strings_add(&r[0].origins, "https://app.example.com");
    svc_strings_add(&r[0].methods, "GET");
    svc_strings_add(&r[0].methods, "HEAD");
    svc_strings_add(&r[0].headers, "*");
    svc_strings_add(&r[0].expose_headers, "ETag");
    svc_strings_add(&r[1].origins, "https://*.example.org");
    svc_strings_add(&r[1].methods, "PUT");
    OK(s3_put_bucket_cors(fake_cl, BUCKET, r, 2, &err));
    OK(s3_get_bucket_cors(fake_cl, BUCKET, &got, &err));
    ck_assert_uint_eq(got.n, 2);
    ck_assert_str_eq(got.items[0].id, "app");
    ck_assert_uint_eq(got.items[0].methods.n, 2);
    ck_assert_str_eq(got.items[0].methods.items[1], "HEAD");
    ck_assert_str_eq(got.items[0].origins.items[0], "https://app.example.com");
    ck_assert_str_eq(got.items[0].headers.items[0], "*");
    ck_assert_str_eq(got.items[0].expose_headers.items[0], "ETag");
    ck_assert_int_eq(got.items[0].max_age, 3000);
    ck_assert_str_eq(got.items[1].id, "");
    ck_assert_int_eq(got.items[1].max_age, -1);
    ck_assert_uint_eq(got.items[1].headers.n, 0);
    s3_cors_rules_free(&got);

    /* S3's refusals */
    s3_cors_rule bad = {.max_age = -1};
    svc_strings_add(&bad.origins, "*");
    svc_strings_add(&bad.methods, "PATCH");
    FAILS_AS(s3_put_bucket_cors(fake_cl, BUCKET, &bad, 1, &err), "InvalidRequest", AWS_IS_INVALID);
    svc_strings_free(&bad.methods);
    svc_strings_add(&bad.methods, "GET");
    svc_strings_add(&bad.expose_headers, "x-*");
    FAILS_WITH(s3_put_bucket_cors(fake_cl, BUCKET, &bad, 1, &err), "InvalidRequest");
    FAILS_WITH(s3_put_bucket_cors(fake_cl, BUCKET, NULL, 0, &err), "MalformedXML");

    OK(s3_delete_bucket_cors(fake_cl, BUCKET, &err));
    OK(s3_get_bucket_cors(fake_cl, BUCKET, &got, &err));
    ck_assert_uint_eq(got.n, 0);

    /* only one distribution may read the bucket, with every public access blocked */
    s3_public_access_block pab = {1, 1, 1, 1};
    OK(s3_put_public_access_block(fake_cl, BUCKET, &pab, &err));
    OK(s3_put_bucket_policy(fake_cl, BUCKET,
                            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                            "\"Principal\":{\"Service\":\"cloudfront.amazonaws.com\"},"
                            "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::" BUCKET
                            "/*\",\"Condition\":{\"StringEquals\":{\"AWS:SourceArn\":"
                            "\"arn:aws:cloudfront::000000000000:distribution/E1\"}}}]}",
                            &err));
    /* a wildcard source is no longer a fixed one: public, refused */
    FAILS_WITH(s3_put_bucket_policy(fake_cl, BUCKET,
                                    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
                                    "\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\","
                                    "\"Resource\":\"arn:aws:s3:::" BUCKET "/*\",\"Condition\":"
                                    "{\"ArnLike\":{\"aws:SourceArn\":\"arn:aws:cloudfront::"
                                    "000000000000:distribution/*\"}}}]}",
                                    &err),
               "AccessDenied");
    OK(s3_delete_bucket_policy(fake_cl, BUCKET, &err));
    OK(s3_delete_bucket(fake_cl, BUCKET, &err));
    for (int i = 0; i < 2; i++) {
        svc_strings_free(&r[i].origins);
        svc_strings_free(&r[i].methods);
        svc_strings_free(&r[i].headers);
        svc_strings_free(&r[i].expose_headers);
    }
    svc_strings_free(&bad.origins);
    svc_strings_free(&bad.methods);
    svc_strings_free(&bad.expose_headers);
}
END_TEST

FAKE_SUITE(svc_s3_cors, fake_client_setup, fake_client_teardown, 60, cors_rules)
