/* Session Manager sessions: StartSession, TerminateSession (see ssm_session.h). */
#include "ssm_session.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "svc_json_internal.h"
#include "xalloc.h"

static void wipe(char *s)
{
    if (s)
        OPENSSL_cleanse(s, strlen(s));
}

void ssm_session_free(ssm_session *s)
{
    free(s->session_id);
    free(s->stream_url);
    wipe(s->token);
    free(s->token);
    memset(s, 0, sizeof *s);
}

int ssm_start_session(aws_client *c, const char *target, const char *document,
                      const svc_tags *parameters, ssm_session *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *in = svc_input("Target", target), *o = NULL;
    if (document)
        cJSON_AddStringToObject(in, "DocumentName", document);
    if (parameters && parameters->n) {
        cJSON *p = cJSON_AddObjectToObject(in, "Parameters");
        for (size_t i = 0; i < parameters->n; i++) {
            cJSON *one = cJSON_AddArrayToObject(p, parameters->items[i].key);
            cJSON_AddItemToArray(one, cJSON_CreateString(parameters->items[i].value));
        }
    }
    int rc = aws_json_call(c, "ssm", "StartSession", in, &o, err);
    cJSON_Delete(in);
    if (rc != 0)
        return -1;
    out->session_id = xstrdup_or_null(aws_json_str(o, "SessionId"));
    out->stream_url = xstrdup_or_null(aws_json_str(o, "StreamUrl"));
    out->token = xstrdup_or_null(aws_json_str(o, "TokenValue"));
    cJSON *tv = cJSON_GetObjectItem(o, "TokenValue");
    if (cJSON_IsString(tv))
        wipe(tv->valuestring);
    cJSON_Delete(o);
    if (!out->session_id || !out->stream_url || !out->token) {
        ssm_session_free(out);
        aws_error_set(err, AWS_ERR_SERVICE, "IncompleteResponse",
                      "StartSession answered without a session id, stream URL or token");
        return -1;
    }
    return 0;
}

int ssm_terminate_session(aws_client *c, const char *session_id, aws_error *err)
{
    cJSON *in = svc_input("SessionId", session_id), *o = NULL;
    int rc = aws_json_call(c, "ssm", "TerminateSession", in, &o, err);
    cJSON_Delete(in);
    cJSON_Delete(o);
    return rc;
}
