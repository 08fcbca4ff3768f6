/*
 * Shared by the network service clients (services/ec2*, elbv2*, servicediscovery*):
 * readers that copy strings out of their cJSON answers.
 */
#ifndef ECSDEPLOY_SVC_JSON_INTERNAL_H
#define ECSDEPLOY_SVC_JSON_INTERNAL_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "svc.h"

/* A new copy of the string member (xstrdup; free()), "" when absent or not a string. */
char *svc_json_dup(const cJSON *obj, const char *name);
/* The same for a member two levels down (obj.a.b). */
char *svc_json_dup2(const cJSON *obj, const char *a, const char *b);
/* Append every string of the array member (or every `field` of its objects when field is
 * not NULL) to out. */
void svc_json_strings(const cJSON *obj, const char *name, const char *field, svc_strings *out);
/* Append the array member's {kname, vname} objects to out as tags. */
void svc_json_tags(const cJSON *obj, const char *name, const char *kname, const char *vname,
                 svc_tags *out);

#endif
