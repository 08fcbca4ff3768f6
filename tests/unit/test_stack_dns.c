/* The DNS part of the stack file: zones:, a load balancer's domains, a listener's
 * certificate: (auto, names, an ARN), the zone that holds a name, and the references the
 * file alone decides once a balancer has a domain. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "stack.h"
#include "../../src/stack/stack_internal.h"
#include "unit_suite.h"
#include "stack_fixture.h"

static const char *file =
    "stack: demo\n"
    "zones:\n"
    "  main: { name: FDK.Example.com. }\n"
    "  kept: { name: other.example.org, keep: false }\n"
    "load_balancers:\n"
    "  web:\n"
    "    domains: [\"*.fdk.example.com\", App.fdk.example.com]\n"
    "    listeners:\n"
    "      - { port: 80, redirect_to: 8443 }\n"
    "      - { port: 8443, certificate: auto, certificates: [\"arn:aws:acm:us-east-1:1:certificate/x\"] }\n"
    "      - { port: 9443, certificate: [api.example.net, \"*.example.net\"] }\n"
    "      - { port: 10443, certificate: \"arn:aws:acm:us-east-1:1:certificate/y\" }\n"
    "services:\n"
    "  web:\n"
    "    image: nginx\n"
    "    port: 80\n"
    "    load_balancer: { name: web, paths: [\"/api/*\"] }\n"
    "    environment:\n"
    "      SELF: ${services.web.url}\n"
    "      LB: ${load_balancers.web.url}\n"
    "      NS: ${zones.main.name_servers}\n";

START_TEST(zones_domains_and_certificates)
{
    stack_model *s = test_load_stack(file, NULL);
    ck_assert_uint_eq(s->nzones, 2);
    ck_assert_str_eq(s->zones[0].domain, "fdk.example.com");
    ck_assert_int_eq(s->zones[0].keep, 1);
    ck_assert_int_eq(s->zones[1].keep, 0);
    ck_assert_ptr_eq(stack_find_zone(s, "kept"), &s->zones[1]);
    const stack_load_balancer *lb = &s->load_balancers[0];
    ck_assert_uint_eq(lb->ndomains, 2);
    ck_assert_str_eq(lb->domains[0], "*.fdk.example.com");
    ck_assert_str_eq(lb->domains[1], "app.fdk.example.com");
    /* auto: the domains; the ARN beside it stays an extra certificate */
    const stack_listener *l = &lb->listeners[1];
    ck_assert_int_eq(l->protocol, STACK_PROTO_HTTPS);
    ck_assert_int_eq(l->certificate_auto, 1);
    ck_assert_uint_eq(l->nmanaged_names, 2);
    ck_assert_str_eq(l->managed_names[1], "app.fdk.example.com");
    ck_assert_uint_eq(l->ncertificates, 1);
    l = &lb->listeners[2];
    ck_assert_int_eq(l->certificate_auto, 0);
    ck_assert_str_eq(l->managed_names[1], "*.example.net");
    /* an ARN as the certificate is the listener's default */
    l = &lb->listeners[3];
    ck_assert_uint_eq(l->nmanaged_names, 0);
    ck_assert_str_eq(l->certificates[0], "arn:aws:acm:us-east-1:1:certificate/y");
    char *js = stack_to_json(s);
    ck_assert_ptr_nonnull(strstr(js, "\"domains\""));
    ck_assert_ptr_nonnull(strstr(js, "\"auto\":\ttrue"));
    free(js);
    stack_free(s);
}
END_TEST

START_TEST(zone_holding_a_name)
{
    stack_model *s = test_load_stack("stack: demo\nzones:\n  a: example.com\n  b: app.example.com\n"
                             "services:\n  web: { image: nginx }\n", NULL);
    ck_assert_ptr_eq(stack_zone_holding(s, "x.app.example.com"), &s->zones[1]);
    ck_assert_ptr_eq(stack_zone_holding(s, "app.example.com"), &s->zones[1]);
    ck_assert_ptr_eq(stack_zone_holding(s, "www.example.com"), &s->zones[0]);
    ck_assert_ptr_eq(stack_zone_holding(s, "example.com"), &s->zones[0]);
    ck_assert_ptr_null(stack_zone_holding(s, "badexample.com"));
    ck_assert_ptr_null(stack_zone_holding(s, "example.org"));
    stack_free(s);
}
END_TEST

/* A balancer with a domain has URLs the file decides: https://NAME[:PORT]/PATH. */
START_TEST(urls_from_the_domain)
{
    stack_model *s = test_load_stack(file, NULL);
    stack_ref lb_url = {.kind = STACK_REF_LOAD_BALANCER, .name = "web", .attr = "url"};
    stack_ref domain = {.kind = STACK_REF_LOAD_BALANCER, .name = "web", .attr = "domain"};
    stack_ref svc_url = {.kind = STACK_REF_SERVICE, .name = "web", .attr = "url"};
    stack_ref host = {.kind = STACK_REF_SERVICE, .name = "web", .attr = "host"};
    stack_ref zone = {.kind = STACK_REF_ZONE, .name = "main", .attr = "name"};
    stack_ref ns = {.kind = STACK_REF_ZONE, .name = "main", .attr = "name_servers"};
    char *v = stack_ref_static_value(s, &lb_url);
    ck_assert_str_eq(v, "https://app.fdk.example.com:8443"); /* not the wildcard */
    free(v);
    ck_assert_str_eq((v = stack_ref_static_value(s, &domain)), "*.fdk.example.com");
    free(v);
    ck_assert_str_eq((v = stack_ref_static_value(s, &svc_url)), "https://app.fdk.example.com:8443/api/");
    free(v);
    ck_assert_str_eq((v = stack_ref_static_value(s, &host)), "app.fdk.example.com");
    free(v);
    ck_assert_str_eq((v = stack_ref_static_value(s, &zone)), "fdk.example.com");
    free(v);
    ck_assert_ptr_null(stack_ref_static_value(s, &ns)); /* known once the zone exists */
    stack_free(s);
}
END_TEST

START_TEST(domain_names)
{
    ck_assert_ptr_null(stack_check_domain("app.example.com", 0));
    ck_assert_ptr_null(stack_check_domain("*.example.com", 1));
    ck_assert_ptr_nonnull(stack_check_domain("*.example.com", 0));
    ck_assert_ptr_nonnull(stack_check_domain("*.com", 1));
    ck_assert_ptr_nonnull(stack_check_domain("a.*.example.com", 1));
    ck_assert_ptr_nonnull(stack_check_domain("example", 0));
    ck_assert_ptr_nonnull(stack_check_domain("under_score.example.com", 0));
    ck_assert_ptr_nonnull(stack_check_domain("a..example.com", 0));
}
END_TEST

UNIT_SUITE(stack_dns, 0, zones_domains_and_certificates, zone_holding_a_name, urls_from_the_domain,
           domain_names)
