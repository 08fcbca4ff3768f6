/*
 * Secrets Manager secrets, named STACK/NAME. The value is set once, at creation:
 * generated (util_random_password), read from a file or from an environment variable;
 * later runs never overwrite it. An existing secret (ARN or name) is external: described,
 * never changed. A secret filled by a bootstrap step is created without a value, so that
 * its ARN is known to the roles and task definitions that read it.
 * Found again by the ecsdeploy:stack tag (one ListSecrets call). A value never enters
 * properties, events or errors.
 *
 * Properties: name (and, as actual attributes, arn).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app_internal.h"
#include "buf.h"
#include "ci_policy_internal.h"
#include "password.h"
#include "res.h"
#include "secretsmanager.h"
#include "stack_names.h"
#include "xalloc.h"

extern const res_kind res_kind_secret;

/* A value given else generated: 1 when the file or the variable is there now. */
static int given_now(const stack_secret *sec)
{
    if (sec->source == STACK_SECRET_ENV) {
        const char *v = getenv(sec->env);
        return v && *v;
    }
    return access(sec->path, F_OK) == 0 || errno != ENOENT;
}

/* What the plan says of a secret: where its first value comes from and, for a value
 * given else generated, which of the two a creation now would use (never the value). */
static char *label_of(const stack_secret *sec, const char *name)
{
    int existing = sec->source == STACK_SECRET_EXISTING;
    if (!sec->or_generate)
        return xasprintf("%ssecret %s (%s)", existing ? "existing " : "", name,
                         stack_secret_source_name(sec->source));
    int env = sec->source == STACK_SECRET_ENV;
    const char *what = env ? sec->env : sec->path;
    if (given_now(sec))
        return xasprintf("secret %s (%s %s, else generate: %s %s, %s used)", name,
                         stack_secret_source_name(sec->source), what, what, env ? "is set" : "exists",
                         env ? "its value is" : "its contents are");
    return xasprintf("secret %s (%s %s, else generate: %s %s, a value is generated)", name,
                     stack_secret_source_name(sec->source), what, what, env ? "is not set" : "does not exist");
}

static int build(res_graph *g, const stack_model *s)
{
    for (size_t i = 0; i < s->nsecrets; i++) {
        const stack_secret *sec = &s->secrets[i];
        int existing = sec->source == STACK_SECRET_EXISTING;
        char *name = existing ? xstrdup(sec->existing) : stack_name_secret(s->name, sec->name);
        cJSON *d = cJSON_CreateObject();
        cJSON_AddStringToObject(d, "name", name);
        char *label = label_of(sec, name);
        res_node *n = res_graph_add(g, &res_kind_secret, sec->name, label, d);
        n->model = sec;
        n->external = existing;
        n->keep = sec->keep;
        free(label);
        free(name);
    }
    return 0;
}

static cJSON *props_of(const secretsmanager_secret *s)
{
    return res_props("name", s->name, "arn", s->arn, NULL);
}

typedef struct {
    res_ctx *ctx;
    secretsmanager_secret_list listed;
    res_externals ext; /* the file's existing secrets */
} discovery;

/* Job 0 lists the stack's secrets by tag; the others describe the existing secrets the
 * file names (by their ARN or name) meanwhile. */
static int discover_part(void *ud, size_t i, aws_error *err)
{
    discovery *d = ud;
    if (i == 0)
        return secretsmanager_list_secrets_by_tag(d->ctx->aws, RES_TAG_STACK, d->ctx->stack_name,
                                                  &d->listed, err);
    const stack_secret *sec = d->ext.nodes[i - 1]->model;
    secretsmanager_secret s = {0};
    int rc = secretsmanager_describe_secret(d->ctx->aws, sec->existing, &s, err);
    if (rc == 0)
        res_externals_set(&d->ext, i - 1, s.arn, props_of(&s));
    secretsmanager_secret_info_free(&s);
    return rc;
}

static char *missing(const res_ctx *ctx, const res_node *n)
{
    (void)ctx;
    const stack_secret *sec = n->model;
    return xasprintf("the existing secret %s does not exist (or is not readable with these "
                     "credentials): fix `existing:` for secret %s in the stack file",
                     sec->existing, sec->name);
}

static int discover(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    discovery d = {.ctx = ctx};
    res_externals_of(ctx, &res_kind_secret, &d.ext);
    int rc = res_externals_read(&d.ext, discover_part, &d, err);
    for (size_t i = 0; rc == 0 && i < d.listed.n; i++) {
        const secretsmanager_secret *s = &d.listed.items[i];
        const char *id = res_tags_node(ctx, &s->tags);
        /* one scheduled for deletion is gone for us; create restores it */
        if (id && !s->deleted_date)
            res_found_add(out, id, s->arn, props_of(s));
    }
    if (rc == 0)
        rc = res_externals_found(&d.ext, ctx, out, missing, err);
    res_externals_free(&d.ext);
    secretsmanager_secret_list_free(&d.listed);
    return rc;
}

/* ---- the first value ------------------------------------------------------------- */

char *res_read_value_file(const char *what, const char *path, size_t max, const char *limit,
                          aws_error *err)
{
    buf b = BUF_INIT_WIPE; /* the value: no copy left behind as it grows or is freed */
    if (buf_read_file(&b, path, max + 1) == -1) {
        int e = errno;
        char cwd[512] = "";
        if (path[0] != '/' && !getcwd(cwd, sizeof cwd))
            cwd[0] = '\0';
        aws_error_set(err, AWS_ERR_INPUT, "SecretSource", "%s: cannot read %s%s%s%s: %s",
                      what, path, cwd[0] ? " (relative to the current directory, " : "",
                      cwd, cwd[0] ? ")" : "", strerror(e));
        return NULL;
    }
    if (b.len > max) {
        buf_free(&b);
        aws_error_set(err, AWS_ERR_INPUT, "SecretSource", "%s: %s is larger than the %s", what,
                      path, limit);
        return NULL;
    }
    return buf_detach(&b);
}

static char *read_file_value(const stack_secret *sec, aws_error *err)
{
    char *what = xasprintf("secret %s", sec->name);
    char *v = res_read_value_file(what, sec->path, 65536, "64 KiB Secrets Manager accepts", err);
    free(what);
    return v;
}

/* Characters a generated value leaves out: the file's exclude plus disabled classes. */
static char *excluded(const stack_secret *sec)
{
    char *x = xasprintf("%s%s%s%s", sec->exclude ? sec->exclude : "",
                        sec->lowercase ? "" : "abcdefghijklmnopqrstuvwxyz",
                        sec->uppercase ? "" : "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                        sec->digits ? "" : "0123456789");
    if (!*x) {
        free(x);
        return NULL;
    }
    return x;
}

int res_generate_value(res_ctx *ctx, const stack_secret *gen, char **value, aws_error *err)
{
    (void)ctx;
    char *x = excluded(gen);
    *value = util_random_password((size_t)gen->length, gen->symbols, x);
    free(x);
    if (*value)
        return 0;
    aws_error_set(err, AWS_ERR_INPUT, "PasswordNotGenerated",
                  "secret %s: no value of %d characters can be generated from the character "
                  "classes and `exclude:` given (or the random generator failed)", gen->name,
                  gen->length);
    return -1;
}

/* The value to create the secret with (secretsmanager_secret_free), NULL for none. A
 * value given else generated is generated when its file or variable is not there (a file
 * there but unreadable is an error, not a reason to generate). */
static int first_value(res_ctx *ctx, const stack_secret *sec, char **value, aws_error *err)
{
    *value = NULL;
    stack_secret_source source = sec->source;
    if (sec->or_generate && !given_now(sec))
        source = STACK_SECRET_GENERATE;
    switch (source) {
    case STACK_SECRET_GENERATE:
        return res_generate_value(ctx, sec, value, err);
    case STACK_SECRET_FILE:
        *value = read_file_value(sec, err);
        return *value ? 0 : -1;
    case STACK_SECRET_ENV: {
        const char *v = getenv(sec->env);
        if (!v || !*v) {
            aws_error_set(err, AWS_ERR_INPUT, "SecretSource",
                          "secret %s: environment variable %s is not set; set it for the "
                          "first `up` (later runs keep the stored value)",
                          sec->name, sec->env);
            return -1;
        }
        *value = xstrdup(v);
        return 0;
    }
    default:
        return 0; /* bootstrap: filled later */
    }
}

int res_secret_check_sources(const res_graph *g, aws_error *err)
{
    for (size_t i = 0; i < g->n; i++) {
        const res_node *n = g->nodes[i];
        const stack_secret *sec = n->model;
        if (n->kind != &res_kind_secret || !sec || (n->action != RES_CREATE && n->action != RES_REPLACE))
            continue;
        if (sec->source != STACK_SECRET_FILE && sec->source != STACK_SECRET_ENV)
            continue;
        if (sec->or_generate && !given_now(sec))
            continue; /* generated at creation */
        char *value = NULL; /* no AWS call for these two sources */
        if (first_value(NULL, sec, &value, err) != 0)
            return -1;
        secretsmanager_secret_free(value);
    }
    return 0;
}

/* ---- changing ---------------------------------------------------------------------- */

static int adopt(res_ctx *ctx, res_node *n, const char *name, aws_error *err)
{
    secretsmanager_secret s = {0};
    if (secretsmanager_describe_secret(ctx->aws, name, &s, err) != 0)
        return -1;
    int rc = 0;
    if (s.deleted_date) {
        res_event(ctx, n, RES_CREATE, RES_EV_NOTE,
                  "%s was scheduled for deletion: restoring it (its value is kept)", name);
        rc = secretsmanager_restore_secret(ctx->aws, s.arn, err);
    }
    if (rc == 0 && !res_tags_match(ctx, &s.tags, n->id)) {
        svc_tags tags;
        res_tags_list(ctx, n, &tags);
        rc = secretsmanager_tag_resource(ctx->aws, s.arn, &tags, err);
        svc_tags_free(&tags);
    }
    if (rc == 0)
        res_node_set(ctx, n, s.arn, props_of(&s));
    secretsmanager_secret_info_free(&s);
    return rc;
}

static int create(res_ctx *ctx, res_node *n, aws_error *err)
{
    const stack_secret *sec = n->model;
    const char *name = cJSON_GetObjectItem(n->desired, "name")->valuestring;
    char *value = NULL;
    if (sec && first_value(ctx, sec, &value, err) != 0)
        return -1;
    if (sec && sec->or_generate) {
        int env = sec->source == STACK_SECRET_ENV;
        if (given_now(sec))
            res_event(ctx, n, RES_CREATE, RES_EV_NOTE, "the value given by %s %s", env ? "environment variable" : "file",
                      env ? sec->env : sec->path);
        else
            res_event(ctx, n, RES_CREATE, RES_EV_NOTE, "a generated value: %s %s", env ? sec->env : sec->path,
                      env ? "is not set" : "does not exist");
    }
    char token[37];
    res_app_token(ctx->stack_name, n->id, NULL, token);
    svc_tags tags;
    res_tags_list(ctx, n, &tags);
    secretsmanager_create_input in = {.name = name,
                                      .description = sec ? sec->description : NULL,
                                      .secret_string = value,
                                      .tags = &tags,
                                      .client_request_token = token};
    char *arn = NULL;
    int rc = secretsmanager_create_secret(ctx->aws, &in, &arn, NULL, err);
    svc_tags_free(&tags);
    secretsmanager_secret_free(value);
    if (rc != 0 && (aws_error_is(err, AWS_IS_EXISTS) ||
                    (aws_error_is(err, AWS_IS_INVALID) &&
                     strstr(err->message, "delet")))) {
        /* made by a run that crashed, or scheduled for deletion: restore and keep it */
        aws_error_clear(err);
        rc = adopt(ctx, n, name, err);
    } else if (rc == 0) {
        cJSON *p = res_props("name", name, "arn", arn, NULL);
        res_node_set(ctx, n, arn, p);
    }
    free(arn);
    return rc;
}

static int remove_secret(res_ctx *ctx, res_node *n, aws_error *err)
{
    /* without recovery: a later `up` creates it afresh */
    int rc = secretsmanager_delete_secret(ctx->aws, n->physical_id, 0, 1, NULL, err);
    return res_not_found_ok(rc, err);
}

static const char *const replace_on[] = {"name", NULL};

static void ci_grant(ci_builder *b, int mine)
{
    READS(b, "secretsmanager:ListSecrets");
    cJSON *existing = ci_existing_secrets(b);
    if (cJSON_GetArraySize(existing))
        ci_allow(b, "secretsmanager:DescribeSecret", existing, NULL);
    else
        cJSON_Delete(existing);
    if (!mine)
        return;
    ci_allow(b, "secretsmanager:CreateSecret secretsmanager:DescribeSecret "
             "secretsmanager:PutSecretValue secretsmanager:TagResource "
             "secretsmanager:RestoreSecret secretsmanager:DeleteSecret",
             ci_stack_secrets(b), NULL);
}

const res_kind res_kind_secret = {
    .name = "secret",
    .title = "secret",
    .build = build,
    .discover = discover,
    .create = create,
    .remove = remove_secret,
    .replace_on = replace_on,
    .ci_grant = ci_grant,
};
