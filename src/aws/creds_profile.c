/*
 * Credentials from a profile of the shared files, in the AWS CLI's order: role_arn
 * (with source_profile, credential_source or web_identity_token_file), IAM Identity
 * Center (sso_*), static keys in the credentials file, credential_process, static keys
 * in the config file.
 */
#include "aws_internal.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

#define MAX_CHAIN 8

/* A profile key: credentials file first, then config file. */
static const char *pget(aws_client *c, const char *profile, const char *key)
{
    const char *v = aws_config_credentials_get(&c->cfg, profile, key);
    if (!v || !*v)
        v = aws_config_profile_get(&c->cfg, profile, key);
    return v && *v ? v : NULL;
}

static int static_keys(aws_client *c, const char *profile, int from_config, aws_credentials *out,
                       aws_error *err)
{
    const char *(*get)(const aws_config *, const char *, const char *) =
        from_config ? aws_config_profile_get : aws_config_credentials_get;
    const char *ak = get(&c->cfg, profile, "aws_access_key_id");
    const char *sk = get(&c->cfg, profile, "aws_secret_access_key");
    const char *tok = get(&c->cfg, profile, "aws_session_token");
    const char *file = from_config ? c->cfg.config_path : c->cfg.credentials_path;
    if ((!ak || !*ak) && (!sk || !*sk))
        return 0;
    if (!ak || !*ak || !sk || !*sk) {
        aws_error_set(err, AWS_ERR_CREDENTIALS, "PartialCredentials",
                      "profile '%s' in %s has %s but no %s", profile, file,
                      ak && *ak ? "aws_access_key_id" : "aws_secret_access_key",
                      ak && *ak ? "aws_secret_access_key" : "aws_access_key_id");
        return -1;
    }
    out->access_key_id = xstrdup(ak);
    out->secret_access_key = xstrdup(sk);
    out->session_token = tok && *tok ? xstrdup(tok) : NULL;
    snprintf(out->source, sizeof out->source, "profile %s (%s file)", profile,
             from_config ? "config" : "shared credentials");
    return 0;
}

static int source_credentials(aws_client *c, const char *profile, int depth, buf *tried,
                              aws_credentials *src, aws_error *err)
{
    const char *sp = pget(c, profile, "source_profile");
    const char *cs = pget(c, profile, "credential_source");
    int rc = 0;
    if (sp && strcmp(sp, profile) == 0) {
        rc = static_keys(c, profile, 0, src, err);
        if (rc == 0 && !src->access_key_id)
            rc = static_keys(c, profile, 1, src, err);
    } else if (sp) {
        if (!aws_config_profile_exists(&c->cfg, sp)) {
            aws_error_set(err, AWS_ERR_CONFIG, "ProfileNotFound",
                          "profile '%s' names source_profile '%s', which does not exist", profile,
                          sp);
            return -1;
        }
        rc = aws_creds_profile(c, sp, depth + 1, tried, src, err);
    } else if (strcmp(cs, "Environment") == 0) {
        rc = aws_creds_env(src, err);
    } else if (strcmp(cs, "Ec2InstanceMetadata") == 0) {
        rc = aws_creds_imds(c, src, err);
    } else if (strcmp(cs, "EcsContainer") == 0) {
        rc = aws_creds_container(c, src, err);
    } else {
        aws_error_set(err, AWS_ERR_CONFIG, "InvalidConfig",
                      "profile '%s': credential_source '%s' is not one of Environment, "
                      "Ec2InstanceMetadata, EcsContainer",
                      profile, cs);
        return -1;
    }
    if (rc == 0 && !src->access_key_id) {
        aws_error_set(err, AWS_ERR_CREDENTIALS, "NoCredentials",
                      "profile '%s' assumes its role with credentials from %s '%s', which "
                      "gave none",
                      profile, sp ? "source_profile" : "credential_source", sp ? sp : cs);
        return -1;
    }
    return rc;
}

static int assume_from_profile(aws_client *c, const char *profile, const char *role_arn,
                               int depth, buf *tried, aws_credentials *out, aws_error *err)
{
    const char *sp = pget(c, profile, "source_profile"), *cs = pget(c, profile, "credential_source");
    const char *wif = pget(c, profile, "web_identity_token_file");
    const char *session = pget(c, profile, "role_session_name");
    if (pget(c, profile, "mfa_serial")) {
        aws_error_set(err, AWS_ERR_CONFIG, "MfaNotSupported",
                      "profile '%s' needs an MFA code (mfa_serial), and ecsdeploy does not "
                      "prompt for one; put temporary credentials from 'aws sts "
                      "get-session-token' or 'aws configure export-credentials' in the "
                      "environment, or use a profile without mfa_serial",
                      profile);
        return -1;
    }
    if (wif && !sp && !cs)
        return aws_creds_web_identity(c, role_arn, wif, session, out, err);
    if ((sp && cs) || (!sp && !cs)) {
        aws_error_set(err, AWS_ERR_CONFIG, "InvalidConfig",
                      "profile '%s' has role_arn and needs exactly one of source_profile or "
                      "credential_source (it has %s)",
                      profile, sp ? "both" : "neither");
        return -1;
    }
    aws_credentials src = {0};
    if (source_credentials(c, profile, depth, tried, &src, err) != 0)
        return -1;
    int rc = aws_creds_assume_role(c, &src, role_arn, session, pget(c, profile, "external_id"),
                                   pget(c, profile, "duration_seconds"), out, err);
    if (rc == 0) {
        char *s = xasprintf("%s via profile %s (from %s)", out->source, profile, src.source);
        snprintf(out->source, sizeof out->source, "%s", s);
        free(s);
    }
    aws_credentials_free(&src);
    return rc;
}

int aws_creds_profile(aws_client *c, const char *profile, int depth, buf *tried,
                      aws_credentials *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    if (depth > MAX_CHAIN) {
        aws_error_set(err, AWS_ERR_CONFIG, "InvalidConfig",
                      "profile '%s': source_profile chain longer than %d (a loop?)", profile,
                      MAX_CHAIN);
        return -1;
    }
    const char *role_arn = pget(c, profile, "role_arn");
    if (role_arn)
        return assume_from_profile(c, profile, role_arn, depth, tried, out, err);
    if (pget(c, profile, "sso_session") || pget(c, profile, "sso_start_url") ||
        pget(c, profile, "sso_account_id"))
        return aws_creds_sso(c, profile, out, err);
    if (static_keys(c, profile, 0, out, err) != 0 || out->access_key_id)
        return out->access_key_id ? 0 : -1;
    const char *proc = pget(c, profile, "credential_process");
    if (proc)
        return aws_creds_process(proc, profile, out, err);
    if (static_keys(c, profile, 1, out, err) != 0)
        return -1;
    if (!out->access_key_id)
        buf_printf(tried,
                   "\n  - profile '%s': no role_arn, sso_*, aws_access_key_id or "
                   "credential_process in %s or %s",
                   profile, c->cfg.credentials_path, c->cfg.config_path);
    return 0;
}
