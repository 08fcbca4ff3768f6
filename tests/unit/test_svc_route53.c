/* Route 53 client against the fake: zones, the zone that holds a name, record sets and
 * their pages, change batches and their refusals, aliases to a load balancer, INSYNC,
 * tags, and lost answers of the calls that create (no second zone, no batch twice). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_svc_dns_env.h"

static aws_client *cl;

static void setup(void)
{
    cl = fake_reset_client();
}

static void teardown(void)
{
    aws_client_free(cl);
}

/* A record set with values (borrowed strings). */
static r53_record_set plain(const char *name, const char *type, long long ttl,
                            const char *const *values)
{
    r53_record_set r = {.name = (char *)name, .type = (char *)type, .ttl = ttl};
    for (size_t i = 0; values[i]; i++)
        svc_strings_add(&r.values, values[i]);
    return r;
}

static int change1(const char *zone, r53_action action, const r53_record_set *r, char **id,
                   aws_error *err)
{
    r53_change ch = {action, r};
    return r53_change_record_sets(cl, zone, &ch, 1, NULL, id, err);
}

START_TEST(zones)
{
    aws_error err;
    r53_zone_in in = {.name = "Example.com", .caller_reference = "zones-1", .comment = "test"};
    r53_zone z;
    svc_strings ns = {0};
    char *change = NULL;
    OK(r53_create_hosted_zone(cl, &in, &z, &ns, &change, &err));
    ck_assert_str_eq(z.name, "example.com.");
    ck_assert_str_eq(z.caller_reference, "zones-1");
    ck_assert_str_eq(z.comment, "test");
    ck_assert_int_eq(z.private_zone, 0);
    ck_assert_int_eq(z.record_count, 2);
    ck_assert_uint_eq(ns.n, 4);
    ck_assert_ptr_nonnull(change);
    ck_assert(z.id[0] == 'Z' && !strchr(z.id, '/'));
    /* the reference is spent: a second create with it is refused */
    r53_zone dup;
    FAILS_WITH(r53_create_hosted_zone(cl, &in, &dup, NULL, NULL, &err), "HostedZoneAlreadyExists");
    ck_assert(aws_error_is(&err, AWS_IS_EXISTS));
    /* ids with Route 53's prefixes work too */
    char *prefixed = malloc(strlen(z.id) + 13);
    sprintf(prefixed, "/hostedzone/%s", z.id);
    r53_zone got;
    svc_strings ns2 = {0};
    OK(r53_get_hosted_zone(cl, prefixed, &got, &ns2, &err));
    ck_assert_str_eq(got.id, z.id);
    ck_assert_uint_eq(ns2.n, 4);
    ck_assert_str_eq(ns2.items[0], ns.items[0]);
    free(prefixed);
    r53_zone_free(&got);
    svc_strings_free(&ns2);
    FAILS_WITH(r53_get_hosted_zone(cl, "Z0NOSUCHZONE", &got, NULL, &err), "NoSuchHostedZone");
    ck_assert(aws_error_is(&err, AWS_IS_NOT_FOUND));
    free(change);
    r53_zone_free(&z);
    svc_strings_free(&ns);
}
END_TEST

/* Pages, Route 53's order by name, the zone that holds a name, deletion. */
START_TEST(zone_lists_and_deletion)
{
    aws_error err;
    char *top = dns_test_zone(cl, "example.com");
    char *sub = dns_test_zone(cl, "app.example.com");
    char *org = dns_test_zone(cl, "example.org");
    r53_zones all;
    OK(r53_list_hosted_zones(cl, 1, &all, &err));
    ck_assert_uint_eq(all.n, 3);
    ck_assert_str_eq(all.items[0].id, top);
    r53_zones_free(&all);
    OK(r53_list_hosted_zones_by_name(cl, NULL, &all, &err));
    ck_assert_uint_eq(all.n, 3);
    ck_assert_str_eq(all.items[0].name, "example.com.");
    ck_assert_str_eq(all.items[1].name, "app.example.com.");
    ck_assert_str_eq(all.items[2].name, "example.org.");
    int twins = 1;
    const r53_zone *hold = r53_zone_for_name(&all, "www.app.example.com", &twins);
    ck_assert_ptr_nonnull(hold);
    ck_assert_str_eq(hold->id, sub);
    ck_assert_int_eq(twins, 0);
    ck_assert_str_eq(r53_zone_for_name(&all, "API.Example.COM.", NULL)->id, top);
    ck_assert_str_eq(r53_zone_for_name(&all, "example.com", NULL)->id, top);
    ck_assert_ptr_null(r53_zone_for_name(&all, "example.net", NULL));
    ck_assert_ptr_null(r53_zone_for_name(&all, "badexample.com", NULL));
    r53_zones_free(&all);
    char *twin = dns_test_zone(cl, "example.org");
    OK(r53_list_hosted_zones_by_name(cl, "example.org", &all, &err));
    ck_assert_uint_eq(all.n, 2);
    ck_assert_ptr_null(r53_zone_for_name(&all, "www.example.org", &twins));
    ck_assert_int_eq(twins, 1);
    r53_zones_free(&all);

    /* a zone with records other than its SOA and NS cannot go */
    const char *ip[] = {"192.0.2.10", NULL};
    r53_record_set www = plain("www.example.org", "A", 60, ip);
    OK(change1(org, R53_CREATE, &www, NULL, &err));
    FAILS_WITH(r53_delete_hosted_zone(cl, org, NULL, &err), "HostedZoneNotEmpty");
    ck_assert(aws_error_is(&err, AWS_IS_IN_USE));
    OK(change1(org, R53_DELETE, &www, NULL, &err));
    svc_strings_free(&www.values);
    char *gone = NULL;
    OK(r53_delete_hosted_zone(cl, org, &gone, &err));
    ck_assert_ptr_nonnull(gone);
    FAILS_WITH(r53_delete_hosted_zone(cl, org, NULL, &err), "NoSuchHostedZone");
    free(gone);
    free(twin);
    free(org);
    free(sub);
    free(top);
}
END_TEST

START_TEST(records_and_changes)
{
    aws_error err;
    char *zone = dns_test_zone(cl, "example.com");
    const char *ips[] = {"192.0.2.1", "192.0.2.2", NULL}, *txt[] = {"\"hello\"", NULL};
    r53_record_set a = plain("www.example.com", "A", 60, ips);
    r53_record_set t = plain("*.Example.com", "TXT", 300, txt);
    r53_change both[] = {{R53_CREATE, &a}, {R53_CREATE, &t}};
    char *id = NULL, *status = NULL;
    OK(r53_change_record_sets(cl, zone, both, 2, "two records", &id, &err));
    /* PENDING for 0.4 s here (the fake's own tests check the clock exactly): a machine
     * slow enough may already see INSYNC, so either is accepted */
    OK(r53_get_change(cl, id, &status, &err));
    ck_assert_msg(strcmp(status, "PENDING") == 0 || strcmp(status, "INSYNC") == 0, "%s", status);
    int pending = strcmp(status, "PENDING") == 0;
    free(status);
    /* a bound too short gives up with what it saw; a longer one sees INSYNC */
    aws_wait_opts brief = {.max_checks = 1, .interval_s = 0.01};
    if (pending && r53_wait_change_insync(cl, id, &brief, &err) != 0) {
        ck_assert_str_eq(err.code, "WaiterTimeout");
        ck_assert(aws_error_is(&err, AWS_IS_TIMED_OUT));
        ck_assert_ptr_nonnull(strstr(err.message, "last seen: PENDING"));
    }
    OK(r53_wait_change_insync(cl, id, &dns_wait, &err));
    FAILS_WITH(r53_get_change(cl, "C0NOSUCHCHANGE", &status, &err), "NoSuchChange");
    ck_assert(aws_error_is(&err, AWS_IS_NOT_FOUND));

    r53_record_sets got;
    OK(r53_get_record_sets(cl, zone, "WWW.example.com.", "A", &got, &err));
    ck_assert_uint_eq(got.n, 1);
    ck_assert_str_eq(got.items[0].name, "www.example.com.");
    ck_assert(r53_record_set_equal(&got.items[0], &a));
    r53_record_sets_free(&got);
    OK(r53_get_record_sets(cl, zone, "*.example.com", "TXT", &got, &err));
    ck_assert_uint_eq(got.n, 1);
    ck_assert_str_eq(got.items[0].name, "\\052.example.com.");
    ck_assert(r53_name_equal(got.items[0].name, "*.example.com"));
    ck_assert(r53_record_set_equal(&got.items[0], &t));
    r53_record_sets_free(&got);
    OK(r53_get_record_sets(cl, zone, "www.example.com", "AAAA", &got, &err));
    ck_assert_uint_eq(got.n, 0);
    r53_record_sets_free(&got);

    /* refusals: each problem named, nothing applied */
    const char *other[] = {"192.0.2.9", NULL};
    r53_record_set a2 = plain("www.example.com", "A", 60, other);
    r53_record_set fresh = plain("new.example.com", "A", 60, other);
    r53_change bad[] = {{R53_CREATE, &fresh}, {R53_CREATE, &a2}, {R53_DELETE, &a2}};
    FAILS_WITH(r53_change_record_sets(cl, zone, bad, 3, NULL, NULL, &err), "InvalidChangeBatch");
    ck_assert(aws_error_is(&err, AWS_IS_INVALID));
    ck_assert_ptr_nonnull(strstr(err.message, "but it already exists"));
    ck_assert_ptr_nonnull(strstr(err.message, "do not match the current values"));
    OK(r53_get_record_sets(cl, zone, "new.example.com", "A", &got, &err));
    ck_assert_uint_eq(got.n, 0);
    r53_record_sets_free(&got);
    r53_record_set outside = plain("www.example.org", "A", 60, other);
    FAILS_WITH(change1(zone, R53_UPSERT, &outside, NULL, &err), "InvalidChangeBatch");
    ck_assert_ptr_nonnull(strstr(err.message, "is not permitted in zone example.com."));
    /* UPSERT replaces; DELETE with the values as they are */
    OK(change1(zone, R53_UPSERT, &a2, NULL, &err));
    FAILS_WITH(change1(zone, R53_DELETE, &a, NULL, &err), "InvalidChangeBatch");
    OK(change1(zone, R53_DELETE, &a2, NULL, &err));
    FAILS_WITH(r53_change_record_sets(cl, "Z0NOSUCHZONE", both, 2, NULL, NULL, &err),
               "NoSuchHostedZone");
    svc_strings_free(&a.values);
    svc_strings_free(&a2.values);
    svc_strings_free(&t.values);
    svc_strings_free(&fresh.values);
    svc_strings_free(&outside.values);
    free(id);
    free(zone);
}
END_TEST

/* More records than one page holds (300), with weighted ones across the page boundary:
 * the third part of the marker (the set identifier) is followed. */
START_TEST(record_pages)
{
    aws_error err;
    char *zone = dns_test_zone(cl, "example.com");
    enum { PLAIN = 297, WEIGHTED = 3 };
    r53_record_set sets[PLAIN + WEIGHTED];
    r53_change changes[PLAIN + WEIGHTED];
    char names[PLAIN][32];
    const char *ip[] = {"192.0.2.1", NULL};
    const char *ids[WEIGHTED] = {"blue", "green", "red"};
    for (int i = 0; i < PLAIN + WEIGHTED; i++) {
        if (i < PLAIN) {
            snprintf(names[i], sizeof names[i], "a%03d.example.com", i);
            sets[i] = plain(names[i], "A", 60, ip);
        } else {
            sets[i] = plain("w.example.com", "A", 60, ip);
            sets[i].set_identifier = (char *)ids[i - PLAIN];
            sets[i].weight = 10 * (i - PLAIN);
        }
        changes[i] = (r53_change){R53_CREATE, &sets[i]};
    }
    OK(r53_change_record_sets(cl, zone, changes, PLAIN + WEIGHTED, NULL, NULL, &err));
    r53_record_sets all;
    OK(r53_list_record_sets(cl, zone, &all, &err));
    ck_assert_uint_eq(all.n, 2 + PLAIN + WEIGHTED); /* with the apex NS and SOA */
    ck_assert_str_eq(all.items[0].type, "NS");
    ck_assert_str_eq(all.items[2].name, "a000.example.com.");
    for (int i = 0; i < WEIGHTED; i++) {
        const r53_record_set *w = &all.items[2 + PLAIN + i];
        ck_assert_str_eq(w->set_identifier, ids[i]);
        ck_assert(r53_record_set_equal(w, &sets[PLAIN + i]));
    }
    r53_record_sets_free(&all);
    OK(r53_get_record_sets(cl, zone, "w.example.com", "A", &all, &err));
    ck_assert_uint_eq(all.n, WEIGHTED);
    r53_record_sets_free(&all);
    for (int i = 0; i < PLAIN + WEIGHTED; i++)
        svc_strings_free(&sets[i].values);
    free(zone);
}
END_TEST

START_TEST(alias_to_load_balancer)
{
    aws_error err;
    char *zone = dns_test_zone(cl, "example.com");
    elbv2_lb lb;
    dns_test_alb(cl, "aliased", &lb);
    char *dual = malloc(strlen(lb.dns_name) + 11);
    sprintf(dual, "dualstack.%s", lb.dns_name);
    r53_record_set alias = {.name = "app.example.com", .type = "A", .is_alias = 1,
                            .alias = {lb.hosted_zone_id, dual, 1}};
    char *id = NULL;
    OK(change1(zone, R53_CREATE, &alias, &id, &err));
    OK(r53_wait_change_insync(cl, id, &dns_wait, &err));
    r53_record_sets got;
    OK(r53_get_record_sets(cl, zone, "app.example.com", "A", &got, &err));
    ck_assert_uint_eq(got.n, 1);
    ck_assert(got.items[0].is_alias);
    ck_assert_str_eq(got.items[0].alias.hosted_zone_id, lb.hosted_zone_id);
    ck_assert(r53_name_equal(got.items[0].alias.dns_name, dual));
    ck_assert(r53_record_set_equal(&got.items[0], &alias));
    r53_record_sets_free(&got);
    /* the right name with another region's zone id, or a balancer that is not there */
    r53_record_set wrong = {.name = "bad.example.com", .type = "A", .is_alias = 1,
                            .alias = {"Z32O12XQLNTSW2", lb.dns_name, 0}};
    FAILS_WITH(change1(zone, R53_CREATE, &wrong, NULL, &err), "InvalidChangeBatch");
    ck_assert_ptr_nonnull(strstr(err.message, "does not lie within the target zone"));
    wrong.alias = (r53_alias){lb.hosted_zone_id, "gone-1.us-east-1.elb.amazonaws.com", 0};
    FAILS_WITH(change1(zone, R53_CREATE, &wrong, NULL, &err), "InvalidChangeBatch");
    ck_assert_ptr_nonnull(strstr(err.message, "that target was not found"));
    /* deleting needs the alias exactly */
    alias.alias.evaluate_target_health = 0;
    FAILS_WITH(change1(zone, R53_DELETE, &alias, NULL, &err), "InvalidChangeBatch");
    alias.alias.evaluate_target_health = 1;
    OK(change1(zone, R53_DELETE, &alias, NULL, &err));
    free(id);
    free(dual);
    free(zone);
    elbv2_lb_free(&lb);
}
END_TEST

START_TEST(tags)
{
    aws_error err;
    char *zone = dns_test_zone(cl, "example.com");
    svc_tags add = {0}, got;
    svc_tags_add(&add, "ecsdeploy:stack", "demo");
    svc_tags_add(&add, "ecsdeploy:id", "zone/main");
    OK(r53_change_tags(cl, zone, &add, NULL, &err));
    svc_strings drop = {0};
    svc_strings_add(&drop, "ecsdeploy:id");
    OK(r53_change_tags(cl, zone, NULL, &drop, &err));
    OK(r53_list_tags(cl, zone, &got, &err));
    ck_assert_uint_eq(got.n, 1);
    ck_assert_str_eq(svc_tags_get(&got, "ecsdeploy:stack"), "demo");
    svc_tags_free(&got);
    FAILS_WITH(r53_list_tags(cl, "Z0NOSUCHZONE", &got, &err), "NoSuchHostedZone");
    /* several zones at once, each its own list, in the order asked */
    char *other = dns_test_zone(cl, "example.org");
    const char *both[] = {other, zone};
    svc_tags many[2];
    OK(r53_list_tags_many(cl, both, 2, many, &err));
    ck_assert_uint_eq(many[0].n, 0);
    ck_assert_str_eq(svc_tags_get(&many[1], "ecsdeploy:stack"), "demo");
    svc_tags_free(&many[0]);
    svc_tags_free(&many[1]);
    const char *gone[] = {zone, "Z0NOSUCHZONE"};
    FAILS_WITH(r53_list_tags_many(cl, gone, 2, many, &err), "NoSuchHostedZone");
    ck_assert(aws_error_is(&err, AWS_IS_NOT_FOUND));
    const char *eleven[11];
    for (int i = 0; i < 11; i++)
        eleven[i] = zone;
    svc_tags none[11];
    ck_assert_int_eq(r53_list_tags_many(cl, eleven, 11, none, &err), -1); /* refused before sending */
    free(other);
    svc_tags_free(&add);
    svc_strings_free(&drop);
    free(zone);
}
END_TEST

START_TEST(names)
{
    ck_assert(r53_name_equal("App.Example.com", "app.example.com."));
    ck_assert(r53_name_equal("\\052.example.com.", "*.example.com"));
    ck_assert(!r53_name_equal("example.com", "example.com.au"));
    ck_assert(!r53_name_equal("a.example.com", "b.example.com"));
}
END_TEST

/* The answer of a create is lost after the zone was made: the zone is found by its caller
 * reference, not made twice; a batch whose answer is lost is not sent again. */
START_TEST(lost_answers)
{
    aws_error err;
    r53_zone z;
    svc_strings ns = {0};
    char *change = NULL;
    fake_lose_next("route53", "CreateHostedZone", "drop");
    r53_zone_in in = {.name = "example.com"};
    OK(r53_create_hosted_zone(cl, &in, &z, &ns, &change, &err));
    ck_assert_uint_eq(ns.n, 4);
    ck_assert_ptr_null(change); /* found, not answered */
    fake_lose_next("route53", "CreateHostedZone", "error");
    r53_zone z2;
    in.name = "example.org";
    OK(r53_create_hosted_zone(cl, &in, &z2, NULL, NULL, &err));
    r53_zones all;
    OK(r53_list_hosted_zones(cl, 0, &all, &err));
    ck_assert_uint_eq(all.n, 2);
    ck_assert_str_eq(all.items[0].id, z.id);
    ck_assert_str_eq(all.items[1].id, z2.id);
    r53_zones_free(&all);

    const char *ip[] = {"192.0.2.1", NULL};
    r53_record_set a = plain("www.example.com", "A", 60, ip);
    fake_lose_next("route53", "ChangeResourceRecordSets", "drop");
    OK(change1(z.id, R53_CREATE, &a, &change, &err));
    ck_assert_ptr_nonnull(change); /* an UPSERT of the same record, to wait for */
    OK(r53_wait_change_insync(cl, change, &dns_wait, &err));
    free(change);
    r53_record_sets got;
    OK(r53_get_record_sets(cl, z.id, "www.example.com", "A", &got, &err));
    ck_assert_uint_eq(got.n, 1);
    r53_record_sets_free(&got);
    fake_lose_next("route53", "ChangeResourceRecordSets", "error");
    OK(change1(z.id, R53_DELETE, &a, &change, &err));
    ck_assert_ptr_null(change); /* a deletion found done: nothing to wait for */
    OK(r53_get_record_sets(cl, z.id, "www.example.com", "A", &got, &err));
    ck_assert_uint_eq(got.n, 0);
    r53_record_sets_free(&got);
    fake_lose_next("route53", "DeleteHostedZone", "drop");
    OK(r53_delete_hosted_zone(cl, z2.id, NULL, &err));
    r53_zone gone;
    FAILS_WITH(r53_get_hosted_zone(cl, z2.id, &gone, NULL, &err), "NoSuchHostedZone");
    fake_no_faults();
    svc_strings_free(&a.values);
    svc_strings_free(&ns);
    r53_zone_free(&z);
    r53_zone_free(&z2);
}
END_TEST

FAKE_SUITE(svc_route53, setup, teardown, 60, zones, zone_lists_and_deletion, records_and_changes,
           record_pages, alias_to_load_balancer, tags, names, lost_answers)
