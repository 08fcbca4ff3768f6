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

/* A site: an origin access control named after its bucket, and a distribution
 * configuration serving the bucket (in `region`) through it as a single-page app. The
 * configuration points into the struct: keep it in place; site_close frees it. */
typedef struct {
    cf_oac oac;
    char *domain;
    cf_origin origin;
    cf_error_response spa;
    cf_config cfg;
} test_site;

static void site_open(test_site *s, const char *bucket, const char *region, const char *ref)
{
    aws_error err;
    cf_oac_in oin = {.name = bucket};
    OK(cf_create_origin_access_control(fake_cl, &oin, &s->oac, &err));
    s->domain = cf_s3_origin_domain(bucket, region);
    s->origin = (cf_origin){.id = "site", .domain_name = s->domain, .oac_id = s->oac.id};
    s->spa = (cf_error_response){.error_code = 404, .response_code = 200,
                                 .page = "/index.html", .min_ttl = 10};
    s->cfg = (cf_config){.caller_reference = (char *)ref, .comment = "svc-cf site", .enabled = 1,
                         .origins = &s->origin, .norigins = 1, .target_origin = "site",
                         .cache_policy = CF_CACHING_OPTIMIZED, .compress = 1,
                         .default_root_object = "index.html", .errors = &s->spa, .nerrors = 1,
                         .ipv6 = 1};
}

static void site_close(test_site *s)
{
    cf_oac_free(&s->oac);
    free(s->domain);
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
    aws_error err;
    cf_oac_in in = {.name = "svc-cf-oac", .description = "site bucket"};
    cf_oac o, got;
    OK(cf_create_origin_access_control(fake_cl, &in, &o, &err));
    ck_assert_str_eq(o.origin_type, "s3");
    ck_assert_str_eq(o.signing_behavior, "always");
    ck_assert(o.id[0] == 'E' && o.etag[0]);
    FAILS_AS(cf_create_origin_access_control(fake_cl, &in, &got, &err),
             "OriginAccessControlAlreadyExists", AWS_IS_EXISTS);
    OK(cf_get_origin_access_control(fake_cl, o.id, &got, &err));
    ck_assert_str_eq(got.name, "svc-cf-oac");
    ck_assert_str_eq(got.etag, o.etag);
    cf_oac_free(&got);
    cf_oac_in renamed = {.name = "svc-cf-oac2", .signing_behavior = "no-override"};
    FAILS_AS(cf_update_origin_access_control(fake_cl, o.id, "ESTALE", &renamed, NULL, &err),
             "PreconditionFailed", AWS_IS_BUSY);
    OK(cf_update_origin_access_control(fake_cl, o.id, o.etag, &renamed, &got, &err));
    ck_assert_str_eq(got.signing_behavior, "no-override");
    ck_assert_str_ne(got.etag, o.etag);
    FAILS_WITH(cf_delete_origin_access_control(fake_cl, o.id, NULL, &err), "InvalidIfMatchVersion");
    FAILS_WITH(cf_delete_origin_access_control(fake_cl, o.id, o.etag, &err), "PreconditionFailed");
    OK(cf_delete_origin_access_control(fake_cl, o.id, got.etag, &err));
    cf_oac_free(&got);
    FAILS_AS(cf_get_origin_access_control(fake_cl, o.id, &got, &err), "NoSuchOriginAccessControl",
             AWS_IS_NOT_FOUND);
    cf_oac_free(&o);

    /* a create whose answer is lost is found by its name: one OAC, not a refusal */
    cf_oac_in lost = {.name = "svc-cf-lost"};
    fake_lose_next("cloudfront", "CreateOriginAccessControl", "drop");
    OK(cf_create_origin_access_control(fake_cl, &lost, &o, &err));
    ck_assert_str_eq(o.name, "svc-cf-lost");
    ck_assert(o.etag[0]);
    cf_oacs all;
    OK(cf_list_origin_access_controls(fake_cl, 1, &all, &err)); /* pages of one */
    size_t named = 0;
    for (size_t i = 0; i < all.n; i++)
        named += strcmp(all.items[i].name, "svc-cf-lost") == 0;
    ck_assert_uint_eq(named, 1);
    cf_oacs_free(&all);
    OK(cf_delete_origin_access_control(fake_cl, o.id, o.etag, &err));
    cf_oac_free(&o);
}
END_TEST

/* Response headers policies: created with their headers, names unique, changed with the
 * ETag read before, a lost create answer found by its name, deleted. */
START_TEST(response_headers_policies)
{
    aws_error err;
    svc_tags headers = {0};
    svc_tags_add(&headers, "Cross-Origin-Opener-Policy", "same-origin");
    svc_tags_add(&headers, "Cross-Origin-Embedder-Policy", "require-corp");
    cf_headers_policy_in in = {.name = "svc-cf-headers", .comment = "site", .headers = &headers};
    cf_headers_policy p, got;
    OK(cf_create_headers_policy(fake_cl, &in, &p, &err));
    ck_assert(p.id[0] && p.etag[0]);
    ck_assert_uint_eq(p.headers.n, 2);
    ck_assert_str_eq(svc_tags_get(&p.headers, "Cross-Origin-Embedder-Policy"), "require-corp");
    FAILS_AS(cf_create_headers_policy(fake_cl, &in, &got, &err),
             "ResponseHeadersPolicyAlreadyExists", AWS_IS_EXISTS);
    svc_tags_free(&headers);
    svc_tags_add(&headers, "Cross-Origin-Embedder-Policy", "credentialless");
    FAILS_WITH(cf_update_headers_policy(fake_cl, p.id, "ESTALE", &in, NULL, &err),
               "PreconditionFailed");
    OK(cf_update_headers_policy(fake_cl, p.id, p.etag, &in, &got, &err));
    ck_assert_uint_eq(got.headers.n, 1);
    ck_assert_str_eq(got.headers.items[0].value, "credentialless");
    cf_headers_policy_free(&got);

    /* a create whose answer is lost is found by its name: one policy, not a refusal */
    cf_headers_policy_in lost = {.name = "svc-cf-headers-lost", .headers = &headers};
    fake_lose_next("cloudfront", "CreateResponseHeadersPolicy", "drop");
    cf_headers_policy l;
    OK(cf_create_headers_policy(fake_cl, &lost, &l, &err));
    ck_assert_str_eq(l.name, "svc-cf-headers-lost");
    cf_headers_policies all;
    /* the custom ones only, AWS's managed aside */
    OK(cf_list_headers_policies(fake_cl, &all, &err));
    ck_assert_uint_eq(all.n, 2);
    cf_headers_policies_free(&all);
    OK(cf_get_headers_policy(fake_cl, p.id, &got, &err));
    OK(cf_delete_headers_policy(fake_cl, p.id, got.etag, &err));
    cf_headers_policy_free(&got);
    FAILS_AS(cf_get_headers_policy(fake_cl, p.id, &got, &err), "NoSuchResponseHeadersPolicy",
             AWS_IS_NOT_FOUND);
    OK(cf_delete_headers_policy(fake_cl, l.id, l.etag, &err));
    cf_headers_policy_free(&l);
    cf_headers_policy_free(&p);
    svc_tags_free(&headers);
}
END_TEST

START_TEST(distribution_lifecycle)
{
    aws_error err;
    test_site site;
    site_open(&site, "svc-cf-site", "us-east-1", "svc-cf-1");
    const cf_config cfg = site.cfg;
    ck_assert_str_eq(site.domain, "svc-cf-site.s3.us-east-1.amazonaws.com");
    svc_tags tags = {0};
    svc_tags_add(&tags, "ecsdeploy:stack", "svc-cf");

    /* refusals CloudFront makes on a configuration */
    cf_config bad = cfg;
    bad.target_origin = "nowhere";
    cf_distribution d;
    FAILS_WITH(cf_create_distribution(fake_cl, &bad, NULL, &d, &err), "NoSuchOrigin");
    bad = cfg;
    svc_strings_add(&bad.aliases, "www.example.com");
    FAILS_AS(cf_create_distribution(fake_cl, &bad, NULL, &d, &err), "InvalidViewerCertificate",
             AWS_IS_INVALID);
    bad.certificate_arn = "arn:aws:acm:eu-west-1:000000000000:certificate/x";
    FAILS_WITH(cf_create_distribution(fake_cl, &bad, NULL, &d, &err), "InvalidViewerCertificate");
    svc_strings_free(&bad.aliases);

    OK(cf_create_distribution(fake_cl, &cfg, &tags, &d, &err));
    ck_assert_str_eq(d.status, "InProgress");
    ck_assert_ptr_nonnull(strstr(d.domain_name, ".cloudfront.net"));
    ck_assert(d.etag[0]);
    ck_assert_str_eq(d.config.caller_reference, "svc-cf-1");
    ck_assert_uint_eq(d.config.norigins, 1);
    ck_assert_str_eq(d.config.origins[0].oac_id, site.oac.id);
    ck_assert_int_eq(d.config.origins[0].custom, 0);
    ck_assert_str_eq(d.config.cache_policy, CF_CACHING_OPTIMIZED);
    ck_assert_str_eq(d.config.default_root_object, "index.html");
    ck_assert_str_eq(d.config.price_class, "PriceClass_All");
    ck_assert_uint_eq(d.config.nerrors, 1);
    ck_assert_int_eq(d.config.errors[0].response_code, 200);
    ck_assert_str_eq(d.config.errors[0].page, "/index.html");
    ck_assert_int_eq(d.config.ipv6, 1);
    cf_distribution again;
    FAILS_AS(cf_create_distribution(fake_cl, &cfg, NULL, &again, &err), "DistributionAlreadyExists",
             AWS_IS_EXISTS);
    FAILS_AS(cf_delete_origin_access_control(fake_cl, site.oac.id, site.oac.etag, &err),
             "OriginAccessControlInUse", AWS_IS_IN_USE);

    /* an update keeps what ecsdeploy does not manage (here: HttpVersion and the logging) */
    cJSON *doc;
    char *etag;
    OK(cf_get_distribution_config(fake_cl, d.id, &doc, &etag, &err));
    ck_assert_str_eq(etag, d.etag);
    cJSON_ReplaceItemInObject(doc, "HttpVersion", cJSON_CreateString("http2and3"));
    cf_config next = cfg;
    next.comment = "svc-cf site, v2";
    next.price_class = "PriceClass_100";
    next.nerrors = 0;
    cf_config_apply(doc, &next);
    FAILS_WITH(cf_update_distribution(fake_cl, d.id, "ESTALE", doc, NULL, &err),
               "PreconditionFailed");
    cf_distribution u;
    OK(cf_update_distribution(fake_cl, d.id, etag, doc, &u, &err));
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
    fake_check_tag_calls(fake_cl, &cf_tags, d.arn, "svc-cf", "team", "web");
    cf_summaries all;
    OK(cf_list_distributions(fake_cl, 1, &all, &err));
    int seen = 0;
    for (size_t i = 0; i < all.n; i++)
        if (strcmp(all.items[i].id, d.id) == 0) {
            seen = 1;
            ck_assert_str_eq(all.items[i].origins.items[0], site.domain);
            ck_assert_int_eq(all.items[i].enabled, 1);
        }
    ck_assert(seen);
    cf_summaries_free(&all);

    /* deletion: disable, wait for Deployed, delete with the latest ETag */
    FAILS_WITH(cf_delete_distribution(fake_cl, d.id, u.etag, &err), "DistributionNotDisabled");
    cf_distribution off;
    OK(cf_disable_distribution(fake_cl, d.id, &off, &err));
    ck_assert_int_eq(off.config.enabled, 0);
    deployment(d.id, "hold"); /* in progress whatever the clock says: no race */
    FAILS_AS(cf_delete_distribution(fake_cl, d.id, off.etag, &err), "DistributionNotDisabled",
             AWS_IS_BUSY);
    aws_wait_opts once = {.max_checks = 1, .interval_s = 0.01};
    FAILS_AS(cf_wait_distribution_deployed(fake_cl, d.id, &once, NULL, &err), "WaiterTimeout",
             AWS_IS_TIMED_OUT);
    ck_assert_ptr_nonnull(strstr(err.message, "InProgress"));
    deployment(d.id, "finish");
    cf_distribution done;
    OK(cf_wait_distribution_deployed(fake_cl, d.id, &fast, &done, &err));
    ck_assert_str_eq(done.status, "Deployed");
    OK(cf_delete_distribution(fake_cl, d.id, done.etag, &err));
    cf_distribution gone;
    FAILS_AS(cf_get_distribution(fake_cl, d.id, &gone, &err), "NoSuchDistribution",
             AWS_IS_NOT_FOUND);
    OK(cf_delete_origin_access_control(fake_cl, site.oac.id, site.oac.etag, &err));

    cf_distribution_free(&done);
    cf_distribution_free(&off);
    cf_distribution_free(&u);
    cf_distribution_free(&d);
    site_close(&site);
    svc_tags_free(&tags);
}
END_TEST

/* CreateDistribution's answer is lost: the retry would be DistributionAlreadyExists, so the
 * client finds the distribution by its CallerReference instead. */
START_TEST(distribution_lost_answer)
{
    aws_error err;
    test_site site;
    site_open(&site, "svc-cf-lostsite", "eu-west-1", "svc-cf-lost-1");
    cf_config cfg = site.cfg;
    cfg.comment = "svc-cf lost";
    fake_lose_next("cloudfront", "CreateDistribution", "drop");
    cf_distribution d;
    OK(cf_create_distribution(fake_cl, &cfg, NULL, &d, &err));
    ck_assert_str_eq(d.config.caller_reference, "svc-cf-lost-1");
    ck_assert(d.etag[0]);
    cf_distribution deployed; /* on the fake's clock: 180 s of AWS time */
    OK(cf_wait_distribution_deployed(fake_cl, d.id, &fast, &deployed, &err));
    ck_assert_str_eq(deployed.status, "Deployed");
    cf_distribution_free(&deployed);
    cf_summaries all;
    OK(cf_list_distributions(fake_cl, 0, &all, &err));
    size_t n = 0;
    for (size_t i = 0; i < all.n; i++)
        n += strcmp(all.items[i].comment, "svc-cf lost") == 0;
    ck_assert_uint_eq(n, 1);
    cf_summaries_free(&all);
    cf_distribution found;
    int yes;
    OK(cf_find_distribution(fake_cl, "svc-cf-lost-1", NULL, &found, &yes, &err));
    ck_assert_int_eq(yes, 1);
    ck_assert_str_eq(found.id, d.id);
    cf_distribution_free(&found);
    OK(cf_find_distribution(fake_cl, "svc-cf-none", "svc-cf lost", &found, &yes, &err));
    ck_assert_int_eq(yes, 0);
    cf_distribution_free(&d);
    site_close(&site);
}
END_TEST

FAKE_SUITE(svc_cloudfront, fake_client_setup, fake_client_teardown, 60, origin_access_controls,
           response_headers_policies, distribution_lifecycle, distribution_lost_answer)
