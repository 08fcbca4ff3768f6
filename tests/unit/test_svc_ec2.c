/* EC2 client against the fake: VPCs, attributes, zones, subnets, gateways, route tables. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ec2.h"
#include "fakeaws_fixture.h"

static svc_tags stack_tags;

static void setup(void)
{
    fake_reset_setup();
    svc_tags_add(&stack_tags, "ecsdeploy:stack", "demo");
    svc_tags_add(&stack_tags, "ecsdeploy:id", "network");
}

static void teardown(void)
{
    fake_client_teardown();
    svc_tags_free(&stack_tags);
}

static char *new_vpc(const char *cidr)
{
    aws_error err;
    ec2_vpc v;
    OK(ec2_create_vpc(fake_cl, cidr, &stack_tags, &v, &err));
    char *id = strdup(v.id);
    ec2_vpc_free(&v);
    return id;
}

START_TEST(vpc_create_describe_delete)
{
    aws_error err;
    ec2_vpc v;
    OK(ec2_create_vpc(fake_cl, "10.40.0.0/16", &stack_tags, &v, &err));
    ck_assert(strncmp(v.id, "vpc-", 4) == 0);
    ck_assert_str_eq(v.cidr, "10.40.0.0/16");
    ck_assert_int_eq(v.is_default, 0);
    ck_assert_str_eq(svc_tags_get(&v.tags, "ecsdeploy:stack"), "demo");

    const char *ids[] = {v.id, NULL};
    ec2_describe_in by_id = {.ids = ids}, by_id_paged = {.ids = ids, .page_size = 5};
    ec2_vpcs l;
    OK(ec2_describe_vpcs(fake_cl, &by_id_paged, &l, &err)); /* MaxResults left out with ids */
    ck_assert_uint_eq(l.n, 1);
    ec2_vpcs_free(&l);
    OK(ec2_describe_vpcs(fake_cl, &by_id, &l, &err));
    ck_assert_uint_eq(l.n, 1);
    ck_assert_str_eq(l.items[0].id, v.id);
    ck_assert_str_eq(l.items[0].state, "available");
    ck_assert_str_eq(svc_tags_get(&l.items[0].tags, "ecsdeploy:id"), "network");
    ec2_vpcs_free(&l);

    ec2_filter f[] = {{"tag:ecsdeploy:stack", "demo", NULL}, {"cidr", "10.40.0.0/16", NULL}};
    ec2_describe_in by_tag = {.filters = f, .nfilters = 2};
    OK(ec2_describe_vpcs(fake_cl, &by_tag, &l, &err));
    ck_assert_uint_eq(l.n, 1);
    ec2_vpcs_free(&l);

    const char *others[] = {"other", "x*", NULL};
    ec2_filter none = {"tag:ecsdeploy:stack", NULL, others};
    ec2_describe_in nomatch = {.filters = &none, .nfilters = 1};
    OK(ec2_describe_vpcs(fake_cl, &nomatch, &l, &err));
    ck_assert_uint_eq(l.n, 0);
    ck_assert_ptr_null(l.items);
    ec2_vpcs_free(&l);

    OK(ec2_delete_vpc(fake_cl, v.id, &err));
    FAILS_WITH(ec2_describe_vpcs(fake_cl, &by_id, &l, &err), "InvalidVpcID.NotFound");
    ck_assert_int_eq(err.kind, AWS_ERR_SERVICE);
    FAILS_WITH(ec2_delete_vpc(fake_cl, v.id, &err), "InvalidVpcID.NotFound");
    ec2_vpc_free(&v);
}
END_TEST

START_TEST(vpc_attributes_and_default)
{
    aws_error err;
    char *vpc = new_vpc("10.41.0.0/16");
    int on = -1;
    OK(ec2_describe_vpc_attribute(fake_cl, vpc, "enableDnsHostnames", &on, &err));
    ck_assert_int_eq(on, 0);
    OK(ec2_modify_vpc_attribute(fake_cl, vpc, "enableDnsHostnames", 1, &err));
    OK(ec2_modify_vpc_attribute(fake_cl, vpc, "enableDnsSupport", 1, &err));
    OK(ec2_describe_vpc_attribute(fake_cl, vpc, "enableDnsHostnames", &on, &err));
    ck_assert_int_eq(on, 1);
    OK(ec2_describe_vpc_attribute(fake_cl, vpc, "enableDnsSupport", &on, &err));
    ck_assert_int_eq(on, 1);
    FAILS_WITH(ec2_modify_vpc_attribute(fake_cl, vpc, "dns", 1, &err), "InvalidAttribute");
    ck_assert_int_eq(err.kind, AWS_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(err.message, "enableDnsSupport"));
    FAILS_WITH(ec2_describe_vpc_attribute(fake_cl, "vpc-00000000", "enableDnsSupport", &on, &err),
               "InvalidVpcID.NotFound");

    ec2_vpc d;
    int found = 0;
    OK(ec2_default_vpc(fake_cl, &d, &found, &err));
    ck_assert_int_eq(found, 1);
    ck_assert_int_eq(d.is_default, 1);
    ck_assert_str_ne(d.id, vpc);
    ec2_vpc_free(&d);
    free(vpc);
}
END_TEST

START_TEST(zones)
{
    aws_error err;
    ec2_zones z;
    OK(ec2_describe_availability_zones(fake_cl, NULL, &z, &err));
    ck_assert_uint_ge(z.n, 2);
    ck_assert_str_eq(z.items[0].name, "us-east-1a");
    ck_assert_str_eq(z.items[0].state, "available");
    ck_assert_str_eq(z.items[0].region, "us-east-1");
    ck_assert(z.items[0].zone_id[0] != '\0');
    ec2_zones_free(&z);
    const char *names[] = {"us-east-1b", NULL};
    ec2_describe_in one = {.ids = names, .page_size = 5};
    OK(ec2_describe_availability_zones(fake_cl, &one, &z, &err));
    ck_assert_uint_eq(z.n, 1);
    ck_assert_str_eq(z.items[0].name, "us-east-1b");
    ec2_zones_free(&z);
    ec2_filter f = {"zone-name", "nowhere-1a", NULL};
    ec2_describe_in none = {.filters = &f, .nfilters = 1};
    OK(ec2_describe_availability_zones(fake_cl, &none, &z, &err));
    ck_assert_uint_eq(z.n, 0);
    ec2_zones_free(&z);
    svc_strings regions;
    OK(ec2_describe_regions(fake_cl, &regions, &err));
    ck_assert_uint_ge(regions.n, 10);
    int seen = 0;
    for (size_t i = 0; i < regions.n; i++)
        seen |= strcmp(regions.items[i], "eu-west-1") == 0;
    ck_assert(seen);
    svc_strings_free(&regions);
}
END_TEST

START_TEST(subnets_pages_and_dependencies)
{
    aws_error err;
    char *vpc = new_vpc("10.42.0.0/16");
    const char *zones[] = {"us-east-1a", "us-east-1b", "us-east-1c"};
    char *ids[7];
    for (int i = 0; i < 7; i++) {
        char cidr[32];
        snprintf(cidr, sizeof cidr, "10.42.%d.0/24", i);
        ec2_subnet s;
        OK(ec2_create_subnet(fake_cl, vpc, cidr, zones[i % 3], &stack_tags, &s, &err));
        ck_assert_str_eq(s.vpc_id, vpc);
        ck_assert_str_eq(s.zone, zones[i % 3]);
        ck_assert_int_eq(s.map_public_ip_on_launch, 0);
        ids[i] = strdup(s.id);
        ec2_subnet_free(&s);
    }
    OK(ec2_set_map_public_ip(fake_cl, ids[0], 1, &err));

    ec2_filter f = {"vpc-id", vpc, NULL};
    ec2_describe_in paged = {.filters = &f, .nfilters = 1, .page_size = 5};
    ec2_subnets l;
    OK(ec2_describe_subnets(fake_cl, &paged, &l, &err));
    ck_assert_uint_eq(l.n, 7); /* two pages of at most 5 */
    int public = 0;
    for (size_t i = 0; i < l.n; i++) {
        public += l.items[i].map_public_ip_on_launch;
        ck_assert_str_eq(svc_tags_get(&l.items[i].tags, "ecsdeploy:stack"), "demo");
        ck_assert(l.items[i].available_ips > 0);
    }
    ck_assert_int_eq(public, 1);
    ec2_subnets_free(&l);

    FAILS_WITH(ec2_delete_vpc(fake_cl, vpc, &err), "DependencyViolation");
    FAILS_WITH(
        ec2_create_subnet(fake_cl, vpc, "10.42.0.0/24", "us-east-1a", NULL, &(ec2_subnet){0}, &err),
        "InvalidSubnet.Conflict");
    for (int i = 0; i < 7; i++) {
        OK(ec2_delete_subnet(fake_cl, ids[i], &err));
        free(ids[i]);
    }
    OK(ec2_describe_subnets(fake_cl, &paged, &l, &err));
    ck_assert_uint_eq(l.n, 0);
    ec2_subnets_free(&l);
    OK(ec2_delete_vpc(fake_cl, vpc, &err));
    free(vpc);
}
END_TEST

START_TEST(internet_gateway)
{
    aws_error err;
    char *vpc = new_vpc("10.43.0.0/16");
    ec2_igw g;
    OK(ec2_create_internet_gateway(fake_cl, &stack_tags, &g, &err));
    ck_assert(strncmp(g.id, "igw-", 4) == 0);
    ck_assert_str_eq(g.vpc_id, "");
    OK(ec2_attach_internet_gateway(fake_cl, g.id, vpc, &err));

    ec2_filter f = {"attachment.vpc-id", vpc, NULL};
    ec2_describe_in in = {.filters = &f, .nfilters = 1};
    ec2_igws l;
    OK(ec2_describe_internet_gateways(fake_cl, &in, &l, &err));
    ck_assert_uint_eq(l.n, 1);
    ck_assert_str_eq(l.items[0].id, g.id);
    ck_assert_str_eq(l.items[0].vpc_id, vpc);
    ck_assert_str_eq(l.items[0].attach_state, "available");
    ck_assert_str_eq(svc_tags_get(&l.items[0].tags, "ecsdeploy:id"), "network");
    ec2_igws_free(&l);

    FAILS_WITH(ec2_delete_vpc(fake_cl, vpc, &err), "DependencyViolation");
    FAILS_WITH(ec2_delete_internet_gateway(fake_cl, g.id, &err), "DependencyViolation");
    OK(ec2_detach_internet_gateway(fake_cl, g.id, vpc, &err));
    OK(ec2_delete_internet_gateway(fake_cl, g.id, &err));
    const char *ids[] = {g.id, NULL};
    ec2_describe_in by_id = {.ids = ids};
    FAILS_WITH(ec2_describe_internet_gateways(fake_cl, &by_id, &l, &err),
               "InvalidInternetGatewayID.NotFound");
    OK(ec2_delete_vpc(fake_cl, vpc, &err));
    ec2_igw_free(&g);
    free(vpc);
}
END_TEST

START_TEST(route_tables)
{
    aws_error err;
    char *vpc = new_vpc("10.44.0.0/16");
    ec2_subnet s;
    OK(ec2_create_subnet(fake_cl, vpc, "10.44.1.0/24", "us-east-1a", NULL, &s, &err));
    ec2_igw g;
    OK(ec2_create_internet_gateway(fake_cl, NULL, &g, &err));
    ck_assert_uint_eq(g.tags.n, 0);
    OK(ec2_attach_internet_gateway(fake_cl, g.id, vpc, &err));

    ec2_route_table t;
    OK(ec2_create_route_table(fake_cl, vpc, &stack_tags, &t, &err));
    ck_assert_uint_eq(t.nroutes, 1); /* the local route */
    ck_assert_str_eq(t.routes[0].gateway_id, "local");
    ck_assert_uint_eq(t.nassocs, 0);
    ec2_route_in r = {.destination = "0.0.0.0/0", .gateway_id = g.id};
    OK(ec2_create_route(fake_cl, t.id, &r, &err));
    FAILS_WITH(ec2_create_route(fake_cl, t.id, &r, &err), "RouteAlreadyExists");
    OK(ec2_replace_route(fake_cl, t.id, &r, &err));
    ec2_route_in bad = {.destination = "0.0.0.0/0"};
    FAILS_WITH(ec2_create_route(fake_cl, t.id, &bad, &err), "InvalidRoute");
    char *assoc = NULL;
    OK(ec2_associate_route_table(fake_cl, t.id, s.id, &assoc, &err));
    ck_assert(strncmp(assoc, "rtbassoc-", 9) == 0);

    ec2_filter f[] = {{"vpc-id", vpc, NULL}, {"association.subnet-id", s.id, NULL}};
    ec2_describe_in in = {.filters = f, .nfilters = 2};
    ec2_route_tables l;
    OK(ec2_describe_route_tables(fake_cl, &in, &l, &err));
    ck_assert_uint_eq(l.n, 1);
    ec2_route_table *d = &l.items[0];
    ck_assert_str_eq(d->id, t.id);
    ck_assert_uint_eq(d->nroutes, 2);
    ck_assert_uint_eq(d->nassocs, 1);
    ck_assert_str_eq(d->assocs[0].id, assoc);
    ck_assert_str_eq(d->assocs[0].subnet_id, s.id);
    ck_assert_int_eq(d->assocs[0].main, 0);
    ck_assert_str_eq(d->assocs[0].state, "associated");
    int igw_route = 0;
    for (size_t i = 0; i < d->nroutes; i++)
        if (strcmp(d->routes[i].destination, "0.0.0.0/0") == 0) {
            igw_route = 1;
            ck_assert_str_eq(d->routes[i].gateway_id, g.id);
            ck_assert_str_eq(d->routes[i].state, "active");
        }
    ck_assert(igw_route);
    ec2_route_tables_free(&l);

    /* The main table of the VPC, found by filter. */
    ec2_filter m[] = {{"vpc-id", vpc, NULL}, {"association.main", "true", NULL}};
    ec2_describe_in main_in = {.filters = m, .nfilters = 2};
    OK(ec2_describe_route_tables(fake_cl, &main_in, &l, &err));
    ck_assert_uint_eq(l.n, 1);
    ck_assert_int_eq(l.items[0].assocs[0].main, 1);
    ec2_route_tables_free(&l);

    FAILS_WITH(ec2_delete_route_table(fake_cl, t.id, &err), "DependencyViolation");
    OK(ec2_disassociate_route_table(fake_cl, assoc, &err));
    OK(ec2_delete_route(fake_cl, t.id, "0.0.0.0/0", &err));
    OK(ec2_delete_route_table(fake_cl, t.id, &err));
    FAILS_WITH(ec2_delete_route_table(fake_cl, t.id, &err), "InvalidRouteTableID.NotFound");
    free(assoc);
    ec2_route_table_free(&t);
    ec2_igw_free(&g);
    ec2_subnet_free(&s);
    free(vpc);
}
END_TEST

START_TEST(waiters_for_vpc_subnet_group)
{
    aws_error err;
    aws_wait_opts o = {.max_checks = 3, .interval_s = 0.01};
    char *vpc = new_vpc("10.45.0.0/16");
    OK(ec2_wait_vpc_available(fake_cl, vpc, &o, &err));
    ec2_subnet s;
    OK(ec2_create_subnet(fake_cl, vpc, "10.45.1.0/24", "us-east-1c", NULL, &s, &err));
    OK(ec2_wait_subnet_available(fake_cl, s.id, &o, &err));
    char *sg;
    OK(ec2_create_security_group(fake_cl, vpc, "waited", "w", NULL, &sg, &err));
    OK(ec2_wait_security_group_exists(fake_cl, sg, &o, &err));
    /* Ids that never appear: the bound is kept and the last state named. */
    FAILS_WITH(ec2_wait_vpc_available(fake_cl, "vpc-00000000", &o, &err), "WaiterTimeout");
    ck_assert_ptr_nonnull(strstr(err.message, "not found"));
    ck_assert_ptr_nonnull(strstr(err.message, "after 3 checks"));
    FAILS_WITH(ec2_wait_security_group_exists(fake_cl, "sg-00000000", &o, &err), "WaiterTimeout");
    /* A time bound ends the wait before the checks run out. */
    aws_wait_opts timed = {.max_checks = 1000, .interval_s = 0.05, .timeout_s = 0.2};
    time_t start = time(NULL);
    FAILS_WITH(ec2_wait_vpc_available(fake_cl, "vpc-00000000", &timed, &err), "WaiterTimeout");
    ck_assert(time(NULL) - start <= 2);
    ck_assert_ptr_null(strstr(err.message, "after 1000 checks"));
    /* Errors other than not-found end the wait at once. */
    FAILS_WITH(ec2_wait_subnet_available(fake_cl, "bogus", &o, &err), "InvalidSubnetID.Malformed");
    ec2_subnet_free(&s);
    free(sg);
    free(vpc);
}
END_TEST

FAKE_SUITE(svc_ec2, setup, teardown, 30, vpc_create_describe_delete, vpc_attributes_and_default,
           zones, subnets_pages_and_dependencies, internet_gateway, route_tables,
           waiters_for_vpc_subnet_group)
