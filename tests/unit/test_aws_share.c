/* Reads that share one answer while a discovery runs (aws_client_share_reads): a scripted
 * transport counts what is really sent. */
#include <check.h>
#include <string.h>

#include "scripted_client.h"
#include "unit_suite.h"

#define GROUPS "<DescribeSecurityGroupsResponse><securityGroupInfo><item><groupId>sg-1</groupId>" \
               "</item></securityGroupInfo></DescribeSecurityGroupsResponse>"
#define THROTTLED "<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>no" \
                  "</Message></Error></Errors></Response>"

static int describe(aws_client *c, const char *filter, cJSON **out, aws_error *err)
{
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "GroupName", filter);
    int rc = aws_ec2_call(c, "DescribeSecurityGroups", in, NULL, out, err);
    cJSON_Delete(in);
    return rc;
}

START_TEST(the_same_read_is_sent_once)
{
    script s = {.status = {200}, .body = {GROUPS}, .n = 1};
    aws_client *c = scripted_client(&s);
    aws_error err;
    cJSON *a, *b, *other;
    aws_client_share_reads(c, 1);
    ck_assert_int_eq(describe(c, "web", &a, &err), 0);
    ck_assert_int_eq(describe(c, "web", &b, &err), 0);
    ck_assert_int_eq(s.calls, 1);
    ck_assert(cJSON_Compare(a, b, 1)); /* each its own copy of the one answer */
    ck_assert_ptr_ne(a, b);
    ck_assert_int_eq(describe(c, "db", &other, &err), 0); /* another request: sent */
    ck_assert_int_eq(s.calls, 2);
    aws_client_share_reads(c, 0); /* off: forgotten, each read is sent */
    cJSON *again;
    ck_assert_int_eq(describe(c, "web", &again, &err), 0);
    ck_assert_int_eq(s.calls, 3);
    cJSON_Delete(a);
    cJSON_Delete(b);
    cJSON_Delete(other);
    cJSON_Delete(again);
    aws_client_free(c);
}
END_TEST

START_TEST(a_failed_read_is_not_shared)
{
    script s = {.status = {403, 200}, .body = {THROTTLED, GROUPS}, .n = 2};
    aws_client *c = scripted_client(&s);
    aws_error err;
    cJSON *a = NULL, *b = NULL;
    aws_client_share_reads(c, 1);
    ck_assert_int_eq(describe(c, "web", &a, &err), -1);
    ck_assert_int_eq(describe(c, "web", &b, &err), 0); /* asks for itself */
    ck_assert_int_eq(s.calls, 2);
    aws_client_share_reads(c, 0);
    cJSON_Delete(b);
    aws_client_free(c);
}
END_TEST

/* The same JSON call made twice, answered each time. */
static void call_twice(aws_client *c, const char *service, const char *op, const char *json)
{
    aws_error err;
    for (int i = 0; i < 2; i++) {
        cJSON *in = cJSON_Parse(json), *out;
        ck_assert_int_eq(aws_json_call(c, service, op, in, &out, &err), 0);
        cJSON_Delete(in);
        cJSON_Delete(out);
    }
}

START_TEST(writes_and_secrets_are_never_shared)
{
    script s = {.status = {200}, .body = {"{\"SecretString\":\"x\"}"}, .n = 1};
    aws_client *c = scripted_client(&s);
    aws_client_share_reads(c, 1);
    call_twice(c, "secretsmanager", "GetSecretValue", "{\"SecretId\":\"db\"}");
    ck_assert_int_eq(s.calls, 2);
    call_twice(c, "ecs", "CreateCluster", "{\"Name\":\"shop\"}");
    ck_assert_int_eq(s.calls, 4);
    aws_client_share_reads(c, 0);
    aws_client_free(c);
}
END_TEST

UNIT_SUITE(aws_share, 0, the_same_read_is_sent_once, a_failed_read_is_not_shared,
           writes_and_secrets_are_never_shared)
