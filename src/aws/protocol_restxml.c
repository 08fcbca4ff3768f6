/* rest-xml: S3 (addressing, Content-MD5) and the other services that speak it (Route 53,
 * CloudFront: a path, a query, an XML document); answers read by decode.c, by the
 * operation's output shape, with their response headers. */
#include "aws_internal.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "xalloc.h"

static void content_md5(const char *body, size_t len, char out[32])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_Digest(body ? body : "", len, md, &n, EVP_md5(), NULL);
    EVP_EncodeBlock((unsigned char *)out, md, (int)n);
}

int aws_s3_call(aws_client *c, const aws_s3_request *req, cJSON **output, aws_error *err)
{
    *output = NULL;
    aws_http_header h[5];
    size_t nh = 0;
    char md5[32];
    if (req->body_len || req->content_type)
        h[nh++] = (aws_http_header){"Content-Type",
                                    (char *)(req->content_type ? req->content_type
                                                               : "application/xml")};
    if (req->content_md5) {
        content_md5(req->body, req->body_len, md5);
        h[nh++] = (aws_http_header){"Content-MD5", md5};
    }
    if (req->if_match)
        h[nh++] = (aws_http_header){"If-Match", (char *)req->if_match};
    if (req->if_none_match)
        h[nh++] = (aws_http_header){"If-None-Match", (char *)req->if_none_match};
    if (req->expected_owner)
        h[nh++] = (aws_http_header){"x-amz-expected-bucket-owner", (char *)req->expected_owner};
    aws_wire_request r = {.service = "s3", .method = req->method, .query = req->query,
                          .headers = h, .nheaders = nh, .body = req->body,
                          .body_len = req->body_len, .proto = AWS_PROTO_RESTXML, .s3 = 1,
                          .bucket = req->bucket, .key = req->key, .operation = req->operation};
    aws_http_response resp;
    if (aws_client_send(c, &r, &resp, err) != 0)
        return -1;
    int rc = aws_decode_restxml("s3", req->operation, req->lists, &resp, output, err);
    aws_http_response_free(&resp);
    return rc;
}

int aws_rest_xml_call(aws_client *c, const aws_rest_request *req, const aws_lost_answer *guard,
                      cJSON **output, aws_error *err)
{
    *output = NULL;
    const aws_service_info *svc = aws_service_lookup(req->service);
    if (!svc || svc->protocol != AWS_PROTO_RESTXML || strcmp(req->service, "s3") == 0) {
        aws_error_set(err, AWS_ERR_INPUT, "UnknownService",
                      "%s is not a rest-xml service other than S3 (aws_s3_call)", req->service);
        return -1;
    }
    aws_http_header h[2];
    size_t nh = 0;
    if (req->body_len)
        h[nh++] = (aws_http_header){"Content-Type", "application/xml"};
    if (req->if_match)
        h[nh++] = (aws_http_header){"If-Match", (char *)req->if_match};
    aws_wire_request r = {.service = req->service, .method = req->method, .path = req->path,
                          .query = req->query, .headers = h, .nheaders = nh, .body = req->body,
                          .body_len = req->body_len, .proto = AWS_PROTO_RESTXML,
                          .operation = req->operation};
    aws_http_response resp;
    cJSON *found;
    int rc = aws_client_send_guarded(c, &r, guard, &resp, &found, err);
    if (rc == 1)
        *output = found;
    if (rc != 0)
        return rc > 0 ? 0 : -1;
    rc = aws_decode_restxml(req->service, req->operation, req->lists, &resp, output, err);
    aws_http_response_free(&resp);
    return rc;
}
