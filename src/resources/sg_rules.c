/*
 * sg_rules/SERVICE, sg_rules/lb-LB, sg_rules/db-DATABASE: the ingress rules into one of
 * our groups — from a load balancer's group to the service's port (and health check
 * port), from other services' groups, existing groups and CIDRs (allow_from), into a load
 * balancer's group from its allow_from CIDRs on its listener ports (the VPC's CIDR, looked
 * up, for an internal one in an existing or the default VPC), and into a database's
 * group from the groups of the services that use it, on its port.
 *
 * Properties: group (the group's id) and rules (sorted texts, see net_internal.h; a peer
 * that is one of our groups is named by its node id, so plans read well and ids never
 * show as changes). Update authorizes what is missing and revokes what is extra; remove
 * revokes every ingress rule of the group, which is how references between our groups
 * go before the groups are deleted.
 */
#include <stdlib.h>
#include <string.h>

#include "net_internal.h"
#include "xalloc.h"

/* ---- build ------------------------------------------------------------------------ */

static const char *port_protocol(const stack_service *svc, int port)
{
    for (size_t c = 0; c < svc->ncontainers; c++)
        for (size_t p = 0; p < svc->containers[c].nports; p++)
            if (svc->containers[c].ports[p].port == port && svc->containers[c].ports[p].protocol)
                return svc->containers[c].ports[p].protocol;
    return "tcp";
}

static void add_rule(svc_strings *rules, const char *protocol, int port, const char *peer)
{
    char *t = resnet_rule_text(protocol, port, port, "from", peer);
    svc_strings_add(rules, t);
    free(t);
}

/* allow_from entry i: its port, or every port of the service. */
static void allow_rules(const stack_service *svc, const stack_ingress *in, svc_strings *rules)
{
    char peer[160];
    if (in->kind == STACK_PEER_SERVICE)
        snprintf(peer, sizeof peer, "sg/%s", in->peer);
    else
        snprintf(peer, sizeof peer, "%s", in->peer);
    if (in->port) {
        add_rule(rules, port_protocol(svc, in->port), in->port, peer);
        return;
    }
    for (size_t c = 0; c < svc->ncontainers; c++)
        for (size_t p = 0; p < svc->containers[c].nports; p++) {
            const stack_port *sp = &svc->containers[c].ports[p];
            add_rule(rules, sp->protocol ? sp->protocol : "tcp", sp->port, peer);
        }
}

static void add_rules(res_graph *g, const char *group, const char *label, svc_strings *rules)
{
    char *sg = xasprintf("sg/%s", group);
    cJSON *d = cJSON_CreateObject();
    cJSON_AddItemToObject(d, "group", res_ref(sg, "id"));
    cJSON_AddItemToObject(d, "rules", resnet_sorted_array(rules));
    res_node *n = res_graph_add(g, &res_kind_sg_rules, group, label, d);
    res_node_depend(n, res_graph_find(g, sg));
    for (size_t i = 0; i < rules->n; i++) {
        resnet_rule r;
        if (resnet_rule_parse(rules->items[i], &r) != 0)
            continue;
        if (strncmp(r.peer, "sg/", 3) == 0)
            res_node_depend(n, res_graph_find(g, r.peer));
        else if (strcmp(r.peer, "vpc") == 0)
            res_node_depend(n, res_graph_find(g, "vpc/main"));
    }
    free(sg);
}

/* The rules into sg/PREFIX-OWNER (sg/OWNER without a prefix), labelled "WHAT OWNER", when
 * there are any; the rules are emptied for the next group. */
static void add_node(res_graph *g, const char *prefix, const char *owner, const char *what,
                     svc_strings *rules)
{
    char *group = prefix ? xasprintf("%s-%s", prefix, owner) : xstrdup(owner);
    char *label = xasprintf("%s %s", what, owner);
    if (rules->n)
        add_rules(g, group, label, rules);
    free(label);
    free(group);
    svc_strings_free(rules);
}

static int sg_rules_build(res_graph *g, const stack_model *s)
{
    svc_strings rules = {0};
    for (size_t i = 0; i < s->nload_balancers; i++) {
        const stack_load_balancer *lb = &s->load_balancers[i];
        for (size_t l = 0; l < lb->nlisteners; l++) {
            for (size_t c = 0; c < lb->nallow_cidrs; c++)
                add_rule(&rules, "tcp", lb->listeners[l].port, lb->allow_cidrs[c]);
            if (lb->nallow_cidrs == 0)
                add_rule(&rules, "tcp", lb->listeners[l].port, "vpc");
        }
        add_node(g, "lb", lb->name, "ingress rules of load balancer", &rules);
    }
    for (size_t i = 0; i < s->nservices; i++) {
        const stack_service *svc = &s->services[i];
        if (svc->has_load_balancer) {
            char *peer = xasprintf("sg/lb-%s", svc->lb.load_balancer);
            int port = svc->lb.port ? svc->lb.port : stack_service_port(svc);
            if (port)
                add_rule(&rules, "tcp", port, peer);
            if (svc->lb.health.port && svc->lb.health.port != port)
                add_rule(&rules, "tcp", svc->lb.health.port, peer);
            free(peer);
        }
        for (size_t a = 0; a < svc->nallow_from; a++)
            allow_rules(svc, &svc->allow_from[a], &rules);
        add_node(g, NULL, svc->name, "ingress rules of service", &rules);
    }
    for (size_t i = 0; i < s->ndatabases; i++) {
        const stack_database *db = &s->databases[i];
        if (db->existing)
            continue;
        /* the services that use it, on its port: nothing else reaches a database */
        for (size_t k = 0; k < s->nservices; k++)
            for (size_t u = 0; u < s->services[k].ndatabases; u++)
                if (strcmp(s->services[k].databases[u].name, db->name) == 0 &&
                    !stack_store_use_repeats(s->services[k].databases, u)) {
                    char *peer = xasprintf("sg/%s", s->services[k].name);
                    add_rule(&rules, "tcp", db->port, peer);
                    free(peer);
                }
        add_node(g, "db", db->name, "ingress rules of database", &rules);
    }
    /* NFS into a file system's mount targets from the services that mount it */
    for (size_t i = 0; i < s->nfile_systems; i++) {
        const stack_file_system *fs = &s->file_systems[i];
        for (size_t j = 0; !fs->existing && j < s->nservices; j++)
            if (stack_service_mounts(&s->services[j], fs->name)) {
                char *peer = xasprintf("sg/%s", s->services[j].name);
                add_rule(&rules, "tcp", 2049, peer);
                free(peer);
            }
        add_node(g, "efs", fs->name, "NFS rules of file system", &rules);
    }
    return 0;
}

/* ---- reading rules back ----------------------------------------------------------- */

/* a group without ingress rules has no sg_rules resource, unless the file wants one */
static int found(const ec2_security_group *g, const svc_strings *texts, const res_node *n)
{
    (void)texts;
    return g->ningress || (n && n->desired);
}

static int sg_rules_discover(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    static const resnet_rules_kind ingress = {"sg_rules", 0, found};
    return resnet_rules_discover(ctx, &ingress, out, err);
}

/* ---- changing rules ---------------------------------------------------------------- */

static cJSON *rules_props(const cJSON *desired)
{
    cJSON *p = cJSON_CreateObject();
    const cJSON *g = cJSON_GetObjectItemCaseSensitive(desired, "group");
    cJSON_AddStringToObject(p, "group", cJSON_IsString(g) ? g->valuestring : "");
    cJSON_AddItemToObject(p, "rules",
                          cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(desired, "rules"), 1));
    return p;
}

static int sg_rules_create(res_ctx *ctx, res_node *n, aws_error *err)
{
    const cJSON *g = cJSON_GetObjectItemCaseSensitive(n->desired, "group");
    if (!cJSON_IsString(g)) {
        aws_error_set(err, AWS_ERR_INPUT, "Unresolved", "the group of %s is not known yet", n->id);
        return -1;
    }
    if (resnet_rules_authorize(ctx, g->valuestring, cJSON_GetObjectItemCaseSensitive(n->desired, "rules"),
                               NULL, 0, err) != 0)
        return -1;
    res_node_set(ctx, n, g->valuestring, rules_props(n->desired));
    return 0;
}

static int sg_rules_update(res_ctx *ctx, res_node *n, aws_error *err)
{
    const cJSON *want = cJSON_GetObjectItemCaseSensitive(n->desired, "rules");
    const cJSON *have = n->actual ? cJSON_GetObjectItemCaseSensitive(n->actual, "rules") : NULL;
    if (resnet_rules_revoke_others(ctx, n->physical_id, want, 0, err) != 0 ||
        resnet_rules_authorize(ctx, n->physical_id, want, have, 0, err) != 0)
        return -1;
    res_node_set(ctx, n, n->physical_id, rules_props(n->desired));
    return 0;
}

static int sg_rules_remove(res_ctx *ctx, res_node *n, aws_error *err)
{
    return resnet_rules_revoke_others(ctx, n->physical_id, NULL, 0, err);
}

static const char *const sg_rules_replace_on[] = {"group", NULL};

/* ingress rules into the stack's own groups (tagged) */
static const res_ec2_grants ci_grants = {
    .reads = "ec2:DescribeSecurityGroupRules",
    .changes = "ec2:AuthorizeSecurityGroupIngress ec2:RevokeSecurityGroupIngress",
    .resource = "security-group/*",
};

const res_kind res_kind_sg_rules = {
    .name = "sg_rules",
    .title = "security group rules",
    .build = sg_rules_build,
    .discover = sg_rules_discover,
    .create = sg_rules_create,
    .update = sg_rules_update,
    .remove = sg_rules_remove,
    .replace_on = sg_rules_replace_on,
    .ci_ec2 = &ci_grants,
};
