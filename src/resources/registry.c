/*
 * Every resource kind, in one table: its row's place is its build order, and its row
 * names the kinds whose resources must be gone before one of its own is deleted. This
 * table is the only place either order is written; res_registry_check() reads it when
 * the program starts.
 *
 * Build order: a kind's nodes may depend only on nodes of kinds in rows above it, so the
 * graph is built in dependency order.
 *
 * Teardown order: the executor deletes a node only when no pending deletion is of a kind
 * its kind is deleted after (the list in its row, and everything those kinds are deleted
 * after in turn), and none depends on it. Kinds with nothing between them are deleted at
 * the same time. Together the rows give the order of docs/aws-behaviour.md: services →
 * discovery services → namespace; listener rules → listeners → certificates, target
 * groups → DNS records → load balancer; records, certificates → hosted zone; cluster → task
 * definitions → roles, secrets, buckets; log groups; databases → their DB subnet groups;
 * then the
 * network: NAT gateways → Elastic IPs; route tables; internet gateway → security group
 * rules → security groups → subnets → VPC.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "res.h"
#include "xalloc.h"

extern const res_kind res_kind_vpc, res_kind_subnet, res_kind_igw, res_kind_eigw, res_kind_route_table,
    res_kind_eip, res_kind_nat, res_kind_sg, res_kind_sg_rules, res_kind_sg_egress, res_kind_sg_reach,
    res_kind_secret, res_kind_bucket, res_kind_log_group, res_kind_role, res_kind_namespace,
    res_kind_discovery, res_kind_alb, res_kind_target_group, res_kind_listener,
    res_kind_listener_rule, res_kind_cluster, res_kind_task_def, res_kind_service,
    res_kind_scaling, res_kind_bootstrap, res_kind_oac, res_kind_headers, res_kind_site, res_kind_oidc_provider,
    res_kind_policy, res_kind_zone, res_kind_certificate, res_kind_record, res_kind_db_subnets,
    res_kind_database, res_kind_cache, res_kind_parameter, res_kind_file_system,
    res_kind_access_point, res_kind_mount_target;

/* What every network kind waits for: the application is gone before the network goes. */
#define APPLICATION "namespace alb log_group secret bucket role zone oac headers oidc_provider policy " \
                    "db_subnets cache parameter file_system access_point mount_target"

const res_kind_row res_registry_rows[] = {
    /* kind                      deleted after (besides what those wait for) */
    {&res_kind_vpc,              "subnet"},
    {&res_kind_subnet,           "sg"},
    {&res_kind_igw,              "eip route_table"},
    /* IPv6 routes to it go first (AWS would only leave them as blackholes) */
    {&res_kind_eigw,             "route_table"},
    /* route tables may go before the NAT gateways they route to (they depend on them) */
    {&res_kind_route_table,      APPLICATION},
    {&res_kind_eip,              "nat"},
    {&res_kind_nat,              APPLICATION},
    {&res_kind_sg,               "sg_rules sg_egress sg_reach"},
    {&res_kind_db_subnets,       "database"},
    {&res_kind_database,         ""},
    {&res_kind_cache,            ""},
    {&res_kind_sg_rules,         "igw"},
    {&res_kind_sg_egress,        "igw"},
    {&res_kind_sg_reach,         "igw"},
    {&res_kind_secret,           "task_def bootstrap"},
    {&res_kind_bucket,           "task_def bootstrap site"},
    {&res_kind_parameter,        "task_def bootstrap"},
    /* a file system goes once its mount targets are gone (FileSystemInUse before) */
    {&res_kind_file_system,      "mount_target access_point"},
    {&res_kind_access_point,     "task_def"},
    {&res_kind_mount_target,     "task_def"},
    {&res_kind_log_group,        "service"},
    {&res_kind_role,             "task_def"},
    {&res_kind_namespace,        "discovery"},
    {&res_kind_discovery,        "service"},
    /* a zone goes only once the stack's records and certificates (their validation
     * records) in it are gone; a certificate once nothing uses it */
    {&res_kind_zone,             "record certificate"},
    {&res_kind_certificate,      "listener site"},
    {&res_kind_alb,              "target_group record"},
    {&res_kind_record,           ""},
    {&res_kind_target_group,     "listener"},
    {&res_kind_listener,         "listener_rule"},
    {&res_kind_listener_rule,    "service"},
    {&res_kind_cluster,          "service"},
    {&res_kind_task_def,         "cluster"},
    {&res_kind_service,          "scaling"},
    /* a scalable target needs its ECS service; deregistered before the service goes */
    {&res_kind_scaling,          ""},
    {&res_kind_bootstrap,        ""},
    {&res_kind_oac,              "site"},
    /* a response headers policy goes once no distribution names it */
    {&res_kind_headers,          "site"},
    {&res_kind_site,             "record"},
    /* last: it also builds the CI role (a role), whose permissions need the whole graph */
    {&res_kind_oidc_provider,    "role"},
    /* the stack's managed policies (the CI role's), detached by the roles' deletion */
    {&res_kind_policy,           "role"},
    {NULL, NULL}};

/* The index of the kind named name[0..len) in the first n rows, or -1. */
static long row_index(const res_kind_row *rows, size_t n, const char *name, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(rows[i].kind->name) == len && strncmp(rows[i].kind->name, name, len) == 0)
            return (long)i;
    return -1;
}

/* after[i*n+j] for the names in row i's list; -1 with a message on an unknown name. */
static int read_row(const res_kind_row *rows, size_t n, size_t i, unsigned char *after,
                    char *err, size_t errlen)
{
    const char *p = rows[i].deleted_after ? rows[i].deleted_after : "";
    while (*p) {
        size_t skip = strspn(p, " "), len;
        p += skip;
        len = strcspn(p, " ");
        if (len == 0)
            break;
        long j = row_index(rows, n, p, len);
        if (j < 0) {
            snprintf(err, errlen, "kind %s is deleted after '%.*s', which is no kind in the "
                     "registry", rows[i].kind->name, (int)len, p);
            return -1;
        }
        if ((size_t)j == i) {
            snprintf(err, errlen, "kind %s is deleted after itself", rows[i].kind->name);
            return -1;
        }
        after[i * n + (size_t)j] = 1;
        p += len;
    }
    return 0;
}

res_registry *res_registry_new(const res_kind_row *rows, char *err, size_t errlen)
{
    size_t n = 0;
    while (rows[n].kind)
        n++;
    for (size_t i = 0; i < n; i++) {
        const char *name = rows[i].kind->name;
        if (!name || !*name || strcspn(name, " ") != strlen(name)) {
            snprintf(err, errlen, "row %zu: a kind without a name (or with a space in it)", i + 1);
            return NULL;
        }
        if (row_index(rows, i, name, strlen(name)) >= 0) {
            snprintf(err, errlen, "kind %s has two rows", name);
            return NULL;
        }
    }
    res_registry *r = xcalloc(1, sizeof *r);
    r->n = n;
    r->kinds = xcalloc(n + 1, sizeof *r->kinds);
    r->after = xcalloc(n * n + 1, 1);
    for (size_t i = 0; i < n; i++) {
        r->kinds[i] = rows[i].kind;
        if (read_row(rows, n, i, r->after, err, errlen) != 0) {
            res_registry_free(r);
            return NULL;
        }
    }
    /* what a kind's predecessors are deleted after, it is deleted after too */
    for (size_t k = 0; k < n; k++)
        for (size_t i = 0; i < n; i++)
            if (r->after[i * n + k])
                for (size_t j = 0; j < n; j++)
                    if (r->after[k * n + j])
                        r->after[i * n + j] = 1;
    for (size_t i = 0; i < n; i++)
        if (r->after[i * n + i]) {
            snprintf(err, errlen, "the teardown order of kind %s goes round in a circle",
                     r->kinds[i]->name);
            res_registry_free(r);
            return NULL;
        }
    return r;
}

void res_registry_free(res_registry *r)
{
    if (!r)
        return;
    free(r->kinds);
    free(r->after);
    free(r);
}

static long kind_index(const res_registry *r, const res_kind *k)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->kinds[i] == k)
            return (long)i;
    return -1;
}

int res_registry_deleted_after(const res_registry *r, const res_kind *a, const res_kind *b)
{
    long i = r ? kind_index(r, a) : -1, j = r ? kind_index(r, b) : -1;
    return i >= 0 && j >= 0 && r->after[(size_t)i * r->n + (size_t)j];
}

/* The program's registry, read once. */
static pthread_once_t once = PTHREAD_ONCE_INIT;
static res_registry *program;
static char program_error[256];

static void read_program_registry(void)
{
    program = res_registry_new(res_registry_rows, program_error, sizeof program_error);
}

const res_registry *res_registry_get(void)
{
    pthread_once(&once, read_program_registry);
    return program;
}

int res_registry_check(char *err, size_t errlen)
{
    if (res_registry_get())
        return 0;
    snprintf(err, errlen, "%s", program_error);
    return -1;
}

const res_kind *res_kind_by_name(const char *name)
{
    const res_registry *r = res_registry_get();
    for (size_t i = 0; r && i < r->n; i++)
        if (strcmp(r->kinds[i]->name, name) == 0)
            return r->kinds[i];
    return NULL;
}
