/* Shared by the application kinds (secret, bucket, task_def, service): idempotency
 * tokens and small helpers. Internal to src/resources/. */
#ifndef ECSDEPLOY_RES_APP_INTERNAL_H
#define ECSDEPLOY_RES_APP_INTERNAL_H

#include "res.h"

/* A deterministic token of 36 characters in UUID form, derived from the stack name, the
 * node id and `salt` (may be NULL): the same inputs give the same token, so a re-run after
 * a crash repeats the first request. Writes into out (at least 37 bytes). */
void res_app_token(const char *stack, const char *id, const char *salt, char out[37]);

/* The node id of the log group a service logs to: log_group/SERVICE, or the stack's
 * shared group's (log_group.c). Caller frees. */
char *res_log_group_node(const stack_service *svc);

/* The contents of a file that is a first value (a secret's, a parameter's): a new string
 * to release with secretsmanager_secret_free (it may be a secret), or NULL with err
 * (AWS_ERR_INPUT) saying "WHAT: cannot read PATH (relative to …): why", or that it is larger
 * than max bytes ("…larger than the LIMIT"). */
char *res_read_value_file(const char *what, const char *path, size_t max, const char *limit,
                          aws_error *err);

/* A generated value (util_random_password: Secrets Manager's GetRandomPassword rule, made
 * here) with a secret's generator settings: length, character classes, exclude. *value:
 * release with secretsmanager_secret_free. */
int res_generate_value(res_ctx *ctx, const stack_secret *gen, char **value, aws_error *err);

#endif
