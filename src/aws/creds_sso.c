/*
 * IAM Identity Center (SSO) profiles: read the access token `aws sso login` cached in
 * ~/.aws/sso/cache/<sha1>.json (sha1 of the sso_session name, or of sso_start_url for
 * legacy profiles), then ask the portal for role credentials (GetRoleCredentials).
 */
#include "aws_internal.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "aws_form.h"
#include "buf.h"
#include "xalloc.h"

static const char *pget(aws_client *c, const char *profile, const char *key)
{
    const char *v = aws_config_profile_get(&c->cfg, profile, key);
    return v && *v ? v : NULL;
}

static char *cache_path(const char *key)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_Digest(key, strlen(key), md, &n, EVP_sha1(), NULL);
    char hex[2 * EVP_MAX_MD_SIZE + 1];
    for (unsigned int i = 0; i < n; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    char *dir = aws_config_expand_home("~/.aws/sso/cache");
    char *p = xasprintf("%s/%s.json", dir, hex);
    free(dir);
    return p;
}

static cJSON *read_json(const char *path)
{
    buf b = BUF_INIT;
    if (buf_read_file(&b, path, 0) == -1)
        return NULL;
    cJSON *j = cJSON_ParseWithLength(b.data ? b.data : "", b.len);
    buf_free(&b);
    return j;
}

/* The cached access token (new string), or NULL with err telling to log in. */
static char *sso_token(aws_client *c, const char *profile, const char *session, aws_error *err)
{
    const char *start = session ? NULL : pget(c, profile, "sso_start_url");
    char *path = cache_path(session ? session : start ? start : "");
    cJSON *j = read_json(path);
    const char *tok = aws_json_str(j, "accessToken"), *exp = aws_json_str(j, "expiresAt");
    time_t when = exp ? aws_time_parse_iso8601(exp) : -1;
    char *out = NULL;
    if (!tok || !*tok)
        aws_error_set(err, AWS_ERR_CREDENTIALS, "SsoTokenMissing",
                      "profile '%s' uses IAM Identity Center but there is no cached login (%s); "
                      "run 'aws sso login --profile %s'",
                      profile, path, profile);
    else if (when < 0 || when <= c->now(c->hook_ctx))
        aws_error_set(err, AWS_ERR_CREDENTIALS, "SsoTokenExpired",
                      "the IAM Identity Center login of profile '%s' has expired; run 'aws sso "
                      "login --profile %s'",
                      profile, profile);
    else
        out = xstrdup(tok);
    cJSON_Delete(j);
    free(path);
    return out;
}

/* Read the settings, which may live in an [sso-session NAME] section. */
static int sso_settings(aws_client *c, const char *profile, const char **session,
                        const char **region, const char **account, const char **role,
                        aws_error *err)
{
    *session = pget(c, profile, "sso_session");
    *account = pget(c, profile, "sso_account_id");
    *role = pget(c, profile, "sso_role_name");
    *region = pget(c, profile, "sso_region");
    if (*session) {
        char *sec = xasprintf("sso-session %s", *session);
        if (!aws_ini_has_section(c->cfg.config, sec)) {
            aws_error_set(err, AWS_ERR_CONFIG, "InvalidConfig",
                          "profile '%s' names sso_session '%s' but %s has no [sso-session %s]",
                          profile, *session, c->cfg.config_path, *session);
            free(sec);
            return -1;
        }
        const char *r = aws_config_section_get(&c->cfg, sec, "sso_region");
        if (r && *r)
            *region = r;
        free(sec);
    }
    if (!*account || !*role || !*region) {
        aws_error_set(err, AWS_ERR_CONFIG, "InvalidConfig",
                      "profile '%s' is an IAM Identity Center profile but lacks %s", profile,
                      !*account ? "sso_account_id" : !*role ? "sso_role_name" : "sso_region");
        return -1;
    }
    return 0;
}

static int role_credentials(aws_client *c, const char *profile, const char *region,
                            const char *account, const char *role, const char *token,
                            aws_credentials *out, aws_error *err)
{
    char *ra = aws_form_escape(role), *aa = aws_form_escape(account);
    char *query = xasprintf("account_id=%s&role_name=%s", aa, ra);
    aws_http_header h = {"x-amz-sso_bearer_token", (char *)token};
    aws_wire_request r = {.service = "sso", .method = "GET", .path = "/federation/credentials",
                          .query = query, .headers = &h, .nheaders = 1,
                          .proto = AWS_PROTO_JSON, .unsigned_request = 1, .region = region};
    aws_http_response resp;
    int rc = aws_client_send(c, &r, &resp, err);
    free(query);
    free(ra);
    free(aa);
    if (rc != 0) {
        aws_error_prefix(err, "IAM Identity Center GetRoleCredentials for profile '%s': ",
                         profile);
        return -1;
    }
    cJSON *j = cJSON_ParseWithLength(resp.body.data ? resp.body.data : "", resp.body.len);
    aws_http_response_free(&resp);
    cJSON *rcj = cJSON_GetObjectItemCaseSensitive(j, "roleCredentials");
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(rcj, "expiration");
    char *src = xasprintf("profile %s (IAM Identity Center, role %s in %s)", profile, role,
                          account);
    rc = aws_creds_from_object(rcj, src, out, err);
    long long ms;
    if (rc == 0 && cJSON_IsNumber(exp) && aws_double_to_ll(exp->valuedouble, &ms) == 0)
        out->expiration = (time_t)(ms / 1000);
    if (rc == 0 && !out->session_token) {
        const char *st = aws_json_str(rcj, "sessionToken");
        out->session_token = xstrdup_or_null(st);
    }
    free(src);
    cJSON_Delete(j);
    return rc;
}

int aws_creds_sso(aws_client *c, const char *profile, aws_credentials *out, aws_error *err)
{
    const char *session, *region, *account, *role;
    memset(out, 0, sizeof *out);
    if (sso_settings(c, profile, &session, &region, &account, &role, err) != 0)
        return -1;
    char *token = sso_token(c, profile, session, err);
    if (!token)
        return -1;
    int rc = role_credentials(c, profile, region, account, role, token, out, err);
    free(token);
    return rc;
}
