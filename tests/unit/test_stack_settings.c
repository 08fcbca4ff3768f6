/* The seeds' settings in the model: cluster Insights and capacity strategies, a service's
 * own strategy, container user/readonly_root/ulimits/repository_credentials, the log group
 * each service logs to, given-else-generated secrets, bucket permissions by S3 name with
 * conditions, and the default bucket name. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack.h"
#include "stack_names.h"
#include "unit_suite.h"
#include "stack_fixture.h"

static const char *settings_yml =
    "stack: shop\n"
    "logs: { name: /ecs/shop, retention_days: never }\n"
    "cluster:\n"
    "  insights: enhanced\n"
    "  capacity: [ { provider: FARGATE, base: 2 }, { provider: FARGATE_SPOT, weight: 3 } ]\n"
    "secrets:\n"
    "  token: { from_env: SHOP_TOKEN, generate: { length: 24 } }\n"
    "  registry: { existing: shop/registry }\n"
    "services:\n"
    "  web:\n"
    "    image: registry.example.com/shop/web:1\n"
    "    user: \"1000:1000\"\n"
    "    readonly_root: true\n"
    "    ulimits: { nofile: 65536, nproc: { soft: 512, hard: 1024 } }\n"
    "    repository_credentials: registry\n"
    "    capacity: [ { provider: FARGATE_SPOT, weight: 1 } ]\n"
    "    logs: { name: /custom/web, retention_days: 14 }\n"
    "    permissions:\n"
    "      - { bucket_name: acme-shared, prefix: app/, access: read-write,\n"
    "          conditions: { StringEquals: { \"aws:SourceVpce\": vpce-1 } } }\n"
    "  worker: { image: busybox }\n";

START_TEST(cluster_and_capacity)
{
    stack_model *s = test_load_stack(settings_yml, NULL);
    ck_assert_str_eq(s->cluster.insights, "enhanced");
    ck_assert_uint_eq(s->cluster.ncapacity, 2);
    ck_assert_str_eq(s->cluster.capacity[0].provider, "FARGATE");
    ck_assert_int_eq(s->cluster.capacity[0].base, 2);
    ck_assert_int_eq(s->cluster.capacity[0].weight, 1); /* the default weight */
    ck_assert_int_eq(s->cluster.capacity[1].weight, 3);
    size_t n = 0;
    const stack_capacity *c = stack_service_capacity(s, stack_find_service(s, "web"), &n);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(c[0].provider, "FARGATE_SPOT");
    c = stack_service_capacity(s, stack_find_service(s, "worker"), &n);
    ck_assert_uint_eq(n, 2); /* the cluster's */
    ck_assert_ptr_eq(c, s->cluster.capacity);
    stack_free(s);

    s = test_load_stack("stack: bare\nservices:\n  web: { image: nginx }\n", NULL);
    ck_assert_ptr_null(s->cluster.insights); /* left alone */
    stack_service_capacity(s, stack_find_service(s, "web"), &n);
    ck_assert_uint_eq(n, 0); /* the FARGATE launch type */
    stack_free(s);
}
END_TEST

START_TEST(container_settings)
{
    stack_model *s = test_load_stack(settings_yml, NULL);
    const stack_container *k = &stack_find_service(s, "web")->containers[0];
    ck_assert_str_eq(k->user, "1000:1000");
    ck_assert_int_eq(k->readonly_root, 1);
    ck_assert_uint_eq(k->nulimits, 2);
    ck_assert_str_eq(k->ulimits[0].name, "nofile");
    ck_assert_int_eq(k->ulimits[0].soft, 65536);
    ck_assert_int_eq(k->ulimits[0].hard, 65536);
    ck_assert_str_eq(k->ulimits[1].name, "nproc");
    ck_assert_int_eq(k->ulimits[1].soft, 512);
    ck_assert_int_eq(k->ulimits[1].hard, 1024);
    ck_assert_str_eq(k->repository_credentials, "registry");
    ck_assert_int_eq(stack_find_service(s, "worker")->containers[0].readonly_root, 0);
    stack_free(s);
}
END_TEST

START_TEST(log_groups)
{
    stack_model *s = test_load_stack(settings_yml, NULL);
    const stack_service *web = stack_find_service(s, "web"), *worker = stack_find_service(s, "worker");
    ck_assert_str_eq(s->log_group, "/ecs/shop");
    ck_assert_int_eq(s->log_retention_days, 0); /* never */
    ck_assert_str_eq(web->log_group, "/custom/web");
    ck_assert_int_eq(web->log_group_shared, 0);
    ck_assert_int_eq(web->log_retention_days, 14);
    ck_assert_str_eq(worker->log_group, "/ecs/shop");
    ck_assert_int_eq(worker->log_group_shared, 1);
    ck_assert_int_eq(worker->log_retention_days, 0);
    stack_free(s);

    s = test_load_stack("stack: bare\nservices:\n  web: { image: nginx }\n", NULL);
    ck_assert_str_eq(stack_find_service(s, "web")->log_group, "/ecsdeploy/bare/web");
    ck_assert_int_eq(stack_find_service(s, "web")->log_retention_days, 30);
    stack_free(s);
}
END_TEST

START_TEST(secret_and_permissions)
{
    stack_model *s = test_load_stack(settings_yml, NULL);
    const stack_secret *t = stack_find_secret(s, "token");
    ck_assert_int_eq(t->or_generate, 1);
    ck_assert_int_eq(stack_find_secret(s, "registry")->or_generate, 0);
    const stack_service *web = stack_find_service(s, "web");
    ck_assert_uint_eq(web->npermissions, 1);
    const stack_permission *p = &web->permissions[0];
    ck_assert_int_eq(p->kind, STACK_PERM_BUCKET);
    ck_assert_ptr_null(p->bucket);
    ck_assert_str_eq(p->bucket_name, "acme-shared");
    ck_assert_str_eq(p->prefix, "app/");
    ck_assert_int_eq(p->access, STACK_ACCESS_READ_WRITE);
    ck_assert_str_eq(p->conditions_json, "{\"StringEquals\":{\"aws:SourceVpce\":[\"vpce-1\"]}}");
    stack_free(s);
}
END_TEST

START_TEST(default_bucket_names)
{
    char *a = stack_name_bucket("shop", "data", "000000000000", "us-east-1");
    char *b = stack_name_bucket("shop", "data", "111111111111", "us-east-1");
    char *c = stack_name_bucket("shop", "data", "000000000000", "eu-west-1");
    char *again = stack_name_bucket("shop", "data", "000000000000", "us-east-1");
    ck_assert_int_eq(strlen(a), strlen("shop-data-") + 10);
    ck_assert_int_eq(strncmp(a, "shop-data-", 10), 0);
    ck_assert_str_eq(a, again); /* the same on every run */
    ck_assert_str_ne(a, b);     /* another account */
    ck_assert_str_ne(a, c);     /* another region */
    ck_assert_ptr_null(stack_check_bucket_name(a));
    /* a long stack and bucket are cut to 52 characters, without a trailing hyphen */
    char *long_name = stack_name_bucket("a-very-long-stack-name-for-a-test", "and-an-even-longer-bucket-name-x",
                                        "000000000000", "us-east-1");
    ck_assert_uint_le(strlen(long_name), 63);
    ck_assert_ptr_null(stack_check_bucket_name(long_name));
    ck_assert_ptr_null(strstr(long_name, "--"));
    char *legacy = stack_name_bucket_legacy("shop", "data");
    ck_assert_str_eq(legacy, "shop-data");
    free(a), free(b), free(c), free(again), free(long_name), free(legacy);
}
END_TEST

UNIT_SUITE(stack_settings, 0, cluster_and_capacity, container_settings, log_groups,
           secret_and_permissions, default_bucket_names)
