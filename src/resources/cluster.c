/*
 * The stack's ECS cluster (named like the stack), with Container Insights when the file
 * sets it and the Fargate capacity providers when any strategy uses them.
 *
 * Properties: name; insights ("enabled", "disabled", "enhanced") only when the file sets
 * it; capacity_providers (FARGATE and FARGATE_SPOT, both, as soon as the cluster or a
 * service has a strategy: a provider is never dropped while a service may still use it)
 * and default_strategy [{provider, weight, base}] (empty without one). A stack without
 * any strategy leaves the providers alone.
 */
#include <stdlib.h>
#include <string.h>

#include "ci_policy_internal.h"
#include "ecs.h"
#include "res.h"
#include "stack_names.h"
#include "xalloc.h"

extern const res_kind res_kind_cluster;

static int build(res_graph *g, const stack_model *s)
{
    if (s->nservices == 0)
        return 0;
    char *name = stack_name_cluster(s->name);
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "name", name);
    if (s->cluster.insights)
        cJSON_AddStringToObject(d, "insights", s->cluster.insights);
    int strategies = s->cluster.ncapacity > 0;
    for (size_t i = 0; i < s->nservices; i++)
        strategies |= s->services[i].has_capacity;
    if (strategies) {
        cJSON *p = cJSON_AddArrayToObject(d, "capacity_providers");
        cJSON_AddItemToArray(p, cJSON_CreateString("FARGATE"));
        cJSON_AddItemToArray(p, cJSON_CreateString("FARGATE_SPOT"));
    }
    cJSON_AddItemToObject(d, "default_strategy", stack_capacity_json(s->cluster.capacity, s->cluster.ncapacity));
    res_graph_addf(g, &res_kind_cluster, "main", d, "ECS cluster %s", name);
    free(name);
    return 0;
}

static cJSON *props_of(const ecs_cluster *c)
{
    cJSON *p = res_props("name", c->name, "arn", c->arn, "status", c->status,
                         "insights", c->container_insights, NULL);
    cJSON *a = cJSON_AddArrayToObject(p, "capacity_providers");
    for (size_t i = 0; i < c->capacity_providers.n; i++)
        cJSON_AddItemToArray(a, cJSON_CreateString(c->capacity_providers.items[i]));
    a = cJSON_AddArrayToObject(p, "default_strategy");
    for (size_t i = 0; i < c->default_strategy.n; i++) {
        const ecs_capacity *x = &c->default_strategy.items[i];
        cJSON *o = cJSON_CreateObject();
        res_prop_str(o, "provider", x->provider);
        cJSON_AddNumberToObject(o, "weight", x->weight);
        cJSON_AddNumberToObject(o, "base", x->base);
        cJSON_AddItemToArray(a, o);
    }
    return p;
}

static int discover(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    char *name = stack_name_cluster(ctx->stack_name);
    ecs_cluster c = {0};
    int found = 0;
    int rc = ecs_describe_cluster(ctx->aws, name, &c, &found, err);
    /* an INACTIVE cluster is a deleted one; a cluster someone else made is not ours */
    if (rc == 0 && found && c.status && strcmp(c.status, "INACTIVE") != 0 &&
        res_tags_match(ctx, &c.tags, NULL))
        res_found_add(out, "cluster/main", c.name, props_of(&c));
    ecs_cluster_free(&c);
    free(name);
    return rc;
}

/* The providers and default strategy of props, for the ECS client (free with free()). */
typedef struct {
    svc_strings providers;
    ecs_capacity *strategy;
    size_t n;
} capacity_input;

/* The providers props want, else those the cluster has (`have`, may be NULL): 0 when
 * neither names any (nothing to send at creation). */
static int capacity_of(const cJSON *props, const cJSON *have, capacity_input *in)
{
    memset(in, 0, sizeof *in);
    const cJSON *p = cJSON_GetObjectItem(props, "capacity_providers"), *e;
    if (!cJSON_IsArray(p))
        p = have ? cJSON_GetObjectItem(have, "capacity_providers") : NULL;
    cJSON_ArrayForEach(e, p) if (cJSON_IsString(e)) svc_strings_add(&in->providers, e->valuestring);
    const cJSON *st = cJSON_GetObjectItem(props, "default_strategy");
    in->strategy = xcalloc((size_t)cJSON_GetArraySize(st) + 1, sizeof *in->strategy);
    cJSON_ArrayForEach(e, st) {
        ecs_capacity *c = &in->strategy[in->n++];
        c->provider = cJSON_GetObjectItem(e, "provider")->valuestring;
        c->weight = cJSON_GetObjectItem(e, "weight")->valueint;
        c->base = cJSON_GetObjectItem(e, "base")->valueint;
    }
    return in->providers.n > 0;
}

static void capacity_free(capacity_input *in)
{
    svc_strings_free(&in->providers);
    free(in->strategy);
}


static int create(res_ctx *ctx, res_node *n, aws_error *err)
{
    svc_tags tags;
    res_tags_list(ctx, n, &tags);
    capacity_input cap;
    int with = capacity_of(n->desired, NULL, &cap);
    ecs_cluster_input in = {.name = res_prop_string(n->desired, "name"),
                            .tags = &tags,
                            .container_insights = res_prop_string(n->desired, "insights"),
                            .capacity_providers = with ? &cap.providers : NULL,
                            .default_strategy = cap.strategy,
                            .n_default_strategy = cap.n};
    ecs_cluster c = {0};
    int rc = ecs_create_cluster(ctx->aws, &in, &c, err);
    svc_tags_free(&tags);
    capacity_free(&cap);
    if (rc == 0)
        res_node_set(ctx, n, c.name, props_of(&c));
    ecs_cluster_free(&c);
    return rc;
}

/* Container Insights through UpdateCluster; providers and default strategy through
 * PutClusterCapacityProviders (the services' own strategies change after: they depend
 * on the cluster). */
static int update(res_ctx *ctx, res_node *n, aws_error *err)
{
    const cJSON *d = n->desired, *a = n->actual;
    ecs_cluster c = {0};
    int rc = 0;
    if (res_prop_changed(d, a, "insights")) {
        ecs_cluster_input in = {.name = n->physical_id, .container_insights = res_prop_string(n->desired, "insights")};
        rc = ecs_update_cluster(ctx->aws, &in, NULL, err);
    }
    if (rc == 0 && (res_prop_changed(d, a, "capacity_providers") ||
                    res_prop_changed(d, a, "default_strategy"))) {
        capacity_input cap;
        capacity_of(n->desired, n->actual, &cap);
        rc = ecs_put_cluster_capacity_providers(ctx->aws, n->physical_id, &cap.providers, cap.strategy, cap.n,
                                                NULL, err);
        capacity_free(&cap);
    }
    int found = 0;
    if (rc == 0)
        rc = ecs_describe_cluster(ctx->aws, n->physical_id, &c, &found, err);
    if (rc == 0 && found)
        res_node_set(ctx, n, c.name, props_of(&c));
    ecs_cluster_free(&c);
    return rc;
}

/* Deleting waits out the services still draining. */
static int poll_delete(res_ctx *ctx, res_node *n, void *ud, char *status, size_t len, aws_error *err)
{
    (void)ud;
    return res_delete_tried(ecs_delete_cluster(ctx->aws, n->physical_id, err), err, AWS_IS_BUSY,
                            status, len);
}

static int remove_cluster(res_ctx *ctx, res_node *n, aws_error *err)
{
    return res_wait(ctx, n, RES_DELETE, "the cluster to have no services and tasks left",
                    poll_delete, NULL, err);
}

static const char *const replace_on[] = {"name", NULL};
static const char *const unordered[] = {"capacity_providers", NULL};

static void ci_grant(ci_builder *b, int mine)
{
    ci_reads_writes(b, mine, "ecs:DescribeClusters",
                    "ecs:CreateCluster ecs:UpdateCluster ecs:DeleteCluster ecs:TagResource",
                    ci_one(ci_cluster_arn(b)), NULL);
}

const res_kind res_kind_cluster = {
    .name = "cluster",
    .title = "ECS cluster",
    .build = build,
    .discover = discover,
    .create = create,
    .update = update,
    .remove = remove_cluster,
    .replace_on = replace_on,
    .unordered = unordered,
    .ci_grant = ci_grant,
    .linked_role = "ecs.amazonaws.com",
};
