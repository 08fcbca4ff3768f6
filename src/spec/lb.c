/* load_balancers: and the authenticate actions shared with service rules. */
#include <stdlib.h>
#include <string.h>

#include "spec_internal.h"
#include "xalloc.h"

static const char *const lb_keys[] = {"enabled", "scheme", "subnets", "idle_timeout", "allow_from", "listeners", NULL};
static const char *const listener_keys[] = {"port", "protocol", "certificates", "tls_policy",
                                            "redirect_to", "authenticate", NULL};
static const char *const auth_keys[] = {"cognito", "oidc", NULL};
static const char *const cognito_keys[] = {"user_pool_arn", "client_id", "domain", "scope",
                                           "session_timeout", "on_unauthenticated", NULL};
static const char *const oidc_keys[] = {"issuer", "authorization_endpoint", "token_endpoint",
                                        "user_info_endpoint", "client_id", "client_secret", "scope",
                                        "session_timeout", "on_unauthenticated", NULL};
static const char *const scheme_names[] = {"internet-facing", "internal", NULL};
static const char *const tier_names[] = {"public", "private", NULL};
static const char *const proto_names[] = {"HTTP", "HTTPS", NULL};
static const char *const unauth_names[] = {"authenticate", "deny", "allow", NULL};

static void want_https(spec_ctx *c, const spec_node *map, const char *key, const char *v)
{
    if (v && strncmp(v, "https://", 8) != 0)
        spec_err_key(c, spec_node_get(map, key), key, "must be an https:// URL, not '%s'", v);
}

static void decode_provider(spec_ctx *c, const spec_node *p, spec_auth *a)
{
    int cognito = a->kind == SPEC_AUTH_COGNITO;
    size_t old = spec_path_push(c, cognito ? "cognito" : "oidc");
    if (spec_want_map(c, p)) {
        spec_check_keys(c, p, cognito ? cognito_keys : oidc_keys);
        if (cognito) {
            spec_get_str(c, p, "user_pool_arn", 1, &a->user_pool_arn);
            spec_get_str(c, p, "client_id", 1, &a->user_pool_client_id);
            spec_get_str(c, p, "domain", 1, &a->user_pool_domain);
            if (a->user_pool_arn && strncmp(a->user_pool_arn, "arn:", 4) != 0)
                spec_err_key(c, spec_node_get(p, "user_pool_arn"), "user_pool_arn",
                             "'%s' is not an ARN (arn:aws:cognito-idp:REGION:ACCOUNT:userpool/ID)",
                             a->user_pool_arn);
        } else {
            const char *urls[] = {"issuer", "authorization_endpoint", "token_endpoint", "user_info_endpoint"};
            char **dst[] = {&a->issuer, &a->authorization_endpoint, &a->token_endpoint, &a->user_info_endpoint};
            for (int i = 0; i < 4; i++) {
                spec_get_str(c, p, urls[i], 1, dst[i]);
                want_https(c, p, urls[i], *dst[i]);
            }
            spec_get_str(c, p, "client_id", 1, &a->client_id);
            spec_get_str(c, p, "client_secret", 1, &a->client_secret);
        }
        spec_get_str(c, p, "scope", 0, &a->scope);
        spec_get_int(c, p, "session_timeout", 1, 604800, &a->session_timeout);
        int u = 0;
        if (spec_get_enum(c, p, "on_unauthenticated", unauth_names, &u) == 0)
            a->on_unauthenticated = xstrdup(unauth_names[u]);
    }
    spec_path_pop(c, old);
}

void spec_decode_auth(spec_ctx *c, const spec_node *n, spec_auth *a)
{
    size_t old = spec_path_push(c, "authenticate");
    a->loc = n->loc;
    a->session_timeout = 604800;
    if (spec_want_map(c, n)) {
        spec_check_keys(c, n, auth_keys);
        const spec_node *cog = spec_node_get(n, "cognito"), *oidc = spec_node_get(n, "oidc");
        if (cog && oidc)
            spec_err(c, n, "give either 'cognito' or 'oidc', not both");
        else if (!cog && !oidc)
            spec_err(c, n, "needs 'cognito: {…}' or 'oidc: {…}'");
        else {
            a->kind = cog ? SPEC_AUTH_COGNITO : SPEC_AUTH_OIDC;
            decode_provider(c, cog ? cog : oidc, a);
        }
    }
    if (!a->scope)
        a->scope = xstrdup("openid");
    if (!a->on_unauthenticated)
        a->on_unauthenticated = xstrdup("authenticate");
    spec_path_pop(c, old);
}

static void decode_listener(spec_ctx *c, const spec_node *v, spec_listener *l)
{
    l->loc = v->loc;
    spec_check_keys(c, v, listener_keys);
    if (!spec_node_get(v, "port"))
        spec_err_missing(c, v, "port");
    spec_get_int(c, v, "port", 1, 65535, &l->port);
    spec_get_strlist(c, v, "certificates", 1, &l->certificates, &l->ncertificates);
    int proto = l->ncertificates || l->port == 443 ? SPEC_PROTO_HTTPS : SPEC_PROTO_HTTP;
    spec_get_enum(c, v, "protocol", proto_names, &proto);
    l->protocol = (spec_lb_protocol)proto;
    spec_get_str(c, v, "tls_policy", 0, &l->tls_policy);
    spec_get_int(c, v, "redirect_to", 1, 65535, &l->redirect_port);
    const spec_node *auth = spec_node_get(v, "authenticate");
    if (auth)
        spec_decode_auth(c, auth, &l->auth);
    if (l->protocol == SPEC_PROTO_HTTPS) {
        if (!l->ncertificates)
            spec_err(c, v, "an HTTPS listener needs certificates: [arn:aws:acm:…]");
        if (!l->tls_policy)
            l->tls_policy = xstrdup("ELBSecurityPolicy-TLS13-1-2-2021-06");
        if (l->redirect_port)
            spec_err_key(c, spec_node_get(v, "redirect_to"), "redirect_to",
                         "only an HTTP listener redirects to HTTPS");
    } else {
        if (l->ncertificates)
            spec_err_key(c, spec_node_get(v, "certificates"), "certificates",
                         "an HTTP listener takes no certificates; write protocol: HTTPS");
        if (l->tls_policy)
            spec_err_key(c, spec_node_get(v, "tls_policy"), "tls_policy", "applies to HTTPS listeners only");
        if (auth)
            spec_err_key(c, auth, "authenticate", "a load balancer authenticates on HTTPS listeners only");
    }
    for (size_t i = 0; i < l->ncertificates; i++)
        if (strncmp(l->certificates[i], "arn:", 4) != 0 || !strstr(l->certificates[i], ":certificate/"))
            spec_err_key(c, spec_node_get(v, "certificates"), "certificates",
                         "'%s' is not a certificate ARN (arn:aws:acm:REGION:ACCOUNT:certificate/ID)",
                         l->certificates[i]);
}

static void decode_listeners(spec_ctx *c, const spec_node *ls, spec_load_balancer *lb)
{
    size_t old = spec_path_push(c, "listeners");
    if (ls->kind != SPEC_NODE_SEQ || !ls->n) {
        spec_err(c, ls, "must be a list of listeners like [ { port: 80 } ]");
        spec_path_pop(c, old);
        return;
    }
    if (spec_too_many(c, ls, 50, "listeners", "an Application Load Balancer takes")) {
        spec_path_pop(c, old);
        return;
    }
    lb->listeners = xcalloc(ls->n, sizeof *lb->listeners);
    for (size_t i = 0; i < ls->n; i++) {
        size_t o2 = spec_path_push_index(c, i);
        if (spec_want_map(c, ls->vals[i])) {
            spec_listener *l = &lb->listeners[lb->nlisteners++];
            decode_listener(c, ls->vals[i], l);
            for (size_t j = 0; j + 1 < lb->nlisteners; j++)
                if (l->port && lb->listeners[j].port == l->port)
                    spec_err_key(c, spec_node_get(ls->vals[i], "port"), "port",
                                 "port %d already has a listener (line %d)", l->port,
                                 lb->listeners[j].loc.line);
        }
        spec_path_pop(c, o2);
    }
    size_t forwarding = 0;
    for (size_t i = 0; i < lb->nlisteners; i++)
        forwarding += lb->listeners[i].redirect_port == 0;
    if (lb->nlisteners && !forwarding)
        spec_err(c, ls, "every listener only redirects; keep at least one that forwards to services");
    for (size_t i = 0; i < lb->nlisteners; i++) {
        spec_listener *l = &lb->listeners[i];
        const spec_listener *to = l->redirect_port ? spec_find_listener(lb, l->redirect_port) : NULL;
        if (l->redirect_port && (!to || to->protocol != SPEC_PROTO_HTTPS)) {
            size_t o2 = spec_path_push_index(c, i);
            spec_err_key(c, spec_node_get(ls->vals[i], "redirect_to"), "redirect_to",
                         "this load balancer has no HTTPS listener on port %d", l->redirect_port);
            spec_path_pop(c, o2);
        }
    }
    spec_path_pop(c, old);
}

static void decode_lb(spec_ctx *c, const spec_node *key, const spec_node *v, spec_load_balancer *lb)
{
    lb->name = xstrdup(key->str);
    lb->loc = key->loc;
    lb->idle_timeout = 60;
    lb->tier = (spec_tier)-1;
    if (!v) {
        spec_err(c, key, "needs listeners: [ { port: 80 } ]");
        return;
    }
    if (!spec_want_map(c, v))
        return;
    spec_check_keys(c, v, lb_keys);
    int scheme = 0, tier = -1;
    if (spec_get_enum(c, v, "scheme", scheme_names, &scheme) == 0)
        lb->internal = scheme;
    if (spec_get_enum(c, v, "subnets", tier_names, &tier) == 0)
        lb->tier = (spec_tier)tier;
    spec_get_int(c, v, "idle_timeout", 1, 4000, &lb->idle_timeout);
    spec_get_strlist(c, v, "allow_from", 1, &lb->allow_cidrs, &lb->nallow_cidrs);
    for (size_t i = 0; i < lb->nallow_cidrs; i++) {
        unsigned a;
        int p;
        if (spec_parse_cidr(lb->allow_cidrs[i], &a, &p) != 0)
            spec_err_key(c, spec_node_get(v, "allow_from"), "allow_from",
                         "'%s' is not a CIDR block like 203.0.113.0/24", lb->allow_cidrs[i]);
    }
    if (!lb->nallow_cidrs && !lb->internal) {
        lb->allow_cidrs = xcalloc(1, sizeof *lb->allow_cidrs);
        lb->allow_cidrs[lb->nallow_cidrs++] = xstrdup("0.0.0.0/0");
    }
    const spec_node *ls = spec_node_get(v, "listeners");
    if (ls)
        decode_listeners(c, ls, lb);
    else
        spec_err_missing(c, v, "listeners");
}

void spec_decode_load_balancers(spec_ctx *c, const spec_node *n)
{
    if (!n)
        return;
    size_t old = spec_path_push(c, "load_balancers");
    if (spec_want_map(c, n) && !spec_too_many(c, n, 50, "load balancers", "one stack may hold")) {
        spec_stack *s = c->s;
        s->load_balancers = xcalloc(n->n + 1, sizeof *s->load_balancers);
        for (size_t i = 0; i < n->n; i++) {
            size_t o2 = spec_path_push(c, n->keys[i]->str);
            const spec_node *v = n->vals[i]->kind == SPEC_NODE_NULL ? NULL : n->vals[i];
            if (!spec_enabled(c, v)) {
                spec_path_pop(c, o2);
                continue;
            }
            decode_lb(c, n->keys[i], v, &s->load_balancers[s->nload_balancers++]);
            spec_path_pop(c, o2);
        }
    }
    spec_path_pop(c, old);
}
