/* ECS services: building CreateService/UpdateService inputs, create, update, delete, list
 * (see ecs.h). Reading services is in ecs_service_read.c. */
#include "ecs_internal.h"

#include <stdlib.h>
#include <string.h>

#include "aws_paginate.h"
#include "svc_json_internal.h"
#include "xalloc.h"

static void add_int(cJSON *o, const char *name, int v, int min)
{
    if (v >= min)
        cJSON_AddNumberToObject(o, name, v);
}

static cJSON *load_balancer_json(const ecs_load_balancer *lb)
{
    cJSON *j = cJSON_CreateObject();
    svc_add_str(j, "targetGroupArn", lb->target_group_arn);
    svc_add_str(j, "containerName", lb->container_name);
    add_int(j, "containerPort", lb->container_port, 1);
    if (lb->alternate_target_group_arn) {
        cJSON *a = cJSON_AddObjectToObject(j, "advancedConfiguration");
        svc_add_str(a, "alternateTargetGroupArn", lb->alternate_target_group_arn);
        svc_add_str(a, "productionListenerRule", lb->production_listener_rule);
        svc_add_str(a, "testListenerRule", lb->test_listener_rule);
        svc_add_str(a, "roleArn", lb->role_arn);
    }
    return j;
}

static cJSON *registry_json(const ecs_service_registry *r)
{
    cJSON *j = cJSON_CreateObject();
    svc_add_str(j, "registryArn", r->registry_arn);
    svc_add_str(j, "containerName", r->container_name);
    add_int(j, "containerPort", r->container_port, 1);
    add_int(j, "port", r->port, 1);
    return j;
}

static cJSON *volume_json(const ecs_volume_config *v)
{
    cJSON *j = cJSON_CreateObject(), *m;
    svc_add_str(j, "name", v->name);
    m = cJSON_AddObjectToObject(j, "managedEBSVolume");
    svc_add_str(m, "roleArn", v->role_arn);
    add_int(m, "sizeInGiB", v->size_gib, 1);
    svc_add_str(m, "volumeType", v->volume_type);
    add_int(m, "iops", v->iops, 1);
    add_int(m, "throughput", v->throughput, 1);
    if (v->encrypted != ECS_UNSET)
        cJSON_AddBoolToObject(m, "encrypted", v->encrypted);
    svc_add_str(m, "kmsKeyId", v->kms_key_id);
    svc_add_str(m, "filesystemType", v->filesystem_type);
    svc_add_str(m, "snapshotId", v->snapshot_id);
    if ((v->tags && v->tags->n) || v->propagate_tags) {
        cJSON *ts = cJSON_CreateObject();
        cJSON_AddStringToObject(ts, "resourceType", "volume");
        svc_add_tags(ts, "tags", v->tags, "key", "value");
        svc_add_str(ts, "propagateTags", v->propagate_tags);
        cJSON_AddItemToArray(cJSON_AddArrayToObject(m, "tagSpecifications"), ts);
    }
    return j;
}

static cJSON *deployment_json(const ecs_deployment_config *d)
{
    cJSON *j = cJSON_CreateObject();
    if (d->circuit_breaker != ECS_UNSET) {
        cJSON *cb = cJSON_AddObjectToObject(j, "deploymentCircuitBreaker");
        cJSON_AddBoolToObject(cb, "enable", d->circuit_breaker);
        cJSON_AddBoolToObject(cb, "rollback", d->rollback);
    }
    add_int(j, "minimumHealthyPercent", d->min_healthy_percent, 0);
    add_int(j, "maximumPercent", d->max_percent, 0);
    svc_add_str(j, "strategy", d->strategy);
    add_int(j, "bakeTimeInMinutes", d->bake_time_minutes, 0);
    if (d->canary_percent > 0) {
        cJSON *k = cJSON_AddObjectToObject(j, "canaryConfiguration");
        cJSON_AddNumberToObject(k, "canaryPercent", d->canary_percent);
        cJSON_AddNumberToObject(k, "canaryBakeTimeInMinutes", d->canary_bake_minutes);
    }
    if (d->linear_step_percent > 0) {
        cJSON *l = cJSON_AddObjectToObject(j, "linearConfiguration");
        cJSON_AddNumberToObject(l, "stepPercent", d->linear_step_percent);
        cJSON_AddNumberToObject(l, "stepBakeTimeInMinutes", d->linear_step_bake_minutes);
    }
    return j;
}

static void add_lists(cJSON *j, const ecs_service_input *in)
{
    if (in->n_load_balancers) {
        cJSON *arr = cJSON_AddArrayToObject(j, "loadBalancers");
        for (size_t i = 0; i < in->n_load_balancers; i++)
            cJSON_AddItemToArray(arr, load_balancer_json(&in->load_balancers[i]));
    }
    if (in->n_registries) {
        cJSON *arr = cJSON_AddArrayToObject(j, "serviceRegistries");
        for (size_t i = 0; i < in->n_registries; i++)
            cJSON_AddItemToArray(arr, registry_json(&in->registries[i]));
    }
    if (in->n_volumes) {
        cJSON *arr = cJSON_AddArrayToObject(j, "volumeConfigurations");
        for (size_t i = 0; i < in->n_volumes; i++)
            cJSON_AddItemToArray(arr, volume_json(&in->volumes[i]));
    }
}

static cJSON *connect_json(const ecs_service_connect *k)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddBoolToObject(j, "enabled", k->enabled);
    if (!k->enabled)
        return j;
    svc_add_str(j, "namespace", k->namespace_ref);
    if (k->port_name) {
        cJSON *s = cJSON_CreateObject();
        cJSON_AddStringToObject(s, "portName", k->port_name);
        svc_add_str(s, "discoveryName", k->discovery_name);
        if (k->alias_port > 0) {
            cJSON *a = cJSON_CreateObject();
            cJSON_AddNumberToObject(a, "port", k->alias_port);
            svc_add_str(a, "dnsName", k->alias);
            cJSON_AddItemToArray(cJSON_AddArrayToObject(s, "clientAliases"), a);
        }
        cJSON_AddItemToArray(cJSON_AddArrayToObject(j, "services"), s);
    }
    return j;
}

/* The members CreateService and UpdateService share. */
static cJSON *service_json(const ecs_service_input *in, int create)
{
    cJSON *j = cJSON_CreateObject();
    svc_add_str(j, "cluster", in->cluster);
    svc_add_str(j, create ? "serviceName" : "service", in->name);
    svc_add_str(j, "taskDefinition", in->task_definition);
    add_int(j, "desiredCount", in->desired_count, 0);
    if (create) {
        svc_add_str(j, "clientToken", in->client_token);
        if (!in->send_capacity)
            svc_add_str(j, "launchType", in->launch_type);
        svc_add_tags(j, "tags", in->tags, "key", "value");
    }
    if (in->send_capacity)
        cJSON_AddItemToObject(j, "capacityProviderStrategy", ecs_capacity_json_(in->capacity, in->n_capacity));
    svc_add_str(j, "platformVersion", in->platform_version);
    if (in->subnets) {
        cJSON *n = cJSON_AddObjectToObject(j, "networkConfiguration");
        cJSON *a = cJSON_AddObjectToObject(n, "awsvpcConfiguration");
        cJSON_AddItemToObject(a, "subnets", svc_strings_json(in->subnets));
        if (in->security_groups)
            cJSON_AddItemToObject(a, "securityGroups", svc_strings_json(in->security_groups));
        cJSON_AddStringToObject(a, "assignPublicIp", in->assign_public_ip ? "ENABLED" : "DISABLED");
    }
    add_lists(j, in);
    if (in->deployment)
        cJSON_AddItemToObject(j, "deploymentConfiguration", deployment_json(in->deployment));
    if (in->service_connect)
        cJSON_AddItemToObject(j, "serviceConnectConfiguration", connect_json(in->service_connect));
    if (in->deployment_controller)
        cJSON_AddStringToObject(cJSON_AddObjectToObject(j, "deploymentController"), "type",
                                in->deployment_controller);
    add_int(j, "healthCheckGracePeriodSeconds", in->health_check_grace_seconds, 0);
    if (in->enable_execute_command != ECS_UNSET)
        cJSON_AddBoolToObject(j, "enableExecuteCommand", in->enable_execute_command);
    if (in->enable_ecs_managed_tags != ECS_UNSET)
        cJSON_AddBoolToObject(j, "enableECSManagedTags", in->enable_ecs_managed_tags);
    svc_add_str(j, "propagateTags", in->propagate_tags);
    if (!create && in->force_new_deployment)
        cJSON_AddBoolToObject(j, "forceNewDeployment", 1);
    const cJSON *x;
    cJSON_ArrayForEach(x, in->extra) {
        cJSON_DeleteItemFromObjectCaseSensitive(j, x->string);
        cJSON_AddItemToObject(j, x->string, cJSON_Duplicate(x, 1));
    }
    return j;
}

static int service_call(aws_client *c, const char *op, cJSON *j, ecs_service *out,
                        aws_error *err)
{
    cJSON *o;
    if (ecs_call_(c, op, j, &o, err) != 0)
        return -1;
    if (out)
        ecs_read_service_(cJSON_GetObjectItem(o, "service"), out);
    cJSON_Delete(o);
    return 0;
}

/* CreateService (create) or UpdateService, which need a name (need says it). */
static int service_write(aws_client *c, const char *op, const char *need,
                         const ecs_service_input *in, int create, ecs_service *out,
                         aws_error *err)
{
    if (!in || !in->name)
        return svc_refuse(err, "InvalidParameterException", "%s needs %s", op, need);
    return service_call(c, op, service_json(in, create), out, err);
}

int ecs_create_service(aws_client *c, const ecs_service_input *in, ecs_service *out,
                       aws_error *err)
{
    return service_write(c, "CreateService", "a service name", in, 1, out, err);
}

int ecs_update_service(aws_client *c, const ecs_service_input *in, ecs_service *out,
                       aws_error *err)
{
    return service_write(c, "UpdateService", "the service name or ARN", in, 0, out, err);
}

int ecs_error_role_not_ready(const aws_error *err)
{
    return err && aws_error_is(err, AWS_IS_INVALID) &&
           (strstr(err->message, "unable to assume") || strstr(err->message, "Unable to assume"));
}

int ecs_delete_service(aws_client *c, const char *cluster, const char *service, int force,
                       aws_error *err)
{
    cJSON *j = cJSON_CreateObject();
    svc_add_str(j, "cluster", cluster);
    cJSON_AddStringToObject(j, "service", service ? service : "");
    if (force)
        cJSON_AddBoolToObject(j, "force", 1);
    return ecs_call_(c, "DeleteService", j, NULL, err);
}

int ecs_list_services(aws_client *c, const char *cluster, int max_results, svc_strings *arns,
                      aws_error *err)
{
    cJSON *j = cJSON_CreateObject();
    svc_add_str(j, "cluster", cluster);
    return ecs_list_strings_(c, "ListServices", j, max_results, "serviceArns", arns, err);
}
