/* EFS: file systems, their policy, lifecycle and backup settings, tags (see efs.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws_paginate.h"
#include "efs_internal.h"
#include "xalloc.h"

#define FS_URI "/2015-02-01/file-systems"

static const aws_rest_binding fs_query[] = {{"MaxItems", AWS_REST_QUERY, NULL},
                                            {"Marker", AWS_REST_QUERY, NULL},
                                            {"CreationToken", AWS_REST_QUERY, NULL},
                                            {"FileSystemId", AWS_REST_QUERY, NULL},
                                            {NULL, 0, NULL}};
static const aws_rest_op create_fs = {"CreateFileSystem", "POST", FS_URI, NULL};
static const aws_rest_op describe_fs = {"DescribeFileSystems", "GET", FS_URI, fs_query};
static const aws_rest_op delete_fs = {"DeleteFileSystem", "DELETE", FS_URI "/{FileSystemId}", NULL};
static const aws_rest_op update_fs = {"UpdateFileSystem", "PUT", FS_URI "/{FileSystemId}", NULL};
static const aws_rest_op put_policy = {"PutFileSystemPolicy", "PUT",
                                       FS_URI "/{FileSystemId}/policy", NULL};
static const aws_rest_op get_policy = {"DescribeFileSystemPolicy", "GET",
                                       FS_URI "/{FileSystemId}/policy", NULL};
static const aws_rest_op delete_policy = {"DeleteFileSystemPolicy", "DELETE",
                                          FS_URI "/{FileSystemId}/policy", NULL};
static const aws_rest_op put_lifecycle = {"PutLifecycleConfiguration", "PUT",
                                          FS_URI "/{FileSystemId}/lifecycle-configuration", NULL};
static const aws_rest_op get_lifecycle = {"DescribeLifecycleConfiguration", "GET",
                                          FS_URI "/{FileSystemId}/lifecycle-configuration", NULL};
static const aws_rest_op put_backup = {"PutBackupPolicy", "PUT",
                                       FS_URI "/{FileSystemId}/backup-policy", NULL};
static const aws_rest_op get_backup = {"DescribeBackupPolicy", "GET",
                                       FS_URI "/{FileSystemId}/backup-policy", NULL};
static const aws_rest_binding tag_page[] = {{"MaxResults", AWS_REST_QUERY, NULL},
                                            {"NextToken", AWS_REST_QUERY, NULL},
                                            {NULL, 0, NULL}};
static const aws_rest_binding tag_keys[] = {{"TagKeys", AWS_REST_QUERY, "tagKeys"},
                                            {NULL, 0, NULL}};
static const aws_rest_op tag_op = {"TagResource", "POST", "/2015-02-01/resource-tags/{ResourceId}",
                                   NULL};
static const aws_rest_op untag_op = {"UntagResource", "DELETE",
                                     "/2015-02-01/resource-tags/{ResourceId}", tag_keys};
static const aws_rest_op list_tags_op = {"ListTagsForResource", "GET",
                                         "/2015-02-01/resource-tags/{ResourceId}", tag_page};

/* ---- shared pieces (efs_internal.h) ------------------------------------------------------ */

int efsi_call(aws_client *c, const aws_rest_op *op, cJSON *in, const aws_lost_answer *guard,
              cJSON **out, aws_error *err)
{
    cJSON *o = NULL;
    int rc = aws_rest_json_call(c, "efs", op, in, guard, &o, err);
    cJSON_Delete(in);
    return svc_call_end(rc, op->name, 0, o, out, err);
}

typedef struct {
    aws_client *c;
    const aws_rest_op *op;
} page_ctx;

static int page_call(void *ctx, const cJSON *input, cJSON **output, aws_error *err)
{
    page_ctx *p = ctx;
    return aws_rest_json_call(p->c, "efs", p->op, input, NULL, output, err);
}

int efsi_pages(aws_client *c, const aws_rest_op *op, const cJSON *in, const char *in_token,
               const char *out_token, const char *items, cJSON **list, aws_error *err)
{
    page_ctx p = {c, op};
    aws_page_spec spec = {.in_token = in_token, .out_token = out_token, .items = items};
    return aws_paginate(page_call, &p, in, &spec, list, err);
}

int efsi_kind_pages(aws_client *c, const efsi_kind *k, const char *member, const char *id,
                    cJSON **items, aws_error *err)
{
    cJSON *in = svc_input(member, id);
    int rc = efsi_pages(c, k->op, in, k->in_token, k->out_token, k->items, items, err);
    cJSON_Delete(in);
    return rc;
}

int efsi_kind_list(aws_client *c, const efsi_kind *k, const char *member, const char *id,
                   void **out, size_t *n, aws_error *err)
{
    cJSON *items;
    *out = NULL;
    *n = 0;
    if (efsi_kind_pages(c, k, member, id, &items, err) != 0)
        return -1;
    return svc_read_items(items, k->shape, out, n);
}

int efsi_describe_one(aws_client *c, const efsi_kind *k, const char *id, void *out,
                      aws_error *err)
{
    cJSON *items;
    memset(out, 0, k->shape->size);
    if (efsi_kind_pages(c, k, k->id_member, id, &items, err) != 0)
        return -1;
    const cJSON *first = cJSON_GetArrayItem(items, 0);
    if (first)
        svc_read(first, k->shape, out);
    cJSON_Delete(items);
    if (!first) {
        aws_error_set(err, AWS_ERR_SERVICE, k->not_found, "%s: EFS described nothing", id);
        snprintf(err->service, sizeof err->service, "efs");
        return -1;
    }
    return 0;
}

static void add_str(cJSON *o, const char *name, const char *v)
{
    if (v && *v)
        cJSON_AddStringToObject(o, name, v);
}

/* ---- file systems --------------------------------------------------------------------- */

static const svc_shape fs_shape = SVC_SHAPE(efs_file_system, NULL, NULL,
    SVC_FIELD("FileSystemId", SVC_STR, efs_file_system, id),
    SVC_FIELD("FileSystemArn", SVC_STR, efs_file_system, arn),
    SVC_FIELD("CreationToken", SVC_STR, efs_file_system, creation_token),
    SVC_FIELD("LifeCycleState", SVC_STR, efs_file_system, state),
    SVC_FIELD("Name", SVC_STR, efs_file_system, name),
    SVC_FIELD("PerformanceMode", SVC_STR, efs_file_system, performance_mode),
    SVC_FIELD("ThroughputMode", SVC_STR, efs_file_system, throughput_mode),
    SVC_FIELD("KmsKeyId", SVC_STR, efs_file_system, kms_key_id),
    SVC_FIELD("AvailabilityZoneName", SVC_STR, efs_file_system, availability_zone),
    SVC_FIELD("Encrypted", SVC_BOOL, efs_file_system, encrypted),
    SVC_FIELD("ProvisionedThroughputInMibps", SVC_DOUBLE, efs_file_system, provisioned_mibps),
    SVC_FIELD("NumberOfMountTargets", SVC_INT, efs_file_system, mount_targets),
    SVC_FIELD("SizeInBytes.Value", SVC_LLONG, efs_file_system, size_bytes),
    SVC_FIELD("CreationTime", SVC_TIME, efs_file_system, created),
    SVC_FTAGS("Tags", efs_file_system, tags, "Key", "Value"));

const efsi_kind efsi_file_system = {"file system", &describe_fs, "Marker", "NextMarker",
                                    "FileSystems", "FileSystemId", "FileSystemNotFound",
                                    &fs_shape, offsetof(efs_file_system, state)};

SVC_DEFINE_FREE(efs_file_system_free, efs_file_system, fs_shape)
SVC_DEFINE_LIST_FREE(efs_file_systems_free, efs_file_systems, fs_shape)

/* The raw description of the file system with this creation token: 1 with *fs set
 * (cJSON_Delete), 0 when there is none, -1 with err. */
static int fs_by_token(aws_client *c, const char *token, cJSON **fs, aws_error *err)
{
    cJSON *out;
    *fs = NULL;
    if (efsi_call(c, &describe_fs, svc_input("CreationToken", token), NULL, &out, err) != 0) {
        if (!aws_error_is(err, AWS_IS_NOT_FOUND))
            return -1;
        aws_error_clear(err); /* EFS answers a token without a file system with not found */
        return 0;
    }
    cJSON *list = cJSON_GetObjectItemCaseSensitive(out, "FileSystems");
    if (cJSON_GetArraySize(list) > 0)
        *fs = cJSON_DetachItemFromArray(list, 0);
    cJSON_Delete(out);
    return *fs != NULL;
}

/* aws_lost_answer: did the CreateFileSystem whose answer was lost make it? */
static int find_fs(void *ctx, cJSON **output, aws_error *err)
{
    svc_lookup *f = ctx;
    return fs_by_token(f->c, f->id, output, err);
}

int efs_create_file_system(aws_client *c, const efs_create_fs_in *in, efs_file_system *out,
                           int *existed, aws_error *err)
{
    memset(out, 0, sizeof *out);
    if (existed)
        *existed = 0;
    cJSON *j = svc_input("CreationToken", in->creation_token), *resp = NULL;
    add_str(j, "PerformanceMode", in->performance_mode);
    add_str(j, "ThroughputMode", in->throughput_mode);
    if (in->provisioned_mibps > 0)
        cJSON_AddNumberToObject(j, "ProvisionedThroughputInMibps", in->provisioned_mibps);
    add_str(j, "AvailabilityZoneName", in->availability_zone);
    if (in->encrypted) {
        cJSON_AddBoolToObject(j, "Encrypted", 1);
        add_str(j, "KmsKeyId", in->kms_key_id);
    }
    if (in->backup)
        cJSON_AddBoolToObject(j, "Backup", 1);
    svc_add_tags(j, "Tags", in->tags, "Key", "Value");
    svc_lookup f = {.c = c, .id = in->creation_token};
    aws_lost_answer guard = {find_fs, &f};
    int rc = efsi_call(c, &create_fs, j, &guard, &resp, err);
    if (rc != 0 && aws_error_is(err, AWS_IS_EXISTS)) {
        aws_error keep = *err;
        rc = fs_by_token(c, in->creation_token, &resp, err);
        if (rc == 0) /* the token is taken, yet no file system has it: say what EFS said */
            *err = keep;
        rc = rc == 1 ? 0 : -1;
        if (rc == 0 && existed)
            *existed = 1;
    }
    return rc ? -1 : svc_read_answer(resp, NULL, &fs_shape, out);
}

int efs_describe_file_system(aws_client *c, const char *fs_id, efs_file_system *out,
                             aws_error *err)
{
    return efsi_describe_one(c, &efsi_file_system, fs_id, out, err);
}

int efs_describe_file_systems(aws_client *c, const char *creation_token, efs_file_systems *out,
                              aws_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *items;
    if (efsi_kind_pages(c, &efsi_file_system,
                        creation_token && *creation_token ? "CreationToken" : NULL,
                        creation_token, &items, err) != 0) {
        if (!creation_token || !aws_error_is(err, AWS_IS_NOT_FOUND))
            return -1;
        aws_error_clear(err);
        return 0;
    }
    return svc_read_items(items, &fs_shape, (void **)&out->items, &out->n);
}

int efs_update_file_system(aws_client *c, const char *fs_id, const char *throughput_mode,
                           double provisioned_mibps, efs_file_system *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *in = svc_input("FileSystemId", fs_id), *resp;
    add_str(in, "ThroughputMode", throughput_mode);
    if (provisioned_mibps > 0)
        cJSON_AddNumberToObject(in, "ProvisionedThroughputInMibps", provisioned_mibps);
    if (efsi_call(c, &update_fs, in, NULL, &resp, err) != 0)
        return -1;
    return svc_read_answer(resp, NULL, &fs_shape, out);
}

int efs_delete_file_system(aws_client *c, const char *fs_id, aws_error *err)
{
    return efsi_call(c, &delete_fs, svc_input("FileSystemId", fs_id), NULL, NULL, err);
}

/* ---- file system settings ------------------------------------------------------------ */

int efs_put_file_system_policy(aws_client *c, const char *fs_id, const char *policy,
                               aws_error *err)
{
    cJSON *in = svc_input("FileSystemId", fs_id);
    cJSON_AddStringToObject(in, "Policy", policy);
    return efsi_call(c, &put_policy, in, NULL, NULL, err);
}

int efs_describe_file_system_policy(aws_client *c, const char *fs_id, char **policy,
                                    aws_error *err)
{
    *policy = NULL;
    cJSON *resp;
    if (efsi_call(c, &get_policy, svc_input("FileSystemId", fs_id), NULL, &resp, err) != 0) {
        if (!aws_error_is(err, AWS_IS_NOT_SET)) /* none set: the default policy */
            return -1;
        aws_error_clear(err);
        return 0;
    }
    const char *p = aws_json_str(resp, "Policy");
    *policy = xstrdup_or_null(p);
    cJSON_Delete(resp);
    return 0;
}

int efs_delete_file_system_policy(aws_client *c, const char *fs_id, aws_error *err)
{
    return efsi_call(c, &delete_policy, svc_input("FileSystemId", fs_id), NULL, NULL, err);
}

static const struct {
    const char *member;
    size_t offset;
} lifecycle_rules[] = {{"TransitionToIA", offsetof(efs_lifecycle, to_ia)},
                       {"TransitionToArchive", offsetof(efs_lifecycle, to_archive)},
                       {"TransitionToPrimaryStorageClass", offsetof(efs_lifecycle, to_primary)}};

int efs_put_lifecycle_configuration(aws_client *c, const char *fs_id, const efs_lifecycle *lc,
                                    aws_error *err)
{
    cJSON *in = svc_input("FileSystemId", fs_id);
    cJSON *list = cJSON_AddArrayToObject(in, "LifecyclePolicies");
    for (size_t i = 0; i < sizeof lifecycle_rules / sizeof lifecycle_rules[0]; i++) {
        const char *v = (const char *)lc + lifecycle_rules[i].offset;
        if (!*v)
            continue;
        cJSON *p = cJSON_CreateObject(); /* one transition per policy, as EFS wants */
        cJSON_AddStringToObject(p, lifecycle_rules[i].member, v);
        cJSON_AddItemToArray(list, p);
    }
    return efsi_call(c, &put_lifecycle, in, NULL, NULL, err);
}

int efs_describe_lifecycle_configuration(aws_client *c, const char *fs_id, efs_lifecycle *out,
                                         aws_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *resp;
    const cJSON *p;
    if (efsi_call(c, &get_lifecycle, svc_input("FileSystemId", fs_id), NULL, &resp, err) != 0)
        return -1;
    cJSON_ArrayForEach(p, aws_json_array(resp, "LifecyclePolicies"))
    {
        for (size_t i = 0; i < sizeof lifecycle_rules / sizeof lifecycle_rules[0]; i++) {
            const char *v = aws_json_str(p, lifecycle_rules[i].member);
            if (v)
                snprintf((char *)out + lifecycle_rules[i].offset, sizeof out->to_ia, "%s", v);
        }
    }
    cJSON_Delete(resp);
    return 0;
}

int efs_put_backup_policy(aws_client *c, const char *fs_id, int enabled, aws_error *err)
{
    cJSON *in = svc_input("FileSystemId", fs_id);
    cJSON *bp = cJSON_AddObjectToObject(in, "BackupPolicy");
    cJSON_AddStringToObject(bp, "Status", enabled ? "ENABLED" : "DISABLED");
    return efsi_call(c, &put_backup, in, NULL, NULL, err);
}

int efs_describe_backup_policy(aws_client *c, const char *fs_id, int *enabled, aws_error *err)
{
    *enabled = 0;
    cJSON *resp;
    if (efsi_call(c, &get_backup, svc_input("FileSystemId", fs_id), NULL, &resp, err) != 0) {
        if (!aws_error_is(err, AWS_IS_NOT_SET))
            return -1;
        aws_error_clear(err); /* never set: automatic backups are off */
        return 0;
    }
    const char *st = aws_json_str(cJSON_GetObjectItemCaseSensitive(resp, "BackupPolicy"), "Status");
    *enabled = st && strncmp(st, "ENABL", 5) == 0;
    cJSON_Delete(resp);
    return 0;
}

/* ---- tags ------------------------------------------------------------------------------- */

int efs_tag_resource(aws_client *c, const char *resource_id, const svc_tags *tags,
                     aws_error *err)
{
    cJSON *in = svc_input("ResourceId", resource_id);
    cJSON_AddItemToObject(in, "Tags", svc_tags_json(tags, "Key", "Value"));
    return efsi_call(c, &tag_op, in, NULL, NULL, err);
}

int efs_untag_resource(aws_client *c, const char *resource_id, const char *const *keys,
                       size_t nkeys, aws_error *err)
{
    cJSON *in = svc_input("ResourceId", resource_id);
    cJSON_AddItemToObject(in, "TagKeys", svc_array_json(keys, nkeys));
    return efsi_call(c, &untag_op, in, NULL, NULL, err);
}

int efs_list_tags_for_resource(aws_client *c, const char *resource_id, svc_tags *out,
                               aws_error *err)
{
    cJSON *in = svc_input("ResourceId", resource_id), *items, *e;
    int rc = efsi_pages(c, &list_tags_op, in, "NextToken", "NextToken", "Tags", &items, err);
    cJSON_Delete(in);
    if (rc != 0)
        return -1;
    cJSON_ArrayForEach(e, items)
        if (aws_json_str(e, "Key"))
            svc_tags_add(out, aws_json_str(e, "Key"), aws_json_str(e, "Value"));
    cJSON_Delete(items);
    return 0;
}
