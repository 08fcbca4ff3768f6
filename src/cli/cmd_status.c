/* `ecsdeploy status`: every resource of the stack with its id and state; services in detail. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session_internal.h"
#include "xalloc.h"
#include "text.h"

typedef struct {
    int check;
} status_opts;

enum { OPT_CHECK = 2300 };

static const struct option options[] = {{"check", no_argument, NULL, OPT_CHECK}, {0, 0, 0, 0}};

static int parse(void *state, int opt, const char *arg)
{
    (void)arg;
    status_opts *o = state;
    if (opt == OPT_CHECK)
        o->check = 1;
    return 0;
}

/* One node as JSON: id, kind, physical id, state, and the kind's own details. Sets
 * *unhealthy when the details say so ("healthy": false). */
static cJSON *node_json(cli_session *s, res_node *n, int *unhealthy)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", n->id);
    cJSON_AddStringToObject(o, "kind", n->kind->name);
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

/* Called from a kind's discovery thread once the kind's nodes have what was found. */
static void kind_ready(void *ud, const res_kind *kind)
{
    status_run *r = ud;
    size_t *batch = xcalloc(r->nbuilt + 1, sizeof *batch), n = 0;
    for (size_t i = 0; i < r->nbuilt; i++)
        if (r->s->graph->nodes[i]->kind == kind)
            batch[n++] = i;
    read_nodes(r, batch, n);
    free(batch);
}

/* Discover, reading each kind's nodes as soon as they are known; then the nodes that
 * discovery added (resources the file no longer has) and any whose physical id changed
 * at the end. Returns EXIT_OK with every node's JSON in *all (in graph order). */
static int discover_and_read(cli_session *s, cJSON **all, int *unhealthy)
{
    status_run r = {.s = s, .nbuilt = s->graph->n};
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
        if (!r.objs[i] || r.seen_id[i] != s->graph->nodes[i]->physical_id) {
            cJSON_Delete(r.objs[i]);
            r.objs[i] = NULL;
            r.unhealthy[i] = 0;
            batch[n++] = i;
        }
    read_nodes(&r, batch, n);
    free(batch);
    *all = cJSON_CreateArray();
    for (size_t i = 0; i < total; i++) {
        if (rc == EXIT_OK) {
            cJSON_AddItemToArray(*all, r.objs[i]);
            *unhealthy |= r.unhealthy[i];
        } else {
            cJSON_Delete(r.objs[i]);
        }
    }
    free(r.objs);
    free(r.unhealthy);
    free(r.seen_id);
    return rc;
}

static void print_details(const cJSON *o)
{
    for (const cJSON *c = o->child; c; c = c->next) {
        const char *k = c->string;
        if (!strcmp(k, "id") || !strcmp(k, "kind") || !strcmp(k, "state") ||
            !strcmp(k, "physical_id") || !strcmp(k, "external"))
            continue;
        if (cJSON_IsString(c)) {
            text_printf(stdout, "      %-14s %s\n", k, c->valuestring);
        } else if (cJSON_IsArray(c)) {
            text_printf(stdout, "      %s:\n", k);
            for (const cJSON *e = c->child; e; e = e->next) {
                char *t = cJSON_IsString(e) ? NULL : cJSON_PrintUnformatted(e);
                text_printf(stdout, "        %s\n", t ? t : e->valuestring);
                free(t);
            }
        } else {
            char *t = cJSON_PrintUnformatted(c);
            text_printf(stdout, "      %-14s %s\n", k, t);
            free(t);
        }
    }
}

static int run(const cli_globals *g, void *state, int argc, char **argv)
{
    status_opts *o = state;
    if (argc > 0)
        return cli_usage_error("status takes no arguments, got '%s'", argv[0]);
    cli_session s;
    int unhealthy = 0;
    cJSON *all = NULL;
    int rc = cli_session_open(g, &s);
    if (rc == EXIT_OK)
        rc = discover_and_read(&s, &all, &unhealthy);
    if (rc != EXIT_OK) {
        cJSON_Delete(all);
        cli_session_close(&s);
        return rc;
    }
    if (g->output == OUTPUT_JSON) {
        cJSON *root = cJSON_CreateObject();
        cJSON_AddStringToObject(root, "stack", s.stack->name);
        cJSON_AddItemToObject(root, "resources", all);
        cJSON_AddItemToObject(root, "outputs", cli_outputs_json(&s));
        cJSON_AddBoolToObject(root, "healthy", !unhealthy);
        char *text = cJSON_Print(root);
        printf("%s\n", text);
        free(text);
        cJSON_Delete(root);
    } else {
        printf("Stack %s (%s)\n", s.stack->name, s.ctx.region);
        for (const cJSON *n = all->child; n; n = n->next) {
            const cJSON *pid = cJSON_GetObjectItemCaseSensitive(n, "physical_id");
            text_printf(stdout, "  %-32s %-22s %s\n",
                        cJSON_GetObjectItemCaseSensitive(n, "id")->valuestring,
                   cJSON_GetObjectItemCaseSensitive(n, "state")->valuestring,
                   cJSON_IsString(pid) ? pid->valuestring : "");
            print_details(n);
        }
        cli_print_outputs_text(&s, stdout);
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
    .usage = "status [--check]",
    .summary = "show every resource of the stack, its services' health and the outputs",
    .options = options,
    .parse = parse,
    .state_size = sizeof(status_opts),
    .run = run,
};
