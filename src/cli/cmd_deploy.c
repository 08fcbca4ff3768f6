/* `ecsdeploy deploy SERVICE... (--image REF | --tag TAG)`: roll out a new image. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_internal.h"
#include "session_internal.h"
#include "deploy_output_internal.h"
#include "xalloc.h"

#define MAX_ENV 64

enum { O_IMAGE = 2000, O_TAG, O_ENV, O_STRATEGY, O_TIMEOUT, O_NO_WAIT, O_RB_TIMEOUT, O_ALL,
       O_CLUSTER, O_CONTAINER, O_BAKE, O_CANARY, O_STEP };

static const struct option options[] = {
    {"image", required_argument, NULL, O_IMAGE},
    {"tag", required_argument, NULL, O_TAG},
    {"env", required_argument, NULL, O_ENV},
    {"strategy", required_argument, NULL, O_STRATEGY},
    {"timeout", required_argument, NULL, O_TIMEOUT},
    {"no-wait", no_argument, NULL, O_NO_WAIT},
    {"rollback-on-timeout", no_argument, NULL, O_RB_TIMEOUT},
    {"all", no_argument, NULL, O_ALL},
    {"cluster", required_argument, NULL, O_CLUSTER},
    {"container", required_argument, NULL, O_CONTAINER},
    {"bake-minutes", required_argument, NULL, O_BAKE},
    {"canary-percent", required_argument, NULL, O_CANARY},
    {"step-percent", required_argument, NULL, O_STEP},
    {0, 0, 0, 0}};

typedef struct {
    const char *image, *tag, *strategy, *cluster, *container;
    const char *env[MAX_ENV];
    size_t nenv;
    double timeout;
    int no_wait, rollback_on_timeout, all, bake;
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
    case O_ENV:
        if (!strchr(arg, '=') || arg[0] == '=')
            return cli_usage_error("--env wants NAME=VALUE, got '%s'", arg);
        if (s->nenv >= MAX_ENV)
            return cli_usage_error("too many --env options (at most %d)", MAX_ENV);
        s->env[s->nenv++] = arg;
        return 0;
    case O_STRATEGY:
        if (!(s->strategy = deploy_strategy_from_flag(arg)))
            return cli_usage_error("--strategy must be rolling, blue-green, canary or linear, "
                                   "not '%s'", arg);
        return 0;
    case O_TIMEOUT:
        if (cli_parse_duration(arg, &s->timeout) != 0)
            return cli_usage_error("--timeout wants a duration like 90s, 15m or 1h, got '%s'", arg);
        return 0;
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
    case O_CANARY: return parse_number("--canary-percent", arg, 0.1, 100, &s->canary);
    case O_STEP: return parse_number("--step-percent", arg, 3, 100, &s->step);
    }
    return -1;
}

static int check_flags(const state *s, int argc, char **argv)
{
    if (!!s->image + !!s->tag != 1)
        return cli_usage_error("deploy needs exactly one of --image REF or --tag TAG");
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

typedef struct {
    aws_client *aws;
    deploy_request req;
    deploy_result res;
    char *name;
    pthread_t thread;
    int started;
} job;

static void *run_job(void *arg)
{
    job *j = arg;
    deploy_run(j->aws, &j->req, &j->res);
    return NULL;
}

/* The request for one service: flags, then the stack file's settings for it. */
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
    q->timeout_s = s->timeout > 0 ? s->timeout : 1800;
    q->poll_s = t->poll_s;
    q->no_wait = s->no_wait;
    q->rollback_on_timeout = s->rollback_on_timeout;
    q->progress = deploy_cli_progress;
    q->ud = p;
    const stack_service *sv = t->stack ? stack_find_service(t->stack, name) : NULL;
    if (sv) {
        const stack_deployment *d = &sv->deployment;
        q->min_healthy_percent = d->min_healthy_percent;
        q->max_percent = d->max_percent;
        q->bake_minutes = d->bake_minutes;
        q->canary_percent = d->canary_percent;
        q->canary_bake_minutes = d->canary_bake_minutes;
        q->step_percent = d->step_percent;
        q->step_bake_minutes = d->step_bake_minutes;
    }
    if (s->bake)
        q->bake_minutes = s->bake - 1;
    if (s->canary > 0)
        q->canary_percent = s->canary;
    if (s->step > 0)
        q->step_percent = s->step;
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

/* Deploy every named service in parallel; the worst exit code wins (3 over 1). */
static int deploy_all(const state *s, deploy_cli_target *t, const cli_globals *g,
                      char *const *names, size_t n)
{
    if (deploy_cli_lock(t, "deploy", names, n) != EXIT_OK)
        return EXIT_AWS;
    deploy_cli_printer p;
    deploy_cli_printer_init(&p, g);
    job *jobs = xcalloc(n, sizeof *jobs);
    for (size_t i = 0; i < n; i++) {
        jobs[i].aws = t->aws;
        jobs[i].name = names[i];
        make_request(s, t, &p, names[i], &jobs[i].req);
        jobs[i].started = pthread_create(&jobs[i].thread, NULL, run_job, &jobs[i]) == 0;
        if (!jobs[i].started)
            run_job(&jobs[i]);
    }
    int any_rb = 0, any_fail = 0;
    for (size_t i = 0; i < n; i++)
        if (jobs[i].started)
            pthread_join(jobs[i].thread, NULL);
    for (size_t i = 0; i < n; i++) {
        deploy_cli_print_result(&p, jobs[i].name, &jobs[i].res);
        int code = deploy_cli_exit_code(jobs[i].res.outcome);
        any_rb |= code == EXIT_ROLLED_BACK;
        any_fail |= code == EXIT_AWS;
        deploy_result_free(&jobs[i].res);
    }
    free(jobs);
    deploy_cli_printer_destroy(&p);
    return any_rb ? EXIT_ROLLED_BACK : any_fail ? EXIT_AWS : EXIT_OK;
}

static int run(const cli_globals *g, void *st, int argc, char **argv)
{
    state *s = st;
    int rc = check_flags(s, argc, argv);
    if (rc != EXIT_OK)
        return rc;
    deploy_cli_target t;
    rc = deploy_cli_open(g, s->cluster, &t);
    if (rc == EXIT_OK && t.stack && !s->cluster)
        for (int i = 0; i < argc && rc == EXIT_OK; i++)
            if (!stack_find_service(t.stack, argv[i]))
                rc = cli_usage_error("stack %s has no service '%s' (or name the cluster with "
                                     "--cluster to deploy a service outside the file)",
                                     t.stack->name, argv[i]);
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

const cli_command cli_cmd_deploy = {
    .name = "deploy",
    .usage = "deploy SERVICE... (--image REF | --tag TAG) [--env K=V]... [--container NAME]\n"
             "       [--strategy rolling|blue-green|canary|linear] [--bake-minutes N]\n"
             "       [--canary-percent P] [--step-percent P] [--timeout D] [--no-wait]\n"
             "       [--rollback-on-timeout] [--all] [--cluster NAME]",
    .summary = "roll out a new image (or tag, or environment) to services and watch it to the end",
    .options = options,
    .parse = parse,
    .state_size = sizeof(state),
    .run = run,
};
