/* cluster: Container Insights and the default capacity provider strategy; a service's
 * own `capacity:` strategy. */
#include <stdlib.h>
#include <string.h>

#include "stack_internal.h"
#include "xalloc.h"

static const char *const cluster_keys[] = {"insights", "capacity", NULL};
static const char *const capacity_keys[] = {"provider", "weight", "base", NULL};
static const char *const provider_names[] = {"FARGATE", "FARGATE_SPOT", NULL};
static const char *const insights_names[] = {"true", "false", "enhanced", NULL};
static const char *const insights_values[] = {"enabled", "disabled", "enhanced"};

/* ECS's rules for a strategy: each provider once, at most one with a base, and some
 * weight above 0 (a provider of weight 0 places nothing beyond its base). */
static void strategy_rules(stack_ctx *c, const stack_node *list, const stack_capacity *cap, size_t n)
{
    int weighted = 0;
    for (size_t i = 0; i < n; i++) {
        weighted |= cap[i].weight > 0;
        for (size_t j = 0; j < i; j++) {
            if (!strcmp(cap[i].provider, cap[j].provider))
                stack_diag_add(c->d, cap[i].loc, "%s: %s is already in this strategy (line %d)",
                              stack_path(c), cap[i].provider, cap[j].loc.line);
            else if (cap[i].base > 0 && cap[j].base > 0)
                stack_diag_add(c->d, cap[i].loc, "%s: only one provider of a strategy may have a base "
                              "(%s has base %d)", stack_path(c), cap[j].provider, cap[j].base);
        }
    }
    if (n && !weighted)
        stack_err(c, list, "every provider has weight 0, so ECS could place no task; give one a weight "
                          "like { provider: FARGATE_SPOT, weight: 1 }");
}

typedef struct {
    stack_capacity *cap;
    size_t n;
} capacity_list;

static void provider_item(stack_ctx *c, const stack_node *item, void *ud)
{
    capacity_list *l = ud;
    int provider = -1;
    if (!stack_node_get(item, "provider")) {
        stack_err_missing(c, item, "provider");
    } else if (stack_get_enum(c, item, "provider", provider_names, &provider) == 0) {
        stack_capacity *x = &l->cap[l->n++];
        x->provider = xstrdup(provider_names[provider]);
        x->weight = 1;
        x->loc = item->loc;
        stack_get_int(c, item, "weight", 0, 1000, &x->weight);
        stack_get_int(c, item, "base", 0, 100000, &x->base);
    }
}

void stack_decode_capacity(stack_ctx *c, const stack_node *n, stack_capacity **out, size_t *nout)
{
    static const stack_list providers = {
        .not_list = "must be a list like [ { provider: FARGATE, base: 1, weight: 1 }, "
                    "{ provider: FARGATE_SPOT, weight: 3 } ]",
        .empty = "name at least one provider (FARGATE or FARGATE_SPOT), or leave 'capacity' out",
        .max = 2, .what = "providers", .why = "Fargate has (FARGATE and FARGATE_SPOT)",
        .size = sizeof(stack_capacity), .keys = capacity_keys};
    size_t old = stack_path_push(c, "capacity");
    capacity_list l = {0};
    if (stack_decode_list(c, n, &providers, (void **)&l.cap, provider_item, &l)) {
        strategy_rules(c, n, l.cap, l.n);
        *out = l.cap;
        *nout = l.n;
    }
    stack_path_pop(c, old);
}

void stack_decode_cluster(stack_ctx *c, const stack_node *n)
{
    if (!n)
        return;
    stack_cluster *cl = &c->s->cluster;
    size_t old = stack_path_push(c, "cluster");
    cl->loc = n->loc;
    if (stack_want_map(c, n)) {
        stack_check_keys(c, n, cluster_keys);
        int insights = 0;
        if (stack_get_enum(c, n, "insights", insights_names, &insights) == 0 && stack_node_get(n, "insights"))
            cl->insights = xstrdup(insights_values[insights]);
        const stack_node *cap = stack_node_get(n, "capacity");
        if (cap)
            stack_decode_capacity(c, cap, &cl->capacity, &cl->ncapacity);
    }
    stack_path_pop(c, old);
}

const stack_capacity *stack_service_capacity(const stack_model *s, const stack_service *v, size_t *n)
{
    if (v->has_capacity) {
        *n = v->ncapacity;
        return v->capacity;
    }
    *n = s->cluster.ncapacity;
    return s->cluster.capacity;
}

void stack_capacity_free(stack_capacity *cap, size_t n)
{
    static const stack_owned owned[] = {STACK_OWNS(stack_capacity, provider), STACK_OWNS_END};
    stack_free_items(cap, n, sizeof *cap, owned);
}
