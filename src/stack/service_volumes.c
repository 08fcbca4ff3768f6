/* A service's volumes: EBS volumes ECS makes at launch, EFS file systems of the stack
 * (file_systems:) or named by id. */
#include <string.h>

#include "stack_internal.h"
#include "xalloc.h"

static const char *const volume_keys[] = {"name", "path", "container", "read_only", "ebs", "efs", NULL};
static const char *const ebs_keys[] = {"size_gib", "type", "iops", "throughput", "encrypted",
                                       "kms_key", "filesystem", NULL};
static const char *const efs_keys[] = {"file_system", "access_point", "read_only", "root_access",
                                       "file_system_id", "root_directory", "transit_encryption", NULL};
static const char *const ebs_types[] = {"gp3", "gp2", "io1", "io2", "st1", "sc1", "standard", NULL};
static const char *const fs_names[] = {"ext4", "ext3", "xfs", NULL};

static void decode_ebs(stack_ctx *c, const stack_node *e, stack_volume *v)
{
    size_t old = stack_path_push(c, "ebs");
    v->kind = STACK_VOL_EBS;
    v->encrypted = 1;
    if (stack_want_map(c, e)) {
        stack_check_keys(c, e, ebs_keys);
        int t = 0, fs = 0;
        stack_get_enum(c, e, "type", ebs_types, &t);
        v->type = xstrdup(ebs_types[t]);
        static const int lo[] = {1, 1, 4, 4, 125, 125, 1}, hi[] = {16384, 16384, 16384, 65536, 16384, 16384, 1024};
        if (!stack_node_get(e, "size_gib"))
            stack_err_missing(c, e, "size_gib");
        stack_get_int(c, e, "size_gib", lo[t], hi[t], &v->size_gib);
        static const int iops_lo[] = {3000, 0, 100, 100}, iops_hi[] = {16000, 0, 64000, 256000};
        const stack_node *iops = stack_node_get(e, "iops");
        if (iops && (t == 1 || t > 3))
            stack_err_key(c, iops, "iops", "applies to gp3, io1 and io2 volumes only");
        else if (iops)
            stack_get_int(c, e, "iops", iops_lo[t], iops_hi[t], &v->iops);
        else if (t == 2 || t == 3)
            stack_err(c, e, "an %s volume needs iops", ebs_types[t]);
        const stack_node *tp = stack_node_get(e, "throughput");
        if (tp && t != 0)
            stack_err_key(c, tp, "throughput", "applies to gp3 volumes only");
        else
            stack_get_int(c, e, "throughput", 125, 1000, &v->throughput);
        stack_get_bool(c, e, "encrypted", &v->encrypted);
        stack_get_str(c, e, "kms_key", 0, &v->kms_key);
        stack_get_enum(c, e, "filesystem", fs_names, &fs);
        v->filesystem = xstrdup(fs_names[fs]);
    }
    stack_path_pop(c, old);
}

/* efs: { file_system: NAME, access_point: AP, read_only, root_access }: a file system of
 * file_systems:, always mounted with TLS and IAM authorization. */
static void decode_efs_of_stack(stack_ctx *c, const stack_node *e, stack_volume *v, const stack_node *volume)
{
    v->transit_encryption = 1;
    stack_get_str(c, e, "file_system", 1, &v->file_system);
    stack_get_str(c, e, "access_point", 0, &v->fs_access_point);
    static const char *const by_id[] = {"file_system_id", "root_directory", "transit_encryption", NULL};
    for (size_t i = 0; by_id[i]; i++)
        if (stack_node_get(e, by_id[i]))
            stack_err_key(c, stack_node_get(e, by_id[i]), by_id[i],
                         "belongs to the file_system_id form; a file system of file_systems: is always "
                         "mounted with TLS, its root chosen by an access point");
    if (stack_node_get(e, "read_only") && stack_node_get(volume, "read_only"))
        stack_err_key(c, stack_node_get(e, "read_only"), "read_only", "is given on the volume already");
    else
        stack_get_bool(c, e, "read_only", &v->read_only);
    stack_get_bool(c, e, "root_access", &v->root_access);
}

static void decode_efs(stack_ctx *c, const stack_node *e, stack_volume *v, const stack_node *volume)
{
    size_t old = stack_path_push(c, "efs");
    v->kind = STACK_VOL_EFS;
    v->transit_encryption = 1;
    if (!stack_want_map(c, e)) {
        stack_path_pop(c, old);
        return;
    }
    stack_check_keys(c, e, efs_keys);
    if (stack_node_get(e, "file_system")) {
        decode_efs_of_stack(c, e, v, volume);
    } else {
        static const char *const of_stack[] = {"read_only", "root_access", NULL};
        for (size_t i = 0; of_stack[i]; i++)
            if (stack_node_get(e, of_stack[i]))
                stack_err_key(c, stack_node_get(e, of_stack[i]), of_stack[i],
                             "belongs to the file_system form (a file system of file_systems:)%s",
                             i == 0 ? "; with file_system_id, give read_only on the volume" : "");
        if (stack_get_str(c, e, "file_system_id", 1, &v->file_system_id) == 0 && v->file_system_id &&
            strncmp(v->file_system_id, "fs-", 3) != 0)
            stack_err_key(c, stack_node_get(e, "file_system_id"), "file_system_id",
                         "'%s' is not an EFS file system id (fs-…)", v->file_system_id);
        stack_get_str(c, e, "root_directory", 0, &v->root_directory);
        if (stack_get_str(c, e, "access_point", 0, &v->access_point) == 0 && v->access_point &&
            strncmp(v->access_point, "fsap-", 5) != 0)
            stack_err_key(c, stack_node_get(e, "access_point"), "access_point",
                         "'%s' is not an EFS access point id (fsap-…)", v->access_point);
        stack_get_bool(c, e, "transit_encryption", &v->transit_encryption);
    }
    stack_path_pop(c, old);
}

static void volume_item(stack_ctx *c, const stack_node *n, void *ud)
{
    stack_service *svc = ud;
    stack_volume *v = &svc->volumes[svc->nvolumes++];
    v->loc = n->loc;
    stack_get_str(c, n, "name", 0, &v->name);
    if (!v->name)
        v->name = xasprintf("vol-%zu", svc->nvolumes);
    if (stack_get_str(c, n, "path", 1, &v->path) == 0 && v->path && v->path[0] != '/')
        stack_err_key(c, stack_node_get(n, "path"), "path", "'%s' must be an absolute path", v->path);
    stack_get_str(c, n, "container", 0, &v->container);
    stack_get_bool(c, n, "read_only", &v->read_only);
    const stack_node *ebs = stack_node_get(n, "ebs"), *efs = stack_node_get(n, "efs");
    if (ebs && efs)
        stack_err(c, n, "a volume is either 'ebs' or 'efs', not both");
    else if (ebs)
        decode_ebs(c, ebs, v);
    else if (efs)
        decode_efs(c, efs, v, n);
    else
        stack_err(c, n, "needs 'ebs: { size_gib: N }' or 'efs: { file_system: NAME }'");
    int ebs_seen = 0;
    for (size_t i = 0; i + 1 < svc->nvolumes; i++) {
        if (v->kind == STACK_VOL_EBS && svc->volumes[i].kind == STACK_VOL_EBS && ebs && !ebs_seen++)
            stack_err_key(c, ebs, "ebs", "ECS attaches one EBS volume per task; another is given at line %d",
                         svc->volumes[i].loc.line);
        if (strcmp(v->name, svc->volumes[i].name) == 0)
            stack_err_key(c, stack_node_get(n, "name"), "name", "volume '%s' is already declared", v->name);
    }
}

void stack_decode_volumes(stack_ctx *c, const stack_node *n, stack_service *svc)
{
    svc->volumes = xcalloc(stack_list_len(n, "volumes") + 1, sizeof *svc->volumes);
    stack_each_item(c, n, "volumes", volume_keys, volume_item, svc);
}
