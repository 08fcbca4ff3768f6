/*
 * STS client: GetCallerIdentity, AssumeRole (AssumeRoleWithWebIdentity is the credential
 * chain's, src/aws/creds_sts.c).
 * Every function returns 0, or -1 with err filled; outputs are owned by the caller and
 * released with the matching _free function.
 */
#ifndef ECSDEPLOY_STS_H
#define ECSDEPLOY_STS_H

#include <time.h>

#include "aws.h"

typedef struct {
    char *account;
    char *arn;
    char *user_id;
} sts_identity;

void sts_identity_free(sts_identity *id);
int sts_get_caller_identity(aws_client *c, sts_identity *out, aws_error *err);

typedef struct {
    char *access_key_id;
    char *secret_access_key; /* secret: never log it */
    char *session_token;     /* secret: never log it */
    time_t expiration;
    char *assumed_role_arn;  /* "arn:aws:sts::1:assumed-role/NAME/SESSION" */
    char *assumed_role_id;
} sts_credentials;

/* Wipes and frees the strings. */
void sts_credentials_free(sts_credentials *cr);

/* external_id may be NULL; duration_seconds 0 leaves the role's default (3600). */
int sts_assume_role(aws_client *c, const char *role_arn, const char *session_name,
                    const char *external_id, int duration_seconds, sts_credentials *out,
                    aws_error *err);

#endif
