/* The --debug log never shows a secret: every known carrier is redacted. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/aws/wirelog_internal.h"
#include "unit_suite.h"

#define SECRET "S3CR3T-VALUE-xyz"

static void assert_hidden(const char *text)
{
    ck_assert_msg(strstr(text, SECRET) == NULL, "secret leaked in: %s", text);
}

START_TEST(json_bodies)
{
    const char *bodies[] = {
        "{\"SecretString\":\"" SECRET "\",\"Name\":\"n\"}",
        "{\"SecretBinary\":\"" SECRET "\"}",
        "{\"Credentials\":{\"AccessKeyId\":\"AK\",\"SecretAccessKey\":\"" SECRET
        "\",\"SessionToken\":\"" SECRET "\"}}",
        "{\"session\":{\"tokenValue\":\"" SECRET "\",\"streamUrl\":\"wss://x\"}}",
        "{\"Plaintext\":\"" SECRET "\",\"CiphertextBlob\":\"abc\"}",
        "{\"RandomPassword\":\"" SECRET "\"}",
        "{\"list\":[{\"password\":\"" SECRET "\"},{\"DbPassword\":\"" SECRET "\"}]}",
        "{\"roleCredentials\":{\"secretAccessKey\":\"" SECRET "\",\"sessionToken\":\"" SECRET
        "\"}}",
        "{\"accessToken\":\"" SECRET "\"}",
        NULL};
    for (int i = 0; bodies[i]; i++) {
        char *r = aws_wirelog_redact_body(bodies[i], strlen(bodies[i]));
        assert_hidden(r);
        ck_assert_ptr_nonnull(strstr(r, AWS_REDACTED));
        free(r);
    }
    const char *b = "{\"Name\":\"visible\",\"NextToken\":\"tok\"}";
    char *r = aws_wirelog_redact_body(b, strlen(b));
    ck_assert_ptr_nonnull(strstr(r, "visible"));
    ck_assert_ptr_nonnull(strstr(r, "tok"));
    free(r);
}
END_TEST

START_TEST(xml_and_form_bodies)
{
    const char *x = "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>AK"
                    "</AccessKeyId><SecretAccessKey>" SECRET "</SecretAccessKey><SessionToken>"
                    SECRET "</SessionToken></Credentials></AssumeRoleResult></AssumeRoleResponse>";
    char *r = aws_wirelog_redact_body(x, strlen(x));
    assert_hidden(r);
    ck_assert_ptr_nonnull(strstr(r, "<AccessKeyId>AK</AccessKeyId>"));
    ck_assert_ptr_nonnull(strstr(r, "<SessionToken>" AWS_REDACTED "</SessionToken>"));
    free(r);
    const char *f = "Action=AssumeRoleWithWebIdentity&WebIdentityToken=" SECRET
                    "&RoleArn=arn&Tags.member.1.Password=" SECRET;
    r = aws_wirelog_redact_body(f, strlen(f));
    assert_hidden(r);
    ck_assert_ptr_nonnull(strstr(r, "RoleArn=arn"));
    free(r);
    const char bin[] = {'\x01', '\x02', 'S', '\0', 'x'};
    r = aws_wirelog_redact_body(bin, sizeof bin);
    ck_assert_str_eq(r, "(5 bytes of binary data)");
    free(r);
    const char *broken = "{\"SecretString\":\"" SECRET;
    r = aws_wirelog_redact_body(broken, strlen(broken));
    assert_hidden(r);
    free(r);
}
END_TEST

START_TEST(headers_and_urls)
{
    char *tmp = NULL;
    size_t n = 0;
    FILE *out = open_memstream(&tmp, &n);
    aws_http_header h[] = {{"Authorization", "AWS4-HMAC-SHA256 Credential=AK, Signature=" SECRET},
                           {"X-Amz-Security-Token", SECRET},
                           {"x-amz-sso_bearer_token", SECRET},
                           {"X-aws-ec2-metadata-token", SECRET},
                           {"X-Amz-Target", "secretsmanager.GetSecretValue"}};
    const char *body = "{\"SecretId\":\"db\"}";
    aws_http_request req = {"POST", "https://h/?X-Amz-Signature=" SECRET "&a=b", h, 5, body,
                            strlen(body), 0, 0, 0, 0};
    aws_wirelog_request(out, "secretsmanager", 1, &req);
    aws_http_header rh[] = {{"Content-Type", "application/x-amz-json-1.1"}};
    aws_http_response resp = {200, BUF_INIT, rh, 1, 1};
    buf_puts(&resp.body, "{\"ARN\":\"arn\",\"SecretString\":\"" SECRET "\"}");
    aws_wirelog_response(out, "secretsmanager", &resp, 0.01);
    fclose(out);
    assert_hidden(tmp);
    ck_assert_ptr_nonnull(strstr(tmp, "secretsmanager.GetSecretValue"));
    ck_assert_ptr_nonnull(strstr(tmp, "SecretId"));
    ck_assert_ptr_nonnull(strstr(tmp, "a=b"));
    ck_assert_ptr_nonnull(strstr(tmp, "HTTP 200"));
    free(tmp);
    buf_free(&resp.body);
}
END_TEST

START_TEST(secret_names)
{
    ck_assert(aws_wirelog_is_secret_name("authorization"));
    ck_assert(aws_wirelog_is_secret_name("Tags.member.3.Password"));
    ck_assert(!aws_wirelog_is_secret_name("NextToken"));
    ck_assert(!aws_wirelog_is_secret_name("ClientRequestToken"));
    ck_assert(!aws_wirelog_is_secret_name("SecretId"));
    ck_assert(!aws_wirelog_is_secret_name("Name"));
}
END_TEST

UNIT_SUITE(aws_wirelog, 0, json_bodies, xml_and_form_bodies, headers_and_urls, secret_names)
