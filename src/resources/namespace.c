/*
 * The stack's Cloud Map namespaces: the private DNS one (namespace/main) in its VPC, and
 * the HTTP namespace of Service Connect (namespace/connect) when `service_connect.namespace`
 * names another one (ECS takes a namespace of any type, so Service Connect shares the
 * private DNS namespace when it has that name). Creating and
 * deleting are asynchronous operations, waited for while showing their status. The
 * CreatorRequestId comes from the stack, the node and the VPC, so a re-run after a crash
 * gets the first run's operation instead of a second namespace; a token whose namespace
 * was deleted since (down, then up) is followed by the next one in a fixed sequence.
 *
 * Properties: name, vpc (used at creation; Cloud Map does not show it), type (HTTP for
 * namespace/connect); actual ones add arn and type. The physical id is the namespace id.
 */
#include <stdlib.h>
#include <string.h>

#include "ci_policy_internal.h"
#include "elb_internal.h"
#include "res.h"
#include "servicediscovery.h"
#include "xalloc.h"

extern const res_kind res_kind_namespace;

static int build(res_graph *g, const stack_model *s)
{
    if (s->connect_namespace && (!s->namespace_name || strcmp(s->connect_namespace, s->namespace_name))) {
        cJSON *d = res_props("name", s->connect_namespace, "type", "HTTP", NULL);
        res_graph_addf(g, &res_kind_namespace, "connect", d, "Service Connect namespace %s",
                       s->connect_namespace);
    }
    if (!s->namespace_name)
        return 0;
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "name", s->namespace_name);
    cJSON_AddItemToObject(d, "vpc", res_ref("vpc/main", "id"));
    res_node *n = res_graph_addf(g, &res_kind_namespace, "main", d, "private DNS namespace %s",
                                 s->namespace_name);
    res_node_depend(n, res_graph_find(g, "vpc/main"));
    return 0;
}

static cJSON *props_of(const sd_namespace *ns)
{
    return res_props("name", ns->name, "arn", ns->arn, "type", ns->type, NULL);
}

typedef struct {
    res_ctx *ctx;
    sd_namespaces *all;
    res_found_list *out;
} discovery;

static int discover_one(void *ud, size_t i, aws_error *err)
{
    discovery *d = ud;
    svc_tags tags = {0};
    const sd_namespace *ns = &d->all->items[i];
    int rc = sd_list_tags_for_resource(d->ctx->aws, ns->arn, &tags, err);
    const char *id = res_tags_node(d->ctx, &tags);
    if (rc == 0 && id)
        res_found_add(d->out, id, ns->id, props_of(ns));
    rc = res_not_found_ok(rc, err);
    svc_tags_free(&tags);
    return rc;
}

static int discover_once(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    static const char *const types[] = {"DNS_PRIVATE", "HTTP", NULL};
    sd_filter f = {.name = "TYPE", .values = types, .condition = "IN"};
    sd_namespaces all = {0};
    if (sd_list_namespaces(ctx->aws, &f, 1, 0, &all, err) != 0)
        return -1;
    discovery d = {.ctx = ctx, .all = &all, .out = out};
    int rc = res_parallel(all.n, RES_READS_AT_ONCE, discover_one, &d, err);
    sd_namespaces_free(&all);
    return rc;
}

static int poll_operation(res_ctx *ctx, res_node *n, void *ud, char *status, size_t len, aws_error *err)
{
    (void)n;
    sd_operation *op = ud;
    sd_operation now = {0};
    if (sd_get_operation(ctx->aws, op->id, &now, err) != 0) {
        sd_operation_free(&now);
        return elbres_poll_failed(err, status, len);
    }
    sd_operation_free(op);
    *op = now;
    snprintf(status, len, "operation %s", op->status);
    if (strcmp(op->status, "SUCCESS") == 0)
        return 1;
    if (strcmp(op->status, "FAIL") == 0) {
        aws_error_set(err, AWS_ERR_SERVICE, *op->error_code ? op->error_code : "OperationFailed",
                      "Cloud Map operation %s failed: %s", op->id, op->error_message);
        return -1;
    }
    return 0;
}

/* How many poll intervals an operation on the namespace is not asked about: making or
 * deleting a private DNS namespace makes or deletes a Route 53 hosted zone, which AWS
 * documents at 30-90 s, so the first look is at 30 s (6 intervals of 5 s), when the
 * answer can first be yes; an HTTP namespace has no zone and takes seconds: one interval. */
static double quiet_intervals(const res_node *n)
{
    const cJSON *props = n->desired ? n->desired : n->actual;
    const char *type = cJSON_GetStringValue(cJSON_GetObjectItem(props, "type"));
    return type && strcmp(type, "HTTP") == 0 ? 1 : 6;
}

/* Wait for an operation; *ns_id (free()) is the namespace it names. */
static int wait_op(res_ctx *ctx, res_node *n, res_action action, const char *what, char *op_id,
                   char **ns_id, aws_error *err)
{
    sd_operation op = {.id = xstrdup(op_id)};
    int rc = res_wait_after(ctx, n, action, what, quiet_intervals(n), poll_operation, &op, err);
    if (rc == 0 && ns_id) {
        const char *id = svc_tags_get(&op.targets, "NAMESPACE");
        *ns_id = xstrdup_or_null(id);
    }
    sd_operation_free(&op);
    return rc;
}

typedef struct {
    res_ctx *ctx;
    res_node *n;
    sd_operation *op;
} op_check;

static int check_operation(void *ud, char *seen, size_t size, aws_error *err)
{
    op_check *c = ud;
    return poll_operation(c->ctx, c->n, c->op, seen, size, err);
}

/* A create operation goes on in Cloud Map when a Ctrl-C cuts its wait short: see it
 * through (the same wait, but deaf to the interrupt), so that the namespace gets its id
 * and the rollback can delete it instead of leaving it behind. */
static int see_through(res_ctx *ctx, res_node *n, const char *op_id, char **ns_id, aws_error *err)
{
    res_event(ctx, n, RES_CREATE, RES_EV_NOTE,
              "interrupted, but Cloud Map goes on creating the namespace: waiting for it to finish");
    sd_operation op = {.id = xstrdup(op_id)};
    op_check c = {ctx, n, &op};
    aws_wait_opts o = {.interval_s = ctx->poll_s > 0 ? ctx->poll_s : 5,
                       .timeout_s = ctx->timeout_s > 0 ? ctx->timeout_s : 900,
                       .backoff = 1};
    int rc = aws_wait(&o, "the namespace to be created", check_operation, &c, err);
    if (rc == 0) {
        const char *id = svc_tags_get(&op.targets, "NAMESPACE");
        *ns_id = xstrdup_or_null(id);
    }
    sd_operation_free(&op);
    return rc;
}

/* Adopt an existing namespace of ours; 1 when adopted, 0 when it is gone, -1 on error. */
static int adopt(res_ctx *ctx, res_node *n, const char *ns_id, aws_error *err)
{
    sd_namespace ns = {0};
    if (sd_get_namespace(ctx->aws, ns_id, &ns, err) != 0)
        return aws_error_is(err, AWS_IS_NOT_FOUND) ? 0 : -1;
    res_node_set(ctx, n, ns.id, props_of(&ns));
    sd_namespace_free(&ns);
    return 1;
}

/* A namespace of that name exists: ours (tagged for this node) is adopted (1); another
 * one is a clear error. */
static int adopt_by_name(res_ctx *ctx, res_node *n, const char *name, aws_error *err)
{
    sd_filter f = {.name = "NAME", .value = name};
    sd_namespaces all = {0};
    if (sd_list_namespaces(ctx->aws, &f, 1, 0, &all, err) != 0)
        return -1;
    int rc = -1;
    for (size_t i = 0; i < all.n && rc == -1; i++) {
        svc_tags tags = {0};
        if (sd_list_tags_for_resource(ctx->aws, all.items[i].arn, &tags, err) == 0 &&
            res_tags_match(ctx, &tags, n->id)) {
            res_node_set(ctx, n, all.items[i].id, props_of(&all.items[i]));
            rc = 1;
        }
        svc_tags_free(&tags);
    }
    sd_namespaces_free(&all);
    if (rc == -1)
        aws_error_set(err, AWS_ERR_SERVICE, "NamespaceAlreadyExists",
                      "a namespace named %s exists in this VPC and does not belong to stack %s: "
                      "choose another `namespace:` name", name, ctx->stack_name);
    return rc;
}

static int discover(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    return elbres_discover_retry(ctx, discover_once, out, err);
}

static int create(res_ctx *ctx, res_node *n, aws_error *err)
{
    const char *name = cJSON_GetObjectItem(n->desired, "name")->valuestring;
    const char *vpc = cJSON_GetStringValue(cJSON_GetObjectItem(n->desired, "vpc"));
    int http = vpc == NULL; /* namespace/connect */
    svc_tags tags;
    res_tags_list(ctx, n, &tags);
    int rc = -1;
    for (int attempt = 1; attempt <= 20 && rc != 1; attempt++) {
        char *token = xasprintf("ecsdeploy-%s-%s-%d", ctx->stack_name, http ? "http" : vpc, attempt);
        if (strlen(token) > 64)
            memmove(token, token + strlen(token) - 64, 65); /* keep the distinct end */
        char *op_id = NULL, *ns_id = NULL;
        rc = http ? sd_create_http_namespace(ctx->aws, name, token, n->label, &tags, &op_id, err)
                  : sd_create_private_dns_namespace(ctx->aws, name, vpc, token, n->label, &tags, &op_id, err);
        free(token);
        if (rc == 0)
            rc = wait_op(ctx, n, RES_CREATE, "the namespace to be created", op_id, &ns_id, err);
        if (rc != 0 && op_id && aws_error_is(err, AWS_IS_CANCELLED))
            rc = see_through(ctx, n, op_id, &ns_id, err);
        free(op_id);
        /* read, not built from the answer: a token used before gets its old operation
         * back, whose namespace may have been deleted since (0: the next token) */
        if (rc == 0)
            rc = ns_id ? adopt(ctx, n, ns_id, err) : 0;
        else if (aws_error_is(err, AWS_IS_EXISTS))
            rc = adopt_by_name(ctx, n, name, err);
        free(ns_id);
        if (rc == -1 && !aws_error_is(err, AWS_IS_BUSY))
            break;
        /* 0: the token's namespace was deleted since; DuplicateRequest: the token was used
         * for something else. Either way, the next token. */
    }
    svc_tags_free(&tags);
    if (rc == 1)
        return 0;
    if (rc == 0)
        aws_error_set(err, AWS_ERR_SERVICE, "NamespaceNotCreated",
                      "namespace %s was not created after 20 attempts", name);
    return -1;
}

/* The Cloud Map services ECS made in the Service Connect namespace stay there when a
 * service leaves the namespace (only its own deletion takes them): once no task is
 * registered in one, it goes with the namespace. Only ECS puts services into this
 * namespace, which is the stack's own. Failures are left to the next poll. */
static void drop_connect_services(res_ctx *ctx, const char *ns_id)
{
    sd_filter f = {.name = "NAMESPACE_ID", .value = ns_id, .condition = "EQ"};
    sd_services l = {0};
    aws_error e;
    aws_error_clear(&e);
    if (sd_list_services(ctx->aws, &f, 1, 100, &l, &e) == 0)
        for (size_t i = 0; i < l.n; i++)
            if (l.items[i].instance_count == 0 && sd_delete_service(ctx->aws, l.items[i].id, &e) != 0)
                aws_error_clear(&e);
    sd_services_free(&l);
}

static int poll_delete(res_ctx *ctx, res_node *n, void *ud, char *status, size_t len, aws_error *err)
{
    char **op_id = ud;
    int rc = res_delete_tried(sd_delete_namespace(ctx->aws, n->physical_id, op_id, err), err,
                              AWS_IS_BUSY, status, len);
    if (rc == 0 && !strcmp(n->id, "namespace/connect") && aws_error_is(err, AWS_IS_IN_USE))
        drop_connect_services(ctx, n->physical_id);
    return rc >= 0 ? rc : elbres_poll_failed(err, status, len);
}

static int remove_namespace(res_ctx *ctx, res_node *n, aws_error *err)
{
    char *op_id = NULL;
    if (res_wait(ctx, n, RES_DELETE, "the namespace to have no services left", poll_delete,
                 &op_id, err) != 0)
        return -1;
    int rc = op_id ? wait_op(ctx, n, RES_DELETE, "the namespace to be deleted", op_id, NULL, err) : 0;
    free(op_id);
    return rc;
}

static const char *const replace_on[] = {"name", "type", NULL};
static const char *const create_only[] = {"vpc", NULL};

static void ci_grant(ci_builder *b, int mine)
{
    READS(b, "servicediscovery:ListNamespaces servicediscovery:GetNamespace "
             "servicediscovery:GetOperation servicediscovery:ListTagsForResource");
    if (!mine)
        return;
    ci_allow(b, "servicediscovery:CreatePrivateDnsNamespace servicediscovery:TagResource", ci_any(),
             ci_tagging(b));
    ci_allow(b, "servicediscovery:DeleteNamespace",
             ci_one(ci_arn(b, "servicediscovery", 1, "namespace/*")), ci_tagged(b));
    /* Cloud Map makes and deletes the namespace's private hosted zone as the caller */
    ci_allow(b, "route53:CreateHostedZone route53:GetHostedZone route53:ListHostedZonesByName "
             "route53:DeleteHostedZone route53:ChangeTagsForResource ec2:DescribeVpcs",
             ci_any(), NULL);
}

const res_kind res_kind_namespace = {
    .name = "namespace",
    .title = "Cloud Map namespace",
    .build = build,
    .discover = discover,
    .create = create,
    .remove = remove_namespace,
    .replace_on = replace_on,
    .create_only = create_only,
    .ci_grant = ci_grant,
};
