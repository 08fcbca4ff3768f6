/* The stack's ECS cluster (named like the stack). */
#include <stdlib.h>
#include <string.h>

#include "ecs.h"
#include "res.h"
#include "stack_names.h"
#include "xalloc.h"

extern const res_kind res_kind_cluster;

static int build(res_graph *g, const stack_model *s, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    if (s->nservices == 0)
        return 0;
    char *name = stack_name_cluster(s->name);
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "name", name);
    char *label = xasprintf("ECS cluster %s", name);
    res_graph_add(g, &res_kind_cluster, "main", label, d);
    free(label);
    free(name);
    return 0;
}

static cJSON *props_of(const ecs_cluster *c)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "name", c->name);
    res_prop_str(p, "arn", c->arn);
    res_prop_str(p, "status", c->status);
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

static int create(res_ctx *ctx, res_node *n, aws_error *err)
{
    svc_tags tags;
    res_tags_list(ctx, n, &tags);
    ecs_cluster_input in = {.name = cJSON_GetObjectItem(n->desired, "name")->valuestring,
                            .tags = &tags};
    ecs_cluster c = {0};
    int rc = ecs_create_cluster(ctx->aws, &in, &c, err);
    svc_tags_free(&tags);
    if (rc == 0)
        res_node_set(ctx, n, c.name, props_of(&c));
    ecs_cluster_free(&c);
    return rc;
}

/* Deleting waits out the services still draining. */
static int poll_delete(res_ctx *ctx, res_node *n, void *ud, char *status, size_t len, aws_error *err)
{
    (void)ud;
    if (ecs_delete_cluster(ctx->aws, n->physical_id, err) == 0 ||
        aws_error_is(err, AWS_IS_NOT_FOUND))
        return 1;
    if (aws_error_is(err, AWS_IS_IN_USE | AWS_IS_BUSY)) {
        snprintf(status, len, "%s", err->message);
        return 0;
    }
    return -1;
}

static int remove_cluster(res_ctx *ctx, res_node *n, aws_error *err)
{
    return res_wait(ctx, n, RES_DELETE, "the cluster to have no services and tasks left",
                    poll_delete, NULL, err);
}

static const char *const replace_on[] = {"name", NULL};

const res_kind res_kind_cluster = {
    .name = "cluster",
    .title = "ECS cluster",
    .build = build,
    .discover = discover,
    .create = create,
    .remove = remove_cluster,
    .replace_on = replace_on,
};
