/* The API other kinds use to give their resources a name and a certificate
 * (src/resources/dns_internal.h), against the fake: a target that becomes dual-stack gets
 * an AAAA alias beside its A (never over an AAAA record someone else wrote), a certificate made in another region than the stack's (CloudFront's
 * us-east-1) is issued there, a second plan has nothing to do, and when the file no longer
 * has them both are found again (the certificate in us-east-1 too) and deleted. */
#include "../../src/resources/dns_internal.h"
#include "acm.h"
#include "elbv2.h"
#include "res_net_harness.h"

#define API_STACK                                                                          \
    "stack: kdns-api\n"                                                                    \
    "network: { vpc: { cidr: 10.62.0.0/16 }, zones: 2, nat: none, subnets: [public], "     \
    "ipv6: true }\n"                                                                       \
    "services:\n"                                                                          \
    "  app: { image: nginx, port: 8080, subnets: public }\n"

#define API_NAME "v6.kdnsapi.example.net"

/* The graph of the network kinds plus, when `with_site`, what a site kind would add:
 * a record to the balancer (ip_address_type from the balancer, as the ALB's records do)
 * and a certificate for its name in us-east-1. */
static plan_counts api_plan_typed(net_run *r, const elbv2_lb *lb, int with_site, const char *ip_type)
{
    net_rebuild(r);
    r->g->region = r->ctx.region;
    if (with_site) {
        char *dns = xasprintf("dualstack.%s", lb->dns_name);
        dnsres_add_record(r->g, API_NAME, cJSON_CreateString(dns), cJSON_CreateString(lb->hosted_zone_id),
                          cJSON_CreateString(ip_type), NULL, "site test");
        free(dns);
        char *names[] = {API_NAME};
        dnsres_add_certificate(r->g, "site-test", names, 1, "us-east-1", "site test");
    }
    aws_error err;
    aws_error_clear(&err);
    OK(plan_discover(&r->ctx, 8, &err));
    plan_compute(&r->ctx, 0);
    return plan_count(r->g);
}

static plan_counts api_plan(net_run *r, const elbv2_lb *lb, int with_site)
{
    return api_plan_typed(r, lb, with_site, lb->ip_address_type);
}

/* Write (CREATE) or delete a plain AAAA record of API_NAME, as someone else would. */
static void foreign_aaaa(net_run *r, const char *zone, r53_action action)
{
    aws_error err;
    r53_record_set set = {.name = API_NAME, .type = "AAAA", .ttl = 60};
    svc_strings_add(&set.values, "2001:db8::1");
    r53_change ch = {action, &set};
    OK(r53_change_record_sets(r->aws, zone, &ch, 1, "someone else", NULL, &err));
    svc_strings_free(&set.values);
}

/* How many nodes whose id starts with prefix the plan updates. */
static size_t updates_of(net_run *r, const char *prefix)
{
    size_t n = 0;
    for (size_t i = 0; i < r->g->n; i++)
        n += r->g->nodes[i]->action == RES_UPDATE &&
             strncmp(r->g->nodes[i]->id, prefix, strlen(prefix)) == 0;
    return n;
}

static const res_node *node_of_kind(net_run *r, const char *kind)
{
    for (size_t i = 0; i < r->g->n; i++)
        if (!strcmp(r->g->nodes[i]->kind->name, kind))
            return r->g->nodes[i];
    ck_abort_msg("no %s node", kind);
    return NULL;
}

/* The alias record of API_NAME and type in zone (NULL-safe count of sets). */
static size_t alias_sets(net_run *r, const char *zone, const char *type, const char *dns_name)
{
    aws_error err;
    r53_record_sets l = {0};
    OK(r53_get_record_sets(r->aws, zone, API_NAME, type, &l, &err));
    size_t n = 0;
    for (size_t i = 0; i < l.n; i++)
        n += l.items[i].is_alias && strstr(l.items[i].alias.dns_name, dns_name) != NULL;
    r53_record_sets_free(&l);
    return n;
}

/* How many certificates for API_NAME the account has in region. */
static size_t certs_in(net_run *r, const char *region)
{
    aws_error err;
    aws_client *c = aws_client_in_region(r->aws, region, &err);
    ck_assert_ptr_nonnull(c);
    acm_summaries l = {0};
    OK(acm_list_certificates(c, NULL, &l, &err));
    size_t n = 0;
    for (size_t i = 0; i < l.n; i++)
        n += l.items[i].domain && !strcmp(l.items[i].domain, API_NAME);
    acm_summaries_free(&l);
    return n;
}

START_TEST(site_record_dualstack_and_certificate_in_us_east_1)
{
    ck_assert_int_eq(fake_control("/_fake/route53/hosted-zones", "{\"name\": \"kdnsapi.example.net\"}"), 0);
    net_run r;
    net_open(&r, "eu-west-1");
    net_load(&r, API_STACK);
    net_up(&r);

    /* a dual-stack balancer the site points at, made here in the dual-stack network (AWS
     * refuses one in subnets without IPv6 blocks) */
    aws_error err;
    const char *subnets[] = {net_node(&r, "subnet/public-0")->physical_id,
                             net_node(&r, "subnet/public-1")->physical_id, NULL};
    elbv2_lb_in in = {.name = "kdns-api-site", .subnets = subnets, .ip_address_type = "dualstack"};
    elbv2_lb lb = {0};
    OK(elbv2_create_load_balancer(r.aws, &in, &lb, &err));
    ck_assert_str_eq(lb.ip_address_type, "dualstack");

    /* first an A record only (the target was ipv4) */
    plan_counts c = api_plan_typed(&r, &lb, 1, "ipv4");
    ck_assert_uint_eq(c.create, 2);
    ck_assert_int_eq(net_exec(&r, 1, NULL), 0);
    const res_node *rec = node_of_kind(&r, "record");
    char *zone = xstrdup(cJSON_GetObjectItem(rec->actual, "zone")->valuestring);
    ck_assert_uint_eq(alias_sets(&r, zone, "A", lb.dns_name), 1);
    ck_assert_uint_eq(alias_sets(&r, zone, "AAAA", lb.dns_name), 0);

    /* the target became dual-stack while someone else had an AAAA record of the name: the
     * update refuses to write over it, and the record is left as it was */
    foreign_aaaa(&r, zone, R53_CREATE);
    c = api_plan(&r, &lb, 1);
    /* the record is the one update besides the subnets: rebuilt here without a run, their
     * IPv6 /64s still name the VPC's block by reference (a real plan shows no change:
     * test_up_egress_ipv6.py) */
    ck_assert_uint_eq(c.update - updates_of(&r, "subnet/"), 1);
    ck_assert_int_eq(node_of_kind(&r, "record")->action, RES_UPDATE);
    ck_assert_int_ne(net_exec(&r, 0, NULL), 0);
    {
        aws_error err2;
        r53_record_sets l = {0};
        ck_assert_int_eq(r53_get_record_sets(r.aws, zone, API_NAME, "AAAA", &l, &err2), 0);
        ck_assert_uint_eq(l.n, 1);
        ck_assert(!l.items[0].is_alias);
        r53_record_sets_free(&l);
    }
    /* once it is gone, the update writes the AAAA alias beside the A */
    foreign_aaaa(&r, zone, R53_DELETE);
    c = api_plan(&r, &lb, 1);
    ck_assert_uint_eq(c.update - updates_of(&r, "subnet/"), 1);
    ck_assert_int_eq(net_exec(&r, 1, NULL), 0);
    rec = node_of_kind(&r, "record");
    const res_node *cert = node_of_kind(&r, "certificate");
    ck_assert_uint_eq(alias_sets(&r, zone, "A", lb.dns_name), 1);
    ck_assert_uint_eq(alias_sets(&r, zone, "AAAA", lb.dns_name), 1);
    ck_assert_str_eq(cJSON_GetObjectItem(rec->actual, "ip_address_type")->valuestring, "dualstack");
    ck_assert_str_eq(cJSON_GetObjectItem(cert->actual, "status")->valuestring, "ISSUED");
    ck_assert_str_eq(cJSON_GetObjectItem(cert->actual, "region")->valuestring, "us-east-1");
    ck_assert_msg(strstr(cert->physical_id, ":acm:us-east-1:") != NULL, "%s", cert->physical_id);
    ck_assert_uint_eq(certs_in(&r, "us-east-1"), 1);
    ck_assert_uint_eq(certs_in(&r, "eu-west-1"), 0);
    /* the wait said what it waited for */
    ck_assert_msg(strstr(res_events_text(&r.events), "waiting for the certificate to be issued") != NULL,
                  "%s", res_events_text(&r.events));

    c = api_plan(&r, &lb, 1);
    ck_assert_uint_eq(net_changes(c) - updates_of(&r, "subnet/"), 0);

    /* the site is gone from the file: its record and its certificate are found and go */
    c = api_plan(&r, &lb, 0);
    ck_assert_uint_eq(c.delete, 2);
    ck_assert_int_eq(net_exec(&r, 1, NULL), 0);
    ck_assert_uint_eq(alias_sets(&r, zone, "A", lb.dns_name), 0);
    ck_assert_uint_eq(alias_sets(&r, zone, "AAAA", lb.dns_name), 0);
    ck_assert_uint_eq(certs_in(&r, "us-east-1"), 0);
    free(zone);

    OK(elbv2_delete_load_balancer(r.aws, lb.arn, &err));
    elbv2_lb_free(&lb);
    net_down(&r);
    ck_assert_int_eq(fake_count_stack("kdns-api"), 0);
    net_close(&r);
}
END_TEST

FAKE_SUITE(res_dns, NULL, NULL, 120, site_record_dualstack_and_certificate_in_us_east_1)
