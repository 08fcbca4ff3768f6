/* Cloud Map client against the fake: namespaces through operations, services, instances,
 * tags. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ec2.h"
#include "fakeaws_fixture.h"
#include "servicediscovery.h"

static svc_tags stack_tags;
static fake_net net;
static const aws_wait_opts wait_opts = {.max_checks = 400, .interval_s = 0.05};

static void setup(void)
{
    fake_reset_setup();
    svc_tags_add(&stack_tags, "ecsdeploy:stack", "demo");
    fake_net_make(fake_cl, 80, 0, NULL, &net);
}

static void teardown(void)
{
    fake_client_teardown();
    svc_tags_free(&stack_tags);
    fake_net_free(&net);
}

/* Create a namespace and wait for it; returns its id. */
static char *make_namespace(const char *name, const char *creator)
{
    aws_error err;
    char *op_id;
    OK(sd_create_private_dns_namespace(fake_cl, name, net.vpc, creator, "test", &stack_tags, &op_id,
                                       &err));
    sd_operation op;
    OK(sd_wait_operation(fake_cl, op_id, &wait_opts, &op, &err));
    ck_assert_str_eq(op.status, "SUCCESS");
    ck_assert_str_eq(op.type, "CREATE_NAMESPACE");
    char *id = strdup(svc_tags_get(&op.targets, "NAMESPACE"));
    sd_operation_free(&op);
    free(op_id);
    return id;
}

START_TEST(namespace_through_operations)
{
    aws_error err;
    char *op_id, *again;
    OK(sd_create_private_dns_namespace(fake_cl, "demo.internal", net.vpc, "req-1", NULL,
                                       &stack_tags, &op_id, &err));
    /* The same CreatorRequestId gives the same operation. */
    OK(sd_create_private_dns_namespace(fake_cl, "demo.internal", net.vpc, "req-1", NULL,
                                       &stack_tags, &again, &err));
    ck_assert_str_eq(again, op_id);
    free(again);
    sd_operation op;
    OK(sd_get_operation(fake_cl, op_id, &op, &err));
    ck_assert(strcmp(op.status, "SUBMITTED") == 0 || strcmp(op.status, "PENDING") == 0);
    sd_operation_free(&op);

    aws_wait_opts quick = {.max_checks = 1, .interval_s = 0.01};
    FAILS_WITH(sd_wait_operation(fake_cl, op_id, &quick, NULL, &err), "WaiterTimeout");
    ck_assert(strstr(err.message, "SUBMITTED") || strstr(err.message, "PENDING"));
    fake_wait_seen s = {.want_what = "Cloud Map operation"};
    aws_wait_opts o = wait_opts;
    o.progress = fake_wait_progress;
    o.progress_ud = &s;
    OK(sd_wait_operation(fake_cl, op_id, &o, &op, &err));
    ck_assert_int_ge(s.calls, 1);
    const char *ns_id = svc_tags_get(&op.targets, "NAMESPACE");
    ck_assert_ptr_nonnull(ns_id);

    sd_namespace ns;
    OK(sd_get_namespace(fake_cl, ns_id, &ns, &err));
    ck_assert_str_eq(ns.name, "demo.internal");
    ck_assert_str_eq(ns.type, "DNS_PRIVATE");
    ck_assert_str_eq(ns.creator_request_id, "req-1");
    ck_assert(ns.hosted_zone_id[0] == 'Z');
    ck_assert_int_eq(ns.service_count, 0);
    const fake_tag_calls sd_tags = {.list = sd_list_tags_for_resource, .tag = sd_tag_resource,
                                    .untag = sd_untag_resource};
    fake_check_tag_calls(fake_cl, &sd_tags, ns.arn, "demo", "ecsdeploy:id", "discovery");

    char *del_op;
    OK(sd_delete_namespace(fake_cl, ns_id, &del_op, &err));
    OK(sd_wait_operation(fake_cl, del_op, &wait_opts, NULL, &err));
    FAILS_WITH(sd_get_namespace(fake_cl, ns_id, &(sd_namespace){0}, &err), "NamespaceNotFound");
    sd_operation none;
    FAILS_WITH(sd_get_operation(fake_cl, "no-such-operation", &none, &err), "OperationNotFound");
    free(del_op);
    sd_namespace_free(&ns);
    sd_operation_free(&op);
    free(op_id);
}
END_TEST

START_TEST(namespaces_listed_and_filtered)
{
    aws_error err;
    sd_namespaces l;
    OK(sd_list_namespaces(fake_cl, NULL, 0, 0, &l, &err));
    ck_assert_uint_eq(l.n, 0);
    sd_namespaces_free(&l);
    char *a = make_namespace("a.internal", NULL), *b = make_namespace("b.internal", NULL);
    char *c = make_namespace("c.example", NULL);
    OK(sd_list_namespaces(fake_cl, NULL, 0, 1, &l, &err));
    ck_assert_uint_eq(l.n, 3); /* three pages */
    sd_namespaces_free(&l);
    sd_filter f = {.name = "NAME", .value = "b.internal"};
    OK(sd_list_namespaces(fake_cl, &f, 1, 0, &l, &err));
    ck_assert_uint_eq(l.n, 1);
    ck_assert_str_eq(l.items[0].id, b);
    ck_assert_str_eq(l.items[0].name, "b.internal");
    sd_namespaces_free(&l);
    sd_filter t = {.name = "TYPE", .value = "DNS_PRIVATE"};
    OK(sd_list_namespaces(fake_cl, &t, 1, 2, &l, &err));
    ck_assert_uint_eq(l.n, 3);
    sd_namespaces_free(&l);
    sd_filter none = {.name = "NAME", .value = "nothing.internal"};
    OK(sd_list_namespaces(fake_cl, &none, 1, 0, &l, &err));
    ck_assert_uint_eq(l.n, 0);
    sd_namespaces_free(&l);
    free(a);
    free(b);
    free(c);
}
END_TEST

START_TEST(services_and_instances)
{
    aws_error err;
    char *ns = make_namespace("svc.internal", NULL);
    sd_service_in in = {.name = "catalog", .namespace_id = ns, .creator_request_id = "svc-1",
                        .ttl = 10, .custom_health = 1, .tags = &stack_tags};
    sd_service s;
    OK(sd_create_service(fake_cl, &in, &s, &err));
    ck_assert(strncmp(s.id, "srv-", 4) == 0);
    ck_assert_str_eq(s.name, "catalog");
    ck_assert_str_eq(s.namespace_id, ns);
    ck_assert_str_eq(s.record_type, "A");
    ck_assert_int_eq(s.ttl, 10);
    ck_assert_str_eq(s.routing_policy, "MULTIVALUE");
    ck_assert_int_eq(s.custom_health, 1);
    sd_service again;
    sd_service_in other = {.name = "catalog", .namespace_id = ns, .ttl = 30};
    FAILS_WITH(sd_create_service(fake_cl, &other, &again, &err), "ServiceAlreadyExists");

    sd_service g;
    OK(sd_get_service(fake_cl, s.id, &g, &err));
    ck_assert_str_eq(g.arn, s.arn);
    ck_assert_str_eq(g.creator_request_id, "svc-1");
    sd_service_free(&g);
    char *up;
    OK(sd_update_service(fake_cl, s.id, NULL, 30, "catalog service", &up, &err));
    OK(sd_wait_operation(fake_cl, up, &wait_opts, NULL, &err));
    free(up);
    FAILS_WITH(sd_update_service(fake_cl, s.id, NULL, 0, NULL, NULL, &err), "InvalidParameter");
    OK(sd_get_service(fake_cl, s.id, &g, &err));
    ck_assert_int_eq(g.ttl, 30);
    ck_assert_str_eq(g.description, "catalog service");
    sd_service_free(&g);
    sd_service_in second = {.name = "api", .namespace_id = ns};
    OK(sd_create_service(fake_cl, &second, &g, &err));
    ck_assert_int_eq(g.ttl, 60);
    ck_assert_int_eq(g.custom_health, 0);
    sd_filter f = {.name = "NAMESPACE_ID", .value = ns};
    sd_services l;
    OK(sd_list_services(fake_cl, &f, 1, 1, &l, &err));
    ck_assert_uint_eq(l.n, 2);
    sd_services_free(&l);

    /* ECS registers instances; here the raw call stands in for it. */
    for (int i = 0; i < 3; i++) {
        char id[32], ip[32];
        snprintf(id, sizeof id, "task-%d", i);
        snprintf(ip, sizeof ip, "10.80.0.%d", 10 + i);
        cJSON *req = cJSON_CreateObject(), *out = NULL;
        cJSON_AddStringToObject(req, "ServiceId", s.id);
        cJSON_AddStringToObject(req, "InstanceId", id);
        cJSON_AddStringToObject(cJSON_AddObjectToObject(req, "Attributes"), "AWS_INSTANCE_IPV4",
                                ip);
        OK(aws_json_call(fake_cl, "servicediscovery", "RegisterInstance", req, &out, &err));
        cJSON_Delete(req);
        cJSON_Delete(out);
    }
    sd_instances inst;
    OK(sd_list_instances(fake_cl, s.id, 2, &inst, &err));
    ck_assert_uint_eq(inst.n, 3);
    ck_assert_str_eq(inst.items[0].id, "task-0");
    ck_assert_str_eq(svc_tags_get(&inst.items[0].attributes, "AWS_INSTANCE_IPV4"), "10.80.0.10");
    sd_instances_free(&inst);

    FAILS_WITH(sd_delete_service(fake_cl, s.id, &err), "ResourceInUse");
    char *nsop = NULL;
    FAILS_WITH(sd_delete_namespace(fake_cl, ns, &nsop, &err), "ResourceInUse");
    for (int i = 0; i < 3; i++) {
        char id[32], *op;
        snprintf(id, sizeof id, "task-%d", i);
        OK(sd_deregister_instance(fake_cl, s.id, id, &op, &err));
        OK(sd_wait_operation(fake_cl, op, &wait_opts, NULL, &err));
        free(op);
    }
    FAILS_WITH(sd_deregister_instance(fake_cl, s.id, "task-0", NULL, &err), "InstanceNotFound");
    OK(sd_list_instances(fake_cl, s.id, 0, &inst, &err));
    ck_assert_uint_eq(inst.n, 0);
    sd_instances_free(&inst);
    OK(sd_delete_service(fake_cl, s.id, &err));
    OK(sd_delete_service(fake_cl, g.id, &err));
    FAILS_WITH(sd_get_service(fake_cl, s.id, &again, &err), "ServiceNotFound");
    OK(sd_list_services(fake_cl, &f, 1, 0, &l, &err));
    ck_assert_uint_eq(l.n, 0);
    sd_services_free(&l);
    OK(sd_delete_namespace(fake_cl, ns, &nsop, &err));
    OK(sd_wait_operation(fake_cl, nsop, &wait_opts, NULL, &err));
    free(nsop);
    sd_service_free(&s);
    sd_service_free(&g);
    free(ns);
}
END_TEST

FAKE_SUITE(svc_sd, setup, teardown, 30, namespace_through_operations,
           namespaces_listed_and_filtered, services_and_instances)
