/* The request pipeline with a scripted transport: retries, backoff, quota, clock skew,
 * signing, and each protocol's decoding — no network. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aws_paginate.h"
#include "aws_restjson.h"
#include "scripted_client.h"
#include "unit_suite.h"
#include "xalloc.h"


#define ECS_OK "{\"clusters\":[],\"failures\":[]}"

START_TEST(json_call_signed_and_decoded)
{
    script s = {.status = {200}, .body = {ECS_OK}, .n = 1};
    aws_client *c = scripted_client(&s);
    cJSON *out;
    aws_error err;
    cJSON *in = cJSON_Parse("{\"clusters\":[\"x\"]}");
    ck_assert_int_eq(aws_json_call(c, "ecs", "DescribeClusters", in, &out, &err), 0);
    ck_assert_str_eq(s.last_target, "AmazonEC2ContainerServiceV20141113.DescribeClusters");
    ck_assert_str_eq(s.last_url, "https://ecs.eu-west-1.amazonaws.com/");
    ck_assert_str_eq(s.last_body, "{\"clusters\":[\"x\"]}");
    ck_assert_ptr_nonnull(strstr(s.last_auth, "Credential=AKIDEXAMPLE/20231114/eu-west-1/ecs/"
                                              "aws4_request"));
    ck_assert(cJSON_IsArray(cJSON_GetObjectItem(out, "clusters")));
    ck_assert_int_eq(err.attempts, 1);
    cJSON_Delete(in);
    cJSON_Delete(out);
    aws_client_free(c);
}
END_TEST

START_TEST(transient_errors_retried_with_backoff)
{
    script s = {.status = {500, 0, 200}, .body = {"{}", NULL, ECS_OK}, .n = 3};
    aws_client *c = scripted_client(&s);
    cJSON *out;
    aws_error err;
    ck_assert_int_eq(aws_json_call(c, "ecs", "ListClusters", NULL, &out, &err), 0);
    ck_assert_int_eq(s.calls, 3);
    ck_assert_int_eq(s.nsleeps, 2);
    ck_assert(s.sleeps[0] == 0.5 && s.sleeps[1] == 1.0);
    /* two retries took 10; the success gave all of it back */
    ck_assert_int_eq(aws_retry_quota_available(&c->retry), 500);
    cJSON_Delete(out);
    aws_client_free(c);
}
END_TEST

/* A silent endpoint: every attempt runs into its timeout; time is simulated (the
 * transport and the backoff advance a fake monotonic clock). */
typedef struct {
    double clock;
    long timeouts[16];
    int n;
} silent;

static int silent_transport(void *ctx, const aws_http_request *req, aws_http_response *resp,
                            aws_error *err)
{
    silent *s = ctx;
    memset(resp, 0, sizeof *resp);
    if (s->n < 16)
        s->timeouts[s->n++] = req->timeout_ms;
    s->clock += (double)req->timeout_ms / 1000.0;
    aws_error_set(err, AWS_ERR_TIMEOUT, "RequestTimeout", "no answer in %ld ms", req->timeout_ms);
    return -1;
}

static double silent_half(void *ctx)
{
    (void)ctx;
    return 0.5;
}

static void silent_sleep(double sec, void *ctx)
{
    ((silent *)ctx)->clock += sec;
}

static double silent_clock(void *ctx)
{
    return ((silent *)ctx)->clock;
}

START_TEST(silent_endpoint_meets_the_deadline)
{
    script unused = {.n = 1};
    aws_client *c = scripted_client(&unused);
    silent s = {.clock = 1000};
    aws_client_set_hooks(c, silent_transport, &s, silent_half, silent_sleep, NULL, &s);
    aws_client_set_mono_clock(c, silent_clock);
    cJSON *out;
    aws_error err;
    ck_assert_int_eq(aws_json_call(c, "ecs", "ListClusters", NULL, &out, &err), -1);
    double took = s.clock - 1000;
    /* the default deadline: at most 3 minutes, whatever the attempts and backoff */
    ck_assert(AWS_CALL_DEADLINE_DEFAULT <= 180);
    ck_assert_msg(took <= AWS_CALL_DEADLINE_DEFAULT + 0.01, "the call took %.1f s", took);
    ck_assert_msg(took >= AWS_CALL_DEADLINE_DEFAULT - 1, "the call gave up early: %.1f s", took);
    ck_assert_int_eq(s.timeouts[0], 60000); /* the first attempt: the usual bound */
    ck_assert(s.timeouts[s.n - 1] < 60000); /* the last: what was left */
    ck_assert_int_eq(err.kind, AWS_ERR_TIMEOUT);
    ck_assert_ptr_nonnull(strstr(err.message, "ECSDEPLOY_CALL_DEADLINE"));
    aws_client_free(c);
}
END_TEST

START_TEST(attempts_are_bounded)
{
    const char *thr = "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}";
    script s = {.status = {400}, .body = {thr}, .n = 1};
    aws_client *c = scripted_client(&s);
    cJSON *out;
    aws_error err;
    ck_assert_int_eq(aws_json_call(c, "ecs", "ListClusters", NULL, &out, &err), -1);
    ck_assert_ptr_null(out);
    ck_assert_int_eq(s.calls, AWS_RETRY_DEFAULT_ATTEMPTS);
    ck_assert_int_eq(err.attempts, 10);
    ck_assert_int_eq(s.nsleeps, 8); /* the script keeps 8: 0.5 1 2 4 8 10 10 10 */
    ck_assert(s.sleeps[5] == 10.0 && s.sleeps[7] == 10.0);
    ck_assert_str_eq(err.code, "ThrottlingException");
    ck_assert_str_eq(err.request_id, "rid");
    aws_client_free(c);
    setenv("AWS_MAX_ATTEMPTS", "5", 1);
    script s5 = {.status = {503}, .body = {""}, .n = 1};
    aws_client_options o = {0};
    ck_assert_int_eq(aws_client_new(&o, &c, &err), 0);
    s5.now = 1700000000;
    scripted_hooks(c, &s5);
    ck_assert_int_eq(aws_json_call(c, "ecs", "ListClusters", NULL, &out, &err), -1);
    ck_assert_int_eq(s5.calls, 5);
    ck_assert(s5.sleeps[3] == 4.0);
    aws_client_free(c);
}
END_TEST

/* An endpoint that refuses connections fails after a few attempts, not the whole budget. */
START_TEST(unreachable_endpoint_fails_fast)
{
    script s = {.status = {-1}, .n = 1};
    aws_client *c = scripted_client(&s);
    cJSON *out;
    aws_error err;
    ck_assert_int_eq(aws_json_call(c, "ecs", "ListClusters", NULL, &out, &err), -1);
    ck_assert_int_eq(s.calls, AWS_RETRY_UNREACHABLE_ATTEMPTS);
    ck_assert_str_eq(err.code, AWS_CONNECT_FAILED);
    ck_assert(!aws_retry_answer_lost(&err)); /* nothing was sent: nothing to look for */
    aws_client_free(c);
}
END_TEST

/* A monotonic clock the test moves (aws_client_set_mono_clock). */
static double memo_clock_now = 1000;
static double memo_clock(void *ctx)
{
    (void)ctx;
    return memo_clock_now;
}

/* Once a call has given up on a host, the calls after it fail at once, without a single
 * attempt, for AWS_UNREACHABLE_MEMORY_S; then the host is tried again, and an answer from
 * it ends the memory (issue 15: plan and status against a wrong endpoint). */
START_TEST(unreachable_host_remembered)
{
    script s = {.status = {-1, -1, -1, 200}, .body = {NULL, NULL, NULL, ECS_OK}, .n = 4};
    aws_client *c = scripted_client(&s);
    aws_client_set_mono_clock(c, memo_clock);
    cJSON *out;
    aws_error err;
    ck_assert_int_eq(aws_json_call(c, "ecs", "ListClusters", NULL, &out, &err), -1);
    ck_assert_int_eq(s.calls, AWS_RETRY_UNREACHABLE_ATTEMPTS);
    /* another service on the same endpoint host: not tried, the same error */
    memo_clock_now += AWS_UNREACHABLE_MEMORY_S - 1;
    ck_assert_int_eq(aws_json_call(c, "ecs", "DescribeClusters", NULL, &out, &err), -1);
    ck_assert_int_eq(s.calls, AWS_RETRY_UNREACHABLE_ATTEMPTS);
    ck_assert_str_eq(err.code, AWS_CONNECT_FAILED);
    ck_assert(aws_retry_never_sent(&err)); /* the commands still say what to check */
    ck_assert_int_eq(err.attempts, 0);
    ck_assert_msg(strstr(err.message, "connection refused") &&
                  strstr(err.message, "could not be reached 9 s ago"), "%s", err.message);
    /* the memory is short: then the host is tried again, and its answer clears it */
    memo_clock_now += 1;
    ck_assert_msg(aws_json_call(c, "ecs", "ListClusters", NULL, &out, &err) == 0, "%s",
                  err.message);
    cJSON_Delete(out);
    ck_assert_int_eq(s.calls, AWS_RETRY_UNREACHABLE_ATTEMPTS + 1);
    aws_client_free(c);
}
END_TEST

START_TEST(client_errors_not_retried)
{
    const char *nf = "{\"__type\":\"ClusterNotFoundException\",\"message\":\"nope\"}";
    script s = {.status = {400}, .body = {nf}, .n = 1};
    aws_client *c = scripted_client(&s);
    cJSON *out;
    aws_error err;
    ck_assert_int_eq(aws_json_call(c, "ecs", "DescribeClusters", NULL, &out, &err), -1);
    ck_assert_int_eq(s.calls, 1);
    ck_assert_int_eq(err.kind, AWS_ERR_SERVICE);
    ck_assert_str_eq(err.code, "ClusterNotFoundException");
    ck_assert_int_eq(err.http_status, 400);
    aws_client_free(c);
}
END_TEST

START_TEST(quota_stops_a_storm)
{
    script s = {.status = {500}, .body = {""}, .n = 1};
    aws_client *c = scripted_client(&s);
    cJSON *out;
    aws_error err;
    int calls = 0;
    for (int i = 0; i < 60; i++) {
        ck_assert_int_eq(aws_json_call(c, "ecs", "ListClusters", NULL, &out, &err), -1);
        calls = s.calls;
    }
    /* 500 tokens / 5 per retry = 100 retries in all; then every call is tried once. */
    ck_assert_int_eq(calls, 60 + 100);
    ck_assert_int_eq(aws_retry_quota_available(&c->retry), 0);
    ck_assert_ptr_nonnull(strstr(err.message, "retry quota"));
    aws_client_free(c);
}
END_TEST

START_TEST(clock_skew_corrected)
{
    const char *skew = "{\"__type\":\"InvalidSignatureException\",\"message\":\"Signature "
                       "expired\"}";
    script s = {.status = {400, 200}, .body = {skew, ECS_OK},
                .date = {"Wed, 15 Nov 2023 22:13:20 GMT", NULL}, .n = 2};
    aws_client *c = scripted_client(&s);
    cJSON *out;
    aws_error err;
    ck_assert_int_eq(aws_json_call(c, "ecs", "ListClusters", NULL, &out, &err), 0);
    ck_assert_int_eq(s.calls, 2);
    ck_assert_int_eq(c->skew, 86400); /* the server is a day ahead */
    ck_assert_ptr_nonnull(strstr(s.last_auth, "/20231115/"));
    cJSON_Delete(out);
    aws_client_free(c);
    /* Without a Date header the error is final. */
    script s2 = {.status = {400}, .body = {skew}, .n = 1};
    c = scripted_client(&s2);
    ck_assert_int_eq(aws_json_call(c, "ecs", "ListClusters", NULL, &out, &err), -1);
    ck_assert_int_eq(s2.calls, 1);
    aws_client_free(c);
}
END_TEST

START_TEST(query_and_ec2_decoded)
{
    const char *x = "<DescribeVpcsResponse><requestId>r</requestId><vpcSet><item><vpcId>v"
                    "</vpcId></item></vpcSet></DescribeVpcsResponse>";
    script s = {.status = {200}, .body = {x}, .n = 1};
    aws_client *c = scripted_client(&s);
    cJSON *out;
    aws_error err;
    cJSON *in = cJSON_Parse("{\"VpcId\":[\"v\"]}");
    ck_assert_int_eq(aws_ec2_call(c, "DescribeVpcs", in, NULL, &out, &err), 0);
    ck_assert_str_eq(s.last_body, "Action=DescribeVpcs&Version=2016-11-15&VpcId.1=v");
    ck_assert_str_eq(s.last_url, "https://ec2.eu-west-1.amazonaws.com/");
    const cJSON *set = aws_json_array(out, "vpcSet");
    ck_assert_ptr_nonnull(set);
    ck_assert_str_eq(aws_json_str(set->child, "vpcId"), "v");
    cJSON_Delete(out);
    cJSON_Delete(in);
    const char *bad = "<ErrorResponse><Error><Code>NoSuchEntity</Code><Message>m</Message>"
                      "</Error><RequestId>q</RequestId></ErrorResponse>";
    script s2 = {.status = {404}, .body = {bad}, .n = 1};
    aws_client_set_hooks(c, scripted_transport, &s2, NULL, NULL, NULL, &s2);
    ck_assert_int_eq(aws_query_call(c, "iam", "GetRole", NULL, NULL, NULL, &out, &err), -1);
    ck_assert_str_eq(err.code, "NoSuchEntity");
    ck_assert_str_eq(err.request_id, "q"); /* the body's id wins over the header's */
    ck_assert_str_eq(s2.last_url, "https://iam.amazonaws.com/");
    ck_assert_ptr_nonnull(strstr(s2.last_auth, "/us-east-1/iam/aws4_request"));
    aws_client_free(c);
}
END_TEST

START_TEST(s3_call_with_md5_and_headers)
{
    const char *x = "<DeleteResult><Deleted><Key>a</Key></Deleted></DeleteResult>";
    script s = {.status = {200}, .body = {x}, .n = 1};
    aws_client *c = scripted_client(&s);
    cJSON *out;
    aws_error err;
    static const char *const lists[] = {"Deleted", "Error", NULL};
    const char *body = "<Delete><Object><Key>a</Key></Object></Delete>";
    aws_s3_request r = {.method = "POST", .bucket = "my-bucket", .query = "delete",
                        .body = body, .body_len = strlen(body), .content_md5 = 1,
                        .lists = lists};
    ck_assert_int_eq(aws_s3_call(c, &r, &out, &err), 0);
    ck_assert_str_eq(s.last_url, "https://my-bucket.s3.eu-west-1.amazonaws.com/?delete");
    ck_assert_ptr_nonnull(strstr(s.last_auth, "content-md5"));
    const cJSON *d = aws_json_array(out, "Deleted");
    ck_assert_int_eq(cJSON_GetArraySize(d), 1);
    ck_assert_str_eq(aws_json_str(cJSON_GetObjectItem(out, "Headers"), "x-amzn-requestid"), "rid");
    cJSON_Delete(out);
    script s2 = {.status = {404}, .body = {NULL}, .n = 1};
    aws_client_set_hooks(c, scripted_transport, &s2, NULL, NULL, NULL, &s2);
    aws_s3_request h = {.method = "HEAD", .bucket = "my-bucket"};
    ck_assert_int_eq(aws_s3_call(c, &h, &out, &err), -1);
    ck_assert_str_eq(err.code, "NotFound");
    script s3 = {.status = {301}, .body = {NULL}, .region_header = "ap-south-1", .n = 1};
    aws_client_set_hooks(c, scripted_transport, &s3, NULL, NULL, NULL, &s3);
    ck_assert_int_eq(aws_s3_call(c, &h, &out, &err), -1);
    ck_assert_str_eq(err.code, "PermanentRedirect");
    ck_assert_ptr_nonnull(strstr(err.message, "(the bucket is in ap-south-1)"));
    aws_client_free(c);
}
END_TEST

/* Answers read by the operation's output in its model, not by Content-Type (issue 16). */
START_TEST(answers_read_by_output_shape)
{
    cJSON *out;
    aws_error err;
    /* no output members: whatever the body, the call succeeded */
    script s = {.status = {200}, .body = {"<html>a proxy's page</html>"}, .ctype = "text/html",
                .n = 1};
    aws_client *c = scripted_client(&s);
    ck_assert_msg(aws_json_call(c, "logs", "PutRetentionPolicy", NULL, &out, &err) == 0, "%s",
                  err.message);
    ck_assert_int_eq(cJSON_GetArraySize(out), 0);
    cJSON_Delete(out);
    ck_assert_msg(aws_query_call(c, "iam", "DeleteRole", NULL, NULL, NULL, &out, &err) == 0,
                  "%s", err.message);
    cJSON_Delete(out);
    aws_s3_request del = {.method = "DELETE", .operation = "DeleteBucketPolicy",
                          .bucket = "my-bucket", .query = "policy"};
    ck_assert_msg(aws_s3_call(c, &del, &out, &err) == 0, "%s", err.message);
    cJSON_Delete(out);
    /* the same for the services that came later: rest-xml (Route 53), rest-json (EFS), query
     * (RDS, ElastiCache), awsJson (SSM, ACM, Application Auto Scaling) */
    aws_rest_request tags = {.service = "route53", .operation = "ChangeTagsForResource",
                             .method = "POST", .path = "/2013-04-01/tags/hostedzone/Z1"};
    ck_assert_msg(aws_rest_xml_call(c, &tags, NULL, &out, &err) == 0, "%s", err.message);
    cJSON_Delete(out);
    static const aws_rest_op delete_fs = {"DeleteFileSystem", "DELETE",
                                          "/2015-02-01/file-systems/{FileSystemId}", NULL};
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "FileSystemId", "fs-1");
    ck_assert_msg(aws_rest_json_call(c, "efs", &delete_fs, in, NULL, &out, &err) == 0, "%s",
                  err.message);
    cJSON_Delete(in);
    cJSON_Delete(out);
    ck_assert_msg(aws_query_call(c, "rds", "DeleteDBSubnetGroup", NULL, NULL, NULL, &out, &err)
                  == 0, "%s", err.message);
    cJSON_Delete(out);
    ck_assert_msg(aws_query_call(c, "elasticache", "DeleteCacheSubnetGroup", NULL, NULL, NULL,
                                 &out, &err) == 0, "%s", err.message);
    cJSON_Delete(out);
    const char *json_none[][2] = {{"ssm", "DeleteParameter"}, {"acm", "DeleteCertificate"},
                                  {"application-autoscaling", "DeregisterScalableTarget"}};
    for (size_t i = 0; i < 3; i++) {
        ck_assert_msg(aws_json_call(c, json_none[i][0], json_none[i][1], NULL, &out, &err) == 0,
                      "%s %s: %s", json_none[i][0], json_none[i][1], err.message);
        cJSON_Delete(out);
    }
    /* a structure output still refuses a body it cannot read (the page is well-formed XML,
     * so only the JSON protocols can tell) */
    static const aws_rest_op describe_fs = {"DescribeFileSystems", "GET",
                                            "/2015-02-01/file-systems", NULL};
    ck_assert_int_eq(aws_rest_json_call(c, "efs", &describe_fs, NULL, NULL, &out, &err), -1);
    ck_assert_str_eq(err.code, "InvalidResponse");
    ck_assert_int_eq(aws_json_call(c, "ecs", "ListClusters", NULL, &out, &err), -1);
    ck_assert_str_eq(err.code, "InvalidResponse");
    aws_client_free(c);

    /* a payload: the body is the value, whatever type the server declares */
    const char *policy = "{\"Version\":\"2012-10-17\",\"Statement\":[]}";
    const char *types[] = {"application/xml", "text/xml", "application/json", NULL};
    for (int i = 0; i < 4; i++) {
        script p = {.status = {200}, .body = {policy}, .ctype = types[i], .n = 1};
        c = scripted_client(&p);
        aws_s3_request get = {.method = "GET", .operation = "GetBucketPolicy",
                              .bucket = "my-bucket", .query = "policy"};
        ck_assert_msg(aws_s3_call(c, &get, &out, &err) == 0, "%s: %s", types[i], err.message);
        ck_assert_str_eq(aws_json_str(out, "Body"), policy);
        cJSON_Delete(out);
        aws_client_free(c);
    }
    script o = {.status = {200}, .body = {"<note>text that looks like XML</note>"},
                .ctype = "application/xml", .n = 1};
    c = scripted_client(&o);
    aws_s3_request obj = {.method = "GET", .operation = "GetObject", .bucket = "my-bucket",
                          .key = "k"};
    ck_assert_int_eq(aws_s3_call(c, &obj, &out, &err), 0);
    ck_assert_str_eq(aws_json_str(out, "Body"), "<note>text that looks like XML</note>");
    cJSON_Delete(out);
    aws_client_free(c);

    /* a structure with no Content-Type at all is still XML to S3 */
    script v = {.status = {200}, .body = {"<VersioningConfiguration><Status>Enabled</Status>"
                                          "</VersioningConfiguration>"}, .n = 1};
    c = scripted_client(&v);
    aws_s3_request ver = {.method = "GET", .operation = "GetBucketVersioning",
                          .bucket = "my-bucket", .query = "versioning"};
    ck_assert_int_eq(aws_s3_call(c, &ver, &out, &err), 0);
    ck_assert_str_eq(aws_json_str(out, "Status"), "Enabled");
    cJSON_Delete(out);
    aws_client_free(c);

    /* a query error inside <ErrorResponse><Errors><Error> keeps its code */
    script e = {.status = {403}, .body = {"<ErrorResponse><Errors><Error><Type>Sender</Type>"
                                          "<Code>AccessDenied</Code><Message>not you</Message>"
                                          "</Error></Errors><RequestId>r9</RequestId>"
                                          "</ErrorResponse>"}, .ctype = "text/xml", .n = 1};
    c = scripted_client(&e);
    ck_assert_int_eq(aws_query_call(c, "iam", "GetRole", NULL, NULL, NULL, &out, &err), -1);
    ck_assert_str_eq(err.code, "AccessDenied");
    ck_assert_str_eq(err.message, "not you");
    aws_client_free(c);
}
END_TEST

START_TEST(debug_log_redacts)
{
    const char *sv = "{\"ARN\":\"a\",\"SecretString\":\"hunter2-very-secret\"}";
    script s = {.status = {200}, .body = {sv}, .n = 1};
    char *log = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&log, &len);
    setenv("AWS_SESSION_TOKEN", "session-token-secret", 1);
    aws_client *c = scripted_client(&s);
    c->debug = 1;
    c->debug_out = f;
    cJSON *out;
    aws_error err;
    ck_assert_int_eq(aws_json_call(c, "secretsmanager", "GetSecretValue", NULL, &out, &err), 0);
    fclose(f);
    ck_assert_ptr_null(strstr(log, "hunter2"));
    ck_assert_ptr_null(strstr(log, "session-token-secret"));
    ck_assert_ptr_null(strstr(log, "Signature="));
    ck_assert_ptr_nonnull(strstr(log, "secretsmanager.GetSecretValue"));
    ck_assert_str_eq(aws_json_str(out, "SecretString"), "hunter2-very-secret");
    free(log);
    cJSON_Delete(out);
    aws_client_free(c);
}
END_TEST

/* One page of S3 ListObjectVersions for aws_paginate: markers from input to the query. */
static int s3_page(void *ctx, const cJSON *input, cJSON **output, aws_error *err)
{
    static const char *const lists[] = {"Version", NULL};
    char q[256] = "versions";
    const char *names[] = {"key-marker", "version-id-marker"};
    for (int i = 0; i < 2; i++)
        if (aws_json_str(input, names[i]))
            snprintf(q + strlen(q), sizeof q - strlen(q), "&%s=%s", names[i],
                     aws_json_str(input, names[i]));
    aws_s3_request r = {.method = "GET", .bucket = "b-1", .query = q, .lists = lists};
    return aws_s3_call(ctx, &r, output, err);
}

START_TEST(pagination)
{
    script s = {.status = {200, 200, 200},
                .body = {"{\"clusterArns\":[\"a\",\"b\"],\"nextToken\":\"t1\"}",
                         "{\"clusterArns\":[\"c\"],\"nextToken\":\"t2\"}", "{\"clusterArns\":[]}"},
                .n = 3};
    aws_client *c = scripted_client(&s);
    cJSON *items;
    aws_error err;
    aws_page_spec spec = {.in_token = "nextToken", .out_token = "nextToken",
                          .items = "clusterArns"};
    ck_assert_int_eq(aws_json_paginate(c, "ecs", "ListClusters", NULL, &spec, &items, &err), 0);
    ck_assert_int_eq(cJSON_GetArraySize(items), 3);
    ck_assert_str_eq(s.last_body, "{\"nextToken\":\"t2\"}");
    cJSON_Delete(items);
    script loop = {.status = {200}, .body = {"{\"clusterArns\":[\"a\"],\"nextToken\":\"same\"}"},
                   .n = 1};
    aws_client_set_hooks(c, scripted_transport, &loop, NULL, NULL, NULL, &loop);
    ck_assert_int_eq(aws_json_paginate(c, "ecs", "ListClusters", NULL, &spec, &items, &err), -1);
    ck_assert_str_eq(err.code, "PaginationLoop");
    const char *iam = "<ListRolesResponse><ListRolesResult><Roles><member><RoleName>r</RoleName>"
                      "</member></Roles><IsTruncated>false</IsTruncated><Marker>m</Marker>"
                      "</ListRolesResult></ListRolesResponse>";
    script q = {.status = {200}, .body = {iam}, .n = 1};
    aws_client_set_hooks(c, scripted_transport, &q, NULL, NULL, NULL, &q);
    aws_page_spec ispec = {.in_token = "Marker", .out_token = "Marker",
                           .truncated = "IsTruncated", .items = "Roles"};
    ck_assert_int_eq(aws_query_paginate(c, "iam", "ListRoles", NULL, NULL, &ispec, &items, &err),
                     0);
    ck_assert_int_eq(q.calls, 1);
    ck_assert_int_eq(cJSON_GetArraySize(items), 1);
    cJSON_Delete(items);

    /* S3 style: two markers, IsTruncated decides, flattened items. */
    script v = {.status = {200, 200},
                .body = {"<ListVersionsResult><IsTruncated>true</IsTruncated><NextKeyMarker>k2"
                         "</NextKeyMarker><NextVersionIdMarker>v2</NextVersionIdMarker><Version>"
                         "<Key>k1</Key></Version></ListVersionsResult>",
                         "<ListVersionsResult><IsTruncated>false</IsTruncated><NextKeyMarker>x"
                         "</NextKeyMarker><Version><Key>k2</Key></Version><Version><Key>k3</Key>"
                         "</Version></ListVersionsResult>"},
                .n = 2};
    aws_client_set_hooks(c, scripted_transport, &v, NULL, NULL, NULL, &v);
    aws_page_spec vspec = {.in_token = "key-marker", .out_token = "NextKeyMarker",
                           .in_token2 = "version-id-marker", .out_token2 = "NextVersionIdMarker",
                           .truncated = "IsTruncated", .items = "Version"};
    ck_assert_int_eq(aws_paginate(s3_page, c, NULL, &vspec, &items, &err), 0);
    ck_assert_int_eq(v.calls, 2);
    ck_assert_int_eq(cJSON_GetArraySize(items), 3);
    ck_assert_str_eq(v.last_url, "https://b-1.s3.eu-west-1.amazonaws.com/?versions&"
                                 "key-marker=k2&version-id-marker=v2");
    cJSON_Delete(items);
    aws_client_free(c);
}
END_TEST

START_TEST(credentials_refresh_before_expiry)
{
    script s = {.status = {200}, .body = {ECS_OK}, .n = 1};
    aws_client *c = scripted_client(&s);
    setenv("AWS_CREDENTIAL_EXPIRATION", "2023-11-14T22:16:40Z", 1); /* now + 200 s */
    setenv("AWS_SESSION_TOKEN", "tok1", 1);
    aws_credentials cr;
    aws_error err;
    ck_assert_int_eq(aws_client_credentials(c, &cr, &err), 0);
    ck_assert_str_eq(cr.session_token, "tok1");
    ck_assert_int_eq((long)cr.expiration, 1700000200);
    aws_credentials_free(&cr);
    /* Inside the five-minute window every use tries a refresh: new ones are picked up. */
    setenv("AWS_SESSION_TOKEN", "tok2", 1);
    ck_assert_int_eq(aws_client_credentials(c, &cr, &err), 0);
    ck_assert_str_eq(cr.session_token, "tok2");
    aws_credentials_free(&cr);
    /* A failed refresh keeps the old ones while they last... */
    unsetenv("AWS_ACCESS_KEY_ID");
    unsetenv("AWS_SECRET_ACCESS_KEY");
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    ck_assert_int_eq(aws_client_credentials(c, &cr, &err), 0);
    ck_assert_str_eq(cr.session_token, "tok2");
    aws_credentials_free(&cr);
    /* ...and not after they expired. */
    s.now = 1700000300;
    ck_assert_int_eq(aws_client_credentials(c, &cr, &err), -1);
    ck_assert_str_eq(err.code, "NoCredentials");
    aws_client_free(c);
}
END_TEST

START_TEST(long_lived_credentials_resolved_once)
{
    script s = {.status = {200}, .body = {ECS_OK}, .n = 1};
    aws_client *c = scripted_client(&s);
    aws_credentials cr;
    aws_error err;
    ck_assert_int_eq(aws_client_credentials(c, &cr, &err), 0);
    aws_credentials_free(&cr);
    setenv("AWS_ACCESS_KEY_ID", "OTHER", 1);
    ck_assert_int_eq(aws_client_credentials(c, &cr, &err), 0);
    ck_assert_str_eq(cr.access_key_id, "AKIDEXAMPLE"); /* cached for the run */
    ck_assert_int_eq((long)cr.expiration, 0);
    aws_credentials_free(&cr);
    aws_client_free(c);
}
END_TEST

START_TEST(provider_failure_not_retried_twice)
{
    const char *thr = "<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded"
                      "</Message></Error><RequestId>t</RequestId></ErrorResponse>";
    script s = {.status = {400}, .body = {thr}, .n = 1};
    char path[] = "/tmp/aws-client-cfg-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    const char *cfg = "[profile deploy]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = base\n"
                      "[profile base]\naws_access_key_id = AK\naws_secret_access_key = SK\n";
    ck_assert_int_eq(write(fd, cfg, strlen(cfg)), (int)strlen(cfg));
    close(fd);
    aws_client *c = scripted_client(&s);
    aws_client_free(c);
    setenv("AWS_CONFIG_FILE", path, 1);
    aws_client_options o = {.profile = "deploy"};
    aws_error err;
    ck_assert_int_eq(aws_client_new(&o, &c, &err), 0);
    scripted_hooks(c, &s);
    cJSON *out;
    ck_assert_int_eq(aws_json_call(c, "ecs", "ListClusters", NULL, &out, &err), -1);
    ck_assert_int_eq(err.kind, AWS_ERR_CREDENTIALS);
    ck_assert_str_eq(err.code, "Throttling");
    ck_assert_ptr_nonnull(strstr(err.message, "assuming role arn:aws:iam::1:role/r"));
    ck_assert_int_eq(s.calls, 10); /* AssumeRole's own attempts, nothing more */
    ck_assert_ptr_nonnull(strstr(s.last_body, "Action=AssumeRole"));
    aws_client_free(c);
    unlink(path);
}
END_TEST

START_TEST(endpoint_with_a_base_path)
{
    script s = {.status = {200, 200}, .body = {ECS_OK, "<R/>"}, .n = 2};
    aws_client *c = scripted_client(&s);
    aws_client_free(c);
    aws_client_options o = {.endpoint_url = "http://127.0.0.1:9/base/"};
    aws_error err;
    ck_assert_int_eq(aws_client_new(&o, &c, &err), 0);
    scripted_hooks(c, &s);
    cJSON *out;
    ck_assert_int_eq(aws_json_call(c, "ecs", "ListClusters", NULL, &out, &err), 0);
    ck_assert_str_eq(s.last_url, "http://127.0.0.1:9/base/");
    cJSON_Delete(out);
    aws_s3_request r = {.method = "GET", .bucket = "b-1", .key = "k", .query = "x=1"};
    ck_assert_int_eq(aws_s3_call(c, &r, &out, &err), 0);
    ck_assert_str_eq(s.last_url, "http://127.0.0.1:9/base/b-1/k?x=1");
    cJSON_Delete(out);
    aws_client_free(c);
}
END_TEST

/* A client of another region: made once, owned by the first, signing for its region
 * through the same transport. */
START_TEST(client_of_another_region)
{
    script s = {.status = {200, 200}, .body = {ECS_OK, ECS_OK}, .n = 2};
    aws_client *c = scripted_client(&s);
    aws_error err;
    ck_assert_ptr_eq(aws_client_in_region(c, "eu-west-1", &err), c);
    ck_assert_ptr_eq(aws_client_in_region(c, NULL, &err), c);
    aws_client *us = aws_client_in_region(c, "us-east-1", &err);
    ck_assert_ptr_nonnull(us);
    ck_assert_ptr_ne(us, c);
    ck_assert_str_eq(aws_client_region(us), "us-east-1");
    ck_assert_ptr_eq(aws_client_in_region(c, "us-east-1", &err), us);
    cJSON *out;
    ck_assert_int_eq(aws_json_call(us, "ecs", "DescribeClusters", NULL, &out, &err), 0);
    ck_assert_str_eq(s.last_url, "https://ecs.us-east-1.amazonaws.com/");
    ck_assert_ptr_nonnull(strstr(s.last_auth, "/us-east-1/ecs/aws4_request"));
    cJSON_Delete(out);
    aws_client_free(c); /* and us with it */
}
END_TEST

UNIT_SUITE(aws_client, 0, json_call_signed_and_decoded, transient_errors_retried_with_backoff,
           attempts_are_bounded, silent_endpoint_meets_the_deadline, unreachable_host_remembered,
           unreachable_endpoint_fails_fast, client_errors_not_retried, quota_stops_a_storm,
           clock_skew_corrected, query_and_ec2_decoded, s3_call_with_md5_and_headers,
           debug_log_redacts, answers_read_by_output_shape, pagination,
           credentials_refresh_before_expiry, long_lived_credentials_resolved_once,
           provider_failure_not_retried_twice, endpoint_with_a_base_path, client_of_another_region)
