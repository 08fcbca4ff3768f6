/*
 * Small helpers the service clients share for building inputs and reading outputs
 * (cJSON trees from aws.h calls). No I/O.
 */
#ifndef ECSDEPLOY_SVC_UTIL_H
#define ECSDEPLOY_SVC_UTIL_H

#include <cjson/cJSON.h>

#include "svc.h"

/* A copy of s (free()), or NULL for NULL. */
char *svc_dup(const char *s);
/* A copy of obj's string member name, or NULL. */
char *svc_dup_member(const cJSON *obj, const char *name);
/* Add name:value to obj when value is not NULL. */
void svc_add_str(cJSON *obj, const char *name, const char *value);
/* A new array of {key_name: key, value_name: value} objects from tags (may be NULL). */
cJSON *svc_tags_json(const svc_tags *tags, const char *key_name, const char *value_name);
/* Append the tags of an array of {key_name, value_name} objects (arr may be NULL). */
void svc_tags_read(svc_tags *out, const cJSON *arr, const char *key_name, const char *value_name);
/* A new array of strings. */
cJSON *svc_strings_json(const char *const *items, size_t n);
/* Decode %XX and '+' (IAM returns policy documents URL-encoded). New string (free()). */
char *svc_url_decode(const char *s);
/* Wipe a secret string in place (before it is freed). */
void svc_wipe(char *s);

#endif
