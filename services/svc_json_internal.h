/*
 * The JSON pieces every service client (services/) builds and reads the same way:
 * one-member inputs, lists of strings and tag lists in each service's spelling going out;
 * strings, string lists and tags copied out of the answers coming back.
 */
#ifndef ECSDEPLOY_SVC_JSON_INTERNAL_H
#define ECSDEPLOY_SVC_JSON_INTERNAL_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "svc.h"

/* Building requests. */

/* A new input object with one string member (NULL value: ""); name NULL: an empty object. */
cJSON *svc_input(const char *name, const char *value);
/* Add a member `name`: the strings of a NULL-terminated list, only when it has any. */
void svc_add_strings(cJSON *obj, const char *name, const char *const *list);
/* A new array of the tags (may be NULL) as {key: k, value: v}, in the member names the
 * service spells ("Key"/"Value", "key"/"value"); a missing value is sent as "". */
cJSON *svc_tags_json(const svc_tags *tags, const char *key, const char *value);

/* Reading answers. */

/* A new copy of the string member (xstrdup; free()), "" when absent or not a string. */
char *svc_json_dup(const cJSON *obj, const char *name);
/* The same for a member two levels down (obj.a.b). */
char *svc_json_dup2(const cJSON *obj, const char *a, const char *b);
/* Append every string of the array member (or every `field` of its objects when field is
 * not NULL) to out. */
void svc_json_strings(const cJSON *obj, const char *name, const char *field, svc_strings *out);
/* Append the array member's {kname, vname} objects to out as tags (name NULL: obj is the
 * array). */
void svc_json_tags(const cJSON *obj, const char *name, const char *kname, const char *vname,
                 svc_tags *out);

#endif
