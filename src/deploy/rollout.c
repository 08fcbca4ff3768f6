/* deploy_run: derive and register the new revision, update the service, then watch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "deploy_internal.h"
#include "xalloc.h"

static int fail_msg(deploy_result *r, const char *msg)
{
    r->outcome = DEPLOY_FAILED;
    free(r->message);
    r->message = xstrdup(msg);
    return -1;
}

/* Change the container's image and environment in a copy of the current definition. */
static int edit_definition(const deploy_request *q, cJSON *in, deploy_result *r)
{
    cJSON *k = ecs_taskdef_container(in, q->container);
    if (!k) {
        char *m = xasprintf("the task definition of service %s has no container named %s",
                            q->service, q->container ? q->container : "(any)");
        fail_msg(r, m);
        free(m);
        return -1;
    }
    const char *name = aws_json_str(k, "name");
    const char *cur = aws_json_str(k, "image");
    char *img = q->image  ? xstrdup(q->image)
                : q->tag  ? deploy_image_with_tag(cur ? cur : "", q->tag)
                          : xstrdup(cur ? cur : "");
    ecs_taskdef_set_image(in, name, img);
    r->image = img;
    for (size_t i = 0; i < q->nenv; i++) {
        const char *eq = strchr(q->env[i], '=');
        char *key = xstrndup(q->env[i], eq ? (size_t)(eq - q->env[i]) : strlen(q->env[i]));
        ecs_taskdef_set_env(in, name, key, eq ? eq + 1 : "");
        free(key);
    }
    return 0;
}

/* The tags of the new revision: the current one's, with a record of each value this
 * deploy changes (the value it had, added to what the current revision recorded). */
static void record_changes(const deploy_request *q, const cJSON *was, const cJSON *now,
                           const svc_tags *had, svc_tags *out)
{
    const char *name = aws_json_str(now, "name");
    svc_tags add = {0};
    const char *img0 = aws_json_str(was, "image"), *img1 = aws_json_str(now, "image");
    if (img0 && img1 && strcmp(img0, img1) != 0) {
        char *key = res_file_tag_key(name, "image", NULL);
        char *rec = res_file_record_add(svc_tags_get(had, key), img0);
        svc_tags_add(&add, key, rec);
        free(rec);
        free(key);
    }
    for (size_t i = 0; i < q->nenv; i++) {
        size_t klen = strcspn(q->env[i], "=");
        char *var = xstrndup(q->env[i], klen);
        const char *v0 = NULL, *v1 = NULL;
        const cJSON *e;
        cJSON_ArrayForEach(e, cJSON_GetObjectItem(was, "environment"))
            if (aws_json_str(e, "name") && !strcmp(aws_json_str(e, "name"), var))
                v0 = aws_json_str(e, "value");
        cJSON_ArrayForEach(e, cJSON_GetObjectItem(now, "environment"))
            if (aws_json_str(e, "name") && !strcmp(aws_json_str(e, "name"), var))
                v1 = aws_json_str(e, "value");
        if (!v0 || !v1 || strcmp(v0, v1) != 0) {
            char *key = res_file_tag_key(name, "env", var);
            char *rec = res_file_record_add(svc_tags_get(had, key), v0);
            svc_tags_add(&add, key, rec);
            free(rec);
            free(key);
        }
        free(var);
    }
    for (size_t i = 0; i < had->n; i++)
        if (!svc_tags_get(&add, had->items[i].key))
            svc_tags_add(out, had->items[i].key, had->items[i].value);
    /* ECS allows 50 tags on a revision: records beyond that are not kept (up then takes
     * the file's value for those) */
    for (size_t i = 0; i < add.n && out->n < 50; i++)
        svc_tags_add(out, add.items[i].key, add.items[i].value);
    if (out->n == 50 && add.n)
        deploy_note_(q, "register", "some changed values could not be recorded (50 tags at "
                     "most): up will take the stack file's for them");
    svc_tags_free(&add);
}

/* The revision to deploy into r->task_definition: a new one registered, or the current
 * one when nothing changes (*same = 1). */
static int new_revision(aws_client *c, const deploy_request *q, const ecs_service *s,
                        deploy_result *r, int *same)
{
    aws_error err;
    ecs_task_definition td;
    if (ecs_describe_task_definition(c, s->task_definition, &td, &err) != 0)
        return deploy_fail_(r, "reading the service's task definition", &err);
    cJSON *in = ecs_taskdef_to_input(td.doc);
    int rc = edit_definition(q, in, r);
    if (rc == 0 && ecs_taskdef_equal(in, td.doc)) {
        *same = 1;
        r->task_definition = xstrdup(td.arn);
        deploy_note_(q, "register", "task definition unchanged; redeploying %s", td.arn);
    } else if (rc == 0) {
        ecs_task_definition nt;
        svc_tags tags = {0};
        const char *k = aws_json_str(ecs_taskdef_container(in, q->container), "name");
        record_changes(q, ecs_taskdef_container(td.doc, k), ecs_taskdef_container(in, k),
                       &td.tags, &tags);
        int reg = ecs_register_task_definition(c, in, tags.n ? &tags : NULL, &nt, &err);
        svc_tags_free(&tags);
        if (reg != 0) {
            rc = deploy_fail_(r, "registering the new task definition", &err);
        } else {
            r->task_definition = xstrdup(nt.arn);
            deploy_note_(q, "register", "registered %s:%d (image %s)", nt.family, nt.revision,
                         r->image);
            ecs_task_definition_free(&nt);
        }
    }
    cJSON_Delete(in);
    ecs_task_definition_free(&td);
    return rc;
}

static int pick(int asked, const cJSON *obj, const char *name, int def)
{
    return asked >= 0 ? asked : (int)aws_json_int(obj, name, def);
}

/* The deployment configuration to send: the service's, with the strategy asked. */
static void deployment_config(const deploy_request *q, const ecs_service *s,
                              ecs_deployment_config *dc, deploy_result *r)
{
    const cJSON *cur = cJSON_GetObjectItem(s->raw, "deploymentConfiguration");
    const char *st = q->strategy ? q->strategy : s->strategy ? s->strategy : "ROLLING";
    r->strategy = xstrdup(st);
    dc->strategy = q->strategy || s->strategy ? st : NULL;
    dc->min_healthy_percent = pick(q->min_healthy_percent, cur, "minimumHealthyPercent", -1);
    dc->max_percent = pick(q->max_percent, cur, "maximumPercent", -1);
    if (strcmp(st, "ROLLING") == 0) {
        dc->circuit_breaker = 1;
        dc->rollback = 1;
        return;
    }
    dc->bake_time_minutes = pick(q->bake_minutes, cur, "bakeTimeInMinutes", 5);
    const cJSON *cc = cJSON_GetObjectItem(cur, "canaryConfiguration");
    const cJSON *lc = cJSON_GetObjectItem(cur, "linearConfiguration");
    if (strcmp(st, "CANARY") == 0) {
        double p = cJSON_GetNumberValue(cJSON_GetObjectItem(cc, "canaryPercent"));
        dc->canary_percent = q->canary_percent > 0 ? q->canary_percent : p > 0 ? p : 10;
        dc->canary_bake_minutes = pick(q->canary_bake_minutes, cc, "canaryBakeTimeInMinutes", 5);
    } else if (strcmp(st, "LINEAR") == 0) {
        double p = cJSON_GetNumberValue(cJSON_GetObjectItem(lc, "stepPercent"));
        dc->linear_step_percent = q->step_percent > 0 ? q->step_percent : p > 0 ? p : 10;
        dc->linear_step_bake_minutes = pick(q->step_bake_minutes, lc, "stepBakeTimeInMinutes", 1);
    }
}

/* The service deployment UpdateService started: from its answer, else the newest one. */
static char *find_service_deployment(aws_client *c, const deploy_request *q,
                                     const ecs_service *after)
{
    if (after->current_service_deployment)
        return xstrdup(after->current_service_deployment);
    ecs_service_deployments d = {0};
    aws_error err;
    char *arn = NULL;
    if (ecs_list_service_deployments(c, q->cluster, q->service, NULL, 0, &d, &err) == 0 &&
        d.n > 0)
        arn = xstrdup(d.items[0].arn);
    ecs_service_deployments_free(&d);
    return arn;
}

static int update(aws_client *c, const deploy_request *q, const ecs_service *s, int same,
                  deploy_result *r)
{
    ecs_deployment_config dc = ECS_DEPLOYMENT_CONFIG_INIT;
    deployment_config(q, s, &dc, r);
    ecs_service_input up = ECS_SERVICE_INPUT_INIT;
    up.cluster = q->cluster;
    up.name = q->service;
    up.task_definition = r->task_definition;
    up.deployment = &dc;
    up.force_new_deployment = same;
    up.desired_count = q->desired_count;
    ecs_service after;
    aws_error err;
    if (ecs_update_service(c, &up, &after, &err) != 0)
        return deploy_fail_(r, "updating the service", &err);
    if (q->desired_count >= 0 && q->desired_count != s->desired) {
        /* the count it had, recorded (see "What the file said" in res.h) */
        char *key = res_file_tag_key(NULL, "desired_count", NULL), was[32];
        snprintf(was, sizeof was, "%d", s->desired);
        char *rec = res_file_record_add(svc_tags_get(&s->tags, key), was);
        svc_tag t = {key, rec};
        svc_tags tags = {&t, 1};
        if (ecs_tag_resource(c, s->arn, &tags, &err) != 0)
            deploy_note_(q, "update", "could not record the count it had (%s): up will take the "
                         "stack file's", err.message);
        free(rec);
        free(key);
    }
    r->service_deployment = find_service_deployment(c, q, &after);
    deploy_note_(q, "update", "service updated (%s) to %s", r->strategy, r->task_definition);
    ecs_service_free(&after);
    return 0;
}

static int describe(aws_client *c, const deploy_request *q, ecs_service *s, deploy_result *r)
{
    aws_error err;
    int found = 0;
    if (ecs_describe_service(c, q->cluster, q->service, s, &found, &err) != 0)
        return deploy_fail_(r, "reading the service", &err);
    if (!found || !s->status || strcmp(s->status, "ACTIVE") != 0) {
        char *m = xasprintf("service %s is not an active service of cluster %s", q->service,
                            q->cluster);
        fail_msg(r, m);
        free(m);
        if (found)
            ecs_service_free(s);
        return -1;
    }
    return 0;
}

int deploy_run(aws_client *c, const deploy_request *q, deploy_result *r)
{
    memset(r, 0, sizeof *r);
    ecs_service s;
    if (describe(c, q, &s, r) != 0)
        return -1;
    r->previous_task_definition = xstrdup(s.task_definition);
    int same = 0, rc;
    if (q->task_definition) {
        r->task_definition = xstrdup(q->task_definition);
        same = strcmp(s.task_definition, q->task_definition) == 0;
        rc = 0;
    } else if (!q->image && !q->tag && q->nenv == 0) {
        /* only the count: the revision stays, no new deployment */
        r->task_definition = xstrdup(s.task_definition);
        rc = 0;
    } else {
        rc = new_revision(c, q, &s, r, &same);
    }
    double started = util_wall();
    if (rc == 0)
        rc = update(c, q, &s, same, r);
    ecs_service_free(&s);
    if (rc != 0)
        return -1;
    if (q->no_wait) {
        r->outcome = DEPLOY_STARTED;
        r->message = xasprintf("deployment of %s started (not waiting)", r->task_definition);
        return 0;
    }
    deploy_watch_request w = {.cluster = q->cluster,
                              .service = q->service,
                              .task_definition = r->task_definition,
                              .service_deployment = r->service_deployment,
                              .since_epoch = started,
                              .healthy_after_s = q->healthy_after_s,
                              .timeout_s = q->timeout_s,
                              .poll_s = q->poll_s,
                              .rollback_on_timeout = q->rollback_on_timeout,
                              .progress = q->progress,
                              .ud = q->ud};
    return deploy_watch(c, &w, r);
}
