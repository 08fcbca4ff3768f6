/* Route 53: the call, hosted zones, changes and their waiter, tags, names (see route53.h);
 * record sets are in route53_records.c. */
#include "route53_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws_paginate.h"
#include "aws_xml.h"
#include "sigv4.h"
#include "xalloc.h"

#define API "/2013-04-01"
#define XMLNS "https://route53.amazonaws.com/doc/2013-04-01/"

/* Route 53's lists: a wrapper element and its items. */
static const char *const lists[] = {"HostedZones/HostedZone",
                                    "ResourceRecordSets/ResourceRecordSet",
                                    "ResourceRecords/ResourceRecord",
                                    "NameServers/NameServer",
                                    "Tags/Tag",
                                    "ResourceTagSets/ResourceTagSet",
                                    "VPCs/VPC",
                                    NULL};

int r53i_call(aws_client *c, const char *method, const char *operation, const char *path,
              const char *query, const char *root, cJSON *body, const aws_lost_answer *guard,
              cJSON **out, aws_error *err)
{
    char *doc = body ? aws_xml_from_json(root, XMLNS, body) : NULL;
    cJSON_Delete(body);
    aws_rest_request r = {.service = "route53", .operation = operation, .method = method,
                          .path = path, .query = query, .body = doc,
                          .body_len = doc ? strlen(doc) : 0, .lists = lists};
    cJSON *o = NULL;
    int rc = aws_rest_xml_call(c, &r, guard, out ? out : &o, err);
    free(doc);
    cJSON_Delete(o);
    return rc;
}

/* An id without Route 53's prefix ("/hostedzone/Z1" -> "Z1"). Points into id. */
static const char *r53i_bare(const char *id)
{
    const char *slash = id ? strrchr(id, '/') : NULL;
    return slash ? slash + 1 : id ? id : "";
}

char *r53i_path(const char *what, const char *id, const char *tail)
{
    const char *bare = r53i_bare(id);
    char *enc = sigv4_uri_encode(bare, strlen(bare), 0);
    char *p = xasprintf(API "%s%s%s", what, enc, tail ? tail : "");
    free(enc);
    return p;
}

void r53i_query(buf *q, const char *name, const char *value)
{
    char *enc = sigv4_uri_encode(value, strlen(value), 0);
    buf_printf(q, "&%s=%s", name, enc);
    free(enc);
}

int r53i_page(void *ctx, const cJSON *input, cJSON **output, aws_error *err)
{
    const r53i_pager *p = ctx;
    buf q = BUF_INIT;
    for (const cJSON *m = input ? input->child : NULL; m; m = m->next)
        if (cJSON_IsString(m))
            r53i_query(&q, m->string, m->valuestring);
    int rc = r53i_call(p->c, "GET", p->operation, p->path, q.len ? buf_str(&q) + 1 : NULL, NULL,
                       NULL, NULL, output, err);
    buf_free(&q);
    return rc;
}

/* ---- hosted zones --------------------------------------------------------------- */

/* The zone's id without its "/hostedzone/" prefix. */
static void read_id(const cJSON *hz, void *item)
{
    ((r53_zone *)item)->id = xstrdup(r53i_bare(aws_json_str(hz, "Id")));
}

static const svc_shape zone_shape = SVC_SHAPE(r53_zone, read_id, NULL,
    SVC_FIELD("Name", SVC_STR, r53_zone, name),
    SVC_FIELD("CallerReference", SVC_STR, r53_zone, caller_reference),
    SVC_FIELD("Config.Comment", SVC_STR, r53_zone, comment),
    SVC_FIELD("Config.PrivateZone", SVC_BOOL, r53_zone, private_zone),
    SVC_FIELD("ResourceRecordSetCount", SVC_LLONG, r53_zone, record_count),
    SVC_FIELD("", SVC_KEPT, r53_zone, id));

SVC_DEFINE_FREE(r53_zone_free, r53_zone, zone_shape)
SVC_DEFINE_LIST_FREE(r53_zones_free, r53_zones, zone_shape)

/* An answer holding HostedZone, DelegationSet and maybe ChangeInfo. */
static void read_zone_answer(const cJSON *o, r53_zone *out, svc_strings *ns, char **change_id)
{
    svc_read(cJSON_GetObjectItemCaseSensitive(o, "HostedZone"), &zone_shape, out);
    if (ns)
        svc_json_strings(cJSON_GetObjectItemCaseSensitive(o, "DelegationSet"), "NameServers",
                       NULL, ns);
    if (change_id)
        *change_id = r53i_change_id(o);
}

static int get_zone_raw(aws_client *c, const char *zone_id, cJSON **out, aws_error *err)
{
    char *path = r53i_path("/hostedzone/", zone_id, NULL);
    int rc = r53i_call(c, "GET", "GetHostedZone", path, NULL, NULL, NULL, NULL, out, err);
    free(path);
    return rc;
}

/* After a lost CreateHostedZone answer: the zone this caller reference made, if any. */
static int find_created_zone(void *ctx, cJSON **output, aws_error *err)
{
    svc_lookup *f = ctx; /* id: the zone name, id2: the caller reference */
    r53_zones zones;
    if (r53_list_hosted_zones_by_name(f->c, f->id, &zones, err) != 0)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < zones.n && rc == 0; i++)
        if (strcmp(zones.items[i].caller_reference, f->id2) == 0)
            rc = get_zone_raw(f->c, zones.items[i].id, output, err) == 0 ? 1 : -1;
    r53_zones_free(&zones);
    return rc;
}

int r53_create_hosted_zone(aws_client *c, const r53_zone_in *in, r53_zone *out,
                           svc_strings *name_servers, char **change_id, aws_error *err)
{
    memset(out, 0, sizeof *out);
    if (change_id)
        *change_id = NULL;
    char token[33];
    const char *ref = in->caller_reference ? in->caller_reference : aws_random_token(token);
    /* members in the order of the model's sequence */
    cJSON *b = cJSON_CreateObject(), *o;
    cJSON_AddStringToObject(b, "Name", in->name);
    if (in->vpc_id) {
        cJSON *vpc = cJSON_AddObjectToObject(b, "VPC");
        cJSON_AddStringToObject(vpc, "VPCRegion", in->vpc_region ? in->vpc_region : "");
        cJSON_AddStringToObject(vpc, "VPCId", in->vpc_id);
    }
    cJSON_AddStringToObject(b, "CallerReference", ref);
    if (in->comment || in->vpc_id) {
        cJSON *cfg = cJSON_AddObjectToObject(b, "HostedZoneConfig");
        svc_add_str(cfg, "Comment", in->comment);
        if (in->vpc_id)
            cJSON_AddBoolToObject(cfg, "PrivateZone", 1);
    }
    svc_lookup f = {.c = c, .id = in->name, .id2 = ref};
    aws_lost_answer guard = {find_created_zone, &f};
    if (r53i_call(c, "POST", "CreateHostedZone", API "/hostedzone", NULL,
                  "CreateHostedZoneRequest", b, &guard, &o, err) != 0)
        return -1;
    read_zone_answer(o, out, name_servers, change_id);
    cJSON_Delete(o);
    return 0;
}

int r53_get_hosted_zone(aws_client *c, const char *zone_id, r53_zone *out,
                        svc_strings *name_servers, aws_error *err)
{
    cJSON *o;
    memset(out, 0, sizeof *out);
    if (get_zone_raw(c, zone_id, &o, err) != 0)
        return -1;
    read_zone_answer(o, out, name_servers, NULL);
    cJSON_Delete(o);
    return 0;
}

static int list_zones(aws_client *c, const char *op, const char *path, cJSON *in,
                      const aws_page_spec *spec, r53_zones *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    r53i_pager p = {c, op, path};
    cJSON *items;
    int rc = aws_paginate(r53i_page, &p, in, spec, &items, err);
    cJSON_Delete(in);
    return rc ? -1 : svc_read_items(items, &zone_shape, (void **)&out->items, &out->n);
}

int r53_list_hosted_zones(aws_client *c, int page_size, r53_zones *out, aws_error *err)
{
    cJSON *in = cJSON_CreateObject();
    if (page_size > 0) {
        char n[16];
        snprintf(n, sizeof n, "%d", page_size);
        cJSON_AddStringToObject(in, "maxitems", n);
    }
    aws_page_spec spec = {.in_token = "marker", .out_token = "NextMarker",
                          .truncated = "IsTruncated", .items = "HostedZones"};
    return list_zones(c, "ListHostedZones", API "/hostedzone", in, &spec, out, err);
}

int r53_list_hosted_zones_by_name(aws_client *c, const char *dns_name, r53_zones *out,
                                  aws_error *err)
{
    cJSON *in = cJSON_CreateObject();
    svc_add_str(in, "dnsname", dns_name);
    aws_page_spec spec = {.in_token = "dnsname", .out_token = "NextDNSName",
                          .in_token2 = "hostedzoneid", .out_token2 = "NextHostedZoneId",
                          .truncated = "IsTruncated", .items = "HostedZones"};
    return list_zones(c, "ListHostedZonesByName", API "/hostedzonesbyname", in, &spec, out,
                      err);
}

char *r53i_change_id(const cJSON *o)
{
    const char *id = aws_json_str(cJSON_GetObjectItemCaseSensitive(o, "ChangeInfo"), "Id");
    return id ? xstrdup(r53i_bare(id)) : NULL;
}

int r53_delete_hosted_zone(aws_client *c, const char *zone_id, char **change_id,
                           aws_error *err)
{
    cJSON *o;
    char *path = r53i_path("/hostedzone/", zone_id, NULL);
    int rc = r53i_call(c, "DELETE", "DeleteHostedZone", path, NULL, NULL, NULL, NULL, &o, err);
    free(path);
    if (rc == 0 && change_id)
        *change_id = r53i_change_id(o);
    cJSON_Delete(o);
    return rc;
}

/* ---- names -------------------------------------------------------------------- */

char *r53_name_plain(const char *s)
{
    buf b = BUF_INIT;
    for (size_t i = 0; s && s[i]; i++) {
        if (s[i] == '\\' && s[i + 1] >= '0' && s[i + 1] <= '7' && s[i + 2] >= '0' &&
            s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
            buf_putc(&b, (char)((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0')));
            i += 3;
        } else {
            buf_putc(&b, (char)tolower((unsigned char)s[i]));
        }
    }
    char *out = buf_detach(&b);
    size_t n = strlen(out);
    if (n && out[n - 1] == '.')
        out[n - 1] = '\0';
    return out;
}

int r53_name_equal(const char *a, const char *b)
{
    char *x = r53_name_plain(a), *y = r53_name_plain(b);
    int eq = strcmp(x, y) == 0;
    free(x);
    free(y);
    return eq;
}

const r53_zone *r53_zone_for_name(const r53_zones *zones, const char *name, int *ambiguous)
{
    char *want = r53_name_plain(name);
    size_t wlen = strlen(want), best_len = 0;
    const r53_zone *best = NULL;
    int twins = 0;
    for (size_t i = 0; i < zones->n; i++) {
        const r53_zone *z = &zones->items[i];
        char *zn = r53_name_plain(z->name);
        size_t zl = strlen(zn);
        int holds = !z->private_zone && zl && zl <= wlen &&
                    strcmp(want + wlen - zl, zn) == 0 && (zl == wlen || want[wlen - zl - 1] == '.');
        if (holds && zl > best_len) {
            best = z, best_len = zl, twins = 0;
        } else if (holds && zl == best_len) {
            twins = 1;
        }
        free(zn);
    }
    free(want);
    if (ambiguous)
        *ambiguous = twins;
    return twins ? NULL : best;
}

/* ---- changes ---------------------------------------------------------------------- */

int r53_get_change(aws_client *c, const char *change_id, char **status, aws_error *err)
{
    cJSON *o;
    *status = NULL;
    char *path = r53i_path("/change/", change_id, NULL);
    int rc = r53i_call(c, "GET", "GetChange", path, NULL, NULL, NULL, NULL, &o, err);
    free(path);
    if (rc == 0)
        *status = svc_json_dup2(o, "ChangeInfo", "Status");
    cJSON_Delete(o);
    return rc;
}

static int poll_change(void *ctx, char *state, size_t size, aws_error *err)
{
    const svc_lookup *p = ctx;
    char *status;
    if (r53_get_change(p->c, p->id, &status, err) != 0)
        return -1;
    snprintf(state, size, "%s", status);
    int done = strcmp(status, "INSYNC") == 0;
    free(status);
    return done;
}

int r53_wait_change_insync(aws_client *c, const char *change_id, const aws_wait_opts *o,
                           aws_error *err)
{
    svc_lookup p = {.c = c, .id = change_id};
    return svc_waitf(o, 60, 30, poll_change, &p, err,
                     "Route 53 change %s to be INSYNC", r53i_bare(change_id));
}

/* ---- tags --------------------------------------------------------------------------- */

int r53_list_tags(aws_client *c, const char *zone_id, svc_tags *out, aws_error *err)
{
    cJSON *o;
    memset(out, 0, sizeof *out);
    char *path = r53i_path("/tags/hostedzone/", zone_id, NULL);
    int rc = r53i_call(c, "GET", "ListTagsForResource", path, NULL, NULL, NULL, NULL, &o, err);
    free(path);
    if (rc == 0)
        svc_json_tags(cJSON_GetObjectItemCaseSensitive(o, "ResourceTagSet"), "Tags", "Key", "Value",
                    out);
    cJSON_Delete(o);
    return rc;
}

int r53_list_tags_many(aws_client *c, const char *const *zone_ids, size_t n, svc_tags *out,
                       aws_error *err)
{
    if (n > R53_TAGS_AT_ONCE)
        return svc_refuse(err, "InvalidInput", "at most %d zones in one tag list, not %zu",
                          R53_TAGS_AT_ONCE, n);
    memset(out, 0, n * sizeof *out);
    if (n == 0)
        return 0;
    cJSON *b = cJSON_CreateObject(), *o;
    cJSON *ids = cJSON_AddArrayToObject(cJSON_AddObjectToObject(b, "ResourceIds"), "ResourceId");
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(ids, cJSON_CreateString(r53i_bare(zone_ids[i])));
    if (r53i_call(c, "POST", "ListTagsForResources", API "/tags/hostedzone", NULL,
                  "ListTagsForResourcesRequest", b, NULL, &o, err) != 0)
        return -1;
    const cJSON *set;
    cJSON_ArrayForEach(set, aws_json_array(o, "ResourceTagSets")) {
        const char *id = aws_json_str(set, "ResourceId");
        for (size_t i = 0; id && i < n; i++)
            if (strcmp(r53i_bare(zone_ids[i]), r53i_bare(id)) == 0 && !out[i].n)
                svc_json_tags(set, "Tags", "Key", "Value", &out[i]);
    }
    cJSON_Delete(o);
    return 0;
}

int r53_change_tags(aws_client *c, const char *zone_id, const svc_tags *add,
                    const svc_strings *remove_keys, aws_error *err)
{
    cJSON *b = cJSON_CreateObject();
    if (add && add->n) /* <AddTags><Tag>…</Tag><Tag>…</Tag></AddTags> */
        cJSON_AddItemToObject(cJSON_AddObjectToObject(b, "AddTags"), "Tag",
                              svc_tags_json(add, "Key", "Value"));
    if (remove_keys && remove_keys->n) {
        cJSON_AddItemToObject(cJSON_AddObjectToObject(b, "RemoveTagKeys"), "Key",
                              svc_strings_json(remove_keys));
    }
    char *path = r53i_path("/tags/hostedzone/", zone_id, NULL);
    int rc = r53i_call(c, "POST", "ChangeTagsForResource", path, NULL,
                       "ChangeTagsForResourceRequest", b, NULL, NULL, err);
    free(path);
    return rc;
}
