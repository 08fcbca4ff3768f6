/* STS: who am I, and temporary credentials for a role. */
#include "sts.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "svc_json_internal.h"
#include "xalloc.h"

static const svc_shape identity_shape = SVC_SHAPE(sts_identity, NULL, NULL,
    SVC_FIELD("Account", SVC_STR_NULL, sts_identity, account),
    SVC_FIELD("Arn", SVC_STR_NULL, sts_identity, arn),
    SVC_FIELD("UserId", SVC_STR_NULL, sts_identity, user_id));

SVC_DEFINE_FREE(sts_identity_free, sts_identity, identity_shape)

/* The caller does not change while the process runs: asked once per client (the
 * account kind, the stack lock and the CI checks all ask). */
#define IDENTITY_MEMO "sts:GetCallerIdentity"

/* Threads that ask at once (discovery's kinds, the stack's record) wait for the first
 * one's answer instead of asking again. */
static pthread_mutex_t asking = PTHREAD_MUTEX_INITIALIZER;

int sts_get_caller_identity(aws_client *c, sts_identity *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&asking);
    char *known = aws_client_memo_get(c, IDENTITY_MEMO);
    cJSON *o = known ? cJSON_Parse(known) : NULL;
    free(known);
    if (o) {
        pthread_mutex_unlock(&asking);
        return svc_read_answer(o, NULL, &identity_shape, out);
    }
    if (aws_query_call(c, "sts", "GetCallerIdentity", NULL, NULL, NULL, &o, err) != 0) {
        pthread_mutex_unlock(&asking);
        return -1;
    }
    char *text = cJSON_PrintUnformatted(o);
    int rc = svc_read_answer(o, NULL, &identity_shape, out); /* frees o */
    if (rc == 0 && text)
        aws_client_memo_put(c, IDENTITY_MEMO, text);
    pthread_mutex_unlock(&asking);
    free(text);
    return rc;
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

/* Expiration is an ISO 8601 string: as epoch seconds. */
static void read_expiration(const cJSON *o, void *out)
{
    ((sts_credentials *)out)->expiration =
        parse_time(aws_json_str(svc_json_at(o, "Credentials"), "Expiration"));
}

#define CREDENTIALS(m) "Credentials." m

static const svc_shape credentials_shape = SVC_SHAPE(sts_credentials, read_expiration, NULL,
    SVC_FIELD(CREDENTIALS("AccessKeyId"), SVC_STR_NULL, sts_credentials, access_key_id),
    SVC_FIELD(CREDENTIALS("SecretAccessKey"), SVC_SECRET_NULL, sts_credentials,
              secret_access_key),
    SVC_FIELD(CREDENTIALS("SessionToken"), SVC_SECRET_NULL, sts_credentials, session_token),
    SVC_FIELD("AssumedRoleUser.Arn", SVC_STR_NULL, sts_credentials, assumed_role_arn),
    SVC_FIELD("AssumedRoleUser.AssumedRoleId", SVC_STR_NULL, sts_credentials, assumed_role_id));

SVC_DEFINE_FREE(sts_credentials_free, sts_credentials, credentials_shape)

static int read_credentials(cJSON *o, sts_credentials *out, aws_error *err)
{
    const cJSON *cr = cJSON_GetObjectItemCaseSensitive(o, "Credentials");
    if (!aws_json_str(cr, "AccessKeyId") || !aws_json_str(cr, "SecretAccessKey")) {
        aws_error_set(err, AWS_ERR_PARSE, "InvalidResponse", "STS answered without credentials");
        cJSON_Delete(o);
        return -1;
    }
    return svc_read_answer(o, NULL, &credentials_shape, out);
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
    svc_add_str(in, "ExternalId", external_id);
    int rc = aws_query_call(c, "sts", "AssumeRole", in, NULL, NULL, &o, err);
    cJSON_Delete(in);
    return rc == 0 ? read_credentials(o, out, err) : -1;
}

