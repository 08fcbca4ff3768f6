/* `ecsdeploy deploy SERVICE... (--image REF | --tag TAG)`: roll out a new image. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_internal.h"
#include "session_internal.h"
#include "deploy_output_internal.h"
#include "xalloc.h"

#define MAX_ENV CLI_MAX_SETS /* --env K=V arrive with the global options (cli.c) */

enum { O_IMAGE = 2000, O_TAG, O_STRATEGY, O_TIMEOUT, O_NO_WAIT, O_RB_TIMEOUT, O_ALL,
       O_CLUSTER, O_CONTAINER, O_BAKE, O_CANARY, O_STEP, O_COUNT };

static const cli_flag flags[] = {
    {"image", 0, "REF", O_IMAGE, "the new image, e.g. ghcr.io/acme/shop:1.5", CLI_VALUE_ANY, NULL},
    {"tag", 0, "TAG", O_TAG, "keep each service's repository, change the tag", CLI_VALUE_ANY, NULL},
    {"container", 0, "NAME", O_CONTAINER, "the container to change (default: the first)",
     CLI_VALUE_ANY, NULL},
    {"all", 0, NULL, O_ALL, "every service of the cluster using --image's repository",
     CLI_VALUE_ANY, NULL},
    CLI_FLAG_CLUSTER(O_CLUSTER),
    {"strategy", 0, "S", O_STRATEGY, "rolling, blue-green, canary or linear (default: the service's)",
     CLI_VALUE_WORDS, "rolling blue-green canary linear"},
    {"bake-minutes", 0, "N", O_BAKE, "blue/green: minutes to keep the old revision (0-1440)",
     CLI_VALUE_ANY, NULL},
    {"canary-percent", 0, "P", O_CANARY, "canary: share of traffic first moved (0.1-100)",
     CLI_VALUE_ANY, NULL},
    {"step-percent", 0, "P", O_STEP, "linear: share of traffic moved per step (3-100)",
     CLI_VALUE_ANY, NULL},
    {"count", 0, "N", O_COUNT, "run N tasks (0-5000); alone, scales without a new revision",
     CLI_VALUE_ANY, NULL},
    CLI_FLAG_DEPLOY_TIMEOUT(O_TIMEOUT),
    {"no-wait", 0, NULL, O_NO_WAIT, "return once the service is updated", CLI_VALUE_ANY, NULL},
    {"rollback-on-timeout", 0, NULL, O_RB_TIMEOUT, "on timeout, roll the deployment back",
     CLI_VALUE_ANY, NULL},
    {0}};

typedef struct {
    const char *image, *tag, *strategy, *cluster, *container;
    const char *env[MAX_ENV];
    size_t nenv;
    double timeout;
    int no_wait, rollback_on_timeout, all, bake;
    int count;            /* --count N + 1; 0: not given */
    double canary, step;
    int bad;
} state;

static int parse_number(const char *flag, const char *arg, double lo, double hi, double *out)
{
    char *end;
    double v = strtod(arg, &end);
    if (!*arg || *end || v < lo || v > hi)
        return cli_usage_error("%s wants a number from %g to %g, got '%s'", flag, lo, hi, arg);
    *out = v;
    return 0;
}

static int parse(void *st, int opt, const char *arg)
{
    state *s = st;
    double v;
    switch (opt) {
    case O_IMAGE:
        if (!*arg || strpbrk(arg, " \t\n"))
            return cli_usage_error("--image wants an image reference like repo/app:1.2, got '%s'", arg);
        s->image = arg;
        return 0;
    case O_TAG:
        if (deploy_check_tag(arg) != 0)
            return cli_usage_error("--tag '%s' is not a valid image tag (letters, digits, '_', "
                                   "'.', '-'; at most 128)", arg);
        s->tag = arg;
        return 0;
    case O_STRATEGY:
        if (!(s->strategy = deploy_strategy_from_flag(arg)))
            return cli_usage_error("--strategy must be rolling, blue-green, canary or linear, "
                                   "not '%s'", arg);
        return 0;
    case O_TIMEOUT: return cli_parse_timeout(arg, &s->timeout);
    case O_NO_WAIT: s->no_wait = 1; return 0;
    case O_RB_TIMEOUT: s->rollback_on_timeout = 1; return 0;
    case O_ALL: s->all = 1; return 0;
    case O_CLUSTER: s->cluster = arg; return 0;
    case O_CONTAINER: s->container = arg; return 0;
    case O_BAKE:
        if (parse_number("--bake-minutes", arg, 0, 1440, &v) != 0)
            return -1;
        s->bake = (int)v + 1; /* 0: not given */
        return 0;
    case O_COUNT:
        if (parse_number("--count", arg, 0, 5000, &v) != 0)
            return -1;
        if (v != (int)v)
            return cli_usage_error("--count wants a whole number of tasks, got '%s'", arg);
        s->count = (int)v + 1;
        return 0;
    case O_CANARY: return parse_number("--canary-percent", arg, 0.1, 100, &s->canary);
    case O_STEP: return parse_number("--step-percent", arg, 3, 100, &s->step);
    }
    return CLI_NOT_MINE;
}

static int check_flags(const state *s, int argc, char **argv)
{
    if (s->image && s->tag)
        return cli_usage_error("deploy needs exactly one of --image REF or --tag TAG");
    if (!s->image && !s->tag && !s->count)
        return cli_usage_error("deploy needs exactly one of --image REF or --tag TAG (or --count N "
                               "to scale)");
    if (s->count && s->all)
        return cli_usage_error("--count scales the services named: name them instead of --all");
    if (!s->image && !s->tag && s->nenv)
        return cli_usage_error("--env changes the container: give it with --image REF or --tag TAG");
    if (s->all && argc > 0)
        return cli_usage_error("--all deploys every service using the image's repository: "
                               "name no SERVICE with it");
    if (s->all && !s->image)
        return cli_usage_error("--all needs --image (it picks services by image repository)");
    if (!s->all && argc == 0)
        return cli_usage_error("deploy needs at least one SERVICE (or --all)");
    for (int i = 0; i < argc; i++) {
        size_t len = strlen(argv[i]);
        if (len == 0 || len > 255 || strspn(argv[i], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLM"
                                            "NOPQRSTUVWXYZ0123456789-_") != len)
            return cli_usage_error("'%s' is not an ECS service name (letters, digits, '-', "
                                   "'_'; at most 255)", argv[i]);
        for (int j = 0; j < i; j++)
            if (strcmp(argv[i], argv[j]) == 0)
                return cli_usage_error("service '%s' is named twice", argv[i]);
    }
    return EXIT_OK;
}

/* The request for one service: flags, then the stack file's settings for it
 * (deploy_request_settings). */
static void make_request(const state *s, const deploy_cli_target *t, deploy_cli_printer *p,
                         const char *name, deploy_request *q)
{
    deploy_request init = DEPLOY_REQUEST_INIT;
    *q = init;
    q->cluster = t->cluster;
    q->service = name;
    q->image = s->image;
    q->tag = s->tag;
    q->container = s->container;
    q->env = s->env;
    q->nenv = s->nenv;
    q->strategy = s->strategy;
    q->desired_count = s->count - 1;
    q->timeout_s = s->timeout > 0 ? s->timeout : DEPLOY_TIMEOUT_DEFAULT;
    q->poll_s = t->poll_s;
    q->no_wait = s->no_wait;
    q->rollback_on_timeout = s->rollback_on_timeout;
    q->progress = deploy_cli_progress;
    q->ud = p;
    deploy_request_settings(q, t->stack ? stack_find_service(t->stack, name) : NULL,
                            s->bake - 1, s->canary, s->step);
}

/* --all: the services the image is for (deploy_services_using), or why there are none. */
static int services_for_all(const state *s, const deploy_cli_target *t, svc_strings *out)
{
    aws_error err;
    if (deploy_services_using(t->aws, t->cluster, s->image, s->container, out, &err) != 0) {
        cli_print_aws_error("listing the cluster's services", &err);
        return EXIT_AWS;
    }
    if (out->n == 0) {
        char *repo = deploy_image_repository(s->image);
        fprintf(stderr, "ecsdeploy: no service of cluster %s uses the repository %s\n",
                t->cluster, repo);
        free(repo);
        return EXIT_AWS;
    }
    return EXIT_OK;
}

/* Deploy every named service at once (deploy_run_many); the worst exit code wins (3 over
 * 1). */
static int deploy_all(const state *s, deploy_cli_target *t, const cli_globals *g,
                      char *const *names, size_t n)
{
    if (deploy_cli_lock(t, "deploy", names, n) != EXIT_OK)
        return EXIT_AWS;
    deploy_cli_printer p;
    deploy_cli_printer_init(&p, g);
    deploy_request *reqs = xcalloc(n ? n : 1, sizeof *reqs);
    deploy_result *results = xcalloc(n ? n : 1, sizeof *results);
    for (size_t i = 0; i < n; i++)
        make_request(s, t, &p, names[i], &reqs[i]);
    deploy_run_many(t->aws, reqs, n, results);
    int any_rb = 0, any_fail = 0;
    for (size_t i = 0; i < n; i++) {
        deploy_cli_print_result(&p, names[i], &results[i]);
        int code = deploy_cli_exit_code(results[i].outcome);
        any_rb |= code == EXIT_ROLLED_BACK;
        any_fail |= code == EXIT_AWS;
        deploy_result_free(&results[i]);
    }
    free(results);
    free(reqs);
    deploy_cli_printer_destroy(&p);
    return any_rb ? EXIT_ROLLED_BACK : any_fail ? EXIT_AWS : EXIT_OK;
}

static int run(const cli_globals *g, void *st, int argc, char **argv)
{
    state *s = st;
    for (int i = 0; i < g->nenv_vars && s->nenv < MAX_ENV; i++)
        s->env[s->nenv++] = g->env_vars[i];
    int rc = check_flags(s, argc, argv);
    if (rc != EXIT_OK)
        return rc;
    deploy_cli_target t;
    rc = deploy_cli_open(g, s->cluster, &t);
    if (rc == EXIT_OK && t.stack && !s->cluster)
        for (int i = 0; i < argc && rc == EXIT_OK; i++)
            if (!stack_find_service(t.stack, argv[i]))
                rc = cli_no_such_service(t.stack, argv[i], "name the cluster with --cluster "
                                         "to deploy a service outside the file");
    if (rc == EXIT_OK && s->all) {
        svc_strings names = {0};
        rc = services_for_all(s, &t, &names);
        if (rc == EXIT_OK)
            rc = deploy_all(s, &t, g, names.items, names.n);
        svc_strings_free(&names);
    } else if (rc == EXIT_OK) {
        rc = deploy_all(s, &t, g, argv, (size_t)argc);
    }
    deploy_cli_close(&t);
    return rc;
}

const cli_command_code cli_code_deploy = CLI_COMMAND_CODE(state);
