/*
 * Secrets Manager client: the operations the deployer needs for generated and imported
 * secrets. Every function returns 0, or -1 with err filled (err->code as AWS sends it:
 * ResourceNotFoundException, ResourceExistsException, InvalidRequestException, ...).
 * Outputs are owned by the caller: free strings with free() (secret values with
 * secretsmanager_secret_free, which wipes them), structs with the matching _free.
 */
#ifndef ECSDEPLOY_SECRETSMANAGER_H
#define ECSDEPLOY_SECRETSMANAGER_H

#include <time.h>

#include "aws.h"
#include "svc.h"

typedef struct {
    const char *name;
    const char *description;       /* or NULL */
    const char *secret_string;     /* or NULL: a secret without a value yet */
    const char *kms_key_id;        /* or NULL: aws/secretsmanager */
    const svc_tags *tags;          /* or NULL; strings borrowed */
    const char *client_request_token; /* idempotency token, or NULL */
} secretsmanager_create_input;

/* *arn and *version_id (either may be NULL to ignore) receive new strings. */
int secretsmanager_create_secret(aws_client *c, const secretsmanager_create_input *in, char **arn,
                                 char **version_id, aws_error *err);

typedef struct {
    char *arn;
    char *name;
    char *description;
    char *kms_key_id;
    time_t deleted_date;           /* 0 unless scheduled for deletion */
    time_t created_date;
    int has_current;               /* a version carries AWSCURRENT: the secret has a value
                                      (VersionIdsToStages, or SecretVersionsToStages in a
                                      list; the value itself is not read) */
    svc_tags tags;
} secretsmanager_secret;

void secretsmanager_secret_info_free(secretsmanager_secret *s);
int secretsmanager_describe_secret(aws_client *c, const char *secret_id,
                                   secretsmanager_secret *out, aws_error *err);

/* Every secret carrying tag key=value (all pages); out->items/n, free each with
 * secretsmanager_secret_info_free then free(items). */
SVC_LIST_TYPE(secretsmanager_secret, secretsmanager_secret_list);
int secretsmanager_list_secrets_by_tag(aws_client *c, const char *key, const char *value,
                                       secretsmanager_secret_list *out, aws_error *err);

int secretsmanager_put_secret_value(aws_client *c, const char *secret_id, const char *value,
                                    const char *client_request_token, char **version_id,
                                    aws_error *err);
/* *value receives the SecretString (release with secretsmanager_secret_free). */
int secretsmanager_get_secret_value(aws_client *c, const char *secret_id, char **value,
                                    aws_error *err);
/* Wipe and free a secret value. */
void secretsmanager_secret_free(char *value);

/* recovery_days 7..30, or 0 with force to delete at once. *deletion_date may be NULL. */
int secretsmanager_delete_secret(aws_client *c, const char *secret_id, int recovery_days,
                                 int force, time_t *deletion_date, aws_error *err);
int secretsmanager_restore_secret(aws_client *c, const char *secret_id, aws_error *err);
int secretsmanager_tag_resource(aws_client *c, const char *secret_id, const svc_tags *tags,
                                aws_error *err);
int secretsmanager_untag_resource(aws_client *c, const char *secret_id, const char *const *keys,
                                  size_t nkeys, aws_error *err);

#endif
