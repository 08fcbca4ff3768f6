/* Credentials from the machine: ECS container credentials and EC2 instance metadata
 * (IMDSv2: a session token from PUT /latest/api/token first). */
#include "aws_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "wirelog_internal.h"
#include "buf.h"
#include "xalloc.h"

#define ECS_HOST "http://169.254.170.2"
#define IMDS_HOST "http://169.254.169.254"
/* A credentials document is a few hundred bytes. */
#define METADATA_MAX_BODY (64u << 10)

/* One GET/PUT to a metadata endpoint. 0 with resp filled (any status), -1 on no answer. */
static int fetch(aws_client *c, const char *method, const char *url, const aws_http_header *h,
                 size_t nh, long timeout_ms, aws_http_response *resp, aws_error *err)
{
    aws_http_request req = {method, url, h, nh, NULL, 0, timeout_ms, timeout_ms, 0,
                            METADATA_MAX_BODY};
    if (c->debug)
        aws_wirelog_request(c->debug_out, "credentials", 1, &req);
    return c->transport(c->transport_ctx, &req, resp, err);
}

/* As the SDKs allow: https anywhere; http only to the ECS/EKS agent addresses or a
 * loopback address (or localhost). The URL is parsed as libcurl will connect, so a
 * user-info part cannot pass for the host; none is accepted at all (a token sent with
 * it would go wherever the real host is). */
static int full_uri_allowed(const char *uri)
{
    aws_url u;
    if (aws_url_parse(uri, &u) != 0 || u.has_userinfo)
        return 0;
    if (strcmp(u.scheme, "https") == 0)
        return 1;
    if (strcmp(u.scheme, "http") != 0)
        return 0;
    static const char *const agents[] = {"169.254.170.2", "169.254.170.23", "fd00:ec2::23",
                                         NULL};
    for (size_t i = 0; agents[i]; i++)
        if (strcmp(u.host, agents[i]) == 0)
            return 1;
    return aws_host_is_loopback(u.host);
}

static char *container_token(aws_error *err)
{
    const char *file = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    const char *tok = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN");
    char *t = NULL;
    if (file && *file) {
        buf b = BUF_INIT;
        if (buf_read_file(&b, file, 8191) == -1) { /* its first line, as fgets read it */
            aws_error_set(err, AWS_ERR_CREDENTIALS, "InvalidConfig",
                          "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE %s: %s", file,
                          strerror(errno));
            return NULL;
        }
        t = buf_detach(&b);
        t[strcspn(t, "\r\n")] = '\0';
    } else if (tok && *tok) {
        t = xstrdup(tok);
    } else {
        return xstrdup("");
    }
    if (strpbrk(t, "\r\n")) {
        aws_error_set(err, AWS_ERR_CREDENTIALS, "InvalidConfig",
                      "the container authorization token contains a line break");
        free(t);
        return NULL;
    }
    return t;
}

static int container_url(char **url, aws_error *err)
{
    const char *rel = getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    const char *full = getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    *url = NULL;
    if (rel && *rel) {
        *url = xasprintf("%s%s%s", ECS_HOST, rel[0] == '/' ? "" : "/", rel);
    } else if (full && *full) {
        if (!full_uri_allowed(full)) {
            aws_error_set(err, AWS_ERR_CREDENTIALS, "InvalidConfig",
                          "AWS_CONTAINER_CREDENTIALS_FULL_URI '%s' must be https, or http to a "
                          "loopback address or the ECS/EKS agent (169.254.170.2, "
                          "169.254.170.23, fd00:ec2::23), without a user name",
                          full);
            return -1;
        }
        *url = xstrdup(full);
    }
    return 0;
}

static int parse_answer(const aws_http_response *resp, const char *what, aws_credentials *out,
                        aws_error *err)
{
    cJSON *root = cJSON_ParseWithLength(resp->body.data ? resp->body.data : "", resp->body.len);
    int rc = -1;
    if (resp->status != 200) {
        aws_error_set(err, AWS_ERR_CREDENTIALS, "CredentialsEndpointError",
                      "%s answered HTTP %ld", what, resp->status);
    } else if (!cJSON_IsObject(root)) {
        aws_error_set(err, AWS_ERR_CREDENTIALS, "CredentialsEndpointError",
                      "%s did not answer with a JSON object", what);
    } else {
        const char *code = aws_json_str(root, "Code");
        if (code && strcmp(code, "Success") != 0)
            aws_error_set(err, AWS_ERR_CREDENTIALS, "CredentialsEndpointError",
                          "%s answered Code %s", what, code);
        else
            rc = aws_creds_from_object(root, what, out, err);
    }
    cJSON_Delete(root);
    return rc;
}

int aws_creds_container(aws_client *c, aws_credentials *out, aws_error *err)
{
    char *url;
    memset(out, 0, sizeof *out);
    if (container_url(&url, err) != 0)
        return -1;
    if (!url)
        return 0;
    char *token = container_token(err);
    int rc = -1;
    if (token) {
        aws_http_header h = {"Authorization", token};
        aws_http_response resp;
        for (int attempt = 1; attempt <= 3 && rc != 0; attempt++) {
            rc = fetch(c, "GET", url, &h, *token ? 1 : 0, 2000, &resp, err);
            if (rc == 0)
                rc = parse_answer(&resp, "the ECS container credentials endpoint", out, err);
            else if (attempt == 3)
                aws_error_prefix(err, "the ECS container credentials endpoint: ");
            aws_http_response_free(&resp);
            if (rc != 0 && err->kind == AWS_ERR_CREDENTIALS)
                break; /* an answer, but a bad one: asking again will not help */
        }
    }
    free(token);
    free(url);
    return rc;
}

static char *imds_base(aws_client *c)
{
    const char *ep = getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
    if (!ep || !*ep)
        ep = aws_config_get(&c->cfg, "ec2_metadata_service_endpoint");
    const char *mode = getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");
    if (!mode || !*mode)
        mode = aws_config_get(&c->cfg, "ec2_metadata_service_endpoint_mode");
    if (ep && *ep) {
        size_t n = strlen(ep);
        while (n && ep[n - 1] == '/')
            n--;
        return xstrndup(ep, n);
    }
    return xstrdup(mode && strcasecmp(mode, "IPv6") == 0 ? "http://[fd00:ec2::254]" : IMDS_HOST);
}

/* The IMDSv2 session token, "" to go on without one (IMDSv1), NULL when IMDS is absent. */
static char *imds_token(aws_client *c, const char *base, aws_error *err)
{
    char *url = xasprintf("%s/latest/api/token", base);
    aws_http_header h = {"X-aws-ec2-metadata-token-ttl-seconds", "21600"};
    aws_http_response resp;
    int rc = fetch(c, "PUT", url, &h, 1, 1000, &resp, err);
    char *tok = NULL;
    if (rc == 0 && resp.status == 200 && resp.body.len)
        tok = xstrdup(resp.body.data);
    else if (rc == 0 && (resp.status == 403 || resp.status == 404 || resp.status == 405))
        tok = xstrdup("");
    aws_http_response_free(&resp);
    free(url);
    return tok;
}

static int imds_get(aws_client *c, const char *base, const char *path, const char *token,
                    aws_http_response *resp, aws_error *err)
{
    char *url = xasprintf("%s%s", base, path);
    aws_http_header h = {"X-aws-ec2-metadata-token", (char *)token};
    int rc = fetch(c, "GET", url, &h, *token ? 1 : 0, 1000, resp, err);
    free(url);
    return rc;
}

int aws_creds_imds(aws_client *c, aws_credentials *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    const char *off = getenv("AWS_EC2_METADATA_DISABLED");
    if (off && strcasecmp(off, "true") == 0)
        return 0;
    char *base = imds_base(c);
    aws_error ignored;
    char *token = imds_token(c, base, &ignored);
    aws_http_response resp;
    int rc = 0;
    if (token && imds_get(c, base, "/latest/meta-data/iam/security-credentials/", token, &resp,
                          &ignored) == 0) {
        if (resp.status == 200 && resp.body.len) {
            char *role = xstrndup(resp.body.data, strcspn(resp.body.data, "\r\n"));
            char *path = xasprintf("/latest/meta-data/iam/security-credentials/%s", role);
            aws_http_response_free(&resp);
            rc = imds_get(c, base, path, token, &resp, err);
            if (rc == 0)
                rc = parse_answer(&resp, "EC2 instance metadata", out, err);
            if (rc == 0) {
                char *src = xasprintf("EC2 instance metadata (role %s)", role);
                snprintf(out->source, sizeof out->source, "%s", src);
                free(src);
            }
            free(path);
            free(role);
        }
        aws_http_response_free(&resp);
    }
    free(token);
    free(base);
    return rc;
}
