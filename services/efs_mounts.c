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

static const svc_shape mt_shape = SVC_SHAPE(efs_mount_target, NULL, NULL,
    SVC_FIELD("MountTargetId", SVC_STR, efs_mount_target, id),
    SVC_FIELD("FileSystemId", SVC_STR, efs_mount_target, file_system_id),
    SVC_FIELD("SubnetId", SVC_STR, efs_mount_target, subnet_id),
    SVC_FIELD("VpcId", SVC_STR, efs_mount_target, vpc_id),
    SVC_FIELD("AvailabilityZoneName", SVC_STR, efs_mount_target, availability_zone),
    SVC_FIELD("IpAddress", SVC_STR, efs_mount_target, ip_address),
    SVC_FIELD("NetworkInterfaceId", SVC_STR, efs_mount_target, network_interface_id),
    SVC_FIELD("LifeCycleState", SVC_STR, efs_mount_target, state));

const efsi_kind efsi_mount_target = {"mount target", &describe_mt, "Marker", "NextMarker",
                                     "MountTargets", "MountTargetId", "MountTargetNotFound",
                                     &mt_shape, offsetof(efs_mount_target, state)};

SVC_DEFINE_FREE(efs_mount_target_free, efs_mount_target, mt_shape)
SVC_DEFINE_LIST_FREE(efs_mount_targets_free, efs_mount_targets, mt_shape)

/* aws_lost_answer: CreateMountTarget has no token; the file system's mount target in
 * that subnet is the one the lost call made (one per zone: there is no other). */
static int find_mount_target(void *ctx, cJSON **output, aws_error *err)
{
    svc_lookup *f = ctx;
    cJSON *items, *e;
    if (efsi_kind_pages(f->c, &efsi_mount_target, "FileSystemId", f->id, &items, err) != 0)
        return -1;
    cJSON_ArrayForEach(e, items)
    {
        const char *s = aws_json_str(e, "SubnetId"), *st = aws_json_str(e, "LifeCycleState");
        if (s && strcmp(s, f->id2) == 0 && st && strncmp(st, "delet", 5) != 0) {
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
    svc_lookup f = {.c = c, .id = fs_id, .id2 = subnet_id};
    aws_lost_answer guard = {find_mount_target, &f};
    if (efsi_call(c, &create_mt, in, &guard, &resp, err) != 0)
        return -1;
    return svc_read_answer(resp, NULL, &mt_shape, out);
}

int efs_describe_mount_targets(aws_client *c, const char *fs_id, efs_mount_targets *out,
                               aws_error *err)
{
    return efsi_kind_list(c, &efsi_mount_target, "FileSystemId", fs_id, (void **)&out->items,
                          &out->n, err);
}

int efs_describe_mount_target(aws_client *c, const char *mt_id, efs_mount_target *out,
                              aws_error *err)
{
    return efsi_describe_one(c, &efsi_mount_target, mt_id, out, err);
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
