/* load_balancers: and the authenticate actions shared with service rules. */
#include <stdlib.h>
#include <string.h>

#include "stack_internal.h"
#include "xalloc.h"

static const char *const lb_keys[] = {"enabled", "scheme", "subnets", "idle_timeout", "allow_from",
                                     "listeners", "domain", "domains", NULL};
static const char *const listener_keys[] = {"port", "protocol", "certificate", "certificates",
                                            "tls_policy", "redirect_to", "authenticate", NULL};
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

static void want_https(stack_ctx *c, const stack_node *map, const char *key, const char *v)
{
    if (v && strncmp(v, "https://", 8) != 0)
        stack_err_key(c, stack_node_get(map, key), key, "must be an https:// URL, not '%s'", v);
}

static void decode_provider(stack_ctx *c, const stack_node *p, stack_auth *a)
{
    int cognito = a->kind == STACK_AUTH_COGNITO;
    size_t old = stack_path_push(c, cognito ? "cognito" : "oidc");
    if (stack_want_map(c, p)) {
        stack_check_keys(c, p, cognito ? cognito_keys : oidc_keys);
        if (cognito) {
            stack_get_str(c, p, "user_pool_arn", 1, &a->user_pool_arn);
            stack_get_str(c, p, "client_id", 1, &a->user_pool_client_id);
            stack_get_str(c, p, "domain", 1, &a->user_pool_domain);
            if (a->user_pool_arn && strncmp(a->user_pool_arn, "arn:", 4) != 0)
                stack_err_key(c, stack_node_get(p, "user_pool_arn"), "user_pool_arn",
                             "'%s' is not an ARN (arn:aws:cognito-idp:REGION:ACCOUNT:userpool/ID)",
                             a->user_pool_arn);
        } else {
            const char *urls[] = {"issuer", "authorization_endpoint", "token_endpoint", "user_info_endpoint"};
            char **dst[] = {&a->issuer, &a->authorization_endpoint, &a->token_endpoint, &a->user_info_endpoint};
            for (int i = 0; i < 4; i++) {
                stack_get_str(c, p, urls[i], 1, dst[i]);
                want_https(c, p, urls[i], *dst[i]);
            }
            stack_get_str(c, p, "client_id", 1, &a->client_id);
            stack_get_str(c, p, "client_secret", 1, &a->client_secret);
        }
        stack_get_str(c, p, "scope", 0, &a->scope);
        stack_get_int(c, p, "session_timeout", 1, 604800, &a->session_timeout);
        int u = 0;
        if (stack_get_enum(c, p, "on_unauthenticated", unauth_names, &u) == 0)
            a->on_unauthenticated = xstrdup(unauth_names[u]);
    }
    stack_path_pop(c, old);
}

void stack_decode_auth(stack_ctx *c, const stack_node *n, stack_auth *a)
{
    size_t old = stack_path_push(c, "authenticate");
    a->loc = n->loc;
    a->session_timeout = 604800;
    if (stack_want_map(c, n)) {
        stack_check_keys(c, n, auth_keys);
        const stack_node *cog = stack_node_get(n, "cognito"), *oidc = stack_node_get(n, "oidc");
        if (cog && oidc)
            stack_err(c, n, "give either 'cognito' or 'oidc', not both");
        else if (!cog && !oidc)
            stack_err(c, n, "needs 'cognito: {…}' or 'oidc: {…}'");
        else {
            a->kind = cog ? STACK_AUTH_COGNITO : STACK_AUTH_OIDC;
            decode_provider(c, cog ? cog : oidc, a);
        }
    }
    if (!a->scope)
        a->scope = xstrdup("openid");
    if (!a->on_unauthenticated)
        a->on_unauthenticated = xstrdup("authenticate");
    stack_path_pop(c, old);
}

static void decode_listener(stack_ctx *c, const stack_node *v, stack_listener *l,
                            const stack_load_balancer *lb)
{
    l->loc = v->loc;
    if (!stack_node_get(v, "port"))
        stack_err_missing(c, v, "port");
    stack_get_int(c, v, "port", 1, 65535, &l->port);
    stack_get_strlist(c, v, "certificates", 1, &l->certificates, &l->ncertificates);
    stack_decode_listener_certificate(c, v, l, lb);
    const stack_node *cert = stack_node_get(v, "certificate");
    int proto = l->ncertificates || cert || l->port == 443 ? STACK_PROTO_HTTPS : STACK_PROTO_HTTP;
    stack_get_enum(c, v, "protocol", proto_names, &proto);
    l->protocol = (stack_lb_protocol)proto;
    stack_get_str(c, v, "tls_policy", 0, &l->tls_policy);
    stack_get_int(c, v, "redirect_to", 1, 65535, &l->redirect_port);
    const stack_node *auth = stack_node_get(v, "authenticate");
    if (auth)
        stack_decode_auth(c, auth, &l->auth);
    if (l->protocol == STACK_PROTO_HTTPS) {
        if (!l->ncertificates && !cert)
            stack_err(c, v, "an HTTPS listener needs a certificate: 'certificate: auto' (for the "
                            "load balancer's domains), 'certificate: [NAMES]', or "
                            "'certificates: [arn:aws:acm:…]'");
        if (!l->tls_policy)
            l->tls_policy = xstrdup("ELBSecurityPolicy-TLS13-1-2-2021-06");
        if (l->redirect_port)
            stack_err_key(c, stack_node_get(v, "redirect_to"), "redirect_to",
                         "only an HTTP listener redirects to HTTPS");
    } else {
        if (l->ncertificates || cert)
            stack_err_key(c, cert ? cert : stack_node_get(v, "certificates"),
                          cert ? "certificate" : "certificates",
                          "an HTTP listener takes no certificates; write protocol: HTTPS");
        if (l->tls_policy)
            stack_err_key(c, stack_node_get(v, "tls_policy"), "tls_policy", "applies to HTTPS listeners only");
        if (auth)
            stack_err_key(c, auth, "authenticate", "a load balancer authenticates on HTTPS listeners only");
    }
    for (size_t i = 0; i < l->ncertificates; i++)
        if (strncmp(l->certificates[i], "arn:", 4) != 0 || !strstr(l->certificates[i], ":certificate/"))
            stack_err_key(c, stack_node_get(v, "certificates") ? stack_node_get(v, "certificates")
                                                               : cert,
                          stack_node_get(v, "certificates") ? "certificates" : "certificate",
                         "'%s' is not a certificate ARN (arn:aws:acm:REGION:ACCOUNT:certificate/ID)",
                         l->certificates[i]);
}

static void listener_item(stack_ctx *c, const stack_node *item, void *ud)
{
    stack_load_balancer *lb = ud;
    stack_listener *l = &lb->listeners[lb->nlisteners++];
    decode_listener(c, item, l, lb);
    for (size_t j = 0; j + 1 < lb->nlisteners; j++)
        if (l->port && lb->listeners[j].port == l->port)
            stack_err_key(c, stack_node_get(item, "port"), "port",
                          "port %d already has a listener (line %d)", l->port,
                          lb->listeners[j].loc.line);
}

static void decode_listeners(stack_ctx *c, const stack_node *ls, stack_load_balancer *lb)
{
    static const char not_listeners[] = "must be a list of listeners like [ { port: 80 } ]";
    static const stack_list listeners = {
        .not_list = not_listeners, .empty = not_listeners, .max = 50,
        .what = "listeners", .why = "an Application Load Balancer takes",
        .size = sizeof(stack_listener), .keys = listener_keys};
    size_t old = stack_path_push(c, "listeners");
    if (!stack_decode_list(c, ls, &listeners, (void **)&lb->listeners, listener_item, lb)) {
        stack_path_pop(c, old);
        return;
    }
    size_t forwarding = 0;
    for (size_t i = 0; i < lb->nlisteners; i++)
        forwarding += lb->listeners[i].redirect_port == 0;
    if (lb->nlisteners && !forwarding)
        stack_err(c, ls, "every listener only redirects; keep at least one that forwards to services");
    for (size_t i = 0; i < lb->nlisteners; i++) {
        stack_listener *l = &lb->listeners[i];
        const stack_listener *to = l->redirect_port ? stack_find_listener(lb, l->redirect_port) : NULL;
        if (l->redirect_port && (!to || to->protocol != STACK_PROTO_HTTPS)) {
            size_t o2 = stack_path_push_index(c, i);
            stack_err_key(c, stack_node_get(ls->vals[i], "redirect_to"), "redirect_to",
                         "this load balancer has no HTTPS listener on port %d", l->redirect_port);
            stack_path_pop(c, o2);
        }
    }
    stack_path_pop(c, old);
}

void stack_decode_load_balancer(stack_ctx *c, const stack_node *key, const stack_node *v, void *items,
                                size_t at)
{
    stack_load_balancer *lb = (stack_load_balancer *)items + at;
    lb->idle_timeout = 60;
    lb->tier = (stack_tier)-1;
    if (!stack_block_map(c, key, v, "needs listeners: [ { port: 80 } ]", lb_keys))
        return;
    int scheme = 0, tier = -1;
    if (stack_get_enum(c, v, "scheme", scheme_names, &scheme) == 0)
        lb->internal = scheme;
    if (stack_get_enum(c, v, "subnets", tier_names, &tier) == 0)
        lb->tier = (stack_tier)tier;
    stack_get_int(c, v, "idle_timeout", 1, 4000, &lb->idle_timeout);
    stack_get_strlist(c, v, "allow_from", 1, &lb->allow_cidrs, &lb->nallow_cidrs);
    for (size_t i = 0; i < lb->nallow_cidrs; i++) {
        char *why = NULL, *cidr = stack_cidr_check(lb->allow_cidrs[i], &why);
        if (cidr) {
            free(lb->allow_cidrs[i]);
            lb->allow_cidrs[i] = cidr;
        } else {
            stack_err_key(c, stack_node_get(v, "allow_from"), "allow_from", "%s", why);
            free(why);
        }
    }
    if (!lb->nallow_cidrs && !lb->internal) {
        /* everyone: over IPv6 too when the load balancer is dual-stack (network.ipv6) */
        lb->allow_cidrs = xcalloc(2, sizeof *lb->allow_cidrs);
        lb->allow_cidrs[lb->nallow_cidrs++] = xstrdup("0.0.0.0/0");
        if (c->s->network.ipv6)
            lb->allow_cidrs[lb->nallow_cidrs++] = xstrdup("::/0");
    }
    stack_decode_domains(c, v, lb);
    const stack_node *ls = stack_node_get(v, "listeners");
    if (ls)
        decode_listeners(c, ls, lb);
    else
        stack_err_missing(c, v, "listeners");
}

