/*
 * Amazon RDS client: DB subnet groups, DB instances (PostgreSQL, MySQL), their snapshots
 * and tags, and waiters for an instance to be available or deleted. Conventions in svc.h.
 *
 * Outputs: every string of an output struct is owned and never NULL ("" when AWS left it
 * out); free with the matching _free function. Inputs borrow their strings (NULL: leave
 * the member out). Tri-state ints in inputs: 0 leave out, 1 true, -1 false.
 * Errors arrive with RDS's codes (DBInstanceNotFound, DBInstanceAlreadyExists,
 * DBSubnetGroupNotFoundFault, DBSubnetGroupAlreadyExists,
 * DBSubnetGroupDoesNotCoverEnoughAZs, InvalidDBInstanceState,
 * InvalidDBSubnetGroupStateFault, DBSnapshotNotFound, DBSnapshotAlreadyExists,
 * InvalidParameterCombination — e.g. deleting an instance under deletion protection —,
 * ...): ask aws_error_is(), never compare them.
 *
 * RDS has no idempotency tokens. A create whose answer is lost is found again by its
 * identifier (an instance with the engine, class and tags asked for; a subnet group with
 * the description and subnets asked for) and never sent twice; a lost DeleteDBInstance
 * or ModifyDBInstance answer is recognised from the instance's state (see
 * aws_lost_answer in aws.h).
 */
#ifndef ECSDEPLOY_RDS_H
#define ECSDEPLOY_RDS_H

#include "aws.h"
#include "aws_wait.h"
#include "svc.h"

/* ---- DB subnet groups ------------------------------------------------------------ */
typedef struct {
    char *name;          /* stored in lower case by RDS */
    char *description, *vpc_id, *status, *arn;
    svc_strings subnet_ids;
    svc_strings zones;   /* the zone of each subnet, in the same order */
} rds_subnet_group;

SVC_LIST_TYPE(rds_subnet_group, rds_subnet_groups);

void rds_subnet_group_free(rds_subnet_group *g);

/* The subnets (NULL-terminated) must be in one VPC and cover two zones. out may be NULL. */
int rds_create_db_subnet_group(aws_client *c, const char *name, const char *description,
                               const char *const *subnet_ids, const svc_tags *tags,
                               rds_subnet_group *out, aws_error *err);
/* One group by name (DBSubnetGroupNotFoundFault when missing), or every group (NULL), in
 * pages of page_size (20 to 100; 0: AWS's 100). */
int rds_describe_db_subnet_groups(aws_client *c, const char *name, int page_size,
                                  rds_subnet_groups *out, aws_error *err);
/* The subnets given replace the group's; description NULL keeps it. out may be NULL. */
int rds_modify_db_subnet_group(aws_client *c, const char *name, const char *description,
                               const char *const *subnet_ids, rds_subnet_group *out,
                               aws_error *err);
/* InvalidDBSubnetGroupStateFault while an instance uses it. */
int rds_delete_db_subnet_group(aws_client *c, const char *name, aws_error *err);

/* ---- DB instances ------------------------------------------------------------------ */
typedef struct {
    char *id, *arn, *resource_id;
    char *status;        /* creating, backing-up, available, modifying, deleting, ... */
    char *engine, *engine_version, *instance_class, *db_name, *master_username;
    char *address, *hosted_zone_id; /* "" and port 0 until creation is over */
    int port;
    int allocated_storage;          /* GiB */
    char *storage_type, *kms_key_id;
    int storage_encrypted, multi_az, deletion_protection, publicly_accessible;
    int copy_tags_to_snapshot;
    int backup_retention_days;      /* 0: no automated backups */
    char *availability_zone, *subnet_group, *vpc_id, *create_time;
    svc_strings security_groups;
    /* The secret RDS keeps the master password in ("" when RDS does not manage it). */
    char *master_secret_arn, *master_secret_status, *master_secret_kms_key_id;
    /* PendingModifiedValues, by member name ("DBInstanceClass" -> "db.t3.small"). */
    svc_tags pending;
    svc_tags tags;
} rds_instance;

SVC_LIST_TYPE(rds_instance, rds_instances);

void rds_instance_free(rds_instance *i);

typedef struct {
    const char *id;                   /* 1-63 letters, digits, hyphens; RDS lowers it */
    const char *engine;               /* "postgres", "mysql" */
    const char *engine_version;       /* "16", "16.8"; NULL: the engine's default */
    const char *instance_class;       /* "db.t3.micro" */
    int allocated_storage;            /* GiB */
    const char *storage_type;         /* NULL: AWS's default (gp3) */
    const char *db_name;              /* a database to create, or NULL */
    const char *master_username;
    const char *master_password;      /* NULL with manage_master_password */
    int manage_master_password;       /* 1: RDS generates it into Secrets Manager */
    const char *master_secret_kms_key_id; /* NULL: aws/secretsmanager */
    const char *subnet_group;         /* NULL: the default VPC's */
    const char *const *security_groups; /* NULL-terminated; NULL: the VPC's default group */
    int port;                         /* 0: the engine's */
    int storage_encrypted;            /* tri-state */
    const char *kms_key_id;           /* NULL: aws/rds (with storage_encrypted) */
    int multi_az, deletion_protection, publicly_accessible, copy_tags_to_snapshot; /* tri */
    int backup_retention_days;        /* 0: AWS's default (1 day); -1: none; N: N days */
    const svc_tags *tags;
} rds_instance_in;

/* CreateDBInstance: *out (may be NULL) is the new instance, "creating". */
int rds_create_db_instance(aws_client *c, const rds_instance_in *in, rds_instance *out,
                           aws_error *err);
/* One instance by identifier or ARN (DBInstanceNotFound when missing), or all (NULL), in
 * pages of page_size (20 to 100; 0: AWS's 100). */
int rds_describe_db_instances(aws_client *c, const char *id, int page_size, rds_instances *out,
                              aws_error *err);

typedef struct {
    const char *instance_class, *engine_version, *storage_type; /* NULL: keep */
    int allocated_storage;            /* 0: keep (a change must grow it by 10%) */
    const char *const *security_groups; /* NULL: keep */
    int multi_az, deletion_protection, publicly_accessible, copy_tags_to_snapshot; /* tri */
    int backup_retention_days;        /* 0: keep; -1: none; N: N days */
    int manage_master_password;       /* tri-state; -1 needs master_password */
    const char *master_password;      /* NULL: keep */
    const char *master_secret_kms_key_id;
    int rotate_master_password;       /* 1: a new managed password (needs apply_immediately) */
    int allow_major_version_upgrade;
    int apply_immediately;            /* 0: class, storage, version, Multi-AZ wait for the
                                         maintenance window (in pending) */
} rds_instance_mod;

/* ModifyDBInstance (InvalidDBInstanceState unless "available"); out may be NULL. */
int rds_modify_db_instance(aws_client *c, const char *id, const rds_instance_mod *m,
                           rds_instance *out, aws_error *err);
/* DeleteDBInstance with a final snapshot named final_snapshot_id, or none (NULL). Refused
 * (InvalidParameterCombination) under deletion protection. out (may be NULL) is the
 * instance, "deleting" — or all empty when a lost answer's retry found it already gone. */
int rds_delete_db_instance(aws_client *c, const char *id, const char *final_snapshot_id,
                           rds_instance *out, aws_error *err);

/* DBInstanceAvailable: until "available"; deleting, deleted, failed and the
 * incompatible-* states end it. o may be NULL (60 checks 30 s apart). */
int rds_wait_db_instance_available(aws_client *c, const char *id, const aws_wait_opts *o,
                                   aws_error *err);
/* DBInstanceDeleted: until it is gone; creating, modifying, rebooting and
 * resetting-master-credentials end it (the model's waiter). */
int rds_wait_db_instance_deleted(aws_client *c, const char *id, const aws_wait_opts *o,
                                 aws_error *err);

/* ---- DB snapshots ---------------------------------------------------------------- */
typedef struct {
    char *id, *arn, *instance_id;
    char *status;        /* creating, available, ... */
    char *type;          /* manual, automated */
    char *engine, *engine_version, *create_time, *kms_key_id;
    int allocated_storage, percent_progress, encrypted;
    svc_tags tags;
} rds_snapshot;

SVC_LIST_TYPE(rds_snapshot, rds_snapshots);

/* By snapshot identifier (DBSnapshotNotFound when missing), by instance, by type
 * ("manual", "automated"), or all (every argument NULL); page_size as above. */
int rds_describe_db_snapshots(aws_client *c, const char *instance_id, const char *snapshot_id,
                              const char *type, int page_size, rds_snapshots *out,
                              aws_error *err);
/* A manual snapshot that is "available" (else InvalidDBSnapshotState). */
int rds_delete_db_snapshot(aws_client *c, const char *id, aws_error *err);
/* DBSnapshotAvailable (60 checks 30 s apart by default). */
int rds_wait_db_snapshot_available(aws_client *c, const char *id, const aws_wait_opts *o,
                                   aws_error *err);

/* ---- tags of any RDS resource (by ARN: db, subgrp, snapshot) ------------------------- */
int rds_add_tags_to_resource(aws_client *c, const char *arn, const svc_tags *tags,
                             aws_error *err);
/* *out: svc_tags_free. */
int rds_list_tags_for_resource(aws_client *c, const char *arn, svc_tags *out, aws_error *err);
int rds_remove_tags_from_resource(aws_client *c, const char *arn, const char *const *keys,
                                  aws_error *err);

#endif
