/* The CI identity: the OpenID Connect provider kind (oidc_provider.c), the CI role it adds
 * (ci_role.c) and that role's permissions, derived from the stack's kinds (ci_policy.c).
 * Internal to src/resources/. */
#ifndef ECSDEPLOY_RES_CI_INTERNAL_H
#define ECSDEPLOY_RES_CI_INTERNAL_H

#include "res.h"

#define CI_GITHUB_HOST "token.actions.githubusercontent.com"
#define CI_AUDIENCE "sts.amazonaws.com"
/* The CI role's inline policy. */
#define CI_POLICY_NAME "ecsdeploy-ci"

extern const res_kind res_kind_oidc_provider, res_kind_role;

/* Add the node role/ci (of the role kind), trusting `provider` for the file's repository,
 * branches and environments, with ci_policy_document's permissions. */
void ci_role_build(res_graph *g, res_node *provider);

/* The identity policy of the CI role for graph g (every node already built): what `up` and
 * `deploy` call for this stack, kind by kind. ARNs that hold the account are res_concat
 * parts reading the attribute `account` of `account_node`. Caller frees. */
cJSON *ci_policy_document(const res_graph *g, const char *account_node);

/* 1 when every kind of the registry has its CI grants (res_kind.ci_grant); else 0 with the
 * first kind that has none in *missing (for the registry's test). */
int ci_policy_covers(const res_registry *r, const char **missing);

#endif
