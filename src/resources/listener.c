/*
 * Listeners: one per load balancer port (listener/LB-PORT), HTTP or HTTPS (default
 * certificate and TLS policy). Their default action answers 404 — services are reached
 * through rules — or, for a redirect listener, sends to HTTPS. Changed in place.
 *
 * Properties: lb (its ARN), port, protocol, ssl_policy and certificate (HTTPS: the default
 * one), default_actions (the compared action shape of elb_common.h); actual ones add arn.
 */
#include <stdlib.h>
#include <string.h>

#include "elb_common.h"
#include "xalloc.h"

static cJSON *default_action(const spec_listener *l)
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

static int build(res_graph *g, const spec_stack *s, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    for (size_t i = 0; i < s->nload_balancers; i++) {
        const spec_load_balancer *lb = &s->load_balancers[i];
        char *alb = xasprintf("alb/%s", lb->name);
        for (size_t k = 0; k < lb->nlisteners; k++) {
            const spec_listener *l = &lb->listeners[k];
            int https = l->protocol == SPEC_PROTO_HTTPS;
            cJSON *d = cJSON_CreateObject();
            cJSON_AddItemToObject(d, "lb", res_ref(alb, "arn"));
            cJSON_AddNumberToObject(d, "port", l->port);
            cJSON_AddStringToObject(d, "protocol", https ? "HTTPS" : "HTTP");
            if (https) {
                cJSON_AddStringToObject(d, "ssl_policy", l->tls_policy ? l->tls_policy
                                                                      : "ELBSecurityPolicy-TLS13-1-2-2021-06");
                if (l->ncertificates > 0)
                    cJSON_AddStringToObject(d, "certificate", l->certificates[0]);
            }
            cJSON_AddItemToObject(d, "default_actions", default_action(l));
            char *name = xasprintf("%s-%d", lb->name, l->port);
            char *label = xasprintf("%s listener on port %d of %s%s", https ? "HTTPS" : "HTTP",
                                    l->port, lb->name, l->redirect_port > 0 ? " (redirect to HTTPS)" : "");
            res_node *n = res_graph_add(g, &res_listener, name, label, d);
            n->spec = l;
            res_node_depend(n, res_graph_find(g, alb));
            free(label);
            free(name);
        }
        free(alb);
    }
    return 0;
}

static cJSON *props_of(const elbv2_listener *l)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "lb", l->lb_arn);
    cJSON_AddNumberToObject(p, "port", l->port);
    cJSON_AddStringToObject(p, "protocol", l->protocol);
    if (*l->ssl_policy)
        cJSON_AddStringToObject(p, "ssl_policy", l->ssl_policy);
    if (l->certificates.n > 0)
        cJSON_AddStringToObject(p, "certificate", l->certificates.items[0]);
    cJSON_AddItemToObject(p, "default_actions", elbres_actions_json(l->actions, l->nactions));
    cJSON_AddStringToObject(p, "arn", l->arn);
    return p;
}

static int discover(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    elbv2_listeners all;
    if (elbres_stack_listeners(ctx, &all, err) != 0)
        return -1;
    const char **arns = xcalloc(all.n + 1, sizeof *arns);
    for (size_t i = 0; i < all.n; i++)
        arns[i] = all.items[i].arn;
    char **ids = NULL;
    int rc = elbres_owned(ctx, arns, all.n, &ids, err);
    for (size_t i = 0; rc == 0 && i < all.n; i++)
        if (ids[i])
            res_found_add(out, ids[i], all.items[i].arn, props_of(&all.items[i]));
    elbres_ids_free(ids, all.n);
    free(arns);
    elbv2_listeners_free(&all);
    return rc;
}

static const char *str(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItem(o, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int call(res_ctx *ctx, res_node *n, int create, aws_error *err)
{
    size_t nactions = 0;
    elbv2_action *actions = elbres_actions_from(cJSON_GetObjectItem(n->desired, "default_actions"),
                                                NULL, NULL, &nactions);
    const char *certs[] = {str(n->desired, "certificate"), NULL};
    svc_tags tags;
    res_tags_list(ctx, n, &tags);
    elbv2_listener_in in = {.lb_arn = create ? str(n->desired, "lb") : NULL,
                            .listener_arn = create ? NULL : n->physical_id,
                            .protocol = str(n->desired, "protocol"),
                            .port = cJSON_GetObjectItem(n->desired, "port")->valueint,
                            .ssl_policy = str(n->desired, "ssl_policy"),
                            .certificates = certs[0] ? certs : NULL,
                            .actions = actions,
                            .nactions = nactions,
                            .tags = create ? &tags : NULL};
    elbv2_listener l = {0};
    int rc = create ? elbv2_create_listener(ctx->aws, &in, &l, err)
                    : elbv2_modify_listener(ctx->aws, &in, &l, err);
    if (rc == 0)
        res_node_set(ctx, n, l.arn, props_of(&l));
    elbv2_listener_free(&l);
    svc_tags_free(&tags);
    elbv2_actions_free(actions, nactions);
    return rc;
}

/* A re-run after a crash finds the port taken by our own listener: adopt it. */
static int adopt(res_ctx *ctx, res_node *n, aws_error *err)
{
    elbv2_listeners l = {0};
    if (elbv2_describe_listeners(ctx->aws, str(n->desired, "lb"), NULL, 0, &l, err) != 0)
        return -1;
    int port = cJSON_GetObjectItem(n->desired, "port")->valueint;
    for (size_t i = 0; i < l.n; i++)
        if (l.items[i].port == port)
            res_node_set(ctx, n, l.items[i].arn, props_of(&l.items[i]));
    elbv2_listeners_free(&l);
    return n->physical_id ? call(ctx, n, 0, err) : -1;
}

static int create(res_ctx *ctx, res_node *n, aws_error *err)
{
    if (call(ctx, n, 1, err) == 0)
        return 0;
    if (strcmp(err->code, "DuplicateListener") != 0)
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
    if (elbv2_delete_listener(ctx->aws, n->physical_id, err) != 0 && !elbres_gone(err))
        return -1;
    return 0;
}

static const char *const replace_on[] = {"lb", "port", NULL};
static const char *const delete_after[] = {"service", "listener_rule", NULL};

const res_kind res_listener = {
    .name = "listener",
    .title = "listener",
    .build = build,
    .discover = discover,
    .create = create,
    .update = update,
    .remove = remove_listener,
    .replace_on = replace_on,
    .delete_after = delete_after,
};
