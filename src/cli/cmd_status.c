/* `ecsdeploy status [SERVICE]`: the stack's services, one line each, then its
 * infrastructure summarised; one service in detail; or a cluster's services (--cluster). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "deploy_output_internal.h"
#include "ecs.h"
#include "session_internal.h"
#include "status_internal.h"
#include "term_internal.h"
#include "xalloc.h"
#include "text.h"

typedef struct {
    int check;
    const char *cluster;
} status_opts;

enum { OPT_CHECK = 2300, OPT_CLUSTER };

static const cli_flag flags[] = {
    {"check", 0, NULL, OPT_CHECK, "exit 1 unless every resource is present and healthy",
     CLI_VALUE_ANY, NULL},
    {"cluster", 0, "NAME", OPT_CLUSTER, "the services of this cluster as ECS has them; no stack "
     "file needed", CLI_VALUE_ANY, NULL},
    {0}};

static const cli_example examples[] = {
    {"status", "services first, one line each, then the infrastructure"},
    {"status web", "one service in detail: tasks, revision, images, rollout, events"},
    {"status --check", "in CI: exit 1 unless everything is there and healthy"},
    {"status --cluster prod --output json", "a cluster's services without the stack file, as JSON"},
    {0}};

static int parse(void *state, int opt, const char *arg)
{
    (void)arg;
    status_opts *o = state;
    switch (opt) {
    case OPT_CHECK: o->check = 1; return 0;
    case OPT_CLUSTER: o->cluster = arg; return 0;
    }
    return CLI_NOT_MINE;
}

/* One node as JSON: id, kind, physical id, state, and the kind's own details. Sets
 * *unhealthy when the details say so ("healthy": false). */
static cJSON *node_json(cli_session *s, res_node *n, int *unhealthy)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", n->id);
    cJSON_AddStringToObject(o, "kind", n->kind->name);
    cJSON_AddStringToObject(o, "title", n->kind->title);
    const char *state = n->physical_id ? (n->desired ? "present" : "not in the stack file")
                                       : (n->external ? "external, not found" : "missing");
    cJSON_AddStringToObject(o, "state", state);
    if (n->physical_id)
        cJSON_AddStringToObject(o, "physical_id", n->physical_id);
    if (n->external)
        cJSON_AddBoolToObject(o, "external", 1);
    if (n->physical_id && n->kind->status) {
        aws_error err;
        aws_error_clear(&err);
        if (n->kind->status(&s->ctx, n, o, &err) != 0) {
            char line[1400];
            cJSON_AddStringToObject(o, "error", aws_error_format(&err, line, sizeof line));
        }
    }
    const cJSON *h = cJSON_GetObjectItemCaseSensitive(o, "healthy");
    if (cJSON_IsFalse(h) || (!n->physical_id && n->desired && !n->external))
        *unhealthy = 1;
    return o;
}

/* Every node's JSON, each read as soon as its kind is discovered, side by side. */
typedef struct {
    cli_session *s;
    size_t nbuilt;          /* the file's nodes: the graph does not grow during discovery */
    cJSON **objs;           /* per node */
    int *unhealthy;         /* per node */
    const char **seen_id;   /* per node: the physical id its JSON was made with */
    const size_t *batch;    /* the nodes being read */
    const char *only;       /* the one node to read ("service/web"), or NULL for all */
} status_run;

static int node_one(void *ud, size_t i, aws_error *err)
{
    (void)err;
    status_run *r = ud;
    size_t k = r->batch[i];
    res_node *n = r->s->graph->nodes[k];
    r->seen_id[k] = n->physical_id;
    r->objs[k] = node_json(r->s, n, &r->unhealthy[k]);
    return 0;
}

static void read_nodes(status_run *r, const size_t *batch, size_t n)
{
    status_run mine = *r; /* each batch has its own list; the arrays are shared */
    mine.batch = batch;
    aws_error err;
    res_parallel(n, RES_READS_AT_ONCE, node_one, &mine, &err);
}

static int wanted(const status_run *r, const res_node *n)
{
    return !r->only || strcmp(n->id, r->only) == 0;
}

/* Called from a kind's discovery thread once the kind's nodes have what was found. */
static void kind_ready(void *ud, const res_kind *kind)
{
    status_run *r = ud;
    size_t *batch = xcalloc(r->nbuilt + 1, sizeof *batch), n = 0;
    for (size_t i = 0; i < r->nbuilt; i++)
        if (r->s->graph->nodes[i]->kind == kind && wanted(r, r->s->graph->nodes[i]))
            batch[n++] = i;
    read_nodes(r, batch, n);
    free(batch);
}

/* Discover, reading each kind's nodes as soon as they are known; then the nodes that
 * discovery added (resources the file no longer has) and any whose physical id changed
 * at the end. Returns EXIT_OK with every node's JSON in *all (in graph order). */
static int discover_and_read(cli_session *s, const char *service, cJSON **all, int *unhealthy)
{
    char *only = service ? xasprintf("service/%s", service) : NULL;
    status_run r = {.s = s, .nbuilt = s->graph->n, .only = only};
    size_t cap = r.nbuilt + 1;
    r.objs = xcalloc(cap, sizeof *r.objs);
    r.unhealthy = xcalloc(cap, sizeof *r.unhealthy);
    r.seen_id = xcalloc(cap, sizeof *r.seen_id);
    aws_error err;
    aws_error_clear(&err);
    int rc = EXIT_OK;
    if (plan_discover_each(&s->ctx, 16, kind_ready, &r, &err) != 0) {
        cli_print_aws_error(NULL, &err);
        rc = EXIT_AWS;
    }
    size_t total = s->graph->n;
    if (total + 1 > cap) {
        r.objs = xrealloc(r.objs, (total + 1) * sizeof *r.objs);
        r.unhealthy = xrealloc(r.unhealthy, (total + 1) * sizeof *r.unhealthy);
        r.seen_id = xrealloc(r.seen_id, (total + 1) * sizeof *r.seen_id);
        for (size_t i = cap; i < total + 1; i++) {
            r.objs[i] = NULL;
            r.unhealthy[i] = 0;
            r.seen_id[i] = NULL;
        }
    }
    size_t *batch = xcalloc(total + 1, sizeof *batch), n = 0;
    for (size_t i = 0; rc == EXIT_OK && i < total; i++)
        if (wanted(&r, s->graph->nodes[i]) &&
            (!r.objs[i] || r.seen_id[i] != s->graph->nodes[i]->physical_id)) {
            cJSON_Delete(r.objs[i]);
            r.objs[i] = NULL;
            r.unhealthy[i] = 0;
            batch[n++] = i;
        }
    read_nodes(&r, batch, n);
    free(batch);
    *all = cJSON_CreateArray();
    for (size_t i = 0; i < total; i++) {
        if (rc == EXIT_OK && r.objs[i]) {
            cJSON_AddItemToArray(*all, r.objs[i]);
            *unhealthy |= r.unhealthy[i];
        } else {
            cJSON_Delete(r.objs[i]);
        }
    }
    free(r.objs);
    free(r.unhealthy);
    free(r.seen_id);
    free(only);
    return rc;
}

/* The text for people: services, then the infrastructure, then the outputs. */
static void print_text(cli_session *s, const cJSON *all, const char *only)
{
    int cols = 0, rows;
    if (cli_term_size(STDOUT_FILENO, &cols, &rows) != 0)
        cols = 0;
    if (only) {
        status_print_service(stdout, all->child, cols);
        return;
    }
    printf("Stack %s (%s)\n\n", s->stack->name, s->ctx.region);
    status_print_services(stdout, all, cols);
    printf("\n");
    status_print_infrastructure(stdout, all, cols);
    if (s->stack->noutputs) {
        printf("\n");
        cli_print_outputs_text(s, stdout);
    }
}

/* `status --cluster NAME [SERVICE]`: the cluster's services as ECS has them, no stack. */
static int run_cluster(const cli_globals *g, const status_opts *o, const char *only)
{
    deploy_cli_target t;
    int rc = deploy_cli_open(g, o->cluster, &t);
    svc_strings arns = {0};
    aws_error err;
    if (rc == EXIT_OK && !only && ecs_list_services(t.aws, t.cluster, 100, &arns, &err) != 0) {
        cli_print_aws_error("listing the cluster's services", &err);
        rc = EXIT_AWS;
    }
    if (only)
        svc_strings_add(&arns, only);
    cJSON *all = cJSON_CreateArray();
    int unhealthy = 0;
    for (size_t i = 0; rc == EXIT_OK && i < arns.n; i++) {
        const char *name = strrchr(arns.items[i], '/') ? strrchr(arns.items[i], '/') + 1 : arns.items[i];
        ecs_service sv = {0};
        int found = 0;
        if (ecs_describe_service(t.aws, t.cluster, name, &sv, &found, &err) != 0) {
            cli_print_aws_error("reading the service", &err);
            rc = EXIT_AWS;
            break;
        }
        cJSON *node = cJSON_CreateObject();
        char *id = xasprintf("service/%s", name);
        cJSON_AddStringToObject(node, "id", id);
        free(id);
        cJSON_AddStringToObject(node, "kind", "service");
        cJSON_AddStringToObject(node, "state", found ? "present" : "missing");
        const cJSON *lbs = sv.raw ? cJSON_GetObjectItem(sv.raw, "loadBalancers") : NULL;
        const cJSON *tg = lbs ? cJSON_GetObjectItem(cJSON_GetArrayItem(lbs, 0), "targetGroupArn") : NULL;
        if (found) {
            cJSON_AddStringToObject(node, "physical_id", sv.arn);
            if (res_service_status(t.aws, t.cluster, name, sv.task_definition,
                                   cJSON_IsString(tg) ? tg->valuestring : NULL, node, &err) != 0) {
                char line[1400];
                cJSON_AddStringToObject(node, "error", aws_error_format(&err, line, sizeof line));
            }
        }
        unhealthy |= !found || !cJSON_IsTrue(cJSON_GetObjectItem(node, "healthy"));
        cJSON_AddItemToArray(all, node);
        ecs_service_free(&sv);
    }
    if (rc == EXIT_OK && only && !cJSON_IsTrue(cJSON_GetObjectItem(all->child, "healthy")) &&
        !strcmp(cJSON_GetObjectItem(all->child, "state")->valuestring, "missing")) {
        rc = cli_usage_error("cluster %s has no service '%s'", t.cluster, only);
    } else if (rc == EXIT_OK && g->output == OUTPUT_JSON) {
        cJSON *root = cJSON_CreateObject();
        cJSON_AddStringToObject(root, "cluster", t.cluster);
        cJSON_AddItemToObject(root, "resources", all);
        all = NULL;
        cJSON_AddBoolToObject(root, "healthy", !unhealthy);
        cli_print_json(root, 1);
    } else if (rc == EXIT_OK) {
        int cols = 0, rows;
        if (cli_term_size(STDOUT_FILENO, &cols, &rows) != 0)
            cols = 0;
        if (only)
            status_print_service(stdout, all->child, cols);
        else if (!all->child)
            printf("Cluster %s has no services.\n", t.cluster);
        else {
            printf("Cluster %s\n\n", t.cluster);
            status_print_services(stdout, all, cols);
        }
    }
    if (rc == EXIT_OK && o->check && unhealthy) {
        if (g->output != OUTPUT_JSON)
            fprintf(stderr, "ecsdeploy: status --check: not every service is running and healthy\n");
        rc = EXIT_AWS;
    }
    cJSON_Delete(all);
    svc_strings_free(&arns);
    deploy_cli_close(&t);
    return rc;
}

static int run(const cli_globals *g, void *state, int argc, char **argv)
{
    status_opts *o = state;
    if (argc > 1)
        return cli_usage_error("status takes at most one SERVICE, got '%s' too", argv[1]);
    const char *only = argc ? argv[0] : NULL;
    if (o->cluster)
        return run_cluster(g, o, only);
    cli_session s;
    int unhealthy = 0;
    cJSON *all = NULL;
    int rc = cli_session_open(g, &s);
    if (rc == EXIT_OK && only && !stack_find_service(s.stack, only))
        rc = cli_no_such_service(s.stack, only, NULL);
    if (rc == EXIT_OK)
        rc = discover_and_read(&s, only, &all, &unhealthy);
    if (rc != EXIT_OK) {
        cJSON_Delete(all);
        cli_session_close(&s);
        return rc;
    }
    if (g->output == OUTPUT_JSON) {
        cJSON *root = cJSON_CreateObject();
        cJSON_AddStringToObject(root, "stack", s.stack->name);
        cJSON_AddStringToObject(root, "region", s.ctx.region);
        cJSON_AddItemToObject(root, "resources", all);
        if (!only)
            cJSON_AddItemToObject(root, "outputs", cli_outputs_json(&s));
        cJSON_AddBoolToObject(root, "healthy", !unhealthy);
        cli_print_json(root, 1);
    } else {
        print_text(&s, all, only);
        cJSON_Delete(all);
    }
    if (o->check && unhealthy) {
        if (g->output != OUTPUT_JSON)
            fprintf(stderr, "ecsdeploy: status --check: not every resource is present and healthy\n");
        rc = EXIT_AWS;
    }
    cli_session_close(&s);
    return rc;
}

const cli_command cli_cmd_status = {
    .name = "status",
    .args = "[SERVICE]",
    .summary = "show the stack's services (tasks, revision, image, health) and infrastructure",
    .args_kind = CLI_VALUE_SERVICE,
    CLI_COMMAND_PARTS(status_opts),
};
