/* The RegisterTaskDefinition input of a service (see task_def_internal.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_internal.h"
#include "stack_names.h"
#include "storage_internal.h"
#include "task_def_internal.h"
#include "xalloc.h"

static cJSON *strings(res_graph *g, res_node *n, char **items, size_t count)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < count; i++)
        cJSON_AddItemToArray(a, task_def_template(g, n, items[i]));
    return a;
}

static cJSON *environment(res_graph *g, res_node *n, const stack_container *k)
{
    cJSON *env = cJSON_CreateArray();
    for (size_t i = 0; i < k->nenvironment; i++) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "name", k->environment[i].name);
        cJSON_AddItemToObject(e, "value", task_def_template(g, n, k->environment[i].value));
        cJSON_AddItemToArray(env, e);
    }
    return env;
}

/* ARN:json_key:: for one key of a JSON secret whose ARN is `from` (ownership passes). */
static cJSON *json_key_of(cJSON *from, const char *json_key)
{
    cJSON *parts = cJSON_CreateArray();
    cJSON_AddItemToArray(parts, from);
    char *suffix = xasprintf(":%s::", json_key);
    cJSON_AddItemToArray(parts, cJSON_CreateString(suffix));
    free(suffix);
    return res_concat(parts);
}

static void add_secret(cJSON *list, const char *env, cJSON *from)
{
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "name", env);
    cJSON_AddItemToObject(e, "valueFrom", from);
    cJSON_AddItemToArray(list, e);
}

/* valueFrom: the secret's ARN, or ARN:json_key:: for one key of a JSON secret, or a
 * parameter's; also the password of each database the container uses, the "password"
 * key of the secret RDS keeps it in (RDS stores {"username", "password"}). */
static cJSON *secrets(res_graph *g, res_node *n, const stack_service *svc, size_t idx)
{
    const stack_container *k = &svc->containers[idx];
    cJSON *list = cJSON_CreateArray();
    for (size_t u = 0; u < svc->ndatabases; u++) {
        if (!svc->databases[u].password || svc->databases[u].container != idx)
            continue;
        char *id = xasprintf("database/%s", svc->databases[u].name);
        add_secret(list, svc->databases[u].password, json_key_of(res_ref_needed(g, n, id, "secret_arn"), "password"));
        free(id);
    }
    for (size_t i = 0; i < k->nsecrets; i++) {
        if (k->secrets[i].parameter) {
            add_secret(list, k->secrets[i].env, res_storage_value_from(g, n, &k->secrets[i]));
            continue;
        }
        char *id = xasprintf("secret/%s", k->secrets[i].secret);
        cJSON *from = res_ref_needed(g, n, id, "arn");
        if (k->secrets[i].json_key)
            from = json_key_of(from, k->secrets[i].json_key);
        add_secret(list, k->secrets[i].env, from);
        free(id);
    }
    return list;
}

static cJSON *health_check(const stack_health_check *h)
{
    cJSON *c = cJSON_CreateObject();
    cJSON *cmd = cJSON_AddArrayToObject(c, "command");
    for (size_t i = 0; i < h->ncommand; i++)
        cJSON_AddItemToArray(cmd, cJSON_CreateString(h->command[i]));
    cJSON_AddNumberToObject(c, "interval", h->interval);
    cJSON_AddNumberToObject(c, "timeout", h->timeout);
    cJSON_AddNumberToObject(c, "retries", h->retries);
    if (h->start_period > 0)
        cJSON_AddNumberToObject(c, "startPeriod", h->start_period);
    return c;
}

static cJSON *log_config(res_graph *g, res_node *n, const stack_service *svc)
{
    char *id = res_log_group_node(svc);
    cJSON *l = cJSON_CreateObject();
    cJSON_AddStringToObject(l, "logDriver", "awslogs");
    cJSON *o = cJSON_AddObjectToObject(l, "options");
    cJSON_AddItemToObject(o, "awslogs-group", res_ref_needed(g, n, id, "name"));
    cJSON_AddStringToObject(o, "awslogs-region", g->region);
    cJSON_AddStringToObject(o, "awslogs-stream-prefix", svc->name);
    free(id);
    return l;
}

/* The container that publishes the service's Service Connect port: the first one with it. */
static const stack_container *connect_container(const stack_service *svc)
{
    if (!svc->connect.set || svc->connect.client_only || !svc->connect.port_name)
        return NULL;
    for (size_t c = 0; c < svc->ncontainers; c++)
        for (size_t i = 0; i < svc->containers[c].nports; i++)
            if (svc->containers[c].ports[i].port == svc->connect.port)
                return &svc->containers[c];
    return NULL;
}

static cJSON *ports(const stack_service *svc, const stack_container *k)
{
    cJSON *p = cJSON_CreateArray();
    int named = connect_container(svc) == k;
    for (size_t i = 0; i < k->nports; i++) {
        cJSON *m = cJSON_CreateObject();
        cJSON_AddNumberToObject(m, "containerPort", k->ports[i].port);
        cJSON_AddStringToObject(m, "protocol", k->ports[i].protocol ? k->ports[i].protocol : "tcp");
        /* Service Connect finds the port it publishes by this name */
        if (named && k->ports[i].port == svc->connect.port) {
            cJSON_AddStringToObject(m, "name", svc->connect.port_name);
            named = 0;
        }
        cJSON_AddItemToArray(p, m);
    }
    return p;
}

static cJSON *mount_points(const stack_service *svc, const stack_container *k, int main)
{
    cJSON *m = cJSON_CreateArray();
    for (size_t i = 0; i < svc->nvolumes; i++) {
        const stack_volume *v = &svc->volumes[i];
        if (v->container ? strcmp(v->container, k->name) != 0 : !main)
            continue;
        cJSON *p = res_props("sourceVolume", v->name, "containerPath", v->path, NULL);
        cJSON_AddBoolToObject(p, "readOnly", v->read_only);
        cJSON_AddItemToArray(m, p);
    }
    return m;
}

static cJSON *container(res_graph *g, res_node *n, const stack_service *svc, size_t idx)
{
    const stack_container *k = &svc->containers[idx];
    cJSON *c = res_props("name", k->name, "image", k->image, NULL);
    cJSON_AddBoolToObject(c, "essential", k->essential);
    if (k->ncommand)
        cJSON_AddItemToObject(c, "command", strings(g, n, k->command, k->ncommand));
    if (k->nentry_point)
        cJSON_AddItemToObject(c, "entryPoint", strings(g, n, k->entry_point, k->nentry_point));
    if (k->cpu)
        cJSON_AddNumberToObject(c, "cpu", k->cpu);
    if (k->memory)
        cJSON_AddNumberToObject(c, "memory", k->memory);
    if (k->working_dir)
        cJSON_AddStringToObject(c, "workingDirectory", k->working_dir);
    if (k->user)
        cJSON_AddStringToObject(c, "user", k->user);
    if (k->readonly_root)
        cJSON_AddBoolToObject(c, "readonlyRootFilesystem", 1);
    if (k->nulimits) {
        cJSON *u = cJSON_AddArrayToObject(c, "ulimits");
        for (size_t i = 0; i < k->nulimits; i++) {
            cJSON *l = cJSON_CreateObject();
            cJSON_AddStringToObject(l, "name", k->ulimits[i].name);
            cJSON_AddNumberToObject(l, "softLimit", k->ulimits[i].soft);
            cJSON_AddNumberToObject(l, "hardLimit", k->ulimits[i].hard);
            cJSON_AddItemToArray(u, l);
        }
    }
    if (k->repository_credentials) {
        char *id = xasprintf("secret/%s", k->repository_credentials);
        cJSON *rc = cJSON_AddObjectToObject(c, "repositoryCredentials");
        cJSON_AddItemToObject(rc, "credentialsParameter", res_ref_needed(g, n, id, "arn"));
        free(id);
    }
    cJSON_AddItemToObject(c, "portMappings", ports(svc, k));
    cJSON_AddItemToObject(c, "environment", environment(g, n, k));
    cJSON_AddItemToObject(c, "secrets", secrets(g, n, svc, idx));
    cJSON *versions = res_storage_versions_label(g, n, k);
    if (versions)
        cJSON_AddItemToObject(cJSON_AddObjectToObject(c, "dockerLabels"), RES_PARAMETER_VERSIONS_LABEL, versions);
    cJSON_AddItemToObject(c, "mountPoints", mount_points(svc, k, idx == 0));
    if (k->health.set)
        cJSON_AddItemToObject(c, "healthCheck", health_check(&k->health));
    cJSON *deps = cJSON_AddArrayToObject(c, "dependsOn");
    for (size_t i = 0; i < k->ndepends_on; i++) {
        cJSON *d = cJSON_CreateObject();
        cJSON_AddStringToObject(d, "containerName", k->depends_on[i].container);
        static const char *const conditions[] = {"START", "COMPLETE", "SUCCESS", "HEALTHY"};
        cJSON_AddStringToObject(d, "condition", conditions[k->depends_on[i].condition]);
        cJSON_AddItemToArray(deps, d);
    }
    cJSON_AddItemToObject(c, "logConfiguration", log_config(g, n, svc));
    return c;
}

static cJSON *volume(res_graph *g, res_node *n, const stack_volume *v)
{
    if (v->kind == STACK_VOL_EFS && v->file_system)
        return res_storage_efs_volume(g, n, v);
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "name", v->name);
    if (v->kind == STACK_VOL_EBS) {
        cJSON_AddBoolToObject(j, "configuredAtLaunch", 1);
        return j;
    }
    cJSON *e = cJSON_AddObjectToObject(j, "efsVolumeConfiguration");
    cJSON_AddStringToObject(e, "fileSystemId", v->file_system_id);
    if (v->root_directory && !v->access_point)
        cJSON_AddStringToObject(e, "rootDirectory", v->root_directory);
    cJSON_AddStringToObject(e, "transitEncryption", v->transit_encryption || v->access_point ? "ENABLED" : "DISABLED");
    if (v->access_point) {
        cJSON *a = cJSON_AddObjectToObject(e, "authorizationConfig");
        cJSON_AddStringToObject(a, "accessPointId", v->access_point);
        cJSON_AddStringToObject(a, "iam", "ENABLED");
    }
    return j;
}

/* task_definition_json, merged last: objects member by member, anything else replaced. */
static void merge(cJSON *into, const cJSON *from)
{
    for (const cJSON *m = from->child; m; m = m->next) {
        cJSON *have = cJSON_GetObjectItemCaseSensitive(into, m->string);
        if (cJSON_IsObject(have) && cJSON_IsObject(m) && !cJSON_GetObjectItem(have, "ref"))
            merge(have, m);
        else if (have)
            cJSON_ReplaceItemInObjectCaseSensitive(into, m->string, cJSON_Duplicate(m, 1));
        else
            cJSON_AddItemToObject(into, m->string, cJSON_Duplicate(m, 1));
    }
}

int task_def_document(res_graph *g, res_node *n, const stack_service *svc, cJSON **out)
{
    cJSON *d = cJSON_CreateObject();
    char *family = stack_name_task_family(g->stack->name, svc->name);
    cJSON_AddStringToObject(d, "family", family);
    free(family);
    cJSON *compat = cJSON_AddArrayToObject(d, "requiresCompatibilities");
    cJSON_AddItemToArray(compat, cJSON_CreateString("FARGATE"));
    cJSON_AddStringToObject(d, "networkMode", "awsvpc");
    char num[16];
    snprintf(num, sizeof num, "%d", svc->cpu);
    cJSON_AddStringToObject(d, "cpu", num);
    snprintf(num, sizeof num, "%d", svc->memory);
    cJSON_AddStringToObject(d, "memory", num);
    cJSON *rp = cJSON_AddObjectToObject(d, "runtimePlatform");
    cJSON_AddStringToObject(rp, "cpuArchitecture", stack_arch_name(svc->arch));
    cJSON_AddStringToObject(rp, "operatingSystemFamily", "LINUX");
    char *id = xasprintf("role/exec-%s", svc->name);
    cJSON_AddItemToObject(d, "executionRoleArn", res_ref_needed(g, n, id, "arn"));
    free(id);
    id = xasprintf("role/task-%s", svc->name);
    if (res_graph_find(g, id))
        cJSON_AddItemToObject(d, "taskRoleArn", res_ref_needed(g, n, id, "arn"));
    free(id);
    cJSON *defs = cJSON_AddArrayToObject(d, "containerDefinitions");
    for (size_t i = 0; i < svc->ncontainers; i++)
        cJSON_AddItemToArray(defs, container(g, n, svc, i));
    cJSON *vols = cJSON_AddArrayToObject(d, "volumes");
    for (size_t i = 0; i < svc->nvolumes; i++)
        cJSON_AddItemToArray(vols, volume(g, n, &svc->volumes[i]));
    if (svc->ephemeral_storage_gib > 0)
        cJSON_AddNumberToObject(cJSON_AddObjectToObject(d, "ephemeralStorage"), "sizeInGiB",
                                svc->ephemeral_storage_gib);
    if (svc->task_definition_json) {
        cJSON *raw = cJSON_Parse(svc->task_definition_json);
        if (!cJSON_IsObject(raw)) {
            cJSON_Delete(raw);
            cJSON_Delete(d);
            return res_graph_fail(g, "service %s: task_definition_json is not a JSON object",
                                  svc->name);
        }
        merge(d, raw);
        cJSON_Delete(raw);
    }
    *out = d;
    return 0;
}
