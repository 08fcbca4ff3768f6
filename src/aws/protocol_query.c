/* The query protocol (IAM, STS, ELBv2) and EC2's variant: form bodies, XML answers. */
#include "aws_internal.h"

#include <stdlib.h>
#include <string.h>

#include "aws_form.h"
#include "aws_xml.h"

typedef struct {
    const aws_credentials *creds;
    int unsigned_request;
    const aws_lost_answer *guard;
} query_opts;

static int query_common(aws_client *c, const char *service, const char *action,
                        const cJSON *input, const char *const *maps, const char *const *lists,
                        const query_opts *o, cJSON **output, aws_error *err)
{
    *output = NULL;
    const aws_service_info *svc = aws_service_lookup(service);
    if (!svc || (svc->protocol != AWS_PROTO_QUERY && svc->protocol != AWS_PROTO_EC2)) {
        aws_error_set(err, AWS_ERR_INPUT, "UnknownService", "%s is not a query service",
                      service);
        return -1;
    }
    char *body = aws_form_encode(svc->protocol, action, svc->api_version, input, maps, err);
    if (!body)
        return -1;
    aws_http_header h = {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"};
    aws_wire_request r = {.service = service, .method = "POST", .headers = &h, .nheaders = 1,
                          .body = body, .body_len = strlen(body), .proto = svc->protocol,
                          .creds = o->creds, .unsigned_request = o->unsigned_request,
                          .operation = action};
    aws_http_response resp;
    cJSON *found;
    int rc = aws_client_send_guarded(c, &r, o->guard, &resp, &found, err);
    aws_wipe_string_free(body);
    if (rc == 1)
        *output = found;
    if (rc != 0)
        return rc > 0 ? 0 : -1;
    rc = aws_decode_xml(svc->protocol, service, action, lists, &resp, output, err);
    aws_http_response_free(&resp);
    return rc;
}

int aws_query_call(aws_client *c, const char *service, const char *action, const cJSON *input,
                   const char *const *maps, const char *const *lists, cJSON **output,
                   aws_error *err)
{
    query_opts o = {NULL, 0, NULL};
    return query_common(c, service, action, input, maps, lists, &o, output, err);
}

int aws_query_call_guarded(aws_client *c, const char *service, const char *action,
                           const cJSON *input, const char *const *maps, const char *const *lists,
                           const aws_lost_answer *guard, cJSON **output, aws_error *err)
{
    query_opts o = {NULL, 0, guard};
    return query_common(c, service, action, input, maps, lists, &o, output, err);
}

int aws_query_call_as(aws_client *c, const char *service, const char *action,
                      const cJSON *input, const aws_credentials *creds, int unsigned_request,
                      cJSON **output, aws_error *err)
{
    query_opts o = {creds, unsigned_request, NULL};
    return query_common(c, service, action, input, NULL, NULL, &o, output, err);
}

int aws_ec2_call(aws_client *c, const char *action, const cJSON *input, const char *const *lists,
                 cJSON **output, aws_error *err)
{
    query_opts o = {NULL, 0, NULL};
    return query_common(c, "ec2", action, input, NULL, lists, &o, output, err);
}

int aws_ec2_call_guarded(aws_client *c, const char *action, const cJSON *input,
                         const char *const *lists, const aws_lost_answer *guard, cJSON **output,
                         aws_error *err)
{
    query_opts o = {NULL, 0, guard};
    return query_common(c, "ec2", action, input, NULL, lists, &o, output, err);
}
