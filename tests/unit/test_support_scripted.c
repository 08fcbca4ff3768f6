/* The scripted transport for the tests of src/aws (see scripted_client.h). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "scripted_client.h"

int scripted_transport(void *ctx, const aws_http_request *req, aws_http_response *resp,
                       aws_error *err)
{
    script *s = ctx;
    memset(resp, 0, sizeof *resp);
    int i = s->next < s->n ? s->next++ : s->n - 1;
    s->no_resend[s->calls < 8 ? s->calls : 7] = req->no_resend;
    s->calls++;
    snprintf(s->last_url, sizeof s->last_url, "%s", req->url);
    snprintf(s->last_body, sizeof s->last_body, "%.*s", (int)req->body_len,
             req->body ? req->body : "");
    for (size_t h = 0; h < req->nheaders; h++) {
        if (strcmp(req->headers[h].name, "Authorization") == 0)
            snprintf(s->last_auth, sizeof s->last_auth, "%s", req->headers[h].value);
        if (strcmp(req->headers[h].name, "X-Amz-Target") == 0)
            snprintf(s->last_target, sizeof s->last_target, "%s", req->headers[h].value);
    }
    if (s->status[i] == -1) {
        aws_error_set(err, AWS_ERR_NETWORK, AWS_CONNECT_FAILED, "connection refused");
        return -1;
    }
    if (s->status[i] == 0) {
        aws_error_set(err, AWS_ERR_NETWORK, "ConnectionError", "closed without an answer");
        return -1;
    }
    resp->status = s->status[i];
    if (s->body[i])
        buf_puts(&resp->body, s->body[i]);
    aws_http_header_add(&resp->headers, &resp->nheaders, "x-amzn-RequestId", "rid");
    if (s->date[i])
        aws_http_header_add(&resp->headers, &resp->nheaders, "Date", s->date[i]);
    if (s->region_header)
        aws_http_header_add(&resp->headers, &resp->nheaders, "x-amz-bucket-region",
                            s->region_header);
    if (s->ctype)
        aws_http_header_add(&resp->headers, &resp->nheaders, "Content-Type", s->ctype);
    return 0;
}

static double half(void *ctx)
{
    (void)ctx;
    return 0.5;
}

static void record_sleep(double sec, void *ctx)
{
    script *s = ctx;
    if (s->nsleeps < 8)
        s->sleeps[s->nsleeps++] = sec;
}

static time_t scripted_now(void *ctx)
{
    return ((script *)ctx)->now;
}

void scripted_hooks(aws_client *c, script *s)
{
    aws_client_set_hooks(c, scripted_transport, s, half, record_sleep, scripted_now, s);
}

aws_client *scripted_client(script *s)
{
    setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "secret", 1);
    setenv("AWS_REGION", "eu-west-1", 1);
    setenv("AWS_CONFIG_FILE", "/nonexistent/config", 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials", 1);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1); /* never reach for 169.254.169.254 */
    unsetenv("AWS_PROFILE");
    unsetenv("AWS_MAX_ATTEMPTS");
    unsetenv("AWS_ENDPOINT_URL");
    s->now = 1700000000;
    aws_client_options o = {0};
    aws_client *c;
    aws_error err;
    ck_assert_int_eq(aws_client_new(&o, &c, &err), 0);
    scripted_hooks(c, s);
    return c;
}
