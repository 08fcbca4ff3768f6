/* deploy_history_get: a service's recent deployments with revision, image and outcome. */
#include <stdlib.h>
#include <string.h>

#include "deploy_internal.h"
#include "xalloc.h"

void deploy_history_free(deploy_history *h)
{
    for (size_t i = 0; i < h->n; i++) {
        deploy_history_item *x = &h->items[i];
        free(x->arn);
        free(x->status);
        free(x->task_definition);
        free(x->image);
        free(x->strategy);
        free(x->reason);
    }
    free(h->items);
    memset(h, 0, sizeof *h);
}

/* A copy of s, or NULL for a missing or empty string. */
static char *dup_nonempty(const char *s)
{
    return xstrdup_or_null(s && *s ? s : NULL);
}

/* Fill revision details (task definition, first image) from DescribeServiceRevisions. */
static void add_revision(const ecs_service_revisions *rv, const char *arn,
                         deploy_history_item *x)
{
    for (size_t i = 0; arn && i < rv->n; i++) {
        if (!rv->items[i].arn || strcmp(rv->items[i].arn, arn) != 0)
            continue;
        x->task_definition = dup_nonempty(rv->items[i].task_definition);
        const cJSON *imgs = cJSON_GetObjectItem(rv->items[i].raw, "containerImages");
        x->image = dup_nonempty(aws_json_str(cJSON_GetArrayItem(imgs, 0), "image"));
        return;
    }
}

int deploy_history_get(aws_client *c, const char *cluster, const char *service, size_t max,
                       deploy_history *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    ecs_service_deployments list = {0}, full = {0};
    if (ecs_list_service_deployments(c, cluster, service, NULL, 0, &list, err) != 0)
        return -1;
    size_t n = list.n < max ? list.n : max;
    const char **arns = xcalloc(n + 1, sizeof *arns);
    for (size_t i = 0; i < n; i++)
        arns[i] = list.items[i].arn;
    int rc = n ? ecs_describe_service_deployments(c, arns, n, &full, err) : 0;
    const char **revs = xcalloc(full.n + 1, sizeof *revs);
    size_t nrev = 0;
    for (size_t i = 0; i < full.n; i++)
        if (full.items[i].target_revision_arn)
            revs[nrev++] = full.items[i].target_revision_arn;
    ecs_service_revisions rv = {0};
    if (rc == 0 && nrev)
        rc = ecs_describe_service_revisions(c, revs, nrev, &rv, err);
    out->items = xcalloc(n + 1, sizeof *out->items);
    for (size_t i = 0; rc == 0 && i < n; i++) /* list order: newest first */
        for (size_t j = 0; j < full.n; j++) {
            const ecs_service_deployment *d = &full.items[j];
            if (!d->arn || strcmp(d->arn, arns[i]) != 0)
                continue;
            deploy_history_item *x = &out->items[out->n++];
            x->arn = xstrdup(d->arn);
            x->created_at = d->created_at;
            x->finished_at = d->finished_at ? d->finished_at : d->stopped_at;
            x->status = dup_nonempty(d->status);
            x->reason = dup_nonempty(d->rollback_reason ? d->rollback_reason : d->status_reason);
            const cJSON *cfg = cJSON_GetObjectItem(d->raw, "deploymentConfiguration");
            x->strategy = dup_nonempty(aws_json_str(cfg, "strategy"));
            add_revision(&rv, d->target_revision_arn, x);
        }
    ecs_service_revisions_free(&rv);
    free(revs);
    free(arns);
    ecs_service_deployments_free(&full);
    ecs_service_deployments_free(&list);
    if (rc != 0)
        deploy_history_free(out);
    return rc;
}
