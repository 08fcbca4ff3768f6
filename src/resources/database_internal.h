/*
 * The database kind (database.c: building, reading, status; database_change.c: create,
 * update, remove). Internal to src/resources/.
 */
#ifndef ECSDEPLOY_RES_DATABASE_INTERNAL_H
#define ECSDEPLOY_RES_DATABASE_INTERNAL_H

#include "rds.h"
#include "res.h"

extern const res_kind res_kind_database;

/* The node's properties for a described instance: the compared members (identifier,
 * engine, version, instance_class, storage_gib, storage_type, multi_az, db_name, user,
 * backup_retention_days, deletion_protection, encrypted, subnet_group, vpc,
 * security_groups) and the attributes others read (host and port once the endpoint
 * exists, name, secret_arn, secret_kms_key, security_group_id, status, arn). desired (may
 * be NULL) is the node's: a version it names is reported as it is written when the
 * instance runs that version (16 for 16.8; 16.8 for an automatic upgrade to 16.9). */
cJSON *dbres_props(const rds_instance *i, const cJSON *desired);

/* The states in which an instance takes changes: available, storage-optimization. */
int dbres_modifiable(const char *status);

/* A state that needs someone to look (failed, storage-full, incompatible-*, stopped...). */
int dbres_broken(const char *status);

/* 1 when the actual version `have` satisfies the file's `want` ("16" by any 16.x, "16.8" by
 * 16.8 or a later 16 minor: RDS upgrades minors on its own). */
int dbres_version_satisfied(const char *engine, const char *want, const char *have);

/* The major version: PostgreSQL "16" of "16.8", MySQL "8.0" of "8.0.41". Caller frees. */
char *dbres_major(const char *engine, const char *version);

/* The kind's create, update and remove (database_change.c), and what `down` says a
 * deletion does besides (deletion protection turned off, the final snapshot). */
int dbres_create(res_ctx *ctx, res_node *n, aws_error *err);
int dbres_update(res_ctx *ctx, res_node *n, aws_error *err);
int dbres_remove(res_ctx *ctx, res_node *n, aws_error *err);
void dbres_delete_changes(const res_ctx *ctx, const res_node *n, res_changes *out);

#endif
