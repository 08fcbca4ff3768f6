/*
 * IAM roles: per service an execution role (pulls images, writes logs, reads the
 * service's secrets, and the RDS-managed secret of each database whose password it gets)
 * and, when the service needs one, a task role (its permissions and
 * ECS Exec); per stack an infrastructure role when ECS must manage EBS volumes or
 * blue/green traffic. All live under the path /ecsdeploy/STACK/, which is how they are
 * found again (one ListRoles call, then the details of each role side by side).
 *
 * Properties: name, path, trust (a policy object), managed (sorted ARNs), inline
 * ({policy name: document}).
 */
#include <stdlib.h>
#include <string.h>

#include "ci_policy_internal.h"
#include "iam.h"
#include "res.h"
#include "role_internal.h"
#include "stack_names.h"
#include "storage_internal.h"
#include "xalloc.h"

extern const res_kind res_kind_role;

#define INLINE_NAME "ecsdeploy"

/* ---- building ---------------------------------------------------------------------- */

static cJSON *trust_for(const char *service_principal)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "Version", "2012-10-17");
    cJSON *st = cJSON_AddArrayToObject(doc, "Statement");
    cJSON *s = cJSON_CreateObject();
    cJSON_AddStringToObject(s, "Effect", "Allow");
    cJSON *p = cJSON_AddObjectToObject(s, "Principal");
    cJSON_AddStringToObject(p, "Service", service_principal);
    cJSON_AddStringToObject(s, "Action", "sts:AssumeRole");
    cJSON_AddItemToArray(st, s);
    return doc;
}

static cJSON *policy_doc(cJSON *statements)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "Version", "2012-10-17");
    cJSON_AddItemToObject(doc, "Statement", statements);
    return doc;
}

/* The ARN of a stack secret: a reference, since AWS adds a random suffix. */
static cJSON *secret_arn(const char *secret)
{
    char *id = xasprintf("secret/%s", secret);
    cJSON *r = res_ref(id, "arn");
    free(id);
    return r;
}

static cJSON *role_props(const res_graph *g, const char *name, const char *principal)
{
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "name", name);
    char *path = xasprintf("/ecsdeploy/%s/", g->stack->name);
    cJSON_AddStringToObject(d, "path", path);
    free(path);
    cJSON_AddItemToObject(d, "trust", trust_for(principal));
    cJSON_AddArrayToObject(d, "managed");
    cJSON_AddObjectToObject(d, "inline");
    return d;
}

static void add_managed(const res_graph *g, cJSON *props, const char *path, const char *name)
{
    char *arn = xasprintf("arn:%s:iam::aws:policy%s%s", g->partition, path, name);
    cJSON_AddItemToArray(cJSON_GetObjectItem(props, "managed"), cJSON_CreateString(arn));
    free(arn);
}

static void depend_on_secret(res_graph *g, res_node *n, const char *secret)
{
    res_node_needs(g, n, "secret/%s", secret);
}

/* 1 when an earlier container of svc gets the password of use u's database too. */
static int password_given_before(const stack_service *svc, size_t u)
{
    for (size_t j = 0; j < u; j++)
        if (svc->databases[j].password && strcmp(svc->databases[j].name, svc->databases[u].name) == 0)
            return 1;
    return 0;
}

static void build_execution_role(res_graph *g, const stack_service *svc)
{
    char *name = stack_name_execution_role(g->stack->name, svc->name);
    cJSON *d = role_props(g, name, "ecs-tasks.amazonaws.com");
    add_managed(g, d, "/service-role/", "AmazonECSTaskExecutionRolePolicy");
    cJSON *secrets = cJSON_CreateArray();
    res_node *n = res_graph_addf(g, &res_kind_role, "", d, "execution role %s", name);
    free(n->id);
    n->id = xasprintf("role/exec-%s", svc->name);
    n->model = svc;
    for (size_t c = 0; c < svc->ncontainers; c++) {
        for (size_t k = 0; k < svc->containers[c].nsecrets; k++) {
            const char *secret = svc->containers[c].secrets[k].secret;
            if (!secret)
                continue; /* a parameter's: res_storage_exec_statements */
            cJSON_AddItemToArray(secrets, secret_arn(secret));
            depend_on_secret(g, n, secret);
        }
        /* ECS reads a private registry's credentials with the execution role */
        const char *creds = svc->containers[c].repository_credentials;
        if (creds) {
            cJSON_AddItemToArray(secrets, secret_arn(creds));
            depend_on_secret(g, n, creds);
        }
    }
    /* a database's password: RDS keeps it in a secret of its own (its key is aws/secretsmanager
     * for the databases the stack makes; an existing one's may be a customer key) */
    cJSON *keys = cJSON_CreateArray();
    for (size_t u = 0; u < svc->ndatabases; u++) {
        if (!svc->databases[u].password || password_given_before(svc, u))
            continue;
        char *id = xasprintf("database/%s", svc->databases[u].name);
        cJSON_AddItemToArray(secrets, res_ref(id, "secret_arn"));
        const stack_database *db = stack_find_database(g->stack, svc->databases[u].name);
        if (db && db->existing)
            cJSON_AddItemToArray(keys, res_ref(id, "secret_kms_key"));
        res_node_depend(n, res_graph_find(g, id));
        free(id);
    }
    cJSON *st = cJSON_CreateArray();
    if (cJSON_GetArraySize(secrets) > 0) {
        static const char *const read[] = {"secretsmanager:GetSecretValue"};
        cJSON_AddItemToArray(st, role_statement(read, 1, secrets));
    } else {
        cJSON_Delete(secrets);
    }
    if (cJSON_GetArraySize(keys) > 0) {
        static const char *const decrypt[] = {"kms:Decrypt"};
        cJSON_AddItemToArray(st, role_statement(decrypt, 1, keys));
    } else {
        cJSON_Delete(keys);
    }
    res_storage_exec_statements(g, n, svc, st);
    if (cJSON_GetArraySize(st) > 0)
        cJSON_AddItemToObject(cJSON_GetObjectItem(d, "inline"), INLINE_NAME, policy_doc(st));
    else
        cJSON_Delete(st);
    free(name);
}

/* A stack bucket's ARN is its node's (a default name is known once the account is); a
 * bucket the stack does not own is named in the file. */
static void add_bucket_statements(res_graph *g, res_node *n, const stack_permission *p, cJSON *st)
{
    cJSON *arn;
    if (p->bucket) {
        char *id = xasprintf("bucket/%s", p->bucket);
        res_node_depend(n, res_graph_find(g, id));
        arn = res_ref(id, "arn");
        free(id);
    } else {
        char *s = xasprintf("arn:%s:s3:::%s", g->partition, p->bucket_name);
        arn = cJSON_CreateString(s);
        free(s);
    }
    role_bucket_statements(arn, p->prefix, p->access, p->conditions_json, st);
}

static void build_task_role(res_graph *g, const stack_service *svc)
{
    if (svc->npermissions == 0 && !svc->exec && !res_storage_mounts(svc))
        return;
    char *name = stack_name_task_role(g->stack->name, svc->name);
    cJSON *d = role_props(g, name, "ecs-tasks.amazonaws.com");
    res_node *n = res_graph_addf(g, &res_kind_role, "", d, "task role %s", name);
    free(n->id);
    n->id = xasprintf("role/task-%s", svc->name);
    n->model = svc;
    cJSON *st = cJSON_CreateArray();
    for (size_t i = 0; i < svc->npermissions; i++) {
        const stack_permission *p = &svc->permissions[i];
        if (p->kind == STACK_PERM_BUCKET) {
            add_bucket_statements(g, n, p, st);
        } else if (p->kind == STACK_PERM_SECRET) {
            static const char *const read[] = {"secretsmanager:GetSecretValue",
                                               "secretsmanager:DescribeSecret"};
            cJSON *r = cJSON_CreateArray();
            cJSON_AddItemToArray(r, secret_arn(p->secret));
            cJSON_AddItemToArray(st, role_statement(read, 2, r));
            depend_on_secret(g, n, p->secret);
        } else {
            cJSON *raw = cJSON_Parse(p->statement_json);
            if (raw)
                cJSON_AddItemToArray(st, raw);
        }
    }
    res_storage_task_statements(g, n, svc, st);
    if (svc->exec) {
        static const char *const channels[] = {
            "ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel",
            "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"};
        cJSON *any = cJSON_CreateArray();
        cJSON_AddItemToArray(any, cJSON_CreateString("*"));
        cJSON_AddItemToArray(st, role_statement(channels, 4, any));
    }
    cJSON_AddItemToObject(cJSON_GetObjectItem(d, "inline"), INLINE_NAME, policy_doc(st));
    free(name);
}

static void build_infrastructure_role(res_graph *g)
{
    int volumes = 0, traffic = 0;
    for (size_t i = 0; i < g->stack->nservices; i++) {
        const stack_service *svc = &g->stack->services[i];
        for (size_t v = 0; v < svc->nvolumes; v++)
            volumes |= svc->volumes[v].kind == STACK_VOL_EBS;
        traffic |= svc->has_load_balancer && svc->deployment.strategy != STACK_DEPLOY_ROLLING;
    }
    if (!volumes && !traffic)
        return;
    char *name = stack_name_infrastructure_role(g->stack->name);
    cJSON *d = role_props(g, name, "ecs.amazonaws.com");
    if (traffic)
        add_managed(g, d, "/service-role/", "AmazonECSInfrastructureRolePolicyForLoadBalancers");
    if (volumes)
        add_managed(g, d, "/service-role/", "AmazonECSInfrastructureRolePolicyForVolumes");
    res_graph_addf(g, &res_kind_role, "infra", d, "infrastructure role %s", name);
    free(name);
}

static int build(res_graph *g, const stack_model *s)
{
    for (size_t i = 0; i < s->nservices; i++) {
        build_execution_role(g, &s->services[i]);
        build_task_role(g, &s->services[i]);
    }
    build_infrastructure_role(g);
    return 0;
}

/* ---- reading ----------------------------------------------------------------------- */

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef struct {
    res_ctx *ctx;
    const char *name;
    iam_role *role;
    svc_strings managed, inline_names;
    char **docs; /* per inline policy */
} role_read;

/* The role, its managed policies and its inline policies' names: one call each. */
static int read_list(void *ud, size_t i, aws_error *err)
{
    role_read *r = ud;
    if (i == 0)
        return iam_get_role(r->ctx->aws, r->name, r->role, err);
    if (i == 1)
        return iam_list_attached_role_policies(r->ctx->aws, r->name, 0, &r->managed, err);
    return iam_list_role_policies(r->ctx->aws, r->name, 0, &r->inline_names, err);
}

static int read_inline(void *ud, size_t i, aws_error *err)
{
    role_read *r = ud;
    return iam_get_role_policy(r->ctx->aws, r->name, r->inline_names.items[i], &r->docs[i], err);
}

/* The first failure of a res_parallel_all, in call order, into err. */
static int first_failure(size_t n, const int *rcs, const aws_error *errs, aws_error *err)
{
    for (size_t i = 0; i < n; i++)
        if (rcs[i] != 0) {
            *err = errs[i];
            return -1;
        }
    return 0;
}

static cJSON *role_json(const role_read *r)
{
    cJSON *p = res_props("name", r->role->name, "path", r->role->path, NULL);
    cJSON *trust = r->role->trust_policy ? cJSON_Parse(r->role->trust_policy) : NULL;
    cJSON_AddItemToObject(p, "trust", trust ? trust : cJSON_CreateNull());
    cJSON *m = cJSON_AddArrayToObject(p, "managed");
    for (size_t i = 0; i < r->managed.n; i++)
        cJSON_AddItemToArray(m, cJSON_CreateString(r->managed.items[i]));
    cJSON *in = cJSON_AddObjectToObject(p, "inline");
    for (size_t i = 0; i < r->inline_names.n; i++) {
        cJSON *parsed = r->docs[i] ? cJSON_Parse(r->docs[i]) : NULL;
        cJSON_AddItemToObject(in, r->inline_names.items[i], parsed ? parsed : cJSON_CreateNull());
    }
    res_prop_str(p, "arn", r->role->arn);
    return p;
}

/* The actual properties of one role: trust, sorted managed ARNs, inline documents. The
 * role and its two lists are read side by side, then every inline document side by side;
 * a failure is the first in that order. */
static int read_role(res_ctx *ctx, const char *name, iam_role *role, cJSON **props, aws_error *err)
{
    role_read r = {.ctx = ctx, .name = name, .role = role};
    int rcs[3];
    aws_error errs[3];
    res_parallel_all(3, 3, read_list, &r, rcs, errs);
    int rc = first_failure(3, rcs, errs, err);
    size_t n = r.inline_names.n;
    r.docs = xcalloc(n ? n : 1, sizeof *r.docs);
    if (rc == 0 && n > 0) {
        int *prcs = xcalloc(n, sizeof *prcs);
        aws_error *perrs = xcalloc(n, sizeof *perrs);
        res_parallel_all(n, RES_READS_AT_ONCE, read_inline, &r, prcs, perrs);
        rc = first_failure(n, prcs, perrs, err);
        free(prcs);
        free(perrs);
    }
    if (r.managed.n > 1)
        qsort(r.managed.items, r.managed.n, sizeof *r.managed.items, compare_strings);
    if (rc == 0)
        *props = role_json(&r);
    for (size_t i = 0; i < n; i++)
        free(r.docs[i]);
    free(r.docs);
    svc_strings_free(&r.managed);
    svc_strings_free(&r.inline_names);
    return rc;
}

typedef struct {
    res_ctx *ctx;
    iam_roles *roles;
    res_found_list *out;
} discovery;

static int discover_one(void *ud, size_t i, aws_error *err)
{
    discovery *d = ud;
    iam_role role = {0};
    cJSON *props = NULL;
    /* not found: deleted meanwhile */
    int rc = res_not_found_ok(read_role(d->ctx, d->roles->items[i].name, &role, &props, err), err);
    const char *id = res_tags_node(d->ctx, &role.tags);
    if (rc == 0 && props && id) {
        res_found_add(d->out, id, role.name, props);
        props = NULL;
    }
    cJSON_Delete(props);
    iam_role_free(&role);
    return rc;
}

static int discover(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    char *path = xasprintf("/ecsdeploy/%s/", ctx->stack_name);
    iam_roles roles = {0};
    int rc = iam_list_roles(ctx->aws, path, 0, &roles, err);
    free(path);
    if (rc == 0) {
        discovery d = {.ctx = ctx, .roles = &roles, .out = out};
        rc = res_parallel(roles.n, RES_READS_AT_ONCE, discover_one, &d, err);
    }
    iam_roles_free(&roles);
    return rc;
}

/* ---- changing ---------------------------------------------------------------------- */

static int contains(const cJSON *array, const char *s)
{
    for (const cJSON *e = array ? array->child : NULL; e; e = e->next)
        if (cJSON_IsString(e) && strcmp(e->valuestring, s) == 0)
            return 1;
    return 0;
}

/* Make managed and inline policies match desired, given what the role has (NULL: none). */
static int sync_policies(res_ctx *ctx, const char *name, const cJSON *desired, const cJSON *actual,
                         aws_error *err)
{
    const cJSON *want = cJSON_GetObjectItem(desired, "managed");
    const cJSON *have = actual ? cJSON_GetObjectItem(actual, "managed") : NULL;
    for (const cJSON *e = want ? want->child : NULL; e; e = e->next)
        if (!contains(have, e->valuestring) && iam_attach_role_policy(ctx->aws, name, e->valuestring, err) != 0)
            return -1;
    for (const cJSON *e = have ? have->child : NULL; e; e = e->next)
        if (!contains(want, e->valuestring) && iam_detach_role_policy(ctx->aws, name, e->valuestring, err) != 0)
            return -1;
    const cJSON *win = cJSON_GetObjectItem(desired, "inline");
    const cJSON *hin = actual ? cJSON_GetObjectItem(actual, "inline") : NULL;
    for (const cJSON *e = win ? win->child : NULL; e; e = e->next) {
        const cJSON *h = hin ? cJSON_GetObjectItem(hin, e->string) : NULL;
        if (h && cJSON_Compare(h, e, 1))
            continue;
        char *doc = cJSON_PrintUnformatted(e);
        int rc = iam_put_role_policy(ctx->aws, name, e->string, doc, err);
        free(doc);
        if (rc != 0)
            return -1;
    }
    for (const cJSON *e = hin ? hin->child : NULL; e; e = e->next)
        if (!cJSON_GetObjectItem(win, e->string) &&
            iam_delete_role_policy(ctx->aws, name, e->string, err) != 0)
            return -1;
    return 0;
}

/* After a create or update AWS accepted: the role is what was asked for, with its ARN
 * (from CreateRole's answer, or from what the role had). No read-back: IAM is eventually
 * consistent, so a read right after the writes may not even show them. */
static void record(res_ctx *ctx, res_node *n, const char *name, const char *arn)
{
    cJSON *attrs = cJSON_CreateObject();
    res_prop_str(attrs, "arn", arn);
    res_node_set_desired(ctx, n, name, attrs);
}

static int create(res_ctx *ctx, res_node *n, aws_error *err)
{
    const char *name = cJSON_GetObjectItem(n->desired, "name")->valuestring;
    char *trust = cJSON_PrintUnformatted(cJSON_GetObjectItem(n->desired, "trust"));
    svc_tags tags;
    res_tags_list(ctx, n, &tags);
    iam_create_role_input in = {.name = name,
                                .path = cJSON_GetObjectItem(n->desired, "path")->valuestring,
                                .trust_policy = trust,
                                .description = n->label,
                                .tags = &tags};
    iam_role made = {0};
    int rc = iam_create_role(ctx->aws, &in, &made, err);
    svc_tags_free(&tags);
    free(trust);
    cJSON *existing = NULL;
    if (rc != 0 && aws_error_is(err, AWS_IS_EXISTS)) {
        /* a re-run after a crash: adopt what the first run made */
        iam_role_free(&made);
        rc = read_role(ctx, name, &made, &existing, err);
    }
    if (rc == 0) /* it exists now: should a policy fail, the rollback deletes it */
        res_node_set(ctx, n, name, cJSON_CreateObject());
    if (rc == 0)
        rc = sync_policies(ctx, name, n->desired, existing, err);
    if (rc == 0)
        record(ctx, n, name, made.arn);
    cJSON_Delete(existing);
    iam_role_free(&made);
    return rc;
}

static int update(res_ctx *ctx, res_node *n, aws_error *err)
{
    const char *name = n->physical_id;
    const cJSON *trust = cJSON_GetObjectItem(n->desired, "trust");
    if (res_prop_changed(n->desired, n->actual, "trust")) {
        char *doc = cJSON_PrintUnformatted(trust);
        int rc = iam_update_assume_role_policy(ctx->aws, name, doc, err);
        free(doc);
        if (rc != 0)
            return -1;
    }
    if (sync_policies(ctx, name, n->desired, n->actual, err) != 0)
        return -1;
    char *arn = xstrdup_or_null(res_prop_string(n->actual, "arn"));
    record(ctx, n, name, arn);
    free(arn);
    return 0;
}

static int remove_role(res_ctx *ctx, res_node *n, aws_error *err)
{
    cJSON *none = cJSON_CreateObject();
    cJSON_AddArrayToObject(none, "managed");
    cJSON_AddObjectToObject(none, "inline");
    /* read what is attached now: the plan's view may be stale */
    iam_role role = {0};
    cJSON *now = NULL;
    int rc = read_role(ctx, n->physical_id, &role, &now, err);
    iam_role_free(&role);
    if (rc != 0) {
        cJSON_Delete(none);
        return aws_error_is(err, AWS_IS_NOT_FOUND) ? 0 : -1;
    }
    rc = sync_policies(ctx, n->physical_id, none, now, err);
    cJSON_Delete(none);
    cJSON_Delete(now);
    if (rc == 0)
        rc = iam_delete_role(ctx->aws, n->physical_id, err);
    rc = res_not_found_ok(rc, err);
    return rc;
}

static const char *const replace_on[] = {"name", "path", NULL};

static cJSON *ci_stack_roles(const ci_builder *b)
{
    return ci_one(ci_arn(b, "iam", 0, "role/ecsdeploy/%s/*", b->g->stack->name));
}

/* The managed policies the stack's roles have (AttachRolePolicy names exactly those). */
static cJSON *ci_managed_policies(const ci_builder *b)
{
    cJSON *list = cJSON_CreateArray();
    for (size_t i = 0; i < b->g->n; i++) {
        const res_node *n = b->g->nodes[i];
        if (!n->desired || strncmp(n->id, "role/", 5) != 0)
            continue;
        const cJSON *m;
        cJSON_ArrayForEach(m, cJSON_GetObjectItem(n->desired, "managed")) {
            int seen = 0;
            const cJSON *e;
            cJSON_ArrayForEach(e, list) seen |= strcmp(e->valuestring, m->valuestring) == 0;
            if (!seen)
                cJSON_AddItemToArray(list, cJSON_CreateString(m->valuestring));
        }
    }
    return list;
}

static void ci_grant(ci_builder *b, int mine)
{
    READS(b, "iam:ListRoles");
    ci_allow(b, "iam:GetRole iam:ListAttachedRolePolicies iam:ListRolePolicies iam:GetRolePolicy "
             "iam:ListRoleTags",
             ci_stack_roles(b), NULL);
    if (!mine)
        return;
    ci_allow(b, "iam:CreateRole iam:TagRole iam:UntagRole iam:UpdateRole iam:UpdateAssumeRolePolicy "
             "iam:PutRolePolicy iam:DeleteRolePolicy iam:DetachRolePolicy iam:DeleteRole",
             ci_stack_roles(b), NULL);
    cJSON *policies = ci_managed_policies(b);
    if (cJSON_GetArraySize(policies))
        ci_allow(b, "iam:AttachRolePolicy", ci_stack_roles(b),
                 ci_when(b, "ArnEquals", "iam:PolicyARN", policies));
    else
        cJSON_Delete(policies);
    /* the stack's roles, to ECS only: its tasks, and the infrastructure role */
    static const char *const to_ecs[] = {"ecs-tasks.amazonaws.com", "ecs.amazonaws.com", NULL};
    ci_allow(b, "iam:PassRole", ci_stack_roles(b),
             ci_when(b, "StringEquals", "iam:PassedToService", ci_strings(to_ecs)));
}

const res_kind res_kind_role = {
    .name = "role",
    .title = "IAM role",
    .build = build,
    .discover = discover,
    .create = create,
    .update = update,
    .remove = remove_role,
    .replace_on = replace_on,
    .ci_grant = ci_grant,
};
