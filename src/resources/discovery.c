/*
 * Cloud Map services (discovery/SERVICE): the DNS name of an ECS service in the stack's
 * namespace, A records (awsvpc tasks) with a short TTL, health left to ECS (custom health
 * check config). ECS registers and deregisters the instances.
 *
 * Properties: name, namespace (its id), record_type, ttl, custom_health; actual ones add
 * arn (ECS serviceRegistries needs it). The physical id is the Cloud Map service id.
 */
#include <stdlib.h>
#include <string.h>

#include "ci_policy_internal.h"
#include "elb_internal.h"
#include "res.h"
#include "servicediscovery.h"
#include "xalloc.h"

extern const res_kind res_kind_discovery;

#define DNS_TTL 10

static int build(res_graph *g, const stack_model *s)
{
    for (size_t i = 0; i < s->nservices; i++) {
        const stack_service *svc = &s->services[i];
        if (!svc->has_discovery)
            continue;
        const char *name = svc->discovery_name ? svc->discovery_name : svc->name;
        cJSON *d = cJSON_CreateObject();
        cJSON_AddStringToObject(d, "name", name);
        cJSON_AddItemToObject(d, "namespace", res_ref("namespace/main", "id"));
        cJSON_AddStringToObject(d, "record_type", "A");
        cJSON_AddNumberToObject(d, "ttl", DNS_TTL);
        cJSON_AddBoolToObject(d, "custom_health", 1);
        res_node *n = res_graph_addf(g, &res_kind_discovery, svc->name, d, "Cloud Map service %s.%s",
                                     name, s->namespace_name ? s->namespace_name : "?");
        n->model = svc;
        res_node_depend(n, res_graph_find(g, "namespace/main"));
    }
    return 0;
}

static cJSON *props_of(const sd_service *s)
{
    cJSON *p = res_props("name", s->name, "namespace", s->namespace_id,
                         "record_type", s->record_type, NULL);
    cJSON_AddNumberToObject(p, "ttl", (double)s->ttl);
    cJSON_AddBoolToObject(p, "custom_health", s->custom_health);
    cJSON_AddStringToObject(p, "arn", s->arn);
    return p;
}

typedef struct {
    res_ctx *ctx;
    sd_namespaces namespaces;
    int *owned;            /* per namespace: tagged as the stack's */
    sd_services *services; /* per namespace: its services (the stack's namespaces only) */
    sd_service **all;      /* the services of the stack's namespaces, flattened */
    const char **ns_of;    /* per service: its namespace id */
    res_found_list *out;
} discovery;

static int namespace_owned(void *ud, size_t i, aws_error *err)
{
    discovery *d = ud;
    svc_tags tags = {0};
    int rc = sd_list_tags_for_resource(d->ctx->aws, d->namespaces.items[i].arn, &tags, err);
    d->owned[i] = rc == 0 && res_tags_match(d->ctx, &tags, NULL);
    rc = res_not_found_ok(rc, err);
    svc_tags_free(&tags);
    return rc;
}

static int namespace_services(void *ud, size_t i, aws_error *err)
{
    discovery *d = ud;
    if (!d->owned[i])
        return 0;
    sd_filter f = {.name = "NAMESPACE_ID", .value = d->namespaces.items[i].id, .condition = "EQ"};
    int rc = sd_list_services(d->ctx->aws, &f, 1, 0, &d->services[i], err);
    return rc != 0 && aws_error_is(err, AWS_IS_NOT_FOUND) ? 0 : rc;
}

/* A service of the stack's namespaces: its tags say which node it is. The summary has
 * everything compared; the namespace is the one it was listed in. */
static int discover_one(void *ud, size_t i, aws_error *err)
{
    discovery *d = ud;
    svc_tags tags = {0};
    sd_service *s = d->all[i];
    int rc = sd_list_tags_for_resource(d->ctx->aws, s->arn, &tags, err);
    const char *id = rc == 0 ? res_tags_node(d->ctx, &tags) : NULL;
    if (id) {
        free(s->namespace_id);
        s->namespace_id = xstrdup(d->ns_of[i]);
        res_found_add(d->out, id, s->id, props_of(s));
    }
    rc = res_not_found_ok(rc, err);
    svc_tags_free(&tags);
    return rc;
}

/* Only the stack's namespaces hold its services: the private namespaces' tags, then the
 * services of those that are the stack's, then those services' tags (not every service
 * of the region). */
static int discover_once(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    discovery d = {.ctx = ctx, .out = out};
    /* the namespaces' discovery asks the same (private and HTTP), so one call answers both
     * (aws_client_share_reads); only the private ones are kept */
    static const char *const types[] = {"DNS_PRIVATE", "HTTP", NULL};
    sd_filter f = {.name = "TYPE", .values = types, .condition = "IN"};
    if (sd_list_namespaces(ctx->aws, &f, 1, 0, &d.namespaces, err) != 0)
        return -1;
    size_t n = 0;
    for (size_t i = 0; i < d.namespaces.n; i++) {
        if (d.namespaces.items[i].type && strcmp(d.namespaces.items[i].type, "DNS_PRIVATE") == 0)
            d.namespaces.items[n++] = d.namespaces.items[i];
        else
            sd_namespace_free(&d.namespaces.items[i]);
    }
    d.namespaces.n = n;
    d.owned = xcalloc(n + 1, sizeof *d.owned);
    d.services = xcalloc(n + 1, sizeof *d.services);
    int *rcs = xcalloc(n + 1, sizeof *rcs);
    aws_error *errs = xcalloc(n + 1, sizeof *errs);
    res_parallel_all(n, RES_READS_AT_ONCE, namespace_owned, &d, rcs, errs);
    int rc = res_parallel_first_failure(n, rcs, errs, err);
    if (rc == 0) {
        res_parallel_all(n, RES_READS_AT_ONCE, namespace_services, &d, rcs, errs);
        rc = res_parallel_first_failure(n, rcs, errs, err);
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        m += d.services[i].n;
    d.all = xcalloc(m + 1, sizeof *d.all);
    d.ns_of = xcalloc(m + 1, sizeof *d.ns_of);
    m = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < d.services[i].n; k++) {
            d.ns_of[m] = d.namespaces.items[i].id;
            d.all[m++] = &d.services[i].items[k];
        }
    if (rc == 0)
        rc = res_parallel(m, RES_READS_AT_ONCE, discover_one, &d, err);
    for (size_t i = 0; i < n; i++)
        sd_services_free(&d.services[i]);
    free(d.services);
    free(d.all);
    free(d.ns_of);
    free(d.owned);
    free(rcs);
    free(errs);
    sd_namespaces_free(&d.namespaces);
    return rc;
}

static int discover(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    return elbres_discover_retry(ctx, discover_once, out, err);
}

static int create(res_ctx *ctx, res_node *n, aws_error *err)
{
    const char *ns = cJSON_GetObjectItem(n->desired, "namespace")->valuestring;
    /* the namespace in the token: a new namespace (after down) gets a new token */
    char *token = xasprintf("ecsdeploy-%s-%s", ns, n->id);
    if (strlen(token) > 64)
        memmove(token, token + strlen(token) - 64, 65);
    svc_tags tags;
    res_tags_list(ctx, n, &tags);
    sd_service_in in = {.name = cJSON_GetObjectItem(n->desired, "name")->valuestring,
                        .namespace_id = ns,
                        .description = n->label,
                        .creator_request_id = token,
                        .record_type = cJSON_GetObjectItem(n->desired, "record_type")->valuestring,
                        .ttl = aws_json_int(n->desired, "ttl", 0),
                        .custom_health = cJSON_IsTrue(cJSON_GetObjectItem(n->desired, "custom_health")),
                        .tags = &tags};
    sd_service s = {0};
    int rc = sd_create_service(ctx->aws, &in, &s, err);
    svc_tags_free(&tags);
    free(token);
    if (rc == 0) {
        if (!*s.namespace_id) {
            free(s.namespace_id);
            s.namespace_id = xstrdup(ns);
        }
        res_node_set(ctx, n, s.id, props_of(&s));
    } else if (aws_error_is(err, AWS_IS_EXISTS)) {
        aws_error_prefix(err, "a Cloud Map service of that name exists in the namespace and was "
                              "not made by this node: ");
    }
    sd_service_free(&s);
    return rc;
}

static int poll_op(res_ctx *ctx, res_node *n, void *ud, char *status, size_t len, aws_error *err)
{
    (void)n;
    sd_operation op = {0};
    if (sd_get_operation(ctx->aws, ud, &op, err) != 0) {
        sd_operation_free(&op);
        return elbres_poll_failed(err, status, len);
    }
    snprintf(status, len, "operation %s", op.status);
    int rc = strcmp(op.status, "SUCCESS") == 0 ? 1 : 0;
    if (strcmp(op.status, "FAIL") == 0) {
        aws_error_set(err, AWS_ERR_SERVICE, "OperationFailed", "Cloud Map operation failed: %s",
                      op.error_message);
        rc = -1;
    }
    sd_operation_free(&op);
    return rc;
}

static int update(res_ctx *ctx, res_node *n, aws_error *err)
{
    char *op = NULL;
    long long ttl = aws_json_int(n->desired, "ttl", 0);
    if (sd_update_service(ctx->aws, n->physical_id, "A", ttl, NULL, &op, err) != 0)
        return -1;
    int rc = op ? res_wait(ctx, n, RES_UPDATE, "the DNS records to change", poll_op, op, err) : 0;
    free(op);
    sd_service s = {0};
    if (rc == 0)
        rc = sd_get_service(ctx->aws, n->physical_id, &s, err);
    if (rc == 0)
        res_node_set(ctx, n, s.id, props_of(&s));
    sd_service_free(&s);
    return rc;
}

/* Instances ECS left behind (a service deleted without draining) are deregistered. */
static int deregister_leftovers(res_ctx *ctx, res_node *n, aws_error *err)
{
    sd_instances inst = {0};
    if (sd_list_instances(ctx->aws, n->physical_id, 0, &inst, err) != 0)
        return aws_error_is(err, AWS_IS_NOT_FOUND) ? 0 : -1;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < inst.n; i++) {
        rc = sd_deregister_instance(ctx->aws, n->physical_id, inst.items[i].id, NULL, err);
        rc = res_not_found_ok(rc, err);
    }
    if (rc == 0 && inst.n > 0)
        res_event(ctx, n, RES_DELETE, RES_EV_NOTE, "deregistered %zu leftover instance%s",
                  inst.n, inst.n == 1 ? "" : "s");
    sd_instances_free(&inst);
    return rc;
}

static int poll_delete(res_ctx *ctx, res_node *n, void *ud, char *status, size_t len, aws_error *err)
{
    (void)ud;
    int rc = res_delete_tried(sd_delete_service(ctx->aws, n->physical_id, err), err, 0, status,
                              len);
    return rc >= 0 ? rc : elbres_poll_failed(err, status, len);
}

static int remove_service(res_ctx *ctx, res_node *n, aws_error *err)
{
    if (deregister_leftovers(ctx, n, err) != 0)
        return -1;
    return res_wait(ctx, n, RES_DELETE, "the Cloud Map service to have no instances left",
                    poll_delete, NULL, err);
}

static const char *const replace_on[] = {"name", "namespace", "record_type", "custom_health", NULL};

static void ci_grant(ci_builder *b, int mine)
{
    READS(b, "servicediscovery:ListServices servicediscovery:GetService "
             "servicediscovery:ListInstances servicediscovery:ListTagsForResource");
    if (!mine)
        return;
    ci_allow(b, "servicediscovery:CreateService",
             ci_one(ci_arn(b, "servicediscovery", 1, "namespace/*")), ci_tagged(b));
    ci_allow(b, "servicediscovery:UpdateService servicediscovery:DeleteService "
             "servicediscovery:DeregisterInstance",
             ci_one(ci_arn(b, "servicediscovery", 1, "service/*")), ci_tagged(b));
}

const res_kind res_kind_discovery = {
    .name = "discovery",
    .title = "Cloud Map service",
    .build = build,
    .discover = discover,
    .create = create,
    .update = update,
    .remove = remove_service,
    .replace_on = replace_on,
    .ci_grant = ci_grant,
};
