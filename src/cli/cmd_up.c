/* `ecsdeploy up`: create or update everything the stack file describes. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "session_internal.h"
#include "text.h"

typedef struct {
    int parallel;
    int no_wait;
    int no_rollback;
    int allow_replace;
    int rebootstrap;
    double timeout;
} up_opts;

enum { OPT_PARALLEL = 2100, OPT_NO_WAIT, OPT_NO_ROLLBACK, OPT_ALLOW_REPLACE, OPT_TIMEOUT,
       OPT_REBOOTSTRAP };

static const struct option options[] = {
    {"parallel", required_argument, NULL, OPT_PARALLEL},
    {"no-wait", no_argument, NULL, OPT_NO_WAIT},
    {"no-rollback", no_argument, NULL, OPT_NO_ROLLBACK},
    {"allow-replace", no_argument, NULL, OPT_ALLOW_REPLACE},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"rebootstrap", no_argument, NULL, OPT_REBOOTSTRAP},
    {0, 0, 0, 0}};

static int parse(void *state, int opt, const char *arg)
{
    up_opts *o = state;
    switch (opt) {
    case OPT_PARALLEL: return cli_parse_parallel(arg, &o->parallel);
    case OPT_NO_WAIT: o->no_wait = 1; return 0;
    case OPT_NO_ROLLBACK: o->no_rollback = 1; return 0;
    case OPT_ALLOW_REPLACE: o->allow_replace = 1; return 0;
    case OPT_REBOOTSTRAP: o->rebootstrap = 1; return 0;
    case OPT_TIMEOUT:
        if (cli_parse_duration(arg, &o->timeout) != 0)
            return cli_usage_error("--timeout wants a duration like 90s, 15m or 1h, got '%s'", arg);
        return 0;
    }
    return -1;
}

/* Replacing a bucket or a secret marked keep would destroy data: say which. */
static void print_kept_replacements(res_node *const *kept)
{
    fprintf(stderr, "ecsdeploy: this plan replaces resources that keep data:\n");
    for (size_t i = 0; kept[i]; i++) {
        fprintf(stderr, "  %s (%s):", kept[i]->id, kept[i]->physical_id);
        for (size_t c = 0; c < kept[i]->changes.n; c++)
            if (kept[i]->changes.items[c].replaces)
                fprintf(stderr, " %s", kept[i]->changes.items[c].path);
        fprintf(stderr, " changed\n");
    }
    fprintf(stderr, "ecsdeploy: nothing was changed; run again with --allow-replace to replace them\n");
}

/* Existing resources the file names must exist: say which are missing. */
static void print_missing_externals(res_node *const *missing)
{
    fprintf(stderr, "ecsdeploy: the stack file names existing resources that were not found:\n");
    for (size_t i = 0; missing[i]; i++)
        fprintf(stderr, "  %s: %s\n", missing[i]->id, missing[i]->label);
    fprintf(stderr, "ecsdeploy: nothing was changed; create them first, or name ones that exist "
                    "(in the file or with --set)\n");
}

static void print_summary(cli_session *s, const plan_exec_result *r, double secs)
{
    if (s->g->output == OUTPUT_JSON) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "event", "summary");
        cJSON_AddStringToObject(o, "result", !r->failed ? "ok" : r->rolled_back ? "rolled_back" : "failed");
        if (r->failure)
            cJSON_AddStringToObject(o, "failure", r->failure);
        cJSON *left = cJSON_AddArrayToObject(o, "left");
        for (size_t i = 0; i < r->nleft; i++)
            cJSON_AddItemToArray(left, cJSON_CreateString(r->left[i]));
        cJSON_AddNumberToObject(o, "seconds", secs);
        if (!r->failed)
            cJSON_AddItemToObject(o, "outputs", cli_outputs_json(s));
        char *text = cJSON_PrintUnformatted(o);
        printf("%s\n", text);
        free(text);
        cJSON_Delete(o);
        return;
    }
    if (!r->failed) {
        printf("Stack %s is up: %zu action%s in %.0f s.\n", s->stack->name, r->done,
               r->done == 1 ? "" : "s", secs);
        cli_print_outputs_text(s, stdout);
        return;
    }
    text_printf(stderr, "ecsdeploy: up failed: %s\n", r->failure);
    if (r->rolled_back)
        fprintf(stderr, "ecsdeploy: rolled back: what this run created was deleted and what it changed restored\n");
    else if (r->rollback_failed) {
        fprintf(stderr, "ecsdeploy: the rollback failed; left behind:\n");
        for (size_t i = 0; i < r->nleft; i++)
            text_printf(stderr, "  %s\n", r->left[i]);
    } else {
        fprintf(stderr, "ecsdeploy: nothing was rolled back (--no-rollback); run `ecsdeploy status` to inspect\n");
    }
}

/* What `up` says when the plan decides it goes no further; EXIT_OK for GO and NOTHING. */
static int render_verdict(cli_session *s, const plan_up_decision *d)
{
    int rc = EXIT_OK;
    switch (d->verdict) {
    case PLAN_UP_MISSING_EXTERNALS:
        print_missing_externals(d->nodes);
        rc = EXIT_AWS;
        break;
    case PLAN_UP_MISSING_GROUPS:
        text_printf(stderr, "ecsdeploy: %s\necsdeploy: nothing was changed; create them first, or "
                            "name ones that exist (in the file or with --set)\n", d->err.message);
        rc = EXIT_AWS;
        break;
    case PLAN_UP_UNREADABLE_SOURCE:
        text_printf(stderr, "ecsdeploy: %s\necsdeploy: nothing was changed\n", d->err.message);
        rc = EXIT_USAGE;
        break;
    case PLAN_UP_NOTHING:
        if (s->g->output == OUTPUT_JSON) {
            plan_exec_result none = {0};
            print_summary(s, &none, 0);
        } else {
            printf("No changes: %zu resources match the stack file.\n", d->counts.unchanged);
            cli_print_outputs_text(s, stdout);
        }
        break;
    case PLAN_UP_REPLACES_KEPT:
        print_kept_replacements(d->nodes);
        rc = EXIT_USAGE;
        break;
    case PLAN_UP_GO:
        break;
    }
    return rc;
}

static int run(const cli_globals *g, void *state, int argc, char **argv)
{
    up_opts *o = state;
    if (argc > 0)
        return cli_usage_error("up takes no arguments, got '%s'", argv[0]);
    int parallel = o->parallel ? o->parallel : 16;
    cli_session s;
    int rc = cli_session_open(g, &s);
    s.ctx.rebootstrap = o->rebootstrap;
    if (rc == EXIT_OK)
        rc = cli_session_discover(&s, parallel);
    if (rc != EXIT_OK) {
        cli_session_close(&s);
        return rc;
    }
    /* Ctrl-C from here on stops the run cleanly: its lock, once taken, is given back */
    cli_interrupts_install(&s);
    s.ctx.wait_services = !o->no_wait;
    if (o->timeout > 0)
        s.ctx.timeout_s = o->timeout;
    plan_up_decision d;
plan: /* again once the stack's lock is held (below) */
    plan_up_decide(&s.ctx, o->allow_replace, &d);
    rc = render_verdict(&s, &d);
    free(d.nodes);
    if (d.verdict != PLAN_UP_GO) {
        cli_session_close(&s);
        return rc;
    }
    if (!s.lock) { /* changes to make: one run at a time (see lock.h) */
        rc = cli_session_lock(&s, "up", parallel);
        if (rc != EXIT_OK) {
            cli_session_close(&s);
            return rc;
        }
        goto plan;
    }
    plan_counts c = d.counts;
    size_t unsettled = d.unsettled;
    if (g->output != OUTPUT_JSON)
        printf("Plan: %zu to create, %zu to update, %zu to replace, %zu to delete.\n", c.create,
               c.update, c.replace, c.delete);
    if (g->output != OUTPUT_JSON && unsettled)
        printf("Waiting for %zu unchanged resource%s an earlier run left changing (e.g. a service "
               "deployment in progress).\n", unsettled, unsettled == 1 ? "" : "s");

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (cli_lock_check(s.lock, s.stack->name) != EXIT_OK) {
        cli_session_close(&s);
        return EXIT_AWS;
    }
    struct cli_progress *p = cli_progress_start(&s, "up");
    plan_exec_options eo = {.parallel = parallel, .rollback = !o->no_rollback};
    plan_exec_result r;
    plan_execute(&s.ctx, &eo, &r);
    cli_progress_stop(p);
    cli_interrupts_remove();
    clock_gettime(CLOCK_MONOTONIC, &t1);
    print_summary(&s, &r, (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    rc = !r.failed ? EXIT_OK : r.rolled_back ? EXIT_ROLLED_BACK : EXIT_AWS;
    plan_exec_result_free(&r);
    cli_session_close(&s);
    return rc;
}

const cli_command cli_cmd_up = {
    .name = "up",
    .usage = "up [--parallel N] [--no-wait] [--timeout D] [--no-rollback] [--allow-replace] "
             "[--rebootstrap]",
    .summary = "create or update everything the stack file describes",
    .options = options,
    .parse = parse,
    .state_size = sizeof(up_opts),
    .run = run,
};
