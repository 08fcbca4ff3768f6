/*
 * Bootstrap steps: once a service runs, run a command in it through ECS Exec and store
 * the trimmed output as a secret (e.g. a token the server wrote on first start). The
 * services that use that secret depend on the step, so they start only once it is there.
 *
 * A step "exists" when its secret has a value; a later `up` skips it unless
 * --rebootstrap (ctx->rebootstrap). The output is a secret: it is never printed, logged
 * or kept in properties, and its buffer is wiped.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "ci_policy_internal.h"
#include "exec.h"
#include "res.h"
#include "secretsmanager.h"
#include "stack_names.h"
#include "xalloc.h"

extern const res_kind res_kind_bootstrap;

static int uses_secret(const stack_service *svc, const char *secret)
{
    for (size_t c = 0; c < svc->ncontainers; c++)
        for (size_t k = 0; k < svc->containers[c].nsecrets; k++)
            if (svc->containers[c].secrets[k].secret && strcmp(svc->containers[c].secrets[k].secret, secret) == 0)
                return 1;
    return 0;
}

static int build(res_graph *g, const stack_model *s)
{
    for (size_t i = 0; i < s->nbootstrap; i++) {
        const stack_bootstrap *b = &s->bootstrap[i];
        cJSON *d = res_props("service", b->service, "secret", b->secret, "command", b->command,
                             NULL);
        res_node *n = res_graph_addf(g, &res_kind_bootstrap, b->name, d,
                                     "bootstrap %s: `%s` in %s into secret %s", b->name, b->command,
                                     b->service, b->secret);
        n->model = b;
        res_node_needs(g, n, "service/%s", b->service);
        res_node_needs(g, n, "secret/%s", b->secret);
        /* the services that read the secret start after the step filled it */
        for (size_t k = 0; k < s->nservices; k++) {
            if (!uses_secret(&s->services[k], b->secret))
                continue;
            char *id = xasprintf("service/%s", s->services[k].name);
            res_node *svc = res_graph_find(g, id);
            free(id);
            if (svc)
                res_node_depend(svc, n);
        }
    }
    return 0;
}

/* 1 when the secret has a current value, 0 when not (or it does not exist), -1 on error.
 * The stack's secrets as listed say it without their values being read; one not listed
 * (made outside the stack, without its tags) is asked for its value. */
static int secret_has_value(res_ctx *ctx, const secretsmanager_secret_list *listed,
                            const char *secret_name, aws_error *err)
{
    for (size_t i = 0; i < listed->n; i++)
        if (listed->items[i].name && strcmp(listed->items[i].name, secret_name) == 0 &&
            !listed->items[i].deleted_date)
            return listed->items[i].has_current;
    char *value = NULL;
    if (secretsmanager_get_secret_value(ctx->aws, secret_name, &value, err) == 0) {
        secretsmanager_secret_free(value);
        return 1;
    }
    return aws_error_is(err, AWS_IS_NOT_FOUND) ? 0 : -1;
}

typedef struct {
    res_ctx *ctx;
    secretsmanager_secret_list listed; /* the stack's secrets (the secret kind's same read) */
    int *has; /* per step */
} discovery;

static int has_value(void *ud, size_t i, aws_error *err)
{
    discovery *d = ud;
    const stack_model *s = d->ctx->stack;
    char *name = stack_name_secret(s->name, s->bootstrap[i].secret);
    d->has[i] = secret_has_value(d->ctx, &d->listed, name, err);
    free(name);
    return d->has[i] < 0 ? -1 : 0;
}

/* A step is done when its secret has a value: every step's secret is asked side by side. */
static int discover(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    const stack_model *s = ctx->stack;
    size_t n = s && !ctx->rebootstrap ? s->nbootstrap : 0;
    discovery d = {.ctx = ctx, .has = xcalloc(n + 1, sizeof *d.has)};
    if (n > 0 && secretsmanager_list_secrets_by_tag(ctx->aws, RES_TAG_STACK, ctx->stack_name,
                                                    &d.listed, err) != 0) {
        free(d.has);
        return -1;
    }
    int *rcs = xcalloc(n + 1, sizeof *rcs);
    aws_error *errs = xcalloc(n + 1, sizeof *errs);
    res_parallel_all(n, RES_READS_AT_ONCE, has_value, &d, rcs, errs);
    secretsmanager_secret_list_free(&d.listed);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        if (rcs[i] != 0) {
            *err = errs[i];
            rc = -1;
            break;
        }
        if (!d.has[i])
            continue;
        const stack_bootstrap *b = &s->bootstrap[i];
        cJSON *p = res_props("service", b->service, "secret", b->secret, "command", b->command,
                             NULL);
        char *id = xasprintf("bootstrap/%s", b->name);
        char *name = stack_name_secret(s->name, b->secret);
        res_found_add(out, id, name, p);
        free(name);
        free(id);
    }
    free(rcs);
    free(errs);
    free(d.has);
    if (rc == 0)
        aws_error_clear(err);
    return rc;
}

/* Trim surrounding whitespace in place (the pty adds line ends). */
static char *trim(char *s)
{
    while (*s && isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

typedef struct {
    const stack_bootstrap *step;
    int exit_code;
    buf output;
} run_state;

/* One try: a task may still be starting (no running task, the exec agent not up yet). */
static int poll_capture(res_ctx *ctx, res_node *n, void *ud, char *status, size_t len,
                        aws_error *err)
{
    (void)n;
    run_state *r = ud;
    char *cluster = stack_name_cluster(ctx->stack_name);
    exec_buf_wipe(&r->output);
    int rc = exec_capture_service(ctx->aws, cluster, r->step->service, r->step->container,
                                  r->step->command, r->step->timeout, &r->output, &r->exit_code,
                                  err);
    free(cluster);
    if (rc == 0)
        return 1;
    if (aws_error_is(err, AWS_IS_NOT_RUNNING)) {
        snprintf(status, len, "%s", err->message);
        return 0;
    }
    return -1;
}

static int create(res_ctx *ctx, res_node *n, aws_error *err)
{
    const stack_bootstrap *b = n->model;
    run_state r = {.step = b, .exit_code = -1, .output = BUF_INIT};
    char *what = xasprintf("a running task of %s with its exec agent", b->service);
    int rc = res_wait(ctx, n, RES_CREATE, what, poll_capture, &r, err);
    free(what);
    char *value = r.output.data ? trim(r.output.data) : "";
    if (rc == 0 && r.exit_code != 0) {
        aws_error_set(err, AWS_ERR_SERVICE, "BootstrapCommandFailed",
                      "`%s` in %s exited %d (its output is not shown: it may be secret)",
                      b->command, b->service, r.exit_code);
        rc = -1;
    } else if (rc == 0 && !*value) {
        aws_error_set(err, AWS_ERR_SERVICE, "BootstrapEmptyOutput",
                      "`%s` in %s printed nothing; the secret %s stays empty", b->command,
                      b->service, b->secret);
        rc = -1;
    }
    if (rc == 0) {
        char *name = stack_name_secret(ctx->stack_name, b->secret);
        rc = secretsmanager_put_secret_value(ctx->aws, name, value, NULL, NULL, err);
        if (rc == 0) {
            res_event(ctx, n, RES_CREATE, RES_EV_NOTE, "stored the output (%zu bytes) in secret %s",
                      strlen(value), name);
            res_node_set(ctx, n, name, cJSON_Duplicate(n->desired, 1));
        }
        free(name);
    }
    exec_buf_wipe(&r.output);
    return rc;
}

/* The value lives in the secret, which the secret kind owns: nothing of its own to remove. */
static int remove_step(res_ctx *ctx, res_node *n, aws_error *err)
{
    (void)ctx;
    (void)n;
    (void)err;
    return 0;
}

static const char *const create_only[] = {"service", "secret", "command", NULL};

static void ci_grant(ci_builder *b, int mine)
{
    READS(b, "ecs:ListTasks ecs:DescribeTasks");
    ci_allow(b, "secretsmanager:GetSecretValue", ci_stack_secrets(b), NULL);
    if (!mine)
        return;
    cJSON *r = ci_one(ci_cluster_arn(b));
    cJSON_AddItemToArray(r, ci_arn(b, "ecs", 1, "task/%s/*", b->g->stack->name));
    ci_allow(b, "ecs:ExecuteCommand", r, NULL);
    ci_allow(b, "secretsmanager:CreateSecret secretsmanager:PutSecretValue", ci_stack_secrets(b),
             NULL);
}

const res_kind res_kind_bootstrap = {
    .name = "bootstrap",
    .title = "bootstrap step",
    .build = build,
    .discover = discover,
    .create = create,
    .remove = remove_step,
    .create_only = create_only,
    .ci_grant = ci_grant,
};
