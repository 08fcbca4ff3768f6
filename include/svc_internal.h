/*
 * Request pieces every service client builds the same way (internal to services/):
 * one-member inputs, lists of strings, tag lists in each service's spelling.
 */
#ifndef ECSDEPLOY_SVC_INTERNAL_H
#define ECSDEPLOY_SVC_INTERNAL_H

#include <cjson/cJSON.h>

#include "svc.h"

/* A new input object with one string member (NULL value: ""); name NULL: an empty object. */
cJSON *svc_input(const char *name, const char *value);
/* Add a member `name`: the strings of a NULL-terminated list, only when it has any. */
void svc_add_strings(cJSON *obj, const char *name, const char *const *list);
/* A new array of the tags (may be NULL) as {key: k, value: v}, in the member names the
 * service spells ("Key"/"Value", "key"/"value"); a missing value is sent as "". */
cJSON *svc_tags_json(const svc_tags *tags, const char *key, const char *value);

#endif
