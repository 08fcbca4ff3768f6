/*
 * Small pieces shared by the network service clients (ec2.h, elbv2.h,
 * servicediscovery.h): readers that copy strings out of cJSON responses.
 */
#ifndef ECSDEPLOY_NETSVC_H
#define ECSDEPLOY_NETSVC_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "svc.h"

/* A new copy of the string member (xstrdup; free()), "" when absent or not a string. */
char *netsvc_dup(const cJSON *obj, const char *name);
/* The same for a member two levels down (obj.a.b). */
char *netsvc_dup2(const cJSON *obj, const char *a, const char *b);
/* Append every string of the array member (or every `field` of its objects when field is
 * not NULL) to out. */
void netsvc_strings(const cJSON *obj, const char *name, const char *field, svc_strings *out);
/* Append the array member's {kname, vname} objects to out as tags. */
void netsvc_tags(const cJSON *obj, const char *name, const char *kname, const char *vname,
                 svc_tags *out);
/* The NULL-terminated array's length (0 for NULL). */
size_t netsvc_count(const char *const *list);

#endif
