/*
 * sg_reach/SERVICE: the rules we add INTO existing groups so that a service may reach
 * them: ingress on port/protocol from the service's group, into the groups its `reach`
 * names and into the group of each existing database and cache it uses (on their port;
 * both known once the database or cache is read, so those rules are references until
 * then). The existing groups are never otherwise touched; our rules are recognised by
 * their description "ecsdeploy:STACK:SERVICE" and only those are ever revoked.
 *
 * Properties: source (our service group's id) and rules ("tcp 5432 into sg-…", compared
 * in any order).
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ci_policy_internal.h"
#include "net_internal.h"
#include "xalloc.h"

/* "tcp PORT into GROUP" of an existing database or cache (node id), as a reference. */
static cJSON *store_rule(res_graph *g, res_node *n, const char *id)
{
    res_node_depend(n, res_graph_find(g, id));
    cJSON *parts = cJSON_CreateArray();
    cJSON_AddItemToArray(parts, cJSON_CreateString("tcp "));
    cJSON_AddItemToArray(parts, res_ref(id, "port"));
    cJSON_AddItemToArray(parts, cJSON_CreateString(" into "));
    cJSON_AddItemToArray(parts, res_ref(id, "security_group_id"));
    return res_concat(parts);
}

/* The existing databases and caches the service uses, as node ids (free with
 * svc_strings_free). */
static void existing_stores(const stack_model *s, const stack_service *svc, svc_strings *out)
{
    memset(out, 0, sizeof *out);
    for (size_t u = 0; u < svc->ndatabases; u++) {
        const stack_database *db = stack_find_database(s, svc->databases[u].name);
        if (db && db->existing && !stack_store_use_repeats(svc->databases, u)) {
            char *id = xasprintf("database/%s", db->name);
            svc_strings_add(out, id);
            free(id);
        }
    }
    for (size_t u = 0; u < svc->ncaches; u++) {
        if (stack_store_use_repeats(svc->caches, u))
            continue;
        char *id = xasprintf("cache/%s", svc->caches[u].name);
        svc_strings_add(out, id);
        free(id);
    }
}

static int sg_reach_build(res_graph *g, const stack_model *s)
{
    for (size_t i = 0; i < s->nservices; i++) {
        const stack_service *svc = &s->services[i];
        svc_strings stores;
        existing_stores(s, svc, &stores);
        if (svc->nreach == 0 && stores.n == 0)
            continue;
        svc_strings rules = {0};
        for (size_t r = 0; r < svc->nreach; r++) {
            const stack_reach *re = &svc->reach[r];
            char *t = resnet_rule_text(re->protocol ? re->protocol : "tcp", re->port, re->port,
                                       "into", re->group);
            svc_strings_add(&rules, t);
            free(t);
        }
        char *sg = xasprintf("sg/%s", svc->name);
        cJSON *d = cJSON_CreateObject();
        cJSON_AddItemToObject(d, "source", res_ref(sg, "id"));
        cJSON *list = resnet_sorted_array(&rules);
        cJSON_AddItemToObject(d, "rules", list);
        res_node *n = res_graph_addf(g, &res_kind_sg_reach, svc->name, d,
                                     "rules of service %s in existing groups", svc->name);
        res_node_depend(n, res_graph_find(g, sg));
        for (size_t k = 0; k < stores.n; k++)
            cJSON_AddItemToArray(list, store_rule(g, n, stores.items[k]));
        svc_strings_free(&stores);
        free(sg);
        svc_strings_free(&rules);
    }
    return 0;
}

static char *rule_description(const res_ctx *ctx, const char *service)
{
    return xasprintf("ecsdeploy:%s:%s", ctx->stack_name, service);
}

typedef struct {
    char *service, *source;
    svc_strings rules;
} reach_set;

static reach_set *set_for(reach_set **sets, size_t *n, const char *service, const char *source)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*sets)[i].service, service) == 0)
            return &(*sets)[i];
    *sets = xrealloc(*sets, (*n + 1) * sizeof **sets);
    reach_set *s = &(*sets)[(*n)++];
    s->service = xstrdup(service);
    s->source = xstrdup(source);
    memset(&s->rules, 0, sizeof s->rules);
    return s;
}

/* Our rules in groups that are not ours: rules whose source is one of our groups and
 * whose description names this stack. */
static void collect(res_ctx *ctx, const ec2_security_groups *l, const svc_strings *ids,
                    reach_set **sets, size_t *nsets)
{
    char *prefix = xasprintf("ecsdeploy:%s:", ctx->stack_name);
    size_t plen = strlen(prefix);
    for (size_t i = 0; i < l->n; i++) {
        const ec2_security_group *g = &l->items[i];
        if (resnet_lookup(ids, ids, g->id))
            continue; /* one of ours: sg_rules' business */
        for (size_t k = 0; k < g->ningress; k++) {
            const ec2_permission *p = &g->ingress[k];
            if (!p->group_id[0] || !resnet_lookup(ids, ids, p->group_id) ||
                strncmp(p->description, prefix, plen) != 0)
                continue;
            reach_set *s = set_for(sets, nsets, p->description + plen, p->group_id);
            char *t = resnet_rule_text(p->protocol, p->from_port, p->to_port, "into", g->id);
            svc_strings_add(&s->rules, t);
            free(t);
        }
    }
    free(prefix);
}

static int sg_reach_discover(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    aws_error_clear(err);
    svc_strings ids, nodes;
    if (resnet_our_groups(ctx, &ids, &nodes, err) != 0)
        return -1;
    int rc = 0;
    if (ids.n) {
        char **values = xcalloc(ids.n + 1, sizeof *values);
        memcpy(values, ids.items, ids.n * sizeof *values);
        ec2_filter f = {"ip-permission.group-id", NULL, (const char *const *)values};
        ec2_describe_in in = {.filters = &f, .nfilters = 1};
        ec2_security_groups l = {0};
        rc = ec2_describe_security_groups(ctx->aws, &in, &l, err);
        free(values);
        reach_set *sets = NULL;
        size_t nsets = 0;
        if (rc == 0)
            collect(ctx, &l, &ids, &sets, &nsets);
        for (size_t i = 0; i < nsets; i++) {
            cJSON *p = cJSON_CreateObject();
            cJSON_AddStringToObject(p, "source", sets[i].source);
            cJSON_AddItemToObject(p, "rules", resnet_sorted_array(&sets[i].rules));
            res_found_add_named(out, &res_kind_sg_reach, sets[i].service, sets[i].source, p);
            free(sets[i].service);
            free(sets[i].source);
            svc_strings_free(&sets[i].rules);
        }
        free(sets);
        ec2_security_groups_free(&l);
    }
    svc_strings_free(&ids);
    svc_strings_free(&nodes);
    return rc;
}

static const char *service_of(const res_node *n)
{
    return strchr(n->id, '/') + 1;
}

/* Authorize (add 1) or revoke (add 0) one rule text from `source`. */
static int apply(res_ctx *ctx, const res_node *n, const char *source, const char *text, int add,
                 aws_error *err)
{
    resnet_rule r;
    if (resnet_rule_parse(text, &r) != 0) {
        aws_error_set(err, AWS_ERR_INPUT, "BadRule", "cannot read rule '%s'", text);
        return -1;
    }
    char *desc = rule_description(ctx, service_of(n));
    ec2_permission p = {.protocol = r.protocol, .from_port = r.from_port, .to_port = r.to_port,
                        .group_id = (char *)source, .description = desc};
    int rc = add ? ec2_authorize_ingress(ctx->aws, r.peer, &p, 1, NULL, err)
                 : ec2_revoke_ingress(ctx->aws, r.peer, &p, 1, NULL, err);
    free(desc);
    if (rc != 0 && aws_error_is(err, add ? AWS_IS_EXISTS : AWS_IS_NOT_FOUND))
        rc = 0;
    return rc;
}

static cJSON *reach_props(const char *source, const cJSON *rules)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "source", source);
    cJSON_AddItemToObject(p, "rules", cJSON_Duplicate(rules, 1));
    return p;
}


static int converge(res_ctx *ctx, res_node *n, const cJSON *have, aws_error *err)
{
    const char *source = res_prop_text(n->desired, "source");
    const cJSON *want = cJSON_GetObjectItemCaseSensitive(n->desired, "rules");
    const cJSON *v;
    cJSON_ArrayForEach(v, have)
    {
        if (!res_array_has(want, v->valuestring) &&
            apply(ctx, n, res_prop_text(n->actual, "source"), v->valuestring, 0, err) != 0)
            return -1;
    }
    cJSON_ArrayForEach(v, want)
    {
        if (!res_array_has(have, v->valuestring) && apply(ctx, n, source, v->valuestring, 1, err) != 0)
            return -1;
    }
    res_node_set(ctx, n, source, reach_props(source, want));
    return 0;
}

static int sg_reach_create(res_ctx *ctx, res_node *n, aws_error *err)
{
    return converge(ctx, n, NULL, err);
}

static int sg_reach_update(res_ctx *ctx, res_node *n, aws_error *err)
{
    cJSON *have = n->actual ? cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(n->actual, "rules"), 1)
                            : NULL;
    int rc = converge(ctx, n, have, err);
    cJSON_Delete(have);
    return rc;
}

static int sg_reach_remove(res_ctx *ctx, res_node *n, aws_error *err)
{
    const cJSON *rules = n->actual ? cJSON_GetObjectItemCaseSensitive(n->actual, "rules") : NULL;
    const char *source = n->physical_id;
    const cJSON *v;
    cJSON_ArrayForEach(v, rules) if (apply(ctx, n, source, v->valuestring, 0, err) != 0) return -1;
    return 0;
}

static const char *const sg_reach_replace_on[] = {"source", NULL};
static const char *const sg_reach_unordered[] = {"rules", NULL};

/* rules in existing groups: those groups by id (they carry no tag of the stack) */
static void ci_grant(ci_builder *b, int mine)
{
    READS(b, "ec2:DescribeSecurityGroupRules ec2:DescribeSecurityGroups");
    if (!mine)
        return;
    cJSON *groups = cJSON_CreateArray();
    const stack_model *s = b->g->stack;
    for (size_t i = 0; i < s->nservices; i++)
        for (size_t k = 0; k < s->services[i].nreach; k++)
            cJSON_AddItemToArray(groups, ci_arn(b, "ec2", 1, "security-group/%s",
                                                s->services[i].reach[k].group));
    ci_allow(b, "ec2:AuthorizeSecurityGroupIngress ec2:RevokeSecurityGroupIngress", groups, NULL);
}

const res_kind res_kind_sg_reach = {
    .name = "sg_reach",
    .title = "rules in existing security groups",
    .build = sg_reach_build,
    .discover = sg_reach_discover,
    .create = sg_reach_create,
    .update = sg_reach_update,
    .remove = sg_reach_remove,
    .replace_on = sg_reach_replace_on,
    .unordered = sg_reach_unordered,
    .ci_grant = ci_grant,
};

/* The existing groups the rules `up` is about to add go into (the "sg-…" peers). */
static void wanted_groups(const res_graph *g, svc_strings *out)
{
    for (size_t i = 0; i < g->n; i++) {
        const res_node *n = g->nodes[i];
        if (n->kind != &res_kind_sg_reach || !n->desired ||
            (n->action != RES_CREATE && n->action != RES_UPDATE && n->action != RES_REPLACE))
            continue;
        const cJSON *v;
        cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(n->desired, "rules")) {
            resnet_rule r;
            if (cJSON_IsString(v) && resnet_rule_parse(v->valuestring, &r) == 0 &&
                strncmp(r.peer, "sg-", 3) == 0 && !resnet_lookup(out, out, r.peer))
                svc_strings_add(out, r.peer);
        }
    }
}

int res_reach_check_groups(res_ctx *ctx, aws_error *err)
{
    svc_strings want = {0};
    wanted_groups(ctx->graph, &want);
    if (want.n == 0)
        return 0;
    char **values = xcalloc(want.n + 1, sizeof *values);
    memcpy(values, want.items, want.n * sizeof *values);
    ec2_filter f = {"group-id", NULL, (const char *const *)values};
    ec2_describe_in in = {.filters = &f, .nfilters = 1};
    ec2_security_groups l = {0};
    int rc = ec2_describe_security_groups(ctx->aws, &in, &l, err);
    free(values);
    buf missing = BUF_INIT;
    for (size_t i = 0; rc == 0 && i < want.n; i++) {
        size_t k = 0;
        while (k < l.n && strcmp(l.items[k].id, want.items[i]) != 0)
            k++;
        if (k == l.n)
            buf_printf(&missing, "%s%s", missing.len ? ", " : "", want.items[i]);
    }
    if (rc == 0 && missing.len) {
        aws_error_set(err, AWS_ERR_INPUT, "InvalidGroup.NotFound",
                      "the security groups services should reach (reach:) were not found: %s",
                      buf_str(&missing));
        rc = -1;
    }
    buf_free(&missing);
    ec2_security_groups_free(&l);
    svc_strings_free(&want);
    return rc;
}
