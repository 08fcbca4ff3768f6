/*
 * Listener rules: per service and forwarding listener (listener_rule/SERVICE-PORT), the
 * service's path and host conditions (none: every path), a priority (given, or derived
 * from the file order: rules with conditions before catch-all ones), and its actions: an
 * authenticate action when the service or listener asks for one, then a forward to the
 * service's target group. For blue/green, canary and linear services the forward is
 * weighted over both groups (100/0 at creation; ECS moves the weights and they are never
 * compared), and the test listener gets its own rule (0/100: test traffic to the new side).
 *
 * Properties: listener (ARN), priority, conditions [{field, values}], actions (the
 * compared shape of elb_internal.h), oidc_secret (the ARN of the secret holding an OIDC
 * client secret, read at each change, never compared or shown); actual ones add arn.
 */
#include <stdlib.h>
#include <string.h>

#include "ci_policy_internal.h"
#include "elb_internal.h"
#include "secretsmanager.h"
#include "xalloc.h"

static cJSON *conditions(const stack_lb_attach *a)
{
    cJSON *c = cJSON_CreateArray();
    if (a->npaths > 0 || a->nhosts == 0) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "field", "path-pattern");
        cJSON *v = cJSON_AddArrayToObject(o, "values");
        for (size_t i = 0; i < a->npaths; i++)
            cJSON_AddItemToArray(v, cJSON_CreateString(a->paths[i]));
        if (a->npaths == 0)
            cJSON_AddItemToArray(v, cJSON_CreateString("/*"));
        cJSON_AddItemToArray(c, o);
    }
    if (a->nhosts > 0) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "field", "host-header");
        cJSON *v = cJSON_AddArrayToObject(o, "values");
        for (size_t i = 0; i < a->nhosts; i++)
            cJSON_AddItemToArray(v, cJSON_CreateString(a->hosts[i]));
        cJSON_AddItemToArray(c, o);
    }
    return c;
}

static int uses_listener(const stack_service *svc, const stack_listener *l)
{
    if (l->redirect_port > 0 || l->port == svc->lb.test_listener)
        return 0;
    if (svc->lb.nlisteners == 0)
        return 1;
    for (size_t i = 0; i < svc->lb.nlisteners; i++)
        if (svc->lb.listeners[i] == l->port)
            return 1;
    return 0;
}

static void add_rule(res_graph *g, const stack_service *svc, size_t index, const stack_listener *l,
                     int test)
{
    const stack_lb_attach *a = &svc->lb;
    const stack_load_balancer *lb = stack_find_load_balancer(g->stack, a->load_balancer);
    char *listener = xasprintf("listener/%s-%d", lb->name, l->port);
    char *tg = xasprintf("target_group/%s", svc->name);
    char *alt = xasprintf("target_group/%s-alt", svc->name);
    int bluegreen = svc->deployment.strategy != STACK_DEPLOY_ROLLING;
    cJSON *d = cJSON_CreateObject();
    cJSON_AddItemToObject(d, "listener", res_ref(listener, "arn"));
    int derived = a->npaths || a->nhosts ? 1000 + 10 * (int)index : 40000 + (int)index;
    cJSON_AddNumberToObject(d, "priority", a->priority > 0 ? a->priority : derived);
    cJSON_AddItemToObject(d, "conditions", conditions(a));
    cJSON *actions = cJSON_AddArrayToObject(d, "actions");
    const stack_auth *auth = a->auth.kind != STACK_AUTH_NONE ? &a->auth : &l->auth;
    cJSON *authn = elbres_auth_json(auth);
    if (authn)
        cJSON_AddItemToArray(actions, authn);
    cJSON *fwd = cJSON_CreateObject();
    cJSON_AddStringToObject(fwd, "type", "forward");
    cJSON *groups = cJSON_AddArrayToObject(fwd, "target_groups");
    cJSON_AddItemToArray(groups, res_ref(tg, "arn"));
    if (bluegreen)
        cJSON_AddItemToArray(groups, res_ref(alt, "arn"));
    cJSON_AddItemToArray(actions, fwd);
    if (bluegreen) {
        cJSON *w = cJSON_AddArrayToObject(d, "initial_weights");
        cJSON_AddItemToArray(w, cJSON_CreateNumber(test ? 0 : 100));
        cJSON_AddItemToArray(w, cJSON_CreateNumber(test ? 100 : 0));
    }
    char *secret = auth->kind == STACK_AUTH_OIDC && auth->client_secret
                       ? xasprintf("secret/%s", auth->client_secret) : NULL;
    if (secret)
        cJSON_AddItemToObject(d, "oidc_secret", res_ref(secret, "arn"));
    char *name = xasprintf("%s-%d", svc->name, l->port);
    res_node *n = res_graph_addf(g, &res_kind_listener_rule, name, d,
                                 "%srule on %s port %d forwarding to %s",
                                 test ? "test listener " : "", lb->name, l->port, svc->name);
    n->model = svc;
    res_node_depend(n, res_graph_find(g, listener));
    res_node_depend(n, res_graph_find(g, tg));
    if (bluegreen)
        res_node_depend(n, res_graph_find(g, alt));
    if (secret)
        res_node_depend(n, res_graph_find(g, secret));
    free(secret);
    free(name);
    free(alt);
    free(tg);
    free(listener);
}

static int build(res_graph *g, const stack_model *s)
{
    for (size_t i = 0; i < s->nservices; i++) {
        const stack_service *svc = &s->services[i];
        if (!svc->has_load_balancer)
            continue;
        const stack_load_balancer *lb = stack_find_load_balancer(s, svc->lb.load_balancer);
        if (!lb) {
            return res_graph_fail(g, "service %s names load balancer %s, which the stack does not "
                                  "have", svc->name, svc->lb.load_balancer);
        }
        for (size_t k = 0; k < lb->nlisteners; k++) {
            const stack_listener *l = &lb->listeners[k];
            int login = svc->lb.auth.kind != STACK_AUTH_NONE || l->auth.kind != STACK_AUTH_NONE;
            if (login && svc->deployment.strategy != STACK_DEPLOY_ROLLING &&
                (uses_listener(svc, l) || l->port == svc->lb.test_listener)) {
                return res_graph_fail(
                    g, "service %s: strategy %s cannot be used with `authenticate` (on the "
                    "service or on listener %d): ECS shifts traffic only through rules whose "
                    "single action is a forward; use strategy rolling, or put the login in "
                    "the application", svc->name, stack_strategy_name(svc->deployment.strategy),
                    l->port);
            }
            if (uses_listener(svc, l))
                add_rule(g, svc, i, l, 0);
            else if (l->port == svc->lb.test_listener && svc->deployment.strategy != STACK_DEPLOY_ROLLING)
                add_rule(g, svc, i, l, 1);
        }
    }
    return 0;
}

static cJSON *props_of(const char *listener_arn, const elbv2_rule *r)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "listener", listener_arn);
    cJSON_AddNumberToObject(p, "priority", atoi(r->priority));
    cJSON *c = cJSON_AddArrayToObject(p, "conditions");
    for (size_t i = 0; i < r->nconditions; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "field", r->conditions[i].field);
        cJSON *v = cJSON_AddArrayToObject(o, "values");
        for (size_t k = 0; k < r->conditions[i].values.n; k++)
            cJSON_AddItemToArray(v, cJSON_CreateString(r->conditions[i].values.items[k]));
        cJSON_AddItemToArray(c, o);
    }
    cJSON_AddItemToObject(p, "actions", elbres_actions_json(r->actions, r->nactions));
    cJSON_AddStringToObject(p, "arn", r->arn);
    return p;
}

typedef struct {
    res_ctx *ctx;
    elbv2_listeners *listeners;
    elbv2_rules *rules; /* per listener */
} discovery;

static int rules_one(void *ud, size_t i, aws_error *err)
{
    discovery *d = ud;
    int rc = elbv2_describe_rules(d->ctx->aws, d->listeners->items[i].arn, NULL, 0, &d->rules[i], err);
    return rc != 0 && aws_error_is(err, AWS_IS_NOT_FOUND) ? 0 : rc;
}

static int discover_once(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    elbv2_listeners all;
    if (elbres_stack_listeners(ctx, &all, err) != 0)
        return -1;
    discovery d = {.ctx = ctx, .listeners = &all, .rules = xcalloc(all.n + 1, sizeof *d.rules)};
    int rc = res_parallel(all.n, RES_READS_AT_ONCE, rules_one, &d, err);
    const char **arns = NULL;
    const char **owner = NULL; /* the listener of each rule */
    const elbv2_rule **rules = NULL;
    size_t n = 0;
    for (size_t i = 0; rc == 0 && i < all.n; i++)
        for (size_t k = 0; k < d.rules[i].n; k++) {
            if (d.rules[i].items[k].is_default)
                continue;
            arns = xrealloc(arns, (n + 2) * sizeof *arns);
            owner = xrealloc(owner, (n + 1) * sizeof *owner);
            rules = xrealloc(rules, (n + 1) * sizeof *rules);
            arns[n] = d.rules[i].items[k].arn;
            owner[n] = all.items[i].arn;
            rules[n++] = &d.rules[i].items[k];
        }
    char **ids = NULL;
    if (rc == 0)
        rc = elbres_owned(ctx, arns, n, &ids, err);
    for (size_t i = 0; rc == 0 && i < n; i++)
        if (ids[i])
            res_found_add(out, ids[i], rules[i]->arn, props_of(owner[i], rules[i]));
    elbres_ids_free(ids, n);
    free(arns);
    free(owner);
    free(rules);
    for (size_t i = 0; i < all.n; i++)
        elbv2_rules_free(&d.rules[i]);
    free(d.rules);
    elbv2_listeners_free(&all);
    return rc;
}

static elbv2_condition *conditions_in(const cJSON *c, size_t *n)
{
    *n = (size_t)cJSON_GetArraySize(c);
    elbv2_condition *out = xcalloc(*n ? *n : 1, sizeof *out);
    size_t i = 0;
    for (const cJSON *o = c ? c->child : NULL; o; o = o->next, i++) {
        out[i].field = xstrdup(cJSON_GetObjectItem(o, "field")->valuestring);
        for (const cJSON *v = cJSON_GetObjectItem(o, "values")->child; v; v = v->next)
            svc_strings_add(&out[i].values, v->valuestring);
    }
    return out;
}

/* The OIDC client secret, when the rule needs one (*value: secretsmanager_secret_free). */
static int client_secret(res_ctx *ctx, const res_node *n, char **value, aws_error *err)
{
    *value = NULL;
    const cJSON *s = cJSON_GetObjectItem(n->desired, "oidc_secret");
    if (!cJSON_IsString(s))
        return 0;
    if (secretsmanager_get_secret_value(ctx->aws, s->valuestring, value, err) != 0) {
        aws_error_prefix(err, "reading the OIDC client secret: ");
        return -1;
    }
    return 0;
}

/* Weights at creation: production all on the first group, test all on the alternate. */
static const int *weights_for(const res_node *n, int *buf)
{
    const cJSON *w = cJSON_GetObjectItem(n->desired, "initial_weights");
    if (cJSON_GetArraySize(w) != 2)
        return NULL;
    buf[0] = cJSON_GetArrayItem(w, 0)->valueint;
    buf[1] = cJSON_GetArrayItem(w, 1)->valueint;
    return buf;
}

/* The rule as CreateRule's or ModifyRule's answer gives it (the whole rule: no read-back),
 * at priority (-1: the one the answer says). */
static void record(res_ctx *ctx, res_node *n, const elbv2_rule *r, int priority)
{
    cJSON *p = props_of(cJSON_GetObjectItem(n->desired, "listener")->valuestring, r);
    if (priority >= 0)
        cJSON_ReplaceItemInObjectCaseSensitive(p, "priority", cJSON_CreateNumber(priority));
    res_node_set(ctx, n, r->arn, p);
}

/* The rule of our listener at `priority` that carries this node's id, or NULL. */
static char *ours_at(res_ctx *ctx, const res_node *n, int priority, aws_error *err)
{
    elbv2_rules r = {0};
    char *arn = NULL;
    if (elbv2_describe_rules(ctx->aws, cJSON_GetObjectItem(n->desired, "listener")->valuestring, NULL, 0, &r, err) != 0)
        return NULL;
    for (size_t i = 0; i < r.n; i++)
        if (!r.items[i].is_default && atoi(r.items[i].priority) == priority) {
            const char *one[] = {r.items[i].arn};
            char **ids = NULL;
            if (elbres_owned(ctx, one, 1, &ids, err) == 0 && ids[0] && strcmp(ids[0], n->id) == 0)
                arn = xstrdup(r.items[i].arn);
            elbres_ids_free(ids, 1);
        }
    elbv2_rules_free(&r);
    return arn;
}

/* The weights the rule has now for the desired groups (ECS moves them during a
 * deployment: a change of the rule keeps them). w is left as it is for groups the rule
 * does not forward to yet. */
static int current_weights(res_ctx *ctx, const res_node *n, const char *arn, int *w,
                           aws_error *err)
{
    const char *arns[] = {arn, NULL};
    elbv2_rules r = {0};
    if (elbv2_describe_rules(ctx->aws, NULL, arns, 0, &r, err) != 0)
        return -1;
    const cJSON *acts = cJSON_GetObjectItem(n->desired, "actions");
    const cJSON *fwd = cJSON_GetArrayItem(acts, cJSON_GetArraySize(acts) - 1);
    const cJSON *groups = cJSON_GetObjectItem(fwd, "target_groups");
    for (size_t a = 0; r.n == 1 && a < r.items[0].nactions; a++) {
        const elbv2_action *x = &r.items[0].actions[a];
        for (size_t k = 0; k < x->nforward; k++)
            for (int g = 0; g < 2; g++)
                if (strcmp(cJSON_GetArrayItem(groups, g)->valuestring, x->forward[k].target_group_arn) == 0)
                    w[g] = x->forward[k].weight;
    }
    elbv2_rules_free(&r);
    return 0;
}

/* What CreateRule and ModifyRule send for the desired rule: its conditions and actions,
 * with the OIDC client secret (read when the rule needs one) and the forward's weights (at
 * creation, arn NULL, the initial ones; for a change of rule `arn`, those it has now). */
typedef struct {
    char *secret;
    int weights[2];
    elbv2_condition *conds;
    elbv2_action *actions;
    size_t nconds, nactions;
} rule_in;

static int rule_in_of(res_ctx *ctx, const res_node *n, const char *arn, rule_in *in,
                      aws_error *err)
{
    memset(in, 0, sizeof *in);
    if (client_secret(ctx, n, &in->secret, err) != 0)
        return -1;
    const int *weights = weights_for(n, in->weights);
    if (arn && weights && current_weights(ctx, n, arn, in->weights, err) != 0) {
        secretsmanager_secret_free(in->secret);
        return -1;
    }
    in->conds = conditions_in(cJSON_GetObjectItem(n->desired, "conditions"), &in->nconds);
    in->actions = elbres_actions_from(cJSON_GetObjectItem(n->desired, "actions"), weights,
                                      in->secret, &in->nactions);
    return 0;
}

static void rule_in_free(rule_in *in)
{
    elbv2_conditions_free(in->conds, in->nconds);
    elbv2_actions_free(in->actions, in->nactions);
    secretsmanager_secret_free(in->secret);
}

static int modify(res_ctx *ctx, res_node *n, const char *arn, aws_error *err)
{
    rule_in in;
    if (rule_in_of(ctx, n, arn, &in, err) != 0)
        return -1;
    const cJSON *have = n->actual ? cJSON_GetObjectItem(n->actual, "actions") : NULL;
    const cJSON *want = cJSON_GetObjectItem(n->desired, "actions");
    int rc = 0;
    elbv2_rule now = {0};
    /* unchanged actions are left alone: ECS owns the weights of a blue/green forward */
    if (!have || !cJSON_Compare(have, want, 1) || in.secret)
        rc = elbv2_modify_rule(ctx->aws, arn, in.conds, in.nconds, in.actions, in.nactions, &now,
                               err);
    else
        rc = elbv2_modify_rule(ctx->aws, arn, in.conds, in.nconds, NULL, 0, &now, err);
    int priority = cJSON_GetObjectItem(n->desired, "priority")->valueint;
    const cJSON *had = n->actual ? cJSON_GetObjectItem(n->actual, "priority") : NULL;
    int moved = rc == 0 && (!had || had->valueint != priority);
    if (moved) {
        const char *arns[] = {arn};
        rc = elbv2_set_rule_priorities(ctx->aws, arns, &priority, 1, err);
    }
    if (rc == 0)
        record(ctx, n, &now, moved ? priority : -1);
    elbv2_rule_free(&now);
    rule_in_free(&in);
    return rc;
}

static int discover(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    return elbres_discover_retry(ctx, discover_once, out, err);
}

static int create(res_ctx *ctx, res_node *n, aws_error *err)
{
    rule_in in;
    if (rule_in_of(ctx, n, NULL, &in, err) != 0)
        return -1;
    svc_tags tags;
    res_tags_list(ctx, n, &tags);
    const char *listener = cJSON_GetObjectItem(n->desired, "listener")->valuestring;
    int priority = cJSON_GetObjectItem(n->desired, "priority")->valueint;
    elbv2_rule r = {0};
    int rc = elbv2_create_rule(ctx->aws, listener, priority, in.conds, in.nconds, in.actions,
                               in.nactions, &tags, &r, err);
    if (rc == 0)
        record(ctx, n, &r, -1);
    elbv2_rule_free(&r);
    svc_tags_free(&tags);
    rule_in_free(&in);
    if (rc != 0 && aws_error_is(err, AWS_IS_EXISTS)) {
        /* a re-run after a crash: our own rule holds the priority */
        aws_error first = *err;
        char *arn = ours_at(ctx, n, priority, err);
        if (!arn) {
            *err = first;
            aws_error_prefix(err, "priority %d is taken on the listener (set `priority:` on the "
                                  "service's load_balancer): ", priority);
            return -1;
        }
        rc = modify(ctx, n, arn, err);
        free(arn);
        return rc;
    }
    return rc;
}

static int update(res_ctx *ctx, res_node *n, aws_error *err)
{
    return modify(ctx, n, n->physical_id, err);
}

static int remove_rule(res_ctx *ctx, res_node *n, aws_error *err)
{
    if (elbv2_delete_rule(ctx->aws, n->physical_id, err) != 0 &&
        !aws_error_is(err, AWS_IS_NOT_FOUND))
        return -1;
    return 0;
}

static const char *const replace_on[] = {"listener", NULL};
static const char *const create_only[] = {"oidc_secret", "initial_weights", NULL};

static cJSON *ci_rule_arn(const ci_builder *b, const char *name)
{
    return ci_arn(b, "elasticloadbalancing", 1, "listener-rule/app/%s/*", name);
}

static void ci_grant(ci_builder *b, int mine)
{
    ci_elb_reads(b);
    if (!mine)
        return;
    ci_allow(b, "elasticloadbalancing:CreateRule elasticloadbalancing:AddTags "
             "elasticloadbalancing:ModifyRule elasticloadbalancing:SetRulePriorities "
             "elasticloadbalancing:DeleteRule",
             ci_alb_arns(b, ci_listener_arn, ci_rule_arn), NULL);
    /* an authenticating rule reads its OIDC client secret */
    cJSON *secrets = ci_existing_secrets(b);
    cJSON *own = ci_stack_secrets(b);
    cJSON_AddItemToArray(secrets, cJSON_DetachItemFromArray(own, 0));
    cJSON_Delete(own);
    ci_allow(b, "secretsmanager:GetSecretValue", secrets, NULL);
}

const res_kind res_kind_listener_rule = {
    .name = "listener_rule",
    .title = "listener rule",
    .build = build,
    .discover = discover,
    .create = create,
    .update = update,
    .remove = remove_rule,
    .replace_on = replace_on,
    .create_only = create_only,
    .ci_grant = ci_grant,
};
