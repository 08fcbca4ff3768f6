/* CloudFront: the call, origin access controls, distributions, the wait until Deployed, tags
 * (see cloudfront.h; configurations in cloudfront_config.c). */
#include "cloudfront_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws_form.h"
#include "aws_paginate.h"
#include "aws_xml.h"
#include "buf.h"
#include "xalloc.h"

#define API "/2020-05-31"
#define XMLNS "http://cloudfront.amazonaws.com/doc/2020-05-31/"

int cfi_call(aws_client *c, const char *op, const char *method, const char *path,
             const char *query, const char *if_match, const char *root, cJSON *body,
             const aws_lost_answer *guard, cJSON **out, aws_error *err)
{
    char *xml = body ? aws_xml_from_json(root, XMLNS, body) : NULL;
    char *full = xasprintf(API "%s", path);
    aws_rest_request r = {.service = "cloudfront", .operation = op, .method = method,
                          .path = full, .query = query, .if_match = if_match, .body = xml,
                          .body_len = xml ? strlen(xml) : 0};
    cJSON *o = NULL;
    int rc = aws_rest_xml_call(c, &r, guard, &o, err);
    free(xml);
    free(full);
    cJSON_Delete(body);
    return svc_call_end(rc, op, SVC_PREFIX, o, out, err);
}

/* GET /2020-05-31/<kind>/<id>: the answer with its ETag header in *out (cJSON_Delete). */
int cfi_get_one(aws_client *c, const char *op, const char *kind, const char *id, cJSON **out,
                aws_error *err)
{
    char *path = xasprintf("/%s/%s", kind, id ? id : "");
    int rc = cfi_call(c, op, "GET", path, NULL, NULL, NULL, NULL, NULL, out, err);
    free(path);
    return rc;
}

char *cfi_etag_of(const cJSON *out)
{
    const char *e = aws_json_str(cJSON_GetObjectItemCaseSensitive(out, "Headers"), "etag");
    return xstrdup(e ? e : "");
}

char *cf_s3_origin_domain(const char *bucket, const char *region)
{
    return xasprintf("%s.s3.%s.amazonaws.com", bucket, region);
}

/* Every page of a Marker/NextMarker list: the <...List> answer's items, flattened. */
typedef struct {
    aws_client *c;
    const char *op, *path, *item;
    int page_size;
} page_ctx;

static int page_call(void *ctx, const cJSON *in, cJSON **output, aws_error *err)
{
    page_ctx *p = ctx;
    buf q = BUF_INIT;
    const char *marker = aws_json_str(in, "Marker");
    if (marker) {
        char *e = aws_form_escape(marker);
        buf_printf(&q, "Marker=%s", e);
        free(e);
    }
    if (p->page_size > 0)
        buf_printf(&q, "%sMaxItems=%d", q.len ? "&" : "", p->page_size);
    cJSON *o;
    int rc = cfi_call(p->c, p->op, "GET", p->path, q.len ? buf_str(&q) : NULL, NULL, NULL, NULL,
                      NULL, &o, err);
    buf_free(&q);
    if (rc != 0)
        return -1;
    cJSON *items = cJSON_CreateArray();
    const cJSON *e;
    for (int i = 0; (e = cf_item_at(o, p->item, i)); i++)
        cJSON_AddItemToArray(items, cJSON_Duplicate(e, 1));
    cJSON_DeleteItemFromObjectCaseSensitive(o, "Items");
    cJSON_AddItemToObject(o, "Items", items);
    *output = o;
    return 0;
}

int cfi_list_all(aws_client *c, const char *op, const char *path, const char *item,
                 int page_size, cJSON **all, aws_error *err)
{
    page_ctx p = {c, op, path, item, page_size};
    aws_page_spec ps = {.in_token = "Marker", .out_token = "NextMarker",
                        .truncated = "IsTruncated", .items = "Items"};
    return aws_paginate(page_call, &p, NULL, &ps, all, err);
}

/* Every page, the items read with shape into {*out, *n} (emptied first). */
static int list_all(aws_client *c, const char *op, const char *path, const char *item,
                    int page_size, const svc_shape *shape, void **out, size_t *n,
                    aws_error *err)
{
    cJSON *all;
    *out = NULL;
    *n = 0;
    if (cfi_list_all(c, op, path, item, page_size, &all, err) != 0)
        return -1;
    return svc_read_items(all, shape, out, n);
}

/* ---- origin access controls ---------------------------------------------------------- */

/* An OAC list summary, or the config of an answer (with the same member names); "Id" and
 * the ETag header are only in answers' tops and lists. */
static const svc_shape oac_shape = SVC_SHAPE(cf_oac, NULL, NULL,
    SVC_FIELD("Id", SVC_STR, cf_oac, id),
    SVC_FIELD("Name", SVC_STR, cf_oac, name),
    SVC_FIELD("Description", SVC_STR, cf_oac, description),
    SVC_FIELD("OriginAccessControlOriginType", SVC_STR, cf_oac, origin_type),
    SVC_FIELD("SigningBehavior", SVC_STR, cf_oac, signing_behavior),
    SVC_FIELD("SigningProtocol", SVC_STR, cf_oac, signing_protocol),
    SVC_FIELD("Headers.etag", SVC_STR, cf_oac, etag));

SVC_DEFINE_FREE(cf_oac_free, cf_oac, oac_shape)
SVC_DEFINE_LIST_FREE(cf_oacs_free, cf_oacs, oac_shape)

/* An answer: its config, with the Id and ETag of the answer; the answer is deleted. */
static int read_oac_answer(cJSON *answer, cf_oac *o)
{
    svc_read(cJSON_GetObjectItemCaseSensitive(answer, "OriginAccessControlConfig"), &oac_shape, o);
    free(o->id);
    free(o->etag);
    o->id = svc_json_dup(answer, "Id");
    o->etag = cfi_etag_of(answer);
    cJSON_Delete(answer);
    return 0;
}

static cJSON *oac_config(const cf_oac_in *in)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "Name", in->name ? in->name : "");
    cJSON_AddStringToObject(j, "Description", in->description ? in->description : "");
    cJSON_AddStringToObject(j, "SigningProtocol", "sigv4");
    cJSON_AddStringToObject(j, "SigningBehavior",
                            in->signing_behavior ? in->signing_behavior : "always");
    cJSON_AddStringToObject(j, "OriginAccessControlOriginType",
                            in->origin_type ? in->origin_type : "s3");
    return j;
}

/* After a lost CreateOriginAccessControl answer: the one of that name, read again as the
 * create answers it. */
static int find_oac(void *ctx, cJSON **output, aws_error *err)
{
    svc_lookup *g = ctx;
    aws_client *c = g->c;
    cf_oacs all;
    if (cf_list_origin_access_controls(c, 0, &all, err) != 0)
        return -1;
    int found = 0;
    for (size_t i = 0; i < all.n && !found; i++) {
        if (strcmp(all.items[i].name, g->id) != 0)
            continue;
        found = cfi_get_one(c, "GetOriginAccessControl", "origin-access-control", all.items[i].id,
                        output, err) == 0 ? 1 : -1;
    }
    cf_oacs_free(&all);
    return found;
}

int cf_create_origin_access_control(aws_client *c, const cf_oac_in *in, cf_oac *out,
                                    aws_error *err)
{
    memset(out, 0, sizeof *out);
    svc_lookup g = {.c = c, .id = in->name ? in->name : ""};
    aws_lost_answer guard = {find_oac, &g};
    cJSON *o;
    if (cfi_call(c, "CreateOriginAccessControl", "POST", "/origin-access-control", NULL, NULL,
                 "OriginAccessControlConfig", oac_config(in), &guard, &o, err) != 0)
        return -1;
    return read_oac_answer(o, out);
}

int cf_get_origin_access_control(aws_client *c, const char *id, cf_oac *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *o;
    if (cfi_get_one(c, "GetOriginAccessControl", "origin-access-control", id, &o, err) != 0)
        return -1;
    return read_oac_answer(o, out);
}

int cf_update_origin_access_control(aws_client *c, const char *id, const char *etag,
                                    const cf_oac_in *in, cf_oac *out, aws_error *err)
{
    if (out)
        memset(out, 0, sizeof *out);
    char *path = xasprintf("/origin-access-control/%s/config", id);
    cJSON *o;
    int rc = cfi_call(c, "UpdateOriginAccessControl", "PUT", path, NULL, etag,
                      "OriginAccessControlConfig", oac_config(in), NULL, &o, err);
    free(path);
    if (rc == 0 && out)
        return read_oac_answer(o, out);
    cJSON_Delete(o);
    return rc;
}

int cf_delete_origin_access_control(aws_client *c, const char *id, const char *etag,
                                    aws_error *err)
{
    char *path = xasprintf("/origin-access-control/%s", id);
    int rc = cfi_call(c, "DeleteOriginAccessControl", "DELETE", path, NULL, etag, NULL, NULL,
                      NULL, NULL, err);
    free(path);
    return rc;
}

int cf_list_origin_access_controls(aws_client *c, int page_size, cf_oacs *out, aws_error *err)
{
    return list_all(c, "ListOriginAccessControls", "/origin-access-control",
                    "OriginAccessControlSummary", page_size, &oac_shape, (void **)&out->items,
                    &out->n, err);
}

/* ---- distributions ------------------------------------------------------------------- */

/* What ecsdeploy manages, read from the kept DistributionConfig. */
static void read_config(const cJSON *answer, void *item)
{
    (void)answer;
    cf_distribution *d = item;
    cf_config_read(d->doc, &d->config);
}

static void free_config(void *item)
{
    cf_config_free(&((cf_distribution *)item)->config);
}

/* An answer whose root is <Distribution> (with its ETag header). */
static const svc_shape distribution_shape = SVC_SHAPE(cf_distribution, read_config, free_config,
    SVC_FIELD("Id", SVC_STR, cf_distribution, id),
    SVC_FIELD("ARN", SVC_STR, cf_distribution, arn),
    SVC_FIELD("DomainName", SVC_STR, cf_distribution, domain_name),
    SVC_FIELD("Status", SVC_STR, cf_distribution, status),
    SVC_FIELD("LastModifiedTime", SVC_STR, cf_distribution, last_modified),
    SVC_FIELD("Headers.etag", SVC_STR, cf_distribution, etag),
    SVC_FIELD("DistributionConfig", SVC_RAW, cf_distribution, doc));

SVC_DEFINE_FREE(cf_distribution_free, cf_distribution, distribution_shape)

/* After a lost CreateDistribution answer: the distribution with that CallerReference, read
 * again as the create answers it. */
static int find_created(void *ctx, cJSON **output, aws_error *err)
{
    svc_lookup *g = ctx;
    cf_distribution d;
    int found;
    if (cf_find_distribution(g->c, g->id, g->id2, &d, &found, err) != 0)
        return -1;
    if (found) {
        found = cfi_get_one(g->c, "GetDistribution", "distribution", d.id, output, err) == 0 ? 1 : -1;
        cf_distribution_free(&d);
    }
    return found;
}

static cJSON *tag_items(const svc_tags *tags)
{
    cJSON *t = cJSON_CreateObject();
    cJSON_AddItemToObject(cJSON_AddObjectToObject(t, "Items"), "Tag",
                          svc_tags_json(tags, "Key", "Value"));
    return t;
}

int cf_create_distribution(aws_client *c, const cf_config *cfg, const svc_tags *tags,
                           cf_distribution *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    svc_lookup g = {.c = c, .id = cfg->caller_reference ? cfg->caller_reference : "",
                     .id2 = cfg->comment};
    aws_lost_answer guard = {find_created, &g};
    cJSON *body, *o;
    const char *root = "DistributionConfig", *query = NULL;
    if (tags && tags->n) {
        body = cJSON_CreateObject();
        cJSON_AddItemToObject(body, "DistributionConfig", cf_config_json(cfg));
        cJSON_AddItemToObject(body, "Tags", tag_items(tags));
        root = "DistributionConfigWithTags";
        query = "WithTags";
    } else {
        body = cf_config_json(cfg);
    }
    if (cfi_call(c, query ? "CreateDistributionWithTags" : "CreateDistribution", "POST",
                 "/distribution", query, NULL, root, body, &guard, &o, err) != 0)
        return -1;
    return svc_read_answer(o, NULL, &distribution_shape, out);
}

int cf_get_distribution(aws_client *c, const char *id, cf_distribution *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *o;
    return cfi_get_one(c, "GetDistribution", "distribution", id, &o, err)
               ? -1
               : svc_read_answer(o, NULL, &distribution_shape, out);
}

int cf_get_distribution_config(aws_client *c, const char *id, cJSON **doc, char **etag,
                               aws_error *err)
{
    *doc = NULL;
    *etag = NULL;
    char *cfg_id = xasprintf("%s/config", id);
    cJSON *o;
    int rc = cfi_get_one(c, "GetDistributionConfig", "distribution", cfg_id, &o, err);
    free(cfg_id);
    if (rc != 0)
        return -1;
    *etag = cfi_etag_of(o);
    cJSON_DeleteItemFromObjectCaseSensitive(o, "Headers");
    *doc = o;
    return 0;
}

int cf_update_distribution(aws_client *c, const char *id, const char *etag, const cJSON *doc,
                           cf_distribution *out, aws_error *err)
{
    if (out)
        memset(out, 0, sizeof *out);
    char *path = xasprintf("/distribution/%s/config", id);
    cJSON *o;
    int rc = cfi_call(c, "UpdateDistribution", "PUT", path, NULL, etag, "DistributionConfig",
                      cJSON_Duplicate(doc, 1), NULL, &o, err);
    free(path);
    if (rc == 0)
        return svc_read_answer(o, NULL, &distribution_shape, out);
    cJSON_Delete(o);
    return rc;
}

int cf_disable_distribution(aws_client *c, const char *id, cf_distribution *out,
                            aws_error *err)
{
    cJSON *doc;
    char *etag;
    if (cf_get_distribution_config(c, id, &doc, &etag, err) != 0)
        return -1;
    cJSON_ReplaceItemInObjectCaseSensitive(doc, "Enabled", cJSON_CreateBool(0));
    int rc = cf_update_distribution(c, id, etag, doc, out, err);
    cJSON_Delete(doc);
    free(etag);
    return rc;
}

int cf_delete_distribution(aws_client *c, const char *id, const char *etag, aws_error *err)
{
    char *path = xasprintf("/distribution/%s", id);
    int rc = cfi_call(c, "DeleteDistribution", "DELETE", path, NULL, etag, NULL, NULL, NULL, NULL,
                      err);
    free(path);
    return rc;
}

typedef struct {
    aws_client *c;
    const char *id;
    cf_distribution last;
} deploy_wait;

static int deployed_poll(void *ctx, char *state, size_t size, aws_error *err)
{
    deploy_wait *w = ctx;
    cf_distribution_free(&w->last);
    if (cf_get_distribution(w->c, w->id, &w->last, err) != 0)
        return -1;
    snprintf(state, size, "%s", w->last.status);
    return strcmp(w->last.status, "Deployed") == 0;
}

int cf_wait_distribution_deployed(aws_client *c, const char *id, const aws_wait_opts *o,
                                  cf_distribution *out, aws_error *err)
{
    deploy_wait w = {c, id, {0}};
    int rc = svc_waitf(o, 35, 60, deployed_poll, &w, err,
                       "CloudFront distribution %s to be deployed", id);
    if (rc == 0 && out)
        *out = w.last;
    else
        cf_distribution_free(&w.last);
    return rc;
}

/* The origins' domain names and the aliases, from their Items wrappers. */
static void read_names(const cJSON *e, void *item)
{
    cf_summary *s = item;
    const cJSON *x;
    const cJSON *origins = cJSON_GetObjectItemCaseSensitive(e, "Origins");
    const cJSON *aliases = cJSON_GetObjectItemCaseSensitive(e, "Aliases");
    for (int i = 0; (x = cf_item_at(origins, "Origin", i)); i++) {
        const char *d = aws_json_str(x, "DomainName");
        svc_strings_add(&s->origins, d ? d : "");
    }
    for (int i = 0; (x = cf_item_at(aliases, "CNAME", i)); i++)
        if (cJSON_IsString(x))
            svc_strings_add(&s->aliases, x->valuestring);
}

static const svc_shape summary_shape = SVC_SHAPE(cf_summary, read_names, NULL,
    SVC_FIELD("Id", SVC_STR, cf_summary, id),
    SVC_FIELD("ARN", SVC_STR, cf_summary, arn),
    SVC_FIELD("DomainName", SVC_STR, cf_summary, domain_name),
    SVC_FIELD("Status", SVC_STR, cf_summary, status),
    SVC_FIELD("Comment", SVC_STR, cf_summary, comment),
    SVC_FIELD("Enabled", SVC_BOOL, cf_summary, enabled),
    SVC_FIELD("", SVC_KEPT_STRINGS, cf_summary, origins),
    SVC_FIELD("", SVC_KEPT_STRINGS, cf_summary, aliases));

SVC_DEFINE_LIST_FREE(cf_summaries_free, cf_summaries, summary_shape)

int cf_list_distributions(aws_client *c, int page_size, cf_summaries *out, aws_error *err)
{
    return list_all(c, "ListDistributions", "/distribution", "DistributionSummary", page_size,
                    &summary_shape, (void **)&out->items, &out->n, err);
}

int cf_find_distribution(aws_client *c, const char *caller_reference, const char *comment,
                         cf_distribution *out, int *found, aws_error *err)
{
    memset(out, 0, sizeof *out);
    *found = 0;
    cf_summaries all;
    if (cf_list_distributions(c, 0, &all, err) != 0)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < all.n && !*found && rc == 0; i++) {
        if (comment && strcmp(all.items[i].comment, comment) != 0)
            continue;
        if ((rc = cf_get_distribution(c, all.items[i].id, out, err)) != 0)
            break;
        if (strcmp(out->config.caller_reference, caller_reference) == 0)
            *found = 1;
        else
            cf_distribution_free(out);
    }
    cf_summaries_free(&all);
    return rc;
}

/* ---- tags ------------------------------------------------------------------------------ */

static char *resource_query(const char *op, const char *arn)
{
    char *e = aws_form_escape(arn ? arn : "");
    char *q = op ? xasprintf("Operation=%s&Resource=%s", op, e) : xasprintf("Resource=%s", e);
    free(e);
    return q;
}

int cf_list_tags_for_resource(aws_client *c, const char *arn, svc_tags *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    char *q = resource_query(NULL, arn);
    cJSON *o;
    int rc = cfi_call(c, "ListTagsForResource", "GET", "/tagging", q, NULL, NULL, NULL, NULL, &o,
                      err);
    free(q);
    if (rc != 0)
        return -1;
    const cJSON *t;
    for (int i = 0; (t = cf_item_at(o, "Tag", i)); i++) {
        const char *k = aws_json_str(t, "Key");
        svc_tags_add(out, k ? k : "", aws_json_str(t, "Value"));
    }
    cJSON_Delete(o);
    return 0;
}

int cf_tag_resource(aws_client *c, const char *arn, const svc_tags *tags, aws_error *err)
{
    char *q = resource_query("Tag", arn);
    int rc = cfi_call(c, "TagResource", "POST", "/tagging", q, NULL, "Tags", tag_items(tags),
                      NULL, NULL, err);
    free(q);
    return rc;
}

int cf_untag_resource(aws_client *c, const char *arn, const char *const *keys, aws_error *err)
{
    char *q = resource_query("Untag", arn);
    cJSON *body = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(cJSON_AddObjectToObject(body, "Items"), "Key");
    for (size_t i = 0; keys && keys[i]; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateString(keys[i]));
    int rc = cfi_call(c, "UntagResource", "POST", "/tagging", q, NULL, "TagKeys", body, NULL,
                      NULL, err);
    free(q);
    return rc;
}
