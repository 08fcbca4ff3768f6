/* The IAM client against the local fake. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fakeaws_fixture.h"
#include "iam.h"

#define TRUST "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":" \
              "{\"Service\":\"ecs-tasks.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"
#define POLICY "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":" \
               "\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\"}]}"

static aws_client *client(void)
{
    aws_client_options o = {0};
    aws_client *c;
    aws_error err;
    ck_assert_msg(aws_client_new(&o, &c, &err) == 0, "%s", err.message);
    return c;
}

START_TEST(role_lifecycle)
{
    aws_client *c = client();
    aws_error err;
    svc_tags tags = {0};
    svc_tags_add(&tags, "ecsdeploy:stack", "unit");
    iam_role_input in = {.name = "unit-task", .trust_policy = TRUST, .description = "task role",
                         .tags = &tags};
    iam_role r;
    ck_assert_msg(iam_create_role(c, &in, &r, &err) == 0, "%s", err.message);
    ck_assert_str_eq(r.arn, "arn:aws:iam::000000000000:role/unit-task");
    iam_role_free(&r);
    ck_assert_int_eq(iam_create_role(c, &in, NULL, &err), -1);
    ck_assert_str_eq(err.code, "EntityAlreadyExists");
    ck_assert_int_eq(iam_wait_role_exists(c, "unit-task", 5, &err), 0);
    ck_assert_int_eq(iam_get_role(c, "unit-task", &r, &err), 0);
    ck_assert_str_eq(r.trust_policy, TRUST); /* URL-decoded */
    ck_assert_str_eq(r.description, "task role");
    ck_assert_str_eq(r.path, "/");
    iam_role_free(&r);

    ck_assert_int_eq(iam_put_role_policy(c, "unit-task", "data", POLICY, &err), 0);
    char *doc;
    ck_assert_int_eq(iam_get_role_policy(c, "unit-task", "data", &doc, &err), 0);
    ck_assert_str_eq(doc, POLICY);
    free(doc);
    svc_strings names;
    ck_assert_int_eq(iam_list_role_policies(c, "unit-task", &names, &err), 0);
    ck_assert_uint_eq(names.n, 1);
    ck_assert_str_eq(names.items[0], "data");
    svc_strings_free(&names);

    const char *managed = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy";
    ck_assert_msg(iam_attach_role_policy(c, "unit-task", managed, &err) == 0, "%s", err.message);
    svc_strings arns;
    ck_assert_int_eq(iam_list_attached_role_policies(c, "unit-task", &arns, &err), 0);
    ck_assert_uint_eq(arns.n, 1);
    ck_assert_str_eq(arns.items[0], managed);
    svc_strings_free(&arns);
    ck_assert_int_eq(iam_delete_role(c, "unit-task", &err), -1);
    ck_assert_str_eq(err.code, "DeleteConflict");

    svc_tags more = {0};
    svc_tags_add(&more, "team", "ducks");
    ck_assert_int_eq(iam_tag_role(c, "unit-task", &more, &err), 0);
    const char *drop[] = {"ecsdeploy:stack"};
    ck_assert_int_eq(iam_untag_role(c, "unit-task", drop, 1, &err), 0);
    svc_tags got;
    ck_assert_int_eq(iam_list_role_tags(c, "unit-task", &got, &err), 0);
    ck_assert_uint_eq(got.n, 1);
    ck_assert_str_eq(svc_tags_get(&got, "team"), "ducks");
    svc_tags_free(&got);

    ck_assert_int_eq(iam_update_assume_role_policy(c, "unit-task", TRUST, &err), 0);
    ck_assert_int_eq(iam_update_role_description(c, "unit-task", "new", &err), 0);
    ck_assert_int_eq(iam_detach_role_policy(c, "unit-task", managed, &err), 0);
    ck_assert_int_eq(iam_delete_role_policy(c, "unit-task", "data", &err), 0);
    ck_assert_int_eq(iam_delete_role(c, "unit-task", &err), 0);
    ck_assert_int_eq(iam_get_role(c, "unit-task", &r, &err), -1);
    ck_assert_str_eq(err.code, "NoSuchEntity");
    ck_assert_int_eq(err.http_status, 404);

    char *arn = NULL;
    ck_assert_msg(iam_create_service_linked_role(c, "ecs.amazonaws.com", &arn, &err) == 0, "%s",
                  err.message);
    ck_assert_ptr_nonnull(strstr(arn, "AWSServiceRoleForECS"));
    free(arn);
    svc_tags_free(&tags);
    svc_tags_free(&more);
    aws_client_free(c);
}
END_TEST

Suite *svc_iam_suite(void)
{
    Suite *s = suite_create("svc_iam");
    TCase *t = tcase_create("against_fake");
    tcase_add_unchecked_fixture(t, fake_setup, NULL);
    tcase_set_timeout(t, 60);
    tcase_add_test(t, role_lifecycle);
    suite_add_tcase(s, t);
    return s;
}
