/*
 * What the application kinds take from file systems and parameters (storage_internal.h):
 * the roles' statements, the task definition's EFS volumes and Parameter Store secrets,
 * the service's wait for mount targets.
 */
#include <stdlib.h>
#include <string.h>

#include "storage_internal.h"
#include "xalloc.h"

int res_storage_mounts(const stack_service *svc)
{
    for (size_t i = 0; i < svc->nvolumes; i++)
        if (svc->volumes[i].kind == STACK_VOL_EFS && svc->volumes[i].file_system)
            return 1;
    return 0;
}

/* ---- the task role: EFS clients ------------------------------------------------------ */

/* One statement per (file system, access point) the service mounts through. */
typedef struct {
    const char *fs, *ap;
    int write, root;
} efs_grant;

static cJSON *efs_statement(res_graph *g, res_node *n, const efs_grant *grant)
{
    cJSON *st = cJSON_CreateObject();
    cJSON_AddStringToObject(st, "Effect", "Allow");
    cJSON *actions = cJSON_AddArrayToObject(st, "Action");
    cJSON_AddItemToArray(actions, cJSON_CreateString("elasticfilesystem:ClientMount"));
    if (grant->write)
        cJSON_AddItemToArray(actions, cJSON_CreateString("elasticfilesystem:ClientWrite"));
    if (grant->root)
        cJSON_AddItemToArray(actions, cJSON_CreateString("elasticfilesystem:ClientRootAccess"));
    char *fs = xasprintf("file_system/%s", grant->fs);
    cJSON_AddItemToObject(st, "Resource", res_ref_needed(g, n, fs, "arn"));
    free(fs);
    if (grant->ap) {
        char *ap = xasprintf("access_point/%s.%s", grant->fs, grant->ap);
        cJSON *cond = cJSON_AddObjectToObject(cJSON_AddObjectToObject(st, "Condition"), "StringEquals");
        cJSON_AddItemToObject(cond, "elasticfilesystem:AccessPointArn", res_ref_needed(g, n, ap, "arn"));
        free(ap);
    }
    return st;
}

void res_storage_task_statements(res_graph *g, res_node *n, const stack_service *svc, cJSON *statements)
{
    efs_grant *grants = xcalloc(svc->nvolumes + 1, sizeof *grants);
    size_t ng = 0;
    for (size_t i = 0; i < svc->nvolumes; i++) {
        const stack_volume *v = &svc->volumes[i];
        if (v->kind != STACK_VOL_EFS || !v->file_system)
            continue;
        size_t k = 0;
        while (k < ng && !(strcmp(grants[k].fs, v->file_system) == 0 &&
                           (grants[k].ap && v->fs_access_point ? strcmp(grants[k].ap, v->fs_access_point) == 0
                                                                : grants[k].ap == v->fs_access_point)))
            k++;
        if (k == ng)
            grants[ng++] = (efs_grant){v->file_system, v->fs_access_point, 0, 0};
        grants[k].write |= !v->read_only;
        grants[k].root |= v->root_access;
    }
    for (size_t k = 0; k < ng; k++)
        cJSON_AddItemToArray(statements, efs_statement(g, n, &grants[k]));
    free(grants);
}

/* ---- the execution role: Parameter Store --------------------------------------------- */

static cJSON *allow(const char *action, cJSON *resources)
{
    cJSON *st = cJSON_CreateObject();
    cJSON_AddStringToObject(st, "Effect", "Allow");
    cJSON_AddItemToArray(cJSON_AddArrayToObject(st, "Action"), cJSON_CreateString(action));
    cJSON_AddItemToObject(st, "Resource", resources);
    return st;
}

void res_storage_exec_statements(res_graph *g, res_node *n, const stack_service *svc, cJSON *statements)
{
    cJSON *arns = cJSON_CreateArray(), *keys = cJSON_CreateArray(), *seen = cJSON_CreateArray();
    for (size_t c = 0; c < svc->ncontainers; c++)
        for (size_t k = 0; k < svc->containers[c].nsecrets; k++) {
            const stack_secret_env *se = &svc->containers[c].secrets[k];
            const stack_ssm_parameter *p = se->parameter ? stack_find_ssm_parameter(g->stack, se->parameter) : NULL;
            if (!p || res_array_has(seen, p->name))
                continue;
            cJSON_AddItemToArray(seen, cJSON_CreateString(p->name));
            char *id = xasprintf("parameter/%s", p->name);
            cJSON *arn = res_ref_needed(g, n, id, "arn");
            if (p->source == STACK_SSM_PATH) {
                cJSON *parts = cJSON_CreateArray();
                cJSON_AddItemToArray(parts, arn);
                cJSON_AddItemToArray(parts, cJSON_CreateString("/*"));
                arn = res_concat(parts);
            }
            cJSON_AddItemToArray(arns, arn);
            if (p->kms_key)
                cJSON_AddItemToArray(keys, res_ref(id, "kms_key_arn"));
            free(id);
        }
    if (cJSON_GetArraySize(arns))
        cJSON_AddItemToArray(statements, allow("ssm:GetParameters", arns));
    else
        cJSON_Delete(arns);
    if (cJSON_GetArraySize(keys))
        cJSON_AddItemToArray(statements, allow("kms:Decrypt", keys));
    else
        cJSON_Delete(keys);
    cJSON_Delete(seen);
}

/* ---- the task definition ----------------------------------------------------------- */

cJSON *res_storage_value_from(res_graph *g, res_node *n, const stack_secret_env *se)
{
    char *id = xasprintf("parameter/%s", se->parameter);
    cJSON *arn = res_ref_needed(g, n, id, "arn");
    free(id);
    if (!se->parameter_sub)
        return arn;
    cJSON *parts = cJSON_CreateArray();
    cJSON_AddItemToArray(parts, arn);
    char *sub = xasprintf("/%s", se->parameter_sub);
    cJSON_AddItemToArray(parts, cJSON_CreateString(sub));
    free(sub);
    return res_concat(parts);
}

cJSON *res_storage_versions_label(res_graph *g, res_node *n, const stack_container *k)
{
    cJSON *parts = cJSON_CreateArray(), *seen = cJSON_CreateArray();
    for (size_t i = 0; i < k->nsecrets; i++) {
        const stack_secret_env *se = &k->secrets[i];
        if (!se->parameter || se->parameter_sub || res_array_has(seen, se->parameter))
            continue; /* a path entry has no one version */
        cJSON_AddItemToArray(seen, cJSON_CreateString(se->parameter));
        char *head = xasprintf("%s%s:", cJSON_GetArraySize(parts) ? "," : "", se->parameter);
        cJSON_AddItemToArray(parts, cJSON_CreateString(head));
        free(head);
        char *id = xasprintf("parameter/%s", se->parameter);
        cJSON_AddItemToArray(parts, res_ref_needed(g, n, id, "version"));
        free(id);
    }
    cJSON_Delete(seen);
    if (!cJSON_GetArraySize(parts)) {
        cJSON_Delete(parts);
        return NULL;
    }
    return res_concat(parts);
}

cJSON *res_storage_efs_volume(res_graph *g, res_node *n, const stack_volume *v)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "name", v->name);
    cJSON *e = cJSON_AddObjectToObject(j, "efsVolumeConfiguration");
    char *fs = xasprintf("file_system/%s", v->file_system);
    cJSON_AddItemToObject(e, "fileSystemId", res_ref_needed(g, n, fs, "id"));
    free(fs);
    cJSON_AddStringToObject(e, "transitEncryption", "ENABLED");
    cJSON *a = cJSON_AddObjectToObject(e, "authorizationConfig");
    if (v->fs_access_point) {
        char *ap = res_access_point_id(v->file_system, v->fs_access_point);
        cJSON_AddItemToObject(a, "accessPointId", res_ref_needed(g, n, ap, "id"));
        free(ap);
    }
    cJSON_AddStringToObject(a, "iam", "ENABLED");
    return j;
}

/* ---- the service --------------------------------------------------------------------- */

void res_storage_service_deps(res_graph *g, res_node *n, const stack_service *svc)
{
    for (size_t i = 0; i < svc->nvolumes; i++) {
        if (!svc->volumes[i].file_system)
            continue;
        /* none for an existing file system */
        res_node_needs(g, n, "mount_target/%s", svc->volumes[i].file_system);
    }
}
