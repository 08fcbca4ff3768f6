/*
 * ECS client (awsJson1.1): clusters, task definitions, services and their deployments,
 * service deployments (ListServiceDeployments / DescribeServiceDeployments /
 * StopServiceDeployment), tasks, ECS Exec sessions, tags, and waiters. Conventions as in
 * svc.h: 0 or -1 with err filled; refusals arrive as err->code ("ClusterNotFoundException",
 * "ClusterContainsServicesException", "ClusterContainsTasksException",
 * "ServiceNotFoundException", "ServiceNotActiveException", "InvalidParameterException",
 * "ClientException", ...). Timestamps are epoch seconds (double; 0 when absent).
 *
 * Task definitions are large and mostly passed through, so they travel as cJSON: the
 * RegisterTaskDefinition input document as the SDKs spell it (family,
 * containerDefinitions, cpu, memory, networkMode, requiresCompatibilities,
 * executionRoleArn, taskRoleArn, volumes, runtimePlatform, ...), with typed helpers
 * below to read and change the parts the deployer touches.
 *
 * Service outputs carry typed fields for what the deployer reads (counts, deployments
 * with rolloutState, events) plus `raw`, the whole service object, for comparisons.
 */
#ifndef ECSDEPLOY_ECS_H
#define ECSDEPLOY_ECS_H

#include <stddef.h>

#include "aws.h"
#include "svc.h"

/* "Leave this out of the request" for integer inputs where 0 is meaningful. */
#define ECS_UNSET (-1)

/* ------------------------------------------------------------------ clusters */

/* One capacity provider of a strategy (a cluster's default or a service's). */
typedef struct {
    char *provider;                   /* "FARGATE", "FARGATE_SPOT" */
    int weight;                       /* 0..1000 */
    int base;                         /* 0..100000 */
} ecs_capacity;

typedef struct {
    ecs_capacity *items;
    size_t n;
} ecs_capacities;

typedef struct {
    const char *name;                 /* required */
    const svc_tags *tags;             /* may be NULL */
    const char *container_insights;   /* "enabled", "disabled", "enhanced"; NULL: not sent */
    const svc_strings *capacity_providers; /* e.g. FARGATE, FARGATE_SPOT; NULL: not sent */
    const ecs_capacity *default_strategy; /* defaultCapacityProviderStrategy, sent with
                                           * capacity_providers */
    size_t n_default_strategy;
    /* configuration.executeCommandConfiguration (sent when any is set) */
    const char *exec_kms_key_id;      /* encrypt exec sessions with this key */
    const char *exec_logging;         /* "NONE", "DEFAULT", "OVERRIDE" */
    const char *exec_log_group;       /* with OVERRIDE: CloudWatch log group */
    int exec_log_encryption;          /* cloudWatchEncryptionEnabled */
    const char *exec_s3_bucket;       /* with OVERRIDE: S3 bucket, optional prefix */
    const char *exec_s3_prefix;
    int exec_s3_encryption;
} ecs_cluster_input;

typedef struct {
    char *arn;
    char *name;
    char *status;                     /* "ACTIVE", "PROVISIONING", "INACTIVE", ... */
    int running_tasks;
    int pending_tasks;
    int active_services;
    char *container_insights;         /* setting value, NULL when not reported */
    char *exec_kms_key_id;            /* NULLs when not configured */
    char *exec_logging;
    char *exec_log_group;
    svc_strings capacity_providers;   /* associated with the cluster */
    ecs_capacities default_strategy;  /* defaultCapacityProviderStrategy, as ECS lists it */
    svc_tags tags;
} ecs_cluster;

void ecs_cluster_free(ecs_cluster *c);

/* CreateCluster; *out (may be NULL) receives it (ecs_cluster_free). Creating an existing
 * ACTIVE cluster returns it (ECS's idempotent answer). */
int ecs_create_cluster(aws_client *c, const ecs_cluster_input *in, ecs_cluster *out,
                       aws_error *err);
/* UpdateCluster: the settings (containerInsights) and the exec configuration of in (name
 * = the cluster); tags and capacity providers are not changed here. *out may be NULL. */
int ecs_update_cluster(aws_client *c, const ecs_cluster_input *in, ecs_cluster *out,
                       aws_error *err);
/* PutClusterCapacityProviders: the providers associated with the cluster and its default
 * strategy (both replace what the cluster had; ECS refuses to drop a provider in use:
 * "ResourceInUseException"). *out may be NULL. */
int ecs_put_cluster_capacity_providers(aws_client *c, const char *cluster, const svc_strings *providers,
                                       const ecs_capacity *strategy, size_t n, ecs_cluster *out,
                                       aws_error *err);
/* DescribeClusters of one cluster with settings, configurations and tags. *found = 0
 * when ECS reports it MISSING (out zeroed); INACTIVE clusters are found with that status. */
int ecs_describe_cluster(aws_client *c, const char *cluster, ecs_cluster *out, int *found,
                         aws_error *err);
/* DeleteCluster: "ClusterContainsServicesException" / "ClusterContainsTasksException"
 * while services or tasks remain. */
int ecs_delete_cluster(aws_client *c, const char *cluster, aws_error *err);
/* ListClusters (every page) into *arns (svc_strings_free). */
int ecs_list_clusters(aws_client *c, int max_results, svc_strings *arns, aws_error *err);

/* ------------------------------------------------------------------ tags */

/* Tags of any ECS resource by ARN into *out (svc_tags_free). */
int ecs_list_tags_for_resource(aws_client *c, const char *arn, svc_tags *out, aws_error *err);
int ecs_tag_resource(aws_client *c, const char *arn, const svc_tags *tags, aws_error *err);
int ecs_untag_resource(aws_client *c, const char *arn, const svc_strings *keys,
                       aws_error *err);

/* ------------------------------------------------------------------ task definitions */

typedef struct {
    char *arn;            /* "arn:aws:ecs:...:task-definition/family:3" */
    char *family;
    int revision;
    char *status;         /* "ACTIVE", "INACTIVE", "DELETE_IN_PROGRESS" */
    cJSON *doc;           /* the taskDefinition object as ECS returned it (owned) */
    svc_tags tags;
} ecs_task_definition;

void ecs_task_definition_free(ecs_task_definition *t);

/* RegisterTaskDefinition with the input document `def` (not modified) and tags (may be
 * NULL; tags inside def are used when tags is NULL). Every call makes a new revision:
 * compare (ecs_taskdef_equal) before registering. *out (may be NULL): the new revision. */
int ecs_register_task_definition(aws_client *c, const cJSON *def, const svc_tags *tags,
                                 ecs_task_definition *out, aws_error *err);
/* DescribeTaskDefinition ("family", "family:3" or an ARN) with its tags into *out.
 * A missing one gives "ClientException". */
int ecs_describe_task_definition(aws_client *c, const char *task_definition,
                                 ecs_task_definition *out, aws_error *err);
/* DeregisterTaskDefinition ("family:3" or ARN): the revision turns INACTIVE. */
int ecs_deregister_task_definition(aws_client *c, const char *task_definition,
                                   aws_error *err);
/* ListTaskDefinitionFamilies by prefix (NULL: all), ACTIVE only, every page. */
int ecs_list_task_definition_families(aws_client *c, const char *prefix, int max_results,
                                      svc_strings *families, aws_error *err);
/* ListTaskDefinitions of a family prefix (NULL: all), status "ACTIVE"/"INACTIVE"/NULL
 * (ECS default ACTIVE), newest first when newest_first, every page, into *arns. */
int ecs_list_task_definitions(aws_client *c, const char *family_prefix, const char *status,
                              int newest_first, int max_results, svc_strings *arns,
                              aws_error *err);

/* Typed helpers over task-definition documents (pure, no I/O). */

/* A RegisterTaskDefinition input derived from a described taskDefinition: a copy without
 * the members ECS adds (taskDefinitionArn, revision, status, requiresAttributes,
 * compatibilities, registeredAt/By, deregisteredAt). New tree (cJSON_Delete). */
cJSON *ecs_taskdef_to_input(const cJSON *described);
/* The container definition called name (NULL: the first), or NULL. Owned by doc. */
cJSON *ecs_taskdef_container(const cJSON *doc, const char *name);
/* Set a container's image; -1 when there is no such container. */
int ecs_taskdef_set_image(cJSON *doc, const char *container, const char *image);
/* Set (or add) an environment variable of a container; -1 when no such container. */
int ecs_taskdef_set_env(cJSON *doc, const char *container, const char *name,
                        const char *value);
/* A task definition in the one form two documents are compared in: without the members
 * ECS adds (ARN, revision, status, requiresAttributes, ...) and tags, without empty lists
 * and objects and the values ECS fills in by default (an EFS volume's rootDirectory "/"
 * among them), cpu and memory as strings, environment and secrets sorted
 * by name. The caller frees it with cJSON_Delete(). */
cJSON *ecs_taskdef_canonical(const cJSON *doc);
/* 1 when registering `input` would give the same definition as `described`: equal
 * canonical forms. */
int ecs_taskdef_equal(const cJSON *input, const cJSON *described);

/* ------------------------------------------------------------------ services */

typedef struct {
    const char *target_group_arn;
    const char *container_name;
    int container_port;
    /* advancedConfiguration, for BLUE_GREEN / LINEAR / CANARY (sent when
     * alternate_target_group_arn is set) */
    const char *alternate_target_group_arn;
    const char *production_listener_rule;
    const char *test_listener_rule;   /* optional */
    const char *role_arn;             /* infrastructure role for load balancers */
} ecs_load_balancer;

typedef struct {
    const char *registry_arn;         /* Cloud Map service ARN */
    const char *container_name;       /* NULL: not sent */
    int container_port;               /* 0: not sent */
    int port;                         /* 0: not sent */
} ecs_service_registry;

typedef struct {
    const char *name;                 /* the task definition volume (configuredAtLaunch) */
    const char *role_arn;             /* infrastructure role for volumes (required) */
    int size_gib;                     /* 0: not sent */
    const char *volume_type;          /* "gp3", ...; NULL: not sent */
    int iops;                         /* 0: not sent */
    int throughput;                   /* 0: not sent */
    int encrypted;                    /* ECS_UNSET, 0, 1 */
    const char *kms_key_id;
    const char *filesystem_type;      /* "ext4", "xfs"; NULL: not sent */
    const char *snapshot_id;
    const svc_tags *tags;             /* tagSpecifications for the volume; NULL: none */
    const char *propagate_tags;       /* "SERVICE", "TASK_DEFINITION"; NULL: not sent */
} ecs_volume_config;

typedef struct {
    int circuit_breaker;              /* ECS_UNSET, or deploymentCircuitBreaker.enable */
    int rollback;                     /* deploymentCircuitBreaker.rollback */
    int min_healthy_percent;          /* ECS_UNSET or 0..100 */
    int max_percent;                  /* ECS_UNSET or >= 100 */
    const char *strategy;             /* "ROLLING", "BLUE_GREEN", "LINEAR", "CANARY"; NULL */
    int bake_time_minutes;            /* ECS_UNSET or 0..1440 */
    double canary_percent;            /* CANARY: canaryConfiguration (0: not sent) */
    int canary_bake_minutes;
    double linear_step_percent;       /* LINEAR: linearConfiguration (0: not sent) */
    int linear_step_bake_minutes;
} ecs_deployment_config;

#define ECS_DEPLOYMENT_CONFIG_INIT                                                        \
    {.circuit_breaker = ECS_UNSET, .rollback = 0, .min_healthy_percent = ECS_UNSET,       \
     .max_percent = ECS_UNSET, .bake_time_minutes = ECS_UNSET}

/* serviceConnectConfiguration: the service in a Service Connect namespace, publishing one
 * named port (port_name NULL: a client only). */
typedef struct {
    int enabled;                      /* 0: sent as {"enabled": false}, leaving the namespace */
    const char *namespace_ref;        /* the namespace's name or ARN */
    const char *port_name;            /* the task definition's port mapping name; NULL: client */
    const char *discovery_name;       /* NULL: ECS uses the port name */
    const char *alias;                /* clientAliases[0].dnsName; NULL: the discovery name */
    int alias_port;                   /* clientAliases[0].port; 0: no alias */
} ecs_service_connect;

/*
 * Input of CreateService and UpdateService. Start from ECS_SERVICE_INPUT_INIT; members
 * left NULL / ECS_UNSET / with a count of 0 are not sent (UpdateService then keeps what the
 * service has). `extra` members (may be NULL) are merged last, as is, for anything not
 * covered (e.g. an empty "loadBalancers" list to remove them on update).
 */
typedef struct {
    const char *cluster;              /* NULL: "default" */
    const char *name;                 /* serviceName / service */
    const char *task_definition;      /* "family:3" or ARN */
    int desired_count;                /* ECS_UNSET or >= 0 */
    const char *client_token;         /* CreateService idempotency token (up to 36 chars) */
    const char *launch_type;          /* "FARGATE"; NULL: not sent (never with a strategy) */
    const ecs_capacity *capacity;     /* capacityProviderStrategy, sent when send_capacity */
    size_t n_capacity;
    int send_capacity;                /* 1: send it (on update an empty one returns the
                                       * service to its launch type; ECS wants
                                       * force_new_deployment with any change of it) */
    const char *platform_version;
    const svc_strings *subnets;       /* awsvpc network configuration, sent when non-NULL */
    const svc_strings *security_groups;
    int assign_public_ip;             /* 1: ENABLED, 0: DISABLED */
    const ecs_load_balancer *load_balancers;
    size_t n_load_balancers;
    const ecs_service_registry *registries;
    size_t n_registries;
    const ecs_volume_config *volumes;
    size_t n_volumes;
    const ecs_deployment_config *deployment; /* NULL: not sent */
    const ecs_service_connect *service_connect; /* NULL: not sent */
    const char *deployment_controller;       /* "ECS", "CODE_DEPLOY", "EXTERNAL"; NULL */
    int health_check_grace_seconds;          /* ECS_UNSET or seconds */
    int enable_execute_command;              /* ECS_UNSET, 0, 1 */
    int enable_ecs_managed_tags;             /* ECS_UNSET, 0, 1 */
    const char *propagate_tags;              /* "SERVICE", "TASK_DEFINITION", "NONE"; NULL */
    const svc_tags *tags;                    /* CreateService only */
    int force_new_deployment;                /* UpdateService only */
    const cJSON *extra;
} ecs_service_input;

#define ECS_SERVICE_INPUT_INIT                                                            \
    {.desired_count = ECS_UNSET, .health_check_grace_seconds = ECS_UNSET,                 \
     .enable_execute_command = ECS_UNSET, .enable_ecs_managed_tags = ECS_UNSET}

typedef struct {
    char *id;
    char *status;                     /* "PRIMARY", "ACTIVE", "INACTIVE" */
    char *task_definition;
    int desired;
    int pending;
    int running;
    int failed_tasks;
    char *rollout_state;              /* "IN_PROGRESS", "COMPLETED", "FAILED"; NULL if none */
    char *rollout_state_reason;
    double created_at;
    double updated_at;
} ecs_deployment;

typedef struct {
    char *id;
    double created_at;
    char *message;
} ecs_service_event;

typedef struct {
    char *arn;
    char *name;
    char *cluster_arn;
    char *status;                     /* "ACTIVE", "DRAINING", "INACTIVE" */
    char *task_definition;
    int desired;
    int running;
    int pending;
    int enable_execute_command;
    char *deployment_controller;      /* "ECS", ... (NULL when not reported) */
    char *strategy;                   /* deploymentConfiguration.strategy, NULL if none */
    char *current_service_deployment; /* ARN of the current service deployment, or NULL */
    ecs_deployment *deployments;      /* as returned: the PRIMARY one first */
    size_t n_deployments;
    ecs_service_event *events;        /* newest first, as ECS returns them */
    size_t n_events;
    svc_tags tags;
    cJSON *raw;                       /* the whole service object (owned) */
} ecs_service;

typedef struct {
    ecs_service *items;
    size_t n;
    svc_strings missing;              /* names/ARNs ECS reported MISSING */
} ecs_services;

void ecs_service_free(ecs_service *s);
void ecs_services_free(ecs_services *s);
/* A deep copy of s into *out (ecs_service_free), read again from s->raw. */
void ecs_service_copy(const ecs_service *s, ecs_service *out);
/* The PRIMARY deployment, or NULL. Owned by s. */
const ecs_deployment *ecs_service_primary(const ecs_service *s);

/* CreateService; *out (may be NULL) receives the service (ecs_service_free). */
int ecs_create_service(aws_client *c, const ecs_service_input *in, ecs_service *out,
                       aws_error *err);
/* UpdateService; *out (may be NULL) receives the service. */
int ecs_update_service(aws_client *c, const ecs_service_input *in, ecs_service *out,
                       aws_error *err);
/* 1 when err is ECS's answer while a young IAM role is not yet usable
 * (InvalidParameterException "unable to assume the role"): retry with backoff for up to
 * a minute (IAM is eventually consistent). */
int ecs_error_role_not_ready(const aws_error *err);
/* DescribeServices (in batches of 10) with tags, into *out (ecs_services_free). */
int ecs_describe_services(aws_client *c, const char *cluster, const char *const *services,
                          size_t n, ecs_services *out, aws_error *err);
/* DescribeServices of one: *found = 0 when MISSING. */
int ecs_describe_service(aws_client *c, const char *cluster, const char *service,
                         ecs_service *out, int *found, aws_error *err);
/* DeleteService (force: even when scaled above 0); the service turns DRAINING. */
int ecs_delete_service(aws_client *c, const char *cluster, const char *service, int force,
                       aws_error *err);
/* ListServices of a cluster, every page, into *arns. */
int ecs_list_services(aws_client *c, const char *cluster, int max_results, svc_strings *arns,
                      aws_error *err);

/* ------------------------------------------------------------------ service deployments */

typedef struct {
    char *arn;
    char *service_arn;
    char *cluster_arn;
    char *status;               /* PENDING, IN_PROGRESS, SUCCESSFUL, STOPPED, STOP_REQUESTED,
                                   ROLLBACK_REQUESTED, ROLLBACK_IN_PROGRESS,
                                   ROLLBACK_SUCCESSFUL, ROLLBACK_FAILED */
    char *status_reason;
    char *lifecycle_stage;      /* DescribeServiceDeployments only */
    char *target_revision_arn;
    double created_at;
    double started_at;
    double finished_at;
    double stopped_at;
    double updated_at;
    char *rollback_reason;      /* NULL when no rollback */
    char *rollback_revision_arn;
    char *circuit_breaker_status; /* "TRIGGERED", "MONITORING", ... or NULL */
    int circuit_breaker_failures;
    int circuit_breaker_threshold;
    int target_requested;       /* targetServiceRevision counts */
    int target_running;
    int target_pending;
    double production_weight;   /* targetServiceRevision.requestedProductionTrafficWeight */
    cJSON *raw;                 /* the object as returned (owned) */
} ecs_service_deployment;

SVC_LIST_TYPE(ecs_service_deployment, ecs_service_deployments);

/* ListServiceDeployments of a service, newest first, every page; statuses (may be NULL)
 * filter. Items carry the brief's fields. */
int ecs_list_service_deployments(aws_client *c, const char *cluster, const char *service,
                                 const svc_strings *statuses, int max_results,
                                 ecs_service_deployments *out, aws_error *err);
/* DescribeServiceDeployments of n ARNs (batches of 20); unknown ones are left out. */
int ecs_describe_service_deployments(aws_client *c, const char *const *arns, size_t n,
                                     ecs_service_deployments *out, aws_error *err);
/* StopServiceDeployment with stop_type "ROLLBACK" or "ABORT". */
int ecs_stop_service_deployment(aws_client *c, const char *arn, const char *stop_type,
                                aws_error *err);

typedef struct {
    char *arn;
    char *service_arn;
    char *task_definition;      /* the revision's task definition ARN */
    double created_at;
    cJSON *raw;                 /* the whole revision (containerImages with digests, ...) */
} ecs_service_revision;

SVC_LIST_TYPE(ecs_service_revision, ecs_service_revisions);

/* DescribeServiceRevisions of n ARNs (batches of 20; a deployment's
 * target_revision_arn), unknown ones left out, into *out (ecs_service_revisions_free). */
int ecs_describe_service_revisions(aws_client *c, const char *const *arns, size_t n,
                                   ecs_service_revisions *out, aws_error *err);

/* ------------------------------------------------------------------ tasks */

typedef struct {
    char *name;
    char *status;               /* lastStatus of the agent (e.g. ExecuteCommandAgent) */
    char *reason;
} ecs_managed_agent;

typedef struct {
    char *name;
    char *image;
    char *last_status;
    int has_exit_code;
    int exit_code;
    char *reason;               /* why it stopped, NULL when none */
    char *health_status;        /* "HEALTHY", "UNHEALTHY", "UNKNOWN" */
    char *runtime_id;
    ecs_managed_agent *agents;
    size_t n_agents;
} ecs_container;

typedef struct {
    char *arn;
    char *id;                   /* the last part of the ARN */
    char *cluster_arn;
    char *task_definition_arn;
    char *group;                /* "service:NAME" */
    char *started_by;
    char *last_status;
    char *desired_status;
    char *health_status;
    char *stop_code;
    char *stopped_reason;
    char *availability_zone;
    char *launch_type;
    char *platform_version;
    char *private_ip;           /* from the ElasticNetworkInterface attachment, or NULL */
    char *eni_id;
    int enable_execute_command;
    double created_at;
    double started_at;
    double stopped_at;
    ecs_container *containers;
    size_t n_containers;
    svc_tags tags;
} ecs_task;

typedef struct {
    ecs_task *items;
    size_t n;
    svc_strings missing;
} ecs_tasks;

void ecs_tasks_free(ecs_tasks *t);
/* The managed agent called name of a container, or NULL. Owned by the container. */
const ecs_managed_agent *ecs_container_agent(const ecs_container *k, const char *name);

/* ListTasks of a service (NULL: every task of the cluster) with desired status "RUNNING",
 * "STOPPED" or NULL (ECS default RUNNING), every page, into *arns. */
int ecs_list_tasks(aws_client *c, const char *cluster, const char *service,
                   const char *desired_status, int max_results, svc_strings *arns,
                   aws_error *err);
/* DescribeTasks (batches of 100) with tags into *out (ecs_tasks_free). */
int ecs_describe_tasks(aws_client *c, const char *cluster, const char *const *tasks, size_t n,
                       ecs_tasks *out, aws_error *err);
int ecs_stop_task(aws_client *c, const char *cluster, const char *task, const char *reason,
                  aws_error *err);

/* RunTask of one task, its container's command overridden (a one-off task). */
typedef struct {
    const char *cluster;
    const char *task_definition;
    const char *launch_type;          /* "FARGATE"; ignored with a capacity provider strategy */
    const cJSON *capacity_provider_strategy; /* as the service has it, or NULL */
    const char *platform_version;     /* NULL: not sent */
    const svc_strings *subnets;       /* awsvpc network configuration, sent when non-NULL */
    const svc_strings *security_groups;
    int assign_public_ip;
    const char *container;            /* the container whose command is overridden */
    const char *const *command;       /* argv (exec form) */
    size_t ncommand;
    const char *started_by;           /* up to 128 characters, or NULL */
    int enable_execute_command;       /* 1: sent */
    const char *propagate_tags;       /* "TASK_DEFINITION", "SERVICE"... or NULL */
} ecs_run_task_input;

/* RunTask; *out (ecs_tasks_free) holds the task started. A task ECS could not place is
 * an error, "RunTaskFailure" with ECS's reason. */
int ecs_run_task(aws_client *c, const ecs_run_task_input *in, ecs_tasks *out, aws_error *err);

/* 1 when two task definition names, each an ARN or "family:N", name the same revision. */
int ecs_same_task_definition(const char *a, const char *b);
/* Why a task stopped, for people: its stoppedReason (or stop code) and, in parentheses,
 * each container that exited non-zero or with a reason: "Essential container in task
 * exited (web: exit code 1)". New string (free). */
char *ecs_task_stop_reason(const ecs_task *t);
/* The reasons of a service's recently stopped tasks (ListTasks STOPPED, DescribeTasks),
 * newest first, without repeats, at most max, appended to out: only tasks of
 * task_definition (an ARN or family:N; NULL: any), and none the scheduler stopped on purpose
 * ("Scaling activity initiated by ..."). */
int ecs_stopped_task_reasons(aws_client *c, const char *cluster, const char *service,
                             const char *task_definition, size_t max, svc_strings *out,
                             aws_error *err);

/* ------------------------------------------------------------------ exec */

typedef struct {
    char *session_id;
    char *stream_url;
    char *token;                /* SECRET: the session token; wiped by ecs_exec_session_free */
    char *task_arn;
    char *container_name;
    char *container_arn;
} ecs_exec_session;

void ecs_exec_session_free(ecs_exec_session *s);
/* ExecuteCommand (container may be NULL when the task has one). The token never reaches
 * logs (the wire log redacts tokenValue) and the response's copy is wiped. */
int ecs_execute_command(aws_client *c, const char *cluster, const char *task,
                        const char *container, const char *command, int interactive,
                        ecs_exec_session *out, aws_error *err);

#endif
