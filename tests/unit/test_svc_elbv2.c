/* ELBv2 client against the fake: load balancers, attributes, waiters, tags, target groups. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "ec2.h"
#include "elbv2.h"
#include "fakeaws_fixture.h"

static svc_tags stack_tags;
static fake_net net;
static char *sg;

/* A VPC with an internet gateway, two public subnets in two zones and a group. */
static void setup(void)
{
    aws_error err;
    fake_reset_setup();
    svc_tags_add(&stack_tags, "ecsdeploy:stack", "demo");
    const char *zones[] = {"us-east-1a", "us-east-1b", NULL};
    fake_net_make(fake_cl, 60, 1, zones, &net);
    OK(ec2_create_security_group(fake_cl, net.vpc, "demo-lb", "lb", NULL, &sg, &err));
}

static void teardown(void)
{
    fake_client_teardown();
    svc_tags_free(&stack_tags);
    fake_net_free(&net);
    free(sg);
}

static void create_lb(const char *name, elbv2_lb *out)
{
    aws_error err;
    const char *groups[] = {sg, NULL};
    elbv2_lb_in in = {.name = name, .subnets = (const char *const *)net.subnets,
                      .security_groups = groups, .tags = &stack_tags};
    OK(elbv2_create_load_balancer(fake_cl, &in, out, &err));
}

START_TEST(load_balancer_lifecycle)
{
    aws_error err;
    elbv2_lb lb, again;
    create_lb("demo-public", &lb);
    ck_assert_ptr_nonnull(strstr(lb.arn, ":loadbalancer/app/demo-public/"));
    ck_assert_str_eq(lb.state, "provisioning");
    ck_assert_str_eq(lb.scheme, "internet-facing");
    ck_assert_str_eq(lb.type, "application");
    ck_assert_str_eq(lb.vpc_id, net.vpc);
    ck_assert_uint_eq(lb.nzones, 2);
    ck_assert_uint_eq(lb.security_groups.n, 1);
    ck_assert_str_eq(lb.security_groups.items[0], sg);
    ck_assert(lb.dns_name[0] != '\0');
    /* Same name and settings: AWS answers with the existing balancer. */
    create_lb("demo-public", &again);
    ck_assert_str_eq(again.arn, lb.arn);
    elbv2_lb_free(&again);

    /* A waiter that gives up names the state it saw. */
    aws_wait_opts quick = {.max_checks = 1, .interval_s = 0.01};
    FAILS_WITH(elbv2_wait_load_balancer_available(fake_cl, lb.arn, &quick, &err), "WaiterTimeout");
    ck_assert_ptr_nonnull(strstr(err.message, "provisioning"));
    fake_wait_seen s = {0};
    aws_wait_opts o = {.max_checks = 300, .interval_s = 0.05, .progress = fake_wait_progress,
                       .progress_ud = &s};
    OK(elbv2_wait_load_balancer_available(fake_cl, lb.arn, &o, &err));
    ck_assert_int_ge(s.calls, 1);
    ck_assert_ptr_nonnull(strstr(s.last, "demo-public provisioning"));

    const char *names[] = {"demo-public", NULL};
    elbv2_lbs l;
    OK(elbv2_describe_load_balancers(fake_cl, NULL, names, 0, &l, &err));
    ck_assert_uint_eq(l.n, 1);
    ck_assert_str_eq(l.items[0].state, "active");
    ck_assert_str_eq(l.items[0].zones[0].subnet_id[0] ? "ok" : "", "ok");
    elbv2_lbs_free(&l);
    const char *missing[] = {"nope", NULL};
    FAILS_WITH(elbv2_describe_load_balancers(fake_cl, NULL, missing, 0, &l, &err),
               "LoadBalancerNotFound");

    svc_tags attrs;
    OK(elbv2_describe_load_balancer_attributes(fake_cl, lb.arn, &attrs, &err));
    ck_assert_str_eq(svc_tags_get(&attrs, "deletion_protection.enabled"), "false");
    svc_tags_free(&attrs);
    svc_tags set = {0};
    svc_tags_add(&set, "idle_timeout.timeout_seconds", "30");
    OK(elbv2_modify_load_balancer_attributes(fake_cl, lb.arn, &set, &attrs, &err));
    ck_assert_str_eq(svc_tags_get(&attrs, "idle_timeout.timeout_seconds"), "30");
    svc_tags_free(&attrs);
    svc_tags_free(&set);
    svc_tags_add(&set, "no.such.attribute", "1");
    FAILS_WITH(elbv2_modify_load_balancer_attributes(fake_cl, lb.arn, &set, NULL, &err),
               "ValidationError");
    svc_tags_free(&set);
    FAILS_WITH(elbv2_modify_load_balancer_attributes(fake_cl, lb.arn, NULL, NULL, &err),
               "InvalidParameter");

    const char *arns[] = {lb.arn, NULL};
    OK(elbv2_delete_load_balancer(fake_cl, lb.arn, &err));
    OK(elbv2_wait_load_balancers_deleted(fake_cl, arns, &o, &err));
    FAILS_WITH(elbv2_describe_load_balancers(fake_cl, arns, NULL, 0, &l, &err),
               "LoadBalancerNotFound");
    elbv2_lb_free(&lb);
}
END_TEST

START_TEST(load_balancers_paginate)
{
    aws_error err;
    elbv2_lbs l;
    OK(elbv2_describe_load_balancers(fake_cl, NULL, NULL, 0, &l, &err));
    ck_assert_uint_eq(l.n, 0);
    ck_assert_ptr_null(l.items);
    const char *names[] = {"lb-a", "lb-b", "lb-c"};
    for (int i = 0; i < 3; i++) {
        elbv2_lb lb;
        create_lb(names[i], &lb);
        elbv2_lb_free(&lb);
    }
    OK(elbv2_describe_load_balancers(fake_cl, NULL, NULL, 2, &l, &err));
    ck_assert_uint_eq(l.n, 3);
    ck_assert_str_eq(l.items[2].name, "lb-c");
    elbv2_lbs_free(&l);
    OK(elbv2_describe_load_balancers(fake_cl, NULL, NULL, 1, &l, &err));
    ck_assert_uint_eq(l.n, 3);
    elbv2_lbs_free(&l);
}
END_TEST

START_TEST(load_balancer_tags)
{
    aws_error err;
    elbv2_lb lb;
    create_lb("demo-tags", &lb);
    const char *arns[] = {lb.arn, NULL};
    elbv2_tag_descs d;
    OK(elbv2_describe_tags(fake_cl, arns, &d, &err));
    ck_assert_uint_eq(d.n, 1);
    ck_assert_str_eq(d.items[0].arn, lb.arn);
    ck_assert_str_eq(svc_tags_get(&d.items[0].tags, "ecsdeploy:stack"), "demo");
    elbv2_tag_descs_free(&d);
    svc_tags more = {0};
    svc_tags_add(&more, "ecsdeploy:id", "public");
    OK(elbv2_add_tags(fake_cl, arns, &more, &err));
    const char *keys[] = {"ecsdeploy:stack", NULL};
    OK(elbv2_remove_tags(fake_cl, arns, keys, &err));
    OK(elbv2_describe_tags(fake_cl, arns, &d, &err));
    ck_assert_uint_eq(d.items[0].tags.n, 1);
    ck_assert_str_eq(svc_tags_get(&d.items[0].tags, "ecsdeploy:id"), "public");
    elbv2_tag_descs_free(&d);
    OK(elbv2_describe_tags(fake_cl, NULL, &d, &err));
    ck_assert_uint_eq(d.n, 0);
    svc_tags_free(&more);
    elbv2_lb_free(&lb);
}
END_TEST

static void create_tg(const char *name, int port, elbv2_tg *out)
{
    aws_error err;
    elbv2_tg_in in = {.name = name, .protocol = "HTTP", .port = port, .vpc_id = net.vpc,
                      .target_type = "ip", .tags = &stack_tags,
                      .health = {.enabled = 1, .path = "/healthz", .interval = 5,
                                 .timeout = 3, .healthy_threshold = 2,
                                 .unhealthy_threshold = 3, .matcher = "200-299"}};
    OK(elbv2_create_target_group(fake_cl, &in, out, &err));
}

START_TEST(target_groups)
{
    aws_error err;
    elbv2_tg t;
    create_tg("demo-app", 8080, &t);
    ck_assert_ptr_nonnull(strstr(t.arn, ":targetgroup/demo-app/"));
    ck_assert_str_eq(t.target_type, "ip");
    ck_assert_int_eq(t.port, 8080);
    ck_assert_int_eq(t.health.enabled, 1);
    ck_assert_str_eq(t.health.path, "/healthz");
    ck_assert_str_eq(t.health.matcher, "200-299");
    ck_assert_int_eq(t.health.interval, 5);
    ck_assert_int_eq(t.health.healthy_threshold, 2);
    ck_assert_uint_eq(t.lb_arns.n, 0);

    elbv2_tg_in other = {.name = "demo-app", .protocol = "HTTP", .port = 9090, .vpc_id = net.vpc,
                         .target_type = "ip"};
    elbv2_tg dup;
    FAILS_WITH(elbv2_create_target_group(fake_cl, &other, &dup, &err), "DuplicateTargetGroupName");

    elbv2_health_check h = {.path = "/ready", .interval = 10, .matcher = "200"};
    elbv2_tg m;
    OK(elbv2_modify_target_group(fake_cl, t.arn, &h, &m, &err));
    ck_assert_str_eq(m.health.path, "/ready");
    ck_assert_int_eq(m.health.interval, 10);
    ck_assert_int_eq(m.health.timeout, 3); /* unchanged */
    elbv2_tg_free(&m);

    svc_tags attrs, set = {0};
    OK(elbv2_describe_target_group_attributes(fake_cl, t.arn, &attrs, &err));
    ck_assert_str_eq(svc_tags_get(&attrs, "deregistration_delay.timeout_seconds"), "300");
    svc_tags_free(&attrs);
    svc_tags_add(&set, "deregistration_delay.timeout_seconds", "15");
    OK(elbv2_modify_target_group_attributes(fake_cl, t.arn, &set, &attrs, &err));
    ck_assert_str_eq(svc_tags_get(&attrs, "deregistration_delay.timeout_seconds"), "15");
    svc_tags_free(&attrs);
    svc_tags_free(&set);

    const char *names[] = {"demo-app", NULL}, *arns[] = {t.arn, NULL};
    elbv2_tgs l;
    OK(elbv2_describe_target_groups(fake_cl, NULL, NULL, names, 0, &l, &err));
    ck_assert_uint_eq(l.n, 1);
    ck_assert_str_eq(l.items[0].arn, t.arn);
    ck_assert_str_eq(l.items[0].health.path, "/ready");
    elbv2_tgs_free(&l);
    elbv2_tg b, c;
    create_tg("demo-b", 81, &b);
    create_tg("demo-c", 82, &c);
    OK(elbv2_describe_target_groups(fake_cl, NULL, NULL, NULL, 2, &l, &err));
    ck_assert_uint_eq(l.n, 3); /* two pages */
    elbv2_tgs_free(&l);

    OK(elbv2_delete_target_group(fake_cl, t.arn, &err));
    FAILS_WITH(elbv2_describe_target_groups(fake_cl, NULL, arns, NULL, 0, &l, &err),
               "TargetGroupNotFound");
    elbv2_tg_free(&t);
    elbv2_tg_free(&b);
    elbv2_tg_free(&c);
}
END_TEST

START_TEST(tags_of_many_resources_in_batches)
{
    aws_error err;
    char *arns[26];
    for (int i = 0; i < 25; i++) {
        char name[32];
        snprintf(name, sizeof name, "tg-%02d", i);
        elbv2_tg t;
        create_tg(name, 1000 + i, &t);
        arns[i] = strdup(t.arn);
        elbv2_tg_free(&t);
    }
    arns[25] = NULL;
    elbv2_tag_descs d;
    OK(elbv2_describe_tags(fake_cl, (const char *const *)arns, &d, &err));
    ck_assert_uint_eq(d.n, 25);
    for (int i = 0; i < 25; i++) {
        ck_assert_str_eq(d.items[i].arn, arns[i]);
        ck_assert_str_eq(svc_tags_get(&d.items[i].tags, "ecsdeploy:stack"), "demo");
    }
    elbv2_tag_descs_free(&d);
    for (int i = 0; i < 25; i++)
        free(arns[i]);
}
END_TEST

/* What down meets: the interfaces of a deleted balancer linger and keep its security group
 * (DependencyViolation) until they are gone; DescribeNetworkInterfaces shows them. */
START_TEST(deleted_balancer_interfaces_block_group_deletion)
{
    aws_error err;
    elbv2_lb lb;
    create_lb("demo-gone", &lb);
    OK(elbv2_delete_load_balancer(fake_cl, lb.arn, &err));
    ec2_filter f = {"group-id", sg, NULL};
    ec2_describe_in in = {.filters = &f, .nfilters = 1};
    ec2_enis l;
    OK(ec2_describe_network_interfaces(fake_cl, &in, &l, &err));
    ck_assert_uint_eq(l.n, 2); /* one per subnet */
    ck_assert_str_eq(l.items[0].status, "available");
    ck_assert_ptr_nonnull(strstr(l.items[0].description, "ELB app/demo-gone/"));
    ec2_enis_free(&l);
    FAILS_WITH(ec2_delete_security_group(fake_cl, sg, &err), "DependencyViolation");
    int rc = -1, tries = 0;
    while (rc != 0 && tries++ < 200) {
        rc = ec2_delete_security_group(fake_cl, sg, &err);
        if (rc != 0) {
            ck_assert_str_eq(err.code, "DependencyViolation");
            util_sleep(0.05, NULL);
        }
    }
    OK(rc);
    OK(ec2_describe_network_interfaces(fake_cl, &in, &l, &err));
    ck_assert_uint_eq(l.n, 0);
    ec2_enis_free(&l);
    elbv2_lb_free(&lb);
}
END_TEST

FAKE_SUITE(svc_elbv2, setup, teardown, 30, load_balancer_lifecycle, load_balancers_paginate,
           load_balancer_tags, target_groups, tags_of_many_resources_in_batches,
           deleted_balancer_interfaces_block_group_deletion)
