/* Endpoint resolution: partitions, global services, FIPS and dual-stack hosts, overrides,
 * S3 addressing, the region. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "aws_endpoint.h"
#include "unit_suite.h"

static void clear_env(void)
{
    const char *vars[] = {"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_ECS", "AWS_ENDPOINT_URL_S3",
                          "AWS_USE_FIPS_ENDPOINT", "AWS_USE_DUALSTACK_ENDPOINT",
                          "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "AWS_REGION",
                          "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2",
                          "AWS_ENDPOINT_URL_CLOUDFRONT",
                          "AWS_ENDPOINT_URL_APPLICATION_AUTO_SCALING", NULL};
    for (int i = 0; vars[i]; i++)
        unsetenv(vars[i]);
}

static aws_endpoint resolve(const char *svc, const char *region, int fips, int dual,
                            const char *url)
{
    aws_endpoint_settings s;
    aws_endpoint_settings_load(&s, url, NULL);
    s.use_fips = fips;
    s.use_dualstack = dual;
    aws_endpoint ep;
    aws_error err;
    ck_assert_msg(aws_endpoint_resolve(&s, svc, region, &ep, &err) == 0, "%s", err.message);
    return ep;
}

/* One resolution and what it must give (NULL: not checked), or that it is refused. */
typedef struct {
    const char *svc, *region;
    int fips, dual;
    const char *override; /* --endpoint-url, or NULL */
    const char *url, *host, *signing_region, *signing_name, *partition;
    int refused;
} endpoint_case;

#define WANT(field)                                                                       \
    ck_assert_msg(!c->field || strcmp(ep.field, c->field) == 0,                           \
                  "%s in %s: " #field " %s, want %s", c->svc, c->region, ep.field, c->field)

static void check_endpoints(const endpoint_case *c, size_t n)
{
    for (const endpoint_case *end = c + n; c < end; c++) {
        if (c->refused) {
            aws_endpoint_settings s;
            aws_endpoint_settings_load(&s, c->override, NULL);
            s.use_fips = c->fips;
            s.use_dualstack = c->dual;
            aws_endpoint ep;
            aws_error err;
            ck_assert_msg(aws_endpoint_resolve(&s, c->svc, c->region, &ep, &err) == -1,
                          "%s in %s: not refused", c->svc, c->region);
            continue;
        }
        aws_endpoint ep = resolve(c->svc, c->region, c->fips, c->dual, c->override);
        WANT(url);
        WANT(host);
        WANT(signing_region);
        WANT(signing_name);
        WANT(partition);
    }
}
#define CHECK_ENDPOINTS(rows) check_endpoints(rows, sizeof rows / sizeof rows[0])

START_TEST(partitions)
{
    clear_env();
    static const endpoint_case rows[] = {
        {.svc = "ecs", .region = "eu-west-1",
         .url = "https://ecs.eu-west-1.amazonaws.com", .host = "ecs.eu-west-1.amazonaws.com",
         .signing_region = "eu-west-1", .partition = "aws"},
        {.svc = "elbv2", .region = "cn-north-1",
         .url = "https://elasticloadbalancing.cn-north-1.amazonaws.com.cn",
         .signing_name = "elasticloadbalancing", .partition = "aws-cn"},
        {.svc = "logs", .region = "us-gov-west-1",
         .url = "https://logs.us-gov-west-1.amazonaws.com", .partition = "aws-us-gov"},
        {.svc = "sts", .region = "ap-southeast-2",
         .url = "https://sts.ap-southeast-2.amazonaws.com"},
    };
    CHECK_ENDPOINTS(rows);
}
END_TEST

START_TEST(iam_global)
{
    clear_env();
    static const endpoint_case rows[] = {
        {.svc = "iam", .region = "eu-west-1",
         .url = "https://iam.amazonaws.com", .signing_region = "us-east-1"},
        {.svc = "iam", .region = "cn-northwest-1",
         .url = "https://iam.cn-north-1.amazonaws.com.cn", .signing_region = "cn-north-1"},
        {.svc = "iam", .region = "us-gov-east-1",
         .url = "https://iam.us-gov.amazonaws.com", .signing_region = "us-gov-west-1"},
        {.svc = "iam", .region = "eu-west-1", .fips = 1, .url = "https://iam-fips.amazonaws.com"},
        {.svc = "iam", .region = "eu-west-1", .dual = 1, .url = "https://iam.global.api.aws"},
    };
    CHECK_ENDPOINTS(rows);
}
END_TEST

/* Route 53 is global like IAM (one endpoint per partition, signed for one region, even
 * behind an endpoint override); ACM is regional. */
START_TEST(route53_global_acm_regional)
{
    clear_env();
    static const endpoint_case rows[] = {
        {.svc = "route53", .region = "eu-west-1",
         .url = "https://route53.amazonaws.com", .signing_region = "us-east-1",
         .signing_name = "route53"},
        {.svc = "route53", .region = "cn-north-1",
         .url = "https://route53.amazonaws.com.cn", .signing_region = "cn-northwest-1"},
        {.svc = "route53", .region = "us-gov-east-1", .fips = 1,
         .url = "https://route53.us-gov.amazonaws.com", .signing_region = "us-gov-west-1"},
        {.svc = "route53", .region = "eu-west-1", .fips = 1,
         .url = "https://route53-fips.amazonaws.com"},
        {.svc = "route53", .region = "eu-west-1", .dual = 1,
         .url = "https://route53.aws-global.api.aws"},
        {.svc = "route53", .region = "eu-west-1", .override = "http://127.0.0.1:4566",
         .url = "http://127.0.0.1:4566", .signing_region = "us-east-1"},
        {.svc = "acm", .region = "eu-west-1",
         .url = "https://acm.eu-west-1.amazonaws.com", .signing_region = "eu-west-1"},
        {.svc = "acm", .region = "ca-central-1", .fips = 1,
         .url = "https://acm-fips.ca-central-1.amazonaws.com"},
    };
    CHECK_ENDPOINTS(rows);
    /* the SDKs' names of their endpoint variables */
    setenv("AWS_ENDPOINT_URL_ROUTE_53", "http://127.0.0.1:5353", 1);
    setenv("AWS_ENDPOINT_URL_ACM", "http://127.0.0.1:5354", 1);
    ck_assert_str_eq(resolve("route53", "eu-west-1", 0, 0, NULL).url, "http://127.0.0.1:5353");
    ck_assert_str_eq(resolve("acm", "eu-west-1", 0, 0, NULL).url, "http://127.0.0.1:5354");
    unsetenv("AWS_ENDPOINT_URL_ROUTE_53");
    unsetenv("AWS_ENDPOINT_URL_ACM");
}
END_TEST

START_TEST(fips_and_dualstack)
{
    clear_env();
    static const endpoint_case rows[] = {
        {.svc = "ecs", .region = "us-east-1", .fips = 1,
         .url = "https://ecs-fips.us-east-1.amazonaws.com"},
        {.svc = "ec2", .region = "us-east-1", .dual = 1, .url = "https://ec2.us-east-1.api.aws"},
        {.svc = "servicediscovery", .region = "us-east-1", .fips = 1, .dual = 1,
         .url = "https://servicediscovery-fips.us-east-1.api.aws"},
        {.svc = "s3", .region = "us-east-1", .dual = 1,
         .url = "https://s3.dualstack.us-east-1.amazonaws.com"},
        {.svc = "s3", .region = "us-east-1", .fips = 1, .dual = 1,
         .url = "https://s3-fips.dualstack.us-east-1.amazonaws.com"},
        {.svc = "ec2", .region = "us-gov-west-1", .fips = 1,
         .url = "https://ec2.us-gov-west-1.amazonaws.com"},
        {.svc = "kms", .region = "us-gov-west-1", .fips = 1,
         .url = "https://kms-fips.us-gov-west-1.amazonaws.com"},
        {.svc = "logs", .region = "cn-north-1", .dual = 1,
         .url = "https://logs.cn-north-1.api.amazonwebservices.com.cn"},
    };
    CHECK_ENDPOINTS(rows);
    aws_endpoint_settings s;
    aws_endpoint_settings_load(&s, NULL, NULL);
    s.use_fips = 1;
    aws_endpoint ep;
    aws_error err;
    ck_assert_int_eq(aws_endpoint_resolve(&s, "ecs", "cn-north-1", &ep, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.message, "FIPS"));
    setenv("AWS_USE_FIPS_ENDPOINT", "true", 1);
    aws_endpoint_settings_load(&s, NULL, NULL);
    ck_assert_int_eq(s.use_fips, 1);
}
END_TEST

START_TEST(overrides_in_order)
{
    clear_env();
    setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4566/", 1);
    ck_assert_str_eq(resolve("ecs", "eu-west-1", 0, 0, NULL).url, "http://127.0.0.1:4566");
    setenv("AWS_ENDPOINT_URL_ECS", "http://localhost:9000", 1);
    aws_endpoint ep = resolve("ecs", "eu-west-1", 0, 0, NULL);
    ck_assert_str_eq(ep.url, "http://localhost:9000");
    ck_assert_str_eq(ep.host, "localhost:9000");
    ck_assert_int_eq(ep.overridden, 1);
    ck_assert_str_eq(resolve("ecs", "eu-west-1", 0, 0, "https://cli.example").url,
                     "https://cli.example");
    setenv("AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2", "http://127.0.0.1:1", 1);
    ck_assert_str_eq(resolve("elbv2", "eu-west-1", 0, 0, NULL).url, "http://127.0.0.1:1");
    /* IAM keeps its signing region with an override. */
    ck_assert_str_eq(resolve("iam", "eu-west-1", 0, 0, NULL).signing_region, "us-east-1");
    setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true", 1);
    ck_assert_str_eq(resolve("ecs", "eu-west-1", 0, 0, NULL).url,
                     "https://ecs.eu-west-1.amazonaws.com");
    ck_assert_str_eq(resolve("ecs", "eu-west-1", 0, 0, "http://127.0.0.1:2").url,
                     "http://127.0.0.1:2");
}
END_TEST

START_TEST(bad_override_refused)
{
    clear_env();
    aws_endpoint_settings s;
    aws_endpoint ep;
    aws_error err;
    const char *bad[] = {"ftp://x", "localhost:4566", "http://", "http://a b", NULL};
    for (int i = 0; bad[i]; i++) {
        aws_endpoint_settings_load(&s, bad[i], NULL);
        ck_assert_int_eq(aws_endpoint_resolve(&s, "ecs", "eu-west-1", &ep, &err), -1);
        ck_assert_ptr_nonnull(strstr(err.message, "--endpoint-url"));
    }
    aws_endpoint_settings_load(&s, NULL, NULL);
    ck_assert_int_eq(aws_endpoint_resolve(&s, "nosuch", "eu-west-1", &ep, &err), -1);
}
END_TEST

START_TEST(s3_addressing)
{
    clear_env();
    aws_endpoint ep = resolve("s3", "eu-west-1", 0, 0, NULL);
    char *url, *host, *path;
    aws_s3_address(&ep, "my-bucket", "a b/c.txt", 0, &url, &host, &path);
    ck_assert_str_eq(url, "https://my-bucket.s3.eu-west-1.amazonaws.com/a%20b/c.txt");
    ck_assert_str_eq(host, "my-bucket.s3.eu-west-1.amazonaws.com");
    ck_assert_str_eq(path, "/a%20b/c.txt");
    free(url), free(host), free(path);
    aws_s3_address(&ep, "my.dotted.bucket", NULL, 0, &url, &host, &path);
    ck_assert_str_eq(url, "https://s3.eu-west-1.amazonaws.com/my.dotted.bucket");
    ck_assert_str_eq(path, "/my.dotted.bucket");
    free(url), free(host), free(path);
    aws_s3_address(&ep, "my-bucket", NULL, 0, &url, &host, &path);
    ck_assert_str_eq(url, "https://my-bucket.s3.eu-west-1.amazonaws.com/");
    ck_assert_str_eq(path, "/");
    free(url), free(host), free(path);
    aws_s3_address(&ep, NULL, NULL, 0, &url, &host, &path);
    ck_assert_str_eq(url, "https://s3.eu-west-1.amazonaws.com/");
    free(url), free(host), free(path);
    ep = resolve("s3", "eu-west-1", 0, 0, "http://127.0.0.1:4566");
    aws_s3_address(&ep, "my-bucket", "k", 0, &url, &host, &path);
    ck_assert_str_eq(url, "http://127.0.0.1:4566/my-bucket/k");
    ck_assert_str_eq(host, "127.0.0.1:4566");
    ck_assert_str_eq(path, "/my-bucket/k");
    free(url), free(host), free(path);
}
END_TEST

START_TEST(regions)
{
    clear_env();
    aws_error err;
    char *r = aws_region_resolve("eu-west-3", NULL, &err);
    ck_assert_str_eq(r, "eu-west-3");
    free(r);
    setenv("AWS_DEFAULT_REGION", "us-east-2", 1);
    r = aws_region_resolve(NULL, NULL, &err);
    ck_assert_str_eq(r, "us-east-2");
    free(r);
    setenv("AWS_REGION", "ap-south-1", 1);
    r = aws_region_resolve(NULL, NULL, &err);
    ck_assert_str_eq(r, "ap-south-1");
    free(r);
    ck_assert_ptr_null(aws_region_resolve("Not A Region", NULL, &err));
    ck_assert_ptr_nonnull(strstr(err.message, "--region"));
    clear_env();
    ck_assert_ptr_null(aws_region_resolve(NULL, NULL, &err));
    ck_assert_str_eq(err.code, "NoRegion");
    ck_assert_ptr_nonnull(strstr(err.message, "AWS_REGION"));
}
END_TEST

/* The global services other than IAM (CloudFront) and Application Auto Scaling: hosts
 * per partition, the region they are signed for, the overrides. */
START_TEST(cloudfront_is_global)
{
    clear_env();
    static const endpoint_case rows[] = {
        {.svc = "cloudfront", .region = "eu-west-3",
         .url = "https://cloudfront.amazonaws.com", .signing_region = "us-east-1",
         .signing_name = "cloudfront"},
        {.svc = "cloudfront", .region = "cn-north-1",
         .url = "https://cloudfront.cn-northwest-1.amazonaws.com.cn",
         .signing_region = "cn-northwest-1"},
        {.svc = "cloudfront", .region = "us-gov-west-1", .refused = 1},
        {.svc = "cloudfront", .region = "us-east-1", .fips = 1, .refused = 1}, /* no FIPS host */
        /* an override keeps the signing region of the global endpoint */
        {.svc = "cloudfront", .region = "eu-west-3", .override = "http://127.0.0.1:4566",
         .url = "http://127.0.0.1:4566", .signing_region = "us-east-1"},
    };
    CHECK_ENDPOINTS(rows);
    setenv("AWS_ENDPOINT_URL_CLOUDFRONT", "http://127.0.0.1:9999", 1);
    ck_assert_str_eq(resolve("cloudfront", "eu-west-1", 0, 0, NULL).url, "http://127.0.0.1:9999");
    unsetenv("AWS_ENDPOINT_URL_CLOUDFRONT");
}
END_TEST

START_TEST(application_autoscaling_is_regional)
{
    clear_env();
    static const endpoint_case rows[] = {
        {.svc = "application-autoscaling", .region = "eu-west-3",
         .url = "https://application-autoscaling.eu-west-3.amazonaws.com",
         .signing_region = "eu-west-3", .signing_name = "application-autoscaling"},
        {.svc = "application-autoscaling", .region = "us-gov-east-1", .fips = 1,
         .url = "https://application-autoscaling.us-gov-east-1.amazonaws.com"},
    };
    CHECK_ENDPOINTS(rows);
    setenv("AWS_ENDPOINT_URL_APPLICATION_AUTO_SCALING", "http://127.0.0.1:9998", 1);
    ck_assert_str_eq(resolve("application-autoscaling", "eu-west-1", 0, 0, NULL).url,
                     "http://127.0.0.1:9998");
    unsetenv("AWS_ENDPOINT_URL_APPLICATION_AUTO_SCALING");
}
END_TEST

UNIT_SUITE(aws_endpoint, 0, partitions, iam_global, route53_global_acm_regional, fips_and_dualstack,
           overrides_in_order, bad_override_refused, s3_addressing, regions)
UNIT_SUITE(aws_endpoint_global, 0, cloudfront_is_global, application_autoscaling_is_regional)
