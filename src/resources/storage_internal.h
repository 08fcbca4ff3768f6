/* The storage and configuration kinds (file_system.c, access_point.c, mount_target.c,
 * parameter.c) and what the application kinds take from them (storage_uses.c): the task
 * role's EFS statements, the execution role's Parameter Store statements, task definition
 * volumes and secrets, the service's wait for mount targets. Internal to src/resources/. */
#ifndef ECSDEPLOY_RES_STORAGE_INTERNAL_H
#define ECSDEPLOY_RES_STORAGE_INTERNAL_H

#include "res.h"

extern const res_kind res_kind_file_system, res_kind_access_point, res_kind_mount_target,
    res_kind_parameter;

/* Node ids: "file_system/FS", "mount_target/FS", "access_point/FS.AP" (a logical name
 * never holds a dot, so the pair cannot be read two ways), "parameter/NAME". Caller frees. */
char *res_access_point_id(const char *fs, const char *ap);

/* 1 when the service mounts a file system of file_systems: (so it needs a task role). */
int res_storage_mounts(const stack_service *svc);

/* The task role's statements for the service's EFS volumes, appended to `statements`:
 * per file system and access point, elasticfilesystem:ClientMount, ClientWrite unless
 * every such volume is read-only, ClientRootAccess only when asked, on the file system's
 * ARN, with the access point's ARN as condition; n depends on the nodes named. */
void res_storage_task_statements(res_graph *g, res_node *n, const stack_service *svc,
                                 cJSON *statements);

/* The execution role's statements for the Parameter Store values of the service's
 * containers, appended to `statements`: ssm:GetParameters on exactly those parameters'
 * ARNs (a path entry: its ARN with "/" and "*"), kms:Decrypt on the customer keys they name; n
 * depends on the parameter nodes. */
void res_storage_exec_statements(res_graph *g, res_node *n, const stack_service *svc,
                                 cJSON *statements);

/* A container secret from Parameter Store: its valueFrom (the parameter's ARN, or the
 * path's ARN and "/NAME"), a reference n depends on. New tree. */
cJSON *res_storage_value_from(res_graph *g, res_node *n, const stack_secret_env *se);

/* The dockerLabels value that names the version of each parameter a container gets as a
 * secret ("config:3,db-url:1"), so that a new version is a new task definition and the
 * service restarts on it; NULL when the container has none. New tree. */
cJSON *res_storage_versions_label(res_graph *g, res_node *n, const stack_container *k);
#define RES_PARAMETER_VERSIONS_LABEL "ecsdeploy.parameter-versions"

/* The task definition volume of an `efs: { file_system: … }` volume: TLS and IAM
 * authorization, the access point if any. New tree. */
cJSON *res_storage_efs_volume(res_graph *g, res_node *n, const stack_volume *v);

/* A service starts its tasks only once the mount targets of the file systems it mounts
 * are available: n depends on them. */
void res_storage_service_deps(res_graph *g, res_node *n, const stack_service *svc);

#endif
