/* Every resource kind, in build order: a kind's nodes may depend only on nodes of kinds
 * listed before it, so the graph is in dependency order. */
#include <string.h>

#include "res.h"

extern const res_kind res_kind_vpc, res_kind_subnet, res_kind_igw, res_kind_route_table,
    res_kind_eip, res_kind_nat, res_kind_sg, res_kind_sg_rules, res_kind_sg_reach;
extern const res_kind res_secret;
extern const res_kind res_bucket;
extern const res_kind res_log_group;
extern const res_kind res_role;
extern const res_kind res_namespace, res_discovery;
extern const res_kind res_alb, res_target_group, res_listener, res_listener_rule;
extern const res_kind res_cluster;
extern const res_kind res_task_def;
extern const res_kind res_service;
extern const res_kind res_bootstrap;

/* The full order, as kinds arrive: vpc, subnet, igw, route_table, eip, nat, sg, sg_rules,
 * sg_reach, secret, bucket, log_group, role, namespace, discovery, alb, target_group,
 * listener, listener_rule, cluster, task_def, service, bootstrap. */
const res_kind *const res_kinds[] = {
    &res_kind_vpc, &res_kind_subnet, &res_kind_igw, &res_kind_route_table,
    &res_kind_eip, &res_kind_nat, &res_kind_sg, &res_kind_sg_rules, &res_kind_sg_reach,
    &res_secret,
    &res_bucket,
    &res_log_group,
    &res_role,
    &res_namespace, &res_discovery,
    &res_alb, &res_target_group, &res_listener, &res_listener_rule,
    &res_cluster,
    &res_task_def,
    &res_service,
    &res_bootstrap,
    NULL};

const res_kind *res_kind_by_name(const char *name)
{
    for (size_t i = 0; res_kinds[i]; i++)
        if (strcmp(res_kinds[i]->name, name) == 0)
            return res_kinds[i];
    return NULL;
}
