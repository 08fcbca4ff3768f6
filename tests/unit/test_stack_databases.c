/* databases: and caches: — decoding and defaults, the services' uses as environment values
 * and a secret, the graph they give (nodes, dependencies, references), the versions a
 * database satisfies, and what a kept database keeps in the plan of `down`. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "res.h"
#include "stack.h"
#include "../../src/resources/database_internal.h"
#include "unit_suite.h"
#include "stack_fixture.h"

static const char *const shop =
    "stack: shop\n"
    "network: { vpc: { cidr: 10.0.0.0/16 }, zones: 2 }\n"
    "databases:\n"
    "  main-db: {}\n"
    "  legacy: { existing: news-db }\n"
    "  my: { engine: mysql, version: \"8.0\", subnets: public, keep: false }\n"
    "caches:\n"
    "  cache: { existing: news-cache }\n"
    "services:\n"
    "  web:\n"
    "    image: nginx\n"
    "    port: 80\n"
    "    subnets: public\n"
    "    databases:\n"
    "      main-db: { host: H, port: P, name: N, user: U, password: PW }\n"
    "      legacy: { host: LH, password: LPW }\n"
    "    caches: { cache: { host: CH, port: CP } }\n";

static const char *env_of(const stack_container *k, const char *name)
{
    for (size_t i = 0; i < k->nenvironment; i++)
        if (strcmp(k->environment[i].name, name) == 0)
            return k->environment[i].value;
    return NULL;
}

START_TEST(defaults_and_uses)
{
    stack_model *s = test_load_stack(shop, NULL);
    const stack_database *db = stack_find_database(s, "main-db");
    ck_assert_ptr_nonnull(db);
    ck_assert_ptr_null(db->existing);
    ck_assert_str_eq(db->identifier, "shop-main-db");
    ck_assert_int_eq(db->engine, STACK_DB_POSTGRES);
    ck_assert_ptr_null(db->version);
    ck_assert_str_eq(db->instance_class, "db.t4g.micro");
    ck_assert_int_eq(db->storage_gib, 20);
    ck_assert_str_eq(db->storage_type, "gp3");
    ck_assert_str_eq(db->db_name, "main_db");
    ck_assert_str_eq(db->user, "postgres");
    ck_assert_int_eq(db->port, 5432);
    ck_assert_int_eq(db->backup_retention_days, 7);
    ck_assert(db->deletion_protection && db->keep && db->final_snapshot && !db->multi_az);
    ck_assert_int_eq(db->tier, STACK_TIER_PRIVATE);
    /* a database makes the private subnets exist, with no NAT gateway */
    ck_assert_int_eq(s->network.private_subnets, 1);
    ck_assert_int_eq(s->network.nat, STACK_NAT_NONE);
    const stack_database *my = stack_find_database(s, "my");
    ck_assert_str_eq(my->user, "admin");
    ck_assert_int_eq(my->port, 3306);
    ck_assert_int_eq(my->tier, STACK_TIER_PUBLIC);
    ck_assert(!my->keep);
    ck_assert_str_eq(stack_find_database(s, "legacy")->existing, "news-db");
    ck_assert_str_eq(stack_find_cache(s, "cache")->existing, "news-cache");
    /* the uses are environment values of the main container; the passwords are not */
    const stack_container *k = &stack_find_service(s, "web")->containers[0];
    ck_assert_str_eq(env_of(k, "H"), "${databases.main-db.host}");
    ck_assert_str_eq(env_of(k, "P"), "${databases.main-db.port}");
    ck_assert_str_eq(env_of(k, "N"), "${databases.main-db.name}");
    ck_assert_str_eq(env_of(k, "U"), "${databases.main-db.user}");
    ck_assert_str_eq(env_of(k, "LH"), "${databases.legacy.host}");
    ck_assert_str_eq(env_of(k, "CH"), "${caches.cache.host}");
    ck_assert_str_eq(env_of(k, "CP"), "${caches.cache.port}");
    ck_assert_ptr_null(env_of(k, "PW"));
    ck_assert_ptr_null(env_of(k, "LPW"));
    ck_assert_uint_eq(k->nsecrets, 0);
    /* the file decides a created database's name and user, not an existing one's */
    stack_ref r = {STACK_REF_DATABASE, "main-db", "user", {0, 0}};
    char *v = stack_ref_static_value(s, &r);
    ck_assert_str_eq(v, "postgres");
    free(v);
    r.name = "legacy";
    ck_assert_ptr_null(stack_ref_static_value(s, &r));
    r = (stack_ref){STACK_REF_DATABASE, "main-db", "host", {0, 0}};
    ck_assert_ptr_null(stack_ref_static_value(s, &r));
    stack_free(s);
}
END_TEST

/* The node of id, which must exist. */
static res_node *node(res_graph *g, const char *id)
{
    res_node *n = res_graph_find(g, id);
    ck_assert_msg(n != NULL, "no node %s", id);
    return n;
}

static int depends(const res_node *n, const char *id)
{
    for (size_t i = 0; i < n->ndeps; i++)
        if (strcmp(n->deps[i]->id, id) == 0)
            return 1;
    return 0;
}

static int holds(const cJSON *props, const char *text)
{
    char *s = cJSON_PrintUnformatted(props);
    int found = strstr(s, text) != NULL;
    free(s);
    return found;
}

START_TEST(graph_of_databases)
{
    stack_model *s = test_load_stack(shop, NULL);
    res_graph *g = NULL;
    char err[256];
    ck_assert_int_eq(res_graph_build(s, "us-east-1", &g, err, sizeof err), 0);
    res_node *db = node(g, "database/main-db");
    ck_assert(!db->external && db->keep);
    ck_assert(depends(db, "db_subnets/main-db") && depends(db, "sg/db-main-db"));
    ck_assert(holds(db->desired, "\"identifier\":\"shop-main-db\""));
    ck_assert(holds(db->desired, "\"encrypted\":true"));
    res_node *sub = node(g, "db_subnets/main-db");
    ck_assert(depends(sub, "subnet/private-0") && depends(sub, "subnet/private-1"));
    ck_assert(depends(node(g, "db_subnets/my"), "subnet/public-0"));
    ck_assert(!node(g, "database/my")->keep);
    ck_assert(node(g, "database/legacy")->external && node(g, "cache/cache")->external);
    ck_assert_ptr_null(res_graph_find(g, "db_subnets/legacy"));
    ck_assert_ptr_null(res_graph_find(g, "sg/db-legacy"));
    /* the created database lets the service in on 5432 */
    res_node *rules = node(g, "sg_rules/db-main-db");
    ck_assert(holds(rules->desired, "tcp 5432 from sg/web"));
    ck_assert_ptr_null(res_graph_find(g, "sg_rules/db-my")); /* nobody uses it */
    /* the existing ones: rules into their groups, known once they are read */
    res_node *reach = node(g, "sg_reach/web");
    ck_assert(depends(reach, "database/legacy") && depends(reach, "cache/cache"));
    ck_assert(holds(reach->desired, "{\"ref\":\"database/legacy\",\"attr\":\"security_group_id\"}"));
    ck_assert(holds(reach->desired, "{\"ref\":\"cache/cache\",\"attr\":\"port\"}"));
    /* the execution role reads both databases' secrets; the existing one's key too */
    res_node *role = node(g, "role/exec-web");
    ck_assert(depends(role, "database/main-db") && depends(role, "database/legacy"));
    ck_assert(holds(role->desired, "{\"ref\":\"database/main-db\",\"attr\":\"secret_arn\"}"));
    ck_assert(holds(role->desired, "{\"ref\":\"database/legacy\",\"attr\":\"secret_kms_key\"}"));
    ck_assert(!holds(role->desired, "{\"ref\":\"database/main-db\",\"attr\":\"secret_kms_key\"}"));
    /* the task: the password from the secret's "password" key; host from the endpoint */
    res_node *td = node(g, "task_def/web");
    ck_assert(depends(td, "database/main-db") && depends(td, "cache/cache"));
    ck_assert(holds(td->desired, "\"name\":\"PW\",\"valueFrom\":{\"concat\":[{\"ref\":\"database/main-db\","
                                 "\"attr\":\"secret_arn\"},\":password::\"]}"));
    ck_assert(holds(td->desired, "{\"ref\":\"database/main-db\",\"attr\":\"host\"}"));
    res_graph_free(g);
    stack_free(s);
}
END_TEST

/* A sidecar (fdk's migration init container) uses a database too: its own environment
 * values and password secret; the rule into the database and the role's permission are
 * the service's, once. */
START_TEST(a_sidecar_uses_a_database)
{
    stack_model *s = test_load_stack("stack: shop\n"
                             "network: { vpc: { cidr: 10.0.0.0/16 }, zones: 2 }\n"
                             "databases: { main: {}, legacy: { existing: old-db } }\n"
                             "services:\n"
                             "  web:\n"
                             "    image: nginx\n"
                             "    port: 80\n"
                             "    databases: { main: { host: H, password: P } }\n"
                             "    containers:\n"
                             "      migrate:\n"
                             "        init: true\n"
                             "        image: nginx\n"
                             "        databases: { main: { host: H, user: U, password: P },\n"
                             "                     legacy: { host: LH } }\n", NULL);
    const stack_service *web = stack_find_service(s, "web");
    ck_assert_uint_eq(web->ndatabases, 3);
    ck_assert_str_eq(env_of(&web->containers[1], "H"), "${databases.main.host}");
    ck_assert_str_eq(env_of(&web->containers[1], "U"), "${databases.main.user}");
    ck_assert_str_eq(env_of(&web->containers[1], "LH"), "${databases.legacy.host}");
    ck_assert_ptr_null(env_of(&web->containers[0], "U"));
    ck_assert_ptr_null(env_of(&web->containers[0], "LH"));
    res_graph *g = NULL;
    char err[256];
    ck_assert_int_eq(res_graph_build(s, "us-east-1", &g, err, sizeof err), 0);
    char *td = cJSON_PrintUnformatted(node(g, "task_def/web")->desired);
    const char *secret = "\"name\":\"P\",\"valueFrom\":{\"concat\":[{\"ref\":\"database/main\"";
    const char *first = strstr(td, secret);
    ck_assert_ptr_nonnull(first);
    ck_assert_ptr_nonnull(strstr(first + 1, secret)); /* in both containers */
    free(td);
    char *rules = cJSON_PrintUnformatted(node(g, "sg_rules/db-main")->desired);
    const char *rule = strstr(rules, "tcp 5432 from sg/web");
    ck_assert(rule && !strstr(rule + 1, "tcp 5432 from sg/web"));
    free(rules);
    char *role = cJSON_PrintUnformatted(node(g, "role/exec-web")->desired);
    const char *arn = strstr(role, "{\"ref\":\"database/main\",\"attr\":\"secret_arn\"}");
    ck_assert(arn && !strstr(arn + 1, "{\"ref\":\"database/main\",\"attr\":\"secret_arn\"}"));
    free(role);
    ck_assert(holds(node(g, "sg_reach/web")->desired, "{\"ref\":\"database/legacy\",\"attr\":\"port\"}"));
    res_graph_free(g);
    stack_free(s);
}
END_TEST

/* Whether n needs id, directly or through what it needs. */
static int needs(const res_node *n, const char *id)
{
    for (size_t i = 0; i < n->ndeps; i++)
        if (strcmp(n->deps[i]->id, id) == 0 || needs(n->deps[i], id))
            return 1;
    return 0;
}

/* The long creation runs beside everything that does not need the database: only the
 * using service's role, task definition and service wait for it; the other service, the
 * cluster, the log groups and the security groups do not. */
START_TEST(only_the_users_wait_for_a_database)
{
    stack_model *s = test_load_stack("stack: shop\n"
                             "network: { vpc: { cidr: 10.0.0.0/16 }, zones: 2 }\n"
                             "databases: { main: {} }\n"
                             "services:\n"
                             "  web: { image: nginx, port: 80, databases: { main: { host: H, password: P } } }\n"
                             "  worker: { image: nginx }\n", NULL);
    res_graph *g = NULL;
    char err[256];
    ck_assert_int_eq(res_graph_build(s, "us-east-1", &g, err, sizeof err), 0);
    const char *wait[] = {"role/exec-web", "task_def/web", "service/web", NULL};
    for (size_t i = 0; wait[i]; i++)
        ck_assert_msg(needs(node(g, wait[i]), "database/main"), "%s", wait[i]);
    size_t waiting = 0;
    for (size_t i = 0; i < g->n; i++)
        waiting += needs(g->nodes[i], "database/main");
    ck_assert_uint_eq(waiting, 3);
    ck_assert(!needs(node(g, "service/worker"), "database/main"));
    ck_assert(!needs(node(g, "sg_rules/db-main"), "database/main"));
    res_graph_free(g);
    stack_free(s);
}
END_TEST

/* A poll done at its third check. */
static int done_third(res_ctx *ctx, res_node *n, void *ud, char *status, size_t len, aws_error *err)
{
    (void)ctx;
    (void)n;
    (void)err;
    snprintf(status, len, "creating");
    return ++*(int *)ud >= 3;
}

/* An RDS wait outlasts the bound of the other waits unless --timeout was given. */
START_TEST(database_waits_are_long_unless_told)
{
    res_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.timeout_s = 0.001;
    ctx.poll_s = 0.01;
    res_node n;
    memset(&n, 0, sizeof n);
    aws_error err;
    int checks = 0;
    ck_assert_int_eq(res_wait(&ctx, &n, RES_CREATE, "x", done_third, &checks, &err), -1);
    ck_assert_str_eq(err.code, "WaiterTimeout");
    checks = 0;
    ck_assert_int_eq(res_wait_long(&ctx, &n, RES_CREATE, "x", done_third, &checks, &err), 0);
    ck_assert_int_eq(checks, 3);
    ctx.timeout_given = 1;
    checks = 0;
    ck_assert_int_eq(res_wait_long(&ctx, &n, RES_CREATE, "x", done_third, &checks, &err), -1);
    ck_assert_str_eq(err.code, "WaiterTimeout");
    ck_assert_int_lt(checks, 3);
}
END_TEST

START_TEST(versions)
{
    ck_assert(dbres_version_satisfied("postgres", "16", "16.8"));
    ck_assert(dbres_version_satisfied("postgres", "16.8", "16.8"));
    ck_assert(dbres_version_satisfied("postgres", "16.8", "16.10")); /* RDS's own upgrade */
    ck_assert(!dbres_version_satisfied("postgres", "16.9", "16.8"));
    ck_assert(!dbres_version_satisfied("postgres", "16", "17.2"));
    ck_assert(!dbres_version_satisfied("postgres", "1", "16.8"));
    ck_assert(dbres_version_satisfied("mysql", "8.0", "8.0.41"));
    ck_assert(dbres_version_satisfied("mysql", "8.0.40", "8.0.41"));
    ck_assert(!dbres_version_satisfied("mysql", "8.0", "8.4.4"));
    char *m = dbres_major("mysql", "8.0.41");
    ck_assert_str_eq(m, "8.0");
    free(m);
    m = dbres_major("postgres", "16.8");
    ck_assert_str_eq(m, "16");
    free(m);
    ck_assert(dbres_modifiable("storage-optimization") && !dbres_modifiable("backing-up"));
    ck_assert(dbres_broken("incompatible-parameters") && !dbres_broken("modifying"));
}
END_TEST

/* `down` of a stack whose database is kept: the database, what it stands on (its subnet
 * group, security group, subnets, VPC) stay and are marked kept; the rest goes. With
 * --purge everything goes, and the database's deletion says what it does besides. */
START_TEST(down_keeps_what_a_database_stands_on)
{
    static const char *const yaml = "stack: shop\n"
                                    "network: { vpc: { cidr: 10.0.0.0/16 }, zones: 2 }\n"
                                    "databases: { main: {} }\n"
                                    "services:\n"
                                    "  web: { image: nginx, port: 80, subnets: public,\n"
                                    "         databases: { main: { host: H } } }\n";
    for (int purge = 0; purge < 2; purge++) {
        stack_model *s = test_load_stack(yaml, NULL);
        res_graph *g = NULL;
        char err[256];
        ck_assert_int_eq(res_graph_build(s, "us-east-1", &g, err, sizeof err), 0);
        for (size_t i = 0; i < g->n; i++) { /* everything exists */
            g->nodes[i]->physical_id = strdup(g->nodes[i]->id);
            g->nodes[i]->actual = cJSON_CreateObject();
        }
        cJSON_AddBoolToObject(node(g, "database/main")->actual, "deletion_protection", 1);
        cJSON_AddStringToObject(node(g, "database/main")->actual, "status", "available");
        res_ctx ctx;
        memset(&ctx, 0, sizeof ctx);
        pthread_mutex_init(&ctx.lock, NULL);
        ctx.graph = g;
        ctx.stack = s;
        ctx.stack_name = s->name;
        ctx.purge = purge;
        plan_compute(&ctx, 1);
        const char *stay[] = {"database/main", "db_subnets/main", "sg/db-main", "subnet/private-0",
                              "subnet/private-1", "vpc/main", NULL};
        for (size_t i = 0; stay[i]; i++) {
            res_node *n = node(g, stay[i]);
            ck_assert_msg(n->action == (purge ? RES_DELETE : RES_NONE), "%s: %d", stay[i], n->action);
            ck_assert(purge || n->keep);
        }
        const char *go[] = {"subnet/public-0", "sg/web", "sg_rules/db-main", "igw/main", "service/web",
                            "route_table/private", NULL};
        for (size_t i = 0; go[i]; i++)
            ck_assert_msg(node(g, go[i])->action == RES_DELETE, "%s", go[i]);
        res_node *db = node(g, "database/main");
        if (purge) {
            ck_assert_uint_eq(db->changes.n, 2);
            ck_assert_str_eq(db->changes.items[0].path, "deletion_protection");
            ck_assert_str_eq(db->changes.items[0].to, "false");
            ck_assert_str_eq(db->changes.items[1].path, "final_snapshot");
            ck_assert_ptr_nonnull(strstr(db->changes.items[1].to, "main-final-"));
            char *text = plan_render_noted_text(g, 0);
            ck_assert_ptr_nonnull(strstr(text, "deletion_protection: true -> false"));
            ck_assert_ptr_null(strstr(text, "subnet/"));
            free(text);
        }
        pthread_mutex_destroy(&ctx.lock);
        res_graph_free(g);
        stack_free(s);
    }
}
END_TEST

UNIT_SUITE(stack_databases, 0, defaults_and_uses, graph_of_databases,
           only_the_users_wait_for_a_database, database_waits_are_long_unless_told,
           a_sidecar_uses_a_database, versions, down_keeps_what_a_database_stands_on)
