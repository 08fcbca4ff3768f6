/* The SSM Parameter Store client against the local fake: every operation, the refusals,
 * SecureString values (decrypted only on request, never in the --debug wire log), and a
 * PutParameter whose answer is lost being made once. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/aws/wirelog_internal.h"
#include "fakeaws_fixture.h"
#include "ssm.h"

#define SECRET "db-S3CR3T-value-42"

START_TEST(put_get_versions)
{
    aws_client *c = fake_client();
    aws_error err;
    long long v = 0;
    svc_tags tags = {0};
    svc_tags_add(&tags, "ecsdeploy:stack", "unit-ssm");
    ssm_put_in in = {.name = "/unit-ssm/port", .value = "8080", .type = "String",
                     .description = "the port", .tags = &tags};
    OK(ssm_put_parameter(c, &in, &v, &err));
    ck_assert_int_eq(v, 1);
    FAILS_WITH(ssm_put_parameter(c, &in, &v, &err), "ParameterAlreadyExists");
    ck_assert(aws_error_is(&err, AWS_IS_EXISTS));
    in.overwrite = 1;
    FAILS_WITH(ssm_put_parameter(c, &in, &v, &err), "ValidationException"); /* tags + overwrite */
    ck_assert(aws_error_is(&err, AWS_IS_INVALID));
    ssm_put_in again = {.name = "/unit-ssm/port", .value = "9090", .overwrite = 1};
    OK(ssm_put_parameter(c, &again, &v, &err));
    ck_assert_int_eq(v, 2);
    ssm_parameter p;
    OK(ssm_get_parameter(c, "/unit-ssm/port", 0, &p, &err));
    ck_assert_str_eq(p.value, "9090");
    ck_assert_str_eq(p.type, "String");
    ck_assert_int_eq(p.version, 2);
    ck_assert_str_eq(p.arn, "arn:aws:ssm:us-east-1:000000000000:parameter/unit-ssm/port");
    ck_assert(p.last_modified > 0);
    ssm_parameter_free(&p);
    OK(ssm_get_parameter(c, "/unit-ssm/port:1", 0, &p, &err));
    ck_assert_str_eq(p.value, "8080");
    ck_assert_str_eq(p.selector, ":1");
    ssm_parameter_free(&p);
    FAILS_WITH(ssm_get_parameter(c, "/unit-ssm/none", 0, &p, &err), "ParameterNotFound");
    ck_assert(aws_error_is(&err, AWS_IS_NOT_FOUND));
    ssm_put_in retype = {.name = "/unit-ssm/port", .value = "1", .type = "SecureString",
                         .overwrite = 1};
    FAILS_WITH(ssm_put_parameter(c, &retype, &v, &err), "HierarchyTypeMismatchException");
    ssm_put_in newbie = {.name = "/unit-ssm/untyped", .value = "1"};
    FAILS_WITH(ssm_put_parameter(c, &newbie, &v, &err), "ValidationException");
    ssm_put_in badname = {.name = "aws-reserved", .value = "1", .type = "String"};
    FAILS_WITH(ssm_put_parameter(c, &badname, &v, &err), "ValidationException");
    char big[5000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    ssm_put_in large = {.name = "/unit-ssm/large", .value = big, .type = "String"};
    FAILS_WITH(ssm_put_parameter(c, &large, &v, &err), "ValidationException");
    large.tier = "Advanced";
    OK(ssm_put_parameter(c, &large, &v, &err));
    svc_tags_free(&tags);
    aws_client_free(c);
}
END_TEST

START_TEST(secure_strings)
{
    aws_client *c = fake_client();
    aws_error err;
    ssm_put_in in = {.name = "/unit-ssm/db-url", .value = SECRET, .type = "SecureString"};
    OK(ssm_put_parameter(c, &in, NULL, &err));
    ssm_parameter p;
    OK(ssm_get_parameter(c, in.name, 0, &p, &err));
    ck_assert_str_ne(p.value, SECRET); /* the ciphertext */
    ssm_parameter_free(&p);
    OK(ssm_get_parameter(c, in.name, 1, &p, &err));
    ck_assert_str_eq(p.value, SECRET);
    ssm_parameter_free(&p);
    ck_assert_ptr_null(p.value);

    cJSON *out;
    OK(aws_json_call(c, "kms", "CreateKey", NULL, &out, &err));
    char *key = strdup(aws_json_str(cJSON_GetObjectItem(out, "KeyMetadata"), "Arn"));
    cJSON_Delete(out);
    ssm_put_in own = {.name = "/unit-ssm/own-key", .value = SECRET, .type = "SecureString",
                      .key_id = key};
    OK(ssm_put_parameter(c, &own, NULL, &err));
    ssm_put_in nokey = {.name = "/unit-ssm/no-key", .value = SECRET, .type = "SecureString",
                        .key_id = "alias/unit-ssm-missing"};
    FAILS_WITH(ssm_put_parameter(c, &nokey, NULL, &err), "InvalidKeyId");
    ck_assert(aws_error_is(&err, AWS_IS_INVALID));
    ck_assert_ptr_null(strstr(err.message, SECRET));
    ssm_put_in pattern = {.name = "/unit-ssm/digits", .value = SECRET, .type = "SecureString",
                          .allowed_pattern = "^[0-9]+$"};
    FAILS_WITH(ssm_put_parameter(c, &pattern, NULL, &err), "ParameterPatternMismatchException");
    ck_assert_ptr_null(strstr(err.message, SECRET)); /* a refusal never repeats the value */

    ssm_parameter_metas m;
    const char *only[] = {"/unit-ssm/own-key", NULL};
    ssm_filter f = {"Name", NULL, only};
    OK(ssm_describe_parameters(c, &f, 1, &m, &err));
    ck_assert_uint_eq(m.n, 1);
    ck_assert_str_eq(m.items[0].key_id, key);
    ck_assert_str_eq(m.items[0].type, "SecureString");
    ck_assert_str_eq(m.items[0].tier, "Standard");
    ssm_parameter_metas_free(&m);
    free(key);
    aws_client_free(c);
}
END_TEST

START_TEST(many_paths_filters)
{
    aws_client *c = fake_client();
    aws_error err;
    const char *names[13];
    char buf[13][48];
    for (int i = 0; i < 12; i++) {
        snprintf(buf[i], sizeof buf[i], "/unit-ssm-many/%s/p%02d", i % 2 ? "odd" : "even", i);
        names[i] = buf[i];
        ssm_put_in in = {.name = buf[i], .value = i == 3 ? SECRET : "v",
                         .type = i == 3 ? "SecureString" : "String"};
        OK(ssm_put_parameter(c, &in, NULL, &err));
    }
    names[12] = "/unit-ssm-many/none";
    ssm_parameters l;
    svc_strings invalid = {0};
    OK(ssm_get_parameters(c, names, 13, 1, &l, &invalid, &err)); /* two calls: ten at a time */
    ck_assert_uint_eq(l.n, 12);
    ck_assert_uint_eq(invalid.n, 1);
    ck_assert_str_eq(invalid.items[0], "/unit-ssm-many/none");
    ck_assert_str_eq(l.items[3].value, SECRET);
    ssm_parameters_free(&l);
    svc_strings_free(&invalid);
    OK(ssm_get_parameters_by_path(c, "/unit-ssm-many", 1, 0, &l, &err)); /* pages of ten */
    ck_assert_uint_eq(l.n, 12);
    ssm_parameters_free(&l);
    OK(ssm_get_parameters_by_path(c, "/unit-ssm-many/odd/", 0, 0, &l, &err));
    ck_assert_uint_eq(l.n, 6);
    ssm_parameters_free(&l);
    OK(ssm_get_parameters_by_path(c, "/unit-ssm-many", 0, 0, &l, &err));
    ck_assert_uint_eq(l.n, 0); /* one level: nothing directly under it */
    ssm_parameters_free(&l);

    const char *path[] = {"/unit-ssm-many", NULL}, *secure[] = {"SecureString", NULL};
    ssm_filter both[] = {{"Path", "Recursive", path}, {"Type", NULL, secure}};
    ssm_parameter_metas m;
    OK(ssm_describe_parameters(c, both, 2, &m, &err));
    ck_assert_uint_eq(m.n, 1);
    ck_assert_str_eq(m.items[0].name, "/unit-ssm-many/odd/p03");
    ssm_parameter_metas_free(&m);
    ssm_filter bad = {"Label", NULL, secure};
    FAILS_WITH(ssm_describe_parameters(c, &bad, 1, &m, &err), "InvalidFilterKey");
    ck_assert(aws_error_is(&err, AWS_IS_INVALID));

    OK(ssm_delete_parameter(c, names[0], &err));
    FAILS_WITH(ssm_delete_parameter(c, names[0], &err), "ParameterNotFound");
    OK(ssm_delete_parameters(c, names, 13, &invalid, &err)); /* two calls again */
    ck_assert_uint_eq(invalid.n, 2); /* names[0] and the one that never was */
    svc_strings_free(&invalid);
    OK(ssm_get_parameters_by_path(c, "/unit-ssm-many", 1, 0, &l, &err));
    ck_assert_uint_eq(l.n, 0);
    ssm_parameters_free(&l);
    aws_client_free(c);
}
END_TEST

START_TEST(tags)
{
    aws_client *c = fake_client();
    aws_error err;
    ssm_put_in in = {.name = "/unit-ssm/tagged", .value = "v", .type = "String"};
    OK(ssm_put_parameter(c, &in, NULL, &err));
    svc_tags add = {0}, got = {0};
    svc_tags_add(&add, "ecsdeploy:stack", "unit-ssm");
    svc_tags_add(&add, "ecsdeploy:id", "parameter/x");
    OK(ssm_add_tags(c, in.name, &add, &err));
    const char *drop[] = {"ecsdeploy:id"};
    OK(ssm_remove_tags(c, in.name, drop, 1, &err));
    OK(ssm_list_tags(c, in.name, &got, &err));
    ck_assert_uint_eq(got.n, 1);
    ck_assert_str_eq(svc_tags_get(&got, "ecsdeploy:stack"), "unit-ssm");
    svc_tags_free(&got);
    FAILS_WITH(ssm_list_tags(c, "/unit-ssm/none", &got, &err), "InvalidResourceId");
    ck_assert(aws_error_is(&err, AWS_IS_NOT_FOUND));
    const char *stack[] = {"unit-ssm", NULL};
    ssm_filter by_tag = {"tag:ecsdeploy:stack", NULL, stack};
    ssm_parameter_metas m;
    OK(ssm_describe_parameters(c, &by_tag, 1, &m, &err));
    int seen = 0;
    for (size_t i = 0; i < m.n; i++)
        seen += strcmp(m.items[i].name, in.name) == 0;
    ck_assert_int_eq(seen, 1);
    ssm_parameter_metas_free(&m);
    svc_tags_free(&add);
    aws_client_free(c);
}
END_TEST

START_TEST(lost_put_answers)
{
    aws_client *c = fake_client();
    aws_error err;
    long long v = 0;
    ssm_put_in in = {.name = "/unit-ssm/lost", .value = SECRET, .type = "SecureString"};
    fake_lose_next("ssm", "PutParameter", "drop");
    OK(ssm_put_parameter(c, &in, &v, &err)); /* not "already exists" */
    ck_assert_int_eq(v, 1);
    ssm_put_in over = {.name = "/unit-ssm/lost", .value = SECRET "-2", .overwrite = 1};
    fake_lose_next("ssm", "PutParameter", "error");
    OK(ssm_put_parameter(c, &over, &v, &err));
    ck_assert_int_eq(v, 2);
    ssm_parameter p;
    OK(ssm_get_parameter(c, in.name, 1, &p, &err));
    ck_assert_int_eq(p.version, 2); /* made once: no third version */
    ck_assert_str_eq(p.value, SECRET "-2");
    ssm_parameter_free(&p);
    fake_lose_next("ssm", "DeleteParameter", "drop");
    OK(ssm_delete_parameter(c, in.name, &err));
    aws_client_free(c);
}
END_TEST

/* --debug: the wire log of every call that carries a value shows none. */
START_TEST(debug_log_hides_values)
{
    char *log = NULL;
    size_t len = 0;
    FILE *out;
    aws_client *c = fake_debug_client(&log, &len, &out);
    aws_error err;
    ssm_put_in in = {.name = "/unit-ssm/logged", .value = SECRET, .type = "SecureString",
                     .overwrite = 1};
    OK(ssm_put_parameter(c, &in, NULL, &err));
    ssm_parameter p;
    OK(ssm_get_parameter(c, in.name, 1, &p, &err));
    ssm_parameter_free(&p);
    const char *names[] = {in.name};
    ssm_parameters l;
    OK(ssm_get_parameters(c, names, 1, 1, &l, NULL, &err));
    ssm_parameters_free(&l);
    OK(ssm_get_parameters_by_path(c, "/unit-ssm", 0, 1, &l, &err));
    ck_assert_uint_ge(l.n, 1);
    ssm_parameters_free(&l);
    fake_lose_next("ssm", "PutParameter", "drop"); /* the finder's GetParameter is logged too */
    OK(ssm_put_parameter(c, &in, NULL, &err));
    aws_client_free(c);
    fclose(out);
    ck_assert_ptr_nonnull(strstr(log, "AmazonSSM.GetParametersByPath"));
    ck_assert_ptr_nonnull(strstr(log, "\"Value\":\"" AWS_REDACTED "\""));
    ck_assert_msg(strstr(log, SECRET) == NULL, "the value leaked into the wire log");
    free(log);
}
END_TEST

START_TEST(redaction_by_service)
{
    const char *put = "{\"Name\":\"/a\",\"Value\":\"" SECRET "\",\"Type\":\"SecureString\"}";
    const char *got = "{\"Parameters\":[{\"Name\":\"/a\",\"Value\":\"" SECRET "\"}],"
                      "\"InvalidParameters\":[\"/b\"]}";
    for (int i = 0; i < 2; i++) {
        const char *body = i ? got : put;
        char *r = aws_wirelog_redact_body_for("ssm", body, strlen(body));
        ck_assert_msg(strstr(r, SECRET) == NULL, "%s", r);
        ck_assert_ptr_nonnull(strstr(r, "\"Name\":\"/a\""));
        free(r);
    }
    const char *tag = "{\"tags\":[{\"key\":\"k\",\"Value\":\"visible\"}]}";
    char *r = aws_wirelog_redact_body_for("ecs", tag, strlen(tag));
    ck_assert_ptr_nonnull(strstr(r, "visible")); /* only SSM's values are hidden */
    free(r);
}
END_TEST

Suite *svc_ssm_suite(void)
{
    const TTest *const against_fake[] = {put_get_versions, secure_strings, many_paths_filters, tags,
                                         lost_put_answers, debug_log_hides_values, NULL};
    const TTest *const pure[] = {redaction_by_service, NULL};
    Suite *s = suite_create("svc_ssm");
    suite_add_tcase(s, fake_tcase("against_fake", NULL, NULL, 60, against_fake));
    suite_add_tcase(s, unit_tcase("redaction", 0, pure));
    return s;
}
