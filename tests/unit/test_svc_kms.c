/* KMS client against the local fake. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "fakeaws_fixture.h"
#include "kms.h"

/* A key made with a raw call (the client has no CreateKey: the deployer never makes one). */
static char *make_key(aws_client *c)
{
    cJSON *in = cJSON_Parse("{\"Description\":\"svc test\"}"), *out;
    aws_error err;
    ck_assert_msg(aws_json_call(c, "kms", "CreateKey", in, &out, &err) == 0, "%s", err.message);
    char *arn = strdup(aws_json_str(cJSON_GetObjectItem(out, "KeyMetadata"), "Arn"));
    cJSON_Delete(in);
    cJSON_Delete(out);
    return arn;
}

/* Decrypt the blob with the given context; returns the plaintext length or -1. */
static int decrypt(aws_client *c, const kms_data_key *k, const char *ctx_value,
                   unsigned char *plain)
{
    char b64[1024];
    EVP_EncodeBlock((unsigned char *)b64, k->ciphertext, (int)k->ciphertext_len);
    cJSON *in = cJSON_CreateObject(), *out;
    cJSON_AddStringToObject(in, "CiphertextBlob", b64);
    cJSON_AddStringToObject(cJSON_AddObjectToObject(in, "EncryptionContext"), "aws:ecs:clusterName",
                            ctx_value);
    aws_error err;
    int rc = aws_json_call(c, "kms", "Decrypt", in, &out, &err);
    cJSON_Delete(in);
    if (rc != 0)
        return -1;
    size_t n;
    unsigned char *p = kms_base64_decode(aws_json_str(out, "Plaintext"), &n);
    memcpy(plain, p, n);
    free(p);
    cJSON_Delete(out);
    return (int)n;
}

START_TEST(generate_data_key)
{
    aws_error err;
    char *arn = make_key(fake_cl);
    svc_tags ctx = {0};
    svc_tags_add(&ctx, "aws:ecs:clusterName", "demo");
    kms_data_key k;
    ck_assert_msg(kms_generate_data_key(fake_cl, arn, 64, &ctx, &k, &err) == 0, "%s", err.message);
    ck_assert_uint_eq(k.plaintext_len, 64);
    ck_assert_uint_gt(k.ciphertext_len, 64);
    ck_assert_str_eq(k.key_id, arn);
    unsigned char plain[128];
    ck_assert_int_eq(decrypt(fake_cl, &k, "demo", plain), 64);
    ck_assert_mem_eq(plain, k.plaintext, 64);
    ck_assert_int_eq(decrypt(fake_cl, &k, "other", plain), -1);
    kms_data_key_free(&k);
    ck_assert_ptr_null(k.plaintext);
    ck_assert_int_eq(kms_generate_data_key(fake_cl, arn, 0, NULL, &k, &err), -1);
    ck_assert_int_eq(err.kind, AWS_ERR_INPUT);
    ck_assert_int_eq(kms_generate_data_key(fake_cl, "alias/missing", 64, NULL, &k, &err), -1);
    ck_assert_str_eq(err.code, "NotFoundException");
    svc_tags_free(&ctx);
    free(arn);
}
END_TEST

START_TEST(describe_key)
{
    aws_error err;
    char *arn = make_key(fake_cl);
    kms_key k;
    ck_assert_int_eq(kms_describe_key(fake_cl, arn, &k, &err), 0);
    ck_assert_str_eq(k.arn, arn);
    ck_assert_str_eq(k.key_state, "Enabled");
    ck_assert_int_eq(k.enabled, 1);
    ck_assert_str_eq(k.key_spec, "SYMMETRIC_DEFAULT");
    ck_assert_str_eq(k.description, "svc test");
    kms_key_free(&k);
    ck_assert_int_eq(kms_describe_key(fake_cl, "1234abcd-12ab-34cd-56ef-1234567890ab", &k, &err),
                     -1);
    ck_assert_str_eq(err.code, "NotFoundException");
    size_t n;
    unsigned char *d = kms_base64_decode("aGk=", &n);
    ck_assert_uint_eq(n, 2);
    ck_assert_mem_eq(d, "hi", 2);
    free(d);
    ck_assert_ptr_null(kms_base64_decode("abc", &n));
    free(arn);
}
END_TEST

FAKE_SUITE(svc_kms, fake_client_setup, fake_client_teardown, 0, generate_data_key, describe_key)
