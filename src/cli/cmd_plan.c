/* `ecsdeploy plan`: what `up` would do, without doing it. */
#include <stdio.h>
#include <stdlib.h>

#include "session_internal.h"

typedef struct {
    int detailed_exitcode;
    int parallel;
} plan_opts;

enum { OPT_DETAILED = 2000, OPT_PARALLEL };

static const struct option options[] = {
    {"detailed-exitcode", no_argument, NULL, OPT_DETAILED},
    {"parallel", required_argument, NULL, OPT_PARALLEL},
    {0, 0, 0, 0}};

int cli_parse_parallel(const char *arg, int *out)
{
    char *end;
    long v = strtol(arg, &end, 10);
    if (*end || v < 1 || v > 64)
        return cli_usage_error("--parallel wants a number from 1 to 64, got '%s'", arg);
    *out = (int)v;
    return 0;
}

static int parse(void *state, int opt, const char *arg)
{
    plan_opts *o = state;
    if (opt == OPT_DETAILED) {
        o->detailed_exitcode = 1;
        return 0;
    }
    return cli_parse_parallel(arg, &o->parallel);
}

static int run(const cli_globals *g, void *state, int argc, char **argv)
{
    plan_opts *o = state;
    if (argc > 0)
        return cli_usage_error("plan takes no arguments, got '%s'", argv[0]);
    cli_session s;
    int rc = cli_session_open(g, &s);
    if (rc == EXIT_OK)
        rc = cli_session_discover(&s, o->parallel ? o->parallel : 16);
    if (rc == EXIT_OK) {
        plan_compute(&s.ctx, 0);
        if (g->output == OUTPUT_JSON) {
            cJSON *j = plan_render_json(s.graph);
            char *text = cJSON_Print(j);
            printf("%s\n", text);
            free(text);
            cJSON_Delete(j);
        } else {
            char *text = plan_render_text(s.graph, g->color);
            fputs(text, stdout);
            free(text);
        }
        res_node **missing = plan_missing_externals(s.graph);
        for (size_t i = 0; missing && missing[i]; i++)
            fprintf(stderr, "ecsdeploy: warning: %s: %s was not found; up will refuse to run\n",
                    missing[i]->id, missing[i]->label);
        free(missing);
        plan_counts c = plan_count(s.graph);
        if (o->detailed_exitcode && c.create + c.update + c.replace + c.delete > 0)
            rc = EXIT_CHANGES;
    }
    cli_session_close(&s);
    return rc;
}

const cli_command cli_cmd_plan = {
    .name = "plan",
    .usage = "plan [--detailed-exitcode] [--parallel N]",
    .summary = "show what `up` would create, update, replace and delete",
    .options = options,
    .parse = parse,
    .state_size = sizeof(plan_opts),
    .run = run,
};
