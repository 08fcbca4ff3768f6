/*
 * Which revision of a task definition family a node stands for, so that a revision is
 * registered only when the stack file really differs from what runs:
 *   - after discovery, a family whose service runs another revision than the family's
 *     latest ACTIVE one (a failed `up` or `ecsdeploy deploy` rolled back leaves the failed
 *     revision as the latest) is compared with the revision the service runs;
 *   - before registering, an ACTIVE revision of the family equal to the desired document
 *     (among the newest TASK_DEF_REUSE_SCAN) is used again instead of a duplicate.
 */
#include <stdlib.h>
#include <string.h>

#include "app_internal.h"
#include "ecs.h"
#include "task_def_internal.h"
#include "xalloc.h"

#define TASK_DEF_REUSE_SCAN 10

cJSON *task_def_props(const ecs_task_definition *t)
{
    cJSON *p = res_props("family", t->family, "arn", t->arn, NULL);
    cJSON_AddNumberToObject(p, "revision", t->revision);
    cJSON *input = ecs_taskdef_to_input(t->doc);
    cJSON_AddItemToObject(p, "canonical", ecs_taskdef_canonical(input));
    cJSON_Delete(input);
    /* not compared: what the file said before a deploy (src/plan/keep.c) */
    cJSON_AddItemToObject(p, "file_records", res_file_records_of(&t->tags));
    return p;
}

int task_def_of_family(const char *arn, const char *family)
{
    const char *slash = strrchr(arn, '/');
    const char *name = slash ? slash + 1 : arn;
    size_t len = strlen(family);
    return strncmp(name, family, len) == 0 && name[len] == ':';
}

/* Revisions to describe, one per slot; results land in the same slot. */
typedef struct {
    res_ctx *ctx;
    res_node **nodes;  /* in_use: the node each ARN is for; reuse: NULL */
    char **arns;
    cJSON **props;     /* described revision's properties, NULL when gone */
    size_t n;
} lookups;

static void lookups_add(lookups *l, res_node *n, const char *arn)
{
    l->nodes = xrealloc(l->nodes, (l->n + 1) * sizeof *l->nodes);
    l->arns = xrealloc(l->arns, (l->n + 1) * sizeof *l->arns);
    l->props = xrealloc(l->props, (l->n + 1) * sizeof *l->props);
    l->nodes[l->n] = n;
    l->arns[l->n] = xstrdup(arn);
    l->props[l->n] = NULL;
    l->n++;
}

static void lookups_free(lookups *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->arns[i]);
        cJSON_Delete(l->props[i]);
    }
    free(l->nodes);
    free(l->arns);
    free(l->props);
}

static int describe_one(void *ud, size_t i, aws_error *err)
{
    lookups *l = ud;
    ecs_task_definition t = {0};
    if (ecs_describe_task_definition(l->ctx->aws, l->arns[i], &t, err) != 0) {
        ecs_task_definition_free(&t);
        return aws_error_is(err, AWS_IS_NOT_FOUND) ? 0 : -1; /* gone meanwhile */
    }
    l->props[i] = task_def_props(&t);
    ecs_task_definition_free(&t);
    return 0;
}


/* The revision of n's family that its service runs, when not n's physical id; else NULL. */
static const char *service_revision(res_ctx *ctx, const res_node *n)
{
    const char *family = res_prop_string(n->desired, "family");
    char *sid = xasprintf("service/%s", strchr(n->id, '/') + 1);
    const res_node *s = res_graph_find(ctx->graph, sid);
    free(sid);
    const char *td = s ? res_prop_string(s->actual, "task_definition") : NULL;
    if (!family || !td || !task_def_of_family(td, family))
        return NULL;
    return n->physical_id && strcmp(n->physical_id, td) == 0 ? NULL : td;
}

int task_def_use_service_revisions(res_ctx *ctx, aws_error *err)
{
    lookups l = {.ctx = ctx};
    res_graph *g = ctx->graph;
    for (size_t i = 0; i < g->n; i++) {
        res_node *n = g->nodes[i];
        if (strcmp(n->kind->name, "task_def") != 0 || !n->desired)
            continue;
        const char *td = service_revision(ctx, n);
        if (td)
            lookups_add(&l, n, td);
    }
    int rc = l.n ? res_parallel(l.n, 8, describe_one, &l, err) : 0;
    for (size_t i = 0; rc == 0 && i < l.n; i++) {
        if (!l.props[i])
            continue;
        res_node_set(ctx, l.nodes[i], l.arns[i], l.props[i]);
        l.props[i] = NULL;
    }
    lookups_free(&l);
    return rc;
}

int task_def_find_equal(res_ctx *ctx, res_node *n, cJSON **props, aws_error *err)
{
    *props = NULL;
    const char *family = res_prop_string(n->desired, "family");
    const cJSON *want = cJSON_GetObjectItemCaseSensitive(n->desired, "canonical");
    if (!family || !want)
        return 0;
    svc_strings arns = {0};
    if (ecs_list_task_definitions(ctx->aws, family, "ACTIVE", 1, 0, &arns, err) != 0)
        return -1;
    lookups l = {.ctx = ctx};
    for (size_t i = 0; i < arns.n && l.n < TASK_DEF_REUSE_SCAN; i++)
        if (task_def_of_family(arns.items[i], family) &&
            !(n->physical_id && strcmp(arns.items[i], n->physical_id) == 0))
            lookups_add(&l, NULL, arns.items[i]);
    svc_strings_free(&arns);
    int rc = l.n ? res_parallel(l.n, 8, describe_one, &l, err) : 0;
    /* newest first: the newest equal revision wins; its records of what the file said
     * must be the ones wanted too, or a later `up` would judge the kept values wrongly */
    cJSON *none = cJSON_CreateObject();
    const cJSON *records = cJSON_GetObjectItemCaseSensitive(n->desired, "file_records");
    for (size_t i = 0; rc == 0 && i < l.n && !*props; i++) {
        const cJSON *have = l.props[i] ? cJSON_GetObjectItemCaseSensitive(l.props[i], "canonical") : NULL;
        const cJSON *had = l.props[i] ? cJSON_GetObjectItemCaseSensitive(l.props[i], "file_records") : NULL;
        if (have && cJSON_Compare(have, want, 1) &&
            cJSON_Compare(had ? had : none, records ? records : none, 1)) {
            *props = l.props[i];
            l.props[i] = NULL;
        }
    }
    cJSON_Delete(none);
    lookups_free(&l);
    return rc;
}
