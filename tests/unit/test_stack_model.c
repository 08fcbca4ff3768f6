/* The typed model: defaults, parameters and --set/--set-file, interpolation, references,
 * subnet carving, templates, naming. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stack.h"
#include "../../src/stack/stack_internal.h"
#include "stack_names.h"
#include "unit_suite.h"
#include "stack_fixture.h"

/* All problems, one "L:C: message" a line. Caller frees. */
static char *load_bad(const char *text, const stack_options *o)
{
    stack_diags d;
    memset(&d, 0, sizeof d);
    stack_model *s = NULL;
    ck_assert_int_eq(stack_load_buffer("t.yml", text, strlen(text), o, &s, &d), -1);
    ck_assert_ptr_null(s);
    char *problems = test_stack_problems(&d);
    stack_diags_free(&d);
    return problems;
}

START_TEST(defaults_applied)
{
    stack_model *s = test_load_stack("stack: demo\nservices:\n  web: { image: nginx }\n", NULL);
    ck_assert_str_eq(s->name, "demo");
    ck_assert_ptr_null(s->region);
    ck_assert_int_eq(s->network.mode, STACK_VPC_NEW);
    ck_assert_str_eq(s->network.cidr, "10.0.0.0/16");
    ck_assert_int_eq(s->network.zones, 2);
    ck_assert_int_eq(s->network.nat, STACK_NAT_NONE);
    ck_assert_int_eq(s->network.public_subnets, 1);
    ck_assert_int_eq(s->network.private_subnets, 0);
    ck_assert_int_eq(s->log_retention_days, 30);
    const stack_service *v = stack_find_service(s, "web");
    ck_assert_ptr_nonnull(v);
    ck_assert_int_eq(v->cpu, 256);
    ck_assert_int_eq(v->memory, 512);
    ck_assert_int_eq(v->arch, STACK_ARCH_X86_64);
    ck_assert_int_eq(v->desired_count, 1);
    ck_assert_int_eq(v->subnets, STACK_TIER_PUBLIC);
    ck_assert_int_eq(v->public_ip, 1);
    ck_assert_int_eq(v->exec, 0);
    ck_assert_int_eq(v->log_retention_days, 30);
    ck_assert_int_eq(v->deployment.strategy, STACK_DEPLOY_ROLLING);
    ck_assert_int_eq(v->deployment.min_healthy_percent, 100);
    ck_assert_int_eq(v->deployment.max_percent, 200);
    ck_assert_uint_eq(v->ncontainers, 1);
    ck_assert_str_eq(v->containers[0].name, "web");
    ck_assert_int_eq(v->containers[0].essential, 1);
    ck_assert_ptr_null(stack_find_service(s, "nope"));
    stack_free(s);
}
END_TEST

START_TEST(carving)
{
    stack_model *s = test_load_stack("stack: demo\nnetwork: { vpc: { cidr: 10.40.0.0/16 }, zones: 3, nat: single }\n"
                            "services:\n  web: { image: nginx }\n", NULL);
    const stack_network *n = &s->network;
    ck_assert_int_eq(n->subnet_prefix, 20);
    ck_assert_uint_eq(n->nsubnets, 6);
    const char *want[] = {"10.40.0.0/20", "10.40.16.0/20", "10.40.32.0/20",
                          "10.40.48.0/20", "10.40.64.0/20", "10.40.80.0/20"};
    for (size_t i = 0; i < 6; i++) {
        ck_assert_str_eq(n->subnets[i].cidr, want[i]);
        ck_assert_int_eq(n->subnets[i].tier, i < 3 ? STACK_TIER_PUBLIC : STACK_TIER_PRIVATE);
        ck_assert_int_eq(n->subnets[i].zone, (int)(i % 3));
    }
    /* NAT brings the private tier, and services go there by default */
    ck_assert_int_eq(stack_find_service(s, "web")->subnets, STACK_TIER_PRIVATE);
    ck_assert_int_eq(stack_find_service(s, "web")->public_ip, 0);
    stack_free(s);

    s = test_load_stack("stack: demo\nnetwork: { subnets: [public, private] }\nservices:\n  web: { image: nginx }\n", NULL);
    ck_assert_int_eq(stack_find_service(s, "web")->subnets, STACK_TIER_PUBLIC); /* no NAT: public */
    ck_assert_uint_eq(s->network.nsubnets, 4);
    stack_free(s);

    s = test_load_stack("stack: demo\nnetwork: { vpc: { cidr: 192.168.8.0/24 }, subnet_size: 27 }\n"
                "services:\n  web: { image: nginx }\n", NULL);
    ck_assert_uint_eq(s->network.nsubnets, 2); /* public tier only; room kept for private */
    ck_assert_str_eq(s->network.subnets[0].cidr, "192.168.8.0/27");
    ck_assert_str_eq(s->network.subnets[1].cidr, "192.168.8.32/27");
    stack_free(s);

    s = test_load_stack("stack: demo\nnetwork: { vpc: { cidr: 10.0.0.0/26 }, zones: 2 }\n"
                "services:\n  web: { image: nginx }\n", NULL);
    ck_assert_int_eq(s->network.subnet_prefix, 28);
    ck_assert_str_eq(s->network.subnets[1].cidr, "10.0.0.16/28");
    stack_free(s);
}
END_TEST

START_TEST(cidr_parsing)
{
    unsigned a;
    int p;
    ck_assert_int_eq(stack_parse_cidr("10.1.2.3/24", &a, &p), 0);
    ck_assert_uint_eq(a, 0x0A010203u);
    ck_assert_int_eq(p, 24);
    const char *bad[] = {"10.1.2/24", "10.1.2.3", "256.0.0.0/8", "1.2.3.4/33", "1.2.3.4/", "a.b.c.d/8",
                         "1.2.3.4/8x", "1..2.3/8", "1.2.3.4.5/8", "", "0001.2.3.4/8"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(stack_parse_cidr(bad[i], &a, &p) != 0, "accepted %s", bad[i]);
    char *s = stack_format_cidr(0xC0A80100u, 23);
    ck_assert_str_eq(s, "192.168.1.0/23");
    free(s);
}
END_TEST

START_TEST(parameters_and_sets)
{
    const char *text = "stack: demo\nparameters:\n  image: { default: \"nginx:1\" }\n  tag: latest\n"
                       "  port: { default: \"80\", allowed: [\"80\", \"8080\"], description: the port }\n"
                       "services:\n  web: { image: \"${image}\", port: \"${port}\", environment: { TAG: \"${tag}-x\" } }\n";
    stack_model *s = test_load_stack(text, NULL);
    ck_assert_str_eq(stack_find_service(s, "web")->containers[0].image, "nginx:1");
    ck_assert_int_eq(stack_service_port(stack_find_service(s, "web")), 80);
    ck_assert_str_eq(stack_find_service(s, "web")->containers[0].environment[0].value, "latest-x");
    const stack_param *p = stack_find_param(s, "port");
    ck_assert_str_eq(p->description, "the port");
    ck_assert_uint_eq(p->nallowed, 2);
    ck_assert_int_eq(p->origin, STACK_PARAM_DEFAULT);
    stack_free(s);

    char path[] = "/tmp/stack-set-file-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, "v2-from-file\n", 13), 13);
    close(fd);
    char setfile[128];
    snprintf(setfile, sizeof setfile, "tag=%s", path);
    const char *sets[] = {"image=httpd:2", "port=8080", "image=httpd:3"};
    const char *files[] = {setfile};
    stack_options o = {sets, 3, files, 1, NULL};
    s = test_load_stack(text, &o);
    ck_assert_str_eq(stack_find_service(s, "web")->containers[0].image, "httpd:3"); /* last --set wins */
    ck_assert_int_eq(stack_service_port(stack_find_service(s, "web")), 8080);
    ck_assert_str_eq(stack_find_service(s, "web")->containers[0].environment[0].value, "v2-from-file-x");
    ck_assert_int_eq(stack_find_param(s, "tag")->origin, STACK_PARAM_SET_FILE);
    ck_assert_int_eq(stack_find_param(s, "image")->origin, STACK_PARAM_SET);
    stack_free(s);
    unlink(path);

    const char *bad_sets[] = {"port=443", "prot=1", "noequals"};
    const char *bad_files[] = {"image"};
    stack_options ob = {bad_sets, 3, bad_files, 1, NULL};
    char *got = load_bad(text, &ob);
    ck_assert_str_eq(got, "0:0: --set prot=1: unknown parameter 'prot' (did you mean 'port'?)\n"
                          "0:0: --set noequals: expected NAME=VALUE\n"
                          "0:0: --set-file image: expected NAME=PATH\n"
                          "5:3: parameters.port: '443' (from --set) is not an allowed value; allowed: 80, 8080\n");
    free(got);
}
END_TEST

START_TEST(environment_interpolation)
{
    setenv("STACK_TEST_REGISTRY", "registry.example.com", 1);
    unsetenv("STACK_TEST_MISSING");
    stack_model *s = test_load_stack("stack: demo\nservices:\n  web:\n    image: \"${env:STACK_TEST_REGISTRY}/app:${env:STACK_TEST_MISSING:-dev}\"\n"
                            "    environment: { A: \"${stack}-$${literal}\", B: \"$${env:X}\" }\n", NULL);
    const stack_container *k = &stack_find_service(s, "web")->containers[0];
    ck_assert_str_eq(k->image, "registry.example.com/app:dev");
    /* environment values are templates: the escape stays until resolved */
    ck_assert_str_eq(k->environment[0].value, "demo-$${literal}");
    ck_assert_int_eq(stack_template_has_refs(k->environment[0].value), 0);
    char *final = stack_template_resolve(k->environment[0].value, NULL, NULL, NULL);
    ck_assert_str_eq(final, "demo-${literal}");
    free(final);
    stack_free(s);

    /* in a non-template field the escape is resolved at once */
    s = test_load_stack("stack: demo\nservices:\n  web: { image: nginx, working_dir: \"/a$${b}\" }\n", NULL);
    ck_assert_str_eq(stack_find_service(s, "web")->containers[0].working_dir, "/a${b}");
    stack_free(s);

    char *got = load_bad("stack: demo\nservices:\n  web: { image: \"${env:}\", user: \"${}\", working_dir: \"${env:1X}\" }\n", NULL);
    ck_assert_str_eq(got, "3:17: services.web.image: '${env:}' does not name an environment variable (write ${env:NAME})\n"
                          "3:34: services.web.user: empty '${}'\n"
                          "3:54: services.web.working_dir: '${env:1X}' does not name an environment variable (write ${env:NAME})\n");
    free(got);
}
END_TEST

static int resolver(const stack_ref *r, void *ud, char **value)
{
    (void)ud;
    if (strcmp(r->attr, "dns_name") == 0) {
        *value = strdup("lb-123.elb.example");
        return 0;
    }
    return -1;
}

START_TEST(references_kept_typed)
{
    stack_model *s = test_load_stack(
        "stack: demo\nsecrets:\n  api-key: { generate: true }\nbuckets:\n  data: {}\n"
        "load_balancers:\n  public: { listeners: [ { port: 80 } ] }\ndiscovery: { namespace: demo.internal }\n"
        "services:\n  web:\n    image: nginx\n    port: 8080\n    load_balancer: public\n"
        "    environment: { LB: \"http://${load_balancers.public.dns_name}/\", BUCKET: \"${buckets.data.name}\" }\n"
        "    command: [serve, \"--catalog=${services.cat.url}\"]\n"
        "  cat: { image: nginx, port: 9000, discovery: { name: catalog } }\n"
        "outputs:\n  key: \"${secrets.api-key.arn}\"\n  url: \"$${not} ${load_balancers.public.dns_name}\"\n", NULL);
    ck_assert_uint_eq(s->nrefs, 5);
    ck_assert_int_eq(s->refs[0].kind, STACK_REF_LOAD_BALANCER);
    ck_assert_str_eq(s->refs[0].name, "public");
    ck_assert_str_eq(s->refs[0].attr, "dns_name");
    ck_assert_int_eq(s->refs[0].loc.line, 14);
    ck_assert_int_eq(s->refs[2].kind, STACK_REF_SERVICE);
    ck_assert_int_eq(s->refs[3].kind, STACK_REF_SECRET);
    const stack_service *web = stack_find_service(s, "web");
    ck_assert_str_eq(web->containers[0].environment[0].value, "http://${load_balancers.public.dns_name}/");
    ck_assert_int_eq(stack_template_has_refs(web->containers[0].environment[0].value), 1);
    char *v = stack_template_resolve(web->containers[0].environment[0].value, resolver, NULL, NULL);
    ck_assert_str_eq(v, "http://lb-123.elb.example/");
    free(v);
    char *missing = NULL;
    ck_assert_ptr_null(stack_template_resolve(s->outputs[0].value, resolver, NULL, &missing));
    ck_assert_str_eq(missing, "${secrets.api-key.arn}");
    free(missing);
    v = stack_template_resolve(s->outputs[1].value, resolver, NULL, NULL);
    ck_assert_str_eq(v, "${not} lb-123.elb.example");
    free(v);
    /* values the file alone decides */
    /* a default bucket name is made with the account: the graph knows it, not the file */
    ck_assert_ptr_null(stack_ref_static_value(s, &s->refs[1]));
    char *sv = stack_ref_static_value(s, &s->refs[2]);
    ck_assert_str_eq(sv, "http://catalog.demo.internal:9000");
    free(sv);
    ck_assert_ptr_null(stack_ref_static_value(s, &s->refs[0]));
    sv = stack_ref_static_value(s, &s->refs[3]);
    ck_assert_ptr_null(sv);
    stack_free(s);
}
END_TEST

START_TEST(sidecars_and_init)
{
    stack_model *s = test_load_stack(
        "stack: demo\nservices:\n  web:\n    image: nginx\n    port: 80\n    health_check: { command: [curl, -f, localhost] }\n"
        "    containers:\n      migrate: { image: busybox, init: true, command: \"run migrations\" }\n"
        "      log: { image: fluent/fluent-bit, depends_on: { web: healthy } }\n", NULL);
    const stack_service *v = stack_find_service(s, "web");
    ck_assert_uint_eq(v->ncontainers, 3);
    const stack_container *main = &v->containers[0], *mig = stack_find_container(v, "migrate");
    ck_assert_int_eq(mig->essential, 0);
    ck_assert_int_eq(mig->init, 1);
    ck_assert_uint_eq(mig->ncommand, 3);
    ck_assert_str_eq(mig->command[0], "/bin/sh");
    ck_assert_str_eq(mig->command[2], "run migrations");
    ck_assert_uint_eq(main->ndepends_on, 1);
    ck_assert_str_eq(main->depends_on[0].container, "migrate");
    ck_assert_int_eq(main->depends_on[0].condition, STACK_DEP_SUCCESS);
    ck_assert_uint_eq(main->health.ncommand, 4);
    ck_assert_str_eq(main->health.command[0], "CMD");
    ck_assert_int_eq(stack_find_container(v, "log")->essential, 1);
    stack_free(s);
}
END_TEST

START_TEST(bootstrap_secret_implicit)
{
    stack_model *s = test_load_stack(
        "stack: demo\ndiscovery: { namespace: demo.internal }\nservices:\n"
        "  server: { image: nginx, port: 3000, exec: true, discovery: { name: server } }\n"
        "  agent: { image: nginx, secrets: { TOKEN: agent-token } }\n"
        "bootstrap:\n  agent-token: { exec: { service: server, command: cat /data/token } }\n", NULL);
    const stack_secret *sec = stack_find_secret(s, "agent-token");
    ck_assert_ptr_nonnull(sec);
    ck_assert_int_eq(sec->source, STACK_SECRET_BOOTSTRAP);
    const stack_bootstrap *b = stack_find_bootstrap_for(s, "agent-token");
    ck_assert_str_eq(b->service, "server");
    ck_assert_str_eq(b->command, "cat /data/token");
    ck_assert_int_eq(b->timeout, 300);
    stack_free(s);
}
END_TEST

START_TEST(enabled_switch)
{
    const char *text = "stack: demo\nparameters:\n  side: { default: \"false\" }\nservices:\n"
                       "  web:\n    image: nginx\n    containers:\n      extra: { enabled: \"${side}\", image: busybox }\n"
                       "  off: { enabled: false, image: \"\" }\n";
    stack_model *s = test_load_stack(text, NULL);
    ck_assert_uint_eq(s->nservices, 1);
    ck_assert_uint_eq(s->services[0].ncontainers, 1);
    stack_free(s);
    const char *sets[] = {"side=true"};
    stack_options o = {sets, 1, NULL, 0, NULL};
    s = test_load_stack(text, &o);
    ck_assert_uint_eq(s->services[0].ncontainers, 2);
    stack_free(s);
}
END_TEST

START_TEST(names_and_checks)
{
    char *n = stack_name_target_group("shop", "web", 1);
    ck_assert_str_eq(n, "shop-web-g");
    free(n);
    n = stack_name_log_group("shop", "web");
    ck_assert_str_eq(n, "/ecsdeploy/shop/web");
    free(n);
    ck_assert_ptr_null(stack_check_elb_name("shop-web"));
    ck_assert_str_eq(stack_check_elb_name("internal-x"), "may not start with 'internal-'");
    ck_assert_str_eq(stack_check_elb_name("a_b"), "may hold only letters, digits and hyphens");
    ck_assert_ptr_null(stack_check_bucket_name("my.bucket-1"));
    ck_assert_str_eq(stack_check_bucket_name("192.168.1.1"), "may not look like an IP address");
    ck_assert_str_eq(stack_check_bucket_name("ab"), "is shorter than 3 characters");
    ck_assert_str_eq(stack_check_bucket_name("a..b"), "may not have two dots, or a dot next to a hyphen");
    ck_assert_ptr_null(stack_check_image("nginx"));
    ck_assert_ptr_null(stack_check_image("localhost:5000/a/b:1.0"));
    ck_assert_ptr_null(stack_check_image("123456789012.dkr.ecr.eu-west-1.amazonaws.com/app@sha256:"
                                        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));
    ck_assert_ptr_nonnull(stack_check_image("a//b"));
    ck_assert_ptr_nonnull(stack_check_image("-a"));
    ck_assert_ptr_nonnull(stack_check_image(""));
    ck_assert_ptr_null(stack_check_dns_name("canard.internal"));
    ck_assert_ptr_nonnull(stack_check_dns_name("a..b"));
    int bad;
    char *m = stack_fargate_check(256, 2048, &bad);
    ck_assert_ptr_null(m);
    m = stack_fargate_check(16384, 40000, &bad);
    ck_assert_str_eq(m, "Fargate has no task with cpu 16384 and memory 40000; with cpu 16384, memory must be "
                        "32768 to 122880 in steps of 8192 (MiB)");
    free(m);
    m = stack_fargate_check(8192, 20480, &bad);
    ck_assert_ptr_null(m);
    ck_assert_int_eq(stack_valid_retention(731), 1);
    ck_assert_int_eq(stack_valid_retention(730), 0);
}
END_TEST

/* file_systems: and parameter_store: with their defaults, the volumes and secrets that use
 * them, and the references they answer without AWS. */
START_TEST(storage_sections)
{
    stack_model *s = test_load_stack(
        "stack: dbw\n"
        "file_systems:\n"
        "  state: { access_points: { server: { uid: 10001, gid: 10001, permissions: \"750\" }, any: {} } }\n"
        "  shared: { existing: fs-0abc }\n"
        "parameter_store:\n"
        "  config: { from_file: server.toml }\n"
        "  port: { type: String, value: \"3000\" }\n"
        "  token: { generate: { length: 20 }, kms_key: 1234abcd-12ab-34cd-56ef-1234567890ab }\n"
        "  keys: { path: /news-api/, existing: true }\n"
        "  old: { name: /legacy/url, existing: true }\n"
        "services:\n"
        "  web:\n"
        "    image: nginx\n"
        "    environment: { PORT: \"${parameter_store.port.value}\", OLD: \"${parameter_store.old.value}\" }\n"
        "    secrets: { CONFIG: { parameter: config }, KEY: { parameter: keys/newsapi } }\n"
        "    volumes:\n"
        "      - { path: /data, efs: { file_system: state, access_point: server } }\n"
        "      - { path: /ro, efs: { file_system: shared, read_only: true, root_access: true } }\n",
        NULL);
    const stack_file_system *fs = stack_find_file_system(s, "state");
    ck_assert_ptr_nonnull(fs);
    ck_assert_int_eq(fs->keep, 1);
    ck_assert_str_eq(fs->throughput_mode, "elastic");
    ck_assert_str_eq(fs->performance_mode, "generalPurpose");
    const stack_access_point *ap = stack_find_access_point(fs, "server");
    ck_assert_str_eq(ap->path, "/server");
    ck_assert_int_eq((int)ap->uid, 10001);
    ck_assert_str_eq(ap->permissions, "750");
    ap = stack_find_access_point(fs, "any");
    ck_assert_int_eq((int)ap->uid, -1);
    ck_assert_str_eq(ap->permissions, "755");
    ck_assert_str_eq(stack_find_file_system(s, "shared")->existing, "fs-0abc");
    ck_assert_int_eq(stack_file_system_tier(s, fs), STACK_TIER_PUBLIC);

    const stack_ssm_parameter *p = stack_find_ssm_parameter(s, "config");
    ck_assert_str_eq(p->ssm_name, "/dbw/config");
    ck_assert_str_eq(p->type, "SecureString");
    ck_assert_int_eq(p->source, STACK_SSM_FILE);
    p = stack_find_ssm_parameter(s, "token");
    ck_assert_int_eq(p->source, STACK_SSM_GENERATE);
    ck_assert_int_eq(p->generator.length, 20);
    ck_assert_int_eq(p->generator.digits, 1);
    p = stack_find_ssm_parameter(s, "keys");
    ck_assert_int_eq(p->source, STACK_SSM_PATH);
    ck_assert_str_eq(p->ssm_name, "/news-api");
    ck_assert_ptr_null(p->type);
    p = stack_find_ssm_parameter(s, "old");
    ck_assert_int_eq(p->source, STACK_SSM_EXISTING);
    ck_assert_int_eq(p->used_as_value, 1);
    ck_assert_ptr_null(p->type);

    const stack_service *v = stack_find_service(s, "web");
    ck_assert_str_eq(v->volumes[0].file_system, "state");
    ck_assert_str_eq(v->volumes[0].fs_access_point, "server");
    ck_assert_int_eq(v->volumes[1].read_only, 1);
    ck_assert_int_eq(v->volumes[1].root_access, 1);
    const stack_container *k = &v->containers[0];
    ck_assert_ptr_null(k->secrets[0].secret);
    ck_assert_str_eq(k->secrets[0].parameter, "config");
    ck_assert_ptr_null(k->secrets[0].parameter_sub);
    ck_assert_str_eq(k->secrets[1].parameter, "keys");
    ck_assert_str_eq(k->secrets[1].parameter_sub, "newsapi");
    /* a String's value is known offline; an existing one's only at deploy time */
    for (size_t i = 0; i < s->nrefs; i++) {
        char *value = stack_ref_static_value(s, &s->refs[i]);
        if (!strcmp(s->refs[i].name, "port"))
            ck_assert_str_eq(value, "3000");
        else
            ck_assert_ptr_null(value);
        free(value);
    }
    stack_free(s);
}
END_TEST

START_TEST(storage_refusals)
{
    char *e = load_bad(
        "stack: dbw\n"
        "file_systems:\n"
        "  state: { access_points: { a: { path: /a/b/c/d/e, permissions: \"999\" } } }\n"
        "parameter_store:\n"
        "  secret: { value: x }\n"
        "  both: { value: x, generate: true }\n"
        "services:\n"
        "  web:\n"
        "    image: nginx\n"
        "    environment: { S: \"${parameter_store.secret.value}\" }\n"
        "    volumes: [ { path: /d, efs: { file_system: nope } } ]\n",
        NULL);
    ck_assert_ptr_nonnull(strstr(e, "has more than 4 levels"));
    ck_assert_ptr_nonnull(strstr(e, "'999' is not an octal mode"));
    ck_assert_ptr_nonnull(strstr(e, "a parameter has one source; 'value' is already given"));
    ck_assert_ptr_nonnull(strstr(e, "is a SecureString, and a secret never goes into plain configuration"));
    ck_assert_ptr_nonnull(strstr(e, "there is no file system 'nope' under 'file_systems:'"));
    free(e);
}
END_TEST

START_TEST(json_has_no_secret_values)
{
    setenv("STACK_TEST_SECRET_VALUE", "hunter2-very-secret", 1);
    stack_model *s = test_load_stack("stack: demo\nsecrets:\n  pw: { from_env: STACK_TEST_SECRET_VALUE }\n"
                            "  gen: { generate: { length: 20 } }\nservices:\n  web: { image: nginx, secrets: { PW: pw } }\n", NULL);
    char *js = stack_to_json(s);
    ck_assert_ptr_null(strstr(js, "hunter2"));
    ck_assert_ptr_nonnull(strstr(js, "\"from_env\":\t\"STACK_TEST_SECRET_VALUE\""));
    free(js);
    stack_free(s);
    /* nor a SecureString parameter's value, even one written in the file */
    s = test_load_stack("stack: demo\nparameter_store:\n  pw: { value: \"${env:STACK_TEST_SECRET_VALUE}\" }\n"
                "  plain: { type: String, value: shown }\nservices:\n  web: { image: nginx }\n", NULL);
    js = stack_to_json(s);
    ck_assert_ptr_null(strstr(js, "hunter2"));
    ck_assert_ptr_nonnull(strstr(js, "\"shown\""));
    free(js);
    stack_free(s);
}
END_TEST

UNIT_SUITE(stack_model, 0, defaults_applied, carving, cidr_parsing, parameters_and_sets,
           environment_interpolation, references_kept_typed, sidecars_and_init,
           bootstrap_secret_implicit, enabled_switch, names_and_checks, json_has_no_secret_values,
           storage_sections, storage_refusals)
