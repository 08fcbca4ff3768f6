/*
 * Hosted zones the stack creates (zones: NAME: { name: fdk.example.com }): zone/NAME, a
 * public Route 53 zone whose name servers the stack prints (${zones.NAME.name_servers})
 * for the delegation at the registrar. Found by its CallerReference (dns_internal.h), in
 * the one ListHostedZones call, and read with GetHostedZone for its name servers.
 *
 * A zone is like data: the delegation to its name servers is set up by hand, and a new
 * zone gets new ones. It is kept by `down` (keep: true, the default) unless --purge, and
 * even then deleted only when it holds nothing but its SOA and NS records once the
 * stack's own records are gone; anything else in it is named, and the zone stays.
 *
 * Properties: name (no final dot); actual ones add id, name_servers ("a, b, c, d") and
 * record_count. A new name replaces the zone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ci_policy_internal.h"
#include "dns_internal.h"
#include "xalloc.h"

static int build(res_graph *g, const stack_model *s)
{
    for (size_t i = 0; i < s->nzones; i++) {
        const stack_zone *z = &s->zones[i];
        cJSON *d = cJSON_CreateObject();
        cJSON_AddStringToObject(d, "name", z->domain);
        res_node *n = res_graph_addf(g, &res_kind_zone, z->name, d, "hosted zone %s", z->domain);
        n->model = z;
        n->keep = z->keep;
    }
    return 0;
}

static cJSON *props_of(const r53_zone *z, const svc_strings *ns)
{
    cJSON *p = cJSON_CreateObject();
    char *name = r53_name_plain(z->name);
    cJSON_AddStringToObject(p, "name", name);
    free(name);
    cJSON_AddStringToObject(p, "id", z->id);
    buf b = BUF_INIT;
    for (size_t i = 0; ns && i < ns->n; i++)
        buf_printf(&b, "%s%s", i ? ", " : "", ns->items[i]);
    cJSON_AddStringToObject(p, "name_servers", buf_str(&b));
    buf_free(&b);
    cJSON_AddNumberToObject(p, "record_count", (double)z->record_count);
    return p;
}

typedef struct {
    res_ctx *ctx;
    const r53_zones *zones;
    char **ids;            /* node id per zone, NULL when not the stack's */
    r53_zone *got;
    svc_strings *ns;
} reading;

static int read_zone(void *ud, size_t i, aws_error *err)
{
    reading *r = ud;
    if (!r->ids[i])
        return 0;
    if (r53_get_hosted_zone(r->ctx->aws, r->zones->items[i].id, &r->got[i], &r->ns[i], err) == 0)
        return 0;
    if (!aws_error_is(err, AWS_IS_NOT_FOUND)) /* deleted meanwhile: not there */
        return -1;
    free(r->ids[i]);
    r->ids[i] = NULL;
    return 0;
}

static int discover(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    r53_zones zones;
    if (r53_list_hosted_zones(ctx->aws, 0, &zones, err) != 0)
        return -1;
    reading r = {ctx, &zones, xcalloc(zones.n + 1, sizeof *r.ids),
                 xcalloc(zones.n + 1, sizeof *r.got), xcalloc(zones.n + 1, sizeof *r.ns)};
    for (size_t i = 0; i < zones.n; i++)
        r.ids[i] = dnsres_zone_ref_id(ctx->stack_name, zones.items[i].caller_reference);
    int rc = res_parallel(zones.n, RES_READS_AT_ONCE, read_zone, &r, err);
    for (size_t i = 0; i < zones.n; i++) {
        if (rc == 0 && r.ids[i])
            res_found_add(out, r.ids[i], zones.items[i].id, props_of(&r.got[i], &r.ns[i]));
        free(r.ids[i]);
        r53_zone_free(&r.got[i]);
        svc_strings_free(&r.ns[i]);
    }
    free(r.ids);
    free(r.got);
    free(r.ns);
    r53_zones_free(&zones);
    return rc;
}

static int create(res_ctx *ctx, res_node *n, aws_error *err)
{
    const char *name = cJSON_GetObjectItem(n->desired, "name")->valuestring;
    char token[33];
    char *prefix = dnsres_zone_ref_prefix(ctx->stack_name, n->id);
    /* the reference is spent forever, even once the zone is deleted: a random part lets
     * the zone be made again after a `down --purge` */
    char *ref = xasprintf("%s%.16s", prefix, aws_random_token(token));
    char *comment = xasprintf("ecsdeploy stack %s (%s)", ctx->stack_name, n->id);
    r53_zone_in in = {.name = name, .caller_reference = ref, .comment = comment};
    r53_zone z;
    svc_strings ns = {0};
    char *change = NULL;
    int rc = r53_create_hosted_zone(ctx->aws, &in, &z, &ns, &change, err);
    if (rc == 0) { /* recorded first: a failure below still leaves it to roll back */
        res_node_set(ctx, n, z.id, props_of(&z, &ns));
        svc_tags tags;
        res_tags_list(ctx, n, &tags);
        rc = r53_change_tags(ctx->aws, z.id, &tags, NULL, err);
        svc_tags_free(&tags);
    }
    if (rc == 0)
        rc = dnsres_wait_insync(ctx, n, RES_CREATE, change, err);
    if (rc == 0)
        res_event(ctx, n, RES_CREATE, RES_EV_NOTE, "name servers of %s: %s (delegate the name to "
                  "them at its registrar)", name, cJSON_GetObjectItem(n->actual, "name_servers")->valuestring);
    r53_zone_free(&z);
    svc_strings_free(&ns);
    free(change);
    free(comment);
    free(ref);
    free(prefix);
    return rc;
}

/* What the zone holds besides its apex SOA and NS ("a.example.com. A, ..."), or NULL. */
static char *foreign_records(const r53_record_sets *sets, const char *zone_name)
{
    buf b = BUF_INIT;
    size_t n = 0;
    for (size_t i = 0; i < sets->n; i++) {
        const r53_record_set *r = &sets->items[i];
        if (r53_name_equal(r->name, zone_name) && (!strcmp(r->type, "SOA") || !strcmp(r->type, "NS")))
            continue;
        if (n++ < 5)
            buf_printf(&b, "%s%s %s", n > 1 ? ", " : "", r->name, r->type);
    }
    if (n > 5)
        buf_printf(&b, " and %zu more", n - 5);
    if (n)
        return buf_detach(&b);
    buf_free(&b);
    return NULL;
}

static int remove_zone(res_ctx *ctx, res_node *n, aws_error *err)
{
    r53_record_sets sets;
    const char *id = n->physical_id;
    if (dnsres_list_zones(ctx, &id, 1, &sets, err) != 0)
        return -1;
    const cJSON *name = cJSON_GetObjectItem(n->actual, "name");
    char *left = foreign_records(&sets, cJSON_IsString(name) ? name->valuestring : "");
    r53_record_sets_free(&sets);
    if (left) {
        aws_error_set(err, AWS_ERR_INPUT, "HostedZoneNotEmpty",
                      "hosted zone %s (%s) still holds records the stack did not write: %s. It "
                      "is left as it is: delete those records first, or keep the zone (down "
                      "without --purge)", cJSON_IsString(name) ? name->valuestring : "", id, left);
        free(left);
        return -1;
    }
    if (r53_delete_hosted_zone(ctx->aws, id, NULL, err) != 0 && !aws_error_is(err, AWS_IS_NOT_FOUND))
        return -1;
    return 0;
}

static int status(res_ctx *ctx, res_node *n, cJSON *out, aws_error *err)
{
    (void)ctx;
    (void)err;
    const cJSON *name = cJSON_GetObjectItem(n->actual, "name");
    const cJSON *ns = cJSON_GetObjectItem(n->actual, "name_servers");
    if (!cJSON_IsString(name) || !cJSON_IsString(ns))
        return 0;
    res_status_summary(out, 1, "%s, name servers %s", name->valuestring, ns->valuestring);
    cJSON_AddStringToObject(out, "name_servers", ns->valuestring);
    return 0;
}

static const char *const replace_on[] = {"name", NULL};

static void ci_grant(ci_builder *b, int mine)
{
    ci_dns_reads(b);
    if (!mine)
        return;
    /* a zone the stack makes has no name the policy could know beforehand */
    ci_allow(b, "route53:CreateHostedZone", ci_any(), NULL);
    ci_allow(b, "route53:DeleteHostedZone route53:ChangeTagsForResource",
             ci_r53_arn(b, "hostedzone/*"), NULL);
}

const res_kind res_kind_zone = {
    .name = "zone",
    .title = "hosted zone",
    .build = build,
    .discover = discover,
    .create = create,
    .remove = remove_zone,
    .replace_on = replace_on,
    .status = status,
    .ci_grant = ci_grant,
};
