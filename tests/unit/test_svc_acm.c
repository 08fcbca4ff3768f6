/* ACM client against the fake: a DNS-validated certificate from request to ISSUED through
 * Route 53, idempotency tokens and a lost RequestCertificate answer (one certificate, not
 * two), an HTTPS listener refused a pending certificate and holding an issued one
 * (ResourceInUseException), lists, tags, and the waits' failures. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "acm.h"
#include "clock.h"
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

/* Write the certificate's validation CNAMEs into the zone (each name once) and wait until
 * Route 53 has them INSYNC. */
static void write_validation(const char *zone, const acm_certificate *ct)
{
    aws_error err;
    r53_record_set sets[8];
    r53_change changes[8];
    size_t n = 0;
    for (size_t i = 0; i < ct->nvalidations && n < 8; i++) {
        const acm_validation *v = &ct->validations[i];
        ck_assert_ptr_nonnull(v->record_name);
        int seen = 0;
        for (size_t j = 0; j < n; j++)
            seen |= strcmp(sets[j].name, v->record_name) == 0;
        if (seen)
            continue;
        sets[n] = (r53_record_set){.name = v->record_name, .type = "CNAME", .ttl = 300};
        svc_strings_add(&sets[n].values, v->record_value);
        changes[n] = (r53_change){R53_UPSERT, &sets[n]};
        n++;
    }
    char *id = NULL;
    OK(r53_change_record_sets(cl, zone, changes, n, "validation", &id, &err));
    OK(r53_wait_change_insync(cl, id, &dns_wait, &err));
    for (size_t i = 0; i < n; i++)
        svc_strings_free(&sets[i].values);
    free(id);
}

/* A certificate requested and issued; its ARN (free()). */
static char *issued(const char *zone, const char *domain, const char *const *alt)
{
    aws_error err;
    acm_request_in in = {.domain = domain, .alternative_names = alt};
    char *arn;
    OK(acm_request_certificate(cl, &in, &arn, &err));
    acm_certificate ct;
    OK(acm_wait_validation_records(cl, arn, &dns_wait, &ct, &err));
    write_validation(zone, &ct);
    acm_certificate_free(&ct);
    OK(acm_wait_certificate_issued(cl, arn, &dns_wait, &err));
    return arn;
}

START_TEST(dns_validation)
{
    aws_error err;
    char *zone = dns_test_zone(cl, "example.com");
    svc_tags tags = {0};
    svc_tags_add(&tags, "ecsdeploy:stack", "demo");
    const char *alt[] = {"*.example.com", "www.example.com", NULL};
    acm_request_in in = {.domain = "example.com", .alternative_names = alt, .tags = &tags};
    char *arn;
    OK(acm_request_certificate(cl, &in, &arn, &err));
    ck_assert_ptr_nonnull(strstr(arn, ":acm:us-east-1:000000000000:certificate/"));
    acm_certificate ct;
    OK(acm_describe_certificate(cl, arn, &ct, &err));
    ck_assert_str_eq(ct.status, "PENDING_VALIDATION");
    ck_assert_str_eq(ct.domain, "example.com");
    ck_assert_uint_eq(ct.names.n, 3);
    ck_assert_str_eq(ct.names.items[1], "*.example.com");
    ck_assert_uint_eq(ct.nvalidations, 3);
    ck_assert_str_eq(ct.validations[0].method, "DNS");
    ck_assert(ct.created_at > 0 && ct.issued_at == 0);
    acm_certificate_free(&ct);
    /* waiting for ISSUED without the records gives up, saying what it saw */
    aws_wait_opts brief = {.max_checks = 2, .interval_s = 0.01};
    FAILS_WITH(acm_wait_certificate_issued(cl, arn, &brief, &err), "WaiterTimeout");
    ck_assert_ptr_nonnull(strstr(err.message, "PENDING_VALIDATION"));
    OK(acm_wait_validation_records(cl, arn, &dns_wait, &ct, &err));
    for (size_t i = 0; i < ct.nvalidations; i++) {
        ck_assert_ptr_nonnull(strstr(ct.validations[i].record_value, ".acm-validations.aws."));
        ck_assert_str_eq(ct.validations[i].status, "PENDING_VALIDATION");
    }
    /* a wildcard shares its base name's record */
    ck_assert_str_eq(ct.validations[0].record_name, ct.validations[1].record_name);
    ck_assert_str_ne(ct.validations[0].record_name, ct.validations[2].record_name);
    write_validation(zone, &ct);
    acm_certificate_free(&ct);
    OK(acm_wait_certificate_issued(cl, arn, &dns_wait, &err));
    OK(acm_describe_certificate(cl, arn, &ct, &err));
    ck_assert_str_eq(ct.status, "ISSUED");
    ck_assert(ct.issued_at > 0 && ct.not_after > ct.issued_at);
    for (size_t i = 0; i < ct.nvalidations; i++)
        ck_assert_str_eq(ct.validations[i].status, "SUCCESS");
    acm_certificate_free(&ct);
    svc_tags got;
    OK(acm_list_tags(cl, arn, &got, &err));
    ck_assert_str_eq(svc_tags_get(&got, "ecsdeploy:stack"), "demo");
    svc_tags_free(&got);
    svc_tags_free(&tags);
    free(arn);
    free(zone);
}
END_TEST

START_TEST(idempotency_and_lost_answers)
{
    aws_error err;
    acm_request_in in = {.domain = "app.example.com", .idempotency_token = "stack1app"};
    char *a, *b, *c, *d;
    OK(acm_request_certificate(cl, &in, &a, &err));
    OK(acm_request_certificate(cl, &in, &b, &err));
    ck_assert_str_eq(a, b);
    in.idempotency_token = NULL; /* a random token each call: two requests, two certificates */
    OK(acm_request_certificate(cl, &in, &c, &err));
    ck_assert_str_ne(c, a);
    /* the answer is lost after the certificate was requested: the retry, with the same
     * token, answers that certificate */
    fake_lose_next("acm", "RequestCertificate", "drop");
    OK(acm_request_certificate(cl, &in, &d, &err));
    fake_lose_next("acm", "RequestCertificate", "error");
    char *e;
    OK(acm_request_certificate(cl, &in, &e, &err));
    fake_no_faults();
    acm_summaries all;
    OK(acm_list_certificates(cl, NULL, &all, &err));
    ck_assert_uint_eq(all.n, 4); /* a (= b), c, d, e */
    ck_assert_str_eq(all.items[2].arn, d);
    ck_assert_str_eq(all.items[3].arn, e);
    acm_summaries_free(&all);
    free(a);
    free(b);
    free(c);
    free(d);
    free(e);
}
END_TEST

START_TEST(listener_holds_the_certificate)
{
    aws_error err;
    char *zone = dns_test_zone(cl, "example.com");
    elbv2_lb lb;
    dns_test_alb(cl, "secure", &lb);
    acm_request_in in = {.domain = "app.example.com"};
    char *pending;
    OK(acm_request_certificate(cl, &in, &pending, &err));
    const char *certs[] = {pending, NULL};
    elbv2_action fixed = {.type = "fixed-response", .fixed = {.status_code = "404"}};
    elbv2_listener_in li = {.lb_arn = lb.arn, .protocol = "HTTPS", .port = 443,
                            .certificates = certs, .actions = &fixed, .nactions = 1};
    elbv2_listener l;
    FAILS_WITH(elbv2_create_listener(cl, &li, &l, &err), "UnsupportedCertificate");
    ck_assert(aws_error_is(&err, AWS_IS_BUSY));
    char *arn = issued(zone, "app.example.com", NULL);
    certs[0] = arn;
    /* ELB finds a just-issued certificate a few seconds later (fake: 50 ms) */
    int rc = -1;
    for (int i = 0; i < 100 && rc != 0; i++) {
        rc = elbv2_create_listener(cl, &li, &l, &err);
        ck_assert(rc == 0 || aws_error_is(&err, AWS_IS_NOT_FOUND));
        if (rc != 0)
            util_sleep(0.01, NULL);
    }
    OK(rc);
    acm_certificate ct;
    OK(acm_describe_certificate(cl, arn, &ct, &err));
    ck_assert_uint_eq(ct.in_use_by.n, 1);
    ck_assert_str_eq(ct.in_use_by.items[0], lb.arn);
    acm_certificate_free(&ct);
    FAILS_WITH(acm_delete_certificate(cl, arn, &err), "ResourceInUseException");
    ck_assert(aws_error_is(&err, AWS_IS_IN_USE));
    const char *statuses[] = {"ISSUED", NULL};
    acm_summaries all;
    OK(acm_list_certificates(cl, statuses, &all, &err));
    /* the first one too: one name has one validation record in the account */
    ck_assert_uint_eq(all.n, 2);
    ck_assert_str_eq(all.items[0].arn, pending);
    ck_assert_int_eq(all.items[0].in_use, 0);
    ck_assert_str_eq(all.items[1].arn, arn);
    ck_assert_int_eq(all.items[1].in_use, 1);
    acm_summaries_free(&all);
    OK(elbv2_delete_listener(cl, l.arn, &err));
    OK(acm_delete_certificate(cl, arn, &err));
    FAILS_WITH(acm_describe_certificate(cl, arn, &ct, &err), "ResourceNotFoundException");
    ck_assert(aws_error_is(&err, AWS_IS_NOT_FOUND));
    FAILS_WITH(acm_wait_certificate_issued(cl, arn, &dns_wait, &err),
               "ResourceNotFoundException");
    FAILS_WITH(acm_delete_certificate(cl, arn, &err), "ResourceNotFoundException");
    OK(acm_delete_certificate(cl, pending, &err));
    elbv2_listener_free(&l);
    elbv2_lb_free(&lb);
    free(pending);
    free(arn);
    free(zone);
}
END_TEST

START_TEST(lists_tags_and_refusals)
{
    aws_error err;
    acm_request_in rsa = {.domain = "rsa.example.com"};
    acm_request_in ec = {.domain = "ec.example.com", .key_algorithm = "EC_prime256v1"};
    char *a, *b;
    OK(acm_request_certificate(cl, &rsa, &a, &err));
    OK(acm_request_certificate(cl, &ec, &b, &err));
    acm_summaries all; /* every key type, not only ACM's default RSA ones */
    OK(acm_list_certificates(cl, NULL, &all, &err));
    ck_assert_uint_eq(all.n, 2);
    ck_assert_str_eq(all.items[1].arn, b);
    ck_assert_str_eq(all.items[1].status, "PENDING_VALIDATION");
    acm_summaries_free(&all);
    svc_tags t = {0}, got;
    svc_tags_add(&t, "a", "1");
    svc_tags_add(&t, "b", "2");
    OK(acm_add_tags(cl, a, &t, &err));
    svc_strings drop = {0};
    svc_strings_add(&drop, "a");
    OK(acm_remove_tags(cl, a, &drop, &err));
    OK(acm_list_tags(cl, a, &got, &err));
    ck_assert_uint_eq(got.n, 1);
    ck_assert_str_eq(svc_tags_get(&got, "b"), "2");
    svc_tags_free(&got);
    svc_tags_free(&t);
    svc_strings_free(&drop);
    acm_request_in bad = {.domain = "not a domain"};
    char *none;
    FAILS_WITH(acm_request_certificate(cl, &bad, &none, &err), "ValidationException");
    ck_assert(aws_error_is(&err, AWS_IS_INVALID));
    FAILS_WITH(acm_describe_certificate(cl, "arn:aws:acm:us-east-1:000000000000:certificate/"
                                            "00000000-0000-0000-0000-000000000000",
                                        &(acm_certificate){0}, &err),
               "ResourceNotFoundException");
    free(a);
    free(b);
}
END_TEST

/* More than 10 names: LimitExceededException (one attempt: the SDKs' standard mode
 * counts that code as throttling and would retry it). */
START_TEST(too_many_names)
{
    setenv("AWS_MAX_ATTEMPTS", "1", 1);
    aws_client *one = fake_client();
    aws_error err;
    const char *alt[] = {"a.example.com", "b.example.com", "c.example.com", "d.example.com",
                         "e.example.com", "f.example.com", "g.example.com", "h.example.com",
                         "i.example.com", "j.example.com", NULL};
    acm_request_in in = {.domain = "example.com", .alternative_names = alt};
    char *arn;
    FAILS_WITH(acm_request_certificate(one, &in, &arn, &err), "LimitExceededException");
    ck_assert(aws_error_is(&err, AWS_IS_LIMIT));
    aws_client_free(one);
}
END_TEST

FAKE_SUITE(svc_acm, setup, teardown, 60, dns_validation, idempotency_and_lost_answers,
           listener_holds_the_certificate, lists_tags_and_refusals, too_many_names)
