/* `ecsdeploy plan`: what `up` would do, without doing it. */
#include <stdio.h>
#include <stdlib.h>

#include "session_internal.h"

typedef struct {
    int detailed_exitcode;
    int parallel;
    cli_take_file take;
} plan_opts;

enum { OPT_DETAILED = 2000, OPT_PARALLEL, OPT_TAKE_FILE };

static const cli_flag flags[] = {
    {"detailed-exitcode", 0, NULL, OPT_DETAILED,
     "exit 0 when nothing would change, 4 when something would", CLI_VALUE_ANY, NULL},
    {"parallel", 0, "N", OPT_PARALLEL, "discover with N calls at a time (1-64, default 16)",
     CLI_VALUE_ANY, NULL},
    {"take-file", 0, "SERVICE", OPT_TAKE_FILE, "plan the file's image, environment and count for "
     "SERVICE, not the ones deploy rolled out (repeatable)", CLI_VALUE_SERVICE, NULL},
    {0}};

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
    switch (opt) {
    case OPT_DETAILED: o->detailed_exitcode = 1; return 0;
    case OPT_PARALLEL: return cli_parse_parallel(arg, &o->parallel);
    case OPT_TAKE_FILE: return cli_take_file_add(&o->take, arg);
    }
    return CLI_NOT_MINE;
}

static int run(const cli_globals *g, void *state, int argc, char **argv)
{
    plan_opts *o = state;
    (void)argc;
    (void)argv;
    cli_session s;
    int rc = cli_session_open(g, &s);
    s.use_record = 1; /* only the kinds the file and the stack's record name */
    if (rc == EXIT_OK)
        rc = cli_session_discover(&s, o->parallel ? o->parallel : 16);
    plan_kept kept = {0};
    if (rc == EXIT_OK)
        rc = cli_session_keep(&s, &o->take, &kept);
    if (rc == EXIT_OK) {
        plan_compute(&s.ctx, 0);
        if (g->output == OUTPUT_JSON) {
            cJSON *j = plan_render_json(s.graph);
            cJSON_AddItemToObject(j, "kept", plan_kept_json(&kept));
            cli_print_json(j, 1);
        } else {
            char *text = plan_render_text(s.graph, g->color);
            fputs(text, stdout);
            free(text);
            text = plan_kept_text(&kept);
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
    plan_kept_free(&kept);
    cli_session_close(&s);
    return rc;
}

const cli_command_code cli_code_plan = CLI_COMMAND_CODE(plan_opts);
