/*
 * CloudWatch log groups with their retention (0: events never expire). A service logs to
 * /ecsdeploy/STACK/SERVICE (node log_group/SERVICE), to a group the file names for it
 * (services.S.logs.name, the same node), or to the stack's one shared group
 * (logs.name, node log_group/_stack: no service name starts with "_").
 *
 * Found by the name prefix /ecsdeploy/STACK/ (one DescribeLogGroups) and, for the names
 * the file chooses, by name (one DescribeLogGroups each, side by side) with the tags that
 * say whose they are (ListTagsForResource): a group of that name made by someone else is
 * not the stack's until `up` adopts it. CloudWatch Logs cannot list groups by tag, so a
 * chosen name the file no longer has is not found again: that group stays (with its
 * events) until deleted by hand.
 */
#include <stdlib.h>
#include <string.h>

#include "app_internal.h"
#include "ci_policy_internal.h"
#include "logs.h"
#include "res.h"
#include "stack_names.h"
#include "xalloc.h"

extern const res_kind res_kind_log_group;

#define SHARED "_stack"

static void add_group(res_graph *g, const char *name, const char *node, int days, const void *model)
{
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "name", name);
    cJSON_AddNumberToObject(d, "retention_days", days);
    char *label = days ? xasprintf("log group %s", name) : xasprintf("log group %s (never expires)", name);
    res_node *n = res_graph_add(g, &res_kind_log_group, node, label, d);
    n->model = model;
    free(label);
}

static int build(res_graph *g, const stack_model *s)
{
    int shared = 0;
    for (size_t i = 0; i < s->nservices; i++) {
        const stack_service *svc = &s->services[i];
        if (svc->log_group_shared)
            shared = 1;
        else
            add_group(g, svc->log_group, svc->name, svc->log_retention_days, svc);
    }
    if (shared)
        add_group(g, s->log_group, SHARED, s->log_retention_days, NULL);
    return 0;
}

char *res_log_group_node(const stack_service *svc)
{
    return xasprintf("log_group/%s", svc->log_group_shared ? SHARED : svc->name);
}

static cJSON *props_of(const logs_group *lg)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "name", lg->name);
    cJSON_AddNumberToObject(p, "retention_days", (double)lg->retention_days);
    res_prop_str(p, "arn", lg->arn);
    return p;
}

/* ---- reading ----------------------------------------------------------------------- */

typedef struct {
    res_ctx *ctx;
    const char *prefix;
    svc_strings chosen;  /* the names the file chooses (not under the prefix) */
    logs_groups *found;  /* per job: 0 the prefix, then each chosen name */
    res_found_list *out;
} discovery;

/* The group of exactly that name among those found by its prefix, or NULL. */
static const logs_group *exactly(const logs_groups *gs, const char *name)
{
    for (size_t i = 0; i < gs->n; i++)
        if (!strcmp(gs->items[i].name, name))
            return &gs->items[i];
    return NULL;
}

/* Job 0: the stack's default groups by prefix, their node ids from their names. Job k:
 * the chosen name k-1 and, when it exists, its tags. */
static int discover_part(void *ud, size_t i, aws_error *err)
{
    discovery *d = ud;
    const char *prefix = i == 0 ? d->prefix : d->chosen.items[i - 1];
    if (logs_describe_log_groups(d->ctx->aws, prefix, 0, &d->found[i], err) != 0)
        return -1;
    if (i == 0) {
        for (size_t k = 0; k < d->found[0].n; k++) {
            const logs_group *lg = &d->found[0].items[k];
            const char *service = lg->name + strlen(prefix);
            if (!*service || strchr(service, '/'))
                continue;
            res_found_add_named(d->out, &res_kind_log_group, service, lg->name, props_of(lg));
        }
        return 0;
    }
    const logs_group *lg = exactly(&d->found[i], prefix);
    if (!lg || !lg->arn)
        return 0;
    svc_tags tags = {0};
    /* not found: deleted meanwhile */
    int rc = res_not_found_ok(logs_list_tags_for_resource(d->ctx->aws, lg->arn, &tags, err), err);
    const char *id = res_tags_node(d->ctx, &tags);
    if (rc == 0 && id)
        res_found_add(d->out, id, lg->name, props_of(lg));
    svc_tags_free(&tags);
    return rc;
}

static int discover(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    char *prefix = stack_name_log_group(ctx->stack_name, "");
    discovery d = {.ctx = ctx, .prefix = prefix, .out = out};
    for (size_t i = 0; ctx->graph && i < ctx->graph->n; i++) {
        const res_node *n = ctx->graph->nodes[i];
        const cJSON *name = n->kind == &res_kind_log_group && n->desired ? cJSON_GetObjectItem(n->desired, "name") : NULL;
        if (cJSON_IsString(name) && strncmp(name->valuestring, prefix, strlen(prefix)) != 0)
            svc_strings_add(&d.chosen, name->valuestring);
    }
    d.found = xcalloc(d.chosen.n + 1, sizeof *d.found);
    int rc = res_parallel(d.chosen.n + 1, RES_READS_AT_ONCE, discover_part, &d, err);
    for (size_t i = 0; i <= d.chosen.n; i++)
        logs_groups_free(&d.found[i]);
    free(d.found);
    svc_strings_free(&d.chosen);
    free(prefix);
    return rc;
}

/* ---- changing ---------------------------------------------------------------------- */

/* The group's actual properties as they are (adopting it); *arn receives its ARN. */
static int read_back(res_ctx *ctx, res_node *n, const char *name, char **arn, aws_error *err)
{
    logs_groups groups = {0};
    if (logs_describe_log_groups(ctx->aws, name, 0, &groups, err) != 0)
        return -1;
    const logs_group *lg = exactly(&groups, name);
    if (lg) {
        res_node_set(ctx, n, name, props_of(lg));
        if (arn && lg->arn)
            *arn = xstrdup(lg->arn);
    }
    logs_groups_free(&groups);
    return 0;
}

/* After a create or update CloudWatch Logs accepted: the group is what was asked for, with
 * the ARN DescribeLogGroups would give (logGroupArn), built from the account (asked of STS
 * once per run at most): no read-back. */
static int record(res_ctx *ctx, res_node *n, const char *name, aws_error *err)
{
    const char *account = res_account(ctx, err);
    if (!account)
        return -1;
    cJSON *attrs = cJSON_CreateObject();
    char *arn = xasprintf("arn:%s:logs:%s:%s:log-group:%s", res_partition(ctx),
                          ctx->region ? ctx->region : "us-east-1", account, name);
    cJSON_AddStringToObject(attrs, "arn", arn);
    free(arn);
    res_node_set_desired(ctx, n, name, attrs);
    return 0;
}

static int set_retention(res_ctx *ctx, const char *name, int days, aws_error *err)
{
    if (days > 0)
        return logs_put_retention_policy(ctx->aws, name, days, err);
    int rc = logs_delete_retention_policy(ctx->aws, name, err);
    return rc != 0 && aws_error_is(err, AWS_IS_NOT_FOUND) ? 0 : rc;
}

/* A group of the chosen name that was there before: the stack's from now on (tagged as
 * this node's), so that the next run finds it and `down` deletes it. */
static int adopt(res_ctx *ctx, res_node *n, const char *name, aws_error *err)
{
    char *arn = NULL;
    int rc = read_back(ctx, n, name, &arn, err);
    if (rc == 0 && arn) {
        svc_tags tags;
        res_tags_list(ctx, n, &tags);
        rc = logs_tag_resource(ctx->aws, arn, &tags, err);
        svc_tags_free(&tags);
        if (rc == 0)
            res_event(ctx, n, RES_CREATE, RES_EV_NOTE, "%s was there already: the stack adopts it (its events "
                      "are kept; `down` deletes it)", name);
    }
    free(arn);
    return rc;
}

static int create(res_ctx *ctx, res_node *n, aws_error *err)
{
    const char *name = cJSON_GetObjectItem(n->desired, "name")->valuestring;
    int days = cJSON_GetObjectItem(n->desired, "retention_days")->valueint;
    svc_tags tags;
    res_tags_list(ctx, n, &tags);
    int rc = logs_create_log_group(ctx->aws, name, &tags, NULL, err);
    svc_tags_free(&tags);
    if (rc != 0 && !aws_error_is(err, AWS_IS_EXISTS))
        return -1;
    /* a re-run after a crash finds it created (tagged); a chosen name may be someone's */
    if (rc != 0 && adopt(ctx, n, name, err) != 0)
        return -1;
    /* it exists now: should what follows fail, the rollback deletes it */
    if (!n->physical_id)
        res_node_set(ctx, n, name, cJSON_CreateObject());
    if (set_retention(ctx, name, days, err) != 0)
        return -1;
    return record(ctx, n, name, err);
}

static int update(res_ctx *ctx, res_node *n, aws_error *err)
{
    const char *name = cJSON_GetObjectItem(n->desired, "name")->valuestring;
    if (set_retention(ctx, name, cJSON_GetObjectItem(n->desired, "retention_days")->valueint, err) != 0)
        return -1;
    return record(ctx, n, name, err);
}

static int remove_group(res_ctx *ctx, res_node *n, aws_error *err)
{
    return res_not_found_ok(logs_delete_log_group(ctx->aws, n->physical_id, err), err);
}

static const char *const replace_on[] = {"name", NULL};

static void ci_grant(ci_builder *b, int mine)
{
    READS(b, "logs:DescribeLogGroups");
    if (!mine)
        return;
    /* the default names share one prefix; a name chosen in the file is named itself */
    char *prefix = stack_name_log_group(b->g->stack->name, "");
    cJSON *r = ci_one(ci_arn(b, "logs", 1, "log-group:%s*", prefix));
    for (size_t i = 0; i < b->g->n; i++) {
        const res_node *n = b->g->nodes[i];
        const cJSON *name = n->desired ? cJSON_GetObjectItem(n->desired, "name") : NULL;
        if (strncmp(n->id, "log_group/", 10) == 0 && cJSON_IsString(name) &&
            strncmp(name->valuestring, prefix, strlen(prefix)) != 0)
            cJSON_AddItemToArray(r, ci_arn(b, "logs", 1, "log-group:%s:*", name->valuestring));
    }
    free(prefix);
    ci_allow(b, "logs:CreateLogGroup logs:PutRetentionPolicy logs:DeleteRetentionPolicy "
             "logs:TagResource logs:DeleteLogGroup",
             r, NULL);
}

const res_kind res_kind_log_group = {
    .name = "log_group",
    .title = "log group",
    .build = build,
    .discover = discover,
    .create = create,
    .update = update,
    .remove = remove_group,
    .replace_on = replace_on,
    .ci_grant = ci_grant,
};
