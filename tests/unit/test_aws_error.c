#include <check.h>
#include <stdio.h>
#include <string.h>

#include "aws_error.h"
#include "unit_suite.h"

START_TEST(json_errors)
{
    aws_error e;
    const char *b = "{\"__type\":\"com.amazonaws.ecs#ClusterNotFoundException\",\"message\":\"gone\"}";
    aws_error_from_response(&e, AWS_PROTO_JSON, 400, b, strlen(b), NULL, "rid-1");
    ck_assert_int_eq(e.kind, AWS_ERR_SERVICE);
    ck_assert_str_eq(e.code, "ClusterNotFoundException");
    ck_assert_str_eq(e.message, "gone");
    ck_assert_str_eq(e.request_id, "rid-1");
    ck_assert_int_eq(e.http_status, 400);
    b = "{\"__type\":\"ResourceNotFoundException\",\"Message\":\"M\"}";
    aws_error_from_response(&e, AWS_PROTO_JSON, 400, b, strlen(b), NULL, NULL);
    ck_assert_str_eq(e.code, "ResourceNotFoundException");
    ck_assert_str_eq(e.message, "M");
    /* The header wins when the body has no type; the ":http://" suffix is dropped. */
    b = "{\"message\":\"slow down\"}";
    aws_error_from_response(&e, AWS_PROTO_JSON, 400, b, strlen(b),
                            "ThrottlingException:http://internal.amazon.com/", NULL);
    ck_assert_str_eq(e.code, "ThrottlingException");
    ck_assert_str_eq(e.message, "slow down");
}
END_TEST

START_TEST(xml_errors)
{
    aws_error e;
    const char *b = "<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded"
                    "</Message></Error><RequestId>q</RequestId></ErrorResponse>";
    aws_error_from_response(&e, AWS_PROTO_QUERY, 400, b, strlen(b), NULL, NULL);
    ck_assert_str_eq(e.code, "Throttling");
    ck_assert_str_eq(e.request_id, "q");
    b = "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>x</Message>"
        "</Error></Errors><RequestID>e</RequestID></Response>";
    aws_error_from_response(&e, AWS_PROTO_EC2, 503, b, strlen(b), NULL, NULL);
    ck_assert_str_eq(e.code, "RequestLimitExceeded");
    ck_assert_str_eq(e.request_id, "e");
}
END_TEST

START_TEST(empty_and_garbage_bodies)
{
    aws_error e;
    aws_error_from_response(&e, AWS_PROTO_RESTXML, 404, NULL, 0, NULL, "s3rid");
    ck_assert_str_eq(e.code, "NotFound");
    ck_assert_str_eq(e.request_id, "s3rid");
    ck_assert_ptr_nonnull(strstr(e.message, "404"));
    aws_error_from_response(&e, AWS_PROTO_JSON, 503, "<html>oops", 10, NULL, NULL);
    ck_assert_str_eq(e.code, "ServiceUnavailable");
    aws_error_from_response(&e, AWS_PROTO_QUERY, 500, "{not xml", 8, NULL, NULL);
    ck_assert_str_eq(e.code, "InternalError");
    aws_error_from_response(&e, AWS_PROTO_JSON, 418, "[]", 2, NULL, NULL);
    ck_assert_str_eq(e.code, "HttpError");
}
END_TEST

START_TEST(format_and_prefix)
{
    aws_error e;
    char out[2048];
    aws_error_set(&e, AWS_ERR_SERVICE, "NoSuchEntity", "role %s", "x");
    e.http_status = 404;
    strcpy(e.request_id, "r1");
    ck_assert_str_eq(aws_error_format(&e, out, sizeof out),
                     "NoSuchEntity: role x (HTTP 404, request id r1)");
    e.attempts = 3;
    ck_assert_str_eq(aws_error_format(&e, out, sizeof out),
                     "NoSuchEntity: role x (HTTP 404, request id r1, after 3 attempts)");
    e.attempts = 0;
    e.http_status = 0;
    e.request_id[0] = '\0';
    ck_assert_str_eq(aws_error_format(&e, out, sizeof out), "NoSuchEntity: role x");
    aws_error_prefix(&e, "creating %s: ", "thing");
    ck_assert_str_eq(e.message, "creating thing: role x");
    ck_assert_str_eq(aws_error_kind_name(AWS_ERR_CREDENTIALS), "credentials");
    char big[3000];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    aws_error_set(&e, AWS_ERR_SERVICE, "X", "%s", big);
    aws_error_prefix(&e, "p: ");
    ck_assert_uint_eq(strlen(e.message), sizeof e.message - 1);
}
END_TEST

/* An error as the client leaves it after a service answered. */
static aws_error answered(const char *service, const char *op, const char *code)
{
    aws_error e;
    aws_error_set(&e, AWS_ERR_SERVICE, code, "m");
    snprintf(e.service, sizeof e.service, "%s", service);
    snprintf(e.operation, sizeof e.operation, "%s", op);
    return e;
}

START_TEST(classes)
{
    aws_error e = answered("ec2", "DeleteVpc", "InvalidVpcID.NotFound");
    ck_assert(aws_error_is(&e, AWS_IS_NOT_FOUND));
    ck_assert(!aws_error_is(&e, AWS_IS_IN_USE | AWS_IS_EXISTS));
    e = answered("ec2", "DeleteSubnet", "DependencyViolation");
    ck_assert(aws_error_is(&e, AWS_IS_IN_USE));
    e = answered("iam", "GetRole", "NoSuchEntity");
    ck_assert(aws_error_is(&e, AWS_IS_NOT_FOUND));
    e = answered("s3", "HeadBucket", "NoSuchBucket");
    ck_assert(aws_error_is(&e, AWS_IS_NOT_FOUND));
    /* one operation's meaning: ECS says ClientException for an unknown family */
    e = answered("ecs", "DescribeTaskDefinition", "ClientException");
    ck_assert(aws_error_is(&e, AWS_IS_NOT_FOUND));
    e = answered("ecs", "RegisterTaskDefinition", "ClientException");
    ck_assert_uint_eq(aws_error_classes(&e), 0);
    /* the same code means different things in different services */
    e = answered("elbv2", "DeleteTargetGroup", "ResourceInUse");
    ck_assert(aws_error_is(&e, AWS_IS_IN_USE));
    e = answered("elbv2", "CreateLoadBalancer", "InvalidSubnet");
    ck_assert(aws_error_is(&e, AWS_IS_BUSY));
    e = answered("elbv2", "CreateListener", "InvalidSubnet");
    ck_assert(!aws_error_is(&e, AWS_IS_BUSY));
    /* rows for one operation: the code means something else elsewhere, or nothing */
    e = answered("ec2", "ReleaseAddress", "AuthFailure");
    ck_assert(aws_error_is(&e, AWS_IS_IN_USE));
    e = answered("ec2", "DescribeVpcs", "AuthFailure");
    ck_assert(aws_error_is(&e, AWS_IS_DENIED));
    ck_assert(!aws_error_is(&e, AWS_IS_IN_USE));
    e = answered("ecs", "DeregisterTaskDefinition", "ClientException");
    ck_assert(aws_error_is(&e, AWS_IS_NOT_FOUND));
    e = answered("elbv2", "DescribeTargetHealth", "InvalidInstance");
    ck_assert(aws_error_is(&e, AWS_IS_BUSY));
    ck_assert(!aws_error_is(&e, AWS_IS_NOT_FOUND));
    e = answered("elbv2", "DescribeTargetHealth", "InvalidTarget");
    ck_assert(aws_error_is(&e, AWS_IS_NOT_FOUND));
    e = answered("elbv2", "RemoveListenerCertificates", "OperationNotPermitted");
    ck_assert(aws_error_is(&e, AWS_IS_INVALID));
    e = answered("elbv2", "DeleteLoadBalancer", "OperationNotPermitted");
    ck_assert_uint_eq(aws_error_classes(&e), 0);
    /* S3: ours (exists) or another account's (exists, and not ours to use) */
    e = answered("s3", "", "BucketAlreadyOwnedByYou");
    ck_assert(aws_error_is(&e, AWS_IS_EXISTS) && !aws_error_is(&e, AWS_IS_DENIED));
    e = answered("s3", "", "BucketAlreadyExists");
    ck_assert(aws_error_is(&e, AWS_IS_EXISTS) && aws_error_is(&e, AWS_IS_DENIED));
    e = answered("s3", "", "Forbidden");
    ck_assert(aws_error_is(&e, AWS_IS_DENIED));
    e = answered("s3", "", "NoSuchPublicAccessBlockConfiguration");
    ck_assert(aws_error_is(&e, AWS_IS_NOT_FOUND));
    e = answered("s3", "", "ServerSideEncryptionConfigurationNotFoundError");
    ck_assert(aws_error_is(&e, AWS_IS_NOT_FOUND));
    e = answered("logs", "CreateLogGroup", "ResourceAlreadyExistsException");
    ck_assert(aws_error_is(&e, AWS_IS_EXISTS));
    e = answered("ecs", "ListServices", "ThrottlingException");
    ck_assert(aws_error_is(&e, AWS_IS_THROTTLED));
    /* ecsdeploy's own codes count only when no service said them */
    aws_error_set(&e, AWS_ERR_CONFIG, "Interrupted", "stopped");
    ck_assert(aws_error_is(&e, AWS_IS_CANCELLED));
    e = answered("ecs", "RunTask", "Interrupted");
    ck_assert(!aws_error_is(&e, AWS_IS_CANCELLED));
    aws_error_set(&e, AWS_ERR_CREDENTIALS, "PartialCredentials", "x");
    ck_assert(aws_error_is(&e, AWS_IS_NO_CREDENTIALS));
    static const struct {
        const char *code;
        unsigned classes;
    } own[] = {{"Cancelled", AWS_IS_CANCELLED},        {"WaitTimeout", AWS_IS_TIMED_OUT},
               {"ExecTimeout", AWS_IS_TIMED_OUT},      {"NoCredentials", AWS_IS_NO_CREDENTIALS},
               {"NoRunningTask", AWS_IS_NOT_RUNNING},  {"ExecAgentNotRunning", AWS_IS_NOT_RUNNING},
               {"TaskNotRunning", AWS_IS_NOT_RUNNING}, {"ExecSessionFailed", 0}};
    for (size_t i = 0; i < sizeof own / sizeof own[0]; i++) {
        aws_error_set(&e, AWS_ERR_INPUT, own[i].code, "x");
        ck_assert_msg(aws_error_classes(&e) == own[i].classes, "%s", own[i].code);
    }
    e = answered("servicediscovery", "CreatePrivateDnsNamespace", "DuplicateRequest");
    ck_assert(aws_error_is(&e, AWS_IS_BUSY));
    e = answered("servicediscovery", "GetNamespace", "NamespaceNotFound");
    ck_assert(aws_error_is(&e, AWS_IS_NOT_FOUND));
    e = answered("ecs", "ExecuteCommand", "TargetNotConnectedException");
    ck_assert(aws_error_is(&e, AWS_IS_NOT_RUNNING));
    aws_error_set(&e, AWS_ERR_TIMEOUT, "", "slow");
    ck_assert(aws_error_is(&e, AWS_IS_TIMED_OUT));
    aws_error_clear(&e);
    ck_assert_uint_eq(aws_error_classes(&e), 0);
}
END_TEST

Suite *aws_error_suite(void)
{
    const TTest *const tests[] = {json_errors, xml_errors, empty_and_garbage_bodies,
                                  format_and_prefix, classes, NULL};
    return unit_suite("aws_error", 0, tests);
}
