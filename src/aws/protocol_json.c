/* awsJson1.1: ECS, Secrets Manager, Cloud Map, CloudWatch Logs, KMS, SSM. */
#include "aws_internal.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

int aws_json_call(aws_client *c, const char *service, const char *operation, const cJSON *input,
                  cJSON **output, aws_error *err)
{
    return aws_json_call_guarded(c, service, operation, input, NULL, output, err);
}

int aws_json_call_guarded(aws_client *c, const char *service, const char *operation,
                          const cJSON *input, const aws_lost_answer *guard, cJSON **output,
                          aws_error *err)
{
    *output = NULL;
    const aws_service_info *svc = aws_service_lookup(service);
    if (!svc || svc->protocol != AWS_PROTO_JSON || !svc->json_prefix) {
        aws_error_set(err, AWS_ERR_INPUT, "UnknownService", "%s is not an awsJson service",
                      service);
        return -1;
    }
    if (input && !cJSON_IsObject(input)) {
        aws_error_set(err, AWS_ERR_INPUT, "InvalidInput", "the input of %s must be an object",
                      operation);
        return -1;
    }
    char *body = input ? cJSON_PrintUnformatted(input) : xstrdup("{}");
    char *target = xasprintf("%s.%s", svc->json_prefix, operation);
    aws_http_header h[2] = {{"Content-Type", "application/x-amz-json-1.1"},
                            {"X-Amz-Target", target}};
    aws_wire_request r = {.service = service, .method = "POST", .headers = h, .nheaders = 2,
                          .body = body, .body_len = strlen(body), .proto = AWS_PROTO_JSON,
                          .operation = operation};
    aws_http_response resp;
    cJSON *found;
    int rc = aws_client_send_guarded(c, &r, guard, &resp, &found, err);
    aws_wipe_string_free(body); /* PutSecretValue, GenerateDataKey answers' inputs */
    free(target);
    if (rc == 1)
        *output = found;
    if (rc != 0)
        return rc > 0 ? 0 : -1;
    rc = aws_decode_json(service, operation, &resp, output, err);
    if (rc != 0) {
        const char *rid = aws_http_response_header(&resp, "x-amzn-RequestId");
        snprintf(err->request_id, sizeof err->request_id, "%s", rid ? rid : "");
    }
    aws_http_response_free(&resp);
    return rc;
}
