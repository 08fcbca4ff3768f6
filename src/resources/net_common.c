/* Shared pieces of the network kinds (see net_internal.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "net_internal.h"
#include "xalloc.h"

void resnet_tags(res_ctx *ctx, const res_node *n, svc_tags *out)
{
    memset(out, 0, sizeof *out);
    cJSON *t = res_tags(ctx, n);
    for (const cJSON *c = t->child; c; c = c->next)
        if (cJSON_IsString(c))
            svc_tags_add(out, c->string, c->valuestring);
    cJSON_Delete(t);
}

#define RANK "_resnet_rank"

static double rank_of(const cJSON *props)
{
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(props, RANK);
    return cJSON_IsNumber(r) ? r->valuedouble : 0;
}

void resnet_found_add_ranked(res_found_list *out, const char *id, const char *physical_id,
                             cJSON *props, double rank)
{
    if (!props)
        props = cJSON_CreateObject();
    cJSON_AddNumberToObject(props, RANK, rank);
    resnet_found_add(out, id, physical_id, props);
}

void resnet_found_finish(res_found_list *out)
{
    for (size_t i = 0; i < out->n; i++)
        cJSON_DeleteItemFromObjectCaseSensitive(out->items[i].props, RANK);
}

void resnet_found_add(res_found_list *out, const char *id, const char *physical_id, cJSON *props)
{
    for (size_t i = 0; i < out->n; i++) {
        res_found *f = &out->items[i];
        if (strcmp(f->id, id) != 0)
            continue;
        double mine = rank_of(props), theirs = rank_of(f->props);
        if (mine > theirs || (mine == theirs && strcmp(physical_id, f->physical_id) < 0)) {
            /* the new one keeps the id: the one found before becomes the duplicate */
            char *dup = xasprintf("%s-dup-%s", id, f->physical_id);
            free(f->id);
            f->id = dup;
            break;
        }
        char *dup = xasprintf("%s-dup-%s", id, physical_id);
        res_found_add(out, dup, physical_id, props);
        free(dup);
        return;
    }
    res_found_add(out, id, physical_id, props);
}

const ec2_describe_in *resnet_stack_in(const res_ctx *ctx, resnet_query *q)
{
    q->filter = (ec2_filter){"tag:" RES_TAG_STACK, ctx->stack_name, NULL};
    q->in = (ec2_describe_in){.filters = &q->filter, .nfilters = 1};
    return &q->in;
}

const char *resnet_node_id(const svc_tags *tags)
{
    return svc_tags_get(tags, RES_TAG_ID);
}

static const void *item_at(const void *items, size_t i, const resnet_item_kind *k)
{
    return (const char *)items + i * k->size;
}

static const char *item_id(const void *item, const resnet_item_kind *k)
{
    return *(char *const *)((const char *)item + k->id_at);
}

static const char *item_node(const void *item, const resnet_item_kind *k)
{
    return resnet_node_id((const svc_tags *)((const char *)item + k->tags_at));
}

void resnet_found_items(res_found_list *out, const void *items, size_t n, const resnet_item_kind *k)
{
    for (size_t i = 0; i < n; i++) {
        const void *item = item_at(items, i, k);
        const char *id = item_node(item, k);
        if (!id || (k->live && !k->live(item)))
            continue;
        if (k->rank)
            resnet_found_add_ranked(out, id, item_id(item, k), k->props(item), k->rank(item));
        else
            resnet_found_add(out, id, item_id(item, k), k->props(item));
    }
    if (k->rank)
        resnet_found_finish(out);
}

void resnet_items_ids(const void *items, size_t n, const resnet_item_kind *k, svc_strings *ids,
                      svc_strings *nodes)
{
    for (size_t i = 0; i < n; i++) {
        const void *item = item_at(items, i, k);
        const char *id = item_node(item, k);
        if (!id)
            continue;
        svc_strings_add(ids, item_id(item, k));
        svc_strings_add(nodes, id);
    }
}

res_node *resnet_add_gateway(res_graph *g, const res_kind *kind, const char *label)
{
    cJSON *d = cJSON_CreateObject();
    cJSON_AddItemToObject(d, "vpc", res_ref("vpc/main", "id"));
    res_node *n = res_graph_add(g, kind, "main", label, d);
    res_node_depend(n, res_graph_find(g, "vpc/main"));
    return n;
}

cJSON *resnet_gateway_props(const char *vpc)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "vpc", vpc ? vpc : "");
    return p;
}

/* How long a DependencyViolation with no network interface to wait for is retried (60
 * polls, at most 30 s): long enough for EC2 to notice what was just deleted, short enough
 * not to hang on a blocker that will not go by itself (another stack's rule naming the
 * group, say). */
static double blocked_grace(const res_ctx *ctx)
{
    double g = ctx->poll_s > 0 ? 60 * ctx->poll_s : 30;
    return g > 30 ? 30 : g;
}

typedef struct {
    const char *what, *id, *eni_filter;
    resnet_delete_fn del;
    double blocked_since; /* when a blocker other than interfaces was first seen, or 0 */
} delete_job;

static int count_enis(res_ctx *ctx, const char *filter, const char *id, size_t *n, aws_error *err)
{
    ec2_filter f = {filter, id, NULL};
    ec2_describe_in in = {.filters = &f, .nfilters = 1};
    ec2_enis l = {0};
    if (ec2_describe_network_interfaces(ctx->aws, &in, &l, err) != 0)
        return -1;
    *n = l.n;
    ec2_enis_free(&l);
    return 0;
}

static int poll_delete(res_ctx *ctx, res_node *n, void *ud, char *status, size_t len,
                       aws_error *err)
{
    (void)n;
    delete_job *j = ud;
    int rc = res_delete_tried(j->del(ctx->aws, j->id, err), err, 0, status, len);
    if (rc != 0)
        return rc;
    size_t enis = 0;
    aws_error ee;
    aws_error_clear(&ee);
    if (j->eni_filter && count_enis(ctx, j->eni_filter, j->id, &enis, &ee) == 0 && enis > 0) {
        snprintf(status, len, "%s %s still used by %zu network interface%s", j->what, j->id,
                 enis, enis == 1 ? "" : "s");
        j->blocked_since = 0;
        return 0;
    }
    snprintf(status, len, "%s %s still in use: %s", j->what, j->id, err->message);
    if (j->blocked_since == 0)
        j->blocked_since = util_now();
    else if (util_now() - j->blocked_since > blocked_grace(ctx)) {
        aws_error_prefix(err, "%s %s cannot be deleted while something else uses it "
                              "(delete that first, then run the command again): ",
                         j->what, j->id);
        return -1;
    }
    return 0;
}

int resnet_delete_retrying(res_ctx *ctx, res_node *n, const char *what, const char *id,
                           resnet_delete_fn del, const char *eni_filter, aws_error *err)
{
    delete_job j = {what, id, eni_filter, del, 0};
    char *label = xasprintf("%s %s to be deleted", what, id);
    int rc = res_wait(ctx, n, RES_DELETE, label, poll_delete, &j, err);
    free(label);
    return rc;
}

aws_wait_opts resnet_visible_opts(const res_ctx *ctx)
{
    aws_wait_opts o = {0};
    o.interval_s = ctx->poll_s > 0 && ctx->poll_s < 2 ? ctx->poll_s : 2;
    o.timeout_s = 60;
    o.max_checks = (int)(60 / o.interval_s) + 1;
    return o;
}

int resnet_first_call(res_ctx *ctx, const char *id, resnet_visible_fn visible,
                      resnet_call_fn call, void *ud, aws_error *err)
{
    if (call(ctx, ud, err) == 0)
        return 0;
    if (!aws_error_is(err, AWS_IS_NOT_FOUND))
        return -1;
    aws_error_clear(err);
    aws_wait_opts o = resnet_visible_opts(ctx);
    if (visible(ctx->aws, id, &o, err) != 0)
        return -1;
    return call(ctx, ud, err);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int resnet_zone_names(res_ctx *ctx, svc_strings *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    ec2_filter f[2] = {{"state", "available", NULL}, {"zone-type", "availability-zone", NULL}};
    ec2_describe_in in = {.filters = f, .nfilters = 2};
    ec2_zones z = {0};
    if (ec2_describe_availability_zones(ctx->aws, &in, &z, err) != 0)
        return -1;
    for (size_t i = 0; i < z.n; i++)
        svc_strings_add(out, z.items[i].name);
    ec2_zones_free(&z);
    if (out->n > 1)
        qsort(out->items, out->n, sizeof *out->items, cmp_str);
    return 0;
}

int resnet_zone_index(const svc_strings *zones, const char *zone)
{
    for (size_t i = 0; i < zones->n; i++)
        if (strcmp(zones->items[i], zone) == 0)
            return (int)i;
    return -1;
}

static uint64_t fnv1a(uint64_t h, const char *s)
{
    for (; s && *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    h ^= 0xff; /* separator */
    h *= 1099511628211ULL;
    return h;
}

char *resnet_token(const res_ctx *ctx, const res_node *n, const char *extra)
{
    uint64_t h = 14695981039346656037ULL;
    h = fnv1a(h, ctx->stack_name);
    h = fnv1a(h, n->id);
    h = fnv1a(h, extra);
    uint64_t h2 = fnv1a(h ^ 0x9e3779b97f4a7c15ULL, n->id);
    return xasprintf("ecsdeploy-%016llx%016llx", (unsigned long long)h,
                     (unsigned long long)h2);
}

cJSON *resnet_sorted_array(const svc_strings *s)
{
    char **copy = xcalloc(s->n ? s->n : 1, sizeof *copy);
    for (size_t i = 0; i < s->n; i++)
        copy[i] = s->items[i];
    if (s->n > 1)
        qsort(copy, s->n, sizeof *copy, cmp_str);
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < s->n; i++)
        if (i == 0 || strcmp(copy[i], copy[i - 1]) != 0)
            cJSON_AddItemToArray(a, cJSON_CreateString(copy[i]));
    free(copy);
    return a;
}

int resnet_stack_groups(res_ctx *ctx, ec2_security_groups *l, svc_strings *ids, svc_strings *nodes,
                        aws_error *err)
{
    memset(ids, 0, sizeof *ids);
    memset(nodes, 0, sizeof *nodes);
    memset(l, 0, sizeof *l);
    resnet_query q;
    if (ec2_describe_security_groups(ctx->aws, resnet_stack_in(ctx, &q), l, err) != 0)
        return -1;
    static const resnet_item_kind group = {RESNET_ITEM_OF(ec2_security_group, id)};
    resnet_items_ids(l->items, l->n, &group, ids, nodes);
    return 0;
}

int resnet_our_groups(res_ctx *ctx, svc_strings *ids, svc_strings *nodes, aws_error *err)
{
    ec2_security_groups l;
    int rc = resnet_stack_groups(ctx, &l, ids, nodes, err);
    ec2_security_groups_free(&l);
    return rc;
}

int resnet_our_subnets(res_ctx *ctx, svc_strings *ids, svc_strings *nodes, aws_error *err)
{
    memset(ids, 0, sizeof *ids);
    memset(nodes, 0, sizeof *nodes);
    resnet_query q;
    ec2_subnets l = {0};
    if (ec2_describe_subnets(ctx->aws, resnet_stack_in(ctx, &q), &l, err) != 0)
        return -1;
    static const resnet_item_kind subnet = {RESNET_ITEM_OF(ec2_subnet, id)};
    resnet_items_ids(l.items, l.n, &subnet, ids, nodes);
    ec2_subnets_free(&l);
    return 0;
}

const char *resnet_lookup(const svc_strings *ids, const svc_strings *nodes, const char *id)
{
    for (size_t i = 0; i < ids->n && i < nodes->n; i++)
        if (strcmp(ids->items[i], id) == 0)
            return nodes->items[i];
    return NULL;
}

cJSON *resnet_tier_subnets(res_graph *g, res_node *n, stack_tier tier)
{
    const char *prefix = tier == STACK_TIER_PUBLIC ? "subnet/public-" : "subnet/private-";
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < g->n; i++)
        if (strncmp(g->nodes[i]->id, prefix, strlen(prefix)) == 0 && g->nodes[i]->desired) {
            cJSON_AddItemToArray(a, res_ref(g->nodes[i]->id, "id"));
            res_node_depend(n, g->nodes[i]);
        }
    return a;
}

int resnet_rules_name_vpc(const res_node *n, const char *word)
{
    const cJSON *r, *rules = n && n->desired ? cJSON_GetObjectItemCaseSensitive(n->desired, "rules") : NULL;
    char *needle = xasprintf(" %s vpc", word);
    int found = 0;
    cJSON_ArrayForEach(r, rules)
        found |= cJSON_IsString(r) && strstr(r->valuestring, needle) != NULL;
    free(needle);
    return found;
}

int resnet_vpc_cidr(res_ctx *ctx, const char *vpc_id, char **cidr, aws_error *err)
{
    const char *ids[] = {vpc_id, NULL};
    ec2_describe_in in = {.ids = ids};
    ec2_vpcs l = {0};
    if (ec2_describe_vpcs(ctx->aws, &in, &l, err) != 0)
        return -1;
    *cidr = xstrdup(l.n ? l.items[0].cidr : "");
    ec2_vpcs_free(&l);
    return 0;
}
