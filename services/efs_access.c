/* EFS: access points (see efs.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "efs_internal.h"
#include "xalloc.h"

#define AP_URI "/2015-02-01/access-points"

static const aws_rest_binding ap_query[] = {{"MaxResults", AWS_REST_QUERY, NULL},
                                            {"NextToken", AWS_REST_QUERY, NULL},
                                            {"AccessPointId", AWS_REST_QUERY, NULL},
                                            {"FileSystemId", AWS_REST_QUERY, NULL},
                                            {NULL, 0, NULL}};
static const aws_rest_op create_ap = {"CreateAccessPoint", "POST", AP_URI, NULL};
static const aws_rest_op describe_ap = {"DescribeAccessPoints", "GET", AP_URI, ap_query};
static const aws_rest_op delete_ap = {"DeleteAccessPoint", "DELETE", AP_URI "/{AccessPointId}",
                                      NULL};

/* The root directory ("/" when none is said) and the POSIX user, when set. */
static void read_posix(const cJSON *j, void *item)
{
    efs_access_point *a = item;
    const cJSON *root = cJSON_GetObjectItemCaseSensitive(j, "RootDirectory");
    const char *path = aws_json_str(root, "Path");
    a->root_path = xstrdup(path && *path ? path : "/");
    const cJSON *ci = cJSON_GetObjectItemCaseSensitive(root, "CreationInfo");
    if (cJSON_IsObject(ci)) {
        a->creation_info.set = 1;
        a->creation_info.owner_uid = aws_json_int(ci, "OwnerUid", 0);
        a->creation_info.owner_gid = aws_json_int(ci, "OwnerGid", 0);
        snprintf(a->creation_info.permissions, sizeof a->creation_info.permissions, "%s",
                 aws_json_str(ci, "Permissions") ? aws_json_str(ci, "Permissions") : "");
    }
    const cJSON *pu = cJSON_GetObjectItemCaseSensitive(j, "PosixUser"), *g;
    if (cJSON_IsObject(pu)) {
        a->posix_user.set = 1;
        a->posix_user.uid = aws_json_int(pu, "Uid", 0);
        a->posix_user.gid = aws_json_int(pu, "Gid", 0);
        efs_posix_user *u = &a->posix_user;
        cJSON_ArrayForEach(g, aws_json_array(pu, "SecondaryGids"))
            if (u->nsecondary < 16 && cJSON_IsNumber(g))
                u->secondary_gids[u->nsecondary++] = (long long)g->valuedouble;
    }
}

static const svc_shape ap_shape = SVC_SHAPE(efs_access_point, read_posix, NULL,
    SVC_FIELD("AccessPointId", SVC_STR, efs_access_point, id),
    SVC_FIELD("AccessPointArn", SVC_STR, efs_access_point, arn),
    SVC_FIELD("FileSystemId", SVC_STR, efs_access_point, file_system_id),
    SVC_FIELD("ClientToken", SVC_STR, efs_access_point, client_token),
    SVC_FIELD("Name", SVC_STR, efs_access_point, name),
    SVC_FIELD("LifeCycleState", SVC_STR, efs_access_point, state),
    SVC_FTAGS("Tags", efs_access_point, tags, "Key", "Value"),
    SVC_FIELD("", SVC_KEPT, efs_access_point, root_path));

const efsi_kind efsi_access_point = {"access point", &describe_ap, "NextToken", "NextToken",
                                     "AccessPoints", "AccessPointId", "AccessPointNotFound",
                                     &ap_shape, offsetof(efs_access_point, state)};

SVC_DEFINE_FREE(efs_access_point_free, efs_access_point, ap_shape)
SVC_DEFINE_LIST_FREE(efs_access_points_free, efs_access_points, ap_shape)

/* The raw description of the file system's access point with this client token: 1 with
 * *ap set, 0 when there is none, -1 with err. */
static int ap_by_token(aws_client *c, const char *fs_id, const char *token, cJSON **ap,
                       aws_error *err)
{
    cJSON *items, *e;
    *ap = NULL;
    if (efsi_kind_pages(c, &efsi_access_point, fs_id ? "FileSystemId" : NULL, fs_id, &items,
                        err) != 0)
        return -1;
    cJSON_ArrayForEach(e, items)
    {
        const char *t = aws_json_str(e, "ClientToken");
        if (t && strcmp(t, token) == 0) {
            *ap = cJSON_DetachItemViaPointer(items, e);
            break;
        }
    }
    cJSON_Delete(items);
    return *ap != NULL;
}

static int find_access_point(void *ctx, cJSON **output, aws_error *err)
{
    svc_lookup *f = ctx;
    return ap_by_token(f->c, f->id, f->id2, output, err);
}

static cJSON *posix_json(const efs_posix_user *p)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "Uid", (double)p->uid);
    cJSON_AddNumberToObject(o, "Gid", (double)p->gid);
    if (p->nsecondary) {
        cJSON *arr = cJSON_AddArrayToObject(o, "SecondaryGids");
        for (size_t i = 0; i < p->nsecondary && i < 16; i++)
            cJSON_AddItemToArray(arr, cJSON_CreateNumber((double)p->secondary_gids[i]));
    }
    return o;
}

int efs_create_access_point(aws_client *c, const efs_create_ap_in *in, efs_access_point *out,
                            int *existed, aws_error *err)
{
    memset(out, 0, sizeof *out);
    if (existed)
        *existed = 0;
    cJSON *j = svc_input("FileSystemId", in->file_system_id), *resp = NULL;
    cJSON_AddStringToObject(j, "ClientToken", in->client_token);
    if (in->posix_user && in->posix_user->set)
        cJSON_AddItemToObject(j, "PosixUser", posix_json(in->posix_user));
    if (in->root_path || (in->creation_info && in->creation_info->set)) {
        cJSON *root = cJSON_AddObjectToObject(j, "RootDirectory");
        cJSON_AddStringToObject(root, "Path", in->root_path ? in->root_path : "/");
        if (in->creation_info && in->creation_info->set) {
            cJSON *ci = cJSON_AddObjectToObject(root, "CreationInfo");
            cJSON_AddNumberToObject(ci, "OwnerUid", (double)in->creation_info->owner_uid);
            cJSON_AddNumberToObject(ci, "OwnerGid", (double)in->creation_info->owner_gid);
            cJSON_AddStringToObject(ci, "Permissions", in->creation_info->permissions);
        }
    }
    svc_add_tags(j, "Tags", in->tags, "Key", "Value");
    svc_lookup f = {.c = c, .id = in->file_system_id, .id2 = in->client_token};
    aws_lost_answer guard = {find_access_point, &f};
    int rc = efsi_call(c, &create_ap, j, &guard, &resp, err);
    if (rc != 0 && aws_error_is(err, AWS_IS_EXISTS)) {
        aws_error keep = *err;
        rc = ap_by_token(c, in->file_system_id, in->client_token, &resp, err);
        if (rc == 0) /* the token is another file system's: say what EFS said */
            *err = keep;
        rc = rc == 1 ? 0 : -1;
        if (rc == 0 && existed)
            *existed = 1;
    }
    return rc ? -1 : svc_read_answer(resp, NULL, &ap_shape, out);
}

int efs_describe_access_points(aws_client *c, const char *fs_id, efs_access_points *out,
                               aws_error *err)
{
    /* fs_id NULL: every access point of the region */
    return efsi_kind_list(c, &efsi_access_point, fs_id ? "FileSystemId" : NULL, fs_id,
                          (void **)&out->items, &out->n, err);
}

int efs_describe_access_point(aws_client *c, const char *ap_id, efs_access_point *out,
                              aws_error *err)
{
    return efsi_describe_one(c, &efsi_access_point, ap_id, out, err);
}

int efs_delete_access_point(aws_client *c, const char *ap_id, aws_error *err)
{
    return efsi_call(c, &delete_ap, svc_input("AccessPointId", ap_id), NULL, NULL, err);
}
