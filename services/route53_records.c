/* Route 53 record sets: read, list, compare, and change them in batches whose lost
 * answers are recovered by looking at the zone (see route53.h). */
#include "route53_internal.h"

#include <stdlib.h>
#include <string.h>

#include "aws_paginate.h"
#include "xalloc.h"

static void read_is_alias(const cJSON *o, void *item)
{
    ((r53_record_set *)item)->is_alias = svc_json_at(o, "AliasTarget") != NULL;
}

static const svc_shape set_shape = SVC_SHAPE(r53_record_set, read_is_alias, NULL,
    SVC_FIELD("Name", SVC_STR, r53_record_set, name),
    SVC_FIELD("Type", SVC_STR, r53_record_set, type),
    SVC_FIELD("SetIdentifier", SVC_STR_NULL, r53_record_set, set_identifier),
    SVC_FIELD("Weight", SVC_LLONG, r53_record_set, weight),
    SVC_FIELD("TTL", SVC_LLONG, r53_record_set, ttl),
    SVC_FSTRINGS("ResourceRecords", r53_record_set, values, "Value"),
    SVC_FIELD("AliasTarget.HostedZoneId", SVC_STR, r53_record_set, alias.hosted_zone_id),
    SVC_FIELD("AliasTarget.DNSName", SVC_STR, r53_record_set, alias.dns_name),
    SVC_FIELD("AliasTarget.EvaluateTargetHealth", SVC_BOOL, r53_record_set,
              alias.evaluate_target_health));

SVC_DEFINE_LIST_FREE(r53_record_sets_free, r53_record_sets, set_shape)

static void read_sets(const cJSON *arr, r53_record_sets *out)
{
    memset(out, 0, sizeof *out);
    svc_read_list(arr, &set_shape, (void **)&out->items, &out->n);
}

/* The <ResourceRecordSet> of a change, members in the model's order. */
static cJSON *encode_set(const r53_record_set *r)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "Name", r->name);
    cJSON_AddStringToObject(o, "Type", r->type);
    if (r->set_identifier) {
        cJSON_AddStringToObject(o, "SetIdentifier", r->set_identifier);
        cJSON_AddNumberToObject(o, "Weight", (double)r->weight);
    }
    if (r->is_alias) {
        cJSON *a = cJSON_AddObjectToObject(o, "AliasTarget");
        cJSON_AddStringToObject(a, "HostedZoneId", r->alias.hosted_zone_id);
        cJSON_AddStringToObject(a, "DNSName", r->alias.dns_name);
        cJSON_AddBoolToObject(a, "EvaluateTargetHealth", r->alias.evaluate_target_health);
        return o;
    }
    cJSON_AddNumberToObject(o, "TTL", (double)r->ttl);
    cJSON *values = cJSON_AddArrayToObject(cJSON_AddObjectToObject(o, "ResourceRecords"),
                                           "ResourceRecord");
    for (size_t i = 0; i < r->values.n; i++) {
        cJSON *v = cJSON_CreateObject();
        cJSON_AddStringToObject(v, "Value", r->values.items[i]);
        cJSON_AddItemToArray(values, v);
    }
    return o;
}

int r53_list_record_sets(aws_client *c, const char *zone_id, r53_record_sets *out,
                         aws_error *err)
{
    memset(out, 0, sizeof *out);
    char *path = r53i_path("/hostedzone/", zone_id, "/rrset");
    r53i_pager p = {c, "ListResourceRecordSets", path};
    aws_page_spec spec = {.in_token = "name", .out_token = "NextRecordName",
                          .in_token2 = "type", .out_token2 = "NextRecordType",
                          .in_token3 = "identifier", .out_token3 = "NextRecordIdentifier",
                          .truncated = "IsTruncated", .items = "ResourceRecordSets"};
    cJSON *items;
    int rc = aws_paginate(r53i_page, &p, NULL, &spec, &items, err);
    free(path);
    if (rc != 0)
        return -1;
    read_sets(items, out);
    cJSON_Delete(items);
    return 0;
}

int r53_get_record_sets(aws_client *c, const char *zone_id, const char *name,
                        const char *type, r53_record_sets *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    /* the listing starts at name and type; what follows is other records */
    buf q = BUF_INIT;
    r53i_query(&q, "name", name);
    r53i_query(&q, "type", type);
    r53i_query(&q, "maxitems", "300");
    char *path = r53i_path("/hostedzone/", zone_id, "/rrset");
    cJSON *o;
    int rc = r53i_call(c, "GET", "ListResourceRecordSets", path, buf_str(&q) + 1, NULL, NULL,
                       NULL, &o, err);
    free(path);
    buf_free(&q);
    if (rc != 0)
        return -1;
    r53_record_sets all;
    read_sets(aws_json_array(o, "ResourceRecordSets"), &all);
    cJSON_Delete(o);
    out->items = xcalloc(all.n ? all.n : 1, sizeof *out->items);
    for (size_t i = 0; i < all.n; i++) {
        if (r53_name_equal(all.items[i].name, name) && strcmp(all.items[i].type, type) == 0) {
            out->items[out->n++] = all.items[i];
            memset(&all.items[i], 0, sizeof all.items[i]);
        }
    }
    r53_record_sets_free(&all);
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The same values in any order. */
static int same_values(const svc_strings *a, const svc_strings *b)
{
    if (a->n != b->n)
        return 0;
    char **x = xcalloc(a->n + 1, sizeof *x), **y = xcalloc(b->n + 1, sizeof *y);
    memcpy(x, a->items, a->n * sizeof *x);
    memcpy(y, b->items, b->n * sizeof *y);
    qsort(x, a->n, sizeof *x, cmp_str);
    qsort(y, b->n, sizeof *y, cmp_str);
    int eq = 1;
    for (size_t i = 0; i < a->n && eq; i++)
        eq = strcmp(x[i], y[i]) == 0;
    free(x);
    free(y);
    return eq;
}

static int same_id(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int r53_record_set_equal(const r53_record_set *a, const r53_record_set *b)
{
    if (!r53_name_equal(a->name, b->name) || strcmp(a->type, b->type) != 0 ||
        !same_id(a->set_identifier, b->set_identifier) || !a->is_alias != !b->is_alias ||
        (a->set_identifier && a->weight != b->weight))
        return 0;
    if (a->is_alias)
        return strcmp(a->alias.hosted_zone_id, b->alias.hosted_zone_id) == 0 &&
               r53_name_equal(a->alias.dns_name, b->alias.dns_name) &&
               !a->alias.evaluate_target_health == !b->alias.evaluate_target_health;
    return a->ttl == b->ttl && same_values(&a->values, &b->values);
}

static const char *action_name(r53_action a)
{
    return a == R53_CREATE ? "CREATE" : a == R53_DELETE ? "DELETE" : "UPSERT";
}

static int send_batch(aws_client *c, const char *zone_id, const r53_change *changes, size_t n,
                      const int *only, const char *comment, const aws_lost_answer *guard,
                      cJSON **out, aws_error *err)
{
    cJSON *b = cJSON_CreateObject();
    cJSON *batch = cJSON_AddObjectToObject(b, "ChangeBatch");
    svc_add_str(batch, "Comment", comment);
    cJSON *list = cJSON_AddArrayToObject(cJSON_AddObjectToObject(batch, "Changes"), "Change");
    for (size_t i = 0; i < n; i++) {
        if (only && !only[i])
            continue;
        cJSON *ch = cJSON_CreateObject();
        cJSON_AddStringToObject(ch, "Action", only ? "UPSERT" : action_name(changes[i].action));
        cJSON_AddItemToObject(ch, "ResourceRecordSet", encode_set(changes[i].set));
        cJSON_AddItemToArray(list, ch);
    }
    char *path = r53i_path("/hostedzone/", zone_id, "/rrset/");
    int rc = r53i_call(c, "POST", "ChangeResourceRecordSets", path, NULL,
                       "ChangeResourceRecordSetsRequest", b, guard, out, err);
    free(path);
    return rc;
}

/* After a lost ChangeResourceRecordSets answer: does the zone show every change? Then the
 * batch happened (it is all or nothing): the writes are sent again as UPSERTs, which
 * change nothing and give a change to wait for. */
typedef struct {
    aws_client *c;
    const char *zone_id, *comment;
    const r53_change *changes;
    size_t n;
} batch_finder;

static int change_shown(const batch_finder *f, const r53_change *ch, aws_error *err)
{
    r53_record_sets now;
    if (r53_get_record_sets(f->c, f->zone_id, ch->set->name, ch->set->type, &now, err) != 0)
        return -1;
    int same = 0, there = 0;
    for (size_t i = 0; i < now.n; i++) {
        if (same_id(now.items[i].set_identifier, ch->set->set_identifier)) {
            there = 1;
            same = r53_record_set_equal(&now.items[i], ch->set);
        }
    }
    r53_record_sets_free(&now);
    return ch->action == R53_DELETE ? !there : same;
}

static int find_applied_batch(void *ctx, cJSON **output, aws_error *err)
{
    batch_finder *f = ctx;
    int *writes = xcalloc(f->n + 1, sizeof *writes), any = 0, rc = 1;
    for (size_t i = 0; i < f->n && rc == 1; i++) {
        rc = change_shown(f, &f->changes[i], err);
        writes[i] = f->changes[i].action != R53_DELETE;
        any |= writes[i];
    }
    if (rc == 1 && any)
        rc = send_batch(f->c, f->zone_id, f->changes, f->n, writes, f->comment, NULL, output,
                        err) == 0 ? 1 : -1;
    else if (rc == 1)
        *output = cJSON_CreateObject();
    free(writes);
    return rc;
}

int r53_change_record_sets(aws_client *c, const char *zone_id, const r53_change *changes,
                           size_t n, const char *comment, char **change_id, aws_error *err)
{
    if (change_id)
        *change_id = NULL;
    batch_finder f = {c, zone_id, comment, changes, n};
    aws_lost_answer guard = {find_applied_batch, &f};
    cJSON *o;
    if (send_batch(c, zone_id, changes, n, NULL, comment, &guard, &o, err) != 0)
        return -1;
    if (change_id)
        *change_id = r53i_change_id(o);
    cJSON_Delete(o);
    return 0;
}
