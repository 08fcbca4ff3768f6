/* Credentials from STS: AssumeRole (profiles with role_arn) and AssumeRoleWithWebIdentity
 * (OIDC tokens from CI systems and EKS). */
#include "aws_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xalloc.h"

static char *default_session_name(aws_client *c)
{
    return xasprintf("ecsdeploy-%lld", (long long)c->now(c->hook_ctx));
}

static int finish(cJSON *output, const char *role_arn, const char *how, aws_credentials *out,
                  aws_error *err)
{
    const cJSON *cr = cJSON_GetObjectItemCaseSensitive(output, "Credentials");
    char *source = xasprintf("%s %s", how, role_arn);
    int rc = aws_creds_from_object(cr, source, out, err);
    free(source);
    cJSON_Delete(output);
    return rc;
}

int aws_creds_assume_role(aws_client *c, const aws_credentials *source, const char *role_arn,
                          const char *session_name, const char *external_id,
                          const char *duration, aws_credentials *out, aws_error *err)
{
    cJSON *in = cJSON_CreateObject();
    char *dflt = session_name ? NULL : default_session_name(c);
    cJSON_AddStringToObject(in, "RoleArn", role_arn);
    cJSON_AddStringToObject(in, "RoleSessionName", session_name ? session_name : dflt);
    if (external_id)
        cJSON_AddStringToObject(in, "ExternalId", external_id);
    if (duration)
        cJSON_AddStringToObject(in, "DurationSeconds", duration);
    cJSON *output = NULL;
    int rc = aws_query_call_as(c, "sts", "AssumeRole", in, source, 0, &output, err);
    cJSON_Delete(in);
    free(dflt);
    if (rc != 0) {
        aws_error_prefix(err, "assuming role %s: ", role_arn);
        return -1;
    }
    return finish(output, role_arn, "assumed role", out, err);
}

static char *read_token(const char *path, aws_error *err)
{
    buf b = BUF_INIT;
    if (buf_read_file(&b, path, 1u << 20) == -1) {
        aws_error_set(err, AWS_ERR_CREDENTIALS, "InvalidWebIdentityToken",
                      "cannot read the web identity token file %s: %s", path, strerror(errno));
        return NULL;
    }
    while (b.len && (b.data[b.len - 1] == '\n' || b.data[b.len - 1] == '\r' ||
                     b.data[b.len - 1] == ' '))
        b.data[--b.len] = '\0';
    if (!b.len) {
        aws_error_set(err, AWS_ERR_CREDENTIALS, "InvalidWebIdentityToken",
                      "the web identity token file %s is empty", path);
        buf_free(&b);
        return NULL;
    }
    return buf_detach(&b);
}

int aws_creds_web_identity(aws_client *c, const char *role_arn, const char *token_file,
                           const char *session_name, aws_credentials *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    char *token = read_token(token_file, err);
    if (!token)
        return -1;
    cJSON *in = cJSON_CreateObject();
    char *dflt = session_name ? NULL : default_session_name(c);
    cJSON_AddStringToObject(in, "RoleArn", role_arn);
    cJSON_AddStringToObject(in, "RoleSessionName", session_name ? session_name : dflt);
    cJSON_AddStringToObject(in, "WebIdentityToken", token);
    cJSON *output = NULL;
    int rc = aws_query_call_as(c, "sts", "AssumeRoleWithWebIdentity", in, NULL, 1, &output, err);
    cJSON_Delete(in);
    free(dflt);
    free(token);
    if (rc != 0) {
        aws_error_prefix(err, "assuming role %s with the web identity token in %s: ", role_arn,
                         token_file);
        return -1;
    }
    return finish(output, role_arn, "web identity role", out, err);
}

int aws_creds_web_identity_env(aws_client *c, aws_credentials *out, aws_error *err)
{
    const char *file = getenv("AWS_WEB_IDENTITY_TOKEN_FILE"), *arn = getenv("AWS_ROLE_ARN");
    memset(out, 0, sizeof *out);
    int has_file = file && *file, has_arn = arn && *arn;
    if (!has_file && !has_arn)
        return 0;
    if (!has_file || !has_arn) {
        /* AWS_ROLE_ARN alone is used by other tools too; only a token file alone is odd. */
        if (!has_file)
            return 0;
        aws_error_set(err, AWS_ERR_CREDENTIALS, "InvalidConfig",
                      "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not; set the "
                      "role to assume with the token");
        return -1;
    }
    const char *session = getenv("AWS_ROLE_SESSION_NAME");
    return aws_creds_web_identity(c, arn, file, session && *session ? session : NULL, out, err);
}
