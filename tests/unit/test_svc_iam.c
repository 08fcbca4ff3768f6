/* IAM client against the local fake. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fakeaws_fixture.h"
#include "iam.h"

#define TRUST "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":" \
              "{\"Service\":\"ecs-tasks.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"
#define POLICY "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":" \
               "\"s3:GetObject\",\"Resource\":\"*\"}]}"

static void make_role(aws_client *c, const char *name, const char *path)
{
    aws_error err;
    svc_tags tags = {0};
    svc_tags_add(&tags, "ecsdeploy:stack", "demo");
    iam_create_role_input in = {.name = name, .path = path, .trust_policy = TRUST,
                                .tags = &tags, .max_session_duration = 7200};
    iam_role r;
    ck_assert_msg(iam_create_role(c, &in, &r, &err) == 0, "%s", err.message);
    ck_assert_str_eq(r.name, name);
    ck_assert_ptr_nonnull(strstr(r.arn, name));
    iam_role_free(&r);
    svc_tags_free(&tags);
}

START_TEST(role_create_get_delete)
{
    aws_error err;
    make_role(fake_cl, "svc-iam-a", "/ecsdeploy/");
    iam_role r;
    ck_assert_int_eq(iam_get_role(fake_cl, "svc-iam-a", &r, &err), 0);
    ck_assert_str_eq(r.trust_policy, TRUST);
    ck_assert_str_eq(r.path, "/ecsdeploy/");
    ck_assert_int_eq(r.max_session_duration, 7200);
    ck_assert_str_eq(svc_tags_get(&r.tags, "ecsdeploy:stack"), "demo");
    iam_role_free(&r);
    const char *trust2 = "{\"Version\":\"2012-10-17\",\"Statement\":[]}";
    ck_assert_int_eq(iam_update_assume_role_policy(fake_cl, "svc-iam-a", trust2, &err), 0);
    ck_assert_int_eq(iam_get_role(fake_cl, "svc-iam-a", &r, &err), 0);
    ck_assert_str_eq(r.trust_policy, trust2);
    iam_role_free(&r);
    ck_assert_int_eq(iam_update_role(fake_cl, "svc-iam-a", "task role", 3600, &err), 0);
    ck_assert_int_eq(iam_get_role(fake_cl, "svc-iam-a", &r, &err), 0);
    ck_assert_str_eq(r.description, "task role");
    ck_assert_int_eq(r.max_session_duration, 3600);
    iam_role_free(&r);
    iam_create_role_input dup = {.name = "svc-iam-a", .trust_policy = TRUST};
    ck_assert_int_eq(iam_create_role(fake_cl, &dup, NULL, &err), -1);
    ck_assert_str_eq(err.code, "EntityAlreadyExists");
    ck_assert_int_eq(iam_delete_role(fake_cl, "svc-iam-a", &err), 0);
    ck_assert_int_eq(iam_get_role(fake_cl, "svc-iam-a", &r, &err), -1);
    ck_assert_str_eq(err.code, "NoSuchEntity");
    ck_assert_int_eq(err.kind, AWS_ERR_SERVICE);
    iam_create_role_input bad = {.name = "x"};
    ck_assert_int_eq(iam_create_role(fake_cl, &bad, NULL, &err), -1);
    ck_assert_int_eq(err.kind, AWS_ERR_INPUT);
}
END_TEST

START_TEST(policies_and_delete_conflict)
{
    aws_error err;
    make_role(fake_cl, "svc-iam-b", NULL);
    svc_strings names, arns;
    ck_assert_int_eq(iam_list_role_policies(fake_cl, "svc-iam-b", 0, &names, &err), 0);
    ck_assert_uint_eq(names.n, 0);
    ck_assert_int_eq(iam_list_attached_role_policies(fake_cl, "svc-iam-b", 0, &arns, &err), 0);
    ck_assert_uint_eq(arns.n, 0);
    ck_assert_int_eq(iam_put_role_policy(fake_cl, "svc-iam-b", "only", POLICY, &err), 0);
    ck_assert_int_eq(iam_list_role_policies(fake_cl, "svc-iam-b", 0, &names, &err), 0);
    ck_assert_uint_eq(names.n, 1);
    ck_assert_str_eq(names.items[0], "only");
    svc_strings_free(&names);
    char *doc;
    ck_assert_int_eq(iam_get_role_policy(fake_cl, "svc-iam-b", "only", &doc, &err), 0);
    ck_assert_str_eq(doc, POLICY);
    free(doc);
    ck_assert_int_eq(iam_delete_role(fake_cl, "svc-iam-b", &err), -1);
    ck_assert_str_eq(err.code, "DeleteConflict");
    ck_assert_int_eq(iam_delete_role_policy(fake_cl, "svc-iam-b", "only", &err), 0);
    const char *arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy";
    ck_assert_msg(iam_attach_role_policy(fake_cl, "svc-iam-b", arn, &err) == 0, "%s", err.message);
    ck_assert_int_eq(iam_list_attached_role_policies(fake_cl, "svc-iam-b", 0, &arns, &err), 0);
    ck_assert_uint_eq(arns.n, 1);
    ck_assert_str_eq(arns.items[0], arn);
    svc_strings_free(&arns);
    ck_assert_int_eq(iam_delete_role(fake_cl, "svc-iam-b", &err), -1);
    ck_assert_str_eq(err.code, "DeleteConflict");
    ck_assert_int_eq(iam_detach_role_policy(fake_cl, "svc-iam-b", arn, &err), 0);
    ck_assert_int_eq(iam_delete_role(fake_cl, "svc-iam-b", &err), 0);
}
END_TEST

START_TEST(lists_follow_pages)
{
    aws_error err;
    char name[64];
    for (int i = 0; i < 5; i++) {
        snprintf(name, sizeof name, "svc-iam-page-%d", i);
        make_role(fake_cl, name, "/svcpages/");
    }
    iam_roles roles;
    ck_assert_msg(iam_list_roles(fake_cl, "/svcpages/", 2, &roles, &err) == 0, "%s", err.message);
    ck_assert_uint_eq(roles.n, 5);
    for (size_t i = 0; i < roles.n; i++)
        ck_assert_str_eq(roles.items[i].path, "/svcpages/");
    iam_roles_free(&roles);
    ck_assert_int_eq(iam_list_roles(fake_cl, "/none-here/", 0, &roles, &err), 0);
    ck_assert_uint_eq(roles.n, 0);
    iam_roles_free(&roles);
    for (int i = 0; i < 3; i++) {
        snprintf(name, sizeof name, "p%d", i);
        ck_assert_int_eq(iam_put_role_policy(fake_cl, "svc-iam-page-0", name, POLICY, &err), 0);
    }
    svc_strings names;
    ck_assert_int_eq(iam_list_role_policies(fake_cl, "svc-iam-page-0", 1, &names, &err), 0);
    ck_assert_uint_eq(names.n, 3);
    svc_strings_free(&names);
}
END_TEST

START_TEST(tags_and_service_linked_role)
{
    aws_error err;
    make_role(fake_cl, "svc-iam-t", NULL);
    svc_tags more = {0};
    svc_tags_add(&more, "ecsdeploy:id", "roles.task");
    svc_tags_add(&more, "team", "ducks");
    ck_assert_int_eq(iam_tag_role(fake_cl, "svc-iam-t", &more, &err), 0);
    svc_tags_free(&more);
    svc_tags got;
    ck_assert_int_eq(iam_list_role_tags(fake_cl, "svc-iam-t", 1, &got, &err), 0);
    ck_assert_uint_eq(got.n, 3);
    ck_assert_str_eq(svc_tags_get(&got, "ecsdeploy:id"), "roles.task");
    svc_tags_free(&got);
    svc_strings keys = {0};
    svc_strings_add(&keys, "team");
    ck_assert_int_eq(iam_untag_role(fake_cl, "svc-iam-t", &keys, &err), 0);
    svc_strings_free(&keys);
    ck_assert_int_eq(iam_list_role_tags(fake_cl, "svc-iam-t", 0, &got, &err), 0);
    ck_assert_uint_eq(got.n, 2);
    ck_assert_ptr_null(svc_tags_get(&got, "team"));
    svc_tags_free(&got);
    int created = -1;
    ck_assert_msg(
        iam_create_service_linked_role(fake_cl, "ecs.amazonaws.com", NULL, &created, &err) == 0,
        "%s", err.message);
    ck_assert_int_eq(created, 1);
    ck_assert_int_eq(
        iam_create_service_linked_role(fake_cl, "ecs.amazonaws.com", NULL, &created, &err), 0);
    ck_assert_int_eq(created, 0);
    iam_role r;
    ck_assert_int_eq(iam_get_role(fake_cl, "AWSServiceRoleForECS", &r, &err), 0);
    ck_assert_str_eq(r.path, "/aws-service-role/ecs.amazonaws.com/");
    iam_role_free(&r);
}
END_TEST

FAKE_SUITE(svc_iam, fake_client_setup, fake_client_teardown, 0, role_create_get_delete,
           policies_and_delete_conflict, lists_follow_pages, tags_and_service_linked_role)
