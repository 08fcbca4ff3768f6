/* The network kinds against the fake: a new VPC with per-zone NAT gateways, groups and
 * rules — create, no changes, an update, down leaving nothing; NAT none → single. */
#include "../../src/resources/net_internal.h"
#include "res_net_harness.h"

#define BASIC                                                                              \
    "stack: %s\n"                                                                          \
    "network:\n"                                                                           \
    "  vpc: { cidr: 10.60.0.0/16 }\n"                                                      \
    "  zones: 2\n"                                                                         \
    "  nat: per-zone\n"                                                                    \
    "load_balancers:\n"                                                                    \
    "  web: { listeners: [ { port: 80 } ] }\n"                                             \
    "services:\n"                                                                          \
    "  app: { image: nginx, port: 8080, load_balancer: { name: web } }\n"                  \
    "  worker: { image: nginx, port: 9000, allow_from: [app, %s] }\n"

static int has_ingress(const ec2_security_group *g, int port, const char *cidr, const char *group)
{
    for (size_t i = 0; i < g->ningress; i++) {
        const ec2_permission *p = &g->ingress[i];
        if (p->from_port == port && (!cidr || strcmp(p->cidr, cidr) == 0) &&
            (!group || strcmp(p->group_id, group) == 0))
            return 1;
    }
    return 0;
}

/* The target of a route table's 0.0.0.0/0 route ("" when none). */
static char *default_route(net_run *r, const char *rtb)
{
    aws_error err;
    const char *ids[] = {rtb, NULL};
    ec2_describe_in in = {.ids = ids};
    ec2_route_tables l = {0};
    OK(ec2_describe_route_tables(r->aws, &in, &l, &err));
    ck_assert_uint_eq(l.n, 1);
    char *target = xstrdup("");
    for (size_t i = 0; i < l.items[0].nroutes; i++) {
        const ec2_route *rt = &l.items[0].routes[i];
        if (strcmp(rt->destination, "0.0.0.0/0") == 0) {
            free(target);
            target = xstrdup(rt->nat_gateway_id[0] ? rt->nat_gateway_id : rt->gateway_id);
        }
    }
    ec2_route_tables_free(&l);
    return target;
}

static const char *attr(const net_run *r, const char *id, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(net_node(r, id)->actual, name);
    ck_assert_msg(cJSON_IsString(v), "%s has no %s", id, name);
    return v->valuestring;
}

static void check_created(net_run *r)
{
    aws_error err;
    /* zones by index, in name order; public subnets map public IPs */
    ck_assert_str_eq(attr(r, "subnet/public-0", "zone"), "us-east-1a");
    ck_assert_str_eq(attr(r, "subnet/private-1", "zone"), "us-east-1b");
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(net_node(r, "subnet/public-1")->actual, "map_public_ip")));
    int on = 0;
    OK(ec2_describe_vpc_attribute(r->aws, net_node(r, "vpc/main")->physical_id, "enableDnsHostnames", &on, &err));
    ck_assert_int_eq(on, 1);
    /* per-zone NAT: each private table routes to the NAT of its own zone */
    for (int z = 0; z < 2; z++) {
        char rt[32], nat[32], pub[32];
        snprintf(rt, sizeof rt, "route_table/private-%d", z);
        snprintf(nat, sizeof nat, "nat/%d", z);
        snprintf(pub, sizeof pub, "subnet/public-%d", z);
        char *target = default_route(r, net_node(r, rt)->physical_id);
        ck_assert_str_eq(target, net_node(r, nat)->physical_id);
        free(target);
        ck_assert_str_eq(attr(r, nat, "subnet"), net_node(r, pub)->physical_id);
    }
    char *target = default_route(r, net_node(r, "route_table/public")->physical_id);
    ck_assert_str_eq(target, net_node(r, "igw/main")->physical_id);
    free(target);
    /* the load balancer's group reaches the service; the service reaches the worker */
    ec2_security_group g = net_group(r, net_node(r, "sg/app")->physical_id);
    ck_assert(has_ingress(&g, 8080, NULL, net_node(r, "sg/lb-web")->physical_id));
    ec2_security_group_free(&g);
    g = net_group(r, net_node(r, "sg/worker")->physical_id);
    ck_assert(has_ingress(&g, 9000, NULL, net_node(r, "sg/app")->physical_id));
    ck_assert(has_ingress(&g, 9000, "10.1.0.0/16", NULL));
    ec2_security_group_free(&g);
    g = net_group(r, net_node(r, "sg/lb-web")->physical_id);
    ck_assert(has_ingress(&g, 80, "0.0.0.0/0", NULL));
    ck_assert_str_eq(g.name, "knet-basic-lb-web");
    ec2_security_group_free(&g);
}

/* A re-run of a NAT create (a crash after the call) returns the first gateway. */
static void check_nat_token(net_run *r)
{
    aws_error err;
    res_node *nat = res_graph_find(r->g, "nat/1");
    char *before = xstrdup(nat->physical_id);
    cJSON *original = nat->desired;
    nat->desired = res_resolve(&r->ctx, original);
    OK(nat->kind->create(&r->ctx, nat, &err));
    cJSON_Delete(nat->desired);
    nat->desired = original;
    ck_assert_str_eq(nat->physical_id, before);
    free(before);
}

START_TEST(lifecycle_per_zone_nat)
{
    net_run r;
    net_open(&r, NULL);
    net_load(&r, BASIC, "knet-basic", "10.1.0.0/16");
    plan_counts c = net_plan(&r, 0);
    ck_assert_uint_eq(c.create, 19);
    ck_assert_uint_eq(net_changes(c), 19);
    ck_assert_int_eq(net_exec(&r, 1, NULL), 0);
    ck_assert_msg(strstr(res_events_text(&r.events), "waiting for NAT gateway"), "%s", res_events_text(&r.events));

    c = net_plan(&r, 0);
    ck_assert_msg(net_changes(c) == 0, "second plan: %s", plan_render_text(r.g, 0));
    ck_assert_uint_eq(c.unchanged, 19);
    check_created(&r);
    check_nat_token(&r);

    /* a change of allow_from: one update, of the worker's rules */
    net_load(&r, BASIC, "knet-basic", "10.2.0.0/16");
    c = net_plan(&r, 0);
    ck_assert_uint_eq(net_changes(c), 1);
    ck_assert_uint_eq(c.update, 1);
    const res_node *rules = net_node(&r, "sg_rules/worker");
    ck_assert_int_eq(rules->action, RES_UPDATE);
    ck_assert_str_eq(rules->changes.items[0].path, "rules");
    ck_assert_int_eq(net_exec(&r, 1, NULL), 0);
    net_no_changes(&r);
    ec2_security_group g = net_group(&r, net_node(&r, "sg/worker")->physical_id);
    ck_assert(has_ingress(&g, 9000, "10.2.0.0/16", NULL));
    ck_assert(!has_ingress(&g, 9000, "10.1.0.0/16", NULL));
    ck_assert(has_ingress(&g, 9000, NULL, net_node(&r, "sg/app")->physical_id));
    ec2_security_group_free(&g);

    /* a rule added by hand to one of our groups is drift: the next up revokes it */
    aws_error err;
    ec2_permission extra = {.protocol = "tcp", .from_port = 22, .to_port = 22, .cidr = "0.0.0.0/0"};
    OK(ec2_authorize_ingress(r.aws, net_node(&r, "sg/app")->physical_id, &extra, 1, NULL, &err));
    c = net_plan(&r, 0);
    ck_assert_uint_eq(net_changes(c), 1);
    ck_assert_int_eq(net_node(&r, "sg_rules/app")->action, RES_UPDATE);
    ck_assert_int_eq(net_exec(&r, 1, NULL), 0);
    g = net_group(&r, net_node(&r, "sg/app")->physical_id);
    ck_assert(!has_ingress(&g, 22, NULL, NULL));
    ck_assert(has_ingress(&g, 8080, NULL, net_node(&r, "sg/lb-web")->physical_id));
    ec2_security_group_free(&g);

    ck_assert_int_gt(fake_count_stack("knet-basic"), 0);
    net_down(&r);
    net_gone(&r, "knet-basic");
    net_close(&r);
}
END_TEST

#define NAT_STACK                                                                          \
    "stack: knet-nat\n"                                                                    \
    "network: { vpc: { cidr: 10.61.0.0/16 }, zones: 2, nat: %s, subnets: [public, private] }\n" \
    "services:\n"                                                                          \
    "  app: { image: nginx, port: 8080, subnets: public }\n"

START_TEST(nat_none_then_single)
{
    net_run r;
    net_open(&r, NULL);
    net_load(&r, NAT_STACK, "none");
    net_up(&r);
    net_plan(&r, 0);
    ck_assert_ptr_null(res_graph_find(r.g, "nat/0"));
    char *target = default_route(&r, net_node(&r, "route_table/private")->physical_id);
    ck_assert_str_eq(target, "");
    free(target);

    net_load(&r, NAT_STACK, "single");
    plan_counts c = net_plan(&r, 0);
    ck_assert_uint_eq(c.create, 2); /* eip/nat-0, nat/0 */
    ck_assert_uint_eq(c.update, 1); /* route_table/private */
    ck_assert_int_eq(net_node(&r, "route_table/private")->action, RES_UPDATE);
    ck_assert_int_eq(net_exec(&r, 1, NULL), 0);
    net_no_changes(&r);
    target = default_route(&r, net_node(&r, "route_table/private")->physical_id);
    ck_assert_str_eq(target, net_node(&r, "nat/0")->physical_id);
    free(target);

    /* back to none: the NAT and its address go, the route with them */
    net_load(&r, NAT_STACK, "none");
    c = net_plan(&r, 0);
    ck_assert_uint_eq(c.delete, 2);
    ck_assert_uint_eq(c.update, 1);
    ck_assert_int_eq(net_exec(&r, 1, NULL), 0);
    net_no_changes(&r);

    net_down(&r);
    ck_assert_int_eq(fake_count_stack("knet-nat"), 0);
    net_close(&r);
}
END_TEST

/* A subnet's /64 is block N of its VPC's /56; blocks are written in RFC 5952 form, and a
 * VPC block read with leading zeros ("0300") compares equal to the one computed back. */
START_TEST(ipv6_blocks)
{
    char *sub = resnet_ipv6_subnet("2600:1f94:eab0:300::/56", 2);
    ck_assert_str_eq(sub, "2600:1f94:eab0:302::/64");
    char *vpc = NULL;
    ck_assert_int_eq(resnet_ipv6_block_of(sub, &vpc), 2);
    ck_assert_str_eq(vpc, "2600:1f94:eab0:300::/56");
    char *canon = resnet_ipv6_canonical("2600:1F94:EAB0:0300:0000::/56");
    ck_assert_str_eq(canon, vpc);
    free(canon);
    canon = resnet_ipv6_canonical("not a block");
    ck_assert_str_eq(canon, "not a block");
    ck_assert_ptr_null(resnet_ipv6_subnet("2600:1f94:eab0:300::/64", 1));
    ck_assert_int_eq(resnet_ipv6_block_of("2600:1f94:eab0:300::/56", NULL), -1);
    free(canon);
    free(vpc);
    free(sub);
}
END_TEST

Suite *res_net_suite(void)
{
    const TTest *const network[] = {lifecycle_per_zone_nat, nat_none_then_single, NULL};
    const TTest *const blocks[] = {ipv6_blocks, NULL};
    Suite *s = suite_create("res_net");
    suite_add_tcase(s, fake_tcase("network", NULL, NULL, 90, network));
    suite_add_tcase(s, unit_tcase("ipv6", 0, blocks));
    return s;
}
