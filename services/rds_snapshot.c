/* RDS: DB snapshots, and the tags of any RDS resource. */
#include <stdlib.h>
#include <string.h>

#include "rds_internal.h"
#include "xalloc.h"

static void read_snapshot(const cJSON *j, rds_snapshot *s)
{
    memset(s, 0, sizeof *s);
    s->id = svc_json_dup(j, "DBSnapshotIdentifier");
    s->arn = svc_json_dup(j, "DBSnapshotArn");
    s->instance_id = svc_json_dup(j, "DBInstanceIdentifier");
    s->status = svc_json_dup(j, "Status");
    s->type = svc_json_dup(j, "SnapshotType");
    s->engine = svc_json_dup(j, "Engine");
    s->engine_version = svc_json_dup(j, "EngineVersion");
    s->create_time = svc_json_dup(j, "SnapshotCreateTime");
    s->kms_key_id = svc_json_dup(j, "KmsKeyId");
    s->allocated_storage = (int)aws_json_int(j, "AllocatedStorage", 0);
    s->percent_progress = (int)aws_json_int(j, "PercentProgress", 0);
    s->encrypted = aws_json_bool(j, "Encrypted", 0);
    svc_json_tags(j, "TagList", "Key", "Value", &s->tags);
}

void rds_snapshots_free(rds_snapshots *l)
{
    for (size_t k = 0; k < l->n; k++) {
        rds_snapshot *s = &l->items[k];
        char *all[] = {s->id, s->arn, s->instance_id, s->status, s->type, s->engine,
                       s->engine_version, s->create_time, s->kms_key_id};
        for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
            free(all[i]);
        svc_tags_free(&s->tags);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}

int rds_describe_db_snapshots(aws_client *c, const char *instance_id, const char *snapshot_id,
                              const char *type, int page_size, rds_snapshots *out,
                              aws_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *req = cJSON_CreateObject(), *items, *e;
    if (instance_id)
        cJSON_AddStringToObject(req, "DBInstanceIdentifier", instance_id);
    if (snapshot_id)
        cJSON_AddStringToObject(req, "DBSnapshotIdentifier", snapshot_id);
    if (type)
        cJSON_AddStringToObject(req, "SnapshotType", type);
    int rc = rdsi_paginate(c, "DescribeDBSnapshots", req, "DBSnapshots", page_size, &items, err);
    cJSON_Delete(req);
    if (rc != 0)
        return -1;
    cJSON_ArrayForEach(e, items)
        read_snapshot(e, xgrow((void **)&out->items, &out->n, sizeof *out->items));
    cJSON_Delete(items);
    return 0;
}

int rds_delete_db_snapshot(aws_client *c, const char *id, aws_error *err)
{
    return rdsi_call(c, "DeleteDBSnapshot", svc_input("DBSnapshotIdentifier", id), NULL, NULL,
                     err);
}

int rds_add_tags_to_resource(aws_client *c, const char *arn, const svc_tags *tags,
                             aws_error *err)
{
    cJSON *j = svc_input("ResourceName", arn);
    if (!tags || tags->n == 0)
        cJSON_AddArrayToObject(j, "Tags");
    rdsi_add_tags(j, tags);
    return rdsi_call(c, "AddTagsToResource", j, NULL, NULL, err);
}

int rds_list_tags_for_resource(aws_client *c, const char *arn, svc_tags *out, aws_error *err)
{
    cJSON *resp;
    memset(out, 0, sizeof *out);
    if (rdsi_call(c, "ListTagsForResource", svc_input("ResourceName", arn), NULL, &resp,
                  err) != 0)
        return -1;
    svc_json_tags(resp, "TagList", "Key", "Value", out);
    cJSON_Delete(resp);
    return 0;
}

int rds_remove_tags_from_resource(aws_client *c, const char *arn, const char *const *keys,
                                  aws_error *err)
{
    static const char *const none[] = {NULL};
    cJSON *j = svc_input("ResourceName", arn);
    rdsi_add_strings(j, "TagKeys", keys ? keys : none);
    return rdsi_call(c, "RemoveTagsFromResource", j, NULL, NULL, err);
}
