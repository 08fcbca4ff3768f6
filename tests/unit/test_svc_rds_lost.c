/* Lost answers of RDS calls against the fake. RDS has no idempotency token: a create
 * whose answer is lost (the connection drops, or a 500 replaces the answer) after it took
 * effect is found again by its identifier instead of failing with "already exists" on the
 * retry; one that someone else's resource explains is still refused. A lost delete or
 * modify is recognised from the instance's state (see aws_lost_answer in aws.h). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ec2.h"
#include "fakeaws_fixture.h"
#include "rds.h"

/* The next call of op happens, then its answer is lost ("drop" or "error": HTTP 500). */
static aws_client *cl;
static fake_net net;
static svc_tags tags;

static void setup(void)
{
    cl = fake_reset_client();
    const char *zones[] = {"us-east-1a", "us-east-1b", NULL};
    fake_net_make(cl, 62, 0, zones, &net);
    svc_tags_add(&tags, "ecsdeploy:stack", "lost");
}

static void teardown(void)
{
    fake_no_faults();
    aws_client_free(cl);
    fake_net_free(&net);
    svc_tags_free(&tags);
}

START_TEST(subnet_group_created_once)
{
    aws_error err;
    const char *actions[] = {"drop", "error"};
    for (int i = 0; i < 2; i++) {
        char name[32];
        snprintf(name, sizeof name, "lost-%d", i);
        fake_lose_next("rds", "CreateDBSubnetGroup", actions[i]);
        rds_subnet_group g;
        OK(rds_create_db_subnet_group(cl, name, "lost answers", (const char *const *)net.subnets,
                                      &tags, &g, &err));
        ck_assert_str_eq(g.name, name); /* the answer is the group made */
        ck_assert_uint_eq(g.subnet_ids.n, 2);
        rds_subnet_group_free(&g);
    }
    /* A group of that name that is not the one asked for (another description): the
     * retry's DBSubnetGroupAlreadyExists stands. */
    fake_lose_next("rds", "CreateDBSubnetGroup", "drop");
    FAILS_WITH(rds_create_db_subnet_group(cl, "lost-0", "someone else's",
                                          (const char *const *)net.subnets, NULL, NULL, &err),
               "DBSubnetGroupAlreadyExists");
    /* A delete whose answer is lost: the retry's "not found" means done. */
    fake_lose_next("rds", "DeleteDBSubnetGroup", "drop");
    OK(rds_delete_db_subnet_group(cl, "lost-1", &err));
    fake_no_faults();
    rds_subnet_groups l;
    OK(rds_describe_db_subnet_groups(cl, NULL, 0, &l, &err));
    ck_assert_uint_eq(l.n, 1);
    ck_assert_str_eq(l.items[0].name, "lost-0");
    rds_subnet_groups_free(&l);
}
END_TEST

static rds_instance_in instance(const char *id)
{
    rds_instance_in in = {.id = id, .engine = "postgres", .instance_class = "db.t3.micro",
                          .allocated_storage = 20, .master_username = "app",
                          .manage_master_password = 1, .subnet_group = "lost-db",
                          .backup_retention_days = -1, .tags = &tags};
    return in;
}

START_TEST(instance_created_once)
{
    aws_error err;
    OK(rds_create_db_subnet_group(cl, "lost-db", "x", (const char *const *)net.subnets, NULL, NULL,
                                  &err));
    const char *actions[] = {"drop", "error"};
    const char *ids[] = {"lost-a", "lost-b"};
    for (int i = 0; i < 2; i++) {
        fake_lose_next("rds", "CreateDBInstance", actions[i]);
        rds_instance_in in = instance(ids[i]);
        rds_instance d;
        OK(rds_create_db_instance(cl, &in, &d, &err));
        ck_assert_str_eq(d.id, ids[i]);
        ck_assert_str_eq(d.status, "creating");
        ck_assert_ptr_nonnull(strstr(d.master_secret_arn, "rds!db-"));
        rds_instance_free(&d);
    }
    /* Someone else's instance of that identifier (other tags): still refused. */
    svc_tags other = {0};
    svc_tags_add(&other, "ecsdeploy:stack", "other");
    rds_instance_in in = instance("lost-a");
    in.tags = &other;
    fake_lose_next("rds", "CreateDBInstance", "drop");
    FAILS_WITH(rds_create_db_instance(cl, &in, NULL, &err), "DBInstanceAlreadyExists");
    svc_tags_free(&other);
    fake_no_faults();
    rds_instances l;
    OK(rds_describe_db_instances(cl, NULL, 0, &l, &err));
    ck_assert_uint_eq(l.n, 2);
    rds_instances_free(&l);
}
END_TEST

START_TEST(modify_and_delete_recognised)
{
    aws_error err;
    OK(rds_create_db_subnet_group(cl, "lost-db", "x", (const char *const *)net.subnets, NULL, NULL,
                                  &err));
    rds_instance_in in = instance("lost-m");
    OK(rds_create_db_instance(cl, &in, NULL, &err));
    aws_wait_opts o = {.max_checks = 400, .interval_s = 0.05};
    OK(rds_wait_db_instance_available(cl, "lost-m", &o, &err));

    /* Sent again, this change would meet InvalidDBInstanceState ("modifying"). */
    fake_lose_next("rds", "ModifyDBInstance", "drop");
    rds_instance_mod m = {.instance_class = "db.t3.small", .apply_immediately = 1};
    rds_instance d;
    OK(rds_modify_db_instance(cl, "lost-m", &m, &d, &err));
    ck_assert_str_eq(d.status, "modifying");
    ck_assert_str_eq(svc_tags_get(&d.pending, "DBInstanceClass"), "db.t3.small");
    rds_instance_free(&d);
    OK(rds_wait_db_instance_available(cl, "lost-m", &o, &err));

    /* Sent again, the delete would meet InvalidDBInstanceState ("already being deleted"). */
    fake_lose_next("rds", "DeleteDBInstance", "error");
    OK(rds_delete_db_instance(cl, "lost-m", "lost-m-final", &d, &err));
    ck_assert_str_eq(d.status, "deleting");
    rds_instance_free(&d);
    fake_no_faults();
    rds_snapshots snaps;
    OK(rds_describe_db_snapshots(cl, "lost-m", NULL, "manual", 0, &snaps, &err));
    ck_assert_uint_eq(snaps.n, 1);
    rds_snapshots_free(&snaps);
}
END_TEST

FAKE_SUITE(svc_rds_lost, setup, teardown, 90, subnet_group_created_once, instance_created_once,
           modify_and_delete_recognised)
