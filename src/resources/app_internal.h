/* Shared by the application kinds (secret, bucket, task_def, service): idempotency
 * tokens and small helpers. Internal to src/resources/. */
#ifndef ECSDEPLOY_RES_APP_INTERNAL_H
#define ECSDEPLOY_RES_APP_INTERNAL_H

#include "res.h"

/* A deterministic token of 36 characters in UUID form, derived from the stack name, the
 * node id and `salt` (may be NULL): the same inputs give the same token, so a re-run after
 * a crash repeats the first request. Writes into out (at least 37 bytes). */
void res_app_token(const char *stack, const char *id, const char *salt, char out[37]);

#endif
