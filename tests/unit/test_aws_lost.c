/* Lost answers (aws_lost_answer): the finder of a guarded create, removals that meet
 * "not found" after a lost answer, and which calls libcurl may re-send by itself. A
 * scripted transport, no network. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "scripted_client.h"
#include "servicediscovery.h"
#include "unit_suite.h"


/* Finds the VPC the lost attempt made (find_rc 1), nothing (0), or fails (-1). */
static int finder(void *ctx, cJSON **output, aws_error *err)
{
    script *s = ctx;
    s->finds++;
    if (s->find_rc < 0) {
        aws_error_set(err, AWS_ERR_SERVICE, "UnauthorizedOperation", "no DescribeVpcs for you");
        return -1;
    }
    if (s->find_rc > 0)
        *output = cJSON_Parse("{\"vpc\":{\"vpcId\":\"vpc-found\"}}");
    return s->find_rc;
}

#define VPC_OK "<CreateVpcResponse><vpc><vpcId>vpc-new</vpcId></vpc></CreateVpcResponse>"
#define THROTTLED "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>slow" \
                  "</Message></Error></Errors></Response>"

START_TEST(lost_create_found_again)
{
    script s = {.status = {0, 200}, .body = {NULL, VPC_OK}, .n = 2, .find_rc = 1};
    aws_client *c = scripted_client(&s);
    aws_lost_answer g = {finder, &s};
    cJSON *in = cJSON_Parse("{\"CidrBlock\":\"10.0.0.0/16\"}"), *out;
    aws_error err;
    ck_assert_int_eq(aws_ec2_call_guarded(c, "CreateVpc", in, NULL, &g, &out, &err), 0);
    ck_assert_int_eq(s.calls, 1); /* not sent again */
    ck_assert_int_eq(s.finds, 1);
    ck_assert_str_eq(aws_json_str(cJSON_GetObjectItem(out, "vpc"), "vpcId"), "vpc-found");
    ck_assert_int_eq(s.no_resend[0], 1); /* a create: libcurl must not re-send it */
    ck_assert_int_eq(aws_retry_quota_available(&c->retry), 500);
    cJSON_Delete(out);
    aws_client_free(c);

    /* not there: sent again, the new answer is the result */
    script s0 = {.status = {500, 0, 200}, .body = {"", NULL, VPC_OK}, .n = 3, .find_rc = 0};
    c = scripted_client(&s0);
    g.ctx = &s0;
    ck_assert_int_eq(aws_ec2_call_guarded(c, "CreateVpc", in, NULL, &g, &out, &err), 0);
    ck_assert_int_eq(s0.calls, 3);
    ck_assert_int_eq(s0.finds, 2); /* after the 500 and after the dropped connection */
    ck_assert_str_eq(aws_json_str(cJSON_GetObjectItem(out, "vpc"), "vpcId"), "vpc-new");
    cJSON_Delete(out);
    aws_client_free(c);
    cJSON_Delete(in);
}
END_TEST

START_TEST(finder_not_asked_for_refusals)
{
    /* throttled: the call did not happen, nothing to look for */
    script s = {.status = {503, 503, 200}, .body = {THROTTLED, THROTTLED, VPC_OK}, .n = 3,
                .find_rc = 1};
    aws_client *c = scripted_client(&s);
    aws_lost_answer g = {finder, &s};
    cJSON *out;
    aws_error err;
    ck_assert_int_eq(aws_ec2_call_guarded(c, "CreateVpc", NULL, NULL, &g, &out, &err), 0);
    ck_assert_int_eq(s.calls, 3);
    ck_assert_int_eq(s.finds, 0);
    ck_assert_str_eq(aws_json_str(cJSON_GetObjectItem(out, "vpc"), "vpcId"), "vpc-new");
    cJSON_Delete(out);
    aws_client_free(c);
}
END_TEST

START_TEST(finder_failure_stops_the_call)
{
    script s = {.status = {0, 200}, .body = {NULL, VPC_OK}, .n = 2, .find_rc = -1};
    aws_client *c = scripted_client(&s);
    aws_lost_answer g = {finder, &s};
    cJSON *out;
    aws_error err;
    ck_assert_int_eq(aws_ec2_call_guarded(c, "CreateVpc", NULL, NULL, &g, &out, &err), -1);
    ck_assert_ptr_null(out);
    ck_assert_int_eq(s.calls, 1); /* sending again could duplicate */
    ck_assert_str_eq(err.code, "UnauthorizedOperation");
    ck_assert_ptr_nonnull(strstr(err.message, "was lost (ConnectionError)"));
    aws_client_free(c);

    /* the last attempt's answer lost and the thing is not there: the original error */
    setenv("AWS_MAX_ATTEMPTS", "2", 1);
    script s2 = {.status = {0}, .n = 1, .find_rc = 0};
    aws_client_options o = {0};
    ck_assert_int_eq(aws_client_new(&o, &c, &err), 0);
    scripted_hooks(c, &s2);
    g.ctx = &s2;
    ck_assert_int_eq(aws_ec2_call_guarded(c, "CreateVpc", NULL, NULL, &g, &out, &err), -1);
    ck_assert_int_eq(s2.calls, 2);
    ck_assert_int_eq(s2.finds, 2);
    ck_assert_str_eq(err.code, "ConnectionError");
    unsetenv("AWS_MAX_ATTEMPTS");
    aws_client_free(c);
}
END_TEST

#define NOT_FOUND "<Response><Errors><Error><Code>InvalidGroup.NotFound</Code><Message>gone" \
                  "</Message></Error></Errors></Response>"

START_TEST(removal_done_by_the_lost_attempt)
{
    script s = {.status = {0, 400}, .body = {NULL, NOT_FOUND}, .n = 2};
    aws_client *c = scripted_client(&s);
    cJSON *in = cJSON_Parse("{\"GroupId\":\"sg-1\"}"), *out;
    aws_error err;
    ck_assert_int_eq(aws_ec2_call(c, "DeleteSecurityGroup", in, NULL, &out, &err), 0);
    ck_assert_int_eq(s.calls, 2);
    ck_assert(cJSON_IsObject(out));
    cJSON_Delete(out);
    aws_client_free(c);

    /* not found on the first attempt: the caller hears it */
    script s1 = {.status = {400}, .body = {NOT_FOUND}, .n = 1};
    c = scripted_client(&s1);
    ck_assert_int_eq(aws_ec2_call(c, "DeleteSecurityGroup", in, NULL, &out, &err), -1);
    ck_assert_str_eq(err.code, "InvalidGroup.NotFound");
    aws_client_free(c);

    /* a read that meets not-found after a lost answer is not a removal */
    script s2 = {.status = {0, 400}, .body = {NULL, NOT_FOUND}, .n = 2};
    c = scripted_client(&s2);
    ck_assert_int_eq(aws_ec2_call(c, "DescribeSecurityGroups", in, NULL, &out, &err), -1);
    ck_assert_str_eq(err.code, "InvalidGroup.NotFound");
    ck_assert_int_eq(s2.no_resend[0], 0); /* reads may be re-sent by libcurl */
    aws_client_free(c);

    /* S3: DELETE of a bucket whose answer was lost */
    script s3 = {.status = {0, 404},
                 .body = {NULL, "<Error><Code>NoSuchBucket</Code><Message>x</Message></Error>"},
                 .n = 2};
    c = scripted_client(&s3);
    aws_s3_request r = {.method = "DELETE", .bucket = "b-1"};
    ck_assert_int_eq(aws_s3_call(c, &r, &out, &err), 0);
    ck_assert_int_eq(s3.no_resend[0], 1);
    cJSON_Delete(out);
    aws_client_free(c);
    cJSON_Delete(in);
}
END_TEST

/* A removal done by the lost attempt answers nothing: Cloud Map's DeleteNamespace then has
 * no operation to wait for (not an empty id, which GetOperation would refuse). */
START_TEST(removal_done_by_the_lost_attempt_has_no_output)
{
    script s = {.status = {0, 400},
                .body = {NULL, "{\"__type\":\"NamespaceNotFound\",\"Message\":\"gone\"}"},
                .ctype = "application/x-amz-json-1.1", .n = 2};
    aws_client *c = scripted_client(&s);
    char stale[] = "stale", *op = stale; /* an out-parameter: set, whatever it held */
    aws_error err;
    ck_assert_int_eq(sd_delete_namespace(c, "ns-1", &op, &err), 0);
    ck_assert_int_eq(s.calls, 2);
    ck_assert_ptr_null(op);
    aws_client_free(c);

    script s1 = {.status = {200}, .body = {"{\"OperationId\":\"op-1\"}"},
                 .ctype = "application/x-amz-json-1.1", .n = 1};
    c = scripted_client(&s1);
    ck_assert_int_eq(sd_delete_namespace(c, "ns-1", &op, &err), 0);
    ck_assert_str_eq(op, "op-1");
    free(op);
    aws_client_free(c);
}
END_TEST

UNIT_SUITE(aws_lost, 0, lost_create_found_again, finder_not_asked_for_refusals,
           finder_failure_stops_the_call, removal_done_by_the_lost_attempt,
           removal_done_by_the_lost_attempt_has_no_output)
