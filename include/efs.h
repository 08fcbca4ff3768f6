/*
 * EFS client (rest-json, see aws_restjson.h): file systems, mount targets, access points,
 * the file system policy, lifecycle and backup policies, tags; one-shot lifecycle checks
 * for res_wait poll functions and bounded waiters built on them. Conventions as in svc.h:
 * 0 or -1 with err (codes as EFS sends them: FileSystemNotFound, FileSystemInUse,
 * MountTargetConflict, IncorrectFileSystemLifeCycleState, ...; ask aws_error_is), outputs
 * owned by the caller and released with the matching _free.
 *
 * Idempotency: CreateFileSystem and CreateAccessPoint take a token; the same token again
 * is refused by EFS with "already exists", which these calls turn into the existing
 * resource (*existed = 1), and an answer lost on the way is found again by the token
 * before anything is sent twice. CreateMountTarget has no token: a lost answer is found
 * again by the file system's mount target in that subnet.
 *
 * Lifecycles (EFS publishes no waiters): file systems and access points are "creating"
 * then "available"; mount targets take about 90 s; deletes pass through "deleting" and a
 * file system can be deleted only once its mount targets are gone (not merely deleting).
 */
#ifndef ECSDEPLOY_EFS_H
#define ECSDEPLOY_EFS_H

#include <stddef.h>
#include <time.h>

#include "aws.h"
#include "aws_wait.h"
#include "svc.h"

/* ---- file systems ---------------------------------------------------------------- */

typedef struct {
    char *id;
    char *arn;
    char *creation_token;
    char *state;              /* "creating", "available", "updating", "deleting", "error" */
    char *name;               /* the Name tag, or "" */
    char *performance_mode;   /* "generalPurpose", "maxIO" */
    char *throughput_mode;    /* "bursting", "provisioned", "elastic" */
    char *kms_key_id;         /* the key's ARN, or "" when not encrypted */
    char *availability_zone;  /* One Zone file systems, else "" */
    int encrypted;
    double provisioned_mibps; /* 0 unless provisioned */
    int mount_targets;
    long long size_bytes;
    time_t created;
    svc_tags tags;
} efs_file_system;

SVC_LIST_TYPE(efs_file_system, efs_file_systems);

void efs_file_system_free(efs_file_system *f);

typedef struct {
    const char *creation_token;    /* required: 1..64 characters, unique per account and region */
    int encrypted;
    const char *kms_key_id;        /* NULL: AWS's aws/elasticfilesystem key (when encrypted) */
    const char *performance_mode;  /* NULL: generalPurpose */
    const char *throughput_mode;   /* NULL: bursting */
    double provisioned_mibps;      /* with throughput_mode "provisioned" */
    const char *availability_zone; /* One Zone, or NULL */
    int backup;                    /* automatic backups on */
    const svc_tags *tags;          /* or NULL; a "Name" tag becomes the name */
} efs_create_fs_in;

/* CreateFileSystem into *out (still "creating"); *existed (may be NULL) is 1 when a file
 * system with this token was already there (it is returned, whatever its settings). */
int efs_create_file_system(aws_client *c, const efs_create_fs_in *in, efs_file_system *out,
                           int *existed, aws_error *err);
/* One file system by id or ARN; FileSystemNotFound when there is none. */
int efs_describe_file_system(aws_client *c, const char *fs_id, efs_file_system *out,
                             aws_error *err);
/* Every file system of the region (all pages), or those with creation_token (none: an
 * empty list, not an error). Tags included: discovery filters on them. */
int efs_describe_file_systems(aws_client *c, const char *creation_token, efs_file_systems *out,
                              aws_error *err);
/* UpdateFileSystem: a new throughput mode (NULL: keep) and/or provisioned throughput (0:
 * none given); *out is the file system, "updating" for a few seconds. EFS takes a mode
 * change or a decrease once in 24 hours (TooManyRequests), an increase any time. */
int efs_update_file_system(aws_client *c, const char *fs_id, const char *throughput_mode,
                           double provisioned_mibps, efs_file_system *out, aws_error *err);
/* FileSystemInUse while any mount target is left (wait for them to be gone first). */
int efs_delete_file_system(aws_client *c, const char *fs_id, aws_error *err);

/* ---- mount targets ------------------------------------------------------------------ */

typedef struct {
    char *id;
    char *file_system_id;
    char *subnet_id;
    char *vpc_id;
    char *availability_zone;
    char *ip_address;
    char *network_interface_id;
    char *state;              /* "creating", "available", "deleting", ... */
} efs_mount_target;

SVC_LIST_TYPE(efs_mount_target, efs_mount_targets);

void efs_mount_target_free(efs_mount_target *m);

/* One mount target in subnet_id with security_groups (NULL-terminated; NULL: the VPC's
 * default group). MountTargetConflict: the file system has one in that zone already, or
 * mount targets in another VPC. */
int efs_create_mount_target(aws_client *c, const char *fs_id, const char *subnet_id,
                            const char *const *security_groups, efs_mount_target *out,
                            aws_error *err);
/* Every mount target of a file system (all pages). */
int efs_describe_mount_targets(aws_client *c, const char *fs_id, efs_mount_targets *out,
                               aws_error *err);
int efs_describe_mount_target(aws_client *c, const char *mt_id, efs_mount_target *out,
                              aws_error *err);
/* The mount target's security groups (appended to out). */
int efs_describe_mount_target_security_groups(aws_client *c, const char *mt_id,
                                              svc_strings *out, aws_error *err);
/* Replace its groups (NULL-terminated, at least one); the mount target must be available. */
int efs_modify_mount_target_security_groups(aws_client *c, const char *mt_id,
                                            const char *const *security_groups, aws_error *err);
int efs_delete_mount_target(aws_client *c, const char *mt_id, aws_error *err);

/* ---- access points -------------------------------------------------------------------- */

typedef struct {
    int set;                      /* 0: no POSIX user (as input: none given) */
    long long uid, gid;
    long long secondary_gids[16];
    size_t nsecondary;
} efs_posix_user;

typedef struct {
    int set;                      /* 0: none */
    long long owner_uid, owner_gid;
    char permissions[8];          /* octal, "750" */
} efs_creation_info;

typedef struct {
    char *id;
    char *arn;
    char *file_system_id;
    char *client_token;
    char *name;                   /* the Name tag, or "" */
    char *state;
    char *root_path;              /* "/" when none was given */
    efs_posix_user posix_user;
    efs_creation_info creation_info;
    svc_tags tags;
} efs_access_point;

SVC_LIST_TYPE(efs_access_point, efs_access_points);

void efs_access_point_free(efs_access_point *a);

typedef struct {
    const char *file_system_id;
    const char *client_token;       /* required: 1..64 characters */
    const efs_posix_user *posix_user; /* or NULL */
    const char *root_path;          /* NULL: "/" (at most 4 levels, 100 characters) */
    const efs_creation_info *creation_info; /* or NULL: root_path must exist already */
    const svc_tags *tags;
} efs_create_ap_in;

/* CreateAccessPoint (the file system must be available); *existed as for file systems. */
int efs_create_access_point(aws_client *c, const efs_create_ap_in *in, efs_access_point *out,
                            int *existed, aws_error *err);
/* The access points of a file system, or of the region with fs_id NULL (all pages). */
int efs_describe_access_points(aws_client *c, const char *fs_id, efs_access_points *out,
                               aws_error *err);
int efs_describe_access_point(aws_client *c, const char *ap_id, efs_access_point *out,
                              aws_error *err);
int efs_delete_access_point(aws_client *c, const char *ap_id, aws_error *err);

/* ---- file system settings -------------------------------------------------------------- */

/* The policy (JSON text); InvalidPolicyException for one EFS refuses. */
int efs_put_file_system_policy(aws_client *c, const char *fs_id, const char *policy,
                               aws_error *err);
/* *policy: the policy text (free()), or NULL when the default policy is in effect. */
int efs_describe_file_system_policy(aws_client *c, const char *fs_id, char **policy,
                                    aws_error *err);
int efs_delete_file_system_policy(aws_client *c, const char *fs_id, aws_error *err);

/* Lifecycle rules, "" when unset: "AFTER_30_DAYS", ...; to_primary "AFTER_1_ACCESS". */
typedef struct {
    char to_ia[24];
    char to_archive[24];
    char to_primary[24];
} efs_lifecycle;

/* Put the rules that are set (none: lifecycle management off). */
int efs_put_lifecycle_configuration(aws_client *c, const char *fs_id, const efs_lifecycle *lc,
                                    aws_error *err);
int efs_describe_lifecycle_configuration(aws_client *c, const char *fs_id, efs_lifecycle *out,
                                         aws_error *err);
/* Automatic backups on or off. */
int efs_put_backup_policy(aws_client *c, const char *fs_id, int enabled, aws_error *err);
/* *enabled: 1 for ENABLED or ENABLING; 0 for DISABLED, DISABLING or no policy yet. */
int efs_describe_backup_policy(aws_client *c, const char *fs_id, int *enabled, aws_error *err);

/* ---- tags (file systems and access points, by id or ARN) ------------------------------- */

int efs_tag_resource(aws_client *c, const char *resource_id, const svc_tags *tags,
                     aws_error *err);
int efs_untag_resource(aws_client *c, const char *resource_id, const char *const *keys,
                       size_t nkeys, aws_error *err);
/* Every tag (all pages), appended to out. */
int efs_list_tags_for_resource(aws_client *c, const char *resource_id, svc_tags *out,
                               aws_error *err);

/* ---- lifecycles ------------------------------------------------------------------------- */

typedef enum { EFS_AVAILABLE, EFS_GONE } efs_want;

/*
 * One check of a lifecycle, for res_wait poll functions and the waiters below: 1 when
 * the resource is as wanted (EFS_GONE: not found, or "deleted"), 0 when not yet (its state
 * written into `state`), -1 with err when it never will be (wanting it available while it
 * is gone, deleting or in "error") or the call failed.
 * efs_check_mount_targets judges every mount target of a file system at once: all
 * available (and at least one), or none left.
 */
int efs_check_file_system(aws_client *c, const char *fs_id, efs_want want, char *state,
                          size_t size, aws_error *err);
int efs_check_mount_targets(aws_client *c, const char *fs_id, efs_want want, char *state,
                            size_t size, aws_error *err);
int efs_check_access_point(aws_client *c, const char *ap_id, efs_want want, char *state,
                           size_t size, aws_error *err);

/* Bounded waits on those checks (o may be NULL: every 5 s, up to 10 minutes for mount
 * targets, 3 minutes for the rest); WaiterTimeout names the last state seen. */
int efs_wait_file_system(aws_client *c, const char *fs_id, efs_want want,
                         const aws_wait_opts *o, aws_error *err);
int efs_wait_mount_target(aws_client *c, const char *mt_id, efs_want want,
                          const aws_wait_opts *o, aws_error *err);
int efs_wait_mount_targets(aws_client *c, const char *fs_id, efs_want want,
                           const aws_wait_opts *o, aws_error *err);
int efs_wait_access_point(aws_client *c, const char *ap_id, efs_want want,
                          const aws_wait_opts *o, aws_error *err);

#endif
