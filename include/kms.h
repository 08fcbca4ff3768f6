/*
 * KMS client: data keys for encrypted ECS Exec sessions, and key lookup.
 * Every function returns 0, or -1 with err filled (NotFoundException, DisabledException,
 * ...). Outputs belong to the caller.
 */
#ifndef ECSDEPLOY_KMS_H
#define ECSDEPLOY_KMS_H

#include <stddef.h>

#include "aws.h"

typedef struct {
    unsigned char *plaintext;   /* secret: release with kms_data_key_free, which wipes it */
    size_t plaintext_len;
    unsigned char *ciphertext;  /* the encrypted key blob */
    size_t ciphertext_len;
    char *key_arn;
} kms_data_key;

void kms_data_key_free(kms_data_key *k);

/* key_id: id, ARN or "alias/NAME"; bytes: 32 for AES-256. */
int kms_generate_data_key(aws_client *c, const char *key_id, int bytes, kms_data_key *out,
                          aws_error *err);

/* The key's ARN and state ("Enabled", "PendingDeletion", ...). New strings, free(). */
int kms_describe_key(aws_client *c, const char *key_id, char **arn, char **state,
                     aws_error *err);

#endif
