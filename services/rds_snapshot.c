/* RDS: DB snapshots, and the tags of any RDS resource. */
#include <stdlib.h>
#include <string.h>

#include "rds_internal.h"
#include "xalloc.h"

static const svc_shape snapshot_shape = SVC_SHAPE(rds_snapshot, NULL, NULL,
    SVC_FIELD("DBSnapshotIdentifier", SVC_STR, rds_snapshot, id),
    SVC_FIELD("DBSnapshotArn", SVC_STR, rds_snapshot, arn),
    SVC_FIELD("DBInstanceIdentifier", SVC_STR, rds_snapshot, instance_id),
    SVC_FIELD("Status", SVC_STR, rds_snapshot, status),
    SVC_FIELD("SnapshotType", SVC_STR, rds_snapshot, type),
    SVC_FIELD("Engine", SVC_STR, rds_snapshot, engine),
    SVC_FIELD("EngineVersion", SVC_STR, rds_snapshot, engine_version),
    SVC_FIELD("SnapshotCreateTime", SVC_STR, rds_snapshot, create_time),
    SVC_FIELD("KmsKeyId", SVC_STR, rds_snapshot, kms_key_id),
    SVC_FIELD("AllocatedStorage", SVC_INT, rds_snapshot, allocated_storage),
    SVC_FIELD("PercentProgress", SVC_INT, rds_snapshot, percent_progress),
    SVC_FIELD("Encrypted", SVC_BOOL, rds_snapshot, encrypted),
    SVC_FTAGS("TagList", rds_snapshot, tags, "Key", "Value"));

SVC_DEFINE_LIST_FREE(rds_snapshots_free, rds_snapshots, snapshot_shape)

int rds_describe_db_snapshots(aws_client *c, const char *instance_id, const char *snapshot_id,
                              const char *type, int page_size, rds_snapshots *out,
                              aws_error *err)
{
    cJSON *req = cJSON_CreateObject();
    svc_add_str(req, "DBInstanceIdentifier", instance_id);
    svc_add_str(req, "DBSnapshotIdentifier", snapshot_id);
    svc_add_str(req, "SnapshotType", type);
    return rdsi_describe(c, "DescribeDBSnapshots", req, "DBSnapshots", page_size, &snapshot_shape,
                         (void **)&out->items, &out->n, err);
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
    svc_add_tags(j, "Tags", tags, "Key", "Value");
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
