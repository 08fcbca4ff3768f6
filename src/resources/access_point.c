/*
 * access_point/FS.AP: an EFS access point on one of the stack's file systems (or on an
 * existing one): its root directory, made with owner uid:gid and the given mode the first
 * time a client mounts through it, and the POSIX identity every client gets. Access points
 * cannot change: any difference replaces one (the directory and its files stay in the
 * file system). Kept with a kept file system; those on an existing file system go on
 * `down`. Found again by their tags (one DescribeAccessPoints for the region). The client
 * token comes from the stack and node id, so a create whose answer was lost, or repeated
 * after a crash, finds the first access point again.
 *
 * Properties: file_system (its id), path, posix_user ("UID:GID" or "none"), owner_uid,
 * owner_gid, permissions; actual attributes add arn and state.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_internal.h"
#include "ci_policy_internal.h"
#include "efs.h"
#include "storage_internal.h"
#include "xalloc.h"

char *res_access_point_id(const char *fs, const char *ap)
{
    return xasprintf("access_point/%s.%s", fs, ap);
}

static int build(res_graph *g, const stack_model *s)
{
    for (size_t i = 0; i < s->nfile_systems; i++) {
        const stack_file_system *fs = &s->file_systems[i];
        char *fs_id = xasprintf("file_system/%s", fs->name);
        for (size_t j = 0; j < fs->naccess_points; j++) {
            const stack_access_point *ap = &fs->access_points[j];
            cJSON *d = cJSON_CreateObject();
            cJSON_AddItemToObject(d, "file_system", res_ref(fs_id, "id"));
            cJSON_AddStringToObject(d, "path", ap->path);
            char *user = ap->uid >= 0 ? xasprintf("%lld:%lld", ap->uid, ap->gid) : xstrdup("none");
            cJSON_AddStringToObject(d, "posix_user", user);
            free(user);
            cJSON_AddNumberToObject(d, "owner_uid", ap->uid >= 0 ? (double)ap->uid : 0);
            cJSON_AddNumberToObject(d, "owner_gid", ap->gid >= 0 ? (double)ap->gid : 0);
            cJSON_AddStringToObject(d, "permissions", ap->permissions);
            char *name = xasprintf("%s.%s", fs->name, ap->name);
            res_node *n = res_graph_addf(g, &res_kind_access_point, name, d,
                                         "EFS access point %s of %s (%s)", ap->name, fs->name,
                                         ap->path);
            res_node_depend(n, res_graph_find(g, fs_id));
            n->model = ap;
            n->keep = fs->existing ? 0 : fs->keep;
            free(name);
        }
        free(fs_id);
    }
    return 0;
}

static cJSON *props_of(const efs_access_point *a)
{
    cJSON *p = res_props("file_system", a->file_system_id, "path", a->root_path, NULL);
    char *user = a->posix_user.set ? xasprintf("%lld:%lld", a->posix_user.uid, a->posix_user.gid)
                                   : xstrdup("none");
    cJSON_AddStringToObject(p, "posix_user", user);
    free(user);
    if (a->creation_info.set) {
        cJSON_AddNumberToObject(p, "owner_uid", (double)a->creation_info.owner_uid);
        cJSON_AddNumberToObject(p, "owner_gid", (double)a->creation_info.owner_gid);
        cJSON_AddStringToObject(p, "permissions", a->creation_info.permissions);
    }
    res_prop_str(p, "id", a->id);
    res_prop_str(p, "arn", a->arn);
    res_prop_str(p, "state", a->state);
    return p;
}

static int discover(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    efs_access_points l = {0};
    if (efs_describe_access_points(ctx->aws, NULL, &l, err) != 0)
        return -1;
    for (size_t i = 0; i < l.n; i++) {
        const efs_access_point *a = &l.items[i];
        const char *id = res_tags_node(ctx, &a->tags);
        if (id && strcmp(a->state, "deleting") != 0 && strcmp(a->state, "deleted") != 0)
            res_found_add(out, id, a->id, props_of(a));
    }
    efs_access_points_free(&l);
    return 0;
}

static int poll_state(res_ctx *ctx, res_node *n, void *ud, char *status, size_t len, aws_error *err)
{
    return efs_check_access_point(ctx->aws, n->physical_id, *(efs_want *)ud, status, len, err);
}

static int create(res_ctx *ctx, res_node *n, aws_error *err)
{
    const cJSON *d = n->desired;
    char token[37];
    res_app_token(ctx->stack_name, n->id, NULL, token);
    efs_posix_user user = {0};
    const char *pu = cJSON_GetObjectItemCaseSensitive(d, "posix_user")->valuestring;
    user.set = sscanf(pu, "%lld:%lld", &user.uid, &user.gid) == 2;
    efs_creation_info info = {.set = 1,
                              .owner_uid = (long long)res_prop_number(d, "owner_uid", 0),
                              .owner_gid = (long long)res_prop_number(d, "owner_gid", 0)};
    snprintf(info.permissions, sizeof info.permissions, "%s",
             cJSON_GetObjectItemCaseSensitive(d, "permissions")->valuestring);
    svc_tags tags;
    res_tags_list(ctx, n, &tags);
    char *name = xasprintf("%s-%s", ctx->stack_name, strchr(n->id, '/') + 1);
    svc_tags_add(&tags, "Name", name);
    free(name);
    efs_create_ap_in in = {.file_system_id = cJSON_GetObjectItemCaseSensitive(d, "file_system")->valuestring,
                           .client_token = token,
                           .posix_user = &user,
                           .root_path = cJSON_GetObjectItemCaseSensitive(d, "path")->valuestring,
                           .creation_info = &info,
                           .tags = &tags};
    efs_access_point a;
    int existed = 0;
    int rc = efs_create_access_point(ctx->aws, &in, &a, &existed, err);
    svc_tags_free(&tags);
    if (rc != 0)
        return -1;
    if (existed)
        res_event(ctx, n, RES_CREATE, RES_EV_NOTE, "%s was made by an earlier run (its client token "
                  "is this node's): using it", a.id);
    res_node_set(ctx, n, a.id, props_of(&a));
    efs_access_point_free(&a);
    efs_want want = EFS_AVAILABLE;
    if (res_wait(ctx, n, RES_CREATE, "the access point to be available", poll_state, &want, err) != 0)
        return -1;
    if (efs_describe_access_point(ctx->aws, n->physical_id, &a, err) != 0)
        return -1;
    res_node_set(ctx, n, a.id, props_of(&a));
    efs_access_point_free(&a);
    return 0;
}

static int remove_ap(res_ctx *ctx, res_node *n, aws_error *err)
{
    if (efs_delete_access_point(ctx->aws, n->physical_id, err) != 0) {
        if (!aws_error_is(err, AWS_IS_NOT_FOUND))
            return -1;
        aws_error_clear(err);
        return 0;
    }
    efs_want want = EFS_GONE;
    return res_wait(ctx, n, RES_DELETE, "the access point to be deleted", poll_state, &want, err);
}

/* an access point has no update: every difference is a new one */
static const char *const replace_on[] = {"file_system", "path", "posix_user", "owner_uid",
                                         "owner_gid", "permissions", NULL};

static void ci_grant(ci_builder *b, int mine)
{
    READS(b, "elasticfilesystem:DescribeAccessPoints");
    if (!mine)
        return;
    /* CreateAccessPoint is authorized on the file system, with the new point's tags */
    ci_allow(b, "elasticfilesystem:CreateAccessPoint elasticfilesystem:TagResource",
             ci_efs_arn(b, "file-system"), ci_tagging(b));
    ci_allow(b, "elasticfilesystem:TagResource", ci_efs_arn(b, "access-point"), ci_tagging(b));
    ci_allow(b, "elasticfilesystem:DeleteAccessPoint", ci_efs_arn(b, "access-point"), ci_tagged(b));
}

const res_kind res_kind_access_point = {
    .name = "access_point",
    .title = "EFS access point",
    .build = build,
    .discover = discover,
    .create = create,
    .remove = remove_ap,
    .replace_on = replace_on,
    .replace_keeps_data = 1,
    .ci_grant = ci_grant,
};
