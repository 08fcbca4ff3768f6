/* `ecsdeploy history SERVICE`: the service's recent deployments. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "cli_internal.h"
#include "session_internal.h"
#include "deploy_output_internal.h"
#include "text.h"

enum { O_CLUSTER = 2200, O_LIMIT };

static const cli_flag flags[] = {
    {"limit", 0, "N", O_LIMIT, "show the N most recent deployments (1-100, default 10)",
     CLI_VALUE_ANY, NULL},
    CLI_FLAG_CLUSTER(O_CLUSTER),
    {0}};

typedef struct {
    const char *cluster;
    int limit;
} state;

static int parse(void *st, int opt, const char *arg)
{
    state *s = st;
    if (opt == O_CLUSTER) {
        s->cluster = arg;
        return 0;
    }
    if (opt != O_LIMIT)
        return CLI_NOT_MINE;
    char *end;
    long v = strtol(arg, &end, 10);
    if (!*arg || *end || v < 1 || v > 100)
        return cli_usage_error("--limit wants a number from 1 to 100, got '%s'", arg);
    s->limit = (int)v;
    return 0;
}

static void when(double t, char *out, size_t size)
{
    if (t <= 0) {
        snprintf(out, size, "-");
        return;
    }
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static const char *revision(const char *td)
{
    const char *p = td ? strrchr(td, '/') : NULL;
    return p ? p + 1 : td ? td : "-";
}

static void print_text(const deploy_history *h)
{
    printf("%-20s  %-24s  %-11s  %-20s  %s\n", "STARTED", "REVISION", "STRATEGY", "OUTCOME",
           "IMAGE");
    for (size_t i = 0; i < h->n; i++) {
        const deploy_history_item *x = &h->items[i];
        char t[32];
        when(x->created_at, t, sizeof t);
        text_printf(stdout, "%-20s  %-24s  %-11s  %-20s  %s\n", t, revision(x->task_definition),
               x->strategy ? x->strategy : "ROLLING", x->status ? x->status : "-",
               x->image ? x->image : "-");
        if (x->reason)
            text_printf(stdout, "  reason: %s\n", x->reason);
    }
}

static void print_json(const deploy_history *h, const char *service)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "service", service);
    cJSON *arr = cJSON_AddArrayToObject(root, "deployments");
    for (size_t i = 0; i < h->n; i++) {
        const deploy_history_item *x = &h->items[i];
        cJSON *o = cJSON_CreateObject();
        char t[32], f[32];
        when(x->created_at, t, sizeof t);
        when(x->finished_at, f, sizeof f);
        cli_json_str(o, "service_deployment", x->arn);
        cli_json_str(o, "started", t);
        cli_json_str(o, "finished", x->finished_at > 0 ? f : NULL);
        cli_json_str(o, "task_definition", x->task_definition);
        cli_json_str(o, "image", x->image);
        cli_json_str(o, "strategy", x->strategy ? x->strategy : "ROLLING");
        cli_json_str(o, "outcome", x->status);
        cli_json_str(o, "reason", x->reason);
        cJSON_AddItemToArray(arr, o);
    }
    cli_print_json(root, 1);
}

static int run(const cli_globals *g, void *st, int argc, char **argv)
{
    state *s = st;
    if (argc != 1)
        return cli_usage_error("history needs exactly one SERVICE");
    deploy_cli_target t;
    int rc = deploy_cli_open(g, s->cluster, &t);
    if (rc == EXIT_OK) {
        deploy_history h;
        aws_error err;
        if (deploy_history_get(t.aws, t.cluster, argv[0], s->limit ? (size_t)s->limit : 10, &h,
                               &err) != 0) {
            cli_print_aws_error("reading the deployments", &err);
            rc = EXIT_AWS;
        } else {
            if (g->output == OUTPUT_JSON)
                print_json(&h, argv[0]);
            else
                print_text(&h);
            deploy_history_free(&h);
        }
    }
    deploy_cli_close(&t);
    return rc;
}

const cli_command_code cli_code_history = CLI_COMMAND_CODE(state);
