/*
 * Sites: a bucket of the stack served through a CloudFront distribution that reads it with
 * the site's origin access control (oac.c), HTTPS only (HTTP redirected), cached with
 * CloudFront's CachingOptimized policy; a single-page app answers 403 and 404 with its
 * root object. The bucket's policy gets one statement for the site (its Sid,
 * site_grant_sid) allowing s3:GetObject to cloudfront.amazonaws.com on condition that
 * AWS:SourceArn is this distribution, merged with the bucket's other statements
 * (bucket_policy.c).
 *
 * A distribution takes minutes to deploy on AWS: create and update wait for Deployed,
 * showing progress; every change names the ETag it read (PreconditionFailed: read again);
 * a deletion disables, waits for Deployed, then deletes with the latest ETag, and takes
 * the statement out of the bucket's policy (the bucket itself is the bucket kind's, kept
 * when `keep`).
 *
 * A site's domain gets a certificate and a name the way a load balancer's do (dns_internal.h):
 * with `certificate: auto` a DNS-validated one in us-east-1 (the only region CloudFront
 * reads), and A/AAAA alias records to the distribution; the record is deleted before the
 * distribution, the certificate after it.
 *
 * Properties: comment, enabled, bucket, origin {domain, path, oac}, default_root_object,
 * spa, aliases (unordered), certificate, price_class, headers_policy (the id of the site's
 * response headers policy, headers_policy.c; "" none), grant; actual attributes add
 * domain_name, url, distribution_id, arn, status. Discovery is site_read.c.
 */
#include <stdlib.h>
#include <string.h>

#include "app_internal.h"
#include "bucket_internal.h"
#include "ci_policy_internal.h"
#include "clock.h"
#include "dns_internal.h"
#include "site_internal.h"
#include "stack_names.h"
#include "xalloc.h"

/* Changes that meet another writer's ETag are read and sent again this many times. */
#define ETAG_TRIES 4

static const char *const price_names[] = {"PriceClass_All", "PriceClass_200", "PriceClass_100"};

/* ---- building ------------------------------------------------------------------------- */

/* What a site's properties say about its bucket (NULL: not known yet): its name, the
 * origin's domain, the grant in its policy, and the label. */
static void set_bucket(const res_graph *g, res_node *n, const char *bucket)
{
    const stack_site *x = n->model;
    cJSON *d = n->desired, *origin = cJSON_GetObjectItem(d, "origin");
    char *domain = bucket ? cf_s3_origin_domain(bucket, g->region) : NULL;
    char *grant = bucket ? site_grant_text(g->partition, bucket, x->path) : NULL;
    cJSON_DeleteItemFromObject(d, "bucket");
    cJSON_DeleteItemFromObject(d, "grant");
    cJSON_DeleteItemFromObject(origin, "domain");
    cJSON_AddItemToObject(d, "bucket", bucket ? cJSON_CreateString(bucket) : cJSON_CreateNull());
    cJSON_AddItemToObject(origin, "domain", domain ? cJSON_CreateString(domain) : cJSON_CreateNull());
    cJSON_AddItemToObject(d, "grant", grant ? cJSON_CreateString(grant) : cJSON_CreateNull());
    free(n->label);
    n->label = xasprintf("site %s (CloudFront for bucket %s%s)", x->name,
                         bucket ? bucket : x->bucket, x->path ? x->path : "");
    free(domain);
    free(grant);
}

/* Once the buckets have their names (the bucket kind's after_discover runs first: it is
 * earlier in the registry): the sites of default-named buckets learn theirs. */
static int after_discover(res_ctx *ctx, aws_error *err)
{
    (void)err;
    for (size_t i = 0; ctx->graph && i < ctx->graph->n; i++) {
        res_node *n = ctx->graph->nodes[i];
        if (n->kind != &res_kind_site || !n->desired ||
            cJSON_IsString(cJSON_GetObjectItem(n->desired, "bucket")))
            continue;
        const stack_site *x = n->model;
        char *id = xasprintf("bucket/%s", x->bucket);
        const res_node *b = res_graph_find(ctx->graph, id);
        const cJSON *name = b && b->desired ? cJSON_GetObjectItem(b->desired, "name") : NULL;
        free(id);
        if (cJSON_IsString(name)) {
            pthread_mutex_lock(&ctx->lock);
            set_bucket(ctx->graph, n, name->valuestring);
            pthread_mutex_unlock(&ctx->lock);
        }
    }
    return 0;
}

/* The site's name in DNS: A and AAAA alias records (IPv6 is on) to the distribution, under
 * the zone every distribution's alias lives in. */
static void add_record(res_graph *g, res_node *site, const stack_site *x)
{
    char *what = xasprintf("site %s", x->name);
    res_node *r = dnsres_add_record(g, x->domain, res_ref(site->id, "domain_name"),
                                    cJSON_CreateString(CF_ALIAS_ZONE_ID), cJSON_CreateString("dualstack"),
                                    site, what);
    r->model = x;
    free(what);
}

static int build(res_graph *g, const stack_model *s)
{
    for (size_t i = 0; i < s->nsites; i++) {
        const stack_site *x = &s->sites[i];
        const stack_bucket *b = stack_find_bucket(s, x->bucket);
        char *bucket_id = xasprintf("bucket/%s", x->bucket);
        char *oac_id = xasprintf("oac/%s", x->name);
        res_node *bucket = res_graph_find(g, bucket_id), *oac = res_graph_find(g, oac_id);
        if (!b || !bucket || !oac) {
            free(bucket_id);
            free(oac_id);
            return res_graph_fail(g, "site %s: its bucket %s or origin access control is not in the "
                                  "graph", x->name, x->bucket);
        }
        cJSON *d = cJSON_CreateObject();
        char *comment = stack_name_site_comment(s->name, x->name);
        cJSON_AddStringToObject(d, "comment", comment);
        cJSON_AddBoolToObject(d, "enabled", 1);
        cJSON *origin = cJSON_AddObjectToObject(d, "origin");
        cJSON_AddStringToObject(origin, "path", x->path ? x->path : "");
        cJSON_AddItemToObject(origin, "oac", res_ref(oac_id, "id"));
        cJSON_AddStringToObject(d, "default_root_object", x->default_root_object);
        cJSON_AddBoolToObject(d, "spa", x->spa);
        cJSON *aliases = cJSON_AddArrayToObject(d, "aliases");
        if (x->domain)
            cJSON_AddItemToArray(aliases, cJSON_CreateString(x->domain));
        res_node *cert = NULL; /* before the site: nodes come after what they use */
        if (x->certificate_auto && x->domain) {
            char *owner = xasprintf("site-%s", x->name), *what = xasprintf("site %s", x->name);
            cert = dnsres_add_certificate(g, owner, &x->domain, 1, CF_CERTIFICATE_REGION, what);
            cJSON_AddItemToObject(d, "certificate", res_ref(cert->id, "arn"));
            free(what);
            free(owner);
        } else {
            cJSON_AddStringToObject(d, "certificate", x->certificate_arn ? x->certificate_arn : "");
        }
        cJSON_AddStringToObject(d, "price_class", price_names[x->price_class]);
        char *headers_id = xasprintf("headers/%s", x->name);
        res_node *headers = res_graph_find(g, headers_id);
        cJSON_AddItemToObject(d, "headers_policy", headers ? res_ref(headers_id, "id") : cJSON_CreateString(""));
        free(headers_id);
        res_node *n = res_graph_add(g, &res_kind_site, x->name, "", d);
        n->model = x;
        res_node_depend(n, bucket);
        res_node_depend(n, oac);
        if (cert)
            res_node_depend(n, cert);
        if (headers)
            res_node_depend(n, headers);
        if (x->domain)
            add_record(g, n, x);
        /* a default bucket name is known once the account is (after_discover) */
        set_bucket(g, n, b->bucket_name);
        free(comment);
        free(bucket_id);
        free(oac_id);
    }
    return 0;
}

/* ---- the configuration from the desired properties ------------------------------------- */

typedef struct {
    cf_config cfg;
    cf_origin origin;
    cf_error_response errors[2];
    char *page;
} site_config;

/* What the stack manages of a distribution, from (resolved) properties; strings borrowed
 * from d except the page. */
static void config_of(const cJSON *d, const char *caller_reference, site_config *sc)
{
    memset(sc, 0, sizeof *sc);
    const cJSON *o = cJSON_GetObjectItem(d, "origin");
    sc->origin = (cf_origin){.id = SITE_ORIGIN_ID,
                             .domain_name = (char *)res_prop_text(o, "domain"),
                             .path = (char *)res_prop_text(o, "path"),
                             .oac_id = (char *)res_prop_text(o, "oac")};
    cf_config *c = &sc->cfg;
    c->caller_reference = (char *)caller_reference;
    c->comment = (char *)res_prop_text(d, "comment");
    c->enabled = cJSON_IsTrue(cJSON_GetObjectItem(d, "enabled"));
    c->origins = &sc->origin;
    c->norigins = 1;
    c->target_origin = SITE_ORIGIN_ID;
    c->viewer_protocol = "redirect-to-https";
    c->cache_policy = CF_CACHING_OPTIMIZED;
    c->compress = 1;
    c->default_root_object = (char *)res_prop_text(d, "default_root_object");
    const cJSON *a;
    cJSON_ArrayForEach(a, cJSON_GetObjectItem(d, "aliases")) svc_strings_add(&c->aliases, a->valuestring);
    c->certificate_arn = (char *)res_prop_text(d, "certificate");
    c->price_class = (char *)res_prop_text(d, "price_class");
    c->response_headers_policy = (char *)res_prop_text(d, "headers_policy");
    c->ipv6 = 1;
    if (cJSON_IsTrue(cJSON_GetObjectItem(d, "spa"))) {
        /* a missing object is 403 through an origin access control without s3:ListBucket */
        sc->page = xasprintf("/%s", c->default_root_object);
        for (int i = 0; i < 2; i++)
            sc->errors[i] = (cf_error_response){.error_code = i ? 404 : 403, .response_code = 200,
                                                .page = sc->page, .min_ttl = -1};
        c->errors = sc->errors;
        c->nerrors = 2;
    }
}

static void config_free(site_config *sc)
{
    svc_strings_free(&sc->cfg.aliases);
    free(sc->page);
}

/* ---- the grant in the bucket policy ----------------------------------------------------- */

static const char *site_name(const res_node *n)
{
    return strchr(n->id, '/') + 1;
}

/* Put the site's statement in bucket's policy for the distribution dist_arn (NULL: take it
 * out). */
static int put_grant(res_ctx *ctx, const res_node *n, const char *bucket, const char *path,
                     const char *dist_arn, aws_error *err)
{
    char *sid = site_grant_sid(site_name(n));
    cJSON *st = NULL;
    if (dist_arn) {
        st = cJSON_CreateObject();
        cJSON_AddStringToObject(st, "Effect", "Allow");
        cJSON_AddStringToObject(cJSON_AddObjectToObject(st, "Principal"), "Service",
                                "cloudfront.amazonaws.com");
        cJSON_AddStringToObject(st, "Action", "s3:GetObject");
        char *resource = xasprintf("arn:%s:s3:::%s%s/*", res_partition(ctx), bucket, path);
        cJSON_AddStringToObject(st, "Resource", resource);
        free(resource);
        cJSON *cond = cJSON_AddObjectToObject(cJSON_AddObjectToObject(st, "Condition"), "StringEquals");
        cJSON_AddStringToObject(cond, "AWS:SourceArn", dist_arn);
    }
    int rc = bucket_policy_put(ctx, bucket, sid, st, err);
    if (rc != 0 && !dist_arn && aws_error_is(err, AWS_IS_NOT_FOUND)) { /* the bucket is gone */
        aws_error_clear(err);
        rc = 0;
    }
    cJSON_Delete(st);
    free(sid);
    return rc;
}

/* Grant d's bucket to the distribution when the grant is not what d asks (a: actual, or
 * NULL); take the grant out of a bucket the site no longer reads. */
static int sync_grant(res_ctx *ctx, const res_node *n, const cJSON *d, const cJSON *a,
                      const char *dist_arn, aws_error *err)
{
    const char *bucket = res_prop_text(d, "bucket");
    const char *path = res_prop_text(cJSON_GetObjectItem(d, "origin"), "path");
    const char *had = res_prop_text(a, "bucket");
    if (*had && strcmp(had, bucket) != 0 && put_grant(ctx, n, had, "", NULL, err) != 0)
        return -1;
    if (a && strcmp(res_prop_text(a, "grant"), res_prop_text(d, "grant")) == 0 && strcmp(had, bucket) == 0)
        return 0;
    return put_grant(ctx, n, bucket, path, dist_arn, err);
}

/* ---- waiting ---------------------------------------------------------------------------- */

typedef struct {
    const char *id;
    cf_distribution last;
} deploy_wait;

static int poll_deployed(res_ctx *ctx, res_node *n, void *ud, char *status, size_t len,
                         aws_error *err)
{
    (void)n;
    deploy_wait *w = ud;
    cf_distribution_free(&w->last);
    if (cf_get_distribution(ctx->aws, w->id, &w->last, err) != 0)
        return -1;
    snprintf(status, len, "%s", w->last.status);
    return strcmp(w->last.status, "Deployed") == 0;
}

/* Wait until the distribution is Deployed; *out (may be NULL) gets it as last read. */
static int wait_deployed(res_ctx *ctx, res_node *n, res_action action, const char *id,
                         cf_distribution *out, aws_error *err)
{
    deploy_wait w = {id, {0}};
    char what[200];
    snprintf(what, sizeof what, "CloudFront distribution %s to deploy to the edge locations "
             "(minutes on AWS)", id);
    int rc = res_wait(ctx, n, action, what, poll_deployed, &w, err);
    if (rc == 0 && out)
        *out = w.last;
    else
        cf_distribution_free(&w.last);
    return rc;
}

/* Read the distribution and the grant again into n. */
static int refresh(res_ctx *ctx, res_node *n, const cf_distribution *d, aws_error *err)
{
    const char *bucket = res_prop_text(n->desired, "bucket");
    char *policy = NULL;
    if (bucket_policy_read(ctx, bucket, &policy, err) != 0)
        return -1;
    char *sid = site_grant_sid(site_name(n));
    char *grant = site_grant_found(policy, sid, d->arn);
    res_node_set(ctx, n, d->id, site_props(d, bucket, grant));
    free(grant);
    free(sid);
    free(policy);
    return 0;
}

/* ---- changing --------------------------------------------------------------------------- */

/* After CloudFront took a create or an update (d, had: what the node had before, NULL
 * for a create): the bucket's grant, the wait for Deployed, and the node recorded from
 * what that shows. */
static int finish(res_ctx *ctx, res_node *n, res_action action, const cJSON *had,
                  const cf_distribution *d, aws_error *err)
{
    int rc = sync_grant(ctx, n, n->desired, had, d->arn, err);
    cf_distribution deployed;
    if (rc == 0)
        rc = wait_deployed(ctx, n, action, d->id, &deployed, err);
    if (rc == 0) {
        rc = refresh(ctx, n, &deployed, err);
        cf_distribution_free(&deployed);
    }
    return rc;
}

static int create(res_ctx *ctx, res_node *n, aws_error *err)
{
    /* unique for every distribution ever made (CloudFront never takes one twice); the same
     * across the retries of this one call, which find a create whose answer was lost */
    char stamp[64], ref[37];
    snprintf(stamp, sizeof stamp, "%.6f", util_now());
    res_app_token(ctx->stack_name, n->id, stamp, ref);
    site_config sc;
    config_of(n->desired, ref, &sc);
    svc_tags tags;
    res_tags_list(ctx, n, &tags);
    cf_distribution d;
    int rc = cf_create_distribution(ctx->aws, &sc.cfg, &tags, &d, err);
    svc_tags_free(&tags);
    config_free(&sc);
    if (rc != 0)
        return -1;
    /* it exists now: should the grant or the wait fail, the rollback deletes it */
    res_node_set(ctx, n, d.id, site_props(&d, res_prop_text(n->desired, "bucket"), ""));
    rc = finish(ctx, n, RES_CREATE, NULL, &d, err);
    cf_distribution_free(&d);
    return rc;
}

/* Send the desired configuration over the current one, read again while another change
 * keeps invalidating the ETag. *out: the distribution as updated. */
static int send_config(res_ctx *ctx, res_node *n, cf_distribution *out, aws_error *err)
{
    for (int attempt = 1;; attempt++) {
        cJSON *doc;
        char *etag;
        if (cf_get_distribution_config(ctx->aws, n->physical_id, &doc, &etag, err) != 0)
            return -1;
        site_config sc;
        config_of(n->desired, NULL, &sc);
        cf_config_apply(doc, &sc.cfg);
        int rc = cf_update_distribution(ctx->aws, n->physical_id, etag, doc, out, err);
        config_free(&sc);
        cJSON_Delete(doc);
        free(etag);
        if (rc == 0 || !aws_error_is(err, AWS_IS_BUSY) || attempt >= ETAG_TRIES)
            return rc;
        res_event(ctx, n, RES_UPDATE, RES_EV_PROGRESS, "changed meanwhile (%s): reading it again",
                  err->code);
    }
}

static int update(res_ctx *ctx, res_node *n, aws_error *err)
{
    cf_distribution d;
    if (send_config(ctx, n, &d, err) != 0)
        return -1;
    int rc = finish(ctx, n, RES_UPDATE, n->actual, &d, err);
    cf_distribution_free(&d);
    return rc;
}

/* Disable (when it is not), wait for Deployed, delete with the ETag the wait read; again
 * when someone changed it in between. */
static int remove_site(res_ctx *ctx, res_node *n, aws_error *err)
{
    int rc = 0;
    for (int attempt = 1; rc == 0; attempt++) {
        cf_distribution d, deployed;
        if (cf_get_distribution(ctx->aws, n->physical_id, &d, err) != 0) {
            rc = aws_error_is(err, AWS_IS_NOT_FOUND) ? 1 : -1;
            break;
        }
        if (d.config.enabled) {
            res_event(ctx, n, RES_DELETE, RES_EV_PROGRESS, "disabling the distribution first");
            rc = cf_disable_distribution(ctx->aws, n->physical_id, NULL, err);
        }
        cf_distribution_free(&d);
        if (rc == 0)
            rc = wait_deployed(ctx, n, RES_DELETE, n->physical_id, &deployed, err);
        if (rc != 0)
            break;
        rc = cf_delete_distribution(ctx->aws, n->physical_id, deployed.etag, err);
        cf_distribution_free(&deployed);
        if (rc == 0 || aws_error_is(err, AWS_IS_NOT_FOUND)) {
            rc = 1;
            break;
        }
        /* PreconditionFailed, DistributionNotDisabled: changed since it was read */
        if (!aws_error_is(err, AWS_IS_BUSY) || attempt >= ETAG_TRIES)
            break;
        rc = 0;
    }
    if (rc < 0)
        return -1;
    const char *bucket = res_prop_text(n->actual, "bucket");
    return *bucket ? put_grant(ctx, n, bucket, "", NULL, err) : 0;
}

/* ---- status ------------------------------------------------------------------------------ */

static int status(res_ctx *ctx, res_node *n, cJSON *out, aws_error *err)
{
    (void)err;
    const cJSON *a = n->actual;
    const char *state = res_prop_text(a, "status");
    cJSON_AddStringToObject(out, "deployment", state);
    cJSON_AddStringToObject(out, "domain_name", res_prop_text(a, "domain_name"));
    cJSON_AddStringToObject(out, "url", res_prop_text(a, "url"));
    int enabled = cJSON_IsTrue(cJSON_GetObjectItem(a, "enabled"));
    /* status may read a site before the bucket's default name is known: then the grant it
     * must have is the one for the bucket it serves now */
    const stack_site *x = n->model;
    char *own = NULL;
    const char *want = res_prop_text(n->desired, "grant");
    if (n->desired && !*want && *res_prop_text(a, "bucket") && x)
        want = own = site_grant_text(ctx->graph->partition, res_prop_text(a, "bucket"), x->path);
    int granted = n->desired && strcmp(res_prop_text(a, "grant"), want) == 0;
    free(own);
    res_status_summary(out, enabled && (!n->desired || granted), "%s%s, %s%s",
                       enabled ? "" : "disabled, ", state, res_prop_text(a, "url"),
                       granted || !n->desired ? "" : " (the bucket policy does not grant it)");
    return 0;
}

static const char *const unordered[] = {"aliases", NULL};

static void ci_grant(ci_builder *b, int mine)
{
    READS(b, "cloudfront:ListDistributions");
    ci_allow(b, "cloudfront:GetDistribution cloudfront:ListTagsForResource",
             ci_one(ci_arn(b, "cloudfront", 0, "distribution/*")), NULL);
    if (mine)
        ci_by_tag(b, "cloudfront:CreateDistribution cloudfront:TagResource",
                  "cloudfront:GetDistributionConfig cloudfront:UpdateDistribution "
                  "cloudfront:DeleteDistribution",
                  ci_one(ci_arn(b, "cloudfront", 0, "distribution/*")));
}

const res_kind res_kind_site = {
    .name = "site",
    .title = "CloudFront site",
    .build = build,
    .discover = site_discover,
    .create = create,
    .update = update,
    .remove = remove_site,
    .unordered = unordered,
    .status = status,
    .after_discover = after_discover,
    .ci_grant = ci_grant,
};
