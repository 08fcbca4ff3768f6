/* What `ecsdeploy status` shows of a service beyond its id and state. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "elbv2.h"
#include "service_internal.h"
#include "xalloc.h"

static int revision_of(const char *arn)
{
    const char *colon = arn ? strrchr(arn, ':') : NULL;
    return colon ? atoi(colon + 1) : 0;
}

/* The images of a task definition's containers (an empty array when it cannot be read). */
static cJSON *images_of(aws_client *aws, const char *task_def)
{
    cJSON *images = cJSON_CreateArray();
    ecs_task_definition t = {0};
    aws_error err;
    aws_error_clear(&err);
    if (task_def && ecs_describe_task_definition(aws, task_def, &t, &err) == 0) {
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
static int read_targets(aws_client *aws, const char *tg, cJSON **counts)
{
    *counts = NULL;
    if (!tg)
        return 1;
    elbv2_target_healths h = {0};
    aws_error err;
    aws_error_clear(&err);
    if (elbv2_describe_target_health(aws, tg, NULL, 0, &h, &err) != 0)
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
    aws_client *aws;
    const char *seen_task_def, *target_group;
    const char *cluster, *name;
    ecs_service s;
    int found;
    cJSON *images, *stopped, *targets;
    int targets_ok;
} status_reads;

static int status_read(void *ud, size_t i, aws_error *err)
{
    status_reads *r = ud;
    switch (i) {
    case 0:
        return ecs_describe_service(r->aws, r->cluster, r->name, &r->s, &r->found, err);
    case 1:
        r->images = r->seen_task_def ? images_of(r->aws, r->seen_task_def) : NULL;
        return 0;
    case 2: {
        svc_strings why = {0};
        aws_error ignored;
        ecs_stopped_task_reasons(r->aws, r->cluster, r->name, NULL, 5, &why, &ignored);
        r->stopped = cJSON_CreateArray();
        for (size_t k = 0; k < why.n; k++)
            cJSON_AddItemToArray(r->stopped, cJSON_CreateString(why.items[k]));
        svc_strings_free(&why);
        return 0;
    }
    default:
        r->targets_ok = read_targets(r->aws, r->target_group, &r->targets);
        return 0;
    }
}

static void add_details(status_reads *r, cJSON *out)
{
    const ecs_service *s = &r->s;
    cJSON_AddNumberToObject(out, "desired", s->desired);
    cJSON_AddNumberToObject(out, "running", s->running);
    cJSON_AddNumberToObject(out, "pending", s->pending);
    res_prop_str(out, "task_definition", s->task_definition);
    cJSON_AddNumberToObject(out, "revision", revision_of(s->task_definition));
    /* a deployment since discovery: the images of the revision the service runs now */
    if (!r->images || !r->seen_task_def || !s->task_definition ||
        strcmp(r->seen_task_def, s->task_definition) != 0) {
        cJSON_Delete(r->images);
        r->images = images_of(r->aws, s->task_definition);
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
    if (s->n_events && s->events[0].created_at > 0) { /* newest first */
        char when[32];
        time_t t = (time_t)s->events[0].created_at;
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
        cJSON_AddStringToObject(out, "last_event_at", when);
    }
    cJSON_AddItemToObject(out, "stopped_reasons", r->stopped);
    r->stopped = NULL;
    if (r->targets) {
        cJSON_AddItemToObject(out, "targets", r->targets);
        r->targets = NULL;
    }
}

int res_service_status(aws_client *aws, const char *cluster, const char *name,
                       const char *seen_task_def, const char *target_group, cJSON *out,
                       aws_error *err)
{
    status_reads r = {.aws = aws, .seen_task_def = seen_task_def, .target_group = target_group,
                      .cluster = cluster, .name = name};
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
        add_details(&r, out);
        const ecs_deployment *p = ecs_service_primary(&r.s);
        int steady = r.s.status && !strcmp(r.s.status, "ACTIVE") && r.s.n_deployments == 1 &&
                     r.s.running == r.s.desired &&
                     (!p || !p->rollout_state || !strcmp(p->rollout_state, "COMPLETED"));
        steady &= r.targets_ok;
        cJSON_AddBoolToObject(out, "healthy", steady);
    }
    cJSON_Delete(r.images);
    cJSON_Delete(r.stopped);
    cJSON_Delete(r.targets);
    ecs_service_free(&r.s);
    return rc;
}

int service_status(res_ctx *ctx, res_node *n, cJSON *out, aws_error *err)
{
    const cJSON *props = n->actual ? n->actual : n->desired;
    const char *cluster = res_prop_string(props, "cluster"), *name = res_prop_string(props, "name");
    if (!cluster || !name)
        return 0;
    const char *url = res_prop_string(n->actual, "url");
    if (url)
        cJSON_AddStringToObject(out, "url", url);
    /* Service Connect: "server:3000 (discovery server) in sc2", or "client in sc2" */
    const cJSON *sc = n->actual ? cJSON_GetObjectItem(n->actual, "service_connect") : NULL;
    const stack_model *st = ctx->stack;
    if (cJSON_IsObject(sc) && st && st->connect_namespace) {
        char *words;
        if (res_prop_string(sc, "alias"))
            words = xasprintf("%s:%d (discovery %s) in %s", res_prop_string(sc, "alias"),
                              res_prop_int(sc, "alias_port", 0),
                              res_prop_string(sc, "discovery_name") ? res_prop_string(sc, "discovery_name") : "-",
                              st->connect_namespace);
        else
            words = xasprintf("client in %s", st->connect_namespace);
        cJSON_AddStringToObject(out, "service_connect", words);
        free(words);
    }
    /* autoscaling owns the count: say so beside it */
    const stack_service *svc = st ? stack_find_service(st, name) : NULL;
    if (svc && svc->scaling.set) {
        char *words = xasprintf("%d to %d tasks", svc->scaling.min, svc->scaling.max);
        cJSON_AddStringToObject(out, "scaling", words);
        free(words);
    }
    const cJSON *lb = cJSON_GetObjectItem(props, "load_balancer");
    return res_service_status(ctx->aws, cluster, name, res_prop_string(props, "task_definition"),
                              res_prop_string(lb, "target_group"), out, err);
}
