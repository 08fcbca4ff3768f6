/* ECS clusters and tags (see ecs.h). */
#include "ecs_internal.h"

#include <stdlib.h>
#include <string.h>

#include "aws_paginate.h"
#include "svc_json_internal.h"
#include "xalloc.h"

static cJSON *exec_configuration(const ecs_cluster_input *in)
{
    if (!in->exec_kms_key_id && !in->exec_logging && !in->exec_log_group && !in->exec_s3_bucket)
        return NULL;
    cJSON *conf = cJSON_CreateObject();
    cJSON *e = cJSON_AddObjectToObject(conf, "executeCommandConfiguration");
    svc_add_str(e, "kmsKeyId", in->exec_kms_key_id);
    svc_add_str(e, "logging", in->exec_logging);
    if (in->exec_log_group || in->exec_s3_bucket) {
        cJSON *l = cJSON_AddObjectToObject(e, "logConfiguration");
        if (in->exec_log_group) {
            cJSON_AddStringToObject(l, "cloudWatchLogGroupName", in->exec_log_group);
            cJSON_AddBoolToObject(l, "cloudWatchEncryptionEnabled", in->exec_log_encryption);
        }
        if (in->exec_s3_bucket) {
            cJSON_AddStringToObject(l, "s3BucketName", in->exec_s3_bucket);
            cJSON_AddBoolToObject(l, "s3EncryptionEnabled", in->exec_s3_encryption);
            svc_add_str(l, "s3KeyPrefix", in->exec_s3_prefix);
        }
    }
    return conf;
}

static const svc_shape capacity_shape = SVC_SHAPE(ecs_capacity, NULL, NULL,
    SVC_FIELD("capacityProvider", SVC_STR_NULL, ecs_capacity, provider),
    SVC_FIELD("weight", SVC_INT, ecs_capacity, weight),
    SVC_FIELD("base", SVC_INT, ecs_capacity, base));

cJSON *ecs_capacity_json_(const ecs_capacity *items, size_t n)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++) {
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "capacityProvider", items[i].provider);
        cJSON_AddNumberToObject(x, "weight", items[i].weight);
        if (items[i].base > 0) /* ECS allows one provider of a strategy a base */
            cJSON_AddNumberToObject(x, "base", items[i].base);
        cJSON_AddItemToArray(arr, x);
    }
    return arr;
}

/* The containerInsights setting (the first one), NULL when there is none. */
static void read_insights(const cJSON *j, void *item)
{
    ecs_cluster *out = item;
    const cJSON *s;
    cJSON_ArrayForEach(s, aws_json_array(j, "settings")) {
        const char *n = aws_json_str(s, "name");
        if (n && strcmp(n, "containerInsights") == 0 && !out->container_insights)
            out->container_insights = xstrdup_or_null(aws_json_str(s, "value"));
    }
}

#define EXEC(m) "configuration.executeCommandConfiguration." m

static const svc_shape cluster_shape = SVC_SHAPE(ecs_cluster, read_insights, NULL,
    SVC_FIELD("clusterArn", SVC_STR_NULL, ecs_cluster, arn),
    SVC_FIELD("clusterName", SVC_STR_NULL, ecs_cluster, name),
    SVC_FIELD("status", SVC_STR_NULL, ecs_cluster, status),
    SVC_FIELD("runningTasksCount", SVC_INT, ecs_cluster, running_tasks),
    SVC_FIELD("pendingTasksCount", SVC_INT, ecs_cluster, pending_tasks),
    SVC_FIELD("activeServicesCount", SVC_INT, ecs_cluster, active_services),
    SVC_FIELD(EXEC("kmsKeyId"), SVC_STR_NULL, ecs_cluster, exec_kms_key_id),
    SVC_FIELD(EXEC("logging"), SVC_STR_NULL, ecs_cluster, exec_logging),
    SVC_FIELD(EXEC("logConfiguration.cloudWatchLogGroupName"), SVC_STR_NULL, ecs_cluster,
              exec_log_group),
    SVC_FIELD("capacityProviders", SVC_STRINGS, ecs_cluster, capacity_providers),
    SVC_FLIST("defaultCapacityProviderStrategy", ecs_cluster, default_strategy.items,
              default_strategy.n, &capacity_shape),
    SVC_FTAGS("tags", ecs_cluster, tags, "key", "value"),
    SVC_FIELD("", SVC_KEPT, ecs_cluster, container_insights));

SVC_DEFINE_FREE(ecs_cluster_free, ecs_cluster, cluster_shape)

/* CreateCluster (create) or UpdateCluster: the same settings; only a create names the
 * cluster "clusterName" and carries tags and capacity providers. */
static int cluster_write(aws_client *c, const char *op, const char *need,
                         const ecs_cluster_input *in, int create, ecs_cluster *out,
                         aws_error *err)
{
    if (!in || !in->name)
        return svc_refuse(err, "InvalidParameterException", "%s needs %s", op, need);
    cJSON *j = svc_input(create ? "clusterName" : "cluster", in->name);
    if (create)
        svc_add_tags(j, "tags", in->tags, "key", "value");
    if (in->container_insights) {
        cJSON *s = cJSON_CreateObject();
        cJSON_AddStringToObject(s, "name", "containerInsights");
        cJSON_AddStringToObject(s, "value", in->container_insights);
        cJSON_AddItemToArray(cJSON_AddArrayToObject(j, "settings"), s);
    }
    if (create && in->capacity_providers) {
        cJSON_AddItemToObject(j, "capacityProviders", svc_strings_json(in->capacity_providers));
        if (in->n_default_strategy)
            cJSON_AddItemToObject(j, "defaultCapacityProviderStrategy",
                                  ecs_capacity_json_(in->default_strategy, in->n_default_strategy));
    }
    cJSON *conf = exec_configuration(in);
    if (conf)
        cJSON_AddItemToObject(j, "configuration", conf);
    return svc_call_read(ecs_call_, c, op, j, "cluster", &cluster_shape, out, err);
}

int ecs_create_cluster(aws_client *c, const ecs_cluster_input *in, ecs_cluster *out,
                       aws_error *err)
{
    return cluster_write(c, "CreateCluster", "a cluster name", in, 1, out, err);
}

int ecs_update_cluster(aws_client *c, const ecs_cluster_input *in, ecs_cluster *out,
                       aws_error *err)
{
    return cluster_write(c, "UpdateCluster", "the cluster name", in, 0, out, err);
}

int ecs_put_cluster_capacity_providers(aws_client *c, const char *cluster, const svc_strings *providers,
                                       const ecs_capacity *strategy, size_t n, ecs_cluster *out,
                                       aws_error *err)
{
    cJSON *j = svc_input("cluster", cluster);
    cJSON_AddItemToObject(j, "capacityProviders", svc_strings_json(providers));
    cJSON_AddItemToObject(j, "defaultCapacityProviderStrategy", ecs_capacity_json_(strategy, n));
    return svc_call_read(ecs_call_, c, "PutClusterCapacityProviders", j, "cluster", &cluster_shape,
                         out, err);
}

int ecs_describe_cluster(aws_client *c, const char *cluster, ecs_cluster *out, int *found,
                         aws_error *err)
{
    cJSON *j = cJSON_CreateObject(), *o;
    cJSON_AddItemToObject(j, "clusters", cJSON_CreateStringArray(&cluster, 1));
    const char *inc[] = {"SETTINGS", "CONFIGURATIONS", "TAGS"};
    cJSON_AddItemToObject(j, "include", cJSON_CreateStringArray(inc, 3));
    memset(out, 0, sizeof *out);
    *found = 0;
    if (ecs_call_(c, "DescribeClusters", j, &o, err) != 0)
        return -1;
    const cJSON *first = svc_json_at(o, "clusters.0");
    *found = first != NULL;
    if (first)
        svc_read(first, &cluster_shape, out);
    cJSON_Delete(o);
    return 0;
}

int ecs_delete_cluster(aws_client *c, const char *cluster, aws_error *err)
{
    cJSON *j = svc_input("cluster", cluster);
    return ecs_call_(c, "DeleteCluster", j, NULL, err);
}

int ecs_list_clusters(aws_client *c, int max_results, svc_strings *arns, aws_error *err)
{
    cJSON *j = cJSON_CreateObject();
    return ecs_list_strings_(c, "ListClusters", j, max_results, "clusterArns", arns, err);
}

static cJSON *arn_input(const char *arn)
{
    return svc_input("resourceArn", arn);
}

int ecs_list_tags_for_resource(aws_client *c, const char *arn, svc_tags *out, aws_error *err)
{
    return svc_call_tags(ecs_call_, c, "ListTagsForResource", arn_input(arn), "tags", "key",
                         "value", out, err);
}

int ecs_tag_resource(aws_client *c, const char *arn, const svc_tags *tags, aws_error *err)
{
    cJSON *j = arn_input(arn);
    cJSON_AddItemToObject(j, "tags", svc_tags_json(tags, "key", "value"));
    return ecs_call_(c, "TagResource", j, NULL, err);
}

int ecs_untag_resource(aws_client *c, const char *arn, const svc_strings *keys, aws_error *err)
{
    cJSON *j = arn_input(arn);
    cJSON_AddItemToObject(j, "tagKeys", svc_strings_json(keys));
    return ecs_call_(c, "UntagResource", j, NULL, err);
}
