/* rest-xml: S3 (addressing, Content-MD5) and the other services that speak it (Route 53,
 * CloudFront: a path, a query, an XML document); XML answers with their response headers. */
#include "aws_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "aws_xml.h"
#include "xalloc.h"

static void content_md5(const char *body, size_t len, char out[32])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_Digest(body ? body : "", len, md, &n, EVP_md5(), NULL);
    EVP_EncodeBlock((unsigned char *)out, md, (int)n);
}

static cJSON *headers_object(const aws_http_response *resp)
{
    cJSON *h = cJSON_CreateObject();
    for (size_t i = 0; i < resp->nheaders; i++) {
        char *name = xstrdup(resp->headers[i].name);
        for (char *p = name; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        cJSON_DeleteItemFromObjectCaseSensitive(h, name);
        cJSON_AddStringToObject(h, name, resp->headers[i].value);
        free(name);
    }
    return h;
}

/* The answer of a rest-xml call as *output (see aws_s3_call in aws.h). */
static int read_answer(const aws_http_response *resp, const char *const *lists, const char *what,
                       cJSON **output, aws_error *err)
{
    cJSON *out = NULL;
    char msg[200];
    int rc = 0;
    const char *ct = aws_http_response_header(resp, "Content-Type");
    /* Without a Content-Type, XML is recognised by its first character (GetBucketPolicy
     * answers JSON with none). */
    size_t lead = 0;
    while (lead < resp->body.len && isspace((unsigned char)resp->body.data[lead]))
        lead++;
    int xml = resp->body.len &&
              (ct ? strstr(ct, "xml") != NULL : lead < resp->body.len && resp->body.data[lead] == '<');
    if (xml)
        rc = aws_xml_to_json(resp->body.data, resp->body.len, AWS_XML_REST, lists, &out, NULL, 0,
                             msg, sizeof msg);
    else
        out = cJSON_CreateObject();
    /* Bodies that are not XML (GetBucketPolicy's JSON, GetObject's bytes) as "Body":
     * text up to the first NUL. */
    if (rc == 0 && !xml && resp->body.len) {
        char *text = xstrndup(resp->body.data, resp->body.len);
        cJSON_AddStringToObject(out, "Body", text);
        free(text);
    }
    if (rc != 0) {
        aws_error_set(err, AWS_ERR_PARSE, "InvalidResponse", "%s: %s", what, msg);
        err->http_status = resp->status;
        return -1;
    }
    cJSON_AddItemToObject(out, "Headers", headers_object(resp));
    *output = out;
    return 0;
}

int aws_s3_call(aws_client *c, const aws_s3_request *req, cJSON **output, aws_error *err)
{
    *output = NULL;
    aws_http_header h[2];
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
    aws_wire_request r = {.service = "s3", .method = req->method, .query = req->query,
                          .headers = h, .nheaders = nh, .body = req->body,
                          .body_len = req->body_len, .proto = AWS_PROTO_RESTXML, .s3 = 1,
                          .bucket = req->bucket, .key = req->key};
    aws_http_response resp;
    if (aws_client_send(c, &r, &resp, err) != 0)
        return -1;
    char what[32];
    snprintf(what, sizeof what, "S3 %s", req->method);
    int rc = read_answer(&resp, req->lists, what, output, err);
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
    char what[96];
    snprintf(what, sizeof what, "%s %s", req->service, req->operation);
    rc = read_answer(&resp, req->lists, what, output, err);
    aws_http_response_free(&resp);
    return rc;
}
