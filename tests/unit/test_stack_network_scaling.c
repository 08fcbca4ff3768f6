/* Decoding of scaling, Service Connect, egress, network.ipv6 and CIDR peers: what the
 * model holds for valid files (defaults, normal forms). The refusals are fixtures in
 * tests/stack (checked by tests/e2e/test_stack_rules.sh). */
#include <check.h>
#include <string.h>

#include "stack.h"
#include "unit_suite.h"
#include "stack_fixture.h"

START_TEST(scaling_model)
{
    stack_model *s = test_load_stack(
        "stack: demo\n"
        "load_balancers: { web: { listeners: [ { port: 80 } ] } }\n"
        "services:\n"
        "  web:\n"
        "    image: nginx\n"
        "    port: 80\n"
        "    load_balancer: { name: web }\n"
        "    scaling:\n"
        "      min: 2\n"
        "      max: 6\n"
        "      cpu: 60\n"
        "      requests: 1000\n"
        "      scale_out_cooldown: 60\n"
        "      schedule:\n"
        "        - { name: day, cron: \"0 8 ? * MON-FRI *\", min: 3, timezone: Europe/Paris }\n"
        "        - { name: once, at: \"at(2026-12-24T18:00:00)\", max: 2 }\n"
        "        - { name: tick, rate: \"1 day\", min: 2, max: 4 }\n"
        "  fixed: { image: nginx, desired_count: 3 }\n", NULL);
    const stack_service *v = stack_find_service(s, "web");
    const stack_scaling *sc = &v->scaling;
    ck_assert(sc->set);
    ck_assert_int_eq(sc->min, 2);
    ck_assert_int_eq(sc->max, 6);
    ck_assert(sc->cpu == 60 && sc->memory == 0 && sc->requests == 1000);
    ck_assert_int_eq(sc->scale_in_cooldown, 300);
    ck_assert_int_eq(sc->scale_out_cooldown, 60);
    ck_assert_int_eq(v->desired_count, 2); /* min, at creation */
    ck_assert_uint_eq(sc->nschedule, 3);
    ck_assert_str_eq(sc->schedule[0].schedule, "cron(0 8 ? * MON-FRI *)");
    ck_assert_str_eq(sc->schedule[0].timezone, "Europe/Paris");
    ck_assert_int_eq(sc->schedule[0].min, 3);
    ck_assert_int_eq(sc->schedule[0].max, -1);
    ck_assert_str_eq(sc->schedule[1].schedule, "at(2026-12-24T18:00:00)");
    ck_assert_ptr_null(sc->schedule[1].timezone);
    ck_assert_int_eq(sc->schedule[1].min, -1);
    ck_assert_str_eq(sc->schedule[2].schedule, "rate(1 day)");
    const stack_service *f = stack_find_service(s, "fixed");
    ck_assert(!f->scaling.set);
    ck_assert_int_eq(f->desired_count, 3);
    stack_free(s);
}
END_TEST

START_TEST(connect_defaults)
{
    stack_model *s = test_load_stack(
        "stack: demo\n"
        "service_connect: { namespace: demo.local }\n"
        "services:\n"
        "  server: { image: x, port: 3000, service_connect: { aliases: [ \"api:80\" ] } }\n"
        "  plain: { image: x, ports: [ 8080, 9090 ], service_connect: {} }\n"
        "  named: { image: x, port: 5000, service_connect: { port_name: rpc, discovery_name: backend } }\n"
        "  agent: { image: x, service_connect: { client_only: true } }\n", NULL);
    ck_assert_str_eq(s->connect_namespace, "demo.local");
    const stack_connect *k = &stack_find_service(s, "server")->connect;
    ck_assert(k->set && !k->client_only);
    ck_assert_int_eq(k->port, 3000);
    ck_assert_str_eq(k->port_name, "server");
    ck_assert_str_eq(k->discovery_name, "server");
    ck_assert_str_eq(k->alias, "api");
    ck_assert_int_eq(k->alias_port, 80);
    k = &stack_find_service(s, "plain")->connect;
    ck_assert_int_eq(k->port, 8080); /* the first port */
    ck_assert_str_eq(k->alias, "plain");
    ck_assert_int_eq(k->alias_port, 8080);
    k = &stack_find_service(s, "named")->connect;
    ck_assert_str_eq(k->port_name, "rpc");
    ck_assert_str_eq(k->discovery_name, "backend");
    ck_assert_str_eq(k->alias, "backend");
    k = &stack_find_service(s, "agent")->connect;
    ck_assert(k->set && k->client_only);
    ck_assert_ptr_null(k->alias);
    stack_free(s);
}
END_TEST

START_TEST(egress_destinations)
{
    stack_model *s = test_load_stack(
        "stack: demo\n"
        "services:\n"
        "  server: { image: x, port: 3000 }\n"
        "  agent:\n"
        "    image: x\n"
        "    egress:\n"
        "      - { port: 443, to: 0.0.0.0/0 }\n"
        "      - { port: 443, to: \"2001:DB8:0::/32\" }\n"
        "      - { port: 53, protocol: udp, to: vpc }\n"
        "      - { port: 3000, to: server }\n"
        "      - { port: \"1024-2048\", to: sg-0123456789abcdef0 }\n"
        "      - { protocol: all, to: pl-0123456789abcdef0 }\n"
        "  open: { image: x }\n", NULL);
    const stack_service *v = stack_find_service(s, "agent");
    ck_assert_uint_eq(v->negress, 6);
    ck_assert_int_eq(v->egress[0].kind, STACK_DEST_CIDR);
    ck_assert_str_eq(v->egress[0].protocol, "tcp");
    ck_assert_int_eq(v->egress[0].port, 443);
    ck_assert_int_eq(v->egress[0].to_port, 443);
    ck_assert_int_eq(v->egress[1].kind, STACK_DEST_CIDR);
    ck_assert_str_eq(v->egress[1].to, "2001:db8::/32"); /* normalised */
    ck_assert_int_eq(v->egress[2].kind, STACK_DEST_VPC);
    ck_assert_str_eq(v->egress[2].protocol, "udp");
    ck_assert_int_eq(v->egress[3].kind, STACK_DEST_SERVICE);
    ck_assert_str_eq(v->egress[3].to, "server");
    ck_assert_int_eq(v->egress[4].kind, STACK_DEST_GROUP);
    ck_assert_int_eq(v->egress[4].port, 1024);
    ck_assert_int_eq(v->egress[4].to_port, 2048);
    ck_assert_int_eq(v->egress[5].kind, STACK_DEST_PREFIX_LIST);
    ck_assert_str_eq(v->egress[5].protocol, "all");
    ck_assert_uint_eq(stack_find_service(s, "open")->negress, 0); /* AWS's allow-all */
    stack_free(s);
}
END_TEST

START_TEST(ipv6_network_and_cidr_peers)
{
    stack_model *s = test_load_stack(
        "stack: demo\n"
        "network: { vpc: { cidr: 10.0.0.0/16 }, nat: single, ipv6: true }\n"
        "load_balancers:\n"
        "  open: { listeners: [ { port: 80 } ] }\n"
        "  some: { listeners: [ { port: 80 } ], allow_from: [ \"2001:DB8::/48\", 198.51.100.0/24 ] }\n"
        "services:\n"
        "  web: { image: x, port: 80, allow_from: [ \"::/0\", 203.0.113.0/24, { cidr: \"2001:db8::/32\", port: 80 } ] }\n", NULL);
    ck_assert(s->network.ipv6);
    const stack_load_balancer *lb = NULL;
    for (size_t i = 0; i < s->nload_balancers; i++)
        if (!strcmp(s->load_balancers[i].name, "open"))
            lb = &s->load_balancers[i];
    ck_assert_ptr_nonnull(lb);
    ck_assert_uint_eq(lb->nallow_cidrs, 2); /* everyone, over IPv6 too */
    ck_assert_str_eq(lb->allow_cidrs[0], "0.0.0.0/0");
    ck_assert_str_eq(lb->allow_cidrs[1], "::/0");
    for (size_t i = 0; i < s->nload_balancers; i++)
        if (!strcmp(s->load_balancers[i].name, "some"))
            lb = &s->load_balancers[i];
    ck_assert_uint_eq(lb->nallow_cidrs, 2);
    ck_assert_str_eq(lb->allow_cidrs[0], "2001:db8::/48");
    const stack_service *v = stack_find_service(s, "web");
    ck_assert_uint_eq(v->nallow_from, 3);
    ck_assert_int_eq(v->allow_from[0].kind, STACK_PEER_CIDR);
    ck_assert_str_eq(v->allow_from[0].peer, "::/0");
    ck_assert_str_eq(v->allow_from[1].peer, "203.0.113.0/24");
    ck_assert_str_eq(v->allow_from[2].peer, "2001:db8::/32");
    ck_assert_int_eq(v->allow_from[2].port, 80);
    stack_free(s);
}
END_TEST

UNIT_SUITE(stack_network_scaling, 0, scaling_model, connect_defaults, egress_destinations,
           ipv6_network_and_cidr_peers)
