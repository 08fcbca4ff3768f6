/* EFS: mount targets and their security groups (see efs.h). */
#include <stdlib.h>
#include <string.h>

#include "efs_internal.h"
#include "xalloc.h"

#define MT_URI "/2015-02-01/mount-targets"

static const aws_rest_binding mt_query[] = {{"MaxItems", AWS_REST_QUERY, NULL},
                                            {"Marker", AWS_REST_QUERY, NULL},
                                            {"FileSystemId", AWS_REST_QUERY, NULL},
                                            {"MountTargetId", AWS_REST_QUERY, NULL},
                                            {"AccessPointId", AWS_REST_QUERY, NULL},
                                            {NULL, 0, NULL}};
static const aws_rest_op create_mt = {"CreateMountTarget", "POST", MT_URI, NULL};
static const aws_rest_op describe_mt = {"DescribeMountTargets", "GET", MT_URI, mt_query};
static const aws_rest_op delete_mt = {"DeleteMountTarget", "DELETE", MT_URI "/{MountTargetId}",
                                      NULL};
static const aws_rest_op get_groups = {"DescribeMountTargetSecurityGroups", "GET",
                                       MT_URI "/{MountTargetId}/security-groups", NULL};
static const aws_rest_op put_groups = {"ModifyMountTargetSecurityGroups", "PUT",
                                       MT_URI "/{MountTargetId}/security-groups", NULL};

static void efsi_read_mount_target(const cJSON *j, efs_mount_target *m)
{
    memset(m, 0, sizeof *m);
    m->id = svc_json_dup(j, "MountTargetId");
    m->file_system_id = svc_json_dup(j, "FileSystemId");
    m->subnet_id = svc_json_dup(j, "SubnetId");
    m->vpc_id = svc_json_dup(j, "VpcId");
    m->availability_zone = svc_json_dup(j, "AvailabilityZoneName");
    m->ip_address = svc_json_dup(j, "IpAddress");
    m->network_interface_id = svc_json_dup(j, "NetworkInterfaceId");
    m->state = svc_json_dup(j, "LifeCycleState");
}

void efs_mount_target_free(efs_mount_target *m)
{
    free(m->id);
    free(m->file_system_id);
    free(m->subnet_id);
    free(m->vpc_id);
    free(m->availability_zone);
    free(m->ip_address);
    free(m->network_interface_id);
    free(m->state);
    memset(m, 0, sizeof *m);
}

void efs_mount_targets_free(efs_mount_targets *l)
{
    SVC_LIST_FREE(l, efs_mount_target_free);
}

static int mount_target_pages(aws_client *c, const char *member, const char *id, cJSON **items,
                              aws_error *err)
{
    cJSON *in = svc_input(member, id);
    int rc = efsi_pages(c, &describe_mt, in, "Marker", "NextMarker", "MountTargets", items, err);
    cJSON_Delete(in);
    return rc;
}

typedef struct {
    aws_client *c;
    const char *fs_id, *subnet_id;
} subnet_finder;

/* aws_lost_answer: CreateMountTarget has no token; the file system's mount target in
 * that subnet is the one the lost call made (one per zone: there is no other). */
static int find_mount_target(void *ctx, cJSON **output, aws_error *err)
{
    subnet_finder *f = ctx;
    cJSON *items, *e;
    if (mount_target_pages(f->c, "FileSystemId", f->fs_id, &items, err) != 0)
        return -1;
    cJSON_ArrayForEach(e, items)
    {
        const char *s = aws_json_str(e, "SubnetId"), *st = aws_json_str(e, "LifeCycleState");
        if (s && strcmp(s, f->subnet_id) == 0 && st && strncmp(st, "delet", 5) != 0) {
            *output = cJSON_DetachItemViaPointer(items, e);
            cJSON_Delete(items);
            return 1;
        }
    }
    cJSON_Delete(items);
    return 0;
}

int efs_create_mount_target(aws_client *c, const char *fs_id, const char *subnet_id,
                            const char *const *security_groups, efs_mount_target *out,
                            aws_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *in = svc_input("FileSystemId", fs_id), *resp;
    cJSON_AddStringToObject(in, "SubnetId", subnet_id);
    svc_add_strings(in, "SecurityGroups", security_groups);
    subnet_finder f = {c, fs_id, subnet_id};
    aws_lost_answer guard = {find_mount_target, &f};
    if (efsi_call(c, &create_mt, in, &guard, &resp, err) != 0)
        return -1;
    efsi_read_mount_target(resp, out);
    cJSON_Delete(resp);
    return 0;
}

static int read_list(cJSON *items, efs_mount_targets *out)
{
    const cJSON *e;
    out->items = xcalloc((size_t)cJSON_GetArraySize(items) + 1, sizeof *out->items);
    cJSON_ArrayForEach(e, items)
        efsi_read_mount_target(e, &out->items[out->n++]);
    cJSON_Delete(items);
    return 0;
}

int efs_describe_mount_targets(aws_client *c, const char *fs_id, efs_mount_targets *out,
                               aws_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *items;
    if (mount_target_pages(c, "FileSystemId", fs_id, &items, err) != 0)
        return -1;
    return read_list(items, out);
}

int efs_describe_mount_target(aws_client *c, const char *mt_id, efs_mount_target *out,
                              aws_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *items;
    if (mount_target_pages(c, "MountTargetId", mt_id, &items, err) != 0)
        return -1;
    const cJSON *first = efsi_only(items, "MountTargetNotFound", mt_id, err);
    if (!first) {
        cJSON_Delete(items);
        return -1;
    }
    efsi_read_mount_target(first, out);
    cJSON_Delete(items);
    return 0;
}

int efs_describe_mount_target_security_groups(aws_client *c, const char *mt_id,
                                              svc_strings *out, aws_error *err)
{
    cJSON *resp;
    if (efsi_call(c, &get_groups, svc_input("MountTargetId", mt_id), NULL, &resp, err) != 0)
        return -1;
    svc_json_strings(resp, "SecurityGroups", NULL, out);
    cJSON_Delete(resp);
    return 0;
}

int efs_modify_mount_target_security_groups(aws_client *c, const char *mt_id,
                                            const char *const *security_groups, aws_error *err)
{
    cJSON *in = svc_input("MountTargetId", mt_id);
    if (security_groups && security_groups[0])
        svc_add_strings(in, "SecurityGroups", security_groups);
    else
        cJSON_AddArrayToObject(in, "SecurityGroups"); /* sent empty: EFS says what is wrong */
    return efsi_call(c, &put_groups, in, NULL, NULL, err);
}

int efs_delete_mount_target(aws_client *c, const char *mt_id, aws_error *err)
{
    return efsi_call(c, &delete_mt, svc_input("MountTargetId", mt_id), NULL, NULL, err);
}
