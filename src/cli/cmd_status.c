/* `ecsdeploy status [SERVICE]`: the stack's services, one line each, then its
 * infrastructure summarised; one service in detail; or a cluster's services (--cluster). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "deploy_output_internal.h"
#include "ecs.h"
#include "session_internal.h"
#include "status_internal.h"
#include "term_internal.h"
#include "xalloc.h"
#include "text.h"

typedef struct {
    int check;
    const char *cluster;
} status_opts;

enum { OPT_CHECK = 2300, OPT_CLUSTER };

static const cli_flag flags[] = {
    {"check", 0, NULL, OPT_CHECK, "exit 1 unless every resource is present and healthy",
     CLI_VALUE_ANY, NULL},
    {"cluster", 0, "NAME", OPT_CLUSTER, "the services of this cluster as ECS has them; no stack "
     "file needed", CLI_VALUE_ANY, NULL},
    {0}};

static int parse(void *state, int opt, const char *arg)
{
    (void)arg;
    status_opts *o = state;
    switch (opt) {
    case OPT_CHECK: o->check = 1; return 0;
    case OPT_CLUSTER: o->cluster = arg; return 0;
    }
    return CLI_NOT_MINE;
}

/* What plan_status reads of the stack, or of its service `only`; EXIT_AWS when discovery
 * failed (said on stderr). */
static int read_status(cli_session *s, const char *only, cJSON **all, int *unhealthy)
{
    char *node = only ? xasprintf("service/%s", only) : NULL;
    aws_error err;
    aws_error_clear(&err);
    int rc = plan_status(&s->ctx, node, all, unhealthy, &err);
    free(node);
    if (rc != 0) {
        cli_print_aws_error(NULL, &err);
        return EXIT_AWS;
    }
    return EXIT_OK;
}

/* The text for people: services, then the infrastructure, then the outputs. */
static void print_text(cli_session *s, const cJSON *all, const char *only)
{
    int cols = 0, rows;
    if (cli_term_size(STDOUT_FILENO, &cols, &rows) != 0)
        cols = 0;
    if (only) {
        status_print_service(stdout, all->child, cols);
        return;
    }
    printf("Stack %s (%s)\n\n", s->stack->name, s->ctx.region);
    status_print_services(stdout, all, cols);
    printf("\n");
    status_print_infrastructure(stdout, all, cols);
    if (s->stack->noutputs) {
        printf("\n");
        cli_print_outputs_text(s, stdout);
    }
}

/* `status --cluster NAME [SERVICE]`: the cluster's services as ECS has them, no stack. */
static int run_cluster(const cli_globals *g, const status_opts *o, const char *only)
{
    deploy_cli_target t;
    int rc = deploy_cli_open(g, o->cluster, &t);
    svc_strings arns = {0};
    aws_error err;
    if (rc == EXIT_OK && !only && ecs_list_services(t.aws, t.cluster, 100, &arns, &err) != 0) {
        cli_print_aws_error("listing the cluster's services", &err);
        rc = EXIT_AWS;
    }
    if (only)
        svc_strings_add(&arns, only);
    cJSON *all = cJSON_CreateArray();
    int unhealthy = 0;
    for (size_t i = 0; rc == EXIT_OK && i < arns.n; i++) {
        const char *name = strrchr(arns.items[i], '/') ? strrchr(arns.items[i], '/') + 1 : arns.items[i];
        ecs_service sv = {0};
        int found = 0;
        if (ecs_describe_service(t.aws, t.cluster, name, &sv, &found, &err) != 0) {
            cli_print_aws_error("reading the service", &err);
            rc = EXIT_AWS;
            break;
        }
        cJSON *node = cJSON_CreateObject();
        char *id = xasprintf("service/%s", name);
        cJSON_AddStringToObject(node, "id", id);
        free(id);
        cJSON_AddStringToObject(node, "kind", "service");
        cJSON_AddStringToObject(node, "state", found ? "present" : "missing");
        const cJSON *lbs = sv.raw ? cJSON_GetObjectItem(sv.raw, "loadBalancers") : NULL;
        const cJSON *tg = lbs ? cJSON_GetObjectItem(cJSON_GetArrayItem(lbs, 0), "targetGroupArn") : NULL;
        if (found) {
            cJSON_AddStringToObject(node, "physical_id", sv.arn);
            if (res_service_status(t.aws, t.cluster, name, sv.task_definition,
                                   cJSON_IsString(tg) ? tg->valuestring : NULL, node, &err) != 0) {
                char line[1400];
                cJSON_AddStringToObject(node, "error", aws_error_format(&err, line, sizeof line));
            }
        }
        unhealthy |= !found || !cJSON_IsTrue(cJSON_GetObjectItem(node, "healthy"));
        cJSON_AddItemToArray(all, node);
        ecs_service_free(&sv);
    }
    if (rc == EXIT_OK && only && !cJSON_IsTrue(cJSON_GetObjectItem(all->child, "healthy")) &&
        !strcmp(cJSON_GetObjectItem(all->child, "state")->valuestring, "missing")) {
        rc = cli_usage_error("cluster %s has no service '%s'", t.cluster, only);
    } else if (rc == EXIT_OK && g->output == OUTPUT_JSON) {
        cJSON *root = cJSON_CreateObject();
        cJSON_AddStringToObject(root, "cluster", t.cluster);
        cJSON_AddItemToObject(root, "resources", all);
        all = NULL;
        cJSON_AddBoolToObject(root, "healthy", !unhealthy);
        cli_print_json(root, 1);
    } else if (rc == EXIT_OK) {
        int cols = 0, rows;
        if (cli_term_size(STDOUT_FILENO, &cols, &rows) != 0)
            cols = 0;
        if (only)
            status_print_service(stdout, all->child, cols);
        else if (!all->child)
            printf("Cluster %s has no services.\n", t.cluster);
        else {
            printf("Cluster %s\n\n", t.cluster);
            status_print_services(stdout, all, cols);
        }
    }
    if (rc == EXIT_OK && o->check && unhealthy) {
        if (g->output != OUTPUT_JSON)
            fprintf(stderr, "ecsdeploy: status --check: not every service is running and healthy\n");
        rc = EXIT_AWS;
    }
    cJSON_Delete(all);
    svc_strings_free(&arns);
    deploy_cli_close(&t);
    return rc;
}

static int run(const cli_globals *g, void *state, int argc, char **argv)
{
    status_opts *o = state;
    if (argc > 1)
        return cli_usage_error("status takes at most one SERVICE, got '%s' too", argv[1]);
    const char *only = argc ? argv[0] : NULL;
    if (o->cluster)
        return run_cluster(g, o, only);
    cli_session s;
    int unhealthy = 0;
    cJSON *all = NULL;
    int rc = cli_session_open(g, &s);
    if (rc == EXIT_OK && only && !stack_find_service(s.stack, only))
        rc = cli_no_such_service(s.stack, only, NULL);
    if (rc == EXIT_OK)
        rc = read_status(&s, only, &all, &unhealthy);
    if (rc != EXIT_OK) {
        cJSON_Delete(all);
        cli_session_close(&s);
        return rc;
    }
    if (g->output == OUTPUT_JSON) {
        cJSON *root = cJSON_CreateObject();
        cJSON_AddStringToObject(root, "stack", s.stack->name);
        cJSON_AddStringToObject(root, "region", s.ctx.region);
        cJSON_AddItemToObject(root, "resources", all);
        if (!only)
            cJSON_AddItemToObject(root, "outputs", cli_outputs_json(&s));
        cJSON_AddBoolToObject(root, "healthy", !unhealthy);
        cli_print_json(root, 1);
    } else {
        print_text(&s, all, only);
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

const cli_command_code cli_code_status = CLI_COMMAND_CODE(status_opts);
