/* What `ecsdeploy status` shows of a service beyond its id and state. */
#include <stdlib.h>
#include <string.h>

#include "elbv2.h"
#include "service_internal.h"
#include "xalloc.h"

static int revision_of(const char *arn)
{
    const char *colon = arn ? strrchr(arn, ':') : NULL;
    return colon ? atoi(colon + 1) : 0;
}

/* The images of a task definition's containers (an empty array when it cannot be read). */
static cJSON *images_of(res_ctx *ctx, const char *task_def)
{
    cJSON *images = cJSON_CreateArray();
    ecs_task_definition t = {0};
    aws_error err;
    aws_error_clear(&err);
    if (task_def && ecs_describe_task_definition(ctx->aws, task_def, &t, &err) == 0) {
        const cJSON *k;
        cJSON_ArrayForEach(k, cJSON_GetObjectItem(t.doc, "containerDefinitions")) {
            const cJSON *img = cJSON_GetObjectItem(k, "image");
            if (cJSON_IsString(img))
                cJSON_AddItemToArray(images, cJSON_CreateString(img->valuestring));
        }
    }
    ecs_task_definition_free(&t);
    return images;
}

/* Target health counts by state ({"healthy": 2, "unhealthy": 1}) into *counts (NULL when
 * there is no target group or it cannot be read); 1 when none is unhealthy. */
static int read_targets(res_ctx *ctx, const cJSON *props, cJSON **counts)
{
    *counts = NULL;
    const cJSON *tg = cJSON_GetObjectItem(cJSON_GetObjectItem(props, "load_balancer"), "target_group");
    if (!cJSON_IsString(tg))
        return 1;
    elbv2_target_healths h = {0};
    aws_error err;
    aws_error_clear(&err);
    if (elbv2_describe_target_health(ctx->aws, tg->valuestring, NULL, 0, &h, &err) != 0)
        return 1;
    *counts = cJSON_CreateObject();
    int ok = 1;
    for (size_t i = 0; i < h.n; i++) {
        const char *state = h.items[i].state ? h.items[i].state : "unknown";
        cJSON *c = cJSON_GetObjectItem(*counts, state);
        if (c)
            cJSON_SetNumberValue(c, c->valuedouble + 1);
        else
            cJSON_AddNumberToObject(*counts, state, 1);
        ok &= strcmp(state, "unhealthy") != 0;
    }
    elbv2_target_healths_free(&h);
    return ok;
}

/* What status reads of a service, each on its own: the service, the images of the task
 * definition discovery saw it run, the reasons of its stopped tasks, its targets. */
typedef struct {
    res_ctx *ctx;
    const cJSON *props;
    const char *cluster, *name;
    ecs_service s;
    int found;
    cJSON *images, *stopped, *targets;
    int targets_ok;
} status_reads;

static int status_read(void *ud, size_t i, aws_error *err)
{
    status_reads *r = ud;
    const cJSON *td = cJSON_GetObjectItem(r->props, "task_definition");
    switch (i) {
    case 0:
        return ecs_describe_service(r->ctx->aws, r->cluster, r->name, &r->s, &r->found, err);
    case 1:
        r->images = cJSON_IsString(td) ? images_of(r->ctx, td->valuestring) : NULL;
        return 0;
    case 2: {
        svc_strings why = {0};
        aws_error ignored;
        ecs_stopped_task_reasons(r->ctx->aws, r->cluster, r->name, NULL, 5, &why, &ignored);
        r->stopped = cJSON_CreateArray();
        for (size_t k = 0; k < why.n; k++)
            cJSON_AddItemToArray(r->stopped, cJSON_CreateString(why.items[k]));
        svc_strings_free(&why);
        return 0;
    }
    default:
        r->targets_ok = read_targets(r->ctx, r->props, &r->targets);
        return 0;
    }
}

static void add_details(res_ctx *ctx, status_reads *r, cJSON *out)
{
    const ecs_service *s = &r->s;
    cJSON_AddNumberToObject(out, "desired", s->desired);
    cJSON_AddNumberToObject(out, "running", s->running);
    cJSON_AddNumberToObject(out, "pending", s->pending);
    res_prop_str(out, "task_definition", s->task_definition);
    cJSON_AddNumberToObject(out, "revision", revision_of(s->task_definition));
    /* a deployment since discovery: the images of the revision the service runs now */
    const cJSON *td = cJSON_GetObjectItem(r->props, "task_definition");
    if (!r->images || !cJSON_IsString(td) || !s->task_definition ||
        strcmp(td->valuestring, s->task_definition) != 0) {
        cJSON_Delete(r->images);
        r->images = images_of(ctx, s->task_definition);
    }
    cJSON_AddItemToObject(out, "images", r->images);
    r->images = NULL;
    const ecs_deployment *p = ecs_service_primary(s);
    res_prop_str(out, "rollout_state", p ? p->rollout_state : NULL);
    res_prop_str(out, "rollout_reason", p ? p->rollout_state_reason : NULL);
    cJSON_AddNumberToObject(out, "deployments", (double)s->n_deployments);
    cJSON *events = cJSON_AddArrayToObject(out, "events");
    for (size_t i = 0; i < s->n_events && i < 5; i++)
        cJSON_AddItemToArray(events, cJSON_CreateString(s->events[i].message));
    cJSON_AddItemToObject(out, "stopped_reasons", r->stopped);
    r->stopped = NULL;
    if (r->targets) {
        cJSON_AddItemToObject(out, "targets", r->targets);
        r->targets = NULL;
    }
}

int service_status(res_ctx *ctx, res_node *n, cJSON *out, aws_error *err)
{
    const cJSON *props = n->actual ? n->actual : n->desired;
    const cJSON *cl = cJSON_GetObjectItem(props, "cluster");
    const cJSON *nm = cJSON_GetObjectItem(props, "name");
    if (!cJSON_IsString(cl) || !cJSON_IsString(nm))
        return 0;
    status_reads r = {.ctx = ctx, .props = props, .cluster = cl->valuestring, .name = nm->valuestring};
    int rcs[4];
    aws_error errs[4];
    res_parallel_all(4, 4, status_read, &r, rcs, errs);
    int rc = 0;
    if (rcs[0] != 0) {
        *err = errs[0];
        rc = -1;
    } else if (!r.found) {
        cJSON_AddBoolToObject(out, "healthy", 0);
    } else {
        add_details(ctx, &r, out);
        const ecs_deployment *p = ecs_service_primary(&r.s);
        int steady = r.s.status && !strcmp(r.s.status, "ACTIVE") && r.s.n_deployments == 1 &&
                     r.s.running == r.s.desired &&
                     (!p || !p->rollout_state || !strcmp(p->rollout_state, "COMPLETED"));
        steady &= r.targets_ok;
        const cJSON *url = cJSON_GetObjectItem(n->actual, "url");
        if (cJSON_IsString(url))
            cJSON_AddStringToObject(out, "url", url->valuestring);
        cJSON_AddBoolToObject(out, "healthy", steady);
    }
    cJSON_Delete(r.images);
    cJSON_Delete(r.stopped);
    cJSON_Delete(r.targets);
    ecs_service_free(&r.s);
    return rc;
}
