/* EC2 client against the fake: Elastic IPs, NAT gateways and waiters, security groups and
 * rules, network interfaces, tags. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "ec2.h"
#include "fakeaws_fixture.h"

static svc_tags stack_tags;
static char *vpc, *subnet;

static void setup(void)
{
    fake_reset_setup();
    fake_no_faults();
    aws_error err;
    svc_tags_add(&stack_tags, "ecsdeploy:stack", "demo");
    ec2_vpc v;
    OK(ec2_create_vpc(fake_cl, "10.50.0.0/16", &stack_tags, &v, &err));
    vpc = strdup(v.id);
    ec2_vpc_free(&v);
    ec2_subnet s;
    OK(ec2_create_subnet(fake_cl, vpc, "10.50.0.0/24", "us-east-1a", NULL, &s, &err));
    subnet = strdup(s.id);
    ec2_subnet_free(&s);
}

static void teardown(void)
{
    fake_client_teardown();
    svc_tags_free(&stack_tags);
    free(vpc);
    free(subnet);
}

START_TEST(elastic_ips)
{
    aws_error err;
    ec2_address a;
    OK(ec2_allocate_address(fake_cl, &stack_tags, &a, &err));
    ck_assert(strncmp(a.allocation_id, "eipalloc-", 9) == 0);
    ck_assert_str_eq(a.domain, "vpc");
    ck_assert(a.public_ip[0] != '\0');
    const char *ids[] = {a.allocation_id, NULL};
    ec2_describe_in by_id = {.ids = ids};
    ec2_addresses l;
    OK(ec2_describe_addresses(fake_cl, &by_id, &l, &err));
    ck_assert_uint_eq(l.n, 1);
    ck_assert_str_eq(l.items[0].public_ip, a.public_ip);
    ck_assert_str_eq(svc_tags_get(&l.items[0].tags, "ecsdeploy:stack"), "demo");
    ck_assert_str_eq(l.items[0].association_id, "");
    ec2_addresses_free(&l);
    ec2_filter f = {"tag:ecsdeploy:stack", "other", NULL};
    ec2_describe_in none = {.filters = &f, .nfilters = 1};
    OK(ec2_describe_addresses(fake_cl, &none, &l, &err));
    ck_assert_uint_eq(l.n, 0);
    ec2_addresses_free(&l);
    OK(ec2_release_address(fake_cl, a.allocation_id, &err));
    FAILS_WITH(ec2_describe_addresses(fake_cl, &by_id, &l, &err), "InvalidAllocationID.NotFound");
    FAILS_WITH(ec2_release_address(fake_cl, a.allocation_id, &err), "InvalidAllocationID.NotFound");
    ec2_address_free(&a);
}
END_TEST

START_TEST(nat_gateway_lifecycle)
{
    aws_error err;
    ec2_igw g;
    OK(ec2_create_internet_gateway(fake_cl, NULL, &g, &err));
    OK(ec2_attach_internet_gateway(fake_cl, g.id, vpc, &err));
    ec2_address a;
    OK(ec2_allocate_address(fake_cl, NULL, &a, &err));
    ec2_nat n, again;
    OK(ec2_create_nat_gateway(fake_cl, subnet, a.allocation_id, "tok-1", &stack_tags, &n, &err));
    ck_assert(strncmp(n.id, "nat-", 4) == 0);
    ck_assert_str_eq(n.state, "pending");
    ck_assert_str_eq(n.subnet_id, subnet);
    /* The same client token gives back the same gateway. */
    OK(ec2_create_nat_gateway(fake_cl, subnet, a.allocation_id, "tok-1", &stack_tags, &again,
                              &err));
    ck_assert_str_eq(again.id, n.id);
    ec2_nat_free(&again);

    /* A waiter that gives up says what it saw last. */
    aws_wait_opts quick = {.max_checks = 1, .interval_s = 0.01};
    FAILS_WITH(ec2_wait_nat_gateway_available(fake_cl, n.id, &quick, &err), "WaiterTimeout");
    ck_assert_int_eq(err.kind, AWS_ERR_TIMEOUT);
    ck_assert_ptr_nonnull(strstr(err.message, "pending"));
    ck_assert_ptr_nonnull(strstr(err.message, n.id));

    fake_wait_seen s = {.want_what = "NAT gateway nat-"};
    aws_wait_opts o = {.max_checks = 100, .interval_s = 0.05, .progress = fake_wait_progress,
                       .progress_ud = &s};
    OK(ec2_wait_nat_gateway_available(fake_cl, n.id, &o, &err));
    ck_assert_int_ge(s.calls, 1);
    ck_assert_str_eq(s.last, "pending");

    ec2_filter f[] = {{"vpc-id", vpc, NULL}, {"state", "available", NULL}};
    ec2_describe_in in = {.filters = f, .nfilters = 2, .page_size = 5};
    ec2_nats l;
    OK(ec2_describe_nat_gateways(fake_cl, &in, &l, &err));
    ck_assert_uint_eq(l.n, 1);
    ck_assert_uint_eq(l.items[0].naddresses, 1);
    ck_assert_str_eq(l.items[0].addresses[0].allocation_id, a.allocation_id);
    ck_assert_str_eq(l.items[0].addresses[0].public_ip, a.public_ip);
    ck_assert_str_eq(svc_tags_get(&l.items[0].tags, "ecsdeploy:stack"), "demo");
    ec2_nats_free(&l);

    /* A private route to the NAT gateway, replacing one to the internet gateway. */
    ec2_route_table t;
    OK(ec2_create_route_table(fake_cl, vpc, NULL, &t, &err));
    ec2_route_in r = {.destination = "0.0.0.0/0", .gateway_id = g.id};
    OK(ec2_create_route(fake_cl, t.id, &r, &err));
    ec2_route_in to_nat = {.destination = "0.0.0.0/0", .nat_gateway_id = n.id};
    OK(ec2_replace_route(fake_cl, t.id, &to_nat, &err));
    const char *rt_ids[] = {t.id, NULL};
    ec2_describe_in rt_in = {.ids = rt_ids};
    ec2_route_tables rl;
    OK(ec2_describe_route_tables(fake_cl, &rt_in, &rl, &err));
    int via_nat = 0;
    for (size_t i = 0; i < rl.items[0].nroutes; i++)
        via_nat += strcmp(rl.items[0].routes[i].nat_gateway_id, n.id) == 0;
    ck_assert_int_eq(via_nat, 1);
    ec2_route_tables_free(&rl);
    ec2_route_table_free(&t);

    OK(ec2_delete_nat_gateway(fake_cl, n.id, &err));
    OK(ec2_wait_nat_gateway_deleted(fake_cl, n.id, &o, &err));
    /* EC2 (and the fake) keeps the address held a few seconds after the gateway is
     * deleted, answering AuthFailure: down has to retry the release. */
    int rc = -1;
    for (int i = 0; i < 100 && rc != 0; i++) {
        rc = ec2_release_address(fake_cl, a.allocation_id, &err);
        if (rc != 0) {
            ck_assert_str_eq(err.code, "AuthFailure");
            util_sleep(0.02, NULL);
        }
    }
    OK(rc);
    ec2_nat_free(&n);
    ec2_address_free(&a);
    ec2_igw_free(&g);
}
END_TEST

START_TEST(nat_gateway_failure_is_reported)
{
    aws_error err;
    ec2_address a;
    OK(ec2_allocate_address(fake_cl, NULL, &a, &err));
    ec2_nat n;
    /* No internet gateway in the VPC: the gateway fails, the waiter says why. */
    OK(ec2_create_nat_gateway(fake_cl, subnet, a.allocation_id, NULL, NULL, &n, &err));
    aws_wait_opts o = {.max_checks = 50, .interval_s = 0.05};
    FAILS_WITH(ec2_wait_nat_gateway_available(fake_cl, n.id, &o, &err), "Gateway.NotAttached");
    ck_assert_ptr_nonnull(strstr(err.message, "failed"));
    FAILS_WITH(ec2_wait_nat_gateway_available(fake_cl, "nat-0000000000000000",
                                              &(aws_wait_opts){.max_checks = 2, .interval_s = 0.01},
                                              &err),
               "WaiterTimeout");
    ck_assert_ptr_nonnull(strstr(err.message, "not found"));
    ec2_nat_free(&n);
    ec2_address_free(&a);
}
END_TEST

static const ec2_permission *find_perm(const ec2_permission *p, size_t n, const char *group,
                                       const char *cidr)
{
    for (size_t i = 0; i < n; i++)
        if ((group && strcmp(p[i].group_id, group) == 0) ||
            (cidr && strcmp(p[i].cidr, cidr) == 0))
            return &p[i];
    return NULL;
}

START_TEST(security_groups_and_rules)
{
    aws_error err;
    char *app = NULL, *lb = NULL;
    OK(ec2_create_security_group(fake_cl, vpc, "demo-app", "app tasks", &stack_tags, &app, &err));
    OK(ec2_create_security_group(fake_cl, vpc, "demo-lb", "load balancer", &stack_tags, &lb, &err));
    ck_assert(strncmp(app, "sg-", 3) == 0);
    FAILS_WITH(
        ec2_create_security_group(fake_cl, vpc, "demo-app", "again", NULL, &(char *){0}, &err),
        "InvalidGroup.Duplicate");

    ec2_permission in[] = {
        {.protocol = "tcp", .from_port = 8080, .to_port = 8080, .group_id = lb,
         .description = "from the load balancer"},
        {.protocol = "tcp", .from_port = 9000, .to_port = 9001, .cidr = "10.50.0.0/16"},
    };
    svc_strings rule_ids = {0};
    OK(ec2_authorize_ingress(fake_cl, app, in, 2, &rule_ids, &err));
    ck_assert_uint_eq(rule_ids.n, 2);
    ck_assert(strncmp(rule_ids.items[0], "sgr-", 4) == 0);
    FAILS_WITH(ec2_authorize_ingress(fake_cl, app, in, 1, NULL, &err),
               "InvalidPermission.Duplicate");
    ec2_permission bad = {.protocol = "tcp", .from_port = 1, .to_port = 1};
    FAILS_WITH(ec2_authorize_ingress(fake_cl, app, &bad, 1, NULL, &err), "InvalidPermission");
    ck_assert_int_eq(err.kind, AWS_ERR_INPUT);

    const char *ids[] = {app, NULL};
    ec2_describe_in by_id = {.ids = ids};
    ec2_security_groups l;
    OK(ec2_describe_security_groups(fake_cl, &by_id, &l, &err));
    ck_assert_uint_eq(l.n, 1);
    ec2_security_group *g = &l.items[0];
    ck_assert_str_eq(g->name, "demo-app");
    ck_assert_str_eq(g->description, "app tasks");
    ck_assert_str_eq(g->vpc_id, vpc);
    ck_assert_uint_eq(g->ningress, 2);
    const ec2_permission *p = find_perm(g->ingress, g->ningress, lb, NULL);
    ck_assert_ptr_nonnull(p);
    ck_assert_str_eq(p->protocol, "tcp");
    ck_assert_int_eq(p->from_port, 8080);
    ck_assert_str_eq(p->description, "from the load balancer");
    p = find_perm(g->ingress, g->ningress, NULL, "10.50.0.0/16");
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(p->to_port, 9001);
    ck_assert_uint_eq(g->negress, 1); /* EC2's default allow-all egress */
    ck_assert_str_eq(g->egress[0].protocol, "-1");
    ck_assert_str_eq(g->egress[0].cidr, "0.0.0.0/0");
    ec2_security_groups_free(&l);

    /* Groups whose rules reference lb, as down looks for them. */
    ec2_filter ref = {"ip-permission.group-id", lb, NULL};
    ec2_describe_in refs = {.filters = &ref, .nfilters = 1};
    OK(ec2_describe_security_groups(fake_cl, &refs, &l, &err));
    ck_assert_uint_eq(l.n, 1);
    ck_assert_str_eq(l.items[0].id, app);
    /* A described permission goes straight back into a revoke (down's cross-references). */
    const ec2_permission *cross = find_perm(l.items[0].ingress, l.items[0].ningress, lb, NULL);
    ck_assert_ptr_nonnull(cross);

    ec2_filter gf = {"group-id", app, NULL};
    ec2_describe_in rin = {.filters = &gf, .nfilters = 1, .page_size = 5};
    ec2_sg_rules rules;
    OK(ec2_describe_security_group_rules(fake_cl, &rin, &rules, &err));
    ck_assert_uint_eq(rules.n, 3);
    const char *egress_rule[] = {NULL, NULL};
    int referenced = 0;
    for (size_t i = 0; i < rules.n; i++) {
        ck_assert_str_eq(rules.items[i].group_id, app);
        if (rules.items[i].is_egress)
            egress_rule[0] = rules.items[i].id;
        referenced += strcmp(rules.items[i].referenced_group_id, lb) == 0;
    }
    ck_assert_int_eq(referenced, 1);
    ck_assert_ptr_nonnull(egress_rule[0]);

    FAILS_WITH(ec2_delete_security_group(fake_cl, lb, &err), "DependencyViolation");
    OK(ec2_revoke_ingress(fake_cl, app, cross, 1, NULL, &err));
    ec2_security_groups_free(&l);
    FAILS_WITH(ec2_revoke_ingress(fake_cl, app, in, 1, NULL, &err), "InvalidPermission.NotFound");
    OK(ec2_delete_security_group(fake_cl, lb, &err));
    OK(ec2_revoke_egress(fake_cl, app, NULL, 0, egress_rule, &err));
    FAILS_WITH(ec2_revoke_egress(fake_cl, app, in, 1, egress_rule, &err), "InvalidRevoke");
    ec2_sg_rules_free(&rules);
    OK(ec2_describe_security_group_rules(fake_cl, &rin, &rules, &err));
    ck_assert_uint_eq(rules.n, 1);
    ck_assert_int_eq(rules.items[0].is_egress, 0);
    ck_assert_str_eq(rules.items[0].cidr, "10.50.0.0/16");
    ec2_sg_rules_free(&rules);
    OK(ec2_delete_security_group(fake_cl, app, &err));
    FAILS_WITH(ec2_delete_security_group(fake_cl, app, &err), "InvalidGroup.NotFound");
    svc_strings_free(&rule_ids);
    free(app);
    free(lb);
}
END_TEST

/* Six groups PREFIX-0 to PREFIX-5 in the test's VPC. */
static void six_groups(const char *prefix, const char *description, const svc_tags *tags)
{
    aws_error err;
    for (int i = 0; i < 6; i++) {
        char name[32], *id;
        snprintf(name, sizeof name, "%s-%d", prefix, i);
        OK(ec2_create_security_group(fake_cl, vpc, name, description, tags, &id, &err));
        free(id);
    }
}

/* The groups of the test's VPC, read in pages of five: the six and the VPC's default. */
static void seven_groups_in_pages(void)
{
    aws_error err;
    ec2_filter f = {"vpc-id", vpc, NULL};
    ec2_describe_in in = {.filters = &f, .nfilters = 1, .page_size = 5};
    ec2_security_groups l;
    OK(ec2_describe_security_groups(fake_cl, &in, &l, &err));
    ck_assert_uint_eq(l.n, 7);
    ec2_security_groups_free(&l);
}

START_TEST(security_groups_paginate)
{
    aws_error err;
    six_groups("group", "paged", &stack_tags);
    seven_groups_in_pages();
    ec2_security_groups l;
    ec2_filter t[] = {{"vpc-id", vpc, NULL}, {"tag:ecsdeploy:stack", "demo", NULL},
                      {"group-name", "group-5", NULL}};
    ec2_describe_in one = {.filters = t, .nfilters = 3};
    OK(ec2_describe_security_groups(fake_cl, &one, &l, &err));
    ck_assert_uint_eq(l.n, 1);
    ck_assert_str_eq(l.items[0].name, "group-5");
    ec2_security_groups_free(&l);
}
END_TEST

START_TEST(network_interfaces_block_deletion)
{
    aws_error err;
    char *sg;
    OK(ec2_create_security_group(fake_cl, vpc, "demo-task", "tasks", NULL, &sg, &err));
    /* The client has no CreateNetworkInterface (ECS makes them); use the raw call. */
    cJSON *req = cJSON_CreateObject(), *out = NULL;
    cJSON_AddStringToObject(req, "SubnetId", subnet);
    cJSON_AddStringToObject(req, "Description", "task eni");
    cJSON *groups = cJSON_AddArrayToObject(req, "SecurityGroupId");
    cJSON_AddItemToArray(groups, cJSON_CreateString(sg));
    OK(aws_ec2_call(fake_cl, "CreateNetworkInterface", req, NULL, &out, &err));
    cJSON_Delete(req);
    cJSON_Delete(out);

    ec2_filter f = {"group-id", sg, NULL};
    ec2_describe_in in = {.filters = &f, .nfilters = 1};
    ec2_enis l;
    OK(ec2_describe_network_interfaces(fake_cl, &in, &l, &err));
    ck_assert_uint_eq(l.n, 1);
    ck_assert(strncmp(l.items[0].id, "eni-", 4) == 0);
    ck_assert_str_eq(l.items[0].subnet_id, subnet);
    ck_assert_str_eq(l.items[0].vpc_id, vpc);
    ck_assert_str_eq(l.items[0].description, "task eni");
    ck_assert_uint_eq(l.items[0].group_ids.n, 1);
    ck_assert_str_eq(l.items[0].group_ids.items[0], sg);
    ck_assert(l.items[0].private_ip[0] != '\0');
    ec2_enis_free(&l);
    ec2_filter other = {"subnet-id", "subnet-00000000", NULL};
    ec2_describe_in none = {.filters = &other, .nfilters = 1, .page_size = 5};
    OK(ec2_describe_network_interfaces(fake_cl, &none, &l, &err));
    ck_assert_uint_eq(l.n, 0);
    ec2_enis_free(&l);
    FAILS_WITH(ec2_delete_security_group(fake_cl, sg, &err), "DependencyViolation");
    FAILS_WITH(ec2_delete_subnet(fake_cl, subnet, &err), "DependencyViolation");
    free(sg);
}
END_TEST

START_TEST(tags)
{
    aws_error err;
    const char *ids[] = {vpc, subnet, NULL};
    svc_tags more = {0};
    svc_tags_add(&more, "team", "ducks");
    svc_tags_add(&more, "ecsdeploy:id", "net");
    OK(ec2_create_tags(fake_cl, ids, &more, &err));
    ec2_describe_in in = {.ids = ids + 1};
    ec2_subnets l;
    OK(ec2_describe_subnets(fake_cl, &in, &l, &err));
    ck_assert_str_eq(svc_tags_get(&l.items[0].tags, "team"), "ducks");
    ec2_subnets_free(&l);
    /* Delete by key alone (value NULL), and by key and value. */
    svc_tags del = {0};
    del.items = (svc_tag[]){{"team", NULL}, {"ecsdeploy:id", "net"}};
    del.n = 2;
    OK(ec2_delete_tags(fake_cl, ids, &del, &err));
    OK(ec2_describe_subnets(fake_cl, &in, &l, &err));
    ck_assert_uint_eq(l.items[0].tags.n, 0);
    ec2_subnets_free(&l);
    const char *missing[] = {"vpc-00000000", NULL};
    FAILS_WITH(ec2_create_tags(fake_cl, missing, &more, &err), "InvalidVpcID.NotFound");
    FAILS_WITH(ec2_create_tags(fake_cl, NULL, &more, &err), "InvalidParameter");
    svc_tags_free(&more);
}
END_TEST

/* Under throttling, pages are still all collected; a create whose answer is lost is
 * retried by the runtime and the client token keeps it single. */
START_TEST(faults_keep_pages_and_tokens)
{
    aws_error err;
    six_groups("faulty", "f", NULL);
    ec2_igw g;
    OK(ec2_create_internet_gateway(fake_cl, NULL, &g, &err));
    OK(ec2_attach_internet_gateway(fake_cl, g.id, vpc, &err));
    ec2_address a;
    OK(ec2_allocate_address(fake_cl, NULL, &a, &err));
    ck_assert_int_eq(fake_control("/_fake/faults",
                                  "{\"seed\": 3, \"rules\": ["
                                  "{\"service\": \"ec2\", \"operation\": "
                                  "\"DescribeSecurityGroups\", \"action\": \"throttle\", "
                                  "\"rate\": 0.3},"
                                  "{\"service\": \"ec2\", \"operation\": "
                                  "\"CreateNatGateway\", \"action\": \"drop\", "
                                  "\"phase\": \"after\", \"count\": 1}]}"),
                     0);
    for (int round = 0; round < 4; round++)
        seven_groups_in_pages();
    /* A fresh client, so that the lost answer is not on a reused connection (libcurl
     * itself resends a request whose reused connection died, and the runtime would not
     * see the loss). */
    aws_client *fresh;
    aws_client_options o = {0};
    OK(aws_client_new(&o, &fresh, &err));
    ec2_nat n;
    OK(ec2_create_nat_gateway(fresh, subnet, a.allocation_id, "once", NULL, &n, &err));
    ck_assert_int_eq(err.attempts, 2);
    aws_client_free(fresh);
    ec2_nats all;
    ec2_filter f = {"vpc-id", vpc, NULL};
    OK(ec2_describe_nat_gateways(fake_cl, &(ec2_describe_in){.filters = &f, .nfilters = 1}, &all,
                                 &err));
    ck_assert_uint_eq(all.n, 1);
    ck_assert_str_eq(all.items[0].id, n.id);
    ec2_nats_free(&all);
    fake_no_faults();
    ec2_nat_free(&n);
    ec2_address_free(&a);
    ec2_igw_free(&g);
}
END_TEST

FAKE_SUITE(svc_ec2_sg, setup, teardown, 30, elastic_ips, nat_gateway_lifecycle,
           nat_gateway_failure_is_reported, security_groups_and_rules, security_groups_paginate,
           network_interfaces_block_deletion, tags, faults_keep_pages_and_tokens)
