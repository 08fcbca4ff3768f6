/*
 * Fuzz target for reading whole answers as calls read them (src/aws/decode.c): an HTTP
 * status, a Content-Type and a body go through the awsJson, query, ec2 and rest-xml
 * decoders, for operations of each output kind (a structure, no members, a text and a
 * blob payload), and through the error reader of every protocol.
 * The first input byte picks the status class, the Content-Type and the operations; the
 * rest is the body. Properties checked (abort on failure, which the fuzzer reports):
 *   - a decode returns 0 with a JSON object that prints, or -1 with a parse error that
 *     names the operation and no output;
 *   - an operation without output members always succeeds, whatever the body;
 *   - a payload comes back as "Body", whatever the body;
 *   - an error read from any body has a code and a message without control characters.
 * libFuzzer entry point when built with -DAWS_FUZZ_LIBFUZZER (tests/fuzz/run.sh); a
 * bounded random run inside `make check` calls aws_fuzz_response_one
 * (tests/unit/test_aws_fuzz.c).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/aws/aws_internal.h"

static void response_fail(int line)
{
    fprintf(stderr, "fuzz_aws_response.c:%d: property failed\n", line);
    abort();
}
#define response_check(cond) ((cond) ? (void)0 : response_fail(__LINE__))

static void check_decoded(int rc, cJSON *out, const aws_error *err, const char *op)
{
    if (rc == 0) {
        response_check(cJSON_IsObject(out));
        char *p = cJSON_PrintUnformatted(out);
        response_check(p != NULL);
        free(p);
        cJSON_Delete(out);
    } else {
        response_check(out == NULL && err->kind == AWS_ERR_PARSE);
        response_check(strstr(err->message, op) != NULL);
    }
}

static int clean_text(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
            return 0;
    return 1;
}

static int aws_fuzz_response_one(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    static const char *const types[] = {NULL, "application/xml", "text/xml",
                                        "application/x-amz-json-1.1", "application/json",
                                        "text/html", "text/plain", ""};
    static const char *const lists[] = {"Contents", "TagSet/Tag", "Rule", "item", NULL};
    uint8_t sel = data[0];
    aws_http_response resp;
    memset(&resp, 0, sizeof resp);
    resp.status = 200;
    buf_append(&resp.body, data + 1, size - 1);
    if (types[sel & 7])
        aws_http_header_add(&resp.headers, &resp.nheaders, "Content-Type", types[sel & 7]);
    aws_http_header_add(&resp.headers, &resp.nheaders, "x-amzn-RequestId", "fuzz");

    /* structures, and operations without members (which never fail) */
    cJSON *out = NULL;
    aws_error err;
    aws_error_clear(&err);
    int rc = aws_decode_json("ecs", "DescribeServices", &resp, &out, &err);
    check_decoded(rc, out, &err, "DescribeServices");
    response_check(aws_decode_json("logs", "PutRetentionPolicy", &resp, &out, &err) == 0);
    cJSON_Delete(out);
    rc = aws_decode_xml(AWS_PROTO_QUERY, "iam", "GetRole", lists, &resp, &out, &err);
    check_decoded(rc, out, &err, "GetRole");
    response_check(aws_decode_xml(AWS_PROTO_QUERY, "iam", "DeleteRole", lists, &resp, &out,
                                  &err) == 0);
    cJSON_Delete(out);
    rc = aws_decode_xml(AWS_PROTO_EC2, "ec2", "DescribeVpcs", lists, &resp, &out, &err);
    check_decoded(rc, out, &err, "DescribeVpcs");
    const char *list_op = (sel & 8) ? "ListObjectsV2" : NULL;
    rc = aws_decode_restxml("s3", list_op, lists, &resp, &out, &err);
    check_decoded(rc, out, &err, list_op ? list_op : "");
    response_check(aws_decode_restxml("s3", "DeleteBucketPolicy", NULL, &resp, &out, &err) == 0);
    response_check(cJSON_IsObject(cJSON_GetObjectItem(out, "Headers")));
    cJSON_Delete(out);
    /* the rest-xml services other than S3 (Route 53, CloudFront) read the same way */
    rc = aws_decode_restxml("route53", "ListHostedZonesByName", lists, &resp, &out, &err);
    check_decoded(rc, out, &err, "ListHostedZonesByName");
    response_check(aws_decode_restxml("route53", "ChangeTagsForResource", NULL, &resp, &out,
                                      &err) == 0);
    cJSON_Delete(out);
    /* payloads: the body, whatever it is */
    const char *payload_op = (sel & 16) ? "GetObject" : "GetBucketPolicy";
    response_check(aws_decode_restxml("s3", payload_op, NULL, &resp, &out, &err) == 0);
    response_check(cJSON_IsString(cJSON_GetObjectItem(out, "Body")));
    cJSON_Delete(out);

    /* the same bytes as an error answer of every protocol */
    long statuses[] = {400, 403, 404, 409, 412, 429, 500, 503};
    for (int proto = AWS_PROTO_JSON; proto <= AWS_PROTO_RESTXML; proto++) {
        aws_error e;
        aws_error_from_response(&e, (aws_protocol)proto, statuses[(sel >> 5) & 7],
                                resp.body.data, resp.body.len,
                                (sel & 1) ? "Fuzz\x1b[2J:http://x" : NULL, "rid");
        response_check(e.kind == AWS_ERR_SERVICE && e.code[0] && e.message[0]);
        response_check(clean_text(e.code) && clean_text(e.message) && clean_text(e.request_id));
    }
    aws_http_response_free(&resp);
    return 0;
}

#ifdef AWS_FUZZ_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return aws_fuzz_response_one(data, size);
}
#endif
