/* `ecsdeploy status`: every resource of the stack with its id and state; services in detail. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_session.h"

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

static void print_details(const cJSON *o)
{
    for (const cJSON *c = o->child; c; c = c->next) {
        const char *k = c->string;
        if (!strcmp(k, "id") || !strcmp(k, "kind") || !strcmp(k, "state") ||
            !strcmp(k, "physical_id") || !strcmp(k, "external"))
            continue;
        if (cJSON_IsString(c)) {
            printf("      %-14s %s\n", k, c->valuestring);
        } else if (cJSON_IsArray(c)) {
            printf("      %s:\n", k);
            for (const cJSON *e = c->child; e; e = e->next) {
                char *t = cJSON_IsString(e) ? NULL : cJSON_PrintUnformatted(e);
                printf("        %s\n", t ? t : e->valuestring);
                free(t);
            }
        } else {
            char *t = cJSON_PrintUnformatted(c);
            printf("      %-14s %s\n", k, t);
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
    int rc = cli_session_open(g, &s);
    if (rc == EXIT_OK)
        rc = cli_session_discover(&s, 16);
    if (rc != EXIT_OK) {
        cli_session_close(&s);
        return rc;
    }
    int unhealthy = 0;
    cJSON *all = cJSON_CreateArray();
    for (size_t i = 0; i < s.graph->n; i++)
        cJSON_AddItemToArray(all, node_json(&s, s.graph->nodes[i], &unhealthy));
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
            printf("  %-32s %-22s %s\n", cJSON_GetObjectItemCaseSensitive(n, "id")->valuestring,
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
