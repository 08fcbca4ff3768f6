/* RDS: ModifyDBInstance, and recognising one whose answer was lost. */
#include <stdlib.h>
#include <string.h>

#include "rds_internal.h"

static const svc_field modify_fields[] = {
    SVC_FIELD("DBInstanceClass", SVC_STR, rds_instance_mod, instance_class),
    SVC_FIELD("EngineVersion", SVC_STR, rds_instance_mod, engine_version),
    SVC_FIELD("StorageType", SVC_STR, rds_instance_mod, storage_type),
    SVC_FIELD("AllocatedStorage", SVC_INT, rds_instance_mod, allocated_storage),
    SVC_FIELD("MultiAZ", SVC_TRI, rds_instance_mod, multi_az),
    SVC_FIELD("DeletionProtection", SVC_TRI, rds_instance_mod, deletion_protection),
    SVC_FIELD("PubliclyAccessible", SVC_TRI, rds_instance_mod, publicly_accessible),
    SVC_FIELD("CopyTagsToSnapshot", SVC_TRI, rds_instance_mod, copy_tags_to_snapshot),
    SVC_FIELD("ManageMasterUserPassword", SVC_TRI, rds_instance_mod, manage_master_password),
    SVC_FIELD("MasterUserPassword", SVC_SECRET, rds_instance_mod, master_password),
    SVC_FIELD("MasterUserSecretKmsKeyId", SVC_STR, rds_instance_mod, master_secret_kms_key_id),
    SVC_FIELD("RotateMasterUserPassword", SVC_BOOL, rds_instance_mod, rotate_master_password),
    SVC_FIELD("AllowMajorVersionUpgrade", SVC_BOOL, rds_instance_mod, allow_major_version_upgrade),
    SVC_FIELD("ApplyImmediately", SVC_BOOL, rds_instance_mod, apply_immediately),
    SVC_END};

static cJSON *modify_input(const char *id, const rds_instance_mod *m)
{
    cJSON *j = svc_input("DBInstanceIdentifier", id);
    svc_write(j, modify_fields, m);
    rdsi_add_strings(j, "VpcSecurityGroupIds", m->security_groups);
    if (m->backup_retention_days)
        cJSON_AddNumberToObject(j, "BackupRetentionPeriod",
                                m->backup_retention_days < 0 ? 0 : m->backup_retention_days);
    return j;
}

/* value is want, or a version within it ("16.8" is within "16"). */
static int matches(const char *value, const char *want)
{
    size_t n = strlen(want);
    return strncmp(value, want, n) == 0 && (value[n] == '\0' || value[n] == '.');
}

static const char *pending(const rds_instance *i, const char *name)
{
    return svc_tags_get(&i->pending, name);
}

/* The instance holds want as member `name`, now or pending. */
static int holds(const rds_instance *i, const char *name, const char *now, const char *want)
{
    return matches(now, want) || (pending(i, name) && matches(pending(i, name), want));
}

static int holds_int(const rds_instance *i, const char *name, int now, int want)
{
    return now == want || (pending(i, name) && atoi(pending(i, name)) == want);
}

static int holds_bool(const rds_instance *i, const char *name, int now, int tri)
{
    const char *want = tri > 0 ? "true" : "false";
    return now == (tri > 0) || (pending(i, name) && strcmp(pending(i, name), want) == 0);
}

static int same_groups(const svc_strings *have, const char *const *want)
{
    size_t n = 0;
    while (want && want[n])
        n++;
    if (n != have->n)
        return 0;
    for (size_t k = 0; k < n; k++) {
        size_t j = 0;
        while (j < have->n && strcmp(have->items[j], want[k]) != 0)
            j++;
        if (j == have->n)
            return 0;
    }
    return 1;
}

/* Every change m asks for is visible on the instance (applied, applying or pending).
 * Password changes cannot be read back: they count as seen while it is "modifying". */
static int visible(const rds_instance *i, const rds_instance_mod *m)
{
    int storage = i->allocated_storage;
    if (pending(i, "AllocatedStorage") && atoi(pending(i, "AllocatedStorage")) > storage)
        storage = atoi(pending(i, "AllocatedStorage"));
    int retention = m->backup_retention_days < 0 ? 0 : m->backup_retention_days;
    return (!m->instance_class ||
            holds(i, "DBInstanceClass", i->instance_class, m->instance_class)) &&
           (!m->engine_version ||
            holds(i, "EngineVersion", i->engine_version, m->engine_version)) &&
           (!m->storage_type || holds(i, "StorageType", i->storage_type, m->storage_type)) &&
           (m->allocated_storage <= 0 || storage >= m->allocated_storage) &&
           (!m->security_groups || same_groups(&i->security_groups, m->security_groups)) &&
           (!m->multi_az || holds_bool(i, "MultiAZ", i->multi_az, m->multi_az)) &&
           (!m->deletion_protection ||
            i->deletion_protection == (m->deletion_protection > 0)) &&
           (!m->publicly_accessible ||
            i->publicly_accessible == (m->publicly_accessible > 0)) &&
           (!m->copy_tags_to_snapshot ||
            i->copy_tags_to_snapshot == (m->copy_tags_to_snapshot > 0)) &&
           (!m->backup_retention_days ||
            holds_int(i, "BackupRetentionPeriod", i->backup_retention_days, retention)) &&
           (!m->manage_master_password ||
            (i->master_secret_arn[0] != '\0') == (m->manage_master_password > 0)) &&
           (!(m->master_password || m->rotate_master_password) ||
            strcmp(i->status, "modifying") == 0);
}

typedef struct {
    aws_client *c;
    const char *id;
    const rds_instance_mod *m;
} modify_guard;

static int modified(const cJSON *item, const void *ud)
{
    const modify_guard *g = ud;
    rds_instance i;
    svc_read(item, &rdsi_instance_shape, &i);
    int seen = visible(&i, g->m);
    rds_instance_free(&i);
    return seen;
}

/* (no such instance: the retry reports DBInstanceNotFound) */
static int find_modified(void *ctx, cJSON **output, aws_error *err)
{
    modify_guard *g = ctx;
    return rdsi_find_answer(g->c, g->id, modified, g, 0, output, err);
}

int rds_modify_db_instance(aws_client *c, const char *id, const rds_instance_mod *m,
                           rds_instance *out, aws_error *err)
{
    static const rds_instance_mod none = {0};
    if (out)
        memset(out, 0, sizeof *out);
    if (!m)
        m = &none;
    modify_guard g = {c, id, m};
    aws_lost_answer guard = {find_modified, &g};
    return rdsi_call_read(c, "ModifyDBInstance", modify_input(id, m), &guard, "DBInstance",
                          &rdsi_instance_shape, out, err);
}
