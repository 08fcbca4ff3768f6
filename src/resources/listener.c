/*
 * Listeners: one per load balancer port (listener/LB-PORT), HTTP or HTTPS (default
 * certificate and TLS policy). Their default action answers 404 — services are reached
 * through rules — or, for a redirect listener, sends to HTTPS. Changed in place.
 *
 * Properties: lb (its ARN), port, protocol, ssl_policy, certificate (HTTPS: the default
 * one, the stack's DNS-validated certificate/LB-PORT-HASH when the file asks for one
 * (certificate: auto or names; a listener then tries again for a while when ELB does not
 * yet see the just-issued certificate), else the file's first ARN, set with ModifyListener) and certificates (HTTPS: the file's
 * others, in any order, the listener's SNI list kept with Add/RemoveListenerCertificates
 * and read with DescribeListenerCertificates; the default ARN never counts in it),
 * default_actions (the compared action shape of elb_internal.h); actual ones add arn.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ci_policy_internal.h"
#include "clock.h"
#include "dns_internal.h"
#include "elb_internal.h"
#include "xalloc.h"

/* How long a listener tries again while ELB does not yet see a certificate ACM has just
 * issued (CertificateNotFound, seconds on AWS). */
#define NEW_CERTIFICATE_S 120

static cJSON *default_action(const stack_listener *l)
{
    cJSON *a = cJSON_CreateArray();
    cJSON *o = cJSON_CreateObject();
    if (l->redirect_port > 0) {
        char port[16];
        snprintf(port, sizeof port, "%d", l->redirect_port);
        cJSON_AddStringToObject(o, "type", "redirect");
        cJSON_AddStringToObject(o, "protocol", "HTTPS");
        cJSON_AddStringToObject(o, "port", port);
        cJSON_AddStringToObject(o, "status_code", "HTTP_301");
    } else {
        cJSON_AddStringToObject(o, "type", "fixed-response");
        cJSON_AddStringToObject(o, "status_code", "404");
        cJSON_AddStringToObject(o, "content_type", "text/plain");
    }
    cJSON_AddItemToArray(a, o);
    return a;
}

/* The certificates after the default (the file's first ARN, unless the stack requests
 * one), without repeats. */
static cJSON *extra_certs(const stack_listener *l)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = l->nmanaged_names ? 0 : 1; i < l->ncertificates; i++) {
        int seen = 0;
        for (size_t k = 0; k < i; k++)
            seen |= strcmp(l->certificates[k], l->certificates[i]) == 0;
        if (!seen)
            cJSON_AddItemToArray(a, cJSON_CreateString(l->certificates[i]));
    }
    return a;
}

static int build(res_graph *g, const stack_model *s)
{
    for (size_t i = 0; i < s->nload_balancers; i++) {
        const stack_load_balancer *lb = &s->load_balancers[i];
        char *alb = xasprintf("alb/%s", lb->name);
        for (size_t k = 0; k < lb->nlisteners; k++) {
            const stack_listener *l = &lb->listeners[k];
            int https = l->protocol == STACK_PROTO_HTTPS;
            cJSON *d = cJSON_CreateObject();
            cJSON_AddItemToObject(d, "lb", res_ref(alb, "arn"));
            cJSON_AddNumberToObject(d, "port", l->port);
            cJSON_AddStringToObject(d, "protocol", https ? "HTTPS" : "HTTP");
            if (https) {
                cJSON_AddStringToObject(d, "ssl_policy", l->tls_policy ? l->tls_policy
                                                                      : "ELBSecurityPolicy-TLS13-1-2-2021-06");
                if (l->ncertificates > 0 && !l->nmanaged_names)
                    cJSON_AddStringToObject(d, "certificate", l->certificates[0]);
                cJSON_AddItemToObject(d, "certificates", extra_certs(l));
            }
            cJSON_AddItemToObject(d, "default_actions", default_action(l));
            char *name = xasprintf("%s-%d", lb->name, l->port);
            res_node *cert = NULL; /* before the listener: nodes come after what they use */
            if (https && l->nmanaged_names) {
                char *what = xasprintf("HTTPS listener %s:%d", lb->name, l->port);
                cert = dnsres_add_certificate(g, name, l->managed_names, l->nmanaged_names, NULL, what);
                cJSON_AddItemToObject(d, "certificate", res_ref(cert->id, "arn"));
                free(what);
            }
            res_node *n = res_graph_addf(g, &res_kind_listener, name, d,
                                         "%s listener on port %d of %s%s", https ? "HTTPS" : "HTTP",
                                         l->port, lb->name,
                                         l->redirect_port > 0 ? " (redirect to HTTPS)" : "");
            n->model = l;
            res_node_depend(n, res_graph_find(g, alb));
            if (cert)
                res_node_depend(n, cert);
            free(name);
        }
        free(alb);
    }
    return 0;
}

/* extra: the certificate list besides the default (HTTPS), or NULL when not read. */
static cJSON *props_of(const elbv2_listener *l, cJSON *extra)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "lb", l->lb_arn);
    cJSON_AddNumberToObject(p, "port", l->port);
    cJSON_AddStringToObject(p, "protocol", l->protocol);
    if (*l->ssl_policy)
        cJSON_AddStringToObject(p, "ssl_policy", l->ssl_policy);
    if (l->certificates.n > 0)
        cJSON_AddStringToObject(p, "certificate", l->certificates.items[0]);
    if (extra)
        cJSON_AddItemToObject(p, "certificates", extra);
    cJSON_AddItemToObject(p, "default_actions", elbres_actions_json(l->actions, l->nactions));
    cJSON_AddStringToObject(p, "arn", l->arn);
    return p;
}

/* The listener's certificate list (a new array) without its default certificate — or,
 * with_default, with the default's ARN too when it is also in the list — or NULL with err. */
static cJSON *read_extra_certs(res_ctx *ctx, const char *arn, int with_default, aws_error *err)
{
    elbv2_certs certs = {0};
    if (elbv2_describe_listener_certificates(ctx->aws, arn, &certs, err) != 0)
        return NULL;
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < certs.n; i++) {
        int dflt = certs.items[i].is_default;
        for (size_t k = 0; k < certs.n && !with_default; k++)
            dflt |= certs.items[k].is_default && strcmp(certs.items[k].arn, certs.items[i].arn) == 0;
        if (!dflt)
            cJSON_AddItemToArray(a, cJSON_CreateString(certs.items[i].arn));
    }
    elbv2_certs_free(&certs);
    return a;
}

/* Discovery's second round trip, side by side: which listeners are ours (their tags, in
 * the last slot) and the certificate lists of the HTTPS ones (one slot each). */
typedef struct {
    res_ctx *ctx;
    elbv2_listeners *all;
    const char **arns;
    char **ids;
    cJSON **extra;
} second_round;

static int read_one(void *ud, size_t i, aws_error *err)
{
    second_round *r = ud;
    if (i == r->all->n)
        return elbres_owned(r->ctx, r->arns, r->all->n, &r->ids, err);
    if (strcmp(r->all->items[i].protocol, "HTTPS") != 0)
        return 0;
    r->extra[i] = read_extra_certs(r->ctx, r->all->items[i].arn, 0, err);
    return r->extra[i] || aws_error_is(err, AWS_IS_NOT_FOUND) ? 0 : -1;
}

static int discover_once(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    elbv2_listeners all;
    if (elbres_stack_listeners(ctx, &all, err) != 0)
        return -1;
    second_round r = {.ctx = ctx, .all = &all, .arns = xcalloc(all.n + 1, sizeof *r.arns),
                      .extra = xcalloc(all.n + 1, sizeof *r.extra)};
    for (size_t i = 0; i < all.n; i++)
        r.arns[i] = all.items[i].arn;
    int rc = res_parallel(all.n + 1, 8, read_one, &r, err);
    for (size_t i = 0; rc == 0 && i < all.n; i++)
        if (r.ids[i]) {
            res_found_add(out, r.ids[i], all.items[i].arn, props_of(&all.items[i], r.extra[i]));
            r.extra[i] = NULL;
        }
    for (size_t i = 0; i < all.n; i++)
        cJSON_Delete(r.extra[i]);
    free(r.extra);
    if (r.ids)
        elbres_ids_free(r.ids, all.n);
    free(r.arns);
    elbv2_listeners_free(&all);
    return rc;
}


/* Bring the certificate list to the file's: add what is missing, remove what the file no
 * longer has — the default's ARN too when it was in the list before it became the default
 * (best effort: a listed default is harmless and never compared). `created`: the list is
 * empty. */
static int sync_certs(res_ctx *ctx, res_node *n, const char *arn, int created, aws_error *err)
{
    const cJSON *want = cJSON_GetObjectItem(n->desired, "certificates");
    const char *dflt = res_prop_string(n->desired, "certificate");
    if (!cJSON_IsArray(want))
        return 0;
    cJSON *have = created ? cJSON_CreateArray() : read_extra_certs(ctx, arn, 1, err);
    if (!have)
        return -1;
    int rc = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, want) {
        if (rc == 0 && cJSON_IsString(e) && !res_array_has(have, e->valuestring) &&
            !(dflt && strcmp(dflt, e->valuestring) == 0)) {
            res_event(ctx, n, created ? RES_CREATE : RES_UPDATE, RES_EV_PROGRESS,
                      "adding certificate %s", e->valuestring);
            rc = elbv2_add_listener_certificate(ctx->aws, arn, e->valuestring, err);
        }
    }
    cJSON_ArrayForEach(e, have) {
        if (rc != 0 || res_array_has(want, e->valuestring))
            continue;
        int is_default = dflt && strcmp(dflt, e->valuestring) == 0;
        if (!is_default)
            res_event(ctx, n, RES_UPDATE, RES_EV_PROGRESS, "removing certificate %s", e->valuestring);
        rc = elbv2_remove_listener_certificate(ctx->aws, arn, e->valuestring, err);
        if (rc != 0 && is_default && aws_error_is(err, AWS_IS_INVALID)) {
            aws_error_clear(err);
            rc = 0;
        }
    }
    cJSON_Delete(have);
    return rc;
}

/* Create or modify the listener, trying again for a while when it uses a certificate the
 * stack has just had issued and ELB does not see it yet. */
typedef struct {
    const elbv2_listener_in *in;
    elbv2_listener *out;
    int create;
    double started;
} attempt;

static int poll_call(res_ctx *ctx, res_node *n, void *ud, char *status, size_t len, aws_error *err)
{
    attempt *a = ud;
    int rc = a->create ? elbv2_create_listener(ctx->aws, a->in, a->out, err)
                       : elbv2_modify_listener(ctx->aws, a->in, a->out, err);
    if (rc == 0)
        return 1;
    if (!aws_error_is(err, AWS_IS_NOT_FOUND) || !res_node_dep(n, "certificate") ||
        util_now() - a->started > NEW_CERTIFICATE_S)
        return -1;
    snprintf(status, len, "the load balancer does not see the new certificate yet: %s", err->message);
    aws_error_clear(err);
    return 0;
}

static int call(res_ctx *ctx, res_node *n, int create, aws_error *err)
{
    size_t nactions = 0;
    elbv2_action *actions = elbres_actions_from(cJSON_GetObjectItem(n->desired, "default_actions"),
                                                NULL, NULL, &nactions);
    const char *certs[] = {res_prop_string(n->desired, "certificate"), NULL};
    svc_tags tags;
    res_tags_list(ctx, n, &tags);
    elbv2_listener_in in = {.lb_arn = create ? res_prop_string(n->desired, "lb") : NULL,
                            .listener_arn = create ? NULL : n->physical_id,
                            .protocol = res_prop_string(n->desired, "protocol"),
                            .port = cJSON_GetObjectItem(n->desired, "port")->valueint,
                            .ssl_policy = res_prop_string(n->desired, "ssl_policy"),
                            .certificates = certs[0] ? certs : NULL,
                            .actions = actions,
                            .nactions = nactions,
                            .tags = create ? &tags : NULL};
    elbv2_listener l = {0};
    attempt a = {&in, &l, create, util_now()};
    int rc = res_wait(ctx, n, create ? RES_CREATE : RES_UPDATE, create ? "the listener to be made"
                      : "the listener to take its settings", poll_call, &a, err);
    if (rc == 0) { /* recorded first: a failure below still leaves it to roll back */
        res_node_set(ctx, n, l.arn, props_of(&l, NULL));
        rc = sync_certs(ctx, n, l.arn, create, err);
    }
    if (rc == 0) {
        const cJSON *want = cJSON_GetObjectItem(n->desired, "certificates");
        res_node_set(ctx, n, l.arn, props_of(&l, cJSON_IsArray(want) ? cJSON_Duplicate(want, 1) : NULL));
    }
    elbv2_listener_free(&l);
    svc_tags_free(&tags);
    elbv2_actions_free(actions, nactions);
    return rc;
}

/* A re-run after a crash finds the port taken by our own listener: adopt it. */
static int adopt(res_ctx *ctx, res_node *n, aws_error *err)
{
    elbv2_listeners l = {0};
    if (elbv2_describe_listeners(ctx->aws, res_prop_string(n->desired, "lb"), NULL, 0, &l, err) != 0)
        return -1;
    int port = cJSON_GetObjectItem(n->desired, "port")->valueint;
    for (size_t i = 0; i < l.n; i++)
        if (l.items[i].port == port)
            res_node_set(ctx, n, l.items[i].arn, props_of(&l.items[i], NULL));
    elbv2_listeners_free(&l);
    return n->physical_id ? call(ctx, n, 0, err) : -1;
}

static int discover(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    return elbres_discover_retry(ctx, discover_once, out, err);
}

/* Made while the load balancer provisions (AWS takes it then); should AWS refuse it as
 * not ready, made again once the balancer is active. */
static int create(res_ctx *ctx, res_node *n, aws_error *err)
{
    if (call(ctx, n, 1, err) == 0)
        return 0;
    int again = elbres_refused_before_active(ctx, n, RES_CREATE, res_prop_string(n->desired, "lb"), err);
    if (again != 0)
        return again == 1 ? call(ctx, n, 1, err) : -1;
    if (!aws_error_is(err, AWS_IS_EXISTS))
        return -1;
    aws_error first = *err;
    if (adopt(ctx, n, err) == 0)
        return 0;
    *err = first;
    return -1;
}

static int update(res_ctx *ctx, res_node *n, aws_error *err)
{
    return call(ctx, n, 0, err);
}

static int remove_listener(res_ctx *ctx, res_node *n, aws_error *err)
{
    if (elbv2_delete_listener(ctx->aws, n->physical_id, err) != 0 &&
        !aws_error_is(err, AWS_IS_NOT_FOUND))
        return -1;
    return 0;
}

static const char *const replace_on[] = {"lb", "port", NULL};
static const char *const unordered[] = {"certificates", NULL};

static void ci_grant(ci_builder *b, int mine)
{
    ci_elb_reads(b);
    if (mine)
        ci_allow(b, "elasticloadbalancing:CreateListener elasticloadbalancing:AddTags "
                 "elasticloadbalancing:ModifyListener elasticloadbalancing:DeleteListener "
                 "elasticloadbalancing:AddListenerCertificates "
                 "elasticloadbalancing:RemoveListenerCertificates",
                 ci_alb_arns(b, ci_lb_arn, ci_listener_arn), NULL);
}

const res_kind res_kind_listener = {
    .name = "listener",
    .title = "listener",
    .build = build,
    .discover = discover,
    .create = create,
    .update = update,
    .remove = remove_listener,
    .replace_on = replace_on,
    .unordered = unordered,
    .ci_grant = ci_grant,
};
