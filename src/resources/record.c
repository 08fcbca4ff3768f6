/*
 * Alias records: record/NAME, the A (and AAAA) records that give a load balancer (or, for
 * other kinds through dnsres_add_record, any AWS target with a DNS name and a zone id) a
 * name, in the stack's zone that holds NAME or the account's longest public zone that does.
 * Beside them, the owner record that makes them the stack's (dns_internal.h). Written with
 * CREATE (never over a record the stack did not write), changed with UPSERT, waited for
 * until INSYNC; deleted exactly as they are, the owner record with them.
 *
 * Discovery: ListHostedZones, then side by side the tags of every public zone (ten per
 * call) and the records of the zones that hold the file's names, then the records of the
 * zones whose tags say they hold the stack's records and were not read yet (names the
 * file no longer has). Before `up` writes anything, check() refuses names that no zone
 * holds and names that have records the stack did not write.
 *
 * Properties: name, target {dns_name, zone_id}, ip_address_type ("ipv4": A,
 * "dualstack": A and AAAA, "dualstack-without-public-ipv4": AAAA), zone (the zone's id; in
 * the desired ones only for a record in one of the stack's zones); actual ones add
 * zone_name.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ci_policy_internal.h"
#include "dns_internal.h"
#include "xalloc.h"

#define OWNER_TTL 300

/* Removals are one at a time in a process: each one looks whether the stack still has
 * records in the zone, to drop the zone's index tag after the last. */
static pthread_mutex_t removing = PTHREAD_MUTEX_INITIALIZER;

/* ---- building ----------------------------------------------------------------------- */

res_node *dnsres_add_record(res_graph *g, const char *name, cJSON *dns_name, cJSON *zone_id,
                            cJSON *ip_address_type, res_node *target, const char *what)
{
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "name", name);
    cJSON *t = cJSON_AddObjectToObject(d, "target");
    cJSON_AddItemToObject(t, "dns_name", dns_name);
    cJSON_AddItemToObject(t, "zone_id", zone_id);
    cJSON_AddItemToObject(d, "ip_address_type",
                          ip_address_type ? ip_address_type : cJSON_CreateString("ipv4"));
    res_node *n = res_graph_addf(g, &res_kind_record, name, d, "alias record %s -> %s", name, what);
    res_node *zone = dnsres_stack_zone_node(g, name);
    if (zone) {
        cJSON_AddItemToObject(d, "zone", res_ref(zone->id, "id"));
        res_node_depend(n, zone);
    }
    if (target)
        res_node_depend(n, target);
    return n;
}

static int build(res_graph *g, const stack_model *s)
{
    for (size_t i = 0; i < s->nload_balancers; i++) {
        const stack_load_balancer *lb = &s->load_balancers[i];
        char *alb = xasprintf("alb/%s", lb->name);
        char *what = xasprintf("load balancer %s", lb->name);
        for (size_t k = 0; k < lb->ndomains; k++) {
            /* "dualstack." as Route 53's console writes ELB targets: A and AAAA both */
            cJSON *parts = cJSON_CreateArray();
            cJSON_AddItemToArray(parts, cJSON_CreateString("dualstack."));
            cJSON_AddItemToArray(parts, res_ref(alb, "dns_name"));
            res_node *n = dnsres_add_record(g, lb->domains[k], res_concat(parts),
                                            res_ref(alb, "zone_id"), res_ref(alb, "ip_address_type"),
                                            res_graph_find(g, alb), what);
            n->model = lb;
        }
        free(what);
        free(alb);
    }
    return 0;
}

/* ---- what a zone holds ------------------------------------------------------------------- */


/* The simple record set of name and type in sets, or NULL. */
static const r53_record_set *find_set(const r53_record_sets *sets, const char *name, const char *type)
{
    for (size_t i = 0; i < sets->n; i++)
        if (!sets->items[i].set_identifier && !strcmp(sets->items[i].type, type) &&
            r53_name_equal(sets->items[i].name, name))
            return &sets->items[i];
    return NULL;
}

/* The actual properties of record NAME in zone z (its sets listed in sets). */
static cJSON *props_of(const r53_zone *z, const r53_record_sets *sets, const char *name)
{
    /* ours are aliases: an A or AAAA with values was written by someone else */
    const r53_record_set *a = find_set(sets, name, "A"), *aaaa = find_set(sets, name, "AAAA");
    a = a && a->is_alias ? a : NULL;
    aaaa = aaaa && aaaa->is_alias ? aaaa : NULL;
    const r53_record_set *any = a ? a : aaaa;
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "name", name);
    cJSON *t = cJSON_AddObjectToObject(p, "target");
    char *dns = any && any->is_alias ? r53_name_plain(any->alias.dns_name) : xstrdup("");
    cJSON_AddStringToObject(t, "dns_name", dns);
    cJSON_AddStringToObject(t, "zone_id", any && any->is_alias ? any->alias.hosted_zone_id : "");
    free(dns);
    cJSON_AddStringToObject(p, "ip_address_type", a && aaaa ? "dualstack" : a ? "ipv4"
                                                  : aaaa ? "dualstack-without-public-ipv4" : "none");
    cJSON_AddStringToObject(p, "zone", z->id);
    char *zn = r53_name_plain(z->name);
    cJSON_AddStringToObject(p, "zone_name", zn);
    free(zn);
    return p;
}

/* The zone a record node goes into: its stack zone (found by CallerReference; NULL with
 * *pending 1 while that zone is still to be made) or the account's longest public zone
 * holding its name (NULL with err when none does). */
static const r53_zone *zone_of(res_ctx *ctx, const r53_zones *zones, const res_node *n,
                               int *pending, aws_error *err)
{
    *pending = 0;
    const cJSON *zref = cJSON_GetObjectItem(n->desired, "zone");
    const char *zone_node = res_prop_string(zref, "ref");
    if (zone_node) {
        for (size_t i = 0; i < zones->n; i++) {
            char *id = dnsres_zone_ref_id(ctx->stack_name, zones->items[i].caller_reference);
            int ours = id && !strcmp(id, zone_node);
            free(id);
            if (ours)
                return &zones->items[i];
        }
        *pending = 1;
        return NULL;
    }
    return dnsres_zone_for(zones, res_prop_string(n->desired, "name"), NULL, err);
}

/* ---- discovery -------------------------------------------------------------------------- */

typedef struct {
    res_ctx *ctx;
    r53_zones zones;
    const char **pub;     /* public zone ids */
    size_t npub, nbatches;
    svc_tags *tags;       /* per public zone */
    const char **read;    /* zones whose records are read */
    size_t nread;
    r53_record_sets *sets; /* per zone of read */
} discovery;

/* The tags of one batch of ten zones; a zone deleted meanwhile has none. */
static int read_tags(discovery *d, size_t b, aws_error *err)
{
    size_t from = b * R53_TAGS_AT_ONCE, n = d->npub - from;
    if (n > R53_TAGS_AT_ONCE)
        n = R53_TAGS_AT_ONCE;
    if (r53_list_tags_many(d->ctx->aws, d->pub + from, n, d->tags + from, err) == 0)
        return 0;
    if (!aws_error_is(err, AWS_IS_NOT_FOUND))
        return -1;
    for (size_t i = from; i < from + n; i++)
        if (r53_list_tags(d->ctx->aws, d->pub[i], &d->tags[i], err) != 0 &&
            !aws_error_is(err, AWS_IS_NOT_FOUND))
            return -1;
    return 0;
}

static int round_two(void *ud, size_t i, aws_error *err)
{
    discovery *d = ud;
    if (i < d->nbatches)
        return read_tags(d, i, err);
    return dnsres_list_zones(d->ctx, &d->read[i - d->nbatches], 1, &d->sets[i - d->nbatches], err);
}

static void read_add(discovery *d, const char *zone_id)
{
    for (size_t i = 0; i < d->nread; i++)
        if (!strcmp(d->read[i], zone_id))
            return;
    d->read = xrealloc(d->read, (d->nread + 1) * sizeof *d->read);
    d->read[d->nread++] = zone_id;
}

/* The stack's records in zone z: one found resource per owner record of the stack. */
static void found_in(res_ctx *ctx, const r53_zone *z, const r53_record_sets *sets,
                     res_found_list *out)
{
    for (size_t i = 0; i < sets->n; i++) {
        const r53_record_set *t = &sets->items[i];
        char *name = strcmp(t->type, "TXT") ? NULL : dnsres_owned_name(t->name);
        char *id = NULL;
        for (size_t v = 0; name && !id && v < t->values.n; v++)
            id = dnsres_owner_id(ctx->stack_name, t->values.items[v]);
        if (id) {
            int seen = 0;
            for (size_t k = 0; k < out->n; k++)
                seen |= !strcmp(out->items[k].id, id);
            char *fid = seen ? xasprintf("%s-dup-%s", id, z->id) : xstrdup(id);
            char *pid = xasprintf("%s/%s", z->id, name);
            res_found_add(out, fid, pid, props_of(z, sets, name));
            free(pid);
            free(fid);
        }
        free(id);
        free(name);
    }
}

static int discover(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    discovery d = {.ctx = ctx};
    if (r53_list_hosted_zones(ctx->aws, 0, &d.zones, err) != 0)
        return -1;
    d.pub = xcalloc(d.zones.n + 1, sizeof *d.pub);
    for (size_t i = 0; i < d.zones.n; i++)
        if (!d.zones.items[i].private_zone)
            d.pub[d.npub++] = d.zones.items[i].id;
    d.nbatches = (d.npub + R53_TAGS_AT_ONCE - 1) / R53_TAGS_AT_ONCE;
    d.tags = xcalloc(d.npub + 1, sizeof *d.tags);
    /* the zones of the file's names, read beside the tags */
    for (size_t i = 0; i < ctx->graph->n; i++) {
        const res_node *n = ctx->graph->nodes[i];
        int pending;
        aws_error none;
        aws_error_clear(&none);
        const r53_zone *z = n->kind == &res_kind_record && n->desired
                                ? zone_of(ctx, &d.zones, n, &pending, &none) : NULL;
        if (z)
            read_add(&d, z->id);
    }
    size_t first = d.nread;
    d.sets = xcalloc(d.npub + 1, sizeof *d.sets);
    int rc = res_parallel(d.nbatches + first, RES_READS_AT_ONCE, round_two, &d, err);
    /* then the zones that say they hold records of the stack */
    char *key = dnsres_index_key(ctx->stack_name);
    for (size_t i = 0; rc == 0 && i < d.npub; i++)
        if (svc_tags_get(&d.tags[i], key))
            read_add(&d, d.pub[i]);
    free(key);
    if (rc == 0 && d.nread > first)
        rc = dnsres_list_zones(ctx, d.read + first, d.nread - first, d.sets + first, err);
    for (size_t i = 0; i < d.nread; i++) {
        for (size_t k = 0; rc == 0 && k < d.zones.n; k++)
            if (!strcmp(d.zones.items[k].id, d.read[i]))
                found_in(ctx, &d.zones.items[k], &d.sets[i], out);
        r53_record_sets_free(&d.sets[i]);
    }
    for (size_t i = 0; i < d.npub; i++)
        svc_tags_free(&d.tags[i]);
    free(d.tags);
    free(d.sets);
    free(d.read);
    free(d.pub);
    r53_zones_free(&d.zones);
    return rc;
}

/* ---- writing ---------------------------------------------------------------------------- */

/* The types ip_address_type asks for: "A", "AAAA" or both (NULL-terminated). */
static void wanted_types(const char *ip_type, const char *types[3])
{
    size_t k = 0;
    if (!ip_type || strcmp(ip_type, "dualstack-without-public-ipv4") != 0)
        types[k++] = "A";
    if (ip_type && !strncmp(ip_type, "dualstack", 9))
        types[k++] = "AAAA";
    types[k] = NULL;
}

typedef struct {
    r53_record_set sets[4];
    r53_change changes[4];
    size_t n;
    char *owner, *value;
} batch;

/* The alias sets (action each) and, when owner_action >= 0, the owner record. */
static void batch_of(res_ctx *ctx, const res_node *n, r53_action action, int owner_action, batch *b)
{
    memset(b, 0, sizeof *b);
    const char *name = res_prop_string(n->desired, "name");
    const cJSON *t = cJSON_GetObjectItem(n->desired, "target");
    const char *types[3];
    wanted_types(res_prop_string(n->desired, "ip_address_type"), types);
    for (size_t i = 0; types[i]; i++) {
        b->sets[b->n] = (r53_record_set){.name = (char *)name, .type = (char *)types[i],
                                         .is_alias = 1,
                                         .alias = {(char *)res_prop_string(t, "zone_id"), (char *)res_prop_string(t, "dns_name"), 1}};
        b->changes[b->n] = (r53_change){action, &b->sets[b->n]};
        b->n++;
    }
    if (owner_action < 0)
        return;
    b->owner = dnsres_owner_name(name);
    b->value = dnsres_owner_value(ctx->stack_name, n->id);
    b->sets[b->n] = (r53_record_set){.name = b->owner, .type = "TXT", .ttl = OWNER_TTL};
    svc_strings_add(&b->sets[b->n].values, b->value);
    b->changes[b->n] = (r53_change){(r53_action)owner_action, &b->sets[b->n]};
    b->n++;
}

static void batch_free(batch *b)
{
    for (size_t i = 0; i < b->n; i++)
        if (b->sets[i].values.n)
            svc_strings_free(&b->sets[i].values);
    free(b->owner);
    free(b->value);
}

/* Mark zone_id as holding records of the stack (before they are written). */
static int tag_zone(res_ctx *ctx, const char *zone_id, aws_error *err)
{
    svc_tags tag = {0};
    char *key = dnsres_index_key(ctx->stack_name);
    svc_tags_add(&tag, key, "records");
    int rc = r53_change_tags(ctx->aws, zone_id, &tag, NULL, err);
    svc_tags_free(&tag);
    free(key);
    return rc;
}

/* Read back what the zone has for the node and record it. */
static int record_actual(res_ctx *ctx, res_node *n, const r53_zone *z, aws_error *err)
{
    r53_record_sets sets;
    if (dnsres_list_zones(ctx, (const char *const *)&z->id, 1, &sets, err) != 0)
        return -1;
    const char *name = res_prop_string(n->desired, "name");
    char *pid = xasprintf("%s/%s", z->id, name);
    res_node_set(ctx, n, pid, props_of(z, &sets, name));
    free(pid);
    r53_record_sets_free(&sets);
    return 0;
}

static int create(res_ctx *ctx, res_node *n, aws_error *err)
{
    r53_zones zones;
    if (r53_list_hosted_zones(ctx->aws, 0, &zones, err) != 0)
        return -1;
    int pending;
    const r53_zone *z = zone_of(ctx, &zones, n, &pending, err);
    if (!z && pending)
        aws_error_set(err, AWS_ERR_SERVICE, "NoHostedZone", "the stack's zone for %s is not there",
                      res_prop_string(n->desired, "name"));
    int rc = z ? tag_zone(ctx, z->id, err) : -1;
    batch b;
    char *change = NULL;
    if (rc == 0) {
        batch_of(ctx, n, R53_CREATE, R53_CREATE, &b);
        rc = r53_change_record_sets(ctx->aws, z->id, b.changes, b.n, "ecsdeploy", &change, err);
        if (rc != 0 && aws_error_is(err, AWS_IS_INVALID)) /* Route 53 wrote none of them */
            aws_error_prefix(err, "writing %s in zone %s (nothing was written: ecsdeploy never "
                                  "writes over records it did not write): ",
                             res_prop_string(n->desired, "name"), z->name);
        batch_free(&b);
    }
    if (rc == 0)
        rc = record_actual(ctx, n, z, err);
    if (rc == 0)
        rc = dnsres_wait_insync(ctx, n, RES_CREATE, change, err);
    free(change);
    r53_zones_free(&zones);
    return rc;
}

/* The record sets of name and type as they are now (DELETE needs them exactly). */
static int current(res_ctx *ctx, const char *zone, const char *name, const char *type,
                   r53_record_sets *out, aws_error *err)
{
    if (r53_get_record_sets(ctx->aws, zone, name, type, out, err) == 0)
        return 0;
    memset(out, 0, sizeof *out);
    return aws_error_is(err, AWS_IS_NOT_FOUND) ? 0 : -1;
}

static int update(res_ctx *ctx, res_node *n, aws_error *err)
{
    const char *zone = res_prop_string(n->actual, "zone"), *name = res_prop_string(n->desired, "name");
    batch b;
    batch_of(ctx, n, R53_UPSERT, R53_UPSERT, &b);
    /* a type it does not have yet (AAAA when the target became dual-stack) is a CREATE:
     * Route 53 refuses the batch rather than write over a record someone else wrote */
    const char *had = res_prop_string(n->actual, "ip_address_type");
    for (size_t i = 0; had && i < b.n; i++) {
        const char *type = b.sets[i].type;
        int has = !strcmp(type, "A") ? !strcmp(had, "ipv4") || !strcmp(had, "dualstack")
                : !strcmp(type, "AAAA") ? !strncmp(had, "dualstack", 9) : 1;
        if (!has)
            b.changes[i].action = R53_CREATE;
    }
    /* a type no longer wanted goes, exactly as it is */
    const char *types[3];
    wanted_types(res_prop_string(n->desired, "ip_address_type"), types);
    r53_record_sets gone[2] = {{0}, {0}};
    const char *both[] = {"A", "AAAA"};
    int rc = 0;
    for (size_t k = 0; rc == 0 && k < 2; k++) {
        int wanted = 0;
        for (size_t i = 0; types[i]; i++)
            wanted |= !strcmp(types[i], both[k]);
        if (!wanted && (rc = current(ctx, zone, name, both[k], &gone[k], err)) == 0)
            for (size_t i = 0; i < gone[k].n && b.n < 4; i++)
                if (!gone[k].items[i].set_identifier && gone[k].items[i].is_alias) {
                    b.changes[b.n++] = (r53_change){R53_DELETE, &gone[k].items[i]};
                    break;
                }
    }
    char *change = NULL;
    if (rc == 0) {
        res_event(ctx, n, RES_UPDATE, RES_EV_PROGRESS, "writing %s", name);
        rc = r53_change_record_sets(ctx->aws, zone, b.changes, b.n, "ecsdeploy", &change, err);
    }
    r53_zone z = {.id = (char *)zone, .name = (char *)res_prop_text(n->actual, "zone_name")};
    if (rc == 0)
        rc = record_actual(ctx, n, &z, err);
    if (rc == 0)
        rc = dnsres_wait_insync(ctx, n, RES_UPDATE, change, err);
    free(change);
    r53_record_sets_free(&gone[0]);
    r53_record_sets_free(&gone[1]);
    batch_free(&b);
    return rc;
}

/* After a removal: drop the zone's index tag when no owner record of the stack is left. */
static int untag_when_empty(res_ctx *ctx, const char *zone, aws_error *err)
{
    r53_record_sets sets;
    if (dnsres_list_zones(ctx, &zone, 1, &sets, err) != 0)
        return -1;
    int left = 0;
    for (size_t i = 0; i < sets.n && !left; i++)
        for (size_t v = 0; !strcmp(sets.items[i].type, "TXT") && v < sets.items[i].values.n; v++) {
            char *id = dnsres_owner_id(ctx->stack_name, sets.items[i].values.items[v]);
            left |= id != NULL;
            free(id);
        }
    r53_record_sets_free(&sets);
    if (left)
        return 0;
    svc_strings keys = {0};
    char *key = dnsres_index_key(ctx->stack_name);
    svc_strings_add(&keys, key);
    int rc = r53_change_tags(ctx->aws, zone, NULL, &keys, err);
    svc_strings_free(&keys);
    free(key);
    return rc == 0 || aws_error_is(err, AWS_IS_NOT_FOUND) ? 0 : -1;
}

static int remove_locked(res_ctx *ctx, res_node *n, aws_error *err)
{
    const char *zone = res_prop_string(n->actual, "zone"), *name = res_prop_string(n->actual, "name");
    char *owner = dnsres_owner_name(name), *value = dnsres_owner_value(ctx->stack_name, n->id);
    /* a duplicate ("record/X-dup-Z") was written under its original id */
    const char *dup = strstr(n->id, "-dup-");
    if (dup) {
        free(value);
        char *id = xstrndup(n->id, (size_t)(dup - n->id));
        value = dnsres_owner_value(ctx->stack_name, id);
        free(id);
    }
    r53_record_sets now[3];
    int rc = current(ctx, zone, name, "A", &now[0], err);
    if (rc == 0)
        rc = current(ctx, zone, name, "AAAA", &now[1], err);
    else
        memset(&now[1], 0, sizeof now[1]);
    if (rc == 0)
        rc = current(ctx, zone, owner, "TXT", &now[2], err);
    else
        memset(&now[2], 0, sizeof now[2]);
    r53_change changes[3];
    size_t nch = 0;
    for (size_t k = 0; rc == 0 && k < 3; k++)
        for (size_t i = 0; i < now[k].n; i++) {
            const r53_record_set *r = &now[k].items[i];
            int ours = !r->set_identifier && r->is_alias;
            if (k == 2) { /* the owner record only when it is this node's */
                ours = 0;
                for (size_t v = 0; v < r->values.n; v++)
                    ours |= !strcmp(r->values.items[v], value);
            }
            if (ours) {
                changes[nch++] = (r53_change){R53_DELETE, r};
                break;
            }
        }
    if (rc == 0 && nch)
        rc = r53_change_record_sets(ctx->aws, zone, changes, nch, "ecsdeploy", NULL, err);
    if (rc != 0 && aws_error_is(err, AWS_IS_NOT_FOUND)) /* the zone is gone */
        rc = 0;
    else if (rc == 0)
        rc = untag_when_empty(ctx, zone, err);
    for (size_t k = 0; k < 3; k++)
        r53_record_sets_free(&now[k]);
    free(owner);
    free(value);
    return rc;
}

static int remove_record(res_ctx *ctx, res_node *n, aws_error *err)
{
    pthread_mutex_lock(&removing);
    int rc = remove_locked(ctx, n, err);
    pthread_mutex_unlock(&removing);
    return rc;
}

/* ---- before `up` writes anything --------------------------------------------------------- */

/* What stands in the way of writing record n in zone z (whose sets are given): a problem
 * appended to b. */
static void conflicts(res_ctx *ctx, const res_node *n, const r53_zone *z,
                      const r53_record_sets *sets, buf *b)
{
    const char *name = res_prop_string(n->desired, "name");
    char *owner = dnsres_owner_name(name), *value = dnsres_owner_value(ctx->stack_name, n->id);
    for (size_t i = 0; i < sets->n; i++) {
        const r53_record_set *r = &sets->items[i];
        int at_name = r53_name_equal(r->name, name) &&
                      (!strcmp(r->type, "A") || !strcmp(r->type, "AAAA") || !strcmp(r->type, "CNAME"));
        int foreign_owner = r53_name_equal(r->name, owner) && !strcmp(r->type, "TXT") &&
                            !(r->values.n == 1 && !strcmp(r->values.items[0], value));
        if (at_name || foreign_owner)
            buf_printf(b, "%s%s already has a%s %s record in zone %s (%s) that this stack did not "
                       "write", b->len ? "; " : "", name, !strcmp(r->type, "A") || !strcmp(r->type, "AAAA") ? "n" : "",
                       at_name ? r->type : "TXT owner", z->name, z->id);
    }
    free(owner);
    free(value);
}

static int check(res_ctx *ctx, aws_error *err)
{
    res_graph *g = ctx->graph;
    size_t planned = 0;
    for (size_t i = 0; i < g->n; i++)
        planned += g->nodes[i]->kind == &res_kind_record && g->nodes[i]->desired &&
                   (g->nodes[i]->action == RES_CREATE || g->nodes[i]->action == RES_REPLACE);
    if (!planned)
        return 0;
    r53_zones zones;
    if (r53_list_hosted_zones(ctx->aws, 0, &zones, err) != 0)
        return -1;
    buf problems = BUF_INIT;
    const r53_zone **of = xcalloc(g->n + 1, sizeof *of);
    const char **ids = xcalloc(g->n + 1, sizeof *ids);
    size_t nids = 0;
    for (size_t i = 0; i < g->n; i++) {
        res_node *n = g->nodes[i];
        if (n->kind != &res_kind_record || !n->desired ||
            (n->action != RES_CREATE && n->action != RES_REPLACE))
            continue;
        int pending;
        aws_error why;
        aws_error_clear(&why);
        of[i] = zone_of(ctx, &zones, n, &pending, &why);
        if (!of[i] && !pending)
            buf_printf(&problems, "%s%s", problems.len ? "; " : "", why.message);
        /* a replacement in its own zone finds its own records there */
        if (of[i] && n->action == RES_REPLACE && res_prop_string(n->actual, "zone") &&
            !strcmp(res_prop_string(n->actual, "zone"), of[i]->id))
            of[i] = NULL;
        size_t k = 0;
        while (of[i] && k < nids && strcmp(ids[k], of[i]->id))
            k++;
        if (of[i] && k == nids)
            ids[nids++] = of[i]->id;
    }
    r53_record_sets *sets = xcalloc(nids + 1, sizeof *sets);
    int rc = dnsres_list_zones(ctx, ids, nids, sets, err);
    for (size_t i = 0; rc == 0 && i < g->n; i++)
        for (size_t k = 0; of[i] && k < nids; k++)
            if (!strcmp(ids[k], of[i]->id))
                conflicts(ctx, g->nodes[i], of[i], &sets[k], &problems);
    if (rc == 0 && problems.len) {
        aws_error_set(err, AWS_ERR_INPUT, "RecordConflict", "%s. ecsdeploy never writes over a "
                      "record it did not write: delete it or choose another name", buf_str(&problems));
        rc = -1;
    }
    for (size_t k = 0; k < nids; k++)
        r53_record_sets_free(&sets[k]);
    free(sets);
    free(ids);
    free(of);
    buf_free(&problems);
    r53_zones_free(&zones);
    return rc;
}

static int status(res_ctx *ctx, res_node *n, cJSON *out, aws_error *err)
{
    (void)ctx;
    (void)err;
    const cJSON *t = cJSON_GetObjectItem(n->actual, "target");
    const char *type = res_prop_string(n->actual, "ip_address_type");
    int none = !type || !strcmp(type, "none") || !res_prop_string(t, "dns_name") || !*res_prop_string(t, "dns_name");
    if (none)
        res_status_summary(out, 0, "no alias record (only its owner record) in zone %s",
                           res_prop_string(n->actual, "zone_name"));
    else
        res_status_summary(out, 1, "-> %s (%s) in zone %s", res_prop_string(t, "dns_name"),
                           !strcmp(type, "dualstack") ? "A, AAAA" : !strcmp(type, "ipv4") ? "A" : "AAAA",
                           res_prop_string(n->actual, "zone_name"));
    return 0;
}

static const char *const replace_on[] = {"zone", NULL};

static void ci_grant(ci_builder *b, int mine)
{
    ci_dns_reads(b);
    if (mine)
        ci_dns_record_writes(b);
}

const res_kind res_kind_record = {
    .name = "record",
    .title = "DNS record",
    .build = build,
    .discover = discover,
    .create = create,
    .update = update,
    .remove = remove_record,
    .replace_on = replace_on,
    .status = status,
    .check = check,
    .ci_grant = ci_grant,
};
