/*
 * Creating, changing and deleting a database the stack owns (see database.c).
 *
 * Create sends CreateDBInstance (its lost answer is recognised by the client) and waits
 * only until the endpoint exists, the end of "creating": services need its address, not
 * the first backup that follows ("backing-up"). Update waits until the instance takes
 * changes (available, or storage-optimization after a storage change) and sends one
 * ModifyDBInstance with ApplyImmediately; RDS applies it in the background ("modifying",
 * minutes) while the endpoint stays, so nothing waits for it: the node's properties are
 * the settings as they will be (dbres_props reads the pending values). Remove turns deletion protection off first (the instance must take changes),
 * then deletes with a final snapshot unless the file says final_snapshot: false, the
 * instance never finished creating, or a rollback undoes this run's own creation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "database_internal.h"
#include "diff_internal.h"
#include "xalloc.h"


static int flag(const cJSON *o, const char *name)
{
    return cJSON_IsTrue(o ? cJSON_GetObjectItemCaseSensitive(o, name) : NULL);
}

/* The strings of a list member, NULL-terminated, borrowed (free the array). */
static const char **strings(const cJSON *o, const char *name)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, name), *v;
    const char **list = xcalloc((size_t)cJSON_GetArraySize(a) + 1, sizeof *list);
    size_t k = 0;
    cJSON_ArrayForEach(v, a) if (cJSON_IsString(v)) list[k++] = v->valuestring;
    return list;
}

/* ---- waiting ----------------------------------------------------------------------------- */

typedef enum { WAIT_ENDPOINT, WAIT_MODIFIABLE, WAIT_GONE } wait_for;

static int poll(res_ctx *ctx, res_node *n, void *ud, char *status, size_t len, aws_error *err)
{
    wait_for want = *(const wait_for *)ud;
    rds_instances l;
    if (rds_describe_db_instances(ctx->aws, n->physical_id, 0, &l, err) != 0) {
        if (want == WAIT_GONE && aws_error_is(err, AWS_IS_NOT_FOUND)) {
            aws_error_clear(err);
            return 1;
        }
        return -1;
    }
    if (l.n == 0) {
        rds_instances_free(&l);
        return want == WAIT_GONE ? 1 : 0;
    }
    const rds_instance *i = &l.items[0];
    snprintf(status, len, "%s", i->status);
    int rc = 0;
    if (want == WAIT_GONE) {
        rc = 0;
    } else if (dbres_broken(i->status) || strcmp(i->status, "deleting") == 0) {
        aws_error_set(err, AWS_ERR_SERVICE, "DBInstanceState",
                      "RDS database %s is %s (see its events in the RDS console)", i->id, i->status);
        rc = -1;
    } else {
        cJSON *props = dbres_props(i, n->desired);
        if (want == WAIT_ENDPOINT)
            rc = i->address[0] != '\0';
        else
            rc = dbres_modifiable(i->status);
        if (rc == 1)
            res_node_set(ctx, n, i->id, props);
        else
            cJSON_Delete(props);
    }
    rds_instances_free(&l);
    return rc;
}

static int wait_until(res_ctx *ctx, res_node *n, res_action action, wait_for want,
                      aws_error *err)
{
    static const char *const whats[] = {
        "RDS database %s to be created (several minutes; its endpoint comes at the end)",
        "RDS database %s to take changes (available)",
        "RDS database %s to be deleted"};
    char what[300];
    snprintf(what, sizeof what, whats[want], n->physical_id);
    return res_wait_long(ctx, n, action, what, poll, &want, err);
}

/* ---- create ------------------------------------------------------------------------------ */

/* An instance of our identifier already there: adopted when it carries this node's tags
 * (a run that crashed after creating it). */
static int adopt(res_ctx *ctx, res_node *n, const char *id, aws_error *err)
{
    rds_instances l;
    aws_error e;
    aws_error_clear(&e);
    if (rds_describe_db_instances(ctx->aws, id, 0, &l, &e) != 0) {
        if (!aws_error_is(&e, AWS_IS_NOT_FOUND))
            *err = e;
        return -1; /* gone meanwhile: err still says it existed */
    }
    int ours = l.n && res_tags_match(ctx, &l.items[0].tags, n->id);
    if (ours) {
        aws_error_clear(err);
        res_node_set(ctx, n, l.items[0].id, dbres_props(&l.items[0], n->desired));
    } else {
        aws_error_set(err, AWS_ERR_INPUT, "DBInstanceAlreadyExists",
                      "an RDS database named %s exists and is not this stack's; delete or "
                      "rename it, or rename the database in the stack file", id);
    }
    rds_instances_free(&l);
    return ours ? 0 : -1;
}

int dbres_create(res_ctx *ctx, res_node *n, aws_error *err)
{
    const cJSON *d = n->desired;
    const char *id = res_prop_string(d, "identifier");
    const char **groups = strings(d, "security_groups");
    svc_tags tags = {0};
    res_tags_list(ctx, n, &tags);
    rds_instance_in in = {
        .id = id, .engine = res_prop_string(d, "engine"), .engine_version = res_prop_string(d, "version"),
        .instance_class = res_prop_string(d, "instance_class"),
        .allocated_storage = res_prop_int(d, "storage_gib", 0),
        .storage_type = res_prop_string(d, "storage_type"), .db_name = res_prop_string(d, "db_name"),
        .master_username = res_prop_string(d, "user"), .manage_master_password = 1,
        .subnet_group = res_prop_string(d, "subnet_group"), .security_groups = groups,
        .storage_encrypted = 1, .multi_az = flag(d, "multi_az") ? 1 : -1,
        .deletion_protection = flag(d, "deletion_protection") ? 1 : -1,
        .publicly_accessible = -1, .copy_tags_to_snapshot = 1,
        .backup_retention_days = res_prop_int(d, "backup_retention_days", 0), .tags = &tags};
    rds_instance inst;
    int rc = rds_create_db_instance(ctx->aws, &in, &inst, err);
    svc_tags_free(&tags);
    free(groups);
    if (rc != 0 && !aws_error_is(err, AWS_IS_EXISTS))
        return -1;
    if (rc != 0 && adopt(ctx, n, id, err) != 0)
        return -1;
    if (rc == 0) { /* it exists now: should the wait fail, the rollback deletes it */
        res_node_set(ctx, n, inst.id, dbres_props(&inst, d));
        rds_instance_free(&inst);
    }
    return wait_until(ctx, n, RES_CREATE, WAIT_ENDPOINT, err);
}

/* ---- update ------------------------------------------------------------------------------ */

int dbres_update(res_ctx *ctx, res_node *n, aws_error *err)
{
    const cJSON *d = n->desired, *a = n->actual;
    if (wait_until(ctx, n, RES_UPDATE, WAIT_MODIFIABLE, err) != 0)
        return -1;
    a = n->actual;
    rds_instance_mod m = {.apply_immediately = 1};
    const char **groups = NULL;
    char *want_major = NULL, *have_major = NULL;
    if (res_prop_changed(d, a, "instance_class"))
        m.instance_class = res_prop_string(d, "instance_class");
    if (res_prop_changed(d, a, "storage_type"))
        m.storage_type = res_prop_string(d, "storage_type");
    if (res_prop_changed(d, a, "storage_gib")) {
        if (res_prop_int(d, "storage_gib", 0) > res_prop_int(a, "storage_gib", 0))
            m.allocated_storage = res_prop_int(d, "storage_gib", 0);
        else /* a rollback: RDS never shrinks storage */
            res_event(ctx, n, RES_UPDATE, RES_EV_NOTE, "storage stays at %d GiB: RDS cannot shrink it",
                      res_prop_int(a, "storage_gib", 0));
    }
    if (res_prop_changed(d, a, "version") && res_prop_string(d, "version") && res_prop_string(a, "version")) {
        const char *engine = res_prop_text(a, "engine");
        want_major = dbres_major(engine, res_prop_string(d, "version"));
        have_major = dbres_major(engine, res_prop_string(a, "version"));
        m.engine_version = res_prop_string(d, "version");
        m.allow_major_version_upgrade = strcmp(want_major, have_major) != 0;
    }
    if (res_prop_changed(d, a, "multi_az"))
        m.multi_az = flag(d, "multi_az") ? 1 : -1;
    if (res_prop_changed(d, a, "deletion_protection"))
        m.deletion_protection = flag(d, "deletion_protection") ? 1 : -1;
    if (res_prop_changed(d, a, "backup_retention_days"))
        m.backup_retention_days = res_prop_int(d, "backup_retention_days", 0);
    if (res_prop_changed(d, a, "security_groups"))
        m.security_groups = groups = strings(d, "security_groups");
    res_event(ctx, n, RES_UPDATE, RES_EV_PROGRESS, "modifying (applied now, not in the maintenance "
              "window; RDS takes minutes in the background)");
    rds_instance after;
    int rc = rds_modify_db_instance(ctx->aws, n->physical_id, &m, &after, err);
    free(groups);
    free(want_major);
    free(have_major);
    if (rc != 0)
        return -1;
    res_node_set(ctx, n, after.id[0] ? after.id : n->physical_id, dbres_props(&after, d));
    rds_instance_free(&after);
    return 0;
}

/* ---- remove ------------------------------------------------------------------------------ */

/* The final snapshot's identifier, or NULL for none. Caller frees. */
static char *final_snapshot(const res_ctx *ctx, const res_node *n)
{
    const stack_database *db = n->model;
    const char *state = res_prop_string(n->actual, "status");
    if (ctx->rolling_back || (db && !db->final_snapshot) || (state && strcmp(state, "creating") == 0))
        return NULL;
    time_t now = (time_t)util_wall();
    struct tm tm;
    gmtime_r(&now, &tm);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    return xasprintf("%s-final-%s", n->physical_id, stamp);
}

int dbres_remove(res_ctx *ctx, res_node *n, aws_error *err)
{
    rds_instances l;
    if (rds_describe_db_instances(ctx->aws, n->physical_id, 0, &l, err) != 0)
        return aws_error_is(err, AWS_IS_NOT_FOUND) ? (aws_error_clear(err), 0) : -1;
    int protected = l.n && l.items[0].deletion_protection;
    int deleting = l.n && strcmp(l.items[0].status, "deleting") == 0;
    if (l.n)
        res_node_set(ctx, n, l.items[0].id, dbres_props(&l.items[0], n->desired));
    rds_instances_free(&l);
    if (deleting)
        return wait_until(ctx, n, RES_DELETE, WAIT_GONE, err);
    if (protected) {
        res_event(ctx, n, RES_DELETE, RES_EV_NOTE, "turning deletion protection off first");
        if (wait_until(ctx, n, RES_DELETE, WAIT_MODIFIABLE, err) != 0)
            return -1;
        rds_instance_mod m = {.deletion_protection = -1, .apply_immediately = 1};
        if (rds_modify_db_instance(ctx->aws, n->physical_id, &m, NULL, err) != 0)
            return -1;
    }
    char *snapshot = final_snapshot(ctx, n);
    if (snapshot)
        res_event(ctx, n, RES_DELETE, RES_EV_NOTE, "deleting with a final snapshot, %s", snapshot);
    int rc = rds_delete_db_instance(ctx->aws, n->physical_id, snapshot, NULL, err);
    free(snapshot);
    if (rc != 0)
        return aws_error_is(err, AWS_IS_NOT_FOUND) ? (aws_error_clear(err), 0) : -1;
    return wait_until(ctx, n, RES_DELETE, WAIT_GONE, err);
}

void dbres_delete_changes(const res_ctx *ctx, const res_node *n, res_changes *out)
{
    if (n->external || !n->actual)
        return;
    if (flag(n->actual, "deletion_protection")) {
        cJSON *t = cJSON_CreateTrue(), *f = cJSON_CreateFalse();
        res_diff_add(out, "deletion_protection", t, f, 0);
        cJSON_Delete(t);
        cJSON_Delete(f);
    }
    char *snapshot = final_snapshot(ctx, n);
    char *text = snapshot ? xasprintf("%s-final-… (taken before the deletion; it stays until you "
                                      "delete it)", n->physical_id)
                          : xstrdup("none");
    cJSON *to = cJSON_CreateString(text);
    res_diff_add(out, "final_snapshot", NULL, to, 0);
    cJSON_Delete(to);
    free(text);
    free(snapshot);
}
