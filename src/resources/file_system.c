/*
 * file_system/FS: an EFS file system, always encrypted at rest, with a file system policy
 * that refuses every client not using TLS (so that, IAM authorization being on, a client
 * gets in only through its own identity policy: the task roles of the services that mount
 * it), automatic backups when asked; its throughput mode changes in place (UpdateFileSystem:
 * a mode change or a decrease once in 24 hours, as EFS allows). Kept on `down` unless
 * --purge, like a bucket. Found again by its tags (one DescribeFileSystems for the region), its policy and backup
 * setting read side by side after. An existing file system (`existing: fs-…`) is
 * external: described by id, never changed.
 *
 * CreateFileSystem takes a creation token derived from the stack and node id, so a create
 * whose answer was lost, or repeated after a crash, finds the first file system again.
 *
 * Properties: encrypted, kms_key (as the file names it), performance_mode,
 * throughput_mode, provisioned_mibps, backup, tls_only; actual attributes add arn, state,
 * mount_targets (how many) and size_bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "app_internal.h"
#include "buf.h"
#include "ci_policy_internal.h"
#include "efs.h"
#include "storage_internal.h"
#include "xalloc.h"

#define TLS_SID "ecsdeployDenyInsecureTransport"

static int build(res_graph *g, const stack_model *s)
{
    for (size_t i = 0; i < s->nfile_systems; i++) {
        const stack_file_system *fs = &s->file_systems[i];
        if (fs->existing) {
            res_graph_add_existing(g, &res_kind_file_system, fs->name, fs, "id", fs->existing,
                                   "EFS file system")->keep = fs->keep;
            continue;
        }
        cJSON *d = cJSON_CreateObject();
        cJSON_AddBoolToObject(d, "encrypted", 1);
        if (fs->kms_key)
            cJSON_AddStringToObject(d, "kms_key", fs->kms_key);
        cJSON_AddStringToObject(d, "performance_mode", fs->performance_mode);
        cJSON_AddStringToObject(d, "throughput_mode", fs->throughput_mode);
        if (fs->provisioned_mibps)
            cJSON_AddNumberToObject(d, "provisioned_mibps", fs->provisioned_mibps);
        cJSON_AddBoolToObject(d, "backup", fs->backup);
        cJSON_AddBoolToObject(d, "tls_only", 1);
        res_node *n = res_graph_addf(g, &res_kind_file_system, fs->name, d,
                                     "EFS file system %s (%s, %s)", fs->name, fs->performance_mode,
                                     fs->throughput_mode);
        n->model = fs;
        n->keep = fs->keep;
    }
    return 0;
}

/* ---- reading ----------------------------------------------------------------------- */

/* The policy this kind puts on a file system: no client without TLS. */
static cJSON *tls_policy(const char *arn)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "Version", "2012-10-17");
    cJSON *st = res_props("Sid", TLS_SID, "Effect", "Deny", NULL);
    cJSON_AddStringToObject(cJSON_AddObjectToObject(st, "Principal"), "AWS", "*");
    cJSON_AddStringToObject(st, "Action", "*");
    cJSON_AddStringToObject(st, "Resource", arn);
    cJSON *cond = cJSON_AddObjectToObject(cJSON_AddObjectToObject(st, "Condition"), "Bool");
    cJSON_AddStringToObject(cond, "aws:SecureTransport", "false");
    cJSON_AddItemToArray(cJSON_AddArrayToObject(doc, "Statement"), st);
    return doc;
}

/* 1 when the policy text is exactly the TLS policy of this file system. */
static int is_tls_policy(const char *text, const char *arn)
{
    cJSON *have = text ? cJSON_Parse(text) : NULL, *want = tls_policy(arn);
    int same = have && cJSON_Compare(have, want, 1);
    cJSON_Delete(have);
    cJSON_Delete(want);
    return same;
}

/* The key as the file names it: an id stays an id (EFS answers with the key's ARN). */
static const char *key_as_written(const stack_file_system *fs, const char *arn)
{
    if (!fs || !fs->kms_key || !strncmp(fs->kms_key, "arn:", 4) || !arn)
        return arn;
    const char *id = strstr(arn, ":key/");
    return id ? id + 5 : arn;
}

static cJSON *props_of(const efs_file_system *f, const stack_file_system *model, const char *policy,
                       int backup)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddBoolToObject(p, "encrypted", f->encrypted);
    if (f->kms_key_id && *f->kms_key_id && model && model->kms_key)
        cJSON_AddStringToObject(p, "kms_key", key_as_written(model, f->kms_key_id));
    res_prop_str(p, "performance_mode", f->performance_mode);
    res_prop_str(p, "throughput_mode", f->throughput_mode);
    if (f->provisioned_mibps > 0)
        cJSON_AddNumberToObject(p, "provisioned_mibps", f->provisioned_mibps);
    cJSON_AddBoolToObject(p, "backup", backup);
    cJSON_AddBoolToObject(p, "tls_only", is_tls_policy(policy, f->arn));
    res_prop_str(p, "id", f->id);
    res_prop_str(p, "arn", f->arn);
    res_prop_str(p, "state", f->state);
    cJSON_AddNumberToObject(p, "mount_targets", f->mount_targets);
    cJSON_AddNumberToObject(p, "size_bytes", (double)f->size_bytes);
    return p;
}

/* The settings read beside a description: the policy and whether backups are on. */
typedef struct {
    res_ctx *ctx;
    const char *id;
    char *policy;
    int backup;
} fs_settings;

static int read_setting(void *ud, size_t i, aws_error *err)
{
    fs_settings *s = (fs_settings *)ud + i / 2;
    if (i % 2 == 0)
        return efs_describe_file_system_policy(s->ctx->aws, s->id, &s->policy, err);
    return efs_describe_backup_policy(s->ctx->aws, s->id, &s->backup, err);
}

/* The settings of n file systems, two reads each, all side by side. */
static int read_settings(res_ctx *ctx, fs_settings *s, size_t n, aws_error *err)
{
    for (size_t i = 0; i < n; i++)
        s[i].ctx = ctx;
    return n ? res_parallel(2 * n, RES_READS_AT_ONCE, read_setting, s, err) : 0;
}

static const stack_file_system *model_of(res_ctx *ctx, const char *id)
{
    const res_node *n = ctx->graph ? res_graph_find(ctx->graph, id) : NULL;
    return n && n->kind == &res_kind_file_system ? n->model : NULL;
}

typedef struct {
    res_ctx *ctx;
    efs_file_systems listed;
    res_externals ext; /* the file's existing file systems */
} discovery;

static int discover_part(void *ud, size_t i, aws_error *err)
{
    discovery *d = ud;
    if (i == 0)
        return efs_describe_file_systems(d->ctx->aws, NULL, &d->listed, err);
    const stack_file_system *fs = d->ext.nodes[i - 1]->model;
    efs_file_system f = {0};
    int rc = efs_describe_file_system(d->ctx->aws, fs->existing, &f, err);
    if (rc == 0)
        res_externals_set(&d->ext, i - 1, f.id, props_of(&f, NULL, NULL, 0));
    efs_file_system_free(&f);
    return rc;
}

static char *missing(const res_ctx *ctx, const res_node *n)
{
    (void)ctx;
    const stack_file_system *fs = n->model;
    return xasprintf("the existing file system %s does not exist in this region (or is not "
                     "readable with these credentials): fix `existing:` for file system %s in "
                     "the stack file", fs->existing, fs->name);
}

static int discover(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    discovery d = {.ctx = ctx};
    res_externals_of(ctx, &res_kind_file_system, &d.ext);
    int rc = 0, failed = res_externals_read(&d.ext, discover_part, &d, err) != 0 ||
                         res_externals_found(&d.ext, ctx, out, missing, err) != 0;
    /* ours (not being deleted), then their settings side by side */
    const efs_file_system **ours = xcalloc(d.listed.n + 1, sizeof *ours);
    size_t nours = 0;
    for (size_t i = 0; !failed && i < d.listed.n; i++) {
        const efs_file_system *f = &d.listed.items[i];
        if (res_tags_node(ctx, &f->tags) &&
            strcmp(f->state, "deleting") != 0 && strcmp(f->state, "deleted") != 0)
            ours[nours++] = f;
    }
    fs_settings *set = xcalloc(nours + 1, sizeof *set);
    for (size_t i = 0; i < nours; i++)
        set[i].id = ours[i]->id;
    if (!failed && read_settings(ctx, set, nours, err) != 0)
        failed = 1;
    for (size_t i = 0; !failed && i < nours; i++) {
        const char *id = svc_tags_get(&ours[i]->tags, RES_TAG_ID);
        res_found_add(out, id, ours[i]->id, props_of(ours[i], model_of(ctx, id), set[i].policy, set[i].backup));
    }
    rc = failed ? -1 : 0;
    for (size_t i = 0; i < nours; i++)
        free(set[i].policy);
    free(set);
    free(ours);
    res_externals_free(&d.ext);
    efs_file_systems_free(&d.listed);
    return rc;
}

/* ---- changing ---------------------------------------------------------------------- */

static int poll_state(res_ctx *ctx, res_node *n, void *ud, char *status, size_t len, aws_error *err)
{
    return efs_check_file_system(ctx->aws, n->physical_id, *(efs_want *)ud, status, len, err);
}

/* After a create or update EFS accepted and the file system is available again: what it had
 * (from CreateFileSystem's answer, or the plan's view) with the settings asked for, set or
 * already so (the provisioned throughput gone unless asked for). No read-back. */
static void record(res_ctx *ctx, res_node *n)
{
    cJSON *p = n->actual ? cJSON_Duplicate(n->actual, 1) : cJSON_CreateObject();
    if (!cJSON_GetObjectItemCaseSensitive(n->desired, "provisioned_mibps"))
        cJSON_DeleteItemFromObjectCaseSensitive(p, "provisioned_mibps");
    for (const cJSON *d = n->desired->child; d; d = d->next) {
        cJSON_DeleteItemFromObjectCaseSensitive(p, d->string);
        cJSON_AddItemToObject(p, d->string, cJSON_Duplicate(d, 1));
    }
    cJSON_DeleteItemFromObjectCaseSensitive(p, "state");
    cJSON_AddStringToObject(p, "state", "available");
    res_node_set(ctx, n, n->physical_id, p);
}

static int set_tls(res_ctx *ctx, res_node *n, int on, aws_error *err)
{
    if (!on) {
        int rc = efs_delete_file_system_policy(ctx->aws, n->physical_id, err);
        return rc != 0 && aws_error_is(err, AWS_IS_NOT_FOUND) ? (aws_error_clear(err), 0) : rc;
    }
    const cJSON *arn = cJSON_GetObjectItemCaseSensitive(n->actual, "arn");
    cJSON *doc = tls_policy(cJSON_IsString(arn) ? arn->valuestring : "");
    char *text = cJSON_PrintUnformatted(doc);
    int rc = efs_put_file_system_policy(ctx->aws, n->physical_id, text, err);
    free(text);
    cJSON_Delete(doc);
    return rc;
}

static int member_true(const cJSON *o, const char *name)
{
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, name));
}

static int create(res_ctx *ctx, res_node *n, aws_error *err)
{
    const cJSON *d = n->desired;
    char token[37];
    res_app_token(ctx->stack_name, n->id, NULL, token);
    svc_tags tags;
    res_tags_list(ctx, n, &tags);
    char *name = xasprintf("%s-%s", ctx->stack_name, strchr(n->id, '/') + 1);
    svc_tags_add(&tags, "Name", name);
    free(name);
    const cJSON *mibps = cJSON_GetObjectItemCaseSensitive(d, "provisioned_mibps");
    efs_create_fs_in in = {.creation_token = token,
                           .encrypted = 1,
                           .kms_key_id = res_prop_string(d, "kms_key"),
                           .performance_mode = res_prop_string(d, "performance_mode"),
                           .throughput_mode = res_prop_string(d, "throughput_mode"),
                           .provisioned_mibps = cJSON_IsNumber(mibps) ? mibps->valuedouble : 0,
                           .backup = member_true(d, "backup"),
                           .tags = &tags};
    efs_file_system f;
    int existed = 0;
    int rc = efs_create_file_system(ctx->aws, &in, &f, &existed, err);
    svc_tags_free(&tags);
    if (rc != 0)
        return -1;
    if (existed)
        res_event(ctx, n, RES_CREATE, RES_EV_NOTE, "%s was made by an earlier run (its creation "
                  "token is this node's): using it", f.id);
    /* known now: should a later step fail, the rollback deletes it */
    res_node_set(ctx, n, f.id, props_of(&f, n->model, NULL, in.backup));
    efs_file_system_free(&f);
    efs_want want = EFS_AVAILABLE;
    if (res_wait(ctx, n, RES_CREATE, "the file system to be available", poll_state, &want, err) != 0)
        return -1;
    if (member_true(d, "tls_only") && set_tls(ctx, n, 1, err) != 0)
        return -1;
    record(ctx, n);
    return 0;
}

/* UpdateFileSystem when the throughput mode or the provisioned throughput differ. */
static int set_throughput(res_ctx *ctx, res_node *n, aws_error *err)
{
    const cJSON *d = n->desired, *a = n->actual;
    const char *mode = res_prop_string(d, "throughput_mode");
    const char *had = res_prop_string(a, "throughput_mode");
    double mibps = res_prop_number(d, "provisioned_mibps", 0);
    int mode_differs = mode && (!had || strcmp(mode, had) != 0);
    if (!mode_differs && mibps == res_prop_number(a, "provisioned_mibps", 0))
        return 0;
    efs_file_system f;
    if (efs_update_file_system(ctx->aws, n->physical_id, mode_differs ? mode : NULL, mibps, &f, err) != 0)
        return -1;
    efs_file_system_free(&f);
    efs_want want = EFS_AVAILABLE;
    return res_wait(ctx, n, RES_UPDATE, "the file system's new throughput", poll_state, &want, err);
}

static int update(res_ctx *ctx, res_node *n, aws_error *err)
{
    const cJSON *d = n->desired, *a = n->actual;
    if (set_throughput(ctx, n, err) != 0)
        return -1;
    if (member_true(d, "backup") != member_true(a, "backup") &&
        efs_put_backup_policy(ctx->aws, n->physical_id, member_true(d, "backup"), err) != 0)
        return -1;
    if (member_true(d, "tls_only") != member_true(a, "tls_only") &&
        set_tls(ctx, n, member_true(d, "tls_only"), err) != 0)
        return -1;
    record(ctx, n);
    return 0;
}

/* DeleteFileSystem, again while mount targets are still going away (FileSystemInUse). */
static int poll_delete(res_ctx *ctx, res_node *n, void *ud, char *status, size_t len, aws_error *err)
{
    (void)ud;
    int rc = res_delete_tried(efs_delete_file_system(ctx->aws, n->physical_id, err), err, 0, status,
                              len);
    if (rc != 0)
        return rc;
    efs_mount_targets l = {0};
    size_t left = 0;
    if (efs_describe_mount_targets(ctx->aws, n->physical_id, &l, err) == 0)
        left = l.n;
    aws_error_clear(err);
    efs_mount_targets_free(&l);
    snprintf(status, len, "file system %s still has %zu mount target%s", n->physical_id, left,
             left == 1 ? "" : "s");
    return 0;
}

static int remove_fs(res_ctx *ctx, res_node *n, aws_error *err)
{
    if (res_wait(ctx, n, RES_DELETE, "the file system's mount targets to be gone", poll_delete, NULL,
                 err) != 0)
        return -1;
    efs_want want = EFS_GONE;
    return res_wait(ctx, n, RES_DELETE, "the file system to be deleted", poll_state, &want, err);
}

/* `status`: the file system's state and its mount targets zone by zone. */
static int status(res_ctx *ctx, res_node *n, cJSON *out, aws_error *err)
{
    efs_file_system f;
    if (efs_describe_file_system(ctx->aws, n->physical_id, &f, err) != 0)
        return -1;
    efs_mount_targets l = {0};
    int rc = efs_describe_mount_targets(ctx->aws, n->physical_id, &l, err);
    if (rc == 0) {
        int healthy = !strcmp(f.state, "available") && l.n > 0;
        cJSON_AddStringToObject(out, "fs_state", f.state);
        cJSON_AddNumberToObject(out, "size_bytes", (double)f.size_bytes);
        cJSON *mts = cJSON_AddArrayToObject(out, "mount_targets");
        buf b = BUF_INIT;
        buf_printf(&b, "%s, %zu mount target%s", f.state, l.n, l.n == 1 ? "" : "s");
        for (size_t i = 0; i < l.n; i++) {
            cJSON *m = res_props("zone", l.items[i].availability_zone, "state", l.items[i].state,
                                 "subnet", l.items[i].subnet_id, NULL);
            cJSON_AddItemToArray(mts, m);
            buf_printf(&b, "%s%s %s", i ? ", " : " (", l.items[i].availability_zone, l.items[i].state);
            healthy &= !strcmp(l.items[i].state, "available");
        }
        buf_puts(&b, l.n ? ")" : "");
        cJSON_AddStringToObject(out, "summary", buf_str(&b));
        buf_free(&b);
        if (!healthy)
            cJSON_AddBoolToObject(out, "healthy", 0);
    }
    efs_mount_targets_free(&l);
    efs_file_system_free(&f);
    return rc;
}

static const char *const replace_on[] = {"encrypted", "kms_key", "performance_mode", NULL};

static void ci_grant(ci_builder *b, int mine)
{
    READS(b, "elasticfilesystem:DescribeFileSystems elasticfilesystem:DescribeMountTargets");
    ci_allow(b, "elasticfilesystem:DescribeFileSystemPolicy elasticfilesystem:DescribeBackupPolicy "
             "elasticfilesystem:DescribeLifecycleConfiguration elasticfilesystem:ListTagsForResource",
             ci_efs_arn(b, "file-system"), NULL);
    if (!mine)
        return;
    ci_by_tag(b, "elasticfilesystem:CreateFileSystem elasticfilesystem:TagResource",
              "elasticfilesystem:PutFileSystemPolicy elasticfilesystem:DeleteFileSystemPolicy "
              "elasticfilesystem:PutBackupPolicy elasticfilesystem:PutLifecycleConfiguration "
              "elasticfilesystem:UpdateFileSystem elasticfilesystem:DeleteFileSystem",
              ci_efs_arn(b, "file-system"));
}

const res_kind res_kind_file_system = {
    .name = "file_system",
    .title = "EFS file system",
    .build = build,
    .discover = discover,
    .create = create,
    .update = update,
    .remove = remove_fs,
    .replace_on = replace_on,
    .status = status,
    .ci_grant = ci_grant,
    .linked_role = "elasticfilesystem.amazonaws.com",
};
