#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aws_config.h"
#include "aws_ini.h"
#include "unit_suite.h"

START_TEST(sections_keys_comments_nesting)
{
    aws_ini *ini;
    aws_error err;
    const char *text = "# top comment\n"
                       "[default]\n"
                       "region = eu-west-1\r\n"
                       "  ; indented comment\n"
                       "s3 =\n"
                       "    addressing_style = path\n"
                       "output=json\n"
                       "\n"
                       "[profile dev]\n"
                       "role_arn = arn:aws:iam::1:role/x # not a comment\n"
                       "empty =\n"
                       "[profile dev]\n"
                       "region = us-east-1\n";
    ck_assert_int_eq(aws_ini_parse(text, "cfg", &ini, &err), 0);
    ck_assert_str_eq(aws_ini_get(ini, "default", "region"), "eu-west-1");
    ck_assert_str_eq(aws_ini_get(ini, "default", "s3.addressing_style"), "path");
    ck_assert_str_eq(aws_ini_get(ini, "default", "output"), "json");
    ck_assert_str_eq(aws_ini_get(ini, "profile dev", "role_arn"),
                     "arn:aws:iam::1:role/x # not a comment");
    ck_assert_str_eq(aws_ini_get(ini, "profile dev", "empty"), "");
    ck_assert_str_eq(aws_ini_get(ini, "profile dev", "region"), "us-east-1");
    ck_assert_ptr_null(aws_ini_get(ini, "profile dev", "output"));
    ck_assert_ptr_null(aws_ini_get(ini, "nope", "region"));
    ck_assert_int_eq(aws_ini_has_section(ini, "profile dev"), 1);
    ck_assert_int_eq(aws_ini_has_section(ini, "profile x"), 0);
    aws_ini_free(ini);
}
END_TEST

START_TEST(errors_name_the_line)
{
    aws_ini *ini;
    aws_error err;
    ck_assert_int_eq(aws_ini_parse("[default]\nregion eu-west-1\n", "cfg", &ini, &err), -1);
    ck_assert_int_eq(err.kind, AWS_ERR_CONFIG);
    ck_assert_ptr_nonnull(strstr(err.message, "cfg line 2"));
    ck_assert_int_eq(aws_ini_parse("key = v\n", "cfg", &ini, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.message, "before the first [section]"));
    ck_assert_int_eq(aws_ini_parse("[default\n", "cfg", &ini, &err), -1);
    ck_assert_int_eq(aws_ini_parse("[ ]\n", "cfg", &ini, &err), -1);
    ck_assert_int_eq(aws_ini_parse("[a]\n= v\n", "cfg", &ini, &err), -1);
}
END_TEST

START_TEST(missing_file_is_empty)
{
    aws_ini *ini;
    aws_error err;
    ck_assert_int_eq(aws_ini_load("/nonexistent/dir/config", &ini, &err), 0);
    ck_assert_ptr_null(aws_ini_get(ini, "default", "region"));
    aws_ini_free(ini);
}
END_TEST

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

START_TEST(config_profiles_and_files)
{
    char dir[] = "/tmp/aws-ini-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char cfgp[256], credp[256];
    snprintf(cfgp, sizeof cfgp, "%s/config", dir);
    snprintf(credp, sizeof credp, "%s/credentials", dir);
    write_file(cfgp, "[default]\nregion = eu-west-1\n[profile dev]\nregion = us-east-2\n");
    write_file(credp, "[dev]\naws_access_key_id = AK\n[only-creds]\nx = 1\n");
    setenv("AWS_CONFIG_FILE", cfgp, 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", credp, 1);
    unsetenv("AWS_PROFILE");
    aws_config cfg;
    aws_error err;
    ck_assert_int_eq(aws_config_load(&cfg, NULL, &err), 0);
    ck_assert_str_eq(cfg.profile, "default");
    ck_assert_str_eq(aws_config_get(&cfg, "region"), "eu-west-1");
    aws_config_free(&cfg);
    setenv("AWS_PROFILE", "dev", 1);
    ck_assert_int_eq(aws_config_load(&cfg, NULL, &err), 0);
    ck_assert_int_eq(cfg.profile_explicit, 2);
    ck_assert_str_eq(aws_config_get(&cfg, "region"), "us-east-2");
    ck_assert_str_eq(aws_config_credentials_get(&cfg, "dev", "aws_access_key_id"), "AK");
    aws_config_free(&cfg);
    ck_assert_int_eq(aws_config_load(&cfg, "only-creds", &err), 0);
    aws_config_free(&cfg);
    ck_assert_int_eq(aws_config_load(&cfg, "ghost", &err), -1);
    ck_assert_str_eq(err.code, "ProfileNotFound");
    ck_assert_ptr_nonnull(strstr(err.message, "'ghost' (from --profile)"));
    write_file(cfgp, "[default\n");
    ck_assert_int_eq(aws_config_load(&cfg, NULL, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.message, "line 1"));
    unlink(cfgp);
    unlink(credp);
    rmdir(dir);
}
END_TEST

START_TEST(home_expansion)
{
    setenv("HOME", "/home/u", 1);
    char *p = aws_config_expand_home("~/.aws/config");
    ck_assert_str_eq(p, "/home/u/.aws/config");
    free(p);
    p = aws_config_expand_home("/abs");
    ck_assert_str_eq(p, "/abs");
    free(p);
}
END_TEST

UNIT_SUITE(aws_ini, 0, sections_keys_comments_nesting, errors_name_the_line, missing_file_is_empty,
           config_profiles_and_files, home_expansion)
