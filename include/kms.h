/*
 * KMS client (awsJson1.1): GenerateDataKey for encrypted ECS Exec sessions, DescribeKey.
 * Conventions as in svc.h. The plaintext data key is a secret: it lives only in memory
 * the caller wipes (kms_data_key_free does, with OPENSSL_cleanse); it is never logged
 * (the --debug wire log redacts "Plaintext").
 */
#ifndef ECSDEPLOY_KMS_H
#define ECSDEPLOY_KMS_H

#include <stddef.h>

#include "aws.h"
#include "svc.h"

typedef struct {
    unsigned char *plaintext;     /* the data key bytes: SECRET */
    size_t plaintext_len;
    unsigned char *ciphertext;    /* CiphertextBlob, decoded */
    size_t ciphertext_len;
    char *key_id;                 /* the key's ARN as KMS reports it */
} kms_data_key;

/* Wipe (OPENSSL_cleanse) and free the plaintext, free the rest, zero *k. */
void kms_data_key_free(kms_data_key *k);

/*
 * GenerateDataKey of number_of_bytes (1..1024; ECS Exec uses 64) under key_id (ARN, key
 * id or alias) with an encryption context (keys/values as tags; may be NULL) into *out
 * (kms_data_key_free). The response's copies of the plaintext are wiped before return.
 */
int kms_generate_data_key(aws_client *c, const char *key_id, int number_of_bytes,
                          const svc_tags *context, kms_data_key *out, aws_error *err);

typedef struct {
    char *key_id;
    char *arn;
    char *key_state;     /* "Enabled", "Disabled", "PendingDeletion", ... */
    int enabled;
    char *key_usage;     /* "ENCRYPT_DECRYPT", ... */
    char *key_spec;      /* "SYMMETRIC_DEFAULT", ... */
    char *description;   /* NULL when none */
} kms_key;

void kms_key_free(kms_key *k);
/* DescribeKey (ARN, id or alias) into *out (kms_key_free); "NotFoundException" when missing. */
int kms_describe_key(aws_client *c, const char *key_id, kms_key *out, aws_error *err);

/* Decode standard base64 into a new buffer (free(); *len its size), NULL when malformed. */
unsigned char *kms_base64_decode(const char *s, size_t *len);

#endif
