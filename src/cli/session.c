/* Opening a stack for the stack commands: file, AWS client, graph, context. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session_internal.h"
#include "aws_retry.h"
#include "clock.h"
#include "deploy.h"
#include "text.h"
#include "xalloc.h"

void cli_print_aws_error(const char *context, const aws_error *err)
{
    char line[2048];
    text_printf(stderr, "ecsdeploy: %s%s%s\n", context ? context : "", context ? ": " : "",
                aws_error_format(err, line, sizeof line));
    /* the endpoint itself is the problem: say what to check, not only curl's words */
    if (aws_retry_never_sent(err))
        fprintf(stderr, "ecsdeploy: AWS could not be reached at all (nothing was sent): check "
                        "--endpoint-url / AWS_ENDPOINT_URL, the region, and the network or proxy\n");
    else if (err->kind == AWS_ERR_TIMEOUT && err->http_status == 0)
        fprintf(stderr, "ecsdeploy: AWS did not answer in time: check --endpoint-url / "
                        "AWS_ENDPOINT_URL, the network or proxy\n");
}

int cli_aws_error_exit(const aws_error *err)
{
    if (err->kind == AWS_ERR_CONFIG)
        return EXIT_USAGE;
    if (err->kind == AWS_ERR_CREDENTIALS && aws_error_is(err, AWS_IS_NO_CREDENTIALS))
        return EXIT_USAGE;
    return EXIT_AWS;
}

int cli_aws_connect(const cli_globals *g, const stack_model *st, int check_credentials,
                    aws_client **out)
{
    aws_client_options o = {.profile = g->profile,
                            .region = g->region ? g->region : st ? st->region : NULL,
                            .endpoint_url = g->endpoint_url,
                            .debug = g->debug};
    aws_error err;
    if (aws_client_new(&o, out, &err) != 0) {
        cli_print_aws_error(NULL, &err);
        return cli_aws_error_exit(&err);
    }
    if (!check_credentials)
        return EXIT_OK;
    aws_credentials cr = {0};
    if (aws_client_credentials(*out, &cr, &err) != 0) {
        cli_print_aws_error(NULL, &err);
        return cli_aws_error_exit(&err);
    }
    aws_credentials_free(&cr);
    return EXIT_OK;
}

double cli_poll_seconds(double otherwise)
{
    const char *poll = getenv("ECSDEPLOY_POLL_SECONDS");
    return poll && atof(poll) > 0 ? atof(poll) : otherwise;
}

int cli_session_open(const cli_globals *g, cli_session *s)
{
    memset(s, 0, sizeof *s);
    s->g = g;
    s->opened_at = util_now();
    pthread_mutex_init(&s->ctx.lock, NULL);
    int rc = cli_load_stack(g, &s->stack);
    if (rc == EXIT_OK)
        rc = cli_aws_connect(g, s->stack, 1, &s->aws);
    if (rc != EXIT_OK)
        return rc;

    char msg[512];
    if (res_graph_build(s->stack, aws_client_region(s->aws), &s->graph, msg, sizeof msg) != 0) {
        fprintf(stderr, "ecsdeploy: %s\n", msg);
        return EXIT_USAGE;
    }
    s->ctx.aws = s->aws;
    s->ctx.stack = s->stack;
    s->ctx.stack_name = s->stack->name;
    s->ctx.graph = s->graph;
    s->ctx.region = aws_client_region(s->aws);
    s->ctx.timeout_s = 900;
    s->ctx.poll_s = cli_poll_seconds(5);
    s->ctx.watch = deploy_watch_res;
    return EXIT_OK;
}

/* Nothing of the stack's own was found (what the file names by id does not count). */
static int found_nothing(const res_graph *g)
{
    for (size_t i = 0; i < g->n; i++)
        if (g->nodes[i]->physical_id && !g->nodes[i]->external)
            return 0;
    return 1;
}

int cli_session_lock(cli_session *s, const char *command, int parallel)
{
    int empty = found_nothing(s->graph);
    int rc = cli_lock_take(s->aws, s->stack->name, NULL, command, &s->lock);
    if (rc != EXIT_OK)
        return rc;
    aws_error err;
    if (lock_quiet_since(s->lock, util_now() - s->opened_at, empty, &err) == 1)
        return EXIT_OK;
    /* what was discovered before may have been changed by another run: again, every
     * kind (that run's record may not be written yet) */
    s->read_again = 1;
    s->use_record = 0;
    char msg[512];
    res_graph_free(s->graph);
    s->graph = NULL;
    if (res_graph_build(s->stack, aws_client_region(s->aws), &s->graph, msg, sizeof msg) != 0) {
        fprintf(stderr, "ecsdeploy: %s\n", msg);
        return EXIT_USAGE;
    }
    s->ctx.graph = s->graph;
    return cli_session_discover(s, parallel);
}

/* For the stack's mark (lock_note_kinds): the kinds of every node of the stack found or
 * named by the file (what a deleted resource was stays listed until a later run finds
 * nothing of it); after a `down` that finished, those of what it kept. */
static void note_kinds(cli_session *s)
{
    svc_strings kinds = {0};
    for (size_t i = 0; s->graph && i < s->graph->n; i++) {
        const res_node *n = s->graph->nodes[i];
        int there = s->lock_remove_bucket ? n->physical_id && n->action != RES_DELETE
                                          : n->physical_id || n->desired;
        if (there && !n->external && !svc_strings_has(&kinds, n->kind->name))
            svc_strings_add(&kinds, n->kind->name);
    }
    lock_note_kinds(s->lock, &kinds);
    svc_strings_free(&kinds);
}

void cli_session_close(cli_session *s)
{
    cli_interrupts_remove(); /* when installed: every way out of a run passes here */
    if (s->lock)
        note_kinds(s);
    cli_lock_release(s->lock, s->lock_remove_bucket);
    res_graph_free(s->graph);
    if (s->aws)
        aws_client_free(s->aws);
    stack_free(s->stack);
    free(s->ctx.account);
    pthread_mutex_destroy(&s->ctx.lock);
    memset(s, 0, sizeof *s);
}

static int read_record(void *ud, svc_strings *kinds)
{
    cli_session *s = ud;
    return lock_record_kinds(s->aws, s->stack->name, kinds);
}

int cli_session_discover(cli_session *s, int parallel)
{
    aws_error err;
    aws_error_clear(&err);
    int rc = s->use_record ? plan_discover_recorded(&s->ctx, parallel, read_record, s, &err)
                           : plan_discover(&s->ctx, parallel, &err);
    if (rc != 0) {
        cli_print_aws_error(NULL, &err);
        return EXIT_AWS;
    }
    return EXIT_OK;
}

int cli_take_file_add(cli_take_file *t, const char *arg)
{
    if (!*arg)
        return cli_usage_error("--take-file wants a SERVICE of the stack file");
    if (t->n >= CLI_MAX_TAKE)
        return cli_usage_error("too many --take-file options (at most %d)", CLI_MAX_TAKE);
    t->names[t->n++] = arg;
    return 0;
}

int cli_session_keep(cli_session *s, const cli_take_file *t, plan_kept *kept)
{
    memset(kept, 0, sizeof *kept);
    for (size_t i = 0; t && i < t->n; i++)
        if (!stack_find_service(s->stack, t->names[i]))
            return cli_usage_error("--take-file %s: stack %s has no service '%s'", t->names[i],
                                   s->stack->name, t->names[i]);
    plan_keep_deployed(&s->ctx, t ? t->names : NULL, t ? t->n : 0, kept);
    return EXIT_OK;
}

void cli_print_outputs_text(cli_session *s, FILE *out)
{
    const stack_model *st = s->stack;
    if (st->noutputs == 0)
        return;
    fprintf(out, "Outputs:\n");
    for (size_t i = 0; i < st->noutputs; i++) {
        char *unresolved = NULL;
        char *v = stack_template_resolve(st->outputs[i].value, res_stack_ref_resolve, &s->ctx, &unresolved);
        text_printf(out, "  %s = %s\n", st->outputs[i].name, v ? v : "(not known yet)");
        free(v);
        free(unresolved);
    }
}

cJSON *cli_outputs_json(cli_session *s)
{
    cJSON *o = cJSON_CreateObject();
    for (size_t i = 0; i < s->stack->noutputs; i++) {
        char *unresolved = NULL;
        char *v = stack_template_resolve(s->stack->outputs[i].value, res_stack_ref_resolve, &s->ctx,
                                        &unresolved);
        if (v)
            cJSON_AddStringToObject(o, s->stack->outputs[i].name, v);
        else
            cJSON_AddNullToObject(o, s->stack->outputs[i].name);
        free(v);
        free(unresolved);
    }
    return o;
}
