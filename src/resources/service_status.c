/* What `ecsdeploy status` shows of a service beyond its id and state. */
#include <stdlib.h>
#include <string.h>

#include "service_internal.h"
#include "xalloc.h"

static int revision_of(const char *arn)
{
    const char *colon = arn ? strrchr(arn, ':') : NULL;
    return colon ? atoi(colon + 1) : 0;
}

static void add_images(res_ctx *ctx, const char *task_def, cJSON *out)
{
    cJSON *images = cJSON_AddArrayToObject(out, "images");
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
}

int service_status(res_ctx *ctx, res_node *n, cJSON *out, aws_error *err)
{
    const cJSON *props = n->actual ? n->actual : n->desired;
    const cJSON *cl = cJSON_GetObjectItem(props, "cluster");
    const cJSON *nm = cJSON_GetObjectItem(props, "name");
    if (!cJSON_IsString(cl) || !cJSON_IsString(nm))
        return 0;
    ecs_service s = {0};
    int found = 0;
    if (ecs_describe_service(ctx->aws, cl->valuestring, nm->valuestring, &s, &found, err) != 0)
        return -1;
    if (!found) {
        cJSON_AddBoolToObject(out, "healthy", 0);
        ecs_service_free(&s);
        return 0;
    }
    cJSON_AddNumberToObject(out, "desired", s.desired);
    cJSON_AddNumberToObject(out, "running", s.running);
    cJSON_AddNumberToObject(out, "pending", s.pending);
    res_prop_str(out, "task_definition", s.task_definition);
    cJSON_AddNumberToObject(out, "revision", revision_of(s.task_definition));
    add_images(ctx, s.task_definition, out);
    const ecs_deployment *p = ecs_service_primary(&s);
    res_prop_str(out, "rollout_state", p ? p->rollout_state : NULL);
    res_prop_str(out, "rollout_reason", p ? p->rollout_state_reason : NULL);
    cJSON_AddNumberToObject(out, "deployments", (double)s.n_deployments);
    cJSON *events = cJSON_AddArrayToObject(out, "events");
    for (size_t i = 0; i < s.n_events && i < 5; i++)
        cJSON_AddItemToArray(events, cJSON_CreateString(s.events[i].message));
    cJSON_AddItemToObject(out, "stopped_reasons",
                          service_stopped_reasons(ctx, cl->valuestring, nm->valuestring, NULL, 5));
    int steady = s.status && !strcmp(s.status, "ACTIVE") && s.n_deployments == 1 &&
                 s.running == s.desired &&
                 (!p || !p->rollout_state || !strcmp(p->rollout_state, "COMPLETED"));
    const cJSON *url = cJSON_GetObjectItem(n->actual, "url");
    if (cJSON_IsString(url))
        cJSON_AddStringToObject(out, "url", url->valuestring);
    cJSON_AddBoolToObject(out, "healthy", steady);
    ecs_service_free(&s);
    return 0;
}
