/*
 * mount_target/FS: the mount targets of one of the stack's file systems, one in each zone
 * of the subnet tier its services run in (stack_file_system_tier), all behind the file
 * system's own security group (sg/efs-FS, which admits NFS from the services that mount
 * it). One node for them all: mount targets carry no tags, so they are found again through
 * their file system (DescribeFileSystems, then DescribeMountTargets of each of ours side
 * by side), and compared as the set of their subnets. create and update wait until every
 * one is available, which takes about a minute and a half: the services that mount the
 * file system depend on this node, so no task starts before its zone can mount (ECS would
 * stop it with "Failed to resolve"). Not kept: `down` deletes them even when it keeps the
 * file system, and the next `up` makes them again.
 *
 * CreateMountTarget has no token; a create whose answer was lost finds its mount target
 * again by subnet (efs.h).
 *
 * Properties: file_system (its id), subnets (ids, unordered), security_groups (used at
 * creation); actual attributes add targets [{id, zone, subnet, state}].
 */
#include <stdlib.h>
#include <string.h>

#include "ci_policy_internal.h"
#include "efs.h"
#include "storage_internal.h"
#include "xalloc.h"

static int build(res_graph *g, const stack_model *s)
{
    for (size_t i = 0; i < s->nfile_systems; i++) {
        const stack_file_system *fs = &s->file_systems[i];
        if (fs->existing)
            continue; /* an existing file system brings its own mount targets */
        const char *tier = stack_tier_name(stack_file_system_tier(s, fs));
        char *fs_node = xasprintf("file_system/%s", fs->name);
        char *sg = xasprintf("sg/efs-%s", fs->name), *rules = xasprintf("sg_rules/efs-%s", fs->name);
        cJSON *d = cJSON_CreateObject();
        cJSON_AddItemToObject(d, "file_system", res_ref(fs_node, "id"));
        cJSON *subnets = cJSON_AddArrayToObject(d, "subnets");
        cJSON_AddItemToArray(cJSON_AddArrayToObject(d, "security_groups"), res_ref(sg, "id"));
        res_node *n = res_graph_addf(g, &res_kind_mount_target, fs->name, d,
                                     "EFS mount targets of %s (%s subnets)", fs->name, tier);
        for (int z = 0;; z++) {
            char *id = xasprintf("subnet/%s-%d", tier, z);
            res_node *subnet = res_graph_find(g, id);
            if (subnet) {
                cJSON_AddItemToArray(subnets, res_ref(id, "id"));
                res_node_depend(n, subnet);
            }
            free(id);
            if (!subnet)
                break;
        }
        res_node_depend(n, res_graph_find(g, fs_node));
        res_node_depend(n, res_graph_find(g, sg));
        /* available mount targets are what a task needs: with the NFS rule in place */
        res_node_depend(n, res_graph_find(g, rules));
        n->model = fs;
        free(fs_node);
        free(sg);
        free(rules);
    }
    return 0;
}

static int by_string(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The properties of a file system's mount targets (those not going away). */
static cJSON *props_of(const char *fs_id, const efs_mount_targets *l)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "file_system", fs_id);
    const char **ids = xcalloc(l->n + 1, sizeof *ids);
    size_t n = 0;
    cJSON *targets = cJSON_CreateArray();
    for (size_t i = 0; i < l->n; i++) {
        const efs_mount_target *m = &l->items[i];
        if (!strcmp(m->state, "deleting") || !strcmp(m->state, "deleted"))
            continue;
        ids[n++] = m->subnet_id;
        cJSON *t = res_props("id", m->id, "zone", m->availability_zone, "subnet", m->subnet_id,
                             "state", m->state, NULL);
        cJSON_AddItemToArray(targets, t);
    }
    qsort(ids, n, sizeof *ids, by_string);
    cJSON *subnets = cJSON_AddArrayToObject(p, "subnets");
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(subnets, cJSON_CreateString(ids[i]));
    cJSON_AddItemToObject(p, "targets", targets);
    free(ids);
    return p;
}

typedef struct {
    res_ctx *ctx;
    const efs_file_system **ours;
    efs_mount_targets *targets; /* per file system */
} discovery;

static int read_targets(void *ud, size_t i, aws_error *err)
{
    discovery *d = ud;
    int rc = efs_describe_mount_targets(d->ctx->aws, d->ours[i]->id, &d->targets[i], err);
    if (rc != 0 && aws_error_is(err, AWS_IS_NOT_FOUND)) { /* deleted meanwhile */
        aws_error_clear(err);
        rc = 0;
    }
    return rc;
}

static int discover(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    efs_file_systems l = {0};
    if (efs_describe_file_systems(ctx->aws, NULL, &l, err) != 0)
        return -1;
    discovery d = {.ctx = ctx};
    d.ours = xcalloc(l.n + 1, sizeof *d.ours);
    size_t n = 0;
    for (size_t i = 0; i < l.n; i++) {
        const char *id = res_tags_node(ctx, &l.items[i].tags);
        if (id && !strncmp(id, "file_system/", 12) && l.items[i].mount_targets > 0)
            d.ours[n++] = &l.items[i];
    }
    d.targets = xcalloc(n + 1, sizeof *d.targets);
    int rc = res_parallel(n, RES_READS_AT_ONCE, read_targets, &d, err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (d.targets[i].n == 0)
            continue;
        const char *fs = svc_tags_get(&d.ours[i]->tags, RES_TAG_ID) + 12; /* file_system/FS */
        res_found_add_named(out, &res_kind_mount_target, fs, d.ours[i]->id,
                            props_of(d.ours[i]->id, &d.targets[i]));
    }
    for (size_t i = 0; i < n; i++)
        efs_mount_targets_free(&d.targets[i]);
    free(d.targets);
    free(d.ours);
    efs_file_systems_free(&l);
    return rc;
}

/* ---- changing ---------------------------------------------------------------------- */

static int poll_targets(res_ctx *ctx, res_node *n, void *ud, char *status, size_t len, aws_error *err)
{
    return efs_check_mount_targets(ctx->aws, n->physical_id, *(efs_want *)ud, status, len, err);
}

static int refresh(res_ctx *ctx, res_node *n, const char *fs_id, aws_error *err)
{
    efs_mount_targets l = {0};
    if (efs_describe_mount_targets(ctx->aws, fs_id, &l, err) != 0)
        return -1;
    res_node_set(ctx, n, fs_id, props_of(fs_id, &l));
    efs_mount_targets_free(&l);
    return 0;
}

/* Delete the mount targets in subnets the file no longer lists (all with keep NULL). */
static int delete_extra(res_ctx *ctx, const char *fs_id, const cJSON *keep, size_t *deleted, aws_error *err)
{
    efs_mount_targets l = {0};
    if (efs_describe_mount_targets(ctx->aws, fs_id, &l, err) != 0)
        return aws_error_is(err, AWS_IS_NOT_FOUND) ? (aws_error_clear(err), 0) : -1;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < l.n; i++) {
        if (res_array_has(keep, l.items[i].subnet_id) || !strcmp(l.items[i].state, "deleting"))
            continue;
        rc = efs_delete_mount_target(ctx->aws, l.items[i].id, err);
        rc = res_not_found_ok(rc, err);
        *deleted += rc == 0;
    }
    efs_mount_targets_free(&l);
    return rc;
}

/* Wait until no mount target of the file system is left in a subnet the file does not
 * list (keep NULL: none at all). */
typedef struct {
    const char *fs_id;
    const cJSON *keep;
} extra_gone;

static int poll_extra_gone(res_ctx *ctx, res_node *n, void *ud, char *status, size_t len, aws_error *err)
{
    (void)n;
    const extra_gone *x = ud;
    efs_mount_targets l = {0};
    if (efs_describe_mount_targets(ctx->aws, x->fs_id, &l, err) != 0)
        return aws_error_is(err, AWS_IS_NOT_FOUND) ? (aws_error_clear(err), 1) : -1;
    size_t left = 0;
    for (size_t i = 0; i < l.n; i++)
        left += !res_array_has(x->keep, l.items[i].subnet_id);
    snprintf(status, len, "%zu mount target%s still deleting", left, left == 1 ? "" : "s");
    efs_mount_targets_free(&l);
    return left == 0;
}

/* Make a mount target in every listed subnet that has none. */
static int create_missing(res_ctx *ctx, res_node *n, const char *fs_id, const cJSON *subnets,
                          const cJSON *groups, aws_error *err)
{
    const cJSON *have = n->actual ? cJSON_GetObjectItemCaseSensitive(n->actual, "subnets") : NULL;
    const char *g[8] = {0};
    size_t ng = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, groups) if (cJSON_IsString(e) && ng < 7) g[ng++] = e->valuestring;
    cJSON_ArrayForEach(e, subnets) {
        if (!cJSON_IsString(e) || res_array_has(have, e->valuestring))
            continue;
        efs_mount_target m;
        if (efs_create_mount_target(ctx->aws, fs_id, e->valuestring, g, &m, err) != 0) {
            aws_error_prefix(err, "mount target in %s: ", e->valuestring);
            return -1;
        }
        res_event(ctx, n, n->action, RES_EV_PROGRESS, "mount target %s in %s (%s)", m.id,
                  m.availability_zone, m.subnet_id);
        efs_mount_target_free(&m);
    }
    return 0;
}

static int apply(res_ctx *ctx, res_node *n, aws_error *err)
{
    const cJSON *d = n->desired;
    const char *fs_id = cJSON_GetObjectItemCaseSensitive(d, "file_system")->valuestring;
    const cJSON *subnets = cJSON_GetObjectItemCaseSensitive(d, "subnets");
    size_t deleted = 0;
    /* known from the start: should a later step fail, the rollback deletes what was made */
    if (!n->physical_id)
        res_node_set(ctx, n, fs_id, cJSON_CreateObject());
    /* one mount target per zone: those in subnets no longer listed go first */
    if (delete_extra(ctx, fs_id, subnets, &deleted, err) != 0)
        return -1;
    extra_gone x = {fs_id, subnets};
    if (deleted && res_wait(ctx, n, n->action, "the mount targets no longer listed to be deleted",
                            poll_extra_gone, &x, err) != 0)
        return -1;
    if (deleted && refresh(ctx, n, fs_id, err) != 0)
        return -1;
    if (create_missing(ctx, n, fs_id, subnets, cJSON_GetObjectItemCaseSensitive(d, "security_groups"), err) != 0)
        return -1;
    efs_want want = EFS_AVAILABLE;
    if (res_wait(ctx, n, n->action, "the mount targets to be available", poll_targets, &want, err) != 0)
        return -1;
    return refresh(ctx, n, fs_id, err);
}

static int create(res_ctx *ctx, res_node *n, aws_error *err)
{
    return apply(ctx, n, err);
}

static int update(res_ctx *ctx, res_node *n, aws_error *err)
{
    return apply(ctx, n, err);
}

static int remove_targets(res_ctx *ctx, res_node *n, aws_error *err)
{
    size_t deleted = 0;
    if (delete_extra(ctx, n->physical_id, NULL, &deleted, err) != 0)
        return -1;
    extra_gone x = {n->physical_id, NULL};
    return res_wait(ctx, n, RES_DELETE, "the mount targets to be deleted", poll_extra_gone, &x, err);
}

static const char *const replace_on[] = {"file_system", NULL};
/* the group the mount targets are made with is sg/efs-FS, whose rules change in place */
static const char *const create_only[] = {"security_groups", NULL};
static const char *const unordered[] = {"subnets", NULL};

static void ci_grant(ci_builder *b, int mine)
{
    ci_reads_writes(b, mine,
                    "elasticfilesystem:DescribeMountTargets elasticfilesystem:DescribeFileSystems "
                    "ec2:DescribeSubnets ec2:DescribeNetworkInterfaces ec2:DescribeSecurityGroups",
                    "elasticfilesystem:CreateMountTarget elasticfilesystem:DeleteMountTarget",
                    ci_efs_arn(b, "file-system"), ci_tagged(b));
    /* EFS makes the mount target's interface as the caller */
    if (mine)
        ci_allow(b, "ec2:CreateNetworkInterface", ci_one(ci_arn(b, "ec2", 1, "*")), NULL);
}

const res_kind res_kind_mount_target = {
    .name = "mount_target",
    .title = "EFS mount targets",
    .build = build,
    .discover = discover,
    .create = create,
    .update = update,
    .remove = remove_targets,
    .replace_on = replace_on,
    .create_only = create_only,
    .unordered = unordered,
    .ci_grant = ci_grant,
};
