/*
 * sg_egress/SERVICE, sg_egress/lb-LB: the egress rules of one of our groups, when the file
 * restricts them. A service's `egress:` replaces AWS's allow-all rule with its own rules
 * ("tcp 443 to 0.0.0.0/0", "tcp 3000 to sg/server", "tcp 2049 to sg/efs-data",
 * "udp 53 to vpc", "tcp 443 to pl-…"); once any service of the stack restricts egress, the
 * load balancers' groups are restricted too, to the services behind them (and HTTPS to
 * the internet where a listener authenticates, to reach the identity provider), and the
 * stack's file systems' groups send nothing, so that no group of the stack allows all
 * egress. Without rules the node does not exist and the
 * allow-all rule stays.
 *
 * Create and update authorize the wanted rules first and then revoke the others (the
 * allow-all rule among them), so a group is never left with less than the file allows;
 * remove puts the allow-all rules back (IPv4, and IPv6 in a dual-stack VPC) and then
 * revokes the file's. Discovery reports a group's egress only when it is not AWS's
 * default, so a group whose rules went back to allow-all has no node.
 *
 * Properties: group (the group's id), rules (sorted texts, see net_internal.h).
 */
#include <stdlib.h>
#include <string.h>

#include "net_internal.h"
#include "xalloc.h"


static const char *const allow_all[] = {"all all to 0.0.0.0/0", "all all to ::/0"};

/* ---- build ------------------------------------------------------------------------ */

static void add_text(svc_strings *rules, const char *protocol, int from, int to, const char *peer)
{
    char *t = resnet_rule_text(strcmp(protocol, "all") ? protocol : "-1", from, to, "to", peer);
    svc_strings_add(rules, t);
    free(t);
}

/* The node of a group the rules name ("sg/…"), or NULL with a message. */
static int depend_on_peers(res_graph *g, res_node *n, const svc_strings *rules)
{
    for (size_t i = 0; i < rules->n; i++) {
        resnet_rule r;
        if (resnet_rule_parse(rules->items[i], &r) != 0)
            continue;
        if (strncmp(r.peer, "sg/", 3) == 0) {
            res_node *peer = res_graph_find(g, r.peer);
            if (!peer)
                return res_graph_fail(g, "%s: egress to %s: the stack has no such security group (a "
                                      "file system or database named in egress must be declared in "
                                      "the stack)", n->id, r.peer);
            res_node_depend(n, peer);
        } else if (strcmp(r.peer, "vpc") == 0) {
            res_node_depend(n, res_graph_find(g, "vpc/main"));
        }
    }
    return 0;
}

static res_node *add_node(res_graph *g, const char *group, const char *label, svc_strings *rules)
{
    char *sg = xasprintf("sg/%s", group);
    cJSON *d = cJSON_CreateObject();
    cJSON_AddItemToObject(d, "group", res_ref(sg, "id"));
    cJSON_AddItemToObject(d, "rules", resnet_sorted_array(rules));
    res_node *n = res_graph_add(g, &res_kind_sg_egress, group, label, d);
    res_node_depend(n, res_graph_find(g, sg));
    free(sg);
    return n;
}

static void service_rules(const stack_service *svc, svc_strings *rules)
{
    for (size_t i = 0; i < svc->negress; i++) {
        const stack_egress *e = &svc->egress[i];
        char *peer = e->kind == STACK_DEST_SERVICE ? xasprintf("sg/%s", e->to) : xstrdup(e->to);
        add_text(rules, e->protocol, e->port, e->to_port, peer);
        free(peer);
    }
}

/* A load balancer reaches the services behind it on their traffic and health check ports,
 * and an identity provider over HTTPS when it authenticates (over IPv4 only: AWS). */
static void lb_rules(const stack_model *s, const stack_load_balancer *lb, svc_strings *rules)
{
    int auth = 0;
    for (size_t l = 0; l < lb->nlisteners; l++)
        auth |= lb->listeners[l].auth.kind != STACK_AUTH_NONE;
    for (size_t i = 0; i < s->nservices; i++) {
        const stack_service *svc = &s->services[i];
        if (!svc->has_load_balancer || strcmp(svc->lb.load_balancer, lb->name) != 0)
            continue;
        auth |= svc->lb.auth.kind != STACK_AUTH_NONE;
        char *peer = xasprintf("sg/%s", svc->name);
        int port = svc->lb.port ? svc->lb.port : stack_service_port(svc);
        if (port)
            add_text(rules, "tcp", port, port, peer);
        if (svc->lb.health.port && svc->lb.health.port != port)
            add_text(rules, "tcp", svc->lb.health.port, svc->lb.health.port, peer);
        free(peer);
    }
    if (auth)
        add_text(rules, "tcp", 443, 443, "0.0.0.0/0");
}

static int build(res_graph *g, const stack_model *s)
{
    svc_strings rules = {0};
    int restricted = 0;
    for (size_t i = 0; i < s->nservices; i++) {
        const stack_service *svc = &s->services[i];
        if (!svc->negress)
            continue;
        restricted = 1;
        service_rules(svc, &rules);
        char *label = xasprintf("egress rules of service %s", svc->name);
        res_node *n = add_node(g, svc->name, label, &rules);
        free(label);
        int rc = depend_on_peers(g, n, &rules);
        svc_strings_free(&rules);
        if (rc != 0)
            return -1;
    }
    for (size_t i = 0; restricted && i < s->nload_balancers; i++) {
        const stack_load_balancer *lb = &s->load_balancers[i];
        lb_rules(s, lb, &rules);
        char *group = xasprintf("lb-%s", lb->name);
        char *label = xasprintf("egress rules of load balancer %s", lb->name);
        res_node *n = add_node(g, group, label, &rules);
        int rc = depend_on_peers(g, n, &rules);
        free(group);
        free(label);
        svc_strings_free(&rules);
        if (rc != 0)
            return -1;
    }
    /* the stack's file systems' groups send nothing: security groups are stateful, so the
     * mount targets still answer NFS */
    for (size_t i = 0; restricted && i < s->nfile_systems; i++) {
        if (s->file_systems[i].existing)
            continue;
        char *group = xasprintf("efs-%s", s->file_systems[i].name);
        char *label = xasprintf("egress rules of file system %s (none)", s->file_systems[i].name);
        add_node(g, group, label, &rules);
        free(group);
        free(label);
    }
    return 0;
}

/* ---- discovery -------------------------------------------------------------------- */

/* AWS's default egress: allow-all over IPv4 (and IPv6 in a dual-stack VPC). */
static int is_default(const svc_strings *texts)
{
    if (texts->n == 0 || texts->n > 2)
        return 0;
    for (size_t i = 0; i < texts->n; i++)
        if (strcmp(texts->items[i], allow_all[0]) != 0 && strcmp(texts->items[i], allow_all[1]) != 0)
            return 0;
    return 1;
}

/* a group with AWS's default egress has no sg_egress resource, unless the file wants one */
static int found(const ec2_security_group *g, const svc_strings *texts, const res_node *n)
{
    (void)g;
    return !is_default(texts) || (n && n->desired);
}

static int discover(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    static const resnet_rules_kind egress = {"sg_egress", 1, found};
    return resnet_rules_discover(ctx, &egress, out, err);
}

/* ---- changing rules ---------------------------------------------------------------- */

static cJSON *props(const char *group, const cJSON *rules)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "group", group);
    cJSON_AddItemToObject(p, "rules", cJSON_Duplicate(rules, 1));
    return p;
}

/* The wanted rules first, then everything else goes (the allow-all rule too). */
static int apply(res_ctx *ctx, res_node *n, const char *group, const cJSON *have, aws_error *err)
{
    const cJSON *want = cJSON_GetObjectItemCaseSensitive(n->desired, "rules");
    if (resnet_rules_authorize(ctx, group, want, have, 1, err) != 0)
        return -1;
    /* from here the group is as restricted as the file says once the rest is revoked; a
     * failure below leaves it recorded for the rollback to restore. `group` may be the
     * node's own physical id, which res_node_set replaces: keep a copy. */
    char *id = xstrdup(group);
    res_node_set(ctx, n, id, props(id, want));
    int rc = resnet_rules_revoke_others(ctx, id, want, 1, err);
    free(id);
    return rc;
}

static int create(res_ctx *ctx, res_node *n, aws_error *err)
{
    const char *group = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(n->desired, "group"));
    if (!group) {
        aws_error_set(err, AWS_ERR_INPUT, "Unresolved", "the group of %s is not known yet", n->id);
        return -1;
    }
    return apply(ctx, n, group, NULL, err);
}

static int update(res_ctx *ctx, res_node *n, aws_error *err)
{
    return apply(ctx, n, n->physical_id, n->actual ? cJSON_GetObjectItemCaseSensitive(n->actual, "rules") : NULL,
                 err);
}

/* AWS's allow-all back, then the file's rules go. When the group itself is being
 * deleted in this run, only the rules go: a rule naming another group keeps that group
 * from being deleted (two services reaching each other would hold each other forever). */
static int remove_rules(res_ctx *ctx, res_node *n, aws_error *err)
{
    char *sg = xasprintf("sg/%s", strchr(n->id, '/') + 1);
    const res_node *group = ctx->graph ? res_graph_find(ctx->graph, sg) : NULL;
    free(sg);
    if (!group || !group->desired || group->action == RES_DELETE) {
        return res_not_found_ok(resnet_rules_revoke_others(ctx, n->physical_id, NULL, 1, err), err);
    }
    char *ipv6 = res_ref_value(ctx, "vpc/main", "ipv6_cidr");
    cJSON *keep = cJSON_CreateArray();
    cJSON_AddItemToArray(keep, cJSON_CreateString(allow_all[0]));
    if ((ipv6 && *ipv6) || (ctx->stack && ctx->stack->network.ipv6))
        cJSON_AddItemToArray(keep, cJSON_CreateString(allow_all[1]));
    free(ipv6);
    int rc = resnet_rules_authorize(ctx, n->physical_id, keep, NULL, 1, err);
    if (rc == 0)
        rc = resnet_rules_revoke_others(ctx, n->physical_id, keep, 1, err);
    rc = res_not_found_ok(rc, err); /* the group is gone, and its rules with it */
    cJSON_Delete(keep);
    return rc;
}

static const char *const replace_on[] = {"group", NULL};

/* a service's egress rules replace its group's allow-all */
static const res_ec2_grants ci_grants = {
    .reads = "ec2:DescribeSecurityGroupRules ec2:DescribeSecurityGroups",
    .changes = "ec2:AuthorizeSecurityGroupEgress ec2:RevokeSecurityGroupEgress",
    .resource = "security-group/*",
};

const res_kind res_kind_sg_egress = {
    .name = "sg_egress",
    .title = "security group egress",
    .build = build,
    .discover = discover,
    .create = create,
    .update = update,
    .remove = remove_rules,
    .replace_on = replace_on,
    .ci_ec2 = &ci_grants,
};
