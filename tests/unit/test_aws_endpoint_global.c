/* Endpoints of the global services other than IAM (CloudFront) and of Application Auto
 * Scaling: hosts per partition, the region they are signed for, the overrides. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "aws_endpoint.h"
#include "unit_suite.h"

static int resolve(const char *svc, const char *region, int fips, const char *url,
                   aws_endpoint *ep)
{
    unsetenv("AWS_ENDPOINT_URL");
    unsetenv("AWS_ENDPOINT_URL_CLOUDFRONT");
    unsetenv("AWS_ENDPOINT_URL_APPLICATION_AUTO_SCALING");
    aws_endpoint_settings s;
    aws_endpoint_settings_load(&s, url, NULL);
    s.use_fips = fips;
    s.use_dualstack = 0;
    aws_error err;
    return aws_endpoint_resolve(&s, svc, region, ep, &err);
}

START_TEST(cloudfront_is_global)
{
    aws_endpoint ep;
    ck_assert_int_eq(resolve("cloudfront", "eu-west-3", 0, NULL, &ep), 0);
    ck_assert_str_eq(ep.url, "https://cloudfront.amazonaws.com");
    ck_assert_str_eq(ep.signing_region, "us-east-1");
    ck_assert_str_eq(ep.signing_name, "cloudfront");
    ck_assert_int_eq(resolve("cloudfront", "cn-north-1", 0, NULL, &ep), 0);
    ck_assert_str_eq(ep.url, "https://cloudfront.cn-northwest-1.amazonaws.com.cn");
    ck_assert_str_eq(ep.signing_region, "cn-northwest-1");
    ck_assert_int_eq(resolve("cloudfront", "us-gov-west-1", 0, NULL, &ep), -1);
    ck_assert_int_eq(resolve("cloudfront", "us-east-1", 1, NULL, &ep), -1); /* no FIPS host */
    /* an override keeps the signing region of the global endpoint */
    ck_assert_int_eq(resolve("cloudfront", "eu-west-3", 0, "http://127.0.0.1:4566", &ep), 0);
    ck_assert_str_eq(ep.url, "http://127.0.0.1:4566");
    ck_assert_str_eq(ep.signing_region, "us-east-1");
    setenv("AWS_ENDPOINT_URL_CLOUDFRONT", "http://127.0.0.1:9999", 1);
    aws_endpoint_settings s;
    aws_endpoint_settings_load(&s, NULL, NULL);
    aws_error err;
    ck_assert_int_eq(aws_endpoint_resolve(&s, "cloudfront", "eu-west-1", &ep, &err), 0);
    ck_assert_str_eq(ep.url, "http://127.0.0.1:9999");
    unsetenv("AWS_ENDPOINT_URL_CLOUDFRONT");
}
END_TEST

START_TEST(application_autoscaling_is_regional)
{
    aws_endpoint ep;
    ck_assert_int_eq(resolve("application-autoscaling", "eu-west-3", 0, NULL, &ep), 0);
    ck_assert_str_eq(ep.url, "https://application-autoscaling.eu-west-3.amazonaws.com");
    ck_assert_str_eq(ep.signing_region, "eu-west-3");
    ck_assert_str_eq(ep.signing_name, "application-autoscaling");
    ck_assert_int_eq(resolve("application-autoscaling", "us-gov-east-1", 1, NULL, &ep), 0);
    ck_assert_str_eq(ep.url, "https://application-autoscaling.us-gov-east-1.amazonaws.com");
    setenv("AWS_ENDPOINT_URL_APPLICATION_AUTO_SCALING", "http://127.0.0.1:9998", 1);
    aws_endpoint_settings s;
    aws_endpoint_settings_load(&s, NULL, NULL);
    aws_error err;
    ck_assert_int_eq(aws_endpoint_resolve(&s, "application-autoscaling", "eu-west-1", &ep, &err),
                     0);
    ck_assert_str_eq(ep.url, "http://127.0.0.1:9998");
    unsetenv("AWS_ENDPOINT_URL_APPLICATION_AUTO_SCALING");
}
END_TEST

UNIT_SUITE(aws_endpoint_global, 0, cloudfront_is_global, application_autoscaling_is_regional)
