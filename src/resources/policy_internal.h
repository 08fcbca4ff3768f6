/* IAM customer managed policies of the stack (policy.c), for the kinds that need one.
 * Internal to src/resources/. */
#ifndef ECSDEPLOY_RES_POLICY_INTERNAL_H
#define ECSDEPLOY_RES_POLICY_INTERNAL_H

#include "res.h"

extern const res_kind res_kind_policy;

/* IAM takes at most this many characters (without white space) in a managed policy. */
#define POLICY_MAX_CHARS 6144

/* Add the node policy/NODE: the managed policy NAME under /ecsdeploy/STACK/ holding
 * `document` (taken; it may hold references). */
res_node *policy_node_add(res_graph *g, const char *node, const char *name, const char *label,
                          cJSON *document);

#endif
