/* In-order payloads: output, the handshake (SessionType, KMSEncryption) and the
 * encryption challenge. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "channel_state_internal.h"
#include "msg_internal.h"
#include "xalloc.h"

static char *b64(const unsigned char *p, size_t len)
{
    char *o = xmalloc(4 * ((len + 2) / 3) + 1);
    EVP_EncodeBlock((unsigned char *)o, p, (int)len);
    return o;
}

/* Decode standard base64 (with padding); NULL when malformed. */
static unsigned char *unb64(const char *s, size_t *len)
{
    size_t n = strlen(s);
    if (n % 4)
        return NULL;
    unsigned char *o = xmalloc(n / 4 * 3 + 1);
    int r = EVP_DecodeBlock(o, (const unsigned char *)s, (int)n);
    if (r < 0) {
        free(o);
        return NULL;
    }
    size_t pad = (n && s[n - 1] == '=') + (n > 1 && s[n - 2] == '=');
    *len = (size_t)r - pad;
    return o;
}

static cJSON *action_result(const char *type, int status, cJSON *result, const char *error)
{
    cJSON *a = cJSON_CreateObject();
    cJSON_AddStringToObject(a, "ActionType", type);
    cJSON_AddNumberToObject(a, "ActionStatus", status);
    if (result)
        cJSON_AddItemToObject(a, "ActionResult", result);
    else
        cJSON_AddNullToObject(a, "ActionResult");
    cJSON_AddStringToObject(a, "Error", error ? error : "");
    return a;
}

static cJSON *kms_action(exec_chan *c, const cJSON *params)
{
    const char *key_id = cJSON_GetStringValue(cJSON_GetObjectItem(params, "KMSKeyId"));
    char why[512] = "";
    if (!key_id || !c->ops.data_key) {
        snprintf(why, sizeof why, "this client cannot do KMS encryption here");
    } else {
        unsigned char key[64], *blob = NULL;
        size_t blob_len = 0;
        if (c->ops.data_key(c->ops.ctx, key_id, key, &blob, &blob_len, why, sizeof why) == 0) {
            memcpy(c->dec_key, key, 32);
            memcpy(c->enc_key, key + 32, 32);
            OPENSSL_cleanse(key, sizeof key);
            c->encrypted = 1;
            char *text = b64(blob, blob_len);
            free(blob);
            cJSON *res = cJSON_CreateObject();
            cJSON_AddStringToObject(res, "KMSCipherTextKey", text);
            free(text);
            return action_result("KMSEncryption", 1, res, NULL);
        }
        OPENSSL_cleanse(key, sizeof key);
    }
    char *msg = xasprintf("the session must be encrypted with KMS key %s, but %s",
                          key_id ? key_id : "(none named)", why);
    exec_chan_fail(c, "%s", msg);
    cJSON *a = action_result("KMSEncryption", 2, NULL, msg);
    free(msg);
    return a;
}

static int on_handshake_request(exec_chan *c, const unsigned char *p, size_t len, double now)
{
    cJSON *req = cJSON_ParseWithLength((const char *)p, len);
    cJSON *resp = cJSON_CreateObject(), *done = cJSON_AddArrayToObject(resp, "ProcessedClientActions");
    cJSON_AddStringToObject(resp, "ClientVersion", c->client_version);
    const cJSON *a;
    cJSON_ArrayForEach(a, cJSON_GetObjectItem(req, "RequestedClientActions")) {
        const char *type = cJSON_GetStringValue(cJSON_GetObjectItem(a, "ActionType"));
        const cJSON *params = cJSON_GetObjectItem(a, "ActionParameters");
        if (type && strcmp(type, "KMSEncryption") == 0) {
            cJSON_AddItemToArray(done, kms_action(c, params));
        } else if (type && strcmp(type, "SessionType") == 0) {
            const char *st = cJSON_GetStringValue(cJSON_GetObjectItem(params, "SessionType"));
            int port = st && strcmp(st, "Port") == 0;
            int ok = port == c->port_session;
            cJSON_AddItemToArray(done, action_result("SessionType", ok ? 1 : 3, NULL,
                                                     ok     ? NULL
                                                     : port ? "port sessions are not expected here"
                                                            : "this client forwards a port only"));
        } else {
            cJSON_AddItemToArray(done, action_result(type ? type : "", 3, NULL,
                                                     "not supported by this client"));
        }
    }
    cJSON_AddArrayToObject(resp, "Errors");
    char *text = cJSON_PrintUnformatted(resp);
    int rc = exec_chan_send_input(c, EXEC_PT_HS_RESPONSE, text, strlen(text), now);
    free(text);
    cJSON_Delete(resp);
    cJSON_Delete(req);
    return rc;
}

static int on_challenge(exec_chan *c, const unsigned char *p, size_t len, double now)
{
    cJSON *req = cJSON_ParseWithLength((const char *)p, len);
    const char *ch = cJSON_GetStringValue(cJSON_GetObjectItem(req, "Challenge"));
    size_t raw_len = 0, plain_len = 0, sealed_len = 0;
    unsigned char *raw = ch ? unb64(ch, &raw_len) : NULL, *plain = NULL, *sealed = NULL;
    int rc = -1;
    if (!c->encrypted || !raw || exec_gcm_open(c->dec_key, raw, raw_len, &plain, &plain_len) != 0 ||
        exec_gcm_seal(c->enc_key, plain, plain_len, &sealed, &sealed_len) != 0) {
        exec_chan_fail(c, "the agent's encryption challenge could not be answered%s", "");
    } else {
        char *text = b64(sealed, sealed_len);
        char *body = xasprintf("{\"Challenge\":\"%s\"}", text);
        rc = exec_chan_send_input(c, EXEC_PT_ENC_CHALLENGE_RESPONSE, body, strlen(body), now);
        free(body);
        free(text);
    }
    free(raw);
    if (plain) {
        OPENSSL_cleanse(plain, plain_len);
        free(plain);
    }
    free(sealed);
    cJSON_Delete(req);
    return rc;
}

static int on_output(exec_chan *c, const unsigned char *p, size_t len)
{
    c->ready = 1;
    if (!c->encrypted) {
        if (c->ops.output && len)
            c->ops.output(c->ops.ctx, p, len);
        return 0;
    }
    unsigned char *plain = NULL;
    size_t n = 0;
    if (exec_gcm_open(c->dec_key, p, len, &plain, &n) != 0) {
        exec_chan_fail(c, "output from the agent failed to decrypt (AES-GCM tag mismatch)%s", "");
        return -1;
    }
    if (c->ops.output && n)
        c->ops.output(c->ops.ctx, plain, n);
    OPENSSL_cleanse(plain, n);
    free(plain);
    return 0;
}

int exec_chan_deliver(exec_chan *c, uint32_t ptype, const unsigned char *p, size_t len,
                      double now)
{
    switch (ptype) {
    case EXEC_PT_OUTPUT:
    case EXEC_PT_STDERR:
        return on_output(c, p, len);
    case EXEC_PT_HS_REQUEST:
        return on_handshake_request(c, p, len, now);
    case EXEC_PT_HS_COMPLETE:
        c->ready = 1;
        return 0;
    case EXEC_PT_ENC_CHALLENGE_REQUEST:
        return on_challenge(c, p, len, now);
    default:
        return 0; /* exit code, flags and the rest: nothing to do */
    }
}
