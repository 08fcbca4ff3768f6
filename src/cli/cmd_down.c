/* `ecsdeploy down`: delete everything the stack owns, in a safe order, keeping kept data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "session_internal.h"
#include "text.h"

typedef struct {
    int parallel;
    int yes;
    int purge;
    double timeout;
} down_opts;

enum { OPT_PARALLEL = 2200, OPT_YES, OPT_PURGE, OPT_TIMEOUT };

static const cli_flag flags[] = {
    CLI_FLAG_YES(OPT_YES),
    {"purge", 0, NULL, OPT_PURGE, "delete the kept buckets (every object version), secrets and databases (with a final snapshot) too",
     CLI_VALUE_ANY, NULL},
    {"parallel", 0, "N", OPT_PARALLEL, "run N deletions at a time (1-64, default 16)",
     CLI_VALUE_ANY, NULL},
    CLI_FLAG_WAIT_TIMEOUT(OPT_TIMEOUT),
    {0}};

static int parse(void *state, int opt, const char *arg)
{
    down_opts *o = state;
    switch (opt) {
    case OPT_PARALLEL: return cli_parse_parallel(arg, &o->parallel);
    case OPT_YES: o->yes = 1; return 0;
    case OPT_PURGE: o->purge = 1; return 0;
    case OPT_TIMEOUT: return cli_parse_timeout(arg, &o->timeout);
    }
    return CLI_NOT_MINE;
}

/* On a terminal, ask; elsewhere demand --yes. Returns 1 to go ahead. */
static int confirm(const cli_session *s, size_t n)
{
    if (!isatty(STDIN_FILENO)) {
        fprintf(stderr, "ecsdeploy: down deletes %zu resources of stack %s; pass --yes to confirm "
                        "when not on a terminal\n", n, s->stack->name);
        return 0;
    }
    fprintf(stderr, "Delete %zu resources of stack %s? Type the stack name to confirm: ", n,
            s->stack->name);
    char line[256];
    if (cli_read_answer(line, sizeof line) != 0)
        return 0;
    if (strcmp(line, s->stack->name) != 0) {
        fprintf(stderr, "ecsdeploy: not confirmed; nothing was deleted\n");
        return 0;
    }
    return 1;
}

static void list_kept(const cli_session *s, FILE *out)
{
    int any = 0;
    for (size_t i = 0; i < s->graph->n; i++) {
        const res_node *n = s->graph->nodes[i];
        if (plan_left_kept(n)) {
            if (!any++)
                fprintf(out, "Kept (remove them with down --purge):\n");
            fprintf(out, "  %s (%s)\n", n->id, n->physical_id);
        }
    }
}

static int run(const cli_globals *g, void *state, int argc, char **argv)
{
    down_opts *o = state;
    (void)argc;
    (void)argv;
    int parallel = o->parallel ? o->parallel : 16;
    cli_session s;
    int rc = cli_session_open(g, &s);
    if (rc == EXIT_OK)
        rc = cli_session_discover(&s, parallel);
    if (rc != EXIT_OK) {
        cli_session_close(&s);
        return rc;
    }
    s.ctx.purge = o->purge;
    if (o->timeout > 0) {
        s.ctx.timeout_s = o->timeout;
        s.ctx.timeout_given = 1;
    }
plan: /* again once the stack's lock is held (below) */
    plan_compute(&s.ctx, 1);
    plan_counts c = plan_count(s.graph);
    if (c.delete == 0) {
        if (g->output != OUTPUT_JSON) {
            printf("Nothing to delete: stack %s has no resources left.\n", s.stack->name);
            list_kept(&s, stdout);
        }
        s.lock_remove_bucket = 1;
        cli_session_close(&s);
        return EXIT_OK;
    }
    if (!s.lock && g->output != OUTPUT_JSON) {
        char *noted = plan_render_noted_text(s.graph, g->color);
        if (noted[0])
            printf("Deleting these needs more than a delete:\n%s", noted);
        free(noted);
    }
    if (!s.lock && !o->yes && !confirm(&s, c.delete)) {
        cli_session_close(&s);
        return EXIT_USAGE;
    }
    if (!s.lock) { /* one run at a time (see lock.h) */
        /* Ctrl-C from here on stops the run cleanly: its lock, once taken, is given back */
        cli_interrupts_install(&s);
        rc = cli_session_lock(&s, o->purge ? "down --purge" : "down", parallel);
        if (rc != EXIT_OK) {
            cli_session_close(&s);
            return rc;
        }
        goto plan;
    }
    if (cli_lock_check(s.lock, s.stack->name) != EXIT_OK) {
        cli_session_close(&s);
        return EXIT_AWS;
    }
    struct cli_progress *p = cli_progress_start(&s, "down");
    plan_exec_options eo = {.parallel = parallel, .rollback = 0};
    plan_exec_result r;
    plan_execute(&s.ctx, &eo, &r);
    cli_progress_stop(p);
    cli_interrupts_remove();
    if (r.failed) {
        text_printf(stderr, "ecsdeploy: down did not finish: %s\n", r.failure);
        fprintf(stderr, "ecsdeploy: run `ecsdeploy down` again to finish the job\n");
        rc = EXIT_AWS;
    } else if (g->output == OUTPUT_JSON) {
        s.lock_remove_bucket = 1;
        printf("{\"event\":\"summary\",\"result\":\"ok\",\"deleted\":%zu}\n", r.done);
    } else {
        s.lock_remove_bucket = 1;
        printf("Stack %s is down: %zu resources deleted.\n", s.stack->name, r.done);
        list_kept(&s, stdout);
    }
    plan_exec_result_free(&r);
    cli_session_close(&s);
    return rc;
}

const cli_command_code cli_code_down = CLI_COMMAND_CODE(down_opts);
