/* CloudFront client against the local fake: origin access controls, a distribution served
 * from S3 through one (created, read, updated keeping what it does not manage, disabled,
 * waited for, deleted), response headers policies, ETag refusals, pages, tags, and the lost
 * answers of the creates. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cloudfront.h"
#include "fakeaws_fixture.h"

static const aws_wait_opts fast = {.max_checks = 400, .interval_s = 0.05};

static void site_config(cf_config *cfg, cf_origin *origin, cf_error_response *spa,
                        const char *ref, const char *oac_id, char *domain)
{
    *origin = (cf_origin){.id = "site", .domain_name = domain, .oac_id = (char *)oac_id};
    *spa = (cf_error_response){.error_code = 404, .response_code = 200, .page = "/index.html",
                               .min_ttl = 10};
    *cfg = (cf_config){.caller_reference = (char *)ref, .comment = "svc-cf site", .enabled = 1,
                       .origins = origin, .norigins = 1, .target_origin = "site",
                       .cache_policy = CF_CACHING_OPTIMIZED, .compress = 1,
                       .default_root_object = "index.html", .errors = spa, .nerrors = 1,
                       .ipv6 = 1};
}

/* Hold a distribution InProgress, or finish its deployment now (the fake's control request). */
static void deployment(const char *id, const char *action)
{
    char doc[200];
    snprintf(doc, sizeof doc, "{\"Id\":\"%s\",\"action\":\"%s\"}", id, action);
    ck_assert_int_eq(fake_control("/_fake/cloudfront/deployment", doc), 0);
}

START_TEST(origin_access_controls)
{
    aws_client *c = fake_client();
    aws_error err;
    cf_oac_in in = {.name = "svc-cf-oac", .description = "site bucket"};
    cf_oac o, got;
    OK(cf_create_origin_access_control(c, &in, &o, &err));
    ck_assert_str_eq(o.origin_type, "s3");
    ck_assert_str_eq(o.signing_behavior, "always");
    ck_assert(o.id[0] == 'E' && o.etag[0]);
    FAILS_WITH(cf_create_origin_access_control(c, &in, &got, &err),
               "OriginAccessControlAlreadyExists");
    ck_assert(aws_error_is(&err, AWS_IS_EXISTS));
    OK(cf_get_origin_access_control(c, o.id, &got, &err));
    ck_assert_str_eq(got.name, "svc-cf-oac");
    ck_assert_str_eq(got.etag, o.etag);
    cf_oac_free(&got);
    cf_oac_in renamed = {.name = "svc-cf-oac2", .signing_behavior = "no-override"};
    FAILS_WITH(cf_update_origin_access_control(c, o.id, "ESTALE", &renamed, NULL, &err),
               "PreconditionFailed");
    ck_assert(aws_error_is(&err, AWS_IS_BUSY));
    OK(cf_update_origin_access_control(c, o.id, o.etag, &renamed, &got, &err));
    ck_assert_str_eq(got.signing_behavior, "no-override");
    ck_assert_str_ne(got.etag, o.etag);
    FAILS_WITH(cf_delete_origin_access_control(c, o.id, NULL, &err), "InvalidIfMatchVersion");
    FAILS_WITH(cf_delete_origin_access_control(c, o.id, o.etag, &err), "PreconditionFailed");
    OK(cf_delete_origin_access_control(c, o.id, got.etag, &err));
    cf_oac_free(&got);
    FAILS_WITH(cf_get_origin_access_control(c, o.id, &got, &err), "NoSuchOriginAccessControl");
    ck_assert(aws_error_is(&err, AWS_IS_NOT_FOUND));
    cf_oac_free(&o);

    /* a create whose answer is lost is found by its name: one OAC, not a refusal */
    cf_oac_in lost = {.name = "svc-cf-lost"};
    fake_lose_next("cloudfront", "CreateOriginAccessControl", "drop");
    OK(cf_create_origin_access_control(c, &lost, &o, &err));
    ck_assert_str_eq(o.name, "svc-cf-lost");
    ck_assert(o.etag[0]);
    cf_oacs all;
    OK(cf_list_origin_access_controls(c, 1, &all, &err)); /* pages of one */
    size_t named = 0;
    for (size_t i = 0; i < all.n; i++)
        named += strcmp(all.items[i].name, "svc-cf-lost") == 0;
    ck_assert_uint_eq(named, 1);
    cf_oacs_free(&all);
    OK(cf_delete_origin_access_control(c, o.id, o.etag, &err));
    cf_oac_free(&o);
    aws_client_free(c);
}
END_TEST

/* Response headers policies: created with their headers, names unique, changed with the
 * ETag read before, a lost create answer found by its name, deleted. */
START_TEST(response_headers_policies)
{
    aws_client *c = fake_client();
    aws_error err;
    svc_tags headers = {0};
    svc_tags_add(&headers, "Cross-Origin-Opener-Policy", "same-origin");
    svc_tags_add(&headers, "Cross-Origin-Embedder-Policy", "require-corp");
    cf_headers_policy_in in = {.name = "svc-cf-headers", .comment = "site", .headers = &headers};
    cf_headers_policy p, got;
    OK(cf_create_headers_policy(c, &in, &p, &err));
    ck_assert(p.id[0] && p.etag[0]);
    ck_assert_uint_eq(p.headers.n, 2);
    ck_assert_str_eq(svc_tags_get(&p.headers, "Cross-Origin-Embedder-Policy"), "require-corp");
    FAILS_WITH(cf_create_headers_policy(c, &in, &got, &err), "ResponseHeadersPolicyAlreadyExists");
    ck_assert(aws_error_is(&err, AWS_IS_EXISTS));
    svc_tags_free(&headers);
    svc_tags_add(&headers, "Cross-Origin-Embedder-Policy", "credentialless");
    FAILS_WITH(cf_update_headers_policy(c, p.id, "ESTALE", &in, NULL, &err), "PreconditionFailed");
    OK(cf_update_headers_policy(c, p.id, p.etag, &in, &got, &err));
    ck_assert_uint_eq(got.headers.n, 1);
    ck_assert_str_eq(got.headers.items[0].value, "credentialless");
    cf_headers_policy_free(&got);

    /* a create whose answer is lost is found by its name: one policy, not a refusal */
    cf_headers_policy_in lost = {.name = "svc-cf-headers-lost", .headers = &headers};
    fake_lose_next("cloudfront", "CreateResponseHeadersPolicy", "drop");
    cf_headers_policy l;
    OK(cf_create_headers_policy(c, &lost, &l, &err));
    ck_assert_str_eq(l.name, "svc-cf-headers-lost");
    cf_headers_policies all;
    OK(cf_list_headers_policies(c, &all, &err)); /* the custom ones only, AWS's managed aside */
    ck_assert_uint_eq(all.n, 2);
    cf_headers_policies_free(&all);
    OK(cf_get_headers_policy(c, p.id, &got, &err));
    OK(cf_delete_headers_policy(c, p.id, got.etag, &err));
    cf_headers_policy_free(&got);
    FAILS_WITH(cf_get_headers_policy(c, p.id, &got, &err), "NoSuchResponseHeadersPolicy");
    ck_assert(aws_error_is(&err, AWS_IS_NOT_FOUND));
    OK(cf_delete_headers_policy(c, l.id, l.etag, &err));
    cf_headers_policy_free(&l);
    cf_headers_policy_free(&p);
    svc_tags_free(&headers);
    aws_client_free(c);
}
END_TEST

START_TEST(distribution_lifecycle)
{
    aws_client *c = fake_client();
    aws_error err;
    cf_oac_in oin = {.name = "svc-cf-site"};
    cf_oac oac;
    OK(cf_create_origin_access_control(c, &oin, &oac, &err));
    char *domain = cf_s3_origin_domain("svc-cf-site", "us-east-1");
    ck_assert_str_eq(domain, "svc-cf-site.s3.us-east-1.amazonaws.com");
    cf_config cfg;
    cf_origin origin;
    cf_error_response spa;
    site_config(&cfg, &origin, &spa, "svc-cf-1", oac.id, domain);
    svc_tags tags = {0};
    svc_tags_add(&tags, "ecsdeploy:stack", "svc-cf");

    /* refusals CloudFront makes on a configuration */
    cf_config bad = cfg;
    bad.target_origin = "nowhere";
    cf_distribution d;
    FAILS_WITH(cf_create_distribution(c, &bad, NULL, &d, &err), "NoSuchOrigin");
    bad = cfg;
    svc_strings_add(&bad.aliases, "www.example.com");
    FAILS_WITH(cf_create_distribution(c, &bad, NULL, &d, &err), "InvalidViewerCertificate");
    ck_assert(aws_error_is(&err, AWS_IS_INVALID));
    bad.certificate_arn = "arn:aws:acm:eu-west-1:000000000000:certificate/x";
    FAILS_WITH(cf_create_distribution(c, &bad, NULL, &d, &err), "InvalidViewerCertificate");
    svc_strings_free(&bad.aliases);

    OK(cf_create_distribution(c, &cfg, &tags, &d, &err));
    ck_assert_str_eq(d.status, "InProgress");
    ck_assert_ptr_nonnull(strstr(d.domain_name, ".cloudfront.net"));
    ck_assert(d.etag[0]);
    ck_assert_str_eq(d.config.caller_reference, "svc-cf-1");
    ck_assert_uint_eq(d.config.norigins, 1);
    ck_assert_str_eq(d.config.origins[0].oac_id, oac.id);
    ck_assert_int_eq(d.config.origins[0].custom, 0);
    ck_assert_str_eq(d.config.cache_policy, CF_CACHING_OPTIMIZED);
    ck_assert_str_eq(d.config.default_root_object, "index.html");
    ck_assert_str_eq(d.config.price_class, "PriceClass_All");
    ck_assert_uint_eq(d.config.nerrors, 1);
    ck_assert_int_eq(d.config.errors[0].response_code, 200);
    ck_assert_str_eq(d.config.errors[0].page, "/index.html");
    ck_assert_int_eq(d.config.ipv6, 1);
    cf_distribution again;
    FAILS_WITH(cf_create_distribution(c, &cfg, NULL, &again, &err), "DistributionAlreadyExists");
    ck_assert(aws_error_is(&err, AWS_IS_EXISTS));
    FAILS_WITH(cf_delete_origin_access_control(c, oac.id, oac.etag, &err),
               "OriginAccessControlInUse");
    ck_assert(aws_error_is(&err, AWS_IS_IN_USE));

    /* an update keeps what ecsdeploy does not manage (here: HttpVersion and the logging) */
    cJSON *doc;
    char *etag;
    OK(cf_get_distribution_config(c, d.id, &doc, &etag, &err));
    ck_assert_str_eq(etag, d.etag);
    cJSON_ReplaceItemInObject(doc, "HttpVersion", cJSON_CreateString("http2and3"));
    cf_config next = cfg;
    next.comment = "svc-cf site, v2";
    next.price_class = "PriceClass_100";
    next.nerrors = 0;
    cf_config_apply(doc, &next);
    FAILS_WITH(cf_update_distribution(c, d.id, "ESTALE", doc, NULL, &err), "PreconditionFailed");
    cf_distribution u;
    OK(cf_update_distribution(c, d.id, etag, doc, &u, &err));
    ck_assert_str_eq(u.config.comment, "svc-cf site, v2");
    ck_assert_str_eq(u.config.price_class, "PriceClass_100");
    ck_assert_uint_eq(u.config.nerrors, 0);
    ck_assert_str_eq(aws_json_str(u.doc, "HttpVersion"), "http2and3");
    ck_assert_str_eq(u.config.caller_reference, "svc-cf-1");
    ck_assert_str_ne(u.etag, d.etag);
    cJSON_Delete(doc);
    free(etag);

    /* tags and the list */
    const fake_tag_calls cf_tags = {.list = cf_list_tags_for_resource, .tag = cf_tag_resource,
                                    .untag = cf_untag_resource};
    fake_check_tag_calls(c, &cf_tags, d.arn, "svc-cf", "team", "web");
    cf_summaries all;
    OK(cf_list_distributions(c, 1, &all, &err));
    int seen = 0;
    for (size_t i = 0; i < all.n; i++)
        if (strcmp(all.items[i].id, d.id) == 0) {
            seen = 1;
            ck_assert_str_eq(all.items[i].origins.items[0], domain);
            ck_assert_int_eq(all.items[i].enabled, 1);
        }
    ck_assert(seen);
    cf_summaries_free(&all);

    /* deletion: disable, wait for Deployed, delete with the latest ETag */
    FAILS_WITH(cf_delete_distribution(c, d.id, u.etag, &err), "DistributionNotDisabled");
    cf_distribution off;
    OK(cf_disable_distribution(c, d.id, &off, &err));
    ck_assert_int_eq(off.config.enabled, 0);
    deployment(d.id, "hold"); /* in progress whatever the clock says: no race */
    FAILS_WITH(cf_delete_distribution(c, d.id, off.etag, &err), "DistributionNotDisabled");
    ck_assert(aws_error_is(&err, AWS_IS_BUSY));
    aws_wait_opts once = {.max_checks = 1, .interval_s = 0.01};
    FAILS_WITH(cf_wait_distribution_deployed(c, d.id, &once, NULL, &err), "WaiterTimeout");
    ck_assert(aws_error_is(&err, AWS_IS_TIMED_OUT));
    ck_assert_ptr_nonnull(strstr(err.message, "InProgress"));
    deployment(d.id, "finish");
    cf_distribution done;
    OK(cf_wait_distribution_deployed(c, d.id, &fast, &done, &err));
    ck_assert_str_eq(done.status, "Deployed");
    OK(cf_delete_distribution(c, d.id, done.etag, &err));
    cf_distribution gone;
    FAILS_WITH(cf_get_distribution(c, d.id, &gone, &err), "NoSuchDistribution");
    ck_assert(aws_error_is(&err, AWS_IS_NOT_FOUND));
    OK(cf_delete_origin_access_control(c, oac.id, oac.etag, &err));

    cf_distribution_free(&done);
    cf_distribution_free(&off);
    cf_distribution_free(&u);
    cf_distribution_free(&d);
    cf_oac_free(&oac);
    svc_tags_free(&tags);
    free(domain);
    aws_client_free(c);
}
END_TEST

/* CreateDistribution's answer is lost: the retry would be DistributionAlreadyExists, so the
 * client finds the distribution by its CallerReference instead. */
START_TEST(distribution_lost_answer)
{
    aws_client *c = fake_client();
    aws_error err;
    cf_oac_in oin = {.name = "svc-cf-lostsite"};
    cf_oac oac;
    OK(cf_create_origin_access_control(c, &oin, &oac, &err));
    char *domain = cf_s3_origin_domain("svc-cf-lostsite", "eu-west-1");
    cf_config cfg;
    cf_origin origin;
    cf_error_response spa;
    site_config(&cfg, &origin, &spa, "svc-cf-lost-1", oac.id, domain);
    cfg.comment = "svc-cf lost";
    fake_lose_next("cloudfront", "CreateDistribution", "drop");
    cf_distribution d;
    OK(cf_create_distribution(c, &cfg, NULL, &d, &err));
    ck_assert_str_eq(d.config.caller_reference, "svc-cf-lost-1");
    ck_assert(d.etag[0]);
    cf_distribution deployed; /* on the fake's clock: 180 s of AWS time */
    OK(cf_wait_distribution_deployed(c, d.id, &fast, &deployed, &err));
    ck_assert_str_eq(deployed.status, "Deployed");
    cf_distribution_free(&deployed);
    cf_summaries all;
    OK(cf_list_distributions(c, 0, &all, &err));
    size_t n = 0;
    for (size_t i = 0; i < all.n; i++)
        n += strcmp(all.items[i].comment, "svc-cf lost") == 0;
    ck_assert_uint_eq(n, 1);
    cf_summaries_free(&all);
    cf_distribution found;
    int yes;
    OK(cf_find_distribution(c, "svc-cf-lost-1", NULL, &found, &yes, &err));
    ck_assert_int_eq(yes, 1);
    ck_assert_str_eq(found.id, d.id);
    cf_distribution_free(&found);
    OK(cf_find_distribution(c, "svc-cf-none", "svc-cf lost", &found, &yes, &err));
    ck_assert_int_eq(yes, 0);
    cf_distribution_free(&d);
    cf_oac_free(&oac);
    free(domain);
    aws_client_free(c);
}
END_TEST

FAKE_SUITE(svc_cloudfront, NULL, NULL, 60, origin_access_controls, response_headers_policies,
           distribution_lifecycle, distribution_lost_answer)
