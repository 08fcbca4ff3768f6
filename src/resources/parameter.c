/*
 * parameter/NAME: an SSM Parameter Store entry of parameter_store:.
 *
 * Created ones (value, from_file, generate) are written with the stack's tags; the file
 * stays their source of truth where it holds the value: a changed `value:` or file content
 * is shown by `plan` and written by `up` as a new version (String and StringList values
 * shown as they are; a SecureString's only as "as in the stack file" or not, compared in
 * memory with the value read back decrypted, never shown), and a rollback writes the
 * previous version's value again. A generated value is written once, at creation, like a
 * generated secret. Kept on `down` unless keep: false or --purge.
 * Existing ones (existing: true, by name) are external: read, never changed; a path entry
 * (path:, existing: true) stands for every parameter under the path.
 *
 * Found again in one round trip, side by side: DescribeParameters by the stack's tag (what
 * the stack made, also what the file no longer has), GetParameters of every name the file
 * gives (version, ARN, type, and a String's value), GetParameters with decryption of the
 * SecureStrings whose value the file holds (compared, then wiped), and the account (STS)
 * when a path entry needs its ARN. A value never enters properties unless it is a String's
 * or a StringList's.
 *
 * Properties: name, type, key (SecureString: the KMS key as written, or alias/aws/ssm),
 * description, value (String, StringList: the value), content (SecureString with its
 * value in the file: "as in the stack file" or not); actual attributes add arn, version
 * and kms_key_arn (the customer key's ARN, when the file names one). A path entry: path,
 * arn (the path's ARN, to which grants add "/" and "*").
 */
#include <stdlib.h>
#include <string.h>

#include "app_internal.h"
#include "ci_policy_internal.h"
#include "secretsmanager.h"
#include "ssm.h"
#include "storage_internal.h"
#include "sts.h"
#include "xalloc.h"

#define AS_IN_FILE "as in the stack file"
#define DEFAULT_KEY "alias/aws/ssm"
#define MAX_VALUE 4096 /* a Standard parameter's value, in bytes */

static int is_secure(const stack_ssm_parameter *p)
{
    return p->type && !strcmp(p->type, "SecureString");
}

/* The file holds the value (value:, from_file:): `up` keeps the parameter equal to it. */
static int file_holds_value(const stack_ssm_parameter *p)
{
    return p->source == STACK_SSM_VALUE || p->source == STACK_SSM_FILE;
}

static char *what_of(const stack_ssm_parameter *p)
{
    return xasprintf("parameter_store.%s", p->name);
}

/* The value the file gives (value: or the file's contents): a new string to release with
 * secretsmanager_secret_free, or NULL with err. */
static char *file_value(const stack_ssm_parameter *p, aws_error *err)
{
    if (p->source == STACK_SSM_VALUE)
        return xstrdup(p->value);
    char *what = what_of(p);
    char *v = res_read_value_file(what, p->path, MAX_VALUE,
                                  "4096 bytes a Standard parameter holds", err);
    if (v && !*v) {
        aws_error_set(err, AWS_ERR_INPUT, "SecretSource",
                      "%s: %s is empty, and Parameter Store keeps no empty value", what, p->path);
        secretsmanager_secret_free(v);
        v = NULL;
    }
    free(what);
    return v;
}

static int build(res_graph *g, const stack_model *s)
{
    for (size_t i = 0; i < s->nssm_parameters; i++) {
        const stack_ssm_parameter *p = &s->ssm_parameters[i];
        cJSON *d = cJSON_CreateObject();
        char *label;
        if (p->source == STACK_SSM_PATH) {
            cJSON_AddStringToObject(d, "path", p->ssm_name);
            label = xasprintf("existing parameters under %s/", p->ssm_name);
        } else if (p->source == STACK_SSM_EXISTING) {
            cJSON_AddStringToObject(d, "name", p->ssm_name);
            label = xasprintf("existing parameter %s", p->ssm_name);
        } else {
            cJSON_AddStringToObject(d, "name", p->ssm_name);
            cJSON_AddStringToObject(d, "type", p->type);
            if (is_secure(p))
                cJSON_AddStringToObject(d, "key", p->kms_key ? p->kms_key : DEFAULT_KEY);
            if (p->description)
                cJSON_AddStringToObject(d, "description", p->description);
            if (file_holds_value(p) && is_secure(p)) {
                cJSON_AddStringToObject(d, "content", AS_IN_FILE);
            } else if (file_holds_value(p)) {
                aws_error e;
                char *v = file_value(p, &e); /* unreadable: `up` says so before it starts */
                if (v)
                    cJSON_AddStringToObject(d, "value", v);
                secretsmanager_secret_free(v);
            }
            label = xasprintf("%s parameter %s (%s)", p->type, p->ssm_name,
                              p->source == STACK_SSM_GENERATE ? "generated" :
                              p->source == STACK_SSM_FILE ? "from a file" : "from the stack file");
        }
        res_node *n = res_graph_add(g, &res_kind_parameter, p->name, label, d);
        n->model = p;
        n->external = p->source == STACK_SSM_EXISTING || p->source == STACK_SSM_PATH;
        n->keep = p->keep;
        free(label);
    }
    return 0;
}

int res_parameter_check_sources(const res_graph *g, aws_error *err)
{
    for (size_t i = 0; i < g->n; i++) {
        const res_node *n = g->nodes[i];
        const stack_ssm_parameter *p = n->model;
        if (n->kind != &res_kind_parameter || !p || p->source != STACK_SSM_FILE ||
            n->action == RES_NONE || n->action == RES_DELETE)
            continue;
        char *v = file_value(p, err);
        if (!v)
            return -1;
        secretsmanager_secret_free(v);
    }
    return 0;
}

/* ---- reading ----------------------------------------------------------------------- */

/* "arn:aws:kms:REGION:ACCOUNT:key/ID" for a key the file names by id, from the region and
 * account of the parameter's own ARN; the key's ARN as written otherwise. */
static char *key_arn(const char *key, const char *parameter_arn)
{
    if (!key)
        return NULL;
    if (!strncmp(key, "arn:", 4))
        return xstrdup(key);
    /* arn:PARTITION:ssm:REGION:ACCOUNT:parameter/... */
    char part[32] = "", region[32] = "", account[32] = "";
    if (!parameter_arn ||
        sscanf(parameter_arn, "arn:%31[^:]:ssm:%31[^:]:%31[^:]:", part, region, account) != 3)
        return NULL;
    return xasprintf("arn:%s:kms:%s:%s:key/%s", part, region, account, key);
}

/* A key as written, from what SSM says (an ARN's key id when the file gives an id). */
static const char *key_as_written(const stack_ssm_parameter *p, const char *key_id)
{
    if (!key_id || !*key_id)
        return DEFAULT_KEY;
    if (p && p->kms_key && strncmp(p->kms_key, "arn:", 4) != 0 && strstr(key_id, ":key/"))
        return strstr(key_id, ":key/") + 5;
    return key_id;
}

typedef struct {
    res_ctx *ctx;
    const res_node **named;      /* every node with a parameter name (not paths) */
    size_t nnamed;
    const res_node **compared;   /* created SecureStrings whose value the file holds */
    size_t ncompared;
    int need_account;
    ssm_parameter_metas ours;    /* by the stack's tag */
    ssm_parameters plain;        /* GetParameters of named, no decryption */
    svc_strings invalid;
    ssm_parameters decrypted;    /* GetParameters of compared, decrypted */
    sts_identity me;
} discovery;

static int names_call(res_ctx *ctx, const res_node **nodes, size_t n, int decrypt, ssm_parameters *out,
                      svc_strings *invalid, aws_error *err)
{
    const char **names = xcalloc(n + 1, sizeof *names);
    for (size_t i = 0; i < n; i++)
        names[i] = ((const stack_ssm_parameter *)nodes[i]->model)->ssm_name;
    int rc = n ? ssm_get_parameters(ctx->aws, names, n, decrypt, out, invalid, err) : 0;
    free(names);
    return rc;
}

static int discover_part(void *ud, size_t i, aws_error *err)
{
    discovery *d = ud;
    switch (i) {
    case 0: {
        const char *stack[] = {d->ctx->stack_name, NULL};
        ssm_filter f = {"tag:" RES_TAG_STACK, NULL, stack};
        return ssm_describe_parameters(d->ctx->aws, &f, 1, &d->ours, err);
    }
    case 1:
        return names_call(d->ctx, d->named, d->nnamed, 0, &d->plain, &d->invalid, err);
    case 2:
        return names_call(d->ctx, d->compared, d->ncompared, 1, &d->decrypted, NULL, err);
    default:
        return d->need_account ? sts_get_caller_identity(d->ctx->aws, &d->me, err) : 0;
    }
}

static const ssm_parameter *find_parameter(const ssm_parameters *l, const char *name)
{
    for (size_t i = 0; name && i < l->n; i++)
        if (l->items[i].name && !strcmp(l->items[i].name, name))
            return &l->items[i];
    return NULL;
}

static const res_node *node_named(const discovery *d, const char *name)
{
    for (size_t i = 0; i < d->nnamed; i++)
        if (!d->named[i]->external && !strcmp(((const stack_ssm_parameter *)d->named[i]->model)->ssm_name, name))
            return d->named[i];
    return NULL;
}

/* "as in the stack file", or why not: the decrypted value against the file's. */
static char *content_of(const stack_ssm_parameter *p, const ssm_parameter *dec)
{
    if (!dec || !dec->value)
        return xstrdup("unknown (not readable decrypted)");
    aws_error e;
    char *want = file_value(p, &e);
    char *c;
    if (!want)
        c = xasprintf("unknown (%s)", e.message);
    else
        c = xstrdup(strcmp(want, dec->value) == 0 ? AS_IN_FILE : "not as in the stack file");
    secretsmanager_secret_free(want);
    return c;
}

/* The actual properties of a parameter the stack made or reads. */
static cJSON *props_of(const discovery *d, const stack_ssm_parameter *p, const ssm_parameter_meta *meta,
                       const ssm_parameter *plain)
{
    cJSON *o = cJSON_CreateObject();
    const char *name = meta ? meta->name : plain->name;
    const char *type = plain ? plain->type : meta->type;
    res_prop_str(o, "name", name);
    res_prop_str(o, "type", type);
    if (meta && !strcmp(meta->type, "SecureString"))
        res_prop_str(o, "key", key_as_written(p, meta->key_id));
    if (meta && meta->description && *meta->description)
        res_prop_str(o, "description", meta->description);
    if (plain && type && strcmp(type, "SecureString") != 0)
        res_prop_str(o, "value", plain->value);
    if (p && file_holds_value(p) && is_secure(p) && meta) {
        char *c = content_of(p, find_parameter(&d->decrypted, name));
        cJSON_AddStringToObject(o, "content", c);
        free(c);
    }
    const char *arn = plain ? plain->arn : meta->arn;
    res_prop_str(o, "arn", arn);
    cJSON_AddNumberToObject(o, "version", (double)(plain ? plain->version : meta->version));
    char *karn = p ? key_arn(p->kms_key, arn) : NULL;
    res_prop_str(o, "kms_key_arn", karn);
    free(karn);
    return o;
}

/* Ours by tag that the file no longer names: their node id from their own tags. */
static void add_orphan(res_ctx *ctx, const ssm_parameter_meta *m, res_found_list *out)
{
    svc_tags tags = {0};
    aws_error e;
    if (ssm_list_tags(ctx->aws, m->name, &tags, &e) == 0 && res_tags_node(ctx, &tags)) {
        cJSON *o = res_props("name", m->name, "type", m->type, "arn", m->arn, NULL);
        cJSON_AddNumberToObject(o, "version", (double)m->version);
        res_found_add(out, svc_tags_get(&tags, RES_TAG_ID), m->name, o);
    }
    svc_tags_free(&tags);
}

/* An existing parameter (by name), or a note that it is not there. */
static void found_existing(discovery *d, const res_node *n, res_found_list *out)
{
    const stack_ssm_parameter *p = n->model;
    const ssm_parameter *got = find_parameter(&d->plain, p->ssm_name);
    if (!got) {
        res_event(d->ctx, n, RES_NONE, RES_EV_NOTE,
                  "the existing parameter %s does not exist (or is not readable with these "
                  "credentials): fix parameter_store.%s in the stack file", p->ssm_name, p->name);
        return;
    }
    if (p->used_as_value && !strcmp(got->type, "SecureString"))
        res_event(d->ctx, n, RES_NONE, RES_EV_NOTE,
                  "%s is a SecureString, and a secret never goes into plain configuration: give "
                  "it as a secret (secrets: { ENV: { parameter: %s } }) instead of "
                  "${parameter_store.%s.value}", p->ssm_name, p->name, p->name);
    res_found_add(out, n->id, got->name, props_of(d, p, NULL, got));
}

static void found_path(discovery *d, const res_node *n, res_found_list *out)
{
    const stack_ssm_parameter *p = n->model;
    if (!d->me.account)
        return;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "path", p->ssm_name);
    char *arn = xasprintf("arn:%s:ssm:%s:%s:parameter%s", res_partition(d->ctx), d->ctx->region,
                          d->me.account, p->ssm_name);
    cJSON_AddStringToObject(o, "arn", arn);
    free(arn);
    char *karn = p->kms_key ? xasprintf("arn:%s:kms:%s:%s:key/%s", res_partition(d->ctx), d->ctx->region,
                                        d->me.account, p->kms_key) : NULL;
    res_prop_str(o, "kms_key_arn", p->kms_key && !strncmp(p->kms_key, "arn:", 4) ? p->kms_key : karn);
    free(karn);
    res_found_add(out, n->id, p->ssm_name, o);
}

static int discover(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    discovery d = {.ctx = ctx};
    size_t cap = ctx->graph ? ctx->graph->n + 1 : 1;
    d.named = xcalloc(cap, sizeof *d.named);
    d.compared = xcalloc(cap, sizeof *d.compared);
    const res_node **paths = xcalloc(cap, sizeof *paths);
    size_t npaths = 0;
    for (size_t i = 0; ctx->graph && i < ctx->graph->n; i++) {
        const res_node *n = ctx->graph->nodes[i];
        const stack_ssm_parameter *p = n->model;
        if (n->kind != &res_kind_parameter || !p)
            continue;
        if (p->source == STACK_SSM_PATH)
            paths[npaths++] = n;
        else
            d.named[d.nnamed++] = n;
        if (file_holds_value(p) && is_secure(p))
            d.compared[d.ncompared++] = n;
    }
    d.need_account = npaths > 0;
    int rcs[4];
    aws_error errs[4];
    res_parallel_all(4, 4, discover_part, &d, rcs, errs);
    int rc = 0;
    for (size_t i = 0; i < 4 && rc == 0; i++)
        if (rcs[i] != 0) {
            *err = errs[i];
            rc = -1;
        }
    for (size_t i = 0; rc == 0 && i < d.ours.n; i++) {
        const ssm_parameter_meta *m = &d.ours.items[i];
        const res_node *n = node_named(&d, m->name);
        if (!n) {
            add_orphan(ctx, m, out);
            continue;
        }
        const stack_ssm_parameter *p = n->model;
        res_found_add(out, n->id, m->name, props_of(&d, p, m, find_parameter(&d.plain, m->name)));
    }
    for (size_t i = 0; rc == 0 && i < d.nnamed; i++)
        if (d.named[i]->external)
            found_existing(&d, d.named[i], out);
    for (size_t i = 0; rc == 0 && i < npaths; i++)
        found_path(&d, paths[i], out);
    ssm_parameter_metas_free(&d.ours);
    ssm_parameters_free(&d.plain);
    ssm_parameters_free(&d.decrypted);
    svc_strings_free(&d.invalid);
    sts_identity_free(&d.me);
    free(d.named);
    free(d.compared);
    free(paths);
    return rc;
}

/* ---- changing ---------------------------------------------------------------------- */

/* Read the parameter back (no decryption) into n's actual properties. */
static int refresh(res_ctx *ctx, res_node *n, const char *name, aws_error *err)
{
    const stack_ssm_parameter *p = n->model;
    const char *names[] = {name};
    ssm_parameters got = {0};
    ssm_parameter_metas metas = {0};
    const char *values[] = {name, NULL};
    ssm_filter f = {"Name", NULL, values};
    int rc = ssm_get_parameters(ctx->aws, names, 1, 0, &got, NULL, err);
    if (rc == 0)
        rc = ssm_describe_parameters(ctx->aws, &f, 1, &metas, err);
    if (rc == 0 && (got.n == 0 || metas.n == 0)) {
        aws_error_set(err, AWS_ERR_SERVICE, "ParameterNotFound", "%s was written but cannot be read back",
                      name);
        rc = -1;
    }
    if (rc == 0) {
        discovery d = {.ctx = ctx};
        cJSON *o = props_of(&d, p, &metas.items[0], &got.items[0]);
        if (p && file_holds_value(p) && is_secure(p)) /* just written from the file */
            cJSON_ReplaceItemInObjectCaseSensitive(o, "content", cJSON_CreateString(AS_IN_FILE));
        res_node_set(ctx, n, name, o);
    }
    ssm_parameters_free(&got);
    ssm_parameter_metas_free(&metas);
    return rc;
}

/* The value a put sends: the file's; a generated one (first creation); the value of the
 * version n->desired names (a rollback); or the one stored now (a generated parameter
 * whose key or description changes). Release with secretsmanager_secret_free. */
static char *value_to_put(res_ctx *ctx, res_node *n, int creating, aws_error *err)
{
    const stack_ssm_parameter *p = n->model;
    const cJSON *version = cJSON_GetObjectItemCaseSensitive(n->desired, "version");
    char *value = NULL;
    if (cJSON_IsNumber(version) || (!creating && (!p || !file_holds_value(p)))) {
        char *ref = cJSON_IsNumber(version) ? xasprintf("%s:%.0f", n->physical_id, version->valuedouble)
                                            : xstrdup(n->physical_id);
        ssm_parameter got = {0};
        if (ssm_get_parameter(ctx->aws, ref, 1, &got, err) == 0) {
            value = got.value;
            got.value = NULL;
        }
        ssm_parameter_free(&got);
        free(ref);
        return value;
    }
    if (file_holds_value(p))
        return file_value(p, err);
    return res_generate_value(ctx, &p->generator, &value, err) == 0 ? value : NULL;
}

static int put(res_ctx *ctx, res_node *n, int creating, aws_error *err)
{
    const cJSON *d = n->desired;
    const stack_ssm_parameter *p = n->model;
    char *value = value_to_put(ctx, n, creating, err);
    if (!value)
        return -1;
    const char *type = res_prop_string(d, "type"), *key = res_prop_string(d, "key");
    svc_tags tags = {0};
    if (creating)
        res_tags_list(ctx, n, &tags);
    ssm_put_in in = {.name = res_prop_string(d, "name"),
                     .value = value,
                     .type = type,
                     .description = res_prop_string(d, "description"),
                     .key_id = key && strcmp(key, DEFAULT_KEY) != 0 ? key : NULL,
                     .overwrite = !creating,
                     .tags = creating ? &tags : NULL};
    long long version = 0;
    int rc = ssm_put_parameter(ctx->aws, &in, &version, err);
    secretsmanager_secret_free(value);
    svc_tags_free(&tags);
    if (rc != 0 && creating && aws_error_is(err, AWS_IS_EXISTS)) {
        svc_tags have = {0};
        aws_error e;
        int ours = ssm_list_tags(ctx->aws, in.name, &have, &e) == 0 && res_tags_match(ctx, &have, n->id);
        svc_tags_free(&have);
        if (!ours) {
            aws_error_set(err, AWS_ERR_INPUT, "ParameterAlreadyExists",
                          "%s exists and is not this stack's: read it with existing: true, or give "
                          "parameter_store.%s another name", in.name, p ? p->name : n->id);
            return -1;
        }
        /* made by a run that crashed: keep a generated value, write the file's */
        aws_error_clear(err);
        res_event(ctx, n, RES_CREATE, RES_EV_NOTE, "%s was made by an earlier run: using it", in.name);
        res_node_set(ctx, n, in.name, cJSON_CreateObject());
        return p && file_holds_value(p) ? put(ctx, n, 0, err) : refresh(ctx, n, in.name, err);
    }
    if (rc != 0)
        return -1;
    res_node_set(ctx, n, in.name, n->actual ? n->actual : cJSON_CreateObject());
    return refresh(ctx, n, in.name, err);
}

static int create(res_ctx *ctx, res_node *n, aws_error *err)
{
    return put(ctx, n, 1, err);
}

static int update(res_ctx *ctx, res_node *n, aws_error *err)
{
    return put(ctx, n, 0, err);
}

static int remove_parameter(res_ctx *ctx, res_node *n, aws_error *err)
{
    return res_not_found_ok(ssm_delete_parameter(ctx->aws, n->physical_id, err), err);
}

/* `status`: the version and type, never the value. */
static int status(res_ctx *ctx, res_node *n, cJSON *out, aws_error *err)
{
    (void)ctx;
    (void)err;
    const char *path = res_prop_string(n->actual, "path");
    const cJSON *version = cJSON_GetObjectItemCaseSensitive(n->actual, "version");
    /* no comma inside: `status` lists a kind's nodes on one line, comma-separated */
    if (path)
        res_status_summary(out, 1, "every parameter under %s/", path);
    else
        res_status_summary(out, 1, "%s v%.0f",
                           res_prop_string(n->actual, "type") ? res_prop_string(n->actual, "type") : "?",
                           cJSON_IsNumber(version) ? version->valuedouble : 0);
    if (cJSON_IsNumber(version))
        cJSON_AddNumberToObject(out, "version", version->valuedouble);
    return 0;
}

static const char *const replace_on[] = {"name", "type", NULL};
/* a put gives a new version, and a String's new value: what reads them is planned too */
static const char *const changing_attrs[] = {"version", "value", NULL};

/* "/a/b" -> parameter/a/b, "a" -> parameter/a (ARNs of names with and without a slash) */
static cJSON *ci_parameter_arn(const ci_builder *b, const char *name)
{
    return ci_arn(b, "ssm", 1, "parameter%s%s", name[0] == '/' ? "" : "/", name);
}

static cJSON *ci_parameter_path_arn(const ci_builder *b, const char *path)
{
    return ci_arn(b, "ssm", 1, "parameter%s%s/*", path[0] == '/' ? "" : "/", path);
}

static void ci_grant(ci_builder *b, int mine)
{
    READS(b, "ssm:DescribeParameters");
    cJSON *named = ci_each(b, "parameter", "name", ci_parameter_arn);
    ci_join(named, ci_each(b, "parameter", "path", ci_parameter_path_arn));
    if (cJSON_GetArraySize(named) == 0) {
        cJSON_Delete(named);
        return;
    }
    /* a SecureString is read (decrypted) to compare it with the file: through SSM only */
    char *service = xasprintf("ssm.%s.amazonaws.com", b->g->region);
    ci_allow(b, "kms:Decrypt kms:Encrypt kms:DescribeKey", ci_one(ci_arn(b, "kms", 1, "key/*")),
             ci_when(b, "StringEquals", "kms:ViaService", cJSON_CreateString(service)));
    free(service);
    if (!mine) {
        ci_allow(b, "ssm:GetParameter ssm:GetParameters ssm:ListTagsForResource", named, NULL);
        return;
    }
    ci_allow(b, "ssm:GetParameter ssm:GetParameters ssm:ListTagsForResource ssm:PutParameter "
             "ssm:AddTagsToResource ssm:RemoveTagsFromResource ssm:DeleteParameter",
             named, NULL);
}

const res_kind res_kind_parameter = {
    .name = "parameter",
    .title = "SSM parameter",
    .build = build,
    .discover = discover,
    .create = create,
    .update = update,
    .remove = remove_parameter,
    .replace_on = replace_on,
    .changing_attrs = changing_attrs,
    .status = status,
    .ci_grant = ci_grant,
};
