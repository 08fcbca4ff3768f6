/* The redacting --debug wire log (see wirelog_internal.h). */
#include "wirelog_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "xalloc.h"

static const char *const secret_names[] = {
    "authorization", "x-amz-security-token", "x-amz-sso_bearer_token", "x-aws-ec2-metadata-token",
    "secretstring", "secretbinary", "secretaccesskey", "sessiontoken", "token", "tokenvalue",
    "plaintext", "webidentitytoken", "accesstoken", "refreshtoken", "clientsecret", "password",
    "privatekey", "samlassertion", "x-amz-signature", "x-amz-credential", NULL};

int aws_wirelog_is_secret_name(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (dot && dot[1])
        name = dot + 1;
    for (size_t i = 0; secret_names[i]; i++)
        if (strcasecmp(name, secret_names[i]) == 0)
            return 1;
    size_t n = strlen(name);
    return n >= 8 && strcasecmp(name + n - 8, "password") == 0;
}

/* Members that carry secrets in one service's bodies only: SSM's "Value" is a parameter's
 * value (SecureString or not, and tag values with them: the log cannot tell them apart). */
static const struct {
    const char *service, *member;
} service_secrets[] = {{"ssm", "Value"}};

static int service_secret(const char *service, const char *name)
{
    for (size_t i = 0; service && i < sizeof service_secrets / sizeof service_secrets[0]; i++)
        if (strcmp(service, service_secrets[i].service) == 0 &&
            strcmp(name, service_secrets[i].member) == 0)
            return 1;
    return 0;
}

static void redact_json(cJSON *node, const char *service)
{
    for (cJSON *c = node ? node->child : NULL; c; c = c->next) {
        int secret = c->string && (aws_wirelog_is_secret_name(c->string) ||
                                   service_secret(service, c->string));
        if (secret && !cJSON_IsNull(c) && !cJSON_IsBool(c)) {
            cJSON *r = cJSON_CreateString(AWS_REDACTED);
            r->string = c->string; /* the key moves to the replacement */
            r->type |= c->type & cJSON_StringIsConst;
            c->string = NULL;
            cJSON_ReplaceItemViaPointer(node, c, r); /* r takes c's place in the list */
            c = r;
            continue;
        }
        redact_json(c, service);
    }
}

/* <Name>secret</Name> -> <Name>**REDACTED**</Name>, for every secret element name. */
static char *redact_xml(const char *s)
{
    buf out = BUF_INIT;
    while (*s) {
        const char *lt = strchr(s, '<');
        if (!lt) {
            buf_puts(&out, s);
            break;
        }
        buf_append(&out, s, (size_t)(lt - s) + 1);
        s = lt + 1;
        size_t nlen = strcspn(s, " \t\r\n/>");
        char *name = xstrndup(s, nlen);
        const char *gt = strchr(s, '>');
        int secret = s[0] != '/' && nlen && aws_wirelog_is_secret_name(name) && gt && gt[-1] != '/';
        if (secret) {
            char *close = xasprintf("</%s>", name);
            const char *end = strstr(gt + 1, close);
            if (end) {
                buf_append(&out, s, (size_t)(gt - s) + 1);
                buf_puts(&out, AWS_REDACTED);
                s = end;
            }
            free(close);
        }
        free(name);
    }
    return buf_detach(&out);
}

static char *redact_form(const char *s, char sep)
{
    buf out = BUF_INIT;
    while (*s) {
        size_t n = strcspn(s, (char[]){sep, '\0'});
        const char *eq = memchr(s, '=', n);
        char *key = eq ? xstrndup(s, (size_t)(eq - s)) : NULL;
        if (key && aws_wirelog_is_secret_name(key)) {
            buf_append(&out, s, (size_t)(eq - s) + 1);
            buf_puts(&out, AWS_REDACTED);
        } else {
            buf_append(&out, s, n);
        }
        free(key);
        s += n;
        if (*s)
            buf_putc(&out, *s++);
    }
    return buf_detach(&out);
}

static int printable(const char *body, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)body[i];
        if (c < 0x20 && c != '\n' && c != '\r' && c != '\t')
            return 0;
    }
    return 1;
}

char *aws_wirelog_redact_body(const char *body, size_t len)
{
    return aws_wirelog_redact_body_for(NULL, body, len);
}

char *aws_wirelog_redact_body_for(const char *service, const char *body, size_t len)
{
    if (!body || !len)
        return xstrdup("");
    if (!printable(body, len))
        return xasprintf("(%zu bytes of binary data)", len);
    char *text = xstrndup(body, len);
    const char *t = text;
    while (isspace((unsigned char)*t))
        t++;
    char *out = NULL;
    if (*t == '{' || *t == '[') {
        cJSON *root = cJSON_Parse(t);
        if (root) {
            redact_json(root, service);
            out = cJSON_PrintUnformatted(root);
            cJSON_Delete(root);
        } else {
            out = xstrdup("(unparseable JSON body not shown)");
        }
    } else if (*t == '<') {
        out = redact_xml(text);
    } else {
        out = redact_form(text, '&');
    }
    free(text);
    return out;
}

/* A redacted copy of a URL (X-Amz-Signature, X-Amz-Security-Token and X-Amz-Credential
 * query values hidden). Returns a new string (free()). */
static char *aws_wirelog_redact_url(const char *url)
{
    const char *q = strchr(url, '?');
    if (!q)
        return xstrdup(url);
    char *query = redact_form(q + 1, '&');
    char *out = xasprintf("%.*s?%s", (int)(q - url), url, query);
    free(query);
    return out;
}

static void headers(FILE *out, const aws_http_header *h, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(out, "  %s: %s\n", h[i].name,
                aws_wirelog_is_secret_name(h[i].name) ? AWS_REDACTED : h[i].value);
}

void aws_wirelog_request(FILE *out, const char *service, int attempt, const aws_http_request *req)
{
    char *url = aws_wirelog_redact_url(req->url);
    char *body = aws_wirelog_redact_body_for(service, req->body, req->body_len);
    flockfile(out);
    fprintf(out, "[debug] %s request (attempt %d): %s %s\n", service, attempt, req->method, url);
    headers(out, req->headers, req->nheaders);
    if (*body)
        fprintf(out, "  body: %s\n", body);
    funlockfile(out);
    free(url);
    free(body);
}

void aws_wirelog_response(FILE *out, const char *service, const aws_http_response *resp,
                          double seconds)
{
    char *body = aws_wirelog_redact_body_for(service, resp->body.data, resp->body.len);
    flockfile(out);
    fprintf(out, "[debug] %s response: HTTP %ld in %.3f s (%s connection)\n", service,
            resp->status, seconds, resp->new_connections ? "new" : "reused");
    headers(out, resp->headers, resp->nheaders);
    if (*body)
        fprintf(out, "  body: %s\n", body);
    funlockfile(out);
    free(body);
}
