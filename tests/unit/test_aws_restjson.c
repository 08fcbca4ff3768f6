/* rest-json: the request a model's http traits make (labels, query, headers, body), the
 * answer read back, and its errors (the x-amzn-ErrorType header first) — with a scripted
 * transport, no network. The same operations against the fake: test_svc_efs.c. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/aws/aws_internal.h"
#include "../../src/aws/restjson_internal.h"
#include "unit_suite.h"

static const aws_rest_binding list_b[] = {{"MaxItems", AWS_REST_QUERY, NULL},
                                          {"Marker", AWS_REST_QUERY, NULL},
                                          {"TagKeys", AWS_REST_QUERY, "tagKeys"},
                                          {"Filters", AWS_REST_QUERY, NULL},
                                          {"Token", AWS_REST_HEADER, "x-amz-token"},
                                          {"Ids", AWS_REST_HEADER, "x-ids"},
                                          {NULL, 0, NULL}};

static int encode(const aws_rest_op *op, const char *json, aws_rest_json_request *r, aws_error *err)
{
    cJSON *in = json ? cJSON_Parse(json) : NULL;
    int rc = aws_rest_json_encode(op, in, r, err);
    cJSON_Delete(in);
    return rc;
}

static const char *header(const aws_rest_json_request *r, const char *name)
{
    for (size_t i = 0; i < r->nheaders; i++)
        if (strcmp(r->headers[i].name, name) == 0)
            return r->headers[i].value;
    return NULL;
}

START_TEST(labels_query_headers_and_body)
{
    aws_rest_op op = {"Op", "PUT", "/2015-02-01/things/{Id}/keys/{Key+}?mode=x", list_b};
    aws_rest_json_request r;
    aws_error err;
    ck_assert_int_eq(encode(&op, "{\"Id\":\"arn:aws:x:fs/a b\",\"Key\":\"p/q r\",\"MaxItems\":5,"
                                 "\"TagKeys\":[\"a\",\"b c\"],\"Filters\":{\"k\":\"v\"},"
                                 "\"Token\":\"t\",\"Ids\":[1,2],\"Body\":{\"n\":1.5},\"Flag\":true,"
                                 "\"Nothing\":null}",
                            &r, &err),
                     0);
    ck_assert_str_eq(r.path, "/2015-02-01/things/arn%3Aaws%3Ax%3Afs%2Fa%20b/keys/p/q%20r");
    ck_assert_str_eq(r.query, "mode=x&MaxItems=5&tagKeys=a&tagKeys=b%20c&k=v");
    ck_assert_str_eq(header(&r, "x-amz-token"), "t");
    ck_assert_str_eq(header(&r, "x-ids"), "1,2");
    ck_assert_str_eq(header(&r, "Content-Type"), "application/json");
    ck_assert_str_eq(r.body, "{\"Body\":{\"n\":1.5},\"Flag\":true}");
    aws_rest_json_request_free(&r);
}
END_TEST

START_TEST(bodies_only_when_due)
{
    aws_rest_op get = {"Get", "GET", "/v/{Id}", list_b};
    aws_rest_op post = {"Post", "POST", "/v", NULL};
    aws_rest_op del = {"Del", "DELETE", "/v/{Id}", list_b};
    aws_rest_json_request r;
    aws_error err;
    ck_assert_int_eq(encode(&get, "{\"Id\":7,\"Marker\":\"m/1\"}", &r, &err), 0);
    ck_assert_str_eq(r.path, "/v/7");
    ck_assert_str_eq(r.query, "Marker=m%2F1");
    ck_assert_ptr_null(r.body);
    ck_assert_ptr_null(header(&r, "Content-Type"));
    aws_rest_json_request_free(&r);
    ck_assert_int_eq(encode(&post, NULL, &r, &err), 0);
    ck_assert_str_eq(r.body, "{}"); /* a write always has a body */
    ck_assert_ptr_null(r.query);
    aws_rest_json_request_free(&r);
    ck_assert_int_eq(encode(&del, "{\"Id\":\"x\",\"TagKeys\":[]}", &r, &err), 0);
    ck_assert_ptr_null(r.body);
    ck_assert_ptr_null(r.query); /* an empty list sends nothing */
    aws_rest_json_request_free(&r);
}
END_TEST

START_TEST(bad_inputs_refused)
{
    aws_rest_op op = {"Op", "GET", "/v/{Id}", list_b};
    aws_rest_json_request r;
    aws_error err;
    const char *bad[] = {NULL, "{}", "{\"Id\":\"\"}", "{\"Id\":true}", "{\"Id\":{}}",
                         "{\"Id\":\"a\",\"MaxItems\":{\"x\":[1]}}", "{\"Id\":\"a\",\"Token\":{}}",
                         "[1]"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_int_eq(encode(&op, bad[i], &r, &err), -1);
        ck_assert_int_eq(err.kind, AWS_ERR_INPUT);
        ck_assert_ptr_null(r.path);
    }
    ck_assert_ptr_nonnull(strstr(err.message, "Op"));
}
END_TEST

START_TEST(answers_decoded)
{
    cJSON *out;
    aws_error err;
    ck_assert_int_eq(aws_rest_json_decode(NULL, 0, &out, &err), 0);
    ck_assert(cJSON_IsObject(out) && !out->child);
    cJSON_Delete(out);
    ck_assert_int_eq(aws_rest_json_decode(" \n{\"a\":[1]}", 11, &out, &err), 0);
    ck_assert(cJSON_IsArray(cJSON_GetObjectItem(out, "a")));
    cJSON_Delete(out);
    const char *bad[] = {"[]", "\"x\"", "{", "null", "  "};
    for (size_t i = 0; i < 4; i++) {
        ck_assert_int_eq(aws_rest_json_decode(bad[i], strlen(bad[i]), &out, &err), -1);
        ck_assert_ptr_null(out);
        ck_assert_int_eq(err.kind, AWS_ERR_PARSE);
    }
}
END_TEST

START_TEST(error_codes_header_first)
{
    aws_error e;
    const char *efs = "{\"ErrorCode\":\"FileSystemAlreadyExists\",\"Message\":\"exists\","
                      "\"FileSystemId\":\"fs-1\"}";
    aws_error_from_response(&e, AWS_PROTO_RESTJSON, 409, efs, strlen(efs),
                            "FileSystemAlreadyExists:http://internal.amazon.com/x", "rid");
    ck_assert_str_eq(e.code, "FileSystemAlreadyExists");
    ck_assert_str_eq(e.message, "exists");
    ck_assert_int_eq(e.http_status, 409);
    const char *other = "{\"code\":\"BodyCode\",\"__type\":\"ns#TypeCode\",\"message\":\"m\"}";
    aws_error_from_response(&e, AWS_PROTO_RESTJSON, 400, other, strlen(other), "HeaderCode", NULL);
    ck_assert_str_eq(e.code, "HeaderCode"); /* awsJson would take __type */
    aws_error_from_response(&e, AWS_PROTO_RESTJSON, 400, other, strlen(other), NULL, NULL);
    ck_assert_str_eq(e.code, "BodyCode");
    const char *typed = "{\"__type\":\"ns#TypeCode\"}";
    aws_error_from_response(&e, AWS_PROTO_RESTJSON, 400, typed, strlen(typed), NULL, NULL);
    ck_assert_str_eq(e.code, "TypeCode");
    aws_error_from_response(&e, AWS_PROTO_RESTJSON, 404, efs, strlen(efs), NULL, NULL);
    ck_assert_str_eq(e.code, "FileSystemAlreadyExists"); /* EFS's ErrorCode member */
    aws_error_from_response(&e, AWS_PROTO_RESTJSON, 404, "", 0, NULL, NULL);
    ck_assert_str_eq(e.code, "NotFound");
}
END_TEST

/* The new services' codes mean what callers ask of them (src/aws/error_class.c). */
START_TEST(efs_and_ssm_codes_classified)
{
    static const struct {
        const char *service, *code;
        unsigned classes;
    } cases[] = {{"efs", "FileSystemNotFound", AWS_IS_NOT_FOUND},
                 {"efs", "MountTargetNotFound", AWS_IS_NOT_FOUND},
                 {"efs", "PolicyNotFound", AWS_IS_NOT_SET},
                 {"efs", "FileSystemAlreadyExists", AWS_IS_EXISTS},
                 {"efs", "MountTargetConflict", AWS_IS_EXISTS},
                 {"efs", "FileSystemInUse", AWS_IS_IN_USE},
                 {"efs", "IncorrectFileSystemLifeCycleState", AWS_IS_BUSY},
                 {"efs", "IncorrectMountTargetState", AWS_IS_BUSY},
                 {"efs", "BadRequest", AWS_IS_INVALID},
                 {"efs", "ThrottlingException", AWS_IS_THROTTLED},
                 {"efs", "AccessPointLimitExceeded", AWS_IS_LIMIT},
                 {"ssm", "ParameterNotFound", AWS_IS_NOT_FOUND},
                 {"ssm", "ParameterAlreadyExists", AWS_IS_EXISTS},
                 {"ssm", "InvalidResourceId", AWS_IS_NOT_FOUND},
                 {"ssm", "InvalidKeyId", AWS_IS_INVALID},
                 {"ssm", "ParameterMaxVersionLimitExceeded", AWS_IS_LIMIT},
                 {"ssm", "TooManyUpdates", AWS_IS_BUSY}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        aws_error e;
        aws_error_set(&e, AWS_ERR_SERVICE, cases[i].code, "m");
        snprintf(e.service, sizeof e.service, "%s", cases[i].service);
        ck_assert_msg(aws_error_classes(&e) == cases[i].classes, "%s %s: %#x", cases[i].service,
                      cases[i].code, aws_error_classes(&e));
    }
}
END_TEST

/* ---- through the client, with a scripted transport -------------------------------- */

typedef struct {
    long status;
    const char *body;
    const char *error_type;
    char method[8], url[300], body_sent[200];
} exchange;

static int transport(void *ctx, const aws_http_request *req, aws_http_response *resp,
                     aws_error *err)
{
    (void)err;
    exchange *x = ctx;
    memset(resp, 0, sizeof *resp);
    snprintf(x->method, sizeof x->method, "%s", req->method);
    snprintf(x->url, sizeof x->url, "%s", req->url);
    snprintf(x->body_sent, sizeof x->body_sent, "%.*s", (int)req->body_len,
             req->body ? req->body : "");
    resp->status = x->status;
    if (x->body)
        buf_puts(&resp->body, x->body);
    if (x->error_type)
        aws_http_header_add(&resp->headers, &resp->nheaders, "x-amzn-ErrorType", x->error_type);
    aws_http_header_add(&resp->headers, &resp->nheaders, "x-amzn-RequestId", "rid-9");
    return 0;
}

static void no_sleep(double s, void *ctx)
{
    (void)s;
    (void)ctx;
}

static aws_client *client(exchange *x)
{
    setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "secret", 1);
    setenv("AWS_REGION", "eu-west-1", 1);
    setenv("AWS_CONFIG_FILE", "/nonexistent/config", 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials", 1);
    unsetenv("AWS_ENDPOINT_URL");
    unsetenv("AWS_PROFILE");
    aws_client_options o = {0};
    aws_client *c;
    aws_error err;
    ck_assert_int_eq(aws_client_new(&o, &c, &err), 0);
    aws_client_set_hooks(c, transport, x, NULL, no_sleep, NULL, NULL);
    return c;
}

START_TEST(call_through_the_client)
{
    static const aws_rest_op del = {"DeleteFileSystem", "DELETE",
                                    "/2015-02-01/file-systems/{FileSystemId}", NULL};
    static const aws_rest_op create = {"CreateFileSystem", "POST", "/2015-02-01/file-systems",
                                       NULL};
    exchange x = {.status = 204};
    aws_client *c = client(&x);
    cJSON *in = cJSON_Parse("{\"FileSystemId\":\"fs-0123\"}"), *out;
    aws_error err;
    ck_assert_int_eq(aws_rest_json_call(c, "efs", &del, in, NULL, &out, &err), 0);
    ck_assert_str_eq(x.method, "DELETE");
    ck_assert_str_eq(x.url, "https://elasticfilesystem.eu-west-1.amazonaws.com/2015-02-01/"
                            "file-systems/fs-0123");
    ck_assert(cJSON_IsObject(out) && !out->child);
    cJSON_Delete(out);
    cJSON_Delete(in);
    x = (exchange){.status = 201,
                   .body = "{\"FileSystemId\":\"fs-9\",\"LifeCycleState\":\"creating\"}"};
    in = cJSON_Parse("{\"CreationToken\":\"t\",\"Encrypted\":true}");
    ck_assert_int_eq(aws_rest_json_call(c, "efs", &create, in, NULL, &out, &err), 0);
    ck_assert_str_eq(x.body_sent, "{\"CreationToken\":\"t\",\"Encrypted\":true}");
    ck_assert_str_eq(aws_json_str(out, "FileSystemId"), "fs-9");
    cJSON_Delete(out);
    x = (exchange){.status = 409, .error_type = "FileSystemAlreadyExists:",
                   .body = "{\"ErrorCode\":\"FileSystemAlreadyExists\",\"Message\":\"m\"}"};
    ck_assert_int_eq(aws_rest_json_call(c, "efs", &create, in, NULL, &out, &err), -1);
    ck_assert_str_eq(err.code, "FileSystemAlreadyExists");
    ck_assert_str_eq(err.service, "efs");
    ck_assert_str_eq(err.operation, "CreateFileSystem");
    ck_assert_str_eq(err.request_id, "rid-9");
    ck_assert_ptr_null(out);
    x = (exchange){.status = 200, .body = "not json"};
    ck_assert_int_eq(aws_rest_json_call(c, "efs", &create, in, NULL, &out, &err), -1);
    ck_assert_int_eq(err.kind, AWS_ERR_PARSE);
    ck_assert_str_eq(err.request_id, "rid-9");
    ck_assert_int_eq(aws_rest_json_call(c, "ecs", &create, in, NULL, &out, &err), -1);
    ck_assert_str_eq(err.code, "UnknownService");
    cJSON_Delete(in);
    aws_client_free(c);
}
END_TEST

UNIT_SUITE(aws_restjson, 0, labels_query_headers_and_body, bodies_only_when_due, bad_inputs_refused,
           answers_decoded, error_codes_header_first, efs_and_ssm_codes_classified,
           call_through_the_client)
