/*
 * database/NAME: an RDS DB instance (PostgreSQL or MySQL). One the stack creates is named
 * STACK-NAME, lives in its DB subnet group (db_subnets/NAME) behind its own security group
 * (sg/db-NAME, opened by sg_rules/db-NAME to the services that use it), has storage
 * encryption and automated backups, and a master password that RDS generates and keeps in
 * a Secrets Manager secret of its own (ManageMasterUserPassword): no password ever passes
 * through ecsdeploy, its properties or its output. An existing one (`existing: ID`) is
 * external: read for its endpoint, port, security group and secret, never changed; the
 * services that use it reach it through sg_reach rules into its group.
 *
 * RDS instances, not Aurora Serverless v2: the fake models DB instances only, and an
 * instance is what dekart's and fdk's own setups run.
 *
 * Discovery is one DescribeDBInstances of the region (tags are in its answer) beside a
 * DescribeDBInstances of each existing instance the file names. Created instances are
 * kept by `down` (unless keep: false) and deleted by `down --purge`, with a final
 * snapshot unless final_snapshot: false. A database the file no longer has is kept too,
 * with what it stands on (after_discover): dropping a section of the file never deletes
 * data; `down --purge` does.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ci_policy_internal.h"
#include "database_internal.h"
#include "stack_names.h"
#include "xalloc.h"

/* ---- building ------------------------------------------------------------------------ */

static void build_created(res_graph *g, const stack_model *s, const stack_database *db,
                          res_node *n)
{
    cJSON *d = n->desired;
    char *id = xasprintf("db_subnets/%s", db->name), *sg = xasprintf("sg/db-%s", db->name);
    cJSON_AddStringToObject(d, "engine", stack_db_engine_name(db->engine));
    if (db->version)
        cJSON_AddStringToObject(d, "version", db->version);
    cJSON_AddStringToObject(d, "instance_class", db->instance_class);
    cJSON_AddNumberToObject(d, "storage_gib", db->storage_gib);
    cJSON_AddStringToObject(d, "storage_type", db->storage_type);
    cJSON_AddBoolToObject(d, "multi_az", db->multi_az);
    cJSON_AddStringToObject(d, "db_name", db->db_name);
    cJSON_AddStringToObject(d, "user", db->user);
    cJSON_AddNumberToObject(d, "backup_retention_days", db->backup_retention_days);
    cJSON_AddBoolToObject(d, "deletion_protection", db->deletion_protection);
    cJSON_AddBoolToObject(d, "encrypted", 1);
    cJSON_AddItemToObject(d, "subnet_group", res_ref(id, "id"));
    cJSON_AddItemToObject(d, "vpc", res_ref(id, "vpc"));
    cJSON_AddItemToArray(cJSON_AddArrayToObject(d, "security_groups"), res_ref(sg, "id"));
    res_node_depend(n, res_graph_find(g, id));
    res_node_depend(n, res_graph_find(g, sg));
    n->keep = db->keep;
    free(id);
    free(sg);
    (void)s;
}

static int build(res_graph *g, const stack_model *s)
{
    for (size_t i = 0; i < s->ndatabases; i++) {
        const stack_database *db = &s->databases[i];
        if (db->existing) {
            res_graph_add_existing(g, &res_kind_database, db->name, db, "identifier", db->existing,
                                   "RDS database");
            continue;
        }
        char *ident = xstrdup(db->identifier);
        for (char *p = ident; *p; p++)
            *p = (char)tolower((unsigned char)*p); /* as RDS keeps it */
        /* what the plan of a create shows, and a reminder that changes are not left for
         * the maintenance window */
        res_node *n = res_graph_addf(g, &res_kind_database, db->name,
                                     res_props("identifier", ident, NULL),
                                     "RDS %s%s%s database %s (%s%s, %d GiB %s, encrypted; changes "
                                     "apply at once)", stack_db_engine_name(db->engine),
                                     db->version ? " " : "", db->version ? db->version : "", ident,
                                     db->instance_class, db->multi_az ? " Multi-AZ" : "",
                                     db->storage_gib, db->storage_type);
        n->model = db;
        build_created(g, s, db, n);
        free(ident);
    }
    return 0;
}

/* ---- versions and states ----------------------------------------------------------------- */

char *dbres_major(const char *engine, const char *version)
{
    size_t len = strcspn(version, ".");
    if (strcmp(engine, "mysql") == 0 && version[len] == '.')
        len += 1 + strcspn(version + len + 1, ".");
    return xstrndup(version, len);
}

/* Compare dotted numbers: <0, 0, >0. */
static int version_cmp(const char *a, const char *b)
{
    while (*a || *b) {
        long x = strtol(a, (char **)&a, 10), y = strtol(b, (char **)&b, 10);
        if (x != y)
            return x < y ? -1 : 1;
        a += *a == '.';
        b += *b == '.';
        if ((!*a) != (!*b))
            return *a ? 1 : -1;
    }
    return 0;
}

int dbres_version_satisfied(const char *engine, const char *want, const char *have)
{
    size_t len = strlen(want);
    if (strcmp(want, have) == 0 || (strncmp(want, have, len) == 0 && have[len] == '.'))
        return 1;
    char *a = dbres_major(engine, want), *b = dbres_major(engine, have);
    int same = strcmp(a, b) == 0 && strcmp(a, want) != 0 && version_cmp(have, want) >= 0;
    free(a);
    free(b);
    return same;
}

int dbres_modifiable(const char *status)
{
    return strcmp(status, "available") == 0 || strcmp(status, "storage-optimization") == 0;
}

int dbres_broken(const char *status)
{
    static const char *const bad[] = {"failed", "storage-full", "stopped", "stopping",
                                      "inaccessible-encryption-credentials", "restore-error",
                                      NULL};
    for (size_t i = 0; bad[i]; i++)
        if (strcmp(status, bad[i]) == 0)
            return 1;
    return strncmp(status, "incompatible-", 13) == 0;
}

/* ---- reading ------------------------------------------------------------------------- */

/* A setting as it will be: the pending value of `member` when a change is under way. */
static const char *will_be(const rds_instance *i, const char *member, const char *now)
{
    const char *p = svc_tags_get(&i->pending, member);
    return p ? p : now;
}

static int will_be_int(const rds_instance *i, const char *member, int now)
{
    const char *p = svc_tags_get(&i->pending, member);
    return p ? atoi(p) : now;
}

cJSON *dbres_props(const rds_instance *i, const cJSON *desired)
{
    cJSON *p = res_props("identifier", i->id, "engine", i->engine, NULL);
    /* the settings as they will be once the changes under way are applied (ecsdeploy
     * applies its changes at once: pending values are being applied) */
    const char *version = will_be(i, "EngineVersion", i->engine_version);
    const cJSON *want = desired ? cJSON_GetObjectItemCaseSensitive(desired, "version") : NULL;
    int as_written = cJSON_IsString(want) &&
                     dbres_version_satisfied(i->engine, want->valuestring, version);
    cJSON_AddStringToObject(p, "version", as_written ? want->valuestring : version);
    cJSON_AddStringToObject(p, "instance_class", will_be(i, "DBInstanceClass", i->instance_class));
    cJSON_AddNumberToObject(p, "storage_gib", will_be_int(i, "AllocatedStorage", i->allocated_storage));
    cJSON_AddStringToObject(p, "storage_type", will_be(i, "StorageType", i->storage_type));
    const char *multi_az = svc_tags_get(&i->pending, "MultiAZ");
    cJSON_AddBoolToObject(p, "multi_az", multi_az ? strcmp(multi_az, "true") == 0 : i->multi_az);
    cJSON_AddStringToObject(p, "db_name", i->db_name);
    cJSON_AddStringToObject(p, "user", i->master_username);
    cJSON_AddNumberToObject(p, "backup_retention_days",
                            will_be_int(i, "BackupRetentionPeriod", i->backup_retention_days));
    cJSON_AddBoolToObject(p, "deletion_protection", i->deletion_protection);
    cJSON_AddBoolToObject(p, "encrypted", i->storage_encrypted);
    cJSON_AddStringToObject(p, "subnet_group", i->subnet_group);
    cJSON_AddStringToObject(p, "vpc", i->vpc_id);
    svc_strings groups = {0};
    for (size_t k = 0; k < i->security_groups.n; k++)
        svc_strings_add(&groups, i->security_groups.items[k]);
    cJSON *a = cJSON_AddArrayToObject(p, "security_groups");
    for (size_t k = 0; k < groups.n; k++)
        cJSON_AddItemToArray(a, cJSON_CreateString(groups.items[k]));
    svc_strings_free(&groups);
    /* attributes */
    if (i->address[0]) {
        cJSON_AddStringToObject(p, "host", i->address);
        cJSON_AddNumberToObject(p, "port", i->port);
    }
    cJSON_AddStringToObject(p, "name", i->db_name);
    if (i->master_secret_arn[0]) {
        cJSON_AddStringToObject(p, "secret_arn", i->master_secret_arn);
        cJSON_AddStringToObject(p, "secret_kms_key", i->master_secret_kms_key_id);
    }
    if (i->security_groups.n)
        cJSON_AddStringToObject(p, "security_group_id", i->security_groups.items[0]);
    cJSON_AddStringToObject(p, "status", i->status);
    cJSON_AddStringToObject(p, "arn", i->arn);
    if (i->pending.n) {
        cJSON *pend = cJSON_AddArrayToObject(p, "pending");
        for (size_t k = 0; k < i->pending.n; k++)
            cJSON_AddItemToArray(pend, cJSON_CreateString(i->pending.items[k].key));
    }
    return p;
}

typedef struct {
    res_ctx *ctx;
    rds_instances listed;
    res_externals ext; /* the file's existing databases */
} discovery;

static int discover_part(void *ud, size_t i, aws_error *err)
{
    discovery *d = ud;
    if (i == 0)
        return rds_describe_db_instances(d->ctx->aws, NULL, 0, &d->listed, err);
    const stack_database *db = d->ext.nodes[i - 1]->model;
    rds_instances l = {0};
    int rc = rds_describe_db_instances(d->ctx->aws, db->existing, 0, &l, err);
    if (rc == 0 && l.n)
        res_externals_set(&d->ext, i - 1, l.items[0].id, dbres_props(&l.items[0], NULL));
    rds_instances_free(&l);
    return rc;
}

static char *missing(const res_ctx *ctx, const res_node *n)
{
    const stack_database *db = n->model;
    return xasprintf("no RDS database %s in %s: fix `existing:` of database %s in the stack "
                     "file", db->existing, ctx->region ? ctx->region : "this region", db->name);
}

static int discover(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    discovery d = {.ctx = ctx};
    res_externals_of(ctx, &res_kind_database, &d.ext);
    int rc = res_externals_read(&d.ext, discover_part, &d, err);
    for (size_t i = 0; rc == 0 && i < d.listed.n; i++) {
        const rds_instance *x = &d.listed.items[i];
        const char *id = res_tags_node(ctx, &x->tags);
        if (!id || strncmp(id, "database/", 9) != 0)
            continue;
        const res_node *n = ctx->graph ? res_graph_find(ctx->graph, id) : NULL;
        res_found_add(out, id, x->id, dbres_props(x, n ? n->desired : NULL));
    }
    if (rc == 0)
        rc = res_externals_found(&d.ext, ctx, out, missing, err);
    res_externals_free(&d.ext);
    rds_instances_free(&d.listed);
    return rc;
}

/* A database the file no longer has is kept, with its subnet group and security group
 * (deleted by `down --purge` only): they become its dependencies, so that the plan keeps
 * them with it (plan_compute keeps what a remaining resource stands on). */
static int after_discover(res_ctx *ctx, aws_error *err)
{
    (void)err;
    res_graph *g = ctx->graph;
    for (size_t i = 0; i < g->n; i++) {
        res_node *n = g->nodes[i];
        if (n->kind != &res_kind_database || n->desired || !n->physical_id)
            continue;
        n->keep = 1;
        const char *name = strchr(n->id, '/') + 1;
        char *ids[2] = {xasprintf("db_subnets/%s", name), xasprintf("sg/db-%s", name)};
        for (int k = 0; k < 2; k++) {
            res_node *dep = res_graph_find(g, ids[k]);
            if (dep && !dep->desired)
                res_node_depend(n, dep);
            free(ids[k]);
        }
    }
    return 0;
}

/* ---- status ---------------------------------------------------------------------------- */


static int status(res_ctx *ctx, res_node *n, cJSON *out, aws_error *err)
{
    (void)ctx;
    (void)err;
    const char *state = res_prop_text(n->actual, "status"), *host = res_prop_text(n->actual, "host");
    const cJSON *port = cJSON_GetObjectItemCaseSensitive(n->actual, "port");
    cJSON_AddStringToObject(out, "db_state", state);
    buf b = BUF_INIT;
    buf_puts(&b, state);
    const cJSON *pend = cJSON_GetObjectItemCaseSensitive(n->actual, "pending"), *v;
    cJSON_ArrayForEach(v, pend) buf_printf(&b, "%s%s", v == pend->child ? " (applying " : ", ",
                                           v->valuestring);
    if (pend)
        buf_putc(&b, ')');
    if (host[0]) {
        cJSON_AddStringToObject(out, "endpoint", host);
        cJSON_AddNumberToObject(out, "port", cJSON_IsNumber(port) ? port->valuedouble : 0);
        buf_printf(&b, ", %s:%d", host, cJSON_IsNumber(port) ? port->valueint : 0);
    } else {
        buf_puts(&b, ", no endpoint yet");
    }
    char *summary = buf_detach(&b);
    cJSON_AddStringToObject(out, "summary", summary);
    free(summary);
    if (dbres_broken(state))
        cJSON_AddBoolToObject(out, "healthy", 0);
    return 0;
}

/* ---- the kind ------------------------------------------------------------------------ */

static const char *const replace_on[] = {"identifier", "engine", "db_name", "user", "encrypted",
                                         "vpc", NULL};
static const char *const unordered[] = {"security_groups", NULL};

static int check(res_ctx *ctx, aws_error *err);

static void ci_grant(ci_builder *b, int mine)
{
    READS(b, "rds:DescribeDBInstances rds:DescribeDBSnapshots");
    ci_allow(b, "rds:ListTagsForResource", ci_rds_arn(b, "db"), NULL);
    if (!mine)
        return;
    ci_allow(b, "rds:CreateDBInstance rds:ModifyDBInstance rds:DeleteDBInstance "
             "rds:AddTagsToResource",
             ci_rds_arn(b, "db"), NULL);
    ci_allow(b, "rds:CreateDBInstance", ci_rds_arn(b, "subgrp"), NULL);
    ci_allow(b, "rds:CreateDBSnapshot", ci_rds_arn(b, "snapshot"), NULL);
    /* RDS keeps the master password in a secret it makes in the caller's name */
    ci_allow(b, "secretsmanager:CreateSecret secretsmanager:TagResource",
             ci_one(ci_arn(b, "secretsmanager", 1, "secret:rds!*")), NULL);
    ci_allow(b, "kms:DescribeKey", ci_any(), NULL);
}

const res_kind res_kind_database = {
    .name = "database",
    .title = "RDS database",
    .build = build,
    .discover = discover,
    .create = dbres_create,
    .update = dbres_update,
    .remove = dbres_remove,
    .replace_on = replace_on,
    .unordered = unordered,
    .status = status,
    .after_discover = after_discover,
    .delete_changes = dbres_delete_changes,
    .check = check,
    .ci_grant = ci_grant,
    .linked_role = "rds.amazonaws.com",
};

/* ---- what `up` refuses ------------------------------------------------------------------- */

static int refuse_change(const res_node *n, aws_error *err)
{
    const cJSON *d = n->desired, *a = n->actual;
    const char *label = strchr(n->id, '/') + 1;
    const cJSON *want = cJSON_GetObjectItemCaseSensitive(d, "storage_gib");
    const cJSON *have = cJSON_GetObjectItemCaseSensitive(a, "storage_gib");
    if (cJSON_IsNumber(want) && cJSON_IsNumber(have) && want->valueint != have->valueint) {
        int least = have->valueint + (have->valueint + 9) / 10; /* RDS: at least 10% more */
        if (want->valueint < have->valueint) {
            aws_error_set(err, AWS_ERR_INPUT, "StorageShrink",
                          "databases.%s.storage_gib: %d GiB is less than the %d GiB it has; RDS "
                          "never makes storage smaller", label, want->valueint, have->valueint);
            return -1;
        }
        if (want->valueint < least) {
            aws_error_set(err, AWS_ERR_INPUT, "StorageGrowth",
                          "databases.%s.storage_gib: RDS grows storage by 10%% at least: from %d "
                          "GiB, give %d GiB or more", label, have->valueint, least);
            return -1;
        }
    }
    const char *v = res_prop_text(d, "version"), *h = res_prop_text(a, "version"), *engine = res_prop_text(a, "engine");
    if (v[0] && h[0] && !dbres_version_satisfied(engine, v, h) && version_cmp(v, h) < 0) {
        aws_error_set(err, AWS_ERR_INPUT, "VersionDowngrade",
                      "databases.%s.version: %s is older than the %s it runs; RDS upgrades a "
                      "database, never downgrades it", label, v, h);
        return -1;
    }
    return 0;
}

/* A service given the password of an existing database whose password RDS does not keep. */
static int refuse_password(res_ctx *ctx, aws_error *err)
{
    const stack_model *s = ctx->stack;
    for (size_t i = 0; s && i < s->nservices; i++)
        for (size_t u = 0; u < s->services[i].ndatabases; u++) {
            const stack_store_use *use = &s->services[i].databases[u];
            const stack_database *db = stack_find_database(s, use->name);
            if (!use->password || !db || !db->existing)
                continue;
            char *id = xasprintf("database/%s", db->name);
            const res_node *n = res_graph_find(ctx->graph, id);
            free(id);
            if (n && n->actual && !res_prop_text(n->actual, "secret_arn")[0]) {
                aws_error_set(err, AWS_ERR_INPUT, "NoManagedPassword",
                              "services.%s.databases.%s.password: the password of RDS database %s "
                              "is not kept by RDS in Secrets Manager, so ecsdeploy cannot give it; "
                              "turn on \"Manage master credentials in AWS Secrets Manager\" for it, "
                              "or pass the password as one of the service's secrets",
                              s->services[i].name, db->name, db->existing);
                return -1;
            }
        }
    return 0;
}

static int check(res_ctx *ctx, aws_error *err)
{
    for (size_t i = 0; i < ctx->graph->n; i++) {
        const res_node *n = ctx->graph->nodes[i];
        if (n->kind == &res_kind_database && n->action == RES_UPDATE && refuse_change(n, err) != 0)
            return -1;
    }
    return refuse_password(ctx, err);
}
