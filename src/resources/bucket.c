/*
 * S3 buckets with their settings: public access block, default encryption, a TLS-only
 * bucket policy, lifecycle rules, versioning and tags, each read, compared and set on its
 * own. Names are deterministic: the file's `name:`, else STACK-BUCKET-HASH with a hash of
 * the account and region (stack_name_bucket), so that a default name is this account's
 * alone and found again without state. Discovery asks for the file's named buckets by
 * name, lists the account's STACK- buckets (in this region) and asks STS for the account
 * side by side, then reads the buckets those name.
 *
 * A bucket made under the default name of earlier versions, STACK-BUCKET, and tagged as
 * this node's is kept under that name (after_discover makes it the desired one), so an
 * upgrade neither orphans nor replaces it.
 *
 * Properties: name, block_public_access (bool), encryption {algorithm, kms_key},
 * tls_only (bool), versioning (bool), lifecycle [{prefix, expire_days, noncurrent_days}],
 * cors [{origins, methods, headers, expose_headers, max_age}], tags {…}; actual attributes
 * add arn and domain_name.
 *
 * The bucket policy is shared: the TLS-only statement is this kind's (its Sid), a site's
 * grant to its distribution is the site's (bucket_policy.c); each keeps the others'.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "app_internal.h"
#include "bucket_internal.h"
#include "ci_policy_internal.h"
#include "res.h"
#include "s3.h"
#include "stack_names.h"
#include "xalloc.h"

extern const res_kind res_kind_bucket;

#define TLS_SID "ecsdeployDenyInsecureTransport"

static cJSON *lifecycle_rule(const char *prefix, int expire, int noncurrent)
{
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "prefix", prefix ? prefix : "");
    cJSON_AddNumberToObject(r, "expire_days", expire);
    cJSON_AddNumberToObject(r, "noncurrent_days", noncurrent);
    return r;
}

static cJSON *encryption(const char *algorithm, const char *kms_key)
{
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "algorithm", algorithm);
    if (kms_key)
        cJSON_AddStringToObject(e, "kms_key", kms_key);
    return e;
}

static cJSON *strings(char *const *v, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
    return a;
}

/* A CORS rule as compared: every list present (maybe empty), max_age only when set. */
static cJSON *cors_rule(char *const *origins, size_t norigins, char *const *methods, size_t nmethods,
                        char *const *headers, size_t nheaders, char *const *expose, size_t nexpose,
                        long max_age)
{
    cJSON *r = cJSON_CreateObject();
    cJSON_AddItemToObject(r, "origins", strings(origins, norigins));
    cJSON_AddItemToObject(r, "methods", strings(methods, nmethods));
    cJSON_AddItemToObject(r, "headers", strings(headers, nheaders));
    cJSON_AddItemToObject(r, "expose_headers", strings(expose, nexpose));
    if (max_age >= 0)
        cJSON_AddNumberToObject(r, "max_age", (double)max_age);
    return r;
}

static int build(res_graph *g, const stack_model *s)
{
    for (size_t i = 0; i < s->nbuckets; i++) {
        const stack_bucket *b = &s->buckets[i];
        cJSON *d = cJSON_CreateObject();
        /* a default name is set once the account is known (after_discover) */
        if (b->bucket_name)
            cJSON_AddStringToObject(d, "name", b->bucket_name);
        else
            cJSON_AddNullToObject(d, "name");
        cJSON_AddBoolToObject(d, "block_public_access", b->block_public_access);
        cJSON_AddItemToObject(d, "encryption",
                              b->encryption == STACK_ENC_SSE_KMS ? encryption("aws:kms", b->kms_key)
                                                                : encryption("AES256", NULL));
        cJSON_AddBoolToObject(d, "tls_only", b->tls_only);
        cJSON_AddBoolToObject(d, "versioning", b->versioning);
        cJSON *lc = cJSON_AddArrayToObject(d, "lifecycle");
        for (size_t k = 0; k < b->nlifecycle; k++)
            cJSON_AddItemToArray(lc, lifecycle_rule(b->lifecycle[k].prefix, b->lifecycle[k].expire_days,
                                                    b->lifecycle[k].noncurrent_expire_days));
        cJSON *cors = cJSON_AddArrayToObject(d, "cors");
        for (size_t k = 0; k < b->ncors; k++) {
            const stack_cors_rule *r = &b->cors[k];
            cJSON_AddItemToArray(cors, cors_rule(r->origins, r->norigins, r->methods, r->nmethods,
                                                 r->headers, r->nheaders, r->expose_headers,
                                                 r->nexpose_headers, r->max_age));
        }
        char *label = b->bucket_name ? xasprintf("bucket %s", b->bucket_name)
                                     : xasprintf("bucket %s-%s-… (default name)", s->name, b->name);
        res_node *n = res_graph_add(g, &res_kind_bucket, b->name, label, d);
        /* tags: the standard ones, known once the node id is */
        cJSON *tags = cJSON_AddObjectToObject(d, "tags");
        for (size_t t = 0; t < s->ntags; t++)
            cJSON_AddStringToObject(tags, s->tags[t].name, s->tags[t].value);
        cJSON_AddStringToObject(tags, RES_TAG_STACK, s->name);
        cJSON_AddStringToObject(tags, RES_TAG_ID, n->id);
        n->model = b;
        n->keep = b->keep;
        free(label);
    }
    return 0;
}

/* ---- reading ----------------------------------------------------------------------- */

/* The bucket, or the setting asked for, is not there: err cleared, 1. */
static int absent(aws_error *err)
{
    if (!aws_error_is(err, AWS_IS_NOT_FOUND))
        return 0;
    aws_error_clear(err);
    return 1;
}

static int read_policy(res_ctx *ctx, const char *name, cJSON *p, aws_error *err)
{
    char *doc = NULL;
    if (s3_get_bucket_policy(ctx->aws, name, &doc, err) != 0) {
        if (!absent(err))
            return -1;
        cJSON_AddBoolToObject(p, "tls_only", 0);
        return 0;
    }
    cJSON *j = cJSON_Parse(doc);
    free(doc);
    int tls = 0;
    const cJSON *st;
    cJSON_ArrayForEach(st, cJSON_GetObjectItem(j, "Statement")) {
        const cJSON *sid = cJSON_GetObjectItem(st, "Sid");
        tls |= cJSON_IsString(sid) && strcmp(sid->valuestring, TLS_SID) == 0;
    }
    cJSON_Delete(j);
    cJSON_AddBoolToObject(p, "tls_only", tls);
    return 0;
}

static int read_lifecycle(res_ctx *ctx, const char *name, cJSON *p, aws_error *err)
{
    s3_lifecycle_rules rules = {0};
    cJSON *lc = cJSON_AddArrayToObject(p, "lifecycle");
    if (s3_get_bucket_lifecycle(ctx->aws, name, &rules, err) != 0)
        return absent(err) ? 0 : -1;
    for (size_t i = 0; i < rules.n; i++)
        cJSON_AddItemToArray(lc, lifecycle_rule(rules.items[i].prefix, rules.items[i].expiration_days,
                                                rules.items[i].noncurrent_days));
    s3_lifecycle_rules_free(&rules);
    return 0;
}

static int read_cors(res_ctx *ctx, const char *name, cJSON *p, aws_error *err)
{
    s3_cors_rules rules = {0};
    if (s3_get_bucket_cors(ctx->aws, name, &rules, err) != 0)
        return -1;
    cJSON *cors = cJSON_AddArrayToObject(p, "cors");
    for (size_t i = 0; i < rules.n; i++) {
        const s3_cors_rule *r = &rules.items[i];
        cJSON_AddItemToArray(cors, cors_rule(r->origins.items, r->origins.n, r->methods.items,
                                             r->methods.n, r->headers.items, r->headers.n,
                                             r->expose_headers.items, r->expose_headers.n,
                                             r->max_age));
    }
    s3_cors_rules_free(&rules);
    return 0;
}

static int read_public_access(res_ctx *ctx, const char *name, cJSON *p, aws_error *err)
{
    s3_public_access_block pab = {0};
    if (s3_get_public_access_block(ctx->aws, name, &pab, err) != 0 &&
        !absent(err))
        return -1;
    cJSON_AddBoolToObject(p, "block_public_access", pab.block_public_acls && pab.ignore_public_acls &&
                                                        pab.block_public_policy &&
                                                        pab.restrict_public_buckets);
    return 0;
}

static int read_encryption(res_ctx *ctx, const char *name, cJSON *p, aws_error *err)
{
    s3_encryption enc = {0};
    if (s3_get_bucket_encryption(ctx->aws, name, &enc, err) != 0) {
        if (!absent(err))
            return -1;
        cJSON_AddNullToObject(p, "encryption");
        return 0;
    }
    cJSON_AddItemToObject(p, "encryption", encryption(enc.algorithm ? enc.algorithm : "", enc.kms_key_id));
    s3_encryption_free(&enc);
    return 0;
}

static int read_versioning(res_ctx *ctx, const char *name, cJSON *p, aws_error *err)
{
    char *status = NULL;
    if (s3_get_bucket_versioning(ctx->aws, name, &status, err) != 0)
        return -1;
    cJSON_AddBoolToObject(p, "versioning", status && strcmp(status, "Enabled") == 0);
    free(status);
    return 0;
}

/* The settings, each its own call, in the order their members appear in the properties. */
typedef int (*setting_fn)(res_ctx *ctx, const char *name, cJSON *p, aws_error *err);
static const setting_fn settings[] = {read_public_access, read_encryption, read_policy,
                                      read_lifecycle, read_versioning, read_cors};
#define NSETTINGS (sizeof settings / sizeof settings[0])

typedef struct {
    res_ctx *ctx;
    const char *name;
    svc_tags *tags;
    cJSON *parts[NSETTINGS]; /* each setting's members */
} bucket_read;

static int read_part(void *ud, size_t i, aws_error *err)
{
    bucket_read *r = ud;
    if (i == 0)
        return s3_get_bucket_tagging(r->ctx->aws, r->name, r->tags, err);
    return settings[i - 1](r->ctx, r->name, r->parts[i - 1], err);
}

/* What a bucket's name gives: {name, arn, domain_name}. New object. */
static cJSON *attributes(res_ctx *ctx, const char *name)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "name", name);
    char *arn = xasprintf("arn:%s:s3:::%s", res_partition(ctx), name);
    cJSON_AddStringToObject(p, "arn", arn);
    free(arn);
    char *domain = xasprintf("%s.s3.%s.amazonaws.com%s", name, ctx->region ? ctx->region : "us-east-1",
                             strcmp(res_partition(ctx), "aws-cn") ? "" : ".cn");
    cJSON_AddStringToObject(p, "domain_name", domain);
    free(domain);
    return p;
}

/* Every setting of a bucket, read side by side; *tags receives its tags. A failure is
 * the first one in the order tags, then settings. */
static int read_bucket(res_ctx *ctx, const char *name, svc_tags *tags, cJSON **props, aws_error *err)
{
    bucket_read r = {.ctx = ctx, .name = name, .tags = tags};
    for (size_t i = 0; i < NSETTINGS; i++)
        r.parts[i] = cJSON_CreateObject();
    int rcs[1 + NSETTINGS];
    aws_error errs[1 + NSETTINGS];
    int rc = res_parallel_all(1 + NSETTINGS, 1 + NSETTINGS, read_part, &r, rcs, errs);
    for (size_t i = 0; rc != 0 && i < 1 + NSETTINGS; i++)
        if (rcs[i] != 0) {
            *err = errs[i];
            break;
        }
    cJSON *p = NULL;
    if (rc == 0) {
        p = attributes(ctx, name);
        for (size_t i = 0; i < NSETTINGS; i++)
            while (r.parts[i]->child) {
                cJSON *m = cJSON_DetachItemViaPointer(r.parts[i], r.parts[i]->child);
                cJSON_AddItemToObject(p, m->string, m);
            }
        cJSON *t = cJSON_AddObjectToObject(p, "tags");
        for (size_t i = 0; i < tags->n; i++)
            cJSON_AddStringToObject(t, tags->items[i].key, tags->items[i].value);
    }
    for (size_t i = 0; i < NSETTINGS; i++)
        cJSON_Delete(r.parts[i]);
    *props = p;
    return rc;
}

typedef struct {
    res_ctx *ctx;
    svc_strings names; /* the file's named buckets, then those named by the listing, the
                        * account's default names */
    size_t base;       /* the first name of the batch being read */
    size_t known;      /* names from `base` on at least this index are in the listing */
    const char *prefix;
    int want_account;  /* some bucket has the default name */
    s3_buckets listed;
    res_found_list *out;
} discovery;

/* Read one bucket if it exists: asked with HeadBucket, or known from the listing. */
static int discover_one(void *ud, size_t i, aws_error *err)
{
    discovery *d = ud;
    const char *name = d->names.items[d->base + i];
    int exists = d->base + i >= d->known;
    if (!exists && s3_head_bucket(d->ctx->aws, name, &exists, err) != 0)
        /* 403: the name is someone else's; create will say so */
        return aws_error_is(err, AWS_IS_DENIED) ? 0 : -1;
    if (!exists)
        return 0;
    svc_tags tags = {0};
    cJSON *props = NULL;
    int rc = read_bucket(d->ctx, name, &tags, &props, err);
    if (rc != 0 && absent(err))
        rc = 0; /* deleted meanwhile */
    const char *id = res_tags_node(d->ctx, &tags);
    if (rc == 0 && props && id) {
        res_found_add(d->out, id, name, props);
        props = NULL;
    }
    cJSON_Delete(props);
    svc_tags_free(&tags);
    return rc;
}

/* Job 0 lists the stack's buckets, job 1 asks for the account (when a default name needs
 * it); the others read the file's named buckets meanwhile. */
static int list_or_read(void *ud, size_t i, aws_error *err)
{
    discovery *d = ud;
    if (i == 0)
        return s3_list_buckets(d->ctx->aws, d->prefix, &d->listed, err);
    if (i == 1)
        return d->want_account && !res_account(d->ctx, err) ? -1 : 0;
    return discover_one(d, i - 2, err);
}

static const stack_bucket *model_of(const res_node *n)
{
    return n->kind == &res_kind_bucket && n->desired ? n->model : NULL;
}

/* The default name of node n's bucket (caller frees), or NULL when the file names it. */
static char *default_name(res_ctx *ctx, const res_node *n)
{
    const stack_bucket *b = model_of(n);
    if (!b || b->bucket_name || !ctx->account)
        return NULL;
    return stack_name_bucket(ctx->stack_name, b->name, ctx->account, ctx->region ? ctx->region : "");
}

char *bucket_name_of(res_ctx *ctx, const res_node *n, aws_error *err)
{
    const cJSON *name = n->desired ? cJSON_GetObjectItem(n->desired, "name") : NULL;
    if (cJSON_IsString(name))
        return xstrdup(name->valuestring);
    if (!res_account(ctx, err))
        return NULL;
    return default_name(ctx, n);
}

/* The second round: the default names (not listed: asked with HeadBucket), then the
 * listed buckets of this region not read yet (their tags say whose they are). */
static void second_round(discovery *d)
{
    res_ctx *ctx = d->ctx;
    svc_strings unlisted = {0}, inlist = {0};
    for (size_t i = 0; ctx->graph && i < ctx->graph->n; i++) {
        char *name = default_name(ctx, ctx->graph->nodes[i]);
        if (name && !svc_strings_has(&d->names, name)) {
            int in = 0;
            for (size_t k = 0; k < d->listed.n; k++)
                in |= !strcmp(d->listed.items[k].name, name);
            svc_strings_add(in ? &inlist : &unlisted, name);
        }
        free(name);
    }
    d->base = d->names.n;
    for (size_t i = 0; i < unlisted.n; i++)
        svc_strings_add(&d->names, unlisted.items[i]);
    d->known = d->names.n;
    for (size_t i = 0; i < inlist.n; i++)
        svc_strings_add(&d->names, inlist.items[i]);
    for (size_t i = 0; i < d->listed.n; i++) {
        const s3_bucket *b = &d->listed.items[i];
        /* S3 lists every region's buckets: another region's stack of this name is not ours */
        if (b->region && ctx->region && strcmp(b->region, ctx->region) != 0)
            continue;
        if (!svc_strings_has(&d->names, b->name))
            svc_strings_add(&d->names, b->name);
    }
    svc_strings_free(&unlisted);
    svc_strings_free(&inlist);
}

static int discover(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    discovery d = {.ctx = ctx, .out = out};
    for (size_t i = 0; ctx->graph && i < ctx->graph->n; i++) {
        const stack_bucket *b = model_of(ctx->graph->nodes[i]);
        if (b && b->bucket_name)
            svc_strings_add(&d.names, b->bucket_name);
        d.want_account |= b && !b->bucket_name;
    }
    char *prefix = stack_name_bucket_prefix(ctx->stack_name);
    d.prefix = prefix;
    d.known = d.names.n;
    size_t jobs = 2 + d.names.n;
    int *rcs = xcalloc(jobs, sizeof *rcs);
    aws_error *errs = xcalloc(jobs, sizeof *errs);
    int rc = res_parallel_all(jobs, RES_READS_AT_ONCE, list_or_read, &d, rcs, errs);
    for (size_t i = 0; rc != 0 && i < jobs; i++)
        if (rcs[i] != 0) {
            *err = errs[i];
            break;
        }
    if (rc == 0) {
        second_round(&d);
        rc = res_parallel(d.names.n - d.base, RES_READS_AT_ONCE, discover_one, &d, err);
    }
    free(rcs);
    free(errs);
    s3_buckets_free(&d.listed);
    free(prefix);
    svc_strings_free(&d.names);
    return rc;
}

/* Once every bucket is found: each default-named node's name. A bucket found for the
 * node under the default name of earlier versions (STACK-BUCKET) keeps that name, so an
 * upgrade does not replace it; any other name found becomes the default (a change). */
static int after_discover(res_ctx *ctx, aws_error *err)
{
    for (size_t i = 0; ctx->graph && i < ctx->graph->n; i++) {
        res_node *n = ctx->graph->nodes[i];
        const stack_bucket *b = model_of(n);
        if (!b || b->bucket_name)
            continue;
        if (!res_account(ctx, err))
            return -1;
        char *name = default_name(ctx, n);
        char *legacy = stack_name_bucket_legacy(ctx->stack_name, b->name);
        pthread_mutex_lock(&ctx->lock);
        const char *use = n->physical_id && !strcmp(n->physical_id, legacy) ? legacy : name;
        cJSON_ReplaceItemInObjectCaseSensitive(n->desired, "name", cJSON_CreateString(use));
        free(n->label);
        n->label = xasprintf("bucket %s", use);
        pthread_mutex_unlock(&ctx->lock);
        free(legacy);
        free(name);
    }
    return 0;
}

/* ---- changing ---------------------------------------------------------------------- */

static int want(const cJSON *desired, const char *member)
{
    return cJSON_IsTrue(cJSON_GetObjectItem(desired, member));
}

/* fresh: a bucket this run has just made, with no policy to read and keep */
static int set_tls_policy(res_ctx *ctx, const char *name, int on, int fresh, aws_error *err)
{
    cJSON *st = NULL;
    if (on) {
        char *doc = xasprintf(
            "{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":"
            "[\"arn:%s:s3:::%s\",\"arn:%s:s3:::%s/*\"],\"Condition\":{\"Bool\":"
            "{\"aws:SecureTransport\":\"false\"}}}",
            res_partition(ctx), name, res_partition(ctx), name);
        st = cJSON_Parse(doc);
        free(doc);
    }
    int rc = fresh ? bucket_policy_put_new(ctx, name, TLS_SID, st, err)
                   : bucket_policy_put(ctx, name, TLS_SID, st, err);
    cJSON_Delete(st);
    return rc;
}

static int set_cors(res_ctx *ctx, const char *name, const cJSON *cors, aws_error *err)
{
    size_t n = (size_t)cJSON_GetArraySize(cors);
    if (n == 0) /* none: the setting goes */
        return res_not_found_ok(s3_delete_bucket_cors(ctx->aws, name, err), err);
    s3_cors_rule *rules = xcalloc(n, sizeof *rules);
    size_t i = 0;
    const cJSON *r;
    cJSON_ArrayForEach(r, cors) {
        static const char *const lists[] = {"origins", "methods", "headers", "expose_headers"};
        svc_strings *to[] = {&rules[i].origins, &rules[i].methods, &rules[i].headers,
                             &rules[i].expose_headers};
        for (size_t k = 0; k < 4; k++) {
            const cJSON *v;
            cJSON_ArrayForEach(v, cJSON_GetObjectItem(r, lists[k])) svc_strings_add(to[k], v->valuestring);
        }
        const cJSON *age = cJSON_GetObjectItem(r, "max_age");
        rules[i].max_age = cJSON_IsNumber(age) ? (long)age->valuedouble : -1;
        i++;
    }
    int rc = s3_put_bucket_cors(ctx->aws, name, rules, n, err);
    for (i = 0; i < n; i++) {
        svc_strings_free(&rules[i].origins);
        svc_strings_free(&rules[i].methods);
        svc_strings_free(&rules[i].headers);
        svc_strings_free(&rules[i].expose_headers);
    }
    free(rules);
    return rc;
}

static int set_lifecycle(res_ctx *ctx, const char *name, const cJSON *lc, aws_error *err)
{
    size_t n = (size_t)cJSON_GetArraySize(lc);
    if (n == 0) /* none: the setting goes */
        return res_not_found_ok(s3_delete_bucket_lifecycle(ctx->aws, name, err), err);
    s3_lifecycle_rule *rules = xcalloc(n, sizeof *rules);
    char **ids = xcalloc(n, sizeof *ids);
    size_t i = 0;
    const cJSON *r;
    cJSON_ArrayForEach(r, lc) {
        ids[i] = xasprintf("ecsdeploy-%zu", i + 1);
        rules[i] = (s3_lifecycle_rule){
            .id = ids[i],
            .prefix = cJSON_GetObjectItem(r, "prefix")->valuestring,
            .enabled = 1,
            .expiration_days = cJSON_GetObjectItem(r, "expire_days")->valueint,
            .noncurrent_days = cJSON_GetObjectItem(r, "noncurrent_days")->valueint};
        i++;
    }
    int rc = s3_put_bucket_lifecycle(ctx->aws, name, rules, n, err);
    for (i = 0; i < n; i++)
        free(ids[i]);
    free(ids);
    free(rules);
    return rc;
}

static int set_tags(res_ctx *ctx, const char *name, const cJSON *tags, aws_error *err)
{
    svc_tags t = {0};
    const cJSON *c;
    cJSON_ArrayForEach(c, tags) svc_tags_add(&t, c->string, c->valuestring);
    int rc = s3_put_bucket_tagging(ctx->aws, name, &t, err);
    svc_tags_free(&t);
    return rc;
}

/* The public access block and default encryption, where they differ from a. */
static int apply_access(res_ctx *ctx, const char *name, const cJSON *d, const cJSON *a,
                        aws_error *err)
{
    if (res_prop_changed(d, a, "block_public_access")) {
        int rc;
        if (want(d, "block_public_access")) {
            s3_public_access_block pab = {1, 1, 1, 1};
            rc = s3_put_public_access_block(ctx->aws, name, &pab, err);
        } else {
            rc = s3_delete_public_access_block(ctx->aws, name, err);
            if (rc != 0 && absent(err))
                rc = 0;
        }
        if (rc != 0)
            return -1;
    }
    if (res_prop_changed(d, a, "encryption")) {
        const cJSON *e = cJSON_GetObjectItem(d, "encryption");
        const cJSON *key = cJSON_GetObjectItem(e, "kms_key");
        const char *alg = cJSON_GetObjectItem(e, "algorithm")->valuestring;
        if (s3_put_bucket_encryption(ctx->aws, name, alg, key ? key->valuestring : NULL,
                                     strcmp(alg, "aws:kms") == 0, err) != 0)
            return -1;
    }
    return 0;
}

/* What S3 gives every new bucket since 2023: all four public access blocks on and SSE-S3
 * default encryption. A new bucket is compared with it, so asking for the same costs no call. */
static cJSON *new_bucket_settings(void)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddBoolToObject(o, "block_public_access", 1);
    cJSON_AddItemToObject(o, "encryption", encryption("AES256", NULL));
    return o;
}

/* Bring every setting that differs from actual (NULL: a new bucket) to desired. */
static int apply(res_ctx *ctx, const char *name, const cJSON *d, const cJSON *a, aws_error *err)
{
    if (res_prop_changed(d, a, "tags") && set_tags(ctx, name, cJSON_GetObjectItem(d, "tags"), err) != 0)
        return -1;
    cJSON *fresh = a ? NULL : new_bucket_settings();
    int rc = apply_access(ctx, name, d, a ? a : fresh, err);
    cJSON_Delete(fresh);
    if (rc != 0)
        return -1;
    /* a new bucket has no policy to keep, nor one to take the statement out of */
    if (res_prop_changed(d, a, "tls_only") && (a || want(d, "tls_only")) &&
        set_tls_policy(ctx, name, want(d, "tls_only"), !a, err) != 0)
        return -1;
    /* nor lifecycle rules to delete */
    if (res_prop_changed(d, a, "lifecycle") &&
        (a || cJSON_GetArraySize(cJSON_GetObjectItem(d, "lifecycle")) > 0) &&
        set_lifecycle(ctx, name, cJSON_GetObjectItem(d, "lifecycle"), err) != 0)
        return -1;
    /* a new bucket has no CORS to take away */
    if (res_prop_changed(d, a, "cors") && (a || cJSON_GetArraySize(cJSON_GetObjectItem(d, "cors")) > 0) &&
        set_cors(ctx, name, cJSON_GetObjectItem(d, "cors"), err) != 0)
        return -1;
    /* a bucket never versioned needs no "Suspended" */
    if (res_prop_changed(d, a, "versioning") && (a || want(d, "versioning")) &&
        s3_put_bucket_versioning(ctx->aws, name, want(d, "versioning") ? "Enabled" : "Suspended",
                                 err) != 0)
        return -1;
    return 0;
}

static int create(res_ctx *ctx, res_node *n, aws_error *err)
{
    const char *name = cJSON_GetObjectItem(n->desired, "name")->valuestring;
    int rc = s3_create_bucket(ctx->aws, name, err);
    cJSON *existing = NULL;
    int taken = rc != 0 && aws_error_is(err, AWS_IS_EXISTS);
    if (taken && !aws_error_is(err, AWS_IS_DENIED)) {
        /* BucketAlreadyOwnedByYou, a re-run after a crash: compare with what the first run set */
        aws_error_clear(err);
        svc_tags tags = {0};
        rc = read_bucket(ctx, name, &tags, &existing, err);
        svc_tags_free(&tags);
    } else if (taken) { /* BucketAlreadyExists: another account holds the name */
        aws_error_set(err, AWS_ERR_INPUT, "BucketAlreadyExists",
                      "bucket name %s belongs to another AWS account (S3 names are global); "
                      "choose another `name:` for bucket %s", name, strchr(n->id, '/') + 1);
        return -1;
    }
    if (rc == 0) /* it exists now: should a setting fail, the rollback deletes it */
        res_node_set(ctx, n, name, cJSON_CreateObject());
    if (rc == 0)
        rc = apply(ctx, name, n->desired, existing, err);
    cJSON_Delete(existing);
    /* every setting is as written: nothing to read back (S3 may not show a setting at
     * once after its write anyway) */
    if (rc == 0)
        res_node_set_desired(ctx, n, name, attributes(ctx, name));
    return rc;
}

static int update(res_ctx *ctx, res_node *n, aws_error *err)
{
    char *name = xstrdup(n->physical_id);
    int rc = apply(ctx, name, n->desired, n->actual, err);
    if (rc == 0)
        res_node_set_desired(ctx, n, name, attributes(ctx, name));
    free(name);
    return rc;
}

static int remove_bucket(res_ctx *ctx, res_node *n, aws_error *err)
{
    size_t deleted = 0;
    int rc = s3_empty_bucket(ctx->aws, n->physical_id, &deleted, err);
    if (rc != 0)
        return absent(err) ? 0 : -1;
    if (deleted)
        res_event(ctx, n, RES_DELETE, RES_EV_PROGRESS, "emptied: %zu object versions deleted",
                  deleted);
    rc = s3_delete_bucket(ctx->aws, n->physical_id, err);
    return rc != 0 && absent(err) ? 0 : rc;
}

static const char *const replace_on[] = {"name", NULL};

/* The stack's buckets (their ARNs, or with objects: "/ *" after each), all or those not kept. */
static cJSON *ci_stack_buckets(const ci_builder *b, int only_gone, int objects)
{
    cJSON *r = cJSON_CreateArray();
    for (size_t i = 0; i < b->g->n; i++) {
        const res_node *n = b->g->nodes[i];
        if (!n->desired || strncmp(n->id, "bucket/", 7) != 0 || (only_gone && n->keep))
            continue;
        char *name = ci_bucket_name(b, n);
        char *what = objects ? xasprintf("%s/*", name) : xstrdup(name);
        cJSON_AddItemToArray(r, ci_bucket_arn(b, what));
        free(what);
        free(name);
    }
    return r;
}

static void ci_grant(ci_builder *b, int mine)
{
    READS(b, "s3:ListAllMyBuckets");
    cJSON *buckets = ci_each(b, "bucket", "name", ci_bucket_arn);
    /* discovery reads the buckets of the file and those named like the stack's */
    char *prefix = stack_name_bucket_prefix(b->g->stack->name);
    char *prefixed = xasprintf("%s*", prefix);
    cJSON_AddItemToArray(buckets, ci_bucket_arn(b, prefixed));
    free(prefixed);
    free(prefix);
    ci_allow(b, "s3:ListBucket s3:GetBucketTagging s3:GetEncryptionConfiguration "
             "s3:GetBucketPolicy s3:GetLifecycleConfiguration s3:GetBucketVersioning "
             "s3:GetBucketPublicAccessBlock s3:GetBucketCORS",
             buckets, NULL);
    if (!mine)
        return;
    ci_allow(b, "s3:CreateBucket s3:PutBucketTagging s3:PutBucketPublicAccessBlock "
             "s3:PutEncryptionConfiguration s3:PutBucketPolicy s3:DeleteBucketPolicy "
             "s3:PutLifecycleConfiguration s3:PutBucketVersioning s3:PutBucketCORS",
             ci_stack_buckets(b, 0, 0), NULL);
    /* only a bucket that is not kept can be deleted (emptied first) by `up` */
    cJSON *gone = ci_stack_buckets(b, 1, 0), *objects = ci_stack_buckets(b, 1, 1);
    if (cJSON_GetArraySize(gone)) {
        ci_allow(b, "s3:DeleteBucket s3:ListBucketVersions", gone, NULL);
        ci_allow(b, "s3:DeleteObject s3:DeleteObjectVersion", objects, NULL);
    } else {
        cJSON_Delete(gone);
        cJSON_Delete(objects);
    }
}

const res_kind res_kind_bucket = {
    .name = "bucket",
    .title = "S3 bucket",
    .build = build,
    .discover = discover,
    .create = create,
    .update = update,
    .remove = remove_bucket,
    .replace_on = replace_on,
    .after_discover = after_discover,
    .ci_grant = ci_grant,
};
