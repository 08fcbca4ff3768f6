/* RDS: DB instances — create, describe, delete, and the lost-answer finders of the
 * creating and deleting calls. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rds_internal.h"
#include "xalloc.h"

#define SECRET(m) "MasterUserSecret." m

const svc_shape rdsi_instance_shape = SVC_SHAPE(rds_instance, NULL, NULL,
    SVC_FIELD("DBInstanceIdentifier", SVC_STR, rds_instance, id),
    SVC_FIELD("DBInstanceArn", SVC_STR, rds_instance, arn),
    SVC_FIELD("DbiResourceId", SVC_STR, rds_instance, resource_id),
    SVC_FIELD("DBInstanceStatus", SVC_STR, rds_instance, status),
    SVC_FIELD("Engine", SVC_STR, rds_instance, engine),
    SVC_FIELD("EngineVersion", SVC_STR, rds_instance, engine_version),
    SVC_FIELD("DBInstanceClass", SVC_STR, rds_instance, instance_class),
    SVC_FIELD("DBName", SVC_STR, rds_instance, db_name),
    SVC_FIELD("MasterUsername", SVC_STR, rds_instance, master_username),
    SVC_FIELD("Endpoint.Address", SVC_STR, rds_instance, address),
    SVC_FIELD("Endpoint.HostedZoneId", SVC_STR, rds_instance, hosted_zone_id),
    SVC_FIELD("Endpoint.Port", SVC_INT, rds_instance, port),
    SVC_FIELD("AllocatedStorage", SVC_INT, rds_instance, allocated_storage),
    SVC_FIELD("StorageType", SVC_STR, rds_instance, storage_type),
    SVC_FIELD("KmsKeyId", SVC_STR, rds_instance, kms_key_id),
    SVC_FIELD("StorageEncrypted", SVC_BOOL, rds_instance, storage_encrypted),
    SVC_FIELD("MultiAZ", SVC_BOOL, rds_instance, multi_az),
    SVC_FIELD("DeletionProtection", SVC_BOOL, rds_instance, deletion_protection),
    SVC_FIELD("PubliclyAccessible", SVC_BOOL, rds_instance, publicly_accessible),
    SVC_FIELD("CopyTagsToSnapshot", SVC_BOOL, rds_instance, copy_tags_to_snapshot),
    SVC_FIELD("BackupRetentionPeriod", SVC_INT, rds_instance, backup_retention_days),
    SVC_FIELD("AvailabilityZone", SVC_STR, rds_instance, availability_zone),
    SVC_FIELD("DBSubnetGroup.DBSubnetGroupName", SVC_STR, rds_instance, subnet_group),
    SVC_FIELD("DBSubnetGroup.VpcId", SVC_STR, rds_instance, vpc_id),
    SVC_FIELD("InstanceCreateTime", SVC_STR, rds_instance, create_time),
    SVC_FSTRINGS("VpcSecurityGroups", rds_instance, security_groups, "VpcSecurityGroupId"),
    SVC_FIELD(SECRET("SecretArn"), SVC_STR, rds_instance, master_secret_arn),
    SVC_FIELD(SECRET("SecretStatus"), SVC_STR, rds_instance, master_secret_status),
    SVC_FIELD(SECRET("KmsKeyId"), SVC_STR, rds_instance, master_secret_kms_key_id),
    SVC_FTAGS("TagList", rds_instance, tags, "Key", "Value"),
    SVC_FIELD("PendingModifiedValues", SVC_TAG_MAP, rds_instance, pending));

SVC_DEFINE_FREE(rds_instance_free, rds_instance, rdsi_instance_shape)
SVC_DEFINE_LIST_FREE(rds_instances_free, rds_instances, rdsi_instance_shape)

int rdsi_find_answer(aws_client *c, const char *id, int (*took)(const cJSON *item, const void *ud),
                     const void *ud, int gone_took, cJSON **output, aws_error *err)
{
    cJSON *item;
    if (rdsi_find_instance(c, id, &item, err) != 0)
        return -1;
    if (!item) {
        if (gone_took)
            *output = cJSON_CreateObject();
        return gone_took;
    }
    if (!took(item, ud)) {
        cJSON_Delete(item);
        return 0;
    }
    *output = cJSON_CreateObject();
    cJSON_AddItemToObject(*output, "DBInstance", item);
    return 1;
}

int rdsi_find_instance(aws_client *c, const char *id, cJSON **found, aws_error *err)
{
    cJSON *resp;
    *found = NULL;
    if (rdsi_call(c, "DescribeDBInstances", svc_input("DBInstanceIdentifier", id), NULL, &resp,
                  err) != 0) {
        if (!aws_error_is(err, AWS_IS_NOT_FOUND))
            return -1;
        aws_error_clear(err);
        return 0;
    }
    const cJSON *item = rdsi_first(resp, "DBInstances");
    if (item)
        *found = cJSON_Duplicate(item, 1);
    cJSON_Delete(resp);
    return 0;
}

/*
 * CreateDBInstance takes no client token. When its answer is lost, an instance of that
 * identifier with the engine, class and tags asked for is the one this call made: the
 * retry would only meet DBInstanceAlreadyExists. Another one (made by someone else) is
 * left for the retry to report.
 */
static int same_string(const cJSON *a, const cJSON *b, const char *name)
{
    const char *x = aws_json_str(a, name), *y = aws_json_str(b, name);
    return x && y && strcmp(x, y) == 0;
}

static int same_instance(const cJSON *item, const void *in)
{
    return same_string(item, in, "Engine") && same_string(item, in, "DBInstanceClass") &&
           rdsi_has_tags(item, cJSON_GetObjectItemCaseSensitive(in, "Tags"));
}

static int find_created(void *ctx, cJSON **output, aws_error *err)
{
    svc_lookup *g = ctx;
    return rdsi_find_answer(g->c, aws_json_str(g->in, "DBInstanceIdentifier"), same_instance,
                            g->in, 0, output, err);
}

static const svc_field create_fields[] = {
    SVC_FIELD("EngineVersion", SVC_STR, rds_instance_in, engine_version),
    SVC_FIELD("AllocatedStorage", SVC_INT, rds_instance_in, allocated_storage),
    SVC_FIELD("StorageType", SVC_STR, rds_instance_in, storage_type),
    SVC_FIELD("DBName", SVC_STR, rds_instance_in, db_name),
    SVC_FIELD("MasterUsername", SVC_STR, rds_instance_in, master_username),
    SVC_FIELD("MasterUserPassword", SVC_SECRET, rds_instance_in, master_password),
    SVC_FIELD("MasterUserSecretKmsKeyId", SVC_STR, rds_instance_in, master_secret_kms_key_id),
    SVC_FIELD("DBSubnetGroupName", SVC_STR, rds_instance_in, subnet_group),
    SVC_FIELD("Port", SVC_INT, rds_instance_in, port),
    SVC_FIELD("StorageEncrypted", SVC_TRI, rds_instance_in, storage_encrypted),
    SVC_FIELD("KmsKeyId", SVC_STR, rds_instance_in, kms_key_id),
    SVC_FIELD("MultiAZ", SVC_TRI, rds_instance_in, multi_az),
    SVC_FIELD("DeletionProtection", SVC_TRI, rds_instance_in, deletion_protection),
    SVC_FIELD("PubliclyAccessible", SVC_TRI, rds_instance_in, publicly_accessible),
    SVC_FIELD("CopyTagsToSnapshot", SVC_TRI, rds_instance_in, copy_tags_to_snapshot),
    SVC_END};

static cJSON *create_input(const rds_instance_in *in)
{
    cJSON *j = svc_input("DBInstanceIdentifier", in->id);
    cJSON_AddStringToObject(j, "Engine", in->engine ? in->engine : "");
    cJSON_AddStringToObject(j, "DBInstanceClass", in->instance_class ? in->instance_class : "");
    svc_write(j, create_fields, in);
    if (in->manage_master_password > 0)
        cJSON_AddBoolToObject(j, "ManageMasterUserPassword", 1);
    rdsi_add_strings(j, "VpcSecurityGroupIds", in->security_groups);
    if (in->backup_retention_days)
        cJSON_AddNumberToObject(j, "BackupRetentionPeriod",
                                in->backup_retention_days < 0 ? 0 : in->backup_retention_days);
    svc_add_tags(j, "Tags", in->tags, "Key", "Value");
    return j;
}

int rds_create_db_instance(aws_client *c, const rds_instance_in *in, rds_instance *out,
                           aws_error *err)
{
    if (out)
        memset(out, 0, sizeof *out);
    if (!in || !in->id || !in->engine || !in->instance_class)
        return svc_refuse(err, "InvalidParameterValue",
                          "CreateDBInstance: an identifier, an engine and an instance class are "
                          "needed");
    cJSON *j = create_input(in);
    svc_lookup g = {.c = c, .in = j};
    aws_lost_answer guard = {find_created, &g};
    /* rdsi_call deletes j: the guard reads it only during the call */
    return rdsi_call_read(c, "CreateDBInstance", j, &guard, "DBInstance", &rdsi_instance_shape,
                          out, err);
}

int rds_describe_db_instances(aws_client *c, const char *id, int page_size, rds_instances *out,
                              aws_error *err)
{
    cJSON *req = id ? svc_input("DBInstanceIdentifier", id) : NULL;
    return rdsi_describe(c, "DescribeDBInstances", req, "DBInstances", page_size,
                         &rdsi_instance_shape, (void **)&out->items, &out->n, err);
}

/*
 * A lost DeleteDBInstance answer: sent again it would meet InvalidDBInstanceState
 * ("already being deleted"). An instance "deleting" (or gone) means the call took effect.
 */
static int deleting(const cJSON *item, const void *ud)
{
    (void)ud;
    const char *status = aws_json_str(item, "DBInstanceStatus");
    return status && strcmp(status, "deleting") == 0;
}

static int find_deleting(void *ctx, cJSON **output, aws_error *err)
{
    svc_lookup *g = ctx;
    return rdsi_find_answer(g->c, g->id, deleting, NULL, 1, output, err);
}

int rds_delete_db_instance(aws_client *c, const char *id, const char *final_snapshot_id,
                           rds_instance *out, aws_error *err)
{
    cJSON *j = svc_input("DBInstanceIdentifier", id);
    if (final_snapshot_id)
        cJSON_AddStringToObject(j, "FinalDBSnapshotIdentifier", final_snapshot_id);
    else
        cJSON_AddBoolToObject(j, "SkipFinalSnapshot", 1);
    svc_lookup g = {.c = c, .id = id};
    aws_lost_answer guard = {find_deleting, &g};
    /* no DBInstance (gone before the retry could see it): out is read empty */
    return rdsi_call_read(c, "DeleteDBInstance", j, &guard, "DBInstance", &rdsi_instance_shape,
                          out, err);
}
