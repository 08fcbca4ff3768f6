/*
 * CloudWatch log groups, one per service: /ecsdeploy/STACK/SERVICE with its retention.
 * Found by their name prefix (one DescribeLogGroups call for the whole stack).
 */
#include <stdlib.h>
#include <string.h>

#include "logs.h"
#include "res.h"
#include "stack_names.h"
#include "xalloc.h"

extern const res_kind res_kind_log_group;

static int build(res_graph *g, const stack_model *s, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    for (size_t i = 0; i < s->nservices; i++) {
        const stack_service *svc = &s->services[i];
        char *name = stack_name_log_group(s->name, svc->name);
        cJSON *d = cJSON_CreateObject();
        cJSON_AddStringToObject(d, "name", name);
        cJSON_AddNumberToObject(d, "retention_days", svc->log_retention_days);
        char *label = xasprintf("log group %s", name);
        res_node *n = res_graph_add(g, &res_kind_log_group, svc->name, label, d);
        n->model = svc;
        free(label);
        free(name);
    }
    return 0;
}

static cJSON *props_of(const logs_group *lg)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "name", lg->name);
    cJSON_AddNumberToObject(p, "retention_days", (double)lg->retention_days);
    res_prop_str(p, "arn", lg->arn);
    return p;
}

static int discover(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    char *prefix = stack_name_log_group(ctx->stack_name, "");
    logs_groups groups = {0};
    int rc = logs_describe_log_groups(ctx->aws, prefix, 0, &groups, err);
    for (size_t i = 0; rc == 0 && i < groups.n; i++) {
        const char *service = groups.items[i].name + strlen(prefix);
        if (!*service || strchr(service, '/'))
            continue;
        char *id = xasprintf("log_group/%s", service);
        res_found_add(out, id, groups.items[i].name, props_of(&groups.items[i]));
        free(id);
    }
    logs_groups_free(&groups);
    free(prefix);
    return rc;
}

static int read_back(res_ctx *ctx, res_node *n, const char *name, aws_error *err)
{
    logs_groups groups = {0};
    if (logs_describe_log_groups(ctx->aws, name, 0, &groups, err) != 0)
        return -1;
    for (size_t i = 0; i < groups.n; i++)
        if (strcmp(groups.items[i].name, name) == 0)
            res_node_set(ctx, n, name, props_of(&groups.items[i]));
    logs_groups_free(&groups);
    return 0;
}

static int set_retention(res_ctx *ctx, const char *name, int days, aws_error *err)
{
    if (days > 0)
        return logs_put_retention_policy(ctx->aws, name, days, err);
    int rc = logs_delete_retention_policy(ctx->aws, name, err);
    return rc != 0 && aws_error_is(err, AWS_IS_NOT_FOUND) ? 0 : rc;
}

static int create(res_ctx *ctx, res_node *n, aws_error *err)
{
    const char *name = cJSON_GetObjectItem(n->desired, "name")->valuestring;
    int days = cJSON_GetObjectItem(n->desired, "retention_days")->valueint;
    svc_tags tags;
    res_tags_list(ctx, n, &tags);
    int rc = logs_create_log_group(ctx->aws, name, &tags, NULL, err);
    svc_tags_free(&tags);
    /* a re-run after a crash finds it created: carry on */
    if (rc != 0 && !aws_error_is(err, AWS_IS_EXISTS))
        return -1;
    /* it exists now: should what follows fail, the rollback deletes it */
    res_node_set(ctx, n, name, cJSON_CreateObject());
    if (set_retention(ctx, name, days, err) != 0)
        return -1;
    return read_back(ctx, n, name, err);
}

static int update(res_ctx *ctx, res_node *n, aws_error *err)
{
    const char *name = cJSON_GetObjectItem(n->desired, "name")->valuestring;
    if (set_retention(ctx, name, cJSON_GetObjectItem(n->desired, "retention_days")->valueint, err) != 0)
        return -1;
    return read_back(ctx, n, name, err);
}

static int remove_group(res_ctx *ctx, res_node *n, aws_error *err)
{
    int rc = logs_delete_log_group(ctx->aws, n->physical_id, err);
    if (rc != 0 && aws_error_is(err, AWS_IS_NOT_FOUND))
        rc = 0;
    return rc;
}

static const char *const replace_on[] = {"name", NULL};

const res_kind res_kind_log_group = {
    .name = "log_group",
    .title = "log group",
    .build = build,
    .discover = discover,
    .create = create,
    .update = update,
    .remove = remove_group,
    .replace_on = replace_on,
};
