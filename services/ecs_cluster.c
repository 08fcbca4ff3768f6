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
    if (in->exec_kms_key_id)
        cJSON_AddStringToObject(e, "kmsKeyId", in->exec_kms_key_id);
    if (in->exec_logging)
        cJSON_AddStringToObject(e, "logging", in->exec_logging);
    if (in->exec_log_group || in->exec_s3_bucket) {
        cJSON *l = cJSON_AddObjectToObject(e, "logConfiguration");
        if (in->exec_log_group) {
            cJSON_AddStringToObject(l, "cloudWatchLogGroupName", in->exec_log_group);
            cJSON_AddBoolToObject(l, "cloudWatchEncryptionEnabled", in->exec_log_encryption);
        }
        if (in->exec_s3_bucket) {
            cJSON_AddStringToObject(l, "s3BucketName", in->exec_s3_bucket);
            cJSON_AddBoolToObject(l, "s3EncryptionEnabled", in->exec_s3_encryption);
            if (in->exec_s3_prefix)
                cJSON_AddStringToObject(l, "s3KeyPrefix", in->exec_s3_prefix);
        }
    }
    return conf;
}

static void ecs_capacities_free(ecs_capacities *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->items[i].provider);
    free(c->items);
    memset(c, 0, sizeof *c);
}

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

static void ecs_read_capacity_(const cJSON *arr, ecs_capacities *out)
{
    memset(out, 0, sizeof *out);
    int n = cJSON_GetArraySize(arr);
    if (n <= 0)
        return;
    out->items = xcalloc((size_t)n, sizeof *out->items);
    const cJSON *x;
    cJSON_ArrayForEach(x, arr) {
        ecs_capacity *c = &out->items[out->n++];
        c->provider = xstrdup_or_null(aws_json_str(x, "capacityProvider"));
        c->weight = (int)aws_json_int(x, "weight", 0);
        c->base = (int)aws_json_int(x, "base", 0);
    }
}

static void read_cluster(const cJSON *j, ecs_cluster *out)
{
    memset(out, 0, sizeof *out);
    out->arn = xstrdup_or_null(aws_json_str(j, "clusterArn"));
    out->name = xstrdup_or_null(aws_json_str(j, "clusterName"));
    out->status = xstrdup_or_null(aws_json_str(j, "status"));
    out->running_tasks = (int)aws_json_int(j, "runningTasksCount", 0);
    out->pending_tasks = (int)aws_json_int(j, "pendingTasksCount", 0);
    out->active_services = (int)aws_json_int(j, "activeServicesCount", 0);
    const cJSON *s;
    cJSON_ArrayForEach(s, aws_json_array(j, "settings")) {
        const char *n = aws_json_str(s, "name");
        if (n && strcmp(n, "containerInsights") == 0 && !out->container_insights)
            out->container_insights = xstrdup_or_null(aws_json_str(s, "value"));
    }
    const cJSON *e = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "configuration"),
                                         "executeCommandConfiguration");
    out->exec_kms_key_id = xstrdup_or_null(aws_json_str(e, "kmsKeyId"));
    out->exec_logging = xstrdup_or_null(aws_json_str(e, "logging"));
    out->exec_log_group = xstrdup_or_null(aws_json_str(cJSON_GetObjectItem(e, "logConfiguration"),
                                                "cloudWatchLogGroupName"));
    const cJSON *p;
    cJSON_ArrayForEach(p, aws_json_array(j, "capacityProviders")) {
        if (cJSON_IsString(p))
            svc_strings_add(&out->capacity_providers, p->valuestring);
    }
    ecs_read_capacity_(aws_json_array(j, "defaultCapacityProviderStrategy"), &out->default_strategy);
    svc_json_tags(j, "tags", "key", "value", &out->tags);
}

void ecs_cluster_free(ecs_cluster *c)
{
    free(c->arn);
    free(c->name);
    free(c->status);
    free(c->container_insights);
    free(c->exec_kms_key_id);
    free(c->exec_logging);
    free(c->exec_log_group);
    svc_strings_free(&c->capacity_providers);
    ecs_capacities_free(&c->default_strategy);
    svc_tags_free(&c->tags);
    memset(c, 0, sizeof *c);
}

int ecs_create_cluster(aws_client *c, const ecs_cluster_input *in, ecs_cluster *out,
                       aws_error *err)
{
    if (!in || !in->name) {
        aws_error_set(err, AWS_ERR_INPUT, "InvalidParameterException",
                      "CreateCluster needs a cluster name");
        return -1;
    }
    cJSON *j = cJSON_CreateObject(), *o;
    cJSON_AddStringToObject(j, "clusterName", in->name);
    if (in->tags && in->tags->n)
        cJSON_AddItemToObject(j, "tags", svc_tags_json(in->tags, "key", "value"));
    if (in->container_insights) {
        cJSON *s = cJSON_CreateObject();
        cJSON_AddStringToObject(s, "name", "containerInsights");
        cJSON_AddStringToObject(s, "value", in->container_insights);
        cJSON_AddItemToArray(cJSON_AddArrayToObject(j, "settings"), s);
    }
    if (in->capacity_providers) {
        cJSON *arr = cJSON_AddArrayToObject(j, "capacityProviders");
        for (size_t i = 0; i < in->capacity_providers->n; i++)
            cJSON_AddItemToArray(arr, cJSON_CreateString(in->capacity_providers->items[i]));
        if (in->n_default_strategy)
            cJSON_AddItemToObject(j, "defaultCapacityProviderStrategy",
                                  ecs_capacity_json_(in->default_strategy, in->n_default_strategy));
    }
    cJSON *conf = exec_configuration(in);
    if (conf)
        cJSON_AddItemToObject(j, "configuration", conf);
    if (ecs_call_(c, "CreateCluster", j, &o, err) != 0)
        return -1;
    if (out)
        read_cluster(cJSON_GetObjectItem(o, "cluster"), out);
    cJSON_Delete(o);
    return 0;
}

int ecs_update_cluster(aws_client *c, const ecs_cluster_input *in, ecs_cluster *out,
                       aws_error *err)
{
    if (!in || !in->name) {
        aws_error_set(err, AWS_ERR_INPUT, "InvalidParameterException",
                      "UpdateCluster needs the cluster name");
        return -1;
    }
    cJSON *j = cJSON_CreateObject(), *o;
    cJSON_AddStringToObject(j, "cluster", in->name);
    if (in->container_insights) {
        cJSON *s = cJSON_CreateObject();
        cJSON_AddStringToObject(s, "name", "containerInsights");
        cJSON_AddStringToObject(s, "value", in->container_insights);
        cJSON_AddItemToArray(cJSON_AddArrayToObject(j, "settings"), s);
    }
    cJSON *conf = exec_configuration(in);
    if (conf)
        cJSON_AddItemToObject(j, "configuration", conf);
    if (ecs_call_(c, "UpdateCluster", j, &o, err) != 0)
        return -1;
    if (out)
        read_cluster(cJSON_GetObjectItem(o, "cluster"), out);
    cJSON_Delete(o);
    return 0;
}

int ecs_put_cluster_capacity_providers(aws_client *c, const char *cluster, const svc_strings *providers,
                                       const ecs_capacity *strategy, size_t n, ecs_cluster *out,
                                       aws_error *err)
{
    cJSON *j = svc_input("cluster", cluster), *o;
    cJSON *arr = cJSON_AddArrayToObject(j, "capacityProviders");
    for (size_t i = 0; providers && i < providers->n; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateString(providers->items[i]));
    cJSON_AddItemToObject(j, "defaultCapacityProviderStrategy", ecs_capacity_json_(strategy, n));
    if (ecs_call_(c, "PutClusterCapacityProviders", j, &o, err) != 0)
        return -1;
    if (out)
        read_cluster(cJSON_GetObjectItem(o, "cluster"), out);
    cJSON_Delete(o);
    return 0;
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
    const cJSON *first = cJSON_GetArrayItem(aws_json_array(o, "clusters"), 0);
    if (first) {
        read_cluster(first, out);
        *found = 1;
    }
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
    cJSON *o;
    memset(out, 0, sizeof *out);
    if (ecs_call_(c, "ListTagsForResource", arn_input(arn), &o, err) != 0)
        return -1;
    svc_json_tags(o, "tags", "key", "value", out);
    cJSON_Delete(o);
    return 0;
}

int ecs_tag_resource(aws_client *c, const char *arn, const svc_tags *tags, aws_error *err)
{
    cJSON *j = arn_input(arn);
    cJSON_AddItemToObject(j, "tags", svc_tags_json(tags, "key", "value"));
    return ecs_call_(c, "TagResource", j, NULL, err);
}

int ecs_untag_resource(aws_client *c, const char *arn, const svc_strings *keys, aws_error *err)
{
    cJSON *j = arn_input(arn), *arr = cJSON_AddArrayToObject(j, "tagKeys");
    for (size_t i = 0; keys && i < keys->n; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateString(keys->items[i]));
    return ecs_call_(c, "UntagResource", j, NULL, err);
}
