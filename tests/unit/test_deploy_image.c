/* deploy's pure helpers: image references, tags, strategy names, result reasons. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "deploy.h"
#include "unit_suite.h"

static void repo_is(const char *ref, const char *want)
{
    char *r = deploy_image_repository(ref);
    ck_assert_msg(strcmp(r, want) == 0, "%s: got %s, want %s", ref, r, want);
    free(r);
}

static void with_tag_is(const char *ref, const char *tag, const char *want)
{
    char *r = deploy_image_with_tag(ref, tag);
    ck_assert_msg(strcmp(r, want) == 0, "%s + %s: got %s, want %s", ref, tag, r, want);
    free(r);
}

START_TEST(repository_of_references)
{
    repo_is("nginx", "nginx");
    repo_is("nginx:1.27", "nginx");
    repo_is("library/nginx:1.27", "library/nginx");
    repo_is("reg.example.com:5000/app/web:1.2", "reg.example.com:5000/app/web");
    repo_is("reg.example.com:5000/app/web", "reg.example.com:5000/app/web");
    repo_is("123456789012.dkr.ecr.us-east-1.amazonaws.com/web@sha256:abcd",
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/web");
    repo_is("ghcr.io/o/web:2@sha256:abcd", "ghcr.io/o/web");
}
END_TEST

START_TEST(tag_replaced_digest_dropped)
{
    with_tag_is("nginx", "2", "nginx:2");
    with_tag_is("nginx:1.27", "1.28", "nginx:1.28");
    with_tag_is("reg:5000/app/web:1", "crashloop", "reg:5000/app/web:crashloop");
    with_tag_is("reg:5000/app/web", "v3", "reg:5000/app/web:v3");
    with_tag_is("ghcr.io/o/web:2@sha256:abcd", "3", "ghcr.io/o/web:3");
}
END_TEST

START_TEST(tags_checked)
{
    ck_assert_int_eq(deploy_check_tag("1.2.3"), 0);
    ck_assert_int_eq(deploy_check_tag("_x-Y.z"), 0);
    ck_assert_int_eq(deploy_check_tag(""), -1);
    ck_assert_int_eq(deploy_check_tag(NULL), -1);
    ck_assert_int_eq(deploy_check_tag(".hidden"), -1);
    ck_assert_int_eq(deploy_check_tag("-x"), -1);
    ck_assert_int_eq(deploy_check_tag("a b"), -1);
    ck_assert_int_eq(deploy_check_tag("a:b"), -1);
    ck_assert_int_eq(deploy_check_tag("a/b"), -1);
    char long_tag[130];
    memset(long_tag, 'a', sizeof long_tag - 1);
    long_tag[129] = '\0';
    ck_assert_int_eq(deploy_check_tag(long_tag), -1);
    long_tag[128] = '\0';
    ck_assert_int_eq(deploy_check_tag(long_tag), 0);
}
END_TEST

START_TEST(strategy_names)
{
    ck_assert_str_eq(deploy_strategy_from_flag("rolling"), "ROLLING");
    ck_assert_str_eq(deploy_strategy_from_flag("blue-green"), "BLUE_GREEN");
    ck_assert_str_eq(deploy_strategy_from_flag("BLUE_GREEN"), "BLUE_GREEN");
    ck_assert_str_eq(deploy_strategy_from_flag("canary"), "CANARY");
    ck_assert_str_eq(deploy_strategy_from_flag("linear"), "LINEAR");
    ck_assert_ptr_null(deploy_strategy_from_flag("bluegreen"));
    ck_assert_ptr_null(deploy_strategy_from_flag(""));
    ck_assert_ptr_null(deploy_strategy_from_flag(NULL));
}
END_TEST

START_TEST(reasons_deduplicated)
{
    deploy_result r;
    memset(&r, 0, sizeof r);
    deploy_result_add_reason(&r, "a");
    deploy_result_add_reason(&r, "b");
    deploy_result_add_reason(&r, "a");
    deploy_result_add_reason(&r, "");
    deploy_result_add_reason(&r, NULL);
    ck_assert_uint_eq(r.nreasons, 2);
    ck_assert_str_eq(r.reasons[0], "a");
    ck_assert_str_eq(r.reasons[1], "b");
    deploy_result_free(&r);
    ck_assert_uint_eq(r.nreasons, 0);
}
END_TEST

UNIT_SUITE(deploy_image, 0, repository_of_references, tag_replaced_digest_dropped, tags_checked,
           strategy_names, reasons_deduplicated)
