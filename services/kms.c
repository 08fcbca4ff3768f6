/* KMS (awsJson1.1): GenerateDataKey and DescribeKey. */
#include "kms.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "svc_util.h"
#include "xalloc.h"

/* Decode standard base64; -1 when s is not valid base64. */
static int b64_decode(const char *s, unsigned char **out, size_t *len)
{
    size_t n = strlen(s);
    if (n % 4 != 0)
        return -1;
    unsigned char *buf = xmalloc(n / 4 * 3 + 1);
    int got = n ? EVP_DecodeBlock(buf, (const unsigned char *)s, (int)n) : 0;
    if (got < 0) {
        free(buf);
        return -1;
    }
    size_t pad = n && s[n - 1] == '=' ? (n > 1 && s[n - 2] == '=' ? 2 : 1) : 0;
    *out = buf;
    *len = (size_t)got - pad;
    return 0;
}

void kms_data_key_free(kms_data_key *k)
{
    if (k->plaintext) {
        volatile unsigned char *p = k->plaintext;
        for (size_t i = 0; i < k->plaintext_len; i++)
            p[i] = 0;
    }
    free(k->plaintext);
    free(k->ciphertext);
    free(k->key_arn);
    memset(k, 0, sizeof *k);
}

int kms_generate_data_key(aws_client *c, const char *key_id, int bytes, kms_data_key *out,
                          aws_error *err)
{
    cJSON *in = cJSON_CreateObject(), *o;
    memset(out, 0, sizeof *out);
    cJSON_AddStringToObject(in, "KeyId", key_id);
    cJSON_AddNumberToObject(in, "NumberOfBytes", bytes);
    int rc = aws_json_call(c, "kms", "GenerateDataKey", in, &o, err);
    cJSON_Delete(in);
    if (rc != 0)
        return -1;
    cJSON *pt = cJSON_GetObjectItemCaseSensitive(o, "Plaintext");
    const char *ct = aws_json_str(o, "CiphertextBlob");
    if (!cJSON_IsString(pt) || !ct ||
        b64_decode(pt->valuestring, &out->plaintext, &out->plaintext_len) != 0 ||
        b64_decode(ct, &out->ciphertext, &out->ciphertext_len) != 0) {
        aws_error_set(err, AWS_ERR_PARSE, "InvalidResponse",
                      "KMS GenerateDataKey answered without a readable key");
        kms_data_key_free(out);
        rc = -1;
    } else {
        out->key_arn = svc_dup_member(o, "KeyId");
    }
    if (cJSON_IsString(pt))
        svc_wipe(pt->valuestring);
    cJSON_Delete(o);
    return rc;
}

int kms_describe_key(aws_client *c, const char *key_id, char **arn, char **state,
                     aws_error *err)
{
    cJSON *in = cJSON_CreateObject(), *o;
    cJSON_AddStringToObject(in, "KeyId", key_id);
    int rc = aws_json_call(c, "kms", "DescribeKey", in, &o, err);
    cJSON_Delete(in);
    if (rc != 0)
        return -1;
    const cJSON *md = cJSON_GetObjectItemCaseSensitive(o, "KeyMetadata");
    if (arn)
        *arn = svc_dup_member(md, "Arn");
    if (state)
        *state = svc_dup_member(md, "KeyState");
    cJSON_Delete(o);
    return 0;
}
