/* STS: who am I, and temporary credentials for a role. */
#include "sts.h"

#include <stdlib.h>
#include <string.h>

#include "svc_json_internal.h"
#include "xalloc.h"

static const svc_field identity_fields[] = {
    SVC_FIELD("Account", SVC_STR_NULL, sts_identity, account),
    SVC_FIELD("Arn", SVC_STR_NULL, sts_identity, arn),
    SVC_FIELD("UserId", SVC_STR_NULL, sts_identity, user_id),
    SVC_END};
static const svc_shape identity_shape = {sizeof(sts_identity), identity_fields, NULL, NULL};

SVC_DEFINE_FREE(sts_identity_free, sts_identity, identity_shape)

/* The caller does not change while the process runs: asked once per client (the
 * account kind, the stack lock and the CI checks all ask). */
#define IDENTITY_MEMO "sts:GetCallerIdentity"

int sts_get_caller_identity(aws_client *c, sts_identity *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    char *known = aws_client_memo_get(c, IDENTITY_MEMO);
    cJSON *o = known ? cJSON_Parse(known) : NULL;
    free(known);
    if (o)
        return svc_read_answer(o, NULL, &identity_shape, out);
    if (aws_query_call(c, "sts", "GetCallerIdentity", NULL, NULL, NULL, &o, err) != 0)
        return -1;
    char *text = cJSON_PrintUnformatted(o);
    int rc = svc_read_answer(o, NULL, &identity_shape, out); /* frees o */
    if (rc == 0 && text)
        aws_client_memo_put(c, IDENTITY_MEMO, text);
    free(text);
    return rc;
}

static void wipe_free(char *s)
{
    if (s) {
        volatile char *p = s;
        while (*p)
            *p++ = '\0';
    }
    free(s);
}

void sts_credentials_free(sts_credentials *cr)
{
    free(cr->access_key_id);
    wipe_free(cr->secret_access_key);
    wipe_free(cr->session_token);
    free(cr->assumed_role_arn);
    free(cr->assumed_role_id);
    memset(cr, 0, sizeof *cr);
}

/* ISO 8601 "2026-11-24T07:00:00Z" (with optional fraction) to epoch seconds; 0 if unreadable. */
static time_t parse_time(const char *s)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (!s || !strptime(s, "%Y-%m-%dT%H:%M:%S", &tm))
        return 0;
    return timegm(&tm);
}

static int read_credentials(cJSON *o, sts_credentials *out, aws_error *err)
{
    const cJSON *cr = cJSON_GetObjectItemCaseSensitive(o, "Credentials");
    const cJSON *user = cJSON_GetObjectItemCaseSensitive(o, "AssumedRoleUser");
    const char *ak = aws_json_str(cr, "AccessKeyId"), *sk = aws_json_str(cr, "SecretAccessKey");
    if (!ak || !sk) {
        aws_error_set(err, AWS_ERR_PARSE, "InvalidResponse", "STS answered without credentials");
        cJSON_Delete(o);
        return -1;
    }
    out->access_key_id = xstrdup(ak);
    out->secret_access_key = xstrdup(sk);
    out->session_token = xstrdup_or_null(aws_json_str(cr, "SessionToken"));
    out->expiration = parse_time(aws_json_str(cr, "Expiration"));
    out->assumed_role_arn = xstrdup_or_null(aws_json_str(user, "Arn"));
    out->assumed_role_id = xstrdup_or_null(aws_json_str(user, "AssumedRoleId"));
    cJSON_Delete(o);
    return 0;
}

static cJSON *role_input(const char *role_arn, const char *session_name, int duration)
{
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "RoleArn", role_arn);
    cJSON_AddStringToObject(in, "RoleSessionName", session_name);
    if (duration > 0)
        cJSON_AddNumberToObject(in, "DurationSeconds", duration);
    return in;
}

int sts_assume_role(aws_client *c, const char *role_arn, const char *session_name,
                    const char *external_id, int duration_seconds, sts_credentials *out,
                    aws_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *in = role_input(role_arn, session_name, duration_seconds), *o;
    if (external_id)
        cJSON_AddStringToObject(in, "ExternalId", external_id);
    int rc = aws_query_call(c, "sts", "AssumeRole", in, NULL, NULL, &o, err);
    cJSON_Delete(in);
    return rc == 0 ? read_credentials(o, out, err) : -1;
}

