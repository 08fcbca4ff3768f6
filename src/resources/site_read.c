/*
 * Finding a stack's sites and reading them: ListDistributions (the stack's are those whose
 * comment is "ecsdeploy STACK site NAME") beside the bucket policies of the file's sites;
 * then each candidate's distribution and tags (which say it is the stack's) side by side.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bucket_internal.h"
#include "site_internal.h"
#include "stack_names.h"
#include "xalloc.h"

char *site_grant_sid(const char *site)
{
    /* a Sid is letters and digits: '-' (never upper case in a site name) becomes 'X' */
    char *sid = xasprintf("ecsdeploySite%s", site);
    for (char *p = sid; *p; p++)
        if (*p == '-')
            *p = 'X';
    return sid;
}

char *site_grant_text(const char *partition, const char *bucket, const char *path)
{
    return xasprintf("s3:GetObject on arn:%s:s3:::%s%s/*", partition, bucket,
                     path ? path : "");
}

static const char *first_string(const cJSON *v)
{
    if (cJSON_IsString(v))
        return v->valuestring;
    return cJSON_IsArray(v) && cJSON_IsString(v->child) && !v->child->next ? v->child->valuestring
                                                                          : NULL;
}

char *site_grant_found(const char *policy, const char *sid, const char *dist_arn)
{
    cJSON *st = bucket_policy_statement(policy, sid);
    if (!st)
        return xstrdup("");
    const char *action = first_string(cJSON_GetObjectItemCaseSensitive(st, "Action"));
    const char *resource = first_string(cJSON_GetObjectItemCaseSensitive(st, "Resource"));
    const cJSON *pr = cJSON_GetObjectItemCaseSensitive(st, "Principal");
    const char *service = first_string(cJSON_GetObjectItemCaseSensitive(pr, "Service"));
    const cJSON *eq = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(st, "Condition"), "StringEquals");
    const char *source = first_string(cJSON_GetObjectItemCaseSensitive(eq, "AWS:SourceArn"));
    const char *effect = first_string(cJSON_GetObjectItemCaseSensitive(st, "Effect"));
    char *out;
    if (!effect || strcmp(effect, "Allow") != 0 || !service ||
        strcmp(service, "cloudfront.amazonaws.com") != 0)
        out = xasprintf("a statement %s that is not CloudFront's grant", sid);
    else
        out = xasprintf("%s on %s%s%s", action ? action : "(several actions)",
                        resource ? resource : "(several resources)",
                        source && dist_arn && strcmp(source, dist_arn) == 0 ? "" : " for ",
                        source && dist_arn && strcmp(source, dist_arn) == 0
                            ? ""
                            : (source ? source : "any distribution"));
    cJSON_Delete(st);
    return out;
}

char *site_origin_bucket(const char *domain)
{
    const char *dot = domain ? strstr(domain, ".s3.") : NULL;
    if (!dot || dot == domain)
        return NULL;
    return xstrndup(domain, (size_t)(dot - domain));
}

static int is_spa(const cf_config *c)
{
    if (!c->default_root_object || !*c->default_root_object || c->nerrors == 0)
        return 0;
    char *page = xasprintf("/%s", c->default_root_object);
    int seen403 = 0, seen404 = 0, other = 0;
    for (size_t i = 0; i < c->nerrors; i++) {
        const cf_error_response *e = &c->errors[i];
        int same = e->response_code == 200 && e->page && strcmp(e->page, page) == 0;
        seen403 |= e->error_code == 403 && same;
        seen404 |= e->error_code == 404 && same;
        other |= !same;
    }
    free(page);
    return seen403 && seen404 && !other;
}

cJSON *site_props(const cf_distribution *d, const char *bucket, const char *grant)
{
    const cf_config *c = &d->config;
    const cf_origin *o = NULL;
    for (size_t i = 0; i < c->norigins; i++)
        if (strcmp(c->origins[i].id, SITE_ORIGIN_ID) == 0)
            o = &c->origins[i];
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "comment", c->comment);
    cJSON_AddBoolToObject(p, "enabled", c->enabled);
    cJSON_AddStringToObject(p, "bucket", bucket ? bucket : "");
    cJSON *origin = cJSON_AddObjectToObject(p, "origin");
    cJSON_AddStringToObject(origin, "domain", o ? o->domain_name : "");
    cJSON_AddStringToObject(origin, "path", o ? o->path : "");
    cJSON_AddStringToObject(origin, "oac", o ? o->oac_id : "");
    cJSON_AddStringToObject(p, "default_root_object", c->default_root_object);
    cJSON_AddBoolToObject(p, "spa", is_spa(c));
    cJSON *aliases = cJSON_AddArrayToObject(p, "aliases");
    for (size_t i = 0; i < c->aliases.n; i++)
        cJSON_AddItemToArray(aliases, cJSON_CreateString(c->aliases.items[i]));
    cJSON_AddStringToObject(p, "certificate", c->certificate_arn);
    cJSON_AddStringToObject(p, "price_class", *c->price_class ? c->price_class : "PriceClass_All");
    cJSON_AddStringToObject(p, "headers_policy", c->response_headers_policy ? c->response_headers_policy : "");
    cJSON_AddStringToObject(p, "grant", grant ? grant : "");
    /* what references and status read */
    cJSON_AddStringToObject(p, "domain_name", d->domain_name);
    char *url = xasprintf("https://%s", c->aliases.n ? c->aliases.items[0] : d->domain_name);
    cJSON_AddStringToObject(p, "url", url);
    free(url);
    cJSON_AddStringToObject(p, "distribution_id", d->id);
    cJSON_AddStringToObject(p, "arn", d->arn);
    cJSON_AddStringToObject(p, "status", d->status);
    return p;
}

int site_adopted(int found, const char *code, const char *what, const char *name,
                 aws_error *err)
{
    if (found == 0)
        aws_error_set(err, AWS_ERR_INPUT, code, "the account already has %s named %s that is not "
                      "this stack's; rename the site or the other one", what, name);
    return found > 0 ? 0 : -1;
}

char *site_owner(const char *stack, const char *name, const char *text)
{
    char *prefix = stack_name_site_comment(stack, "");
    char *site = NULL;
    size_t len = strlen(prefix);
    if (strncmp(text, prefix, len) == 0 && text[len] && !stack_check_logical_name(text + len)) {
        char *want = stack_name_site_oac(stack, text + len);
        if (strcmp(want, name) == 0)
            site = xstrdup(text + len);
        free(want);
    }
    free(prefix);
    return site;
}

static int poll_delete(res_ctx *ctx, res_node *n, void *ud, char *status, size_t len, aws_error *err)
{
    const site_cf_object *o = ud;
    char *etag = NULL;
    if (o->etag(ctx->aws, n->physical_id, &etag, err) != 0)
        return aws_error_is(err, AWS_IS_NOT_FOUND) ? 1 : -1;
    int rc = o->del(ctx->aws, n->physical_id, etag, err);
    free(etag);
    /* in use: named still; busy: changed meanwhile */
    return res_delete_tried(rc, err, AWS_IS_BUSY, status, len);
}

int site_delete_unused(res_ctx *ctx, res_node *n, const site_cf_object *o, aws_error *err)
{
    char *waiting = xasprintf("no distribution to use the %s", o->what);
    int rc = res_wait(ctx, n, RES_DELETE, waiting, poll_delete, (void *)o, err);
    free(waiting);
    return rc;
}

/* ---- discovery ------------------------------------------------------------------------ */

typedef struct {
    res_ctx *ctx;
    svc_strings buckets;   /* the file's sites' buckets, then those of the candidates */
    char **policies;       /* per bucket: its policy (NULL: none) */
    cf_summaries listed;
    size_t *candidates;    /* indexes into listed */
    size_t ncandidates;
    cf_distribution *dists; /* per candidate */
    svc_tags *tags;         /* per candidate */
    res_found_list *out;
} discovery;

static size_t bucket_index(discovery *d, const char *bucket)
{
    for (size_t i = 0; i < d->buckets.n; i++)
        if (strcmp(d->buckets.items[i], bucket) == 0)
            return i;
    svc_strings_add(&d->buckets, bucket);
    return d->buckets.n - 1;
}

static int read_policy(discovery *d, size_t i, aws_error *err)
{
    int rc = bucket_policy_read(d->ctx, d->buckets.items[i], &d->policies[i], err);
    if (rc != 0 && aws_error_is(err, AWS_IS_NOT_FOUND | AWS_IS_DENIED)) {
        aws_error_clear(err); /* no such bucket (yet), or not ours: no grant */
        rc = 0;
    }
    return rc;
}

/* Round one: job 0 lists the distributions, the others read the file's buckets' policies. */
static int round_one(void *ud, size_t i, aws_error *err)
{
    discovery *d = ud;
    if (i == 0)
        return cf_list_distributions(d->ctx->aws, 0, &d->listed, err);
    return read_policy(d, i - 1, err);
}

/* Round two: per candidate its distribution and its tags; then policies not read yet. A
 * distribution deleted since the list is no candidate any more. */
typedef struct {
    discovery *d;
    size_t first_policy; /* the buckets read in this round start here */
} round_two_ctx;

static int round_two(void *ud, size_t i, aws_error *err)
{
    round_two_ctx *r = ud;
    discovery *d = r->d;
    int rc;
    if (i < d->ncandidates)
        rc = cf_get_distribution(d->ctx->aws, d->listed.items[d->candidates[i]].id, &d->dists[i],
                                 err);
    else if (i < 2 * d->ncandidates)
        rc = cf_list_tags_for_resource(d->ctx->aws,
                                       d->listed.items[d->candidates[i - d->ncandidates]].arn,
                                       &d->tags[i - d->ncandidates], err);
    else
        return read_policy(d, r->first_policy + i - 2 * d->ncandidates, err);
    rc = res_not_found_ok(rc, err);
    return rc;
}


static int run_all(size_t n, res_each_fn fn, void *ud, aws_error *err)
{
    int *rcs = xcalloc(n + 1, sizeof *rcs);
    aws_error *errs = xcalloc(n + 1, sizeof *errs);
    res_parallel_all(n, RES_READS_AT_ONCE, fn, ud, rcs, errs);
    int rc = res_parallel_first_failure(n, rcs, errs, err);
    free(rcs);
    free(errs);
    return rc;
}

static void report(discovery *d, size_t k)
{
    const cf_distribution *dist = &d->dists[k];
    const char *id = res_tags_node(d->ctx, &d->tags[k]);
    if (!dist->id || !*dist->id || !id || strncmp(id, "site/", 5) != 0)
        return;
    const cf_origin *o = NULL;
    for (size_t i = 0; i < dist->config.norigins; i++)
        if (strcmp(dist->config.origins[i].id, SITE_ORIGIN_ID) == 0)
            o = &dist->config.origins[i];
    char *bucket = o ? site_origin_bucket(o->domain_name) : NULL;
    char *sid = site_grant_sid(id + 5);
    char *grant = bucket ? site_grant_found(d->policies[bucket_index(d, bucket)], sid, dist->arn)
                         : xstrdup("");
    res_found_add(d->out, id, dist->id, site_props(dist, bucket, grant));
    free(grant);
    free(sid);
    free(bucket);
}

int site_discover(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    discovery d = {.ctx = ctx, .out = out};
    for (size_t i = 0; ctx->graph && i < ctx->graph->n; i++) {
        const res_node *n = ctx->graph->nodes[i];
        if (n->kind != &res_kind_site || !n->desired)
            continue;
        const stack_site *x = n->model;
        char *id = xasprintf("bucket/%s", x->bucket);
        const res_node *b = res_graph_find(ctx->graph, id);
        free(id);
        char *name = b ? bucket_name_of(ctx, b, err) : NULL;
        if (!name) {
            svc_strings_free(&d.buckets);
            return -1;
        }
        bucket_index(&d, name);
        free(name);
    }
    size_t known = d.buckets.n;
    d.policies = xcalloc(known + 1, sizeof *d.policies);
    int rc = run_all(1 + known, round_one, &d, err);
    char *prefix = stack_name_site_comment(ctx->stack_name, "");
    d.candidates = xcalloc(d.listed.n + 1, sizeof *d.candidates);
    for (size_t i = 0; rc == 0 && i < d.listed.n; i++)
        if (strncmp(d.listed.items[i].comment, prefix, strlen(prefix)) == 0)
            d.candidates[d.ncandidates++] = i;
    free(prefix);
    /* the buckets of sites the file no longer has, read beside their distributions */
    for (size_t i = 0; rc == 0 && i < d.ncandidates; i++) {
        const cf_summary *s = &d.listed.items[d.candidates[i]];
        char *b = s->origins.n ? site_origin_bucket(s->origins.items[0]) : NULL;
        if (b)
            bucket_index(&d, b);
        free(b);
    }
    d.policies = xrealloc(d.policies, (d.buckets.n + 1) * sizeof *d.policies);
    for (size_t i = known; i < d.buckets.n; i++)
        d.policies[i] = NULL;
    d.dists = xcalloc(d.ncandidates + 1, sizeof *d.dists);
    d.tags = xcalloc(d.ncandidates + 1, sizeof *d.tags);
    round_two_ctx r = {&d, known};
    if (rc == 0 && d.ncandidates + (d.buckets.n - known) > 0)
        rc = run_all(2 * d.ncandidates + (d.buckets.n - known), round_two, &r, err);
    for (size_t i = 0; i < d.ncandidates; i++) {
        if (rc == 0)
            report(&d, i);
        cf_distribution_free(&d.dists[i]);
        svc_tags_free(&d.tags[i]);
    }
    for (size_t i = 0; i < d.buckets.n; i++)
        free(d.policies[i]);
    free(d.policies);
    free(d.dists);
    free(d.tags);
    free(d.candidates);
    cf_summaries_free(&d.listed);
    svc_strings_free(&d.buckets);
    return rc;
}
