/* KMS: GenerateDataKey and DescribeKey (see kms.h). */
#include "kms.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "svc_json_internal.h"
#include "xalloc.h"

unsigned char *kms_base64_decode(const char *s, size_t *len)
{
    size_t n = s ? strlen(s) : 0;
    *len = 0;
    if (n % 4 != 0)
        return NULL;
    unsigned char *out = xmalloc(n / 4 * 3 + 1);
    int got = n ? EVP_DecodeBlock(out, (const unsigned char *)s, (int)n) : 0;
    if (got < 0) {
        free(out);
        return NULL;
    }
    size_t pad = (n >= 1 && s[n - 1] == '=') + (n >= 2 && s[n - 2] == '=');
    *len = (size_t)got - pad;
    return out;
}

void kms_data_key_free(kms_data_key *k)
{
    if (k->plaintext)
        OPENSSL_cleanse(k->plaintext, k->plaintext_len);
    free(k->plaintext);
    free(k->ciphertext);
    free(k->key_id);
    memset(k, 0, sizeof *k);
}

int kms_generate_data_key(aws_client *c, const char *key_id, int number_of_bytes,
                          const svc_tags *context, kms_data_key *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    if (!key_id || number_of_bytes < 1 || number_of_bytes > 1024)
        return svc_refuse(err, "InvalidParameter",
                          "GenerateDataKey needs a key id and 1 to 1024 bytes (got %d)",
                          number_of_bytes);
    cJSON *in = cJSON_CreateObject(), *o = NULL;
    cJSON_AddStringToObject(in, "KeyId", key_id);
    cJSON_AddNumberToObject(in, "NumberOfBytes", number_of_bytes);
    svc_add_tags(in, "EncryptionContext", context, NULL, NULL);
    int rc = aws_json_call(c, "kms", "GenerateDataKey", in, &o, err);
    cJSON_Delete(in);
    if (rc != 0)
        return -1;
    const char *pt = aws_json_str(o, "Plaintext"), *ct = aws_json_str(o, "CiphertextBlob"),
               *kid = aws_json_str(o, "KeyId");
    out->plaintext = kms_base64_decode(pt, &out->plaintext_len);
    out->ciphertext = kms_base64_decode(ct, &out->ciphertext_len);
    out->key_id = xstrdup_or_null(kid);
    svc_wipe_member(o, "Plaintext");
    cJSON_Delete(o);
    if (!out->plaintext || !out->ciphertext ||
        out->plaintext_len != (size_t)number_of_bytes) {
        kms_data_key_free(out);
        aws_error_set(err, AWS_ERR_PARSE, "InvalidResponse",
                      "GenerateDataKey answered without a valid %d-byte key and ciphertext",
                      number_of_bytes);
        return -1;
    }
    return 0;
}

static const svc_shape key_shape = SVC_SHAPE(kms_key, NULL, NULL,
    SVC_FIELD("KeyId", SVC_STR_NULL, kms_key, key_id),
    SVC_FIELD("Arn", SVC_STR_NULL, kms_key, arn),
    SVC_FIELD("KeyState", SVC_STR_NULL, kms_key, key_state),
    SVC_FIELD("Enabled", SVC_BOOL, kms_key, enabled),
    SVC_FIELD("KeyUsage", SVC_STR_NULL, kms_key, key_usage),
    SVC_FIELD("KeySpec", SVC_STR_NULL, kms_key, key_spec),
    SVC_FIELD("Description", SVC_STR_NULL, kms_key, description));

SVC_DEFINE_FREE(kms_key_free, kms_key, key_shape)

int kms_describe_key(aws_client *c, const char *key_id, kms_key *out, aws_error *err)
{
    cJSON *o;
    memset(out, 0, sizeof *out);
    return svc_json_call(c, "kms", "DescribeKey", svc_input("KeyId", key_id), &o, 0, err)
               ? -1
               : svc_read_answer(o, "KeyMetadata", &key_shape, out);
}
