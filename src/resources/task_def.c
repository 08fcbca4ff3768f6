/*
 * Task definitions, one family per service (STACK-SERVICE). The desired document is
 * compared in canonical form, so ECS's defaults never show as changes, with the revision
 * the service runs (or, without a service, the family's latest ACTIVE revision): a failed
 * deploy rolled back leaves the failed revision as the latest one, and that must not make
 * the next `up` register again. A real difference first looks for an ACTIVE revision of
 * the family equal to the file (task_def_revision.c) and uses it again; only when there is
 * none is a new revision registered. Either way the node's physical id becomes that ARN.
 * Old revisions stay ACTIVE for rollbacks; a rollback points back at the previous
 * revision without registering, and deregisters a revision the failed run registered
 * (not one it reused); `down` deregisters every ACTIVE revision of the family.
 *
 * Properties: family, canonical (the comparable document), document (create_only: the
 * RegisterTaskDefinition input), file_records (create_only: tags recording what the file
 * said before a deploy, written on the revision; see src/plan/keep.c); actual attributes
 * add arn and revision.
 */
#include <stdlib.h>
#include <string.h>

#include "app_internal.h"
#include "ci_policy_internal.h"
#include "ecs.h"
#include "stack_names.h"
#include "task_def_internal.h"
#include "xalloc.h"

extern const res_kind res_kind_task_def;

static int build(res_graph *g, const stack_model *s)
{
    for (size_t i = 0; i < s->nservices; i++) {
        const stack_service *svc = &s->services[i];
        char *family = stack_name_task_family(s->name, svc->name);
        cJSON *d = cJSON_CreateObject();
        res_node *n = res_graph_addf(g, &res_kind_task_def, svc->name, d, "task definition %s",
                                     family);
        n->model = svc;
        cJSON *doc = NULL;
        if (task_def_document(g, n, svc, &doc) != 0) {
            free(family);
            return -1;
        }
        cJSON_AddStringToObject(d, "family", family);
        cJSON_AddItemToObject(d, "canonical", ecs_taskdef_canonical(doc));
        cJSON_AddItemToObject(d, "document", doc);
        free(family);
    }
    return 0;
}

typedef struct {
    res_ctx *ctx;
    svc_strings families;
    res_found_list *out;
} discovery;

static int discover_one(void *ud, size_t i, aws_error *err)
{
    discovery *d = ud;
    ecs_task_definition t = {0};
    if (ecs_describe_task_definition(d->ctx->aws, d->families.items[i], &t, err) != 0) {
        ecs_task_definition_free(&t);
        /* deregistered meanwhile */
        return aws_error_is(err, AWS_IS_NOT_FOUND) ? 0 : -1;
    }
    const char *id = res_tags_node(d->ctx, &t.tags);
    if (id && t.status && !strcmp(t.status, "ACTIVE")) {
        res_found_add(d->out, id, t.arn, task_def_props(&t));
    }
    ecs_task_definition_free(&t);
    return 0;
}

static int discover(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    discovery d = {.ctx = ctx, .out = out};
    char *prefix = stack_name_task_family(ctx->stack_name, "");
    int rc = ecs_list_task_definition_families(ctx->aws, prefix, 0, &d.families, err);
    free(prefix);
    if (rc == 0) {
        rc = res_parallel(d.families.n, RES_READS_AT_ONCE, discover_one, &d, err);
    }
    svc_strings_free(&d.families);
    return rc;
}

static int register_revision(res_ctx *ctx, res_node *n, aws_error *err)
{
    const cJSON *doc = cJSON_GetObjectItem(n->desired, "document");
    svc_tags tags;
    res_tags_list(ctx, n, &tags);
    const cJSON *rec;
    cJSON_ArrayForEach(rec, cJSON_GetObjectItem(n->desired, "file_records"))
        if (cJSON_IsString(rec))
            svc_tags_add(&tags, rec->string, rec->valuestring);
    ecs_task_definition t = {0};
    int rc = ecs_register_task_definition(ctx->aws, doc, &tags, &t, err);
    svc_tags_free(&tags);
    if (rc == 0) {
        res_event(ctx, n, n->physical_id ? RES_UPDATE : RES_CREATE, RES_EV_PROGRESS,
                  "registered revision %d", t.revision);
        cJSON *props = task_def_props(&t);
        cJSON_AddBoolToObject(props, "registered_now", 1); /* for a rollback: not compared */
        res_node_set(ctx, n, t.arn, props);
    }
    ecs_task_definition_free(&t);
    return rc;
}

/* A rollback asks for the revision it had: it is still ACTIVE, so use it again; the
 * revision the failed run registered (not one it reused) is deregistered, as AWS allows
 * (it stays listed, INACTIVE). */
static int use_revision(res_ctx *ctx, res_node *n, const char *arn, aws_error *err)
{
    ecs_task_definition t = {0};
    int rc = ecs_describe_task_definition(ctx->aws, arn, &t, err);
    int registered = n->actual && cJSON_IsTrue(cJSON_GetObjectItem(n->actual, "registered_now"));
    if (rc == 0 && registered && n->physical_id && strcmp(n->physical_id, t.arn) != 0) {
        rc = ecs_deregister_task_definition(ctx->aws, n->physical_id, err);
        rc = res_not_found_ok(rc, err); /* already inactive */
    }
    if (rc == 0)
        res_node_set(ctx, n, t.arn, task_def_props(&t));
    ecs_task_definition_free(&t);
    return rc;
}

static int create(res_ctx *ctx, res_node *n, aws_error *err)
{
    return register_revision(ctx, n, err);
}

/* An ACTIVE revision equal to the file is used again rather than registered twice. */
static int reuse_or_register(res_ctx *ctx, res_node *n, aws_error *err)
{
    cJSON *props = NULL;
    if (task_def_find_equal(ctx, n, &props, err) != 0)
        return -1;
    if (!props)
        return register_revision(ctx, n, err);
    const cJSON *arn = cJSON_GetObjectItem(props, "arn");
    const cJSON *rev = cJSON_GetObjectItem(props, "revision");
    res_event(ctx, n, RES_UPDATE, RES_EV_PROGRESS, "revision %d is the same as the file: using it again",
              cJSON_IsNumber(rev) ? rev->valueint : 0);
    res_node_set(ctx, n, arn->valuestring, props); /* copies the id before taking props */
    return 0;
}

static int update(res_ctx *ctx, res_node *n, aws_error *err)
{
    if (cJSON_GetObjectItem(n->desired, "document"))
        return reuse_or_register(ctx, n, err);
    const cJSON *arn = cJSON_GetObjectItem(n->desired, "arn");
    if (!cJSON_IsString(arn)) {
        aws_error_set(err, AWS_ERR_INPUT, "NoRevision", "no task definition revision to return to");
        return -1;
    }
    return use_revision(ctx, n, arn->valuestring, err);
}

static int remove_family(res_ctx *ctx, res_node *n, aws_error *err)
{
    const cJSON *fam = n->actual ? cJSON_GetObjectItem(n->actual, "family") : NULL;
    if (!cJSON_IsString(fam))
        fam = n->desired ? cJSON_GetObjectItem(n->desired, "family") : NULL;
    if (!cJSON_IsString(fam))
        return 0;
    svc_strings arns = {0};
    int rc = ecs_list_task_definitions(ctx->aws, fam->valuestring, "ACTIVE", 0, 0, &arns, err);
    for (size_t i = 0; rc == 0 && i < arns.n; i++) {
        if (!task_def_of_family(arns.items[i], fam->valuestring))
            continue;
        rc = ecs_deregister_task_definition(ctx->aws, arns.items[i], err);
        rc = res_not_found_ok(rc, err); /* already inactive */
    }
    svc_strings_free(&arns);
    return rc;
}

static const char *const replace_on[] = {"family", NULL};
static const char *const create_only[] = {"document", "file_records", NULL};
static const char *const documents[] = {"canonical", NULL};

/* ECS takes no resource for registering and deregistering revisions */
static void ci_grant(ci_builder *b, int mine)
{
    ci_reads_writes(b, mine,
                    "ecs:ListTaskDefinitionFamilies ecs:ListTaskDefinitions ecs:DescribeTaskDefinition",
                    "ecs:RegisterTaskDefinition ecs:DeregisterTaskDefinition", ci_any(), NULL);
}

const res_kind res_kind_task_def = {
    .name = "task_def",
    .title = "task definition",
    .build = build,
    .discover = discover,
    .create = create,
    .update = update,
    .remove = remove_family,
    .replace_on = replace_on,
    .create_only = create_only,
    .documents = documents,
    .new_id_on_update = 1,
    .after_discover = task_def_use_service_revisions,
    .ci_grant = ci_grant,
};
