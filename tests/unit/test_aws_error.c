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
    /* service "" : one of ecsdeploy's own codes, which count only when no service said it */
    static const struct {
        const char *service, *operation, *code;
        unsigned classes;
    } rows[] = {
        {"ec2", "DeleteVpc", "InvalidVpcID.NotFound", AWS_IS_NOT_FOUND},
        {"ec2", "DeleteSubnet", "DependencyViolation", AWS_IS_IN_USE},
        {"iam", "GetRole", "NoSuchEntity", AWS_IS_NOT_FOUND},
        {"s3", "", "NoSuchBucket", AWS_IS_NOT_FOUND},
        /* one operation's meaning: ECS says ClientException for an unknown family */
        {"ecs", "DescribeTaskDefinition", "ClientException", AWS_IS_NOT_FOUND},
        {"ecs", "DeregisterTaskDefinition", "ClientException", AWS_IS_NOT_FOUND},
        {"ecs", "RegisterTaskDefinition", "ClientException", 0},
        /* the same code means different things in different services and operations */
        {"elbv2", "DeleteTargetGroup", "ResourceInUse", AWS_IS_IN_USE},
        {"elbv2", "CreateLoadBalancer", "InvalidSubnet", AWS_IS_BUSY},
        {"elbv2", "CreateListener", "InvalidSubnet", 0},
        {"ec2", "ReleaseAddress", "AuthFailure", AWS_IS_IN_USE | AWS_IS_DENIED},
        {"ec2", "DescribeVpcs", "AuthFailure", AWS_IS_DENIED},
        {"elbv2", "DescribeTargetHealth", "InvalidInstance", AWS_IS_BUSY},
        {"elbv2", "DescribeTargetHealth", "InvalidTarget", AWS_IS_NOT_FOUND},
        {"elbv2", "RemoveListenerCertificates", "OperationNotPermitted", AWS_IS_INVALID},
        {"elbv2", "DeleteLoadBalancer", "OperationNotPermitted", 0},
        /* S3: ours (exists) or another account's (exists, and not ours to use) */
        {"s3", "", "BucketAlreadyOwnedByYou", AWS_IS_EXISTS},
        {"s3", "", "BucketAlreadyExists", AWS_IS_EXISTS | AWS_IS_DENIED},
        {"s3", "", "Forbidden", AWS_IS_DENIED},
        {"s3", "", "NoSuchPublicAccessBlockConfiguration", AWS_IS_NOT_FOUND},
        {"s3", "", "ServerSideEncryptionConfigurationNotFoundError", AWS_IS_NOT_FOUND},
        {"logs", "CreateLogGroup", "ResourceAlreadyExistsException", AWS_IS_EXISTS},
        {"ecs", "ListServices", "ThrottlingException", AWS_IS_THROTTLED},
        {"servicediscovery", "CreatePrivateDnsNamespace", "DuplicateRequest", AWS_IS_BUSY},
        {"servicediscovery", "GetNamespace", "NamespaceNotFound", AWS_IS_NOT_FOUND},
        {"ecs", "ExecuteCommand", "TargetNotConnectedException", AWS_IS_NOT_RUNNING},
        {"ecs", "RunTask", "Interrupted", 0},
        {"", "", "Interrupted", AWS_IS_CANCELLED},
        {"", "", "Cancelled", AWS_IS_CANCELLED},
        {"", "", "WaitTimeout", AWS_IS_TIMED_OUT},
        {"", "", "ExecTimeout", AWS_IS_TIMED_OUT},
        {"", "", "NoCredentials", AWS_IS_NO_CREDENTIALS},
        {"", "", "PartialCredentials", AWS_IS_NO_CREDENTIALS},
        {"", "", "NoRunningTask", AWS_IS_NOT_RUNNING},
        {"", "", "ExecAgentNotRunning", AWS_IS_NOT_RUNNING},
        {"", "", "TaskNotRunning", AWS_IS_NOT_RUNNING},
        {"", "", "ExecSessionFailed", 0},
    };
    aws_error e;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        if (rows[i].service[0])
            e = answered(rows[i].service, rows[i].operation, rows[i].code);
        else
            aws_error_set(&e, AWS_ERR_INPUT, rows[i].code, "x");
        ck_assert_msg(aws_error_classes(&e) == rows[i].classes, "%s %s %s: %#x", rows[i].service,
                      rows[i].operation, rows[i].code, aws_error_classes(&e));
        ck_assert_int_eq(aws_error_is(&e, AWS_IS_NOT_FOUND),
                         (rows[i].classes & AWS_IS_NOT_FOUND) != 0);
    }
    aws_error_set(&e, AWS_ERR_TIMEOUT, "", "slow");
    ck_assert(aws_error_is(&e, AWS_IS_TIMED_OUT));
    aws_error_clear(&e);
    ck_assert_uint_eq(aws_error_classes(&e), 0);
}
END_TEST

UNIT_SUITE(aws_error, 0, json_errors, xml_errors, empty_and_garbage_bodies, format_and_prefix,
           classes)
