/* RDS client against the fake: subnet groups, an instance's whole life (create, waits,
 * modify now and later, deletion protection, final snapshot, delete), the managed master
 * secret, snapshots, tags, paging, and every refusal with its class (aws_error_is). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ec2.h"
#include "fakeaws_fixture.h"
#include "rds.h"
#include "secretsmanager.h"

static svc_tags stack_tags;
static fake_net net;
static char *sg, *sg2;

/* A VPC with two subnets in two zones (and a third beside the first), two groups. */
static void setup(void)
{
    aws_error err;
    fake_reset_setup();
    svc_tags_add(&stack_tags, "ecsdeploy:stack", "shop");
    const char *zones[] = {"us-east-1a", "us-east-1b", "us-east-1a", NULL};
    fake_net_make(fake_cl, 61, 0, zones, &net);
    OK(ec2_create_security_group(fake_cl, net.vpc, "shop-db", "database", NULL, &sg, &err));
    OK(ec2_create_security_group(fake_cl, net.vpc, "shop-db2", "database", NULL, &sg2, &err));
}

static void teardown(void)
{
    fake_client_teardown();
    svc_tags_free(&stack_tags);
    fake_net_free(&net);
    free(sg);
    free(sg2);
}

/* The first two subnets: two zones. */
static const char *const *two_zones(void)
{
    static const char *pair[3];
    pair[0] = net.subnets[0];
    pair[1] = net.subnets[1];
    pair[2] = NULL;
    return pair;
}

static void make_group(void)
{
    aws_error err;
    OK(rds_create_db_subnet_group(fake_cl, "shop-db", "shop database", two_zones(), &stack_tags,
                                  NULL, &err));
}

static rds_instance_in postgres(const char *id)
{
    static const char *groups[2];
    groups[0] = sg;
    groups[1] = NULL;
    rds_instance_in in = {.id = id, .engine = "postgres", .engine_version = "16",
                          .instance_class = "db.t3.micro", .allocated_storage = 20,
                          .db_name = "shop", .master_username = "shop",
                          .manage_master_password = 1, .subnet_group = "shop-db",
                          .security_groups = groups, .storage_encrypted = 1,
                          .deletion_protection = 1, .backup_retention_days = 7,
                          .tags = &stack_tags};
    return in;
}

static aws_wait_opts quick(void)
{
    return (aws_wait_opts){.max_checks = 400, .interval_s = 0.05};
}

START_TEST(subnet_groups)
{
    aws_error err;
    rds_subnet_group g;
    const char *one_zone[] = {net.subnets[0], net.subnets[2], NULL};
    FAILS_AS(rds_create_db_subnet_group(fake_cl, "shop-db", "x", one_zone, NULL, &g, &err),
             "DBSubnetGroupDoesNotCoverEnoughAZs", AWS_IS_INVALID);
    ck_assert_ptr_nonnull(strstr(err.message, "CreateDBSubnetGroup: "));
    OK(rds_create_db_subnet_group(fake_cl, "Shop-DB", "shop database", two_zones(), &stack_tags, &g,
                                  &err));
    ck_assert_str_eq(g.name, "shop-db");
    ck_assert_str_eq(g.vpc_id, net.vpc);
    ck_assert_str_eq(g.status, "Complete");
    ck_assert_uint_eq(g.subnet_ids.n, 2);
    ck_assert_str_ne(g.zones.items[0], g.zones.items[1]);
    ck_assert_ptr_nonnull(strstr(g.arn, ":subgrp:shop-db"));
    rds_subnet_group_free(&g);
    FAILS_AS(rds_create_db_subnet_group(fake_cl, "shop-db", "x", two_zones(), NULL, NULL, &err),
             "DBSubnetGroupAlreadyExists", AWS_IS_EXISTS);

    rds_subnet_groups l;
    OK(rds_describe_db_subnet_groups(fake_cl, "shop-db", 0, &l, &err));
    ck_assert_uint_eq(l.n, 1);
    ck_assert_str_eq(l.items[0].description, "shop database");
    rds_subnet_groups_free(&l);
    FAILS_AS(rds_describe_db_subnet_groups(fake_cl, "other", 0, &l, &err),
             "DBSubnetGroupNotFoundFault", AWS_IS_NOT_FOUND);

    OK(rds_modify_db_subnet_group(fake_cl, "shop-db", "wider", (const char *const *)net.subnets, &g,
                                  &err));
    ck_assert_str_eq(g.description, "wider");
    ck_assert_uint_eq(g.subnet_ids.n, 3);
    rds_subnet_group_free(&g);
    FAILS_WITH(rds_modify_db_subnet_group(fake_cl, "shop-db", NULL, one_zone, NULL, &err),
               "DBSubnetGroupDoesNotCoverEnoughAZs");
    FAILS_WITH(rds_modify_db_subnet_group(fake_cl, "nope", NULL, two_zones(), NULL, &err),
               "DBSubnetGroupNotFoundFault");

    svc_tags tags;
    OK(rds_describe_db_subnet_groups(fake_cl, "shop-db", 0, &l, &err));
    OK(rds_list_tags_for_resource(fake_cl, l.items[0].arn, &tags, &err));
    ck_assert_str_eq(svc_tags_get(&tags, "ecsdeploy:stack"), "shop");
    svc_tags_free(&tags);
    rds_subnet_groups_free(&l);

    OK(rds_delete_db_subnet_group(fake_cl, "shop-db", &err));
    FAILS_AS(rds_delete_db_subnet_group(fake_cl, "shop-db", &err), "DBSubnetGroupNotFoundFault",
             AWS_IS_NOT_FOUND);
}
END_TEST

START_TEST(subnet_groups_in_pages)
{
    aws_error err;
    char name[32];
    for (int i = 0; i < 23; i++) {
        snprintf(name, sizeof name, "group-%02d", i);
        OK(rds_create_db_subnet_group(fake_cl, name, "paged", two_zones(), NULL, NULL, &err));
    }
    rds_subnet_groups l;
    OK(rds_describe_db_subnet_groups(fake_cl, NULL, 20, &l, &err)); /* two pages */
    ck_assert_uint_eq(l.n, 23);
    ck_assert_str_eq(l.items[22].name, "group-22");
    rds_subnet_groups_free(&l);
    FAILS_WITH(rds_describe_db_subnet_groups(fake_cl, NULL, 5, &l, &err), "InvalidParameterValue");
}
END_TEST

/* Read the managed secret's user name (the password is never printed). */
static void check_secret(const char *arn, const char *user)
{
    aws_error err;
    char *value = NULL;
    OK(secretsmanager_get_secret_value(fake_cl, arn, &value, &err));
    cJSON *j = cJSON_Parse(value);
    ck_assert_str_eq(aws_json_str(j, "username"), user);
    ck_assert_int_ge((int)strlen(aws_json_str(j, "password")), 20);
    cJSON_Delete(j);
    secretsmanager_secret_free(value);
}

START_TEST(instance_life)
{
    aws_error err;
    rds_instance d;
    make_group();
    rds_instance_in in = postgres("Shop-Main");
    OK(rds_create_db_instance(fake_cl, &in, &d, &err));
    ck_assert_str_eq(d.id, "shop-main");
    ck_assert_str_eq(d.status, "creating");
    ck_assert_str_eq(d.engine, "postgres");
    ck_assert_str_eq(d.engine_version, "16.8");
    ck_assert_str_eq(d.address, "");
    ck_assert_int_eq(d.port, 0);
    ck_assert_int_eq(d.storage_encrypted, 1);
    ck_assert_int_eq(d.deletion_protection, 1);
    ck_assert_int_eq(d.backup_retention_days, 7);
    ck_assert_str_eq(d.subnet_group, "shop-db");
    ck_assert_str_eq(d.vpc_id, net.vpc);
    ck_assert_uint_eq(d.security_groups.n, 1);
    ck_assert_str_eq(d.security_groups.items[0], sg);
    ck_assert_ptr_nonnull(strstr(d.master_secret_arn, ":secret:rds!db-"));
    ck_assert_str_eq(d.master_secret_status, "creating");
    ck_assert_str_eq(svc_tags_get(&d.tags, "ecsdeploy:stack"), "shop");
    char *arn = strdup(d.arn), *secret = strdup(d.master_secret_arn);
    rds_instance_free(&d);
    check_secret(secret, "shop");

    /* Creating: refused changes, and a taken identifier. */
    rds_instance_mod m = {.deletion_protection = -1};
    FAILS_AS(rds_modify_db_instance(fake_cl, "shop-main", &m, NULL, &err), "InvalidDBInstanceState",
             AWS_IS_BUSY);
    FAILS_AS(rds_create_db_instance(fake_cl, &in, NULL, &err), "DBInstanceAlreadyExists",
             AWS_IS_EXISTS);
    FAILS_AS(rds_delete_db_subnet_group(fake_cl, "shop-db", &err), "InvalidDBSubnetGroupStateFault",
             AWS_IS_IN_USE);

    fake_wait_seen s = {0};
    aws_wait_opts o = quick();
    o.progress = fake_wait_progress;
    o.progress_ud = &s;
    OK(rds_wait_db_instance_available(fake_cl, "shop-main", &o, &err));
    ck_assert_int_ge(s.calls, 1);
    ck_assert_ptr_null(strstr(s.states, "available")); /* progress shows the waits only */

    rds_instances l;
    OK(rds_describe_db_instances(fake_cl, "shop-main", 0, &l, &err));
    ck_assert_uint_eq(l.n, 1);
    rds_instance *i = &l.items[0];
    ck_assert_str_eq(i->status, "available");
    ck_assert_ptr_nonnull(strstr(i->address, "shop-main."));
    ck_assert_ptr_nonnull(strstr(i->address, ".us-east-1.rds.amazonaws.com"));
    ck_assert_int_eq(i->port, 5432);
    ck_assert_str_eq(i->hosted_zone_id, "Z2R2ITUGPM61AM");
    ck_assert_str_eq(i->master_secret_status, "active");
    ck_assert_str_eq(i->arn, arn);
    rds_instances_free(&l);

    /* Deletion protection refuses, until it is lifted (at once, no "modifying"). */
    FAILS_AS(rds_delete_db_instance(fake_cl, "shop-main", NULL, NULL, &err),
             "InvalidParameterCombination", AWS_IS_INVALID);
    ck_assert_ptr_nonnull(strstr(err.message, "deletion protection"));
    OK(rds_modify_db_instance(fake_cl, "shop-main", &m, &d, &err));
    ck_assert_str_eq(d.status, "available");
    ck_assert_int_eq(d.deletion_protection, 0);
    rds_instance_free(&d);

    /* Later (the maintenance window), or now with apply_immediately. */
    rds_instance_mod later = {.instance_class = "db.t3.small", .allocated_storage = 30};
    OK(rds_modify_db_instance(fake_cl, "shop-main", &later, &d, &err));
    ck_assert_str_eq(d.status, "available");
    ck_assert_str_eq(d.instance_class, "db.t3.micro");
    ck_assert_str_eq(svc_tags_get(&d.pending, "DBInstanceClass"), "db.t3.small");
    ck_assert_str_eq(svc_tags_get(&d.pending, "AllocatedStorage"), "30");
    rds_instance_free(&d);
    const char *groups[] = {sg2, NULL};
    rds_instance_mod now = {.security_groups = groups, .multi_az = 1, .apply_immediately = 1};
    OK(rds_modify_db_instance(fake_cl, "shop-main", &now, &d, &err));
    ck_assert_str_eq(d.status, "modifying");
    ck_assert_str_eq(d.security_groups.items[0], sg2);
    rds_instance_free(&d);
    OK(ec2_delete_security_group(fake_cl, sg, &err)); /* no longer held by the instance */
    OK(rds_wait_db_instance_available(fake_cl, "shop-main", &o, &err));
    OK(rds_describe_db_instances(fake_cl, "shop-main", 0, &l, &err));
    ck_assert_str_eq(l.items[0].instance_class, "db.t3.small");
    ck_assert_int_eq(l.items[0].allocated_storage, 30);
    ck_assert_int_eq(l.items[0].multi_az, 1);
    ck_assert_uint_eq(l.items[0].pending.n, 0);
    rds_instances_free(&l);

    /* Deleted with a final snapshot; the managed secret goes with it. */
    OK(rds_delete_db_instance(fake_cl, "shop-main", "shop-main-final", &d, &err));
    ck_assert_str_eq(d.status, "deleting");
    rds_instance_free(&d);
    char *value = NULL;
    FAILS_WITH(secretsmanager_get_secret_value(fake_cl, secret, &value, &err),
               "ResourceNotFoundException");
    FAILS_WITH(rds_delete_db_instance(fake_cl, "shop-main", NULL, NULL, &err),
               "InvalidDBInstanceState");
    FAILS_WITH(rds_wait_db_instance_available(fake_cl, "shop-main", &o, &err), "WaiterFailed");
    ck_assert_ptr_nonnull(strstr(err.message, "deleting"));
    OK(rds_wait_db_instance_deleted(fake_cl, "shop-main", &o, &err));
    FAILS_AS(rds_describe_db_instances(fake_cl, "shop-main", 0, &l, &err), "DBInstanceNotFound",
             AWS_IS_NOT_FOUND);
    OK(rds_wait_db_instance_deleted(fake_cl, "shop-main", &o, &err)); /* already gone */

    rds_snapshots snaps;
    OK(rds_describe_db_snapshots(fake_cl, "shop-main", NULL, NULL, 0, &snaps, &err));
    ck_assert_uint_eq(snaps.n, 1); /* the automated ones went with the instance */
    ck_assert_str_eq(snaps.items[0].id, "shop-main-final");
    ck_assert_str_eq(snaps.items[0].type, "manual");
    ck_assert_int_eq(snaps.items[0].encrypted, 1);
    rds_snapshots_free(&snaps);
    OK(rds_wait_db_snapshot_available(fake_cl, "shop-main-final", &o, &err));
    OK(rds_delete_db_subnet_group(fake_cl, "shop-db", &err));
    OK(rds_delete_db_snapshot(fake_cl, "shop-main-final", &err));
    FAILS_AS(rds_delete_db_snapshot(fake_cl, "shop-main-final", &err), "DBSnapshotNotFound",
             AWS_IS_NOT_FOUND);
    FAILS_WITH(rds_describe_db_snapshots(fake_cl, NULL, "shop-main-final", NULL, 0, &snaps, &err),
               "DBSnapshotNotFound");
    free(arn);
    free(secret);
}
END_TEST

START_TEST(snapshots_and_waits)
{
    aws_error err;
    make_group();
    rds_instance_in in = postgres("shop-snap");
    in.deletion_protection = 0;
    OK(rds_create_db_instance(fake_cl, &in, NULL, &err));
    /* A creating instance cannot take a final snapshot; a short wait gives up naming
     * the state it saw. */
    FAILS_AS(rds_delete_db_instance(fake_cl, "shop-snap", "never", NULL, &err),
             "InvalidDBInstanceState", AWS_IS_BUSY);
    aws_wait_opts one = {.max_checks = 1, .interval_s = 0.01};
    FAILS_AS(rds_wait_db_instance_available(fake_cl, "shop-snap", &one, &err), "WaiterTimeout",
             AWS_IS_TIMED_OUT);
    ck_assert_ptr_nonnull(strstr(err.message, "creating"));
    FAILS_WITH(rds_wait_db_instance_deleted(fake_cl, "shop-snap", &one, &err), "WaiterFailed");
    aws_wait_opts o = quick();
    OK(rds_wait_db_instance_available(fake_cl, "shop-snap", &o, &err));
    rds_snapshots snaps;
    OK(rds_describe_db_snapshots(fake_cl, "shop-snap", NULL, "automated", 0, &snaps, &err));
    ck_assert_uint_eq(snaps.n, 1);
    ck_assert_str_eq(snaps.items[0].status, "available");
    ck_assert_int_eq(snaps.items[0].percent_progress, 100);
    FAILS_WITH(rds_delete_db_snapshot(fake_cl, snaps.items[0].id, &err), "InvalidDBSnapshotState");
    rds_snapshots_free(&snaps);
    OK(rds_describe_db_snapshots(fake_cl, NULL, NULL, "manual", 0, &snaps, &err));
    ck_assert_uint_eq(snaps.n, 0);
    rds_snapshots_free(&snaps);
    OK(rds_delete_db_instance(fake_cl, "shop-snap", NULL, NULL, &err)); /* no final snapshot */
    OK(rds_wait_db_instance_deleted(fake_cl, "shop-snap", &o, &err));
    OK(rds_describe_db_snapshots(fake_cl, NULL, NULL, NULL, 0, &snaps, &err));
    ck_assert_uint_eq(snaps.n, 0);
    rds_snapshots_free(&snaps);
    FAILS_WITH(rds_wait_db_snapshot_available(fake_cl, "nope", &o, &err), "DBSnapshotNotFound");
}
END_TEST

START_TEST(create_refusals)
{
    aws_error err;
    make_group();
    const char *bad_group[] = {"sg-0123456789abcdef0", NULL};
    struct {
        const char *code;
        rds_instance_in in;
    } cases[] = {
        {"InvalidParameterCombination", postgres("badver")},
        {"InvalidParameterCombination", postgres("badclass")},
        {"InvalidParameterValue", postgres("badsize")},
        {"InvalidParameterCombination", postgres("twopass")},
        {"InvalidParameterValue", postgres("nopass")},
        {"InvalidParameterValue", postgres("badsg")},
        {"DBSubnetGroupNotFoundFault", postgres("nogroup")},
        {"InvalidParameterValue", postgres("9starts-with-digit")},
        {"InvalidParameterValue", postgres("badengine")},
    };
    cases[0].in.engine_version = "14.1";
    cases[1].in.instance_class = "db.x9.huge";
    cases[2].in.allocated_storage = 5;
    cases[3].in.master_password = "hunter2-hunter2";
    cases[4].in.manage_master_password = 0;
    cases[5].in.security_groups = bad_group;
    cases[6].in.subnet_group = "missing";
    cases[8].in.engine = "oracle-ee";
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        FAILS_WITH(rds_create_db_instance(fake_cl, &cases[k].in, NULL, &err), cases[k].code);
        ck_assert_msg(aws_error_is(&err, AWS_IS_INVALID | AWS_IS_NOT_FOUND), "%s", err.code);
    }
    rds_instances l;
    OK(rds_describe_db_instances(fake_cl, NULL, 0, &l, &err));
    ck_assert_uint_eq(l.n, 0); /* nothing half-made */
    rds_instances_free(&l);
    rds_instance_in none = {0};
    FAILS_WITH(rds_create_db_instance(fake_cl, &none, NULL, &err), "InvalidParameterValue");
    ck_assert_int_eq(err.kind, AWS_ERR_INPUT);
}
END_TEST

START_TEST(mysql_with_password_and_tags)
{
    aws_error err;
    make_group();
    rds_instance_in in = postgres("shop-mysql");
    in.engine = "mysql";
    in.engine_version = NULL;
    in.db_name = NULL;
    in.manage_master_password = 0;
    in.master_password = "correct-horse-9";
    in.security_groups = NULL;     /* the VPC's default group */
    in.deletion_protection = -1;
    in.backup_retention_days = -1; /* no backups: no backing-up */
    rds_instance d;
    OK(rds_create_db_instance(fake_cl, &in, &d, &err));
    ck_assert_str_eq(d.engine, "mysql");
    ck_assert_str_eq(d.engine_version, "8.0.41");
    ck_assert_str_eq(d.master_secret_arn, "");
    ck_assert_int_eq(d.backup_retention_days, 0);
    ck_assert_uint_eq(d.security_groups.n, 1);
    ck_assert_str_ne(d.security_groups.items[0], sg);
    char *arn = strdup(d.arn);
    rds_instance_free(&d);

    svc_tags more = {0};
    svc_tags_add(&more, "team", "shop");
    OK(rds_add_tags_to_resource(fake_cl, arn, &more, &err));
    svc_tags tags;
    OK(rds_list_tags_for_resource(fake_cl, arn, &tags, &err));
    ck_assert_uint_eq(tags.n, 2);
    ck_assert_str_eq(svc_tags_get(&tags, "team"), "shop");
    svc_tags_free(&tags);
    const char *keys[] = {"team", NULL};
    OK(rds_remove_tags_from_resource(fake_cl, arn, keys, &err));
    OK(rds_list_tags_for_resource(fake_cl, arn, &tags, &err));
    ck_assert_uint_eq(tags.n, 1);
    svc_tags_free(&tags);
    svc_tags_free(&more);
    FAILS_WITH(rds_list_tags_for_resource(fake_cl, "arn:aws:rds:us-east-1:000000000000:db:nope",
                                          &tags, &err),
               "DBInstanceNotFound");

    aws_wait_opts o = quick();
    OK(rds_wait_db_instance_available(fake_cl, "shop-mysql", &o, &err));
    rds_instances l;
    OK(rds_describe_db_instances(fake_cl, arn, 0, &l, &err)); /* by ARN too */
    ck_assert_int_eq(l.items[0].port, 3306);
    rds_instances_free(&l);
    rds_snapshots snaps;
    OK(rds_describe_db_snapshots(fake_cl, "shop-mysql", NULL, NULL, 0, &snaps, &err));
    ck_assert_uint_eq(snaps.n, 0);
    rds_snapshots_free(&snaps);

    rds_instance_mod m = {.engine_version = "8.4", .apply_immediately = 1};
    FAILS_WITH(rds_modify_db_instance(fake_cl, "shop-mysql", &m, NULL, &err),
               "InvalidParameterCombination"); /* a new major needs the flag */
    m.allow_major_version_upgrade = 1;
    rds_instance d2;
    OK(rds_modify_db_instance(fake_cl, "shop-mysql", &m, &d2, &err));
    ck_assert_str_eq(svc_tags_get(&d2.pending, "EngineVersion"), "8.4.4");
    rds_instance_free(&d2);
    FAILS_WITH(rds_modify_db_instance(fake_cl, "nope", &m, NULL, &err), "DBInstanceNotFound");
    free(arn);
}
END_TEST

FAKE_SUITE(svc_rds, setup, teardown, 90, subnet_groups, subnet_groups_in_pages, instance_life,
           snapshots_and_waits, create_refusals, mysql_with_password_and_tags)
