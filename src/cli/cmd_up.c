/* `ecsdeploy up`: create or update everything the stack file describes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "picture_internal.h"
#include "session_internal.h"
#include "text.h"

typedef struct {
    int parallel;
    int no_wait;
    int no_rollback;
    int allow_replace;
    int rebootstrap;
    int yes;
    double timeout;
    const char *timeline;
    cli_take_file take;
} up_opts;

enum { OPT_PARALLEL = 2100, OPT_NO_WAIT, OPT_NO_ROLLBACK, OPT_ALLOW_REPLACE, OPT_TIMEOUT,
       OPT_REBOOTSTRAP, OPT_YES, OPT_TIMELINE, OPT_TAKE_FILE };

static const cli_flag flags[] = {
    {"yes", 'y', NULL, OPT_YES, "replace and delete without asking (on a terminal up asks first)",
     CLI_VALUE_ANY, NULL},
    {"parallel", 0, "N", OPT_PARALLEL, "run N actions at a time (1-64, default 16)",
     CLI_VALUE_ANY, NULL},
    CLI_FLAG_WAIT_TIMEOUT(OPT_TIMEOUT),
    {"no-wait", 0, NULL, OPT_NO_WAIT, "do not wait for services to become steady", CLI_VALUE_ANY,
     NULL},
    {"no-rollback", 0, NULL, OPT_NO_ROLLBACK,
     "on failure leave everything as it is for inspection (exit 1)", CLI_VALUE_ANY, NULL},
    {"allow-replace", 0, NULL, OPT_ALLOW_REPLACE,
     "allow replacing a bucket, secret, file system or parameter marked keep (its data is lost)", CLI_VALUE_ANY, NULL},
    {"rebootstrap", 0, NULL, OPT_REBOOTSTRAP, "run the bootstrap steps again", CLI_VALUE_ANY, NULL},
    {"take-file", 0, "SERVICE", OPT_TAKE_FILE, "take the file's image, environment and count for "
     "SERVICE, not the ones deploy rolled out (repeatable)", CLI_VALUE_SERVICE, NULL},
    {"timeline", 0, "FILE.svg", OPT_TIMELINE,
     "write the run as an SVG picture (one bar per resource, the critical path outlined)",
     CLI_VALUE_FILE, NULL},
    {0}};

static int parse(void *state, int opt, const char *arg)
{
    up_opts *o = state;
    switch (opt) {
    case OPT_PARALLEL: return cli_parse_parallel(arg, &o->parallel);
    case OPT_NO_WAIT: o->no_wait = 1; return 0;
    case OPT_NO_ROLLBACK: o->no_rollback = 1; return 0;
    case OPT_ALLOW_REPLACE: o->allow_replace = 1; return 0;
    case OPT_REBOOTSTRAP: o->rebootstrap = 1; return 0;
    case OPT_TIMELINE: o->timeline = arg; return 0;
    case OPT_YES: o->yes = 1; return 0;
    case OPT_TAKE_FILE: return cli_take_file_add(&o->take, arg);
    case OPT_TIMEOUT: return cli_parse_timeout(arg, &o->timeout);
    }
    return CLI_NOT_MINE;
}

/* Replacing a resource marked keep (a bucket, secret, file system, parameter) would destroy
 * data: say which. */
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
        cli_print_json(o, 0);
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

/* On a terminal, a plan that replaces or deletes shows those changes field by field and
 * asks; --yes, JSON output or no terminal (CI) go ahead as before. EXIT_OK to go on. */
static int ask_before_destroying(cli_session *s, const up_opts *o, const plan_counts *c)
{
    if (c->replace + c->delete == 0 || o->yes || s->g->output == OUTPUT_JSON ||
        !isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
        return EXIT_OK;
    char *text = plan_render_destructive_text(s->graph, s->g->color);
    printf("%s", text);
    free(text);
    printf("This up replaces %zu and deletes %zu resource%s (above): their data and addresses "
           "are lost.\nGo ahead? [y/N] ", c->replace, c->delete, c->replace + c->delete == 1 ? "" : "s");
    fflush(stdout);
    char line[64];
    cli_read_answer(line, sizeof line);
    if (strcmp(line, "y") == 0 || strcmp(line, "Y") == 0 || strcmp(line, "yes") == 0)
        return EXIT_OK;
    fprintf(stderr, "ecsdeploy: not confirmed; nothing was changed (up --yes does not ask)\n");
    return EXIT_USAGE;
}

/* What up keeps of `ecsdeploy deploy`, and what it takes from the file instead. */
static void print_kept(cli_session *s, const plan_kept *k)
{
    if (k->n == 0)
        return;
    if (s->g->output == OUTPUT_JSON) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "event", "kept");
        cJSON_AddItemToObject(o, "values", plan_kept_json(k));
        cli_print_json(o, 0);
        return;
    }
    char *text = plan_kept_text(k);
    fputs(text, stdout);
    free(text);
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
    case PLAN_UP_CI_CHANGES_ITSELF:
        fprintf(stderr, "ecsdeploy: %s\necsdeploy: nothing was changed\n", d->err.message);
        rc = EXIT_AWS;
        break;
    case PLAN_UP_UNREADABLE_SOURCE:
        text_printf(stderr, "ecsdeploy: %s\necsdeploy: nothing was changed\n", d->err.message);
        rc = EXIT_USAGE;
        break;
    case PLAN_UP_REFUSED:
        fprintf(stderr, "ecsdeploy: %s\necsdeploy: nothing was changed\n", d->err.message);
        rc = d->err.kind == AWS_ERR_INPUT ? EXIT_USAGE : EXIT_AWS;
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
    (void)argc;
    (void)argv;
    if (o->timeline && cli_timeline_check(o->timeline) != 0)
        return EXIT_USAGE;
    int parallel = o->parallel ? o->parallel : 16;
    cli_session s;
    int rc = cli_session_open(g, &s);
    s.ctx.rebootstrap = o->rebootstrap;
    s.use_record = 1; /* only the kinds the file and the stack's record name */
    if (rc == EXIT_OK)
        rc = cli_session_discover(&s, parallel);
    if (rc != EXIT_OK) {
        cli_session_close(&s);
        return rc;
    }
    /* Ctrl-C from here on stops the run cleanly: its lock, once taken, is given back */
    cli_interrupts_install(&s);
    s.ctx.wait_services = !o->no_wait;
    if (o->timeout > 0) {
        s.ctx.timeout_s = o->timeout;
        s.ctx.timeout_given = 1;
    }
    plan_up_decision d;
    plan_kept kept;
plan: /* again once the stack's lock is held (below) */
    rc = cli_session_keep(&s, &o->take, &kept);
    if (rc != EXIT_OK) {
        cli_session_close(&s);
        return rc;
    }
    plan_up_decide(&s.ctx, o->allow_replace, &d);
    if (d.verdict == PLAN_UP_GO && !s.lock) { /* changes to make: one run at a time (lock.h) */
        rc = cli_session_lock(&s, "up", parallel);
        if (rc != EXIT_OK || s.read_again) {
            free(d.nodes);
            plan_kept_free(&kept);
        }
        if (rc != EXIT_OK) {
            cli_session_close(&s);
            return rc;
        }
        if (s.read_again)
            goto plan;
    }
    print_kept(&s, &kept);
    plan_kept_free(&kept);
    rc = render_verdict(&s, &d);
    free(d.nodes);
    if (d.verdict != PLAN_UP_GO) {
        if (d.verdict == PLAN_UP_NOTHING && o->timeline)
            cli_timeline_write(cli_timeline_start(&s), o->timeline, "ecsdeploy up: no changes");
        cli_session_close(&s);
        return rc;
    }
    plan_counts c = d.counts;
    size_t unsettled = d.unsettled;
    if ((rc = ask_before_destroying(&s, o, &c)) != EXIT_OK) {
        cli_session_close(&s);
        return rc;
    }
    if (g->output != OUTPUT_JSON)
        printf("Plan: %zu to create, %zu to update, %zu to replace, %zu to delete.\n", c.create,
               c.update, c.replace, c.delete);
    if (g->output != OUTPUT_JSON && unsettled)
        printf("Waiting for %zu unchanged resource%s an earlier run left changing (e.g. a service "
               "deployment in progress).\n", unsettled, unsettled == 1 ? "" : "s");

    double t0 = util_now();
    if (cli_lock_check(s.lock, s.stack->name) != EXIT_OK) {
        cli_session_close(&s);
        return EXIT_AWS;
    }
    struct cli_progress *p = cli_progress_start(&s, "up");
    struct cli_timeline *tl = o->timeline ? cli_timeline_start(&s) : NULL;
    plan_exec_options eo = {.parallel = parallel, .rollback = !o->no_rollback};
    plan_exec_result r;
    plan_execute(&s.ctx, &eo, &r);
    cli_progress_stop(p);
    cli_interrupts_remove();
    double elapsed = util_now() - t0;
    if (tl) {
        char title[256];
        snprintf(title, sizeof title, "ecsdeploy up %s: %s", s.stack->name, r.failed ? "failed" : "ok");
        cli_timeline_write(tl, o->timeline, title);
    }
    print_summary(&s, &r, elapsed);
    rc = !r.failed ? EXIT_OK : r.rolled_back ? EXIT_ROLLED_BACK : EXIT_AWS;
    plan_exec_result_free(&r);
    cli_session_close(&s);
    return rc;
}

const cli_command_code cli_code_up = CLI_COMMAND_CODE(up_opts);
