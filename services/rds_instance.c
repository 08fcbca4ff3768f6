/* RDS: DB instances — create, describe, delete, and the lost-answer finders of the
 * creating and deleting calls. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rds_internal.h"
#include "xalloc.h"

void rdsi_read_instance(const cJSON *j, rds_instance *out)
{
    const cJSON *e;
    memset(out, 0, sizeof *out);
    out->id = svc_json_dup(j, "DBInstanceIdentifier");
    out->arn = svc_json_dup(j, "DBInstanceArn");
    out->resource_id = svc_json_dup(j, "DbiResourceId");
    out->status = svc_json_dup(j, "DBInstanceStatus");
    out->engine = svc_json_dup(j, "Engine");
    out->engine_version = svc_json_dup(j, "EngineVersion");
    out->instance_class = svc_json_dup(j, "DBInstanceClass");
    out->db_name = svc_json_dup(j, "DBName");
    out->master_username = svc_json_dup(j, "MasterUsername");
    out->address = svc_json_dup2(j, "Endpoint", "Address");
    out->hosted_zone_id = svc_json_dup2(j, "Endpoint", "HostedZoneId");
    out->port = (int)aws_json_int(cJSON_GetObjectItemCaseSensitive(j, "Endpoint"), "Port", 0);
    out->allocated_storage = (int)aws_json_int(j, "AllocatedStorage", 0);
    out->storage_type = svc_json_dup(j, "StorageType");
    out->kms_key_id = svc_json_dup(j, "KmsKeyId");
    out->storage_encrypted = aws_json_bool(j, "StorageEncrypted", 0);
    out->multi_az = aws_json_bool(j, "MultiAZ", 0);
    out->deletion_protection = aws_json_bool(j, "DeletionProtection", 0);
    out->publicly_accessible = aws_json_bool(j, "PubliclyAccessible", 0);
    out->copy_tags_to_snapshot = aws_json_bool(j, "CopyTagsToSnapshot", 0);
    out->backup_retention_days = (int)aws_json_int(j, "BackupRetentionPeriod", 0);
    out->availability_zone = svc_json_dup(j, "AvailabilityZone");
    out->subnet_group = svc_json_dup2(j, "DBSubnetGroup", "DBSubnetGroupName");
    out->vpc_id = svc_json_dup2(j, "DBSubnetGroup", "VpcId");
    out->create_time = svc_json_dup(j, "InstanceCreateTime");
    svc_json_strings(j, "VpcSecurityGroups", "VpcSecurityGroupId", &out->security_groups);
    out->master_secret_arn = svc_json_dup2(j, "MasterUserSecret", "SecretArn");
    out->master_secret_status = svc_json_dup2(j, "MasterUserSecret", "SecretStatus");
    out->master_secret_kms_key_id = svc_json_dup2(j, "MasterUserSecret", "KmsKeyId");
    const cJSON *pending = cJSON_GetObjectItemCaseSensitive(j, "PendingModifiedValues");
    cJSON_ArrayForEach(e, pending)
    {
        if (cJSON_IsString(e))
            svc_tags_add(&out->pending, e->string, e->valuestring);
    }
    svc_json_tags(j, "TagList", "Key", "Value", &out->tags);
}

void rds_instance_free(rds_instance *i)
{
    char *all[] = {i->id, i->arn, i->resource_id, i->status, i->engine, i->engine_version,
                   i->instance_class, i->db_name, i->master_username, i->address,
                   i->hosted_zone_id, i->storage_type, i->kms_key_id, i->availability_zone,
                   i->subnet_group, i->vpc_id, i->create_time, i->master_secret_arn,
                   i->master_secret_status, i->master_secret_kms_key_id};
    for (size_t k = 0; k < sizeof all / sizeof all[0]; k++)
        free(all[k]);
    svc_strings_free(&i->security_groups);
    svc_tags_free(&i->pending);
    svc_tags_free(&i->tags);
    memset(i, 0, sizeof *i);
}

void rds_instances_free(rds_instances *l)
{
    SVC_LIST_FREE(l, rds_instance_free);
}

/* The answer of a call that returns {"DBInstance": ...}, read into out (may be NULL). */
static void read_answer(cJSON *resp, rds_instance *out)
{
    if (out)
        rdsi_read_instance(cJSON_GetObjectItemCaseSensitive(resp, "DBInstance"), out);
    cJSON_Delete(resp);
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
typedef struct {
    aws_client *c;
    const cJSON *in;
} create_guard;

static int same_string(const cJSON *a, const cJSON *b, const char *name)
{
    const char *x = aws_json_str(a, name), *y = aws_json_str(b, name);
    return x && y && strcmp(x, y) == 0;
}

static int find_created(void *ctx, cJSON **output, aws_error *err)
{
    create_guard *g = ctx;
    cJSON *item;
    if (rdsi_find_instance(g->c, aws_json_str(g->in, "DBInstanceIdentifier"), &item, err) != 0)
        return -1;
    if (!item)
        return 0;
    if (!same_string(item, g->in, "Engine") || !same_string(item, g->in, "DBInstanceClass") ||
        !rdsi_has_tags(item, cJSON_GetObjectItemCaseSensitive(g->in, "Tags"))) {
        cJSON_Delete(item);
        return 0;
    }
    *output = cJSON_CreateObject();
    cJSON_AddItemToObject(*output, "DBInstance", item);
    return 1;
}

static cJSON *create_input(const rds_instance_in *in)
{
    cJSON *j = svc_input("DBInstanceIdentifier", in->id);
    cJSON_AddStringToObject(j, "Engine", in->engine ? in->engine : "");
    cJSON_AddStringToObject(j, "DBInstanceClass", in->instance_class ? in->instance_class : "");
    if (in->engine_version)
        cJSON_AddStringToObject(j, "EngineVersion", in->engine_version);
    if (in->allocated_storage > 0)
        cJSON_AddNumberToObject(j, "AllocatedStorage", in->allocated_storage);
    if (in->storage_type)
        cJSON_AddStringToObject(j, "StorageType", in->storage_type);
    if (in->db_name)
        cJSON_AddStringToObject(j, "DBName", in->db_name);
    if (in->master_username)
        cJSON_AddStringToObject(j, "MasterUsername", in->master_username);
    if (in->master_password)
        cJSON_AddStringToObject(j, "MasterUserPassword", in->master_password);
    if (in->manage_master_password > 0)
        cJSON_AddBoolToObject(j, "ManageMasterUserPassword", 1);
    if (in->master_secret_kms_key_id)
        cJSON_AddStringToObject(j, "MasterUserSecretKmsKeyId", in->master_secret_kms_key_id);
    if (in->subnet_group)
        cJSON_AddStringToObject(j, "DBSubnetGroupName", in->subnet_group);
    rdsi_add_strings(j, "VpcSecurityGroupIds", in->security_groups);
    if (in->port > 0)
        cJSON_AddNumberToObject(j, "Port", in->port);
    rdsi_add_tri(j, "StorageEncrypted", in->storage_encrypted);
    if (in->kms_key_id)
        cJSON_AddStringToObject(j, "KmsKeyId", in->kms_key_id);
    rdsi_add_tri(j, "MultiAZ", in->multi_az);
    rdsi_add_tri(j, "DeletionProtection", in->deletion_protection);
    rdsi_add_tri(j, "PubliclyAccessible", in->publicly_accessible);
    rdsi_add_tri(j, "CopyTagsToSnapshot", in->copy_tags_to_snapshot);
    if (in->backup_retention_days)
        cJSON_AddNumberToObject(j, "BackupRetentionPeriod",
                                in->backup_retention_days < 0 ? 0 : in->backup_retention_days);
    rdsi_add_tags(j, in->tags);
    return j;
}

int rds_create_db_instance(aws_client *c, const rds_instance_in *in, rds_instance *out,
                           aws_error *err)
{
    if (out)
        memset(out, 0, sizeof *out);
    if (!in || !in->id || !in->engine || !in->instance_class) {
        aws_error_set(err, AWS_ERR_INPUT, "InvalidParameterValue",
                      "CreateDBInstance: an identifier, an engine and an instance class are "
                      "needed");
        return -1;
    }
    cJSON *j = create_input(in), *resp;
    create_guard g = {c, j};
    aws_lost_answer guard = {find_created, &g};
    /* rdsi_call deletes j: the guard reads it only during the call */
    if (rdsi_call(c, "CreateDBInstance", j, &guard, &resp, err) != 0)
        return -1;
    read_answer(resp, out);
    return 0;
}

int rds_describe_db_instances(aws_client *c, const char *id, int page_size, rds_instances *out,
                              aws_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *req = id ? svc_input("DBInstanceIdentifier", id) : cJSON_CreateObject(), *items, *e;
    int rc = rdsi_paginate(c, "DescribeDBInstances", req, "DBInstances", page_size, &items, err);
    cJSON_Delete(req);
    if (rc != 0)
        return -1;
    cJSON_ArrayForEach(e, items)
        rdsi_read_instance(e, xgrow((void **)&out->items, &out->n, sizeof *out->items));
    cJSON_Delete(items);
    return 0;
}

/*
 * A lost DeleteDBInstance answer: sent again it would meet InvalidDBInstanceState
 * ("already being deleted"). An instance "deleting" (or gone) means the call took effect.
 */
typedef struct {
    aws_client *c;
    const char *id;
} delete_guard;

static int find_deleting(void *ctx, cJSON **output, aws_error *err)
{
    delete_guard *g = ctx;
    cJSON *item;
    if (rdsi_find_instance(g->c, g->id, &item, err) != 0)
        return -1;
    *output = cJSON_CreateObject();
    if (!item)
        return 1;
    const char *status = aws_json_str(item, "DBInstanceStatus");
    if (status && strcmp(status, "deleting") == 0) {
        cJSON_AddItemToObject(*output, "DBInstance", item);
        return 1;
    }
    cJSON_Delete(item);
    cJSON_Delete(*output);
    *output = NULL;
    return 0;
}

int rds_delete_db_instance(aws_client *c, const char *id, const char *final_snapshot_id,
                           rds_instance *out, aws_error *err)
{
    if (out)
        memset(out, 0, sizeof *out);
    cJSON *j = svc_input("DBInstanceIdentifier", id), *resp;
    if (final_snapshot_id)
        cJSON_AddStringToObject(j, "FinalDBSnapshotIdentifier", final_snapshot_id);
    else
        cJSON_AddBoolToObject(j, "SkipFinalSnapshot", 1);
    delete_guard g = {c, id};
    aws_lost_answer guard = {find_deleting, &g};
    if (rdsi_call(c, "DeleteDBInstance", j, &guard, &resp, err) != 0)
        return -1;
    cJSON *item = cJSON_GetObjectItemCaseSensitive(resp, "DBInstance");
    if (out && item)
        rdsi_read_instance(item, out);
    else if (out) /* gone before the retry could see it */
        rdsi_read_instance(NULL, out);
    cJSON_Delete(resp);
    return 0;
}
