/*
 * DNS-validated ACM certificates: certificate/OWNER-HASH (dnsres_add_certificate; an
 * HTTPS listener's `certificate: auto` or list of names makes one per listener). Created
 * with its names and the stack's tags in one RequestCertificate (a retry after a lost
 * answer sends the same idempotency token: one certificate), its validation CNAMEs written
 * with UPSERT into the zones that hold the names, then waited for until ISSUED (minutes on
 * AWS). Deleted once nothing uses it (ACM refuses while a listener does: waited for), and
 * its validation records with it when no other certificate of the account needs them
 * (dns_internal.h).
 *
 * Discovery: ListCertificates in the stack's region, us-east-1 and the regions of the
 * file's certificates, then the tags of each side by side (ACM has no tag filter).
 *
 * A certificate that can no longer become or stay ISSUED (FAILED, VALIDATION_TIMED_OUT,
 * REVOKED, EXPIRED, INACTIVE) is found as "ID-unusable-ARN8": a node of its own that the
 * file does not have, so `up` makes a new one, switches the listener to it and deletes the
 * old one last, as for new names.
 *
 * Properties: names (any order), region, status ("ISSUED" desired: one still
 * PENDING_VALIDATION, left by an interrupted run, is written and waited for again);
 * create-only zones (ids of the stack's zones holding the names); actual ones add arn and
 * domain.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acm.h"
#include "buf.h"
#include "ci_policy_internal.h"
#include "cloudfront.h"
#include "dns_internal.h"
#include "ec2.h"
#include "xalloc.h"

#define VALIDATION_TTL 300

/* Removals clean validation records one at a time in a process, so that two certificates
 * of one name removed at once do not each leave the record to the other. */
static pthread_mutex_t cleaning = PTHREAD_MUTEX_INITIALIZER;


/* A name without its wildcard: what its validation record is for. */
static const char *base_of(const char *name)
{
    return strncmp(name, "*.", 2) == 0 ? name + 2 : name;
}

/* ---- building ------------------------------------------------------------------------------ */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* FNV-1a of the sorted names and the region: the node's name says what it is for. */
static unsigned names_hash(char *const *names, size_t n, const char *region)
{
    char **sorted = xcalloc(n + 1, sizeof *sorted);
    memcpy(sorted, names, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, cmp_str);
    unsigned h = 2166136261u;
    for (size_t i = 0; i <= n; i++) {
        const char *s = i < n ? sorted[i] : region;
        for (; *s; s++)
            h = (h ^ (unsigned char)*s) * 16777619u;
        h = (h ^ '|') * 16777619u;
    }
    free(sorted);
    return h;
}

res_node *dnsres_add_certificate(res_graph *g, const char *owner, char *const *names, size_t n,
                                 const char *region, const char *what)
{
    if (!region || !*region)
        region = g->region;
    cJSON *d = cJSON_CreateObject();
    cJSON *list = cJSON_AddArrayToObject(d, "names");
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(list, cJSON_CreateString(names[i]));
    cJSON_AddStringToObject(d, "region", region);
    cJSON_AddStringToObject(d, "status", "ISSUED");
    char *name = xasprintf("%s-%08x", owner, names_hash(names, n, region));
    res_node *node = res_graph_addf(g, &res_kind_certificate, name, d,
                                    "certificate for %s%s (%s, %s)", names[0],
                                    n > 1 ? " and more" : "", what, region);
    cJSON *zones = cJSON_AddArrayToObject(d, "zones");
    for (size_t i = 0; i < n; i++) {
        res_node *z = dnsres_stack_zone_node(g, names[i]);
        int seen = 0;
        for (size_t k = 0; z && k < node->ndeps; k++)
            seen |= node->deps[k] == z;
        if (z && !seen) {
            cJSON_AddItemToArray(zones, res_ref(z->id, "id"));
            res_node_depend(node, z);
        }
    }
    free(name);
    return node;
}

/* ---- reading ------------------------------------------------------------------------------- */

static int usable(const char *status)
{
    return !strcmp(status, "ISSUED") || !strcmp(status, "PENDING_VALIDATION");
}

static cJSON *props_of(const char *arn, const char *domain, const svc_strings *names,
                       const char *status, const char *region)
{
    cJSON *p = cJSON_CreateObject();
    cJSON *list = cJSON_AddArrayToObject(p, "names");
    cJSON_AddItemToArray(list, cJSON_CreateString(domain));
    for (size_t i = 0; i < names->n; i++)
        if (strcmp(names->items[i], domain) != 0)
            cJSON_AddItemToArray(list, cJSON_CreateString(names->items[i]));
    cJSON_AddStringToObject(p, "region", region);
    cJSON_AddStringToObject(p, "status", status);
    cJSON_AddStringToObject(p, "arn", arn);
    cJSON_AddStringToObject(p, "domain", domain);
    return p;
}

#define MAX_REGIONS 8

/* The regions to look in: the stack's, us-east-1 (where CloudFront's certificates live:
 * one the file no longer names is still found there, and deleted) and those of the file's
 * certificates. The lists are read side by side: no deeper for the extra region. */
static size_t regions_of(res_ctx *ctx, const char **out, size_t max)
{
    size_t n = 0;
    out[n++] = ctx->region;
    if (strcmp(ctx->region, CF_CERTIFICATE_REGION) != 0)
        out[n++] = CF_CERTIFICATE_REGION;
    for (size_t i = 0; i < ctx->graph->n && n < max; i++) {
        const res_node *x = ctx->graph->nodes[i];
        const char *r = x->kind == &res_kind_certificate ? res_prop_string(x->desired, "region") : NULL;
        int seen = 0;
        for (size_t k = 0; r && k < n; k++)
            seen |= !strcmp(out[k], r);
        if (r && !seen)
            out[n++] = r;
    }
    return n;
}


typedef struct {
    res_ctx *ctx;
    const char *regions[MAX_REGIONS];
    acm_summaries lists[MAX_REGIONS];
    size_t nregions;
    /* every certificate of those regions, flattened */
    const acm_summary **certs;
    const char **cert_region;
    svc_tags *tags;
    size_t ncerts;
} discovery;

static int list_region(void *ud, size_t i, aws_error *err)
{
    discovery *d = ud;
    aws_client *c = aws_client_in_region(d->ctx->aws, d->regions[i], err);
    return c ? acm_list_certificates(c, NULL, &d->lists[i], err) : -1;
}

static int read_tags(void *ud, size_t i, aws_error *err)
{
    discovery *d = ud;
    aws_client *c = aws_client_in_region(d->ctx->aws, d->cert_region[i], err);
    if (!c)
        return -1;
    if (acm_list_tags(c, d->certs[i]->arn, &d->tags[i], err) == 0)
        return 0;
    return aws_error_is(err, AWS_IS_NOT_FOUND) ? 0 : -1; /* deleted meanwhile */
}

static int discover(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    discovery d = {.ctx = ctx};
    d.nregions = regions_of(ctx, d.regions, MAX_REGIONS);
    int rc = res_parallel(d.nregions, MAX_REGIONS, list_region, &d, err);
    for (size_t r = 0; rc == 0 && r < d.nregions; r++)
        d.ncerts += d.lists[r].n;
    d.certs = xcalloc(d.ncerts + 1, sizeof *d.certs);
    d.cert_region = xcalloc(d.ncerts + 1, sizeof *d.cert_region);
    d.tags = xcalloc(d.ncerts + 1, sizeof *d.tags);
    size_t k = 0;
    for (size_t r = 0; rc == 0 && r < d.nregions; r++)
        for (size_t i = 0; i < d.lists[r].n; i++, k++) {
            d.certs[k] = &d.lists[r].items[i];
            d.cert_region[k] = d.regions[r];
        }
    if (rc == 0)
        rc = res_parallel(d.ncerts, RES_READS_AT_ONCE, read_tags, &d, err);
    for (size_t i = 0; rc == 0 && i < d.ncerts; i++) {
        const char *id = res_tags_node(ctx, &d.tags[i]);
        if (!id)
            continue;
        int seen = 0;
        for (size_t j = 0; j < out->n; j++)
            seen |= !strcmp(out->items[j].id, id);
        const acm_summary *c = d.certs[i];
        const char *uuid = strrchr(c->arn, '/') ? strrchr(c->arn, '/') + 1 : c->arn;
        /* one that can no longer be issued or used stands for no node: a new one is made,
         * its users switched to it, and this one deleted last */
        char *fid = !usable(c->status) ? xasprintf("%s-unusable-%.8s", id, uuid)
                    : seen ? xasprintf("%s-dup-%.8s", id, uuid) : xstrdup(id);
        res_found_add(out, fid, c->arn, props_of(c->arn, c->domain, &c->names, c->status, d.cert_region[i]));
        free(fid);
    }
    for (size_t i = 0; i < d.ncerts; i++)
        svc_tags_free(&d.tags[i]);
    for (size_t r = 0; r < d.nregions; r++)
        acm_summaries_free(&d.lists[r]);
    free(d.tags);
    free(d.cert_region);
    free(d.certs);
    return rc;
}

/* The client of the node's region. */
static aws_client *client_of(res_ctx *ctx, const res_node *n, aws_error *err)
{
    const char *region = res_prop_string(n->desired ? n->desired : n->actual, "region");
    return aws_client_in_region(ctx->aws, region, err);
}

/* ---- validation ---------------------------------------------------------------------------- */

typedef struct watch watch;
struct watch {
    aws_client *c;
    const char *arn;
    acm_certificate cert; /* the last one described */
    /* what poll_watch waits for, judged from cert: 1 there, 0 not yet (status says how
     * far), -1 with err */
    int (*until)(watch *w, char *status, size_t len, aws_error *err);
};

static int describe(watch *w, aws_error *err)
{
    acm_certificate_free(&w->cert);
    return acm_describe_certificate(w->c, w->arn, &w->cert, err);
}

/* The node's certificate described into *w (with its region's client): 0, or -1 with err
 * (and nothing for the caller to free). */
static int watch_node(res_ctx *ctx, const res_node *n, watch *w, aws_error *err)
{
    *w = (watch){.c = client_of(ctx, n, err), .arn = n->physical_id};
    if (w->c && describe(w, err) == 0)
        return 0;
    acm_certificate_free(&w->cert);
    return -1;
}

/* One look for res_wait: describe, then judge with w->until. */
static int poll_watch(res_ctx *ctx, res_node *n, void *ud, char *status, size_t len,
                      aws_error *err)
{
    (void)ctx;
    (void)n;
    watch *w = ud;
    if (describe(w, err) != 0)
        return -1;
    return w->until(w, status, len, err);
}

static int records_shown(watch *w, char *status, size_t len, aws_error *err)
{
    (void)err;
    size_t shown = 0;
    for (size_t i = 0; i < w->cert.nvalidations; i++)
        shown += w->cert.validations[i].record_name != NULL;
    snprintf(status, len, "%zu of %zu shown", shown, w->cert.nvalidations);
    return shown == w->cert.nvalidations;
}

static int issued(watch *w, char *status, size_t len, aws_error *err)
{
    if (!strcmp(w->cert.status, "ISSUED"))
        return 1;
    size_t ok = 0;
    for (size_t i = 0; i < w->cert.nvalidations; i++)
        ok += w->cert.validations[i].status && !strcmp(w->cert.validations[i].status, "SUCCESS");
    snprintf(status, len, "%s, %zu of %zu names validated", w->cert.status, ok, w->cert.nvalidations);
    if (!strcmp(w->cert.status, "PENDING_VALIDATION"))
        return 0;
    aws_error_set(err, AWS_ERR_SERVICE, "CertificateNotIssued", "certificate %s is %s%s%s", w->arn,
                  w->cert.status, *w->cert.failure_reason ? ": " : "", w->cert.failure_reason);
    return -1;
}

/* The zone for a validation record of `base`: the longest of the stack's zones (ids in
 * the resolved desired "zones") that holds it, else the account's. */
static const r53_zone *validation_zone(const res_node *n, const r53_zones *zones, const char *base,
                                       aws_error *err)
{
    const r53_zone *best = NULL;
    const cJSON *id;
    cJSON_ArrayForEach(id, cJSON_GetObjectItem(n->desired, "zones")) {
        const r53_zone *z = cJSON_IsString(id) ? dnsres_zone_for(zones, base, id->valuestring, err) : NULL;
        if (z && !strcmp(z->id, id->valuestring) && (!best || strlen(z->name) > strlen(best->name)))
            best = z;
    }
    aws_error_clear(err);
    return best ? best : dnsres_zone_for(zones, base, NULL, err);
}

/* UPSERT the validation records of w->cert, each once, into their zones. */
static int write_records(res_ctx *ctx, res_node *n, res_action action, watch *w, aws_error *err)
{
    r53_zones zones;
    if (r53_list_hosted_zones(ctx->aws, 0, &zones, err) != 0)
        return -1;
    size_t nv = w->cert.nvalidations;
    r53_record_set *sets = xcalloc(nv + 1, sizeof *sets);
    const r53_zone **in = xcalloc(nv + 1, sizeof *in);
    size_t ns = 0;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < nv; i++) {
        const acm_validation *v = &w->cert.validations[i];
        int seen = 0;
        for (size_t k = 0; k < ns; k++)
            seen |= r53_name_equal(sets[k].name, v->record_name);
        if (seen)
            continue;
        in[ns] = validation_zone(n, &zones, base_of(v->domain), err);
        if (!in[ns]) {
            rc = -1;
            break;
        }
        sets[ns] = (r53_record_set){.name = v->record_name, .type = "CNAME", .ttl = VALIDATION_TTL};
        svc_strings_add(&sets[ns].values, v->record_value);
        ns++;
    }
    /* one batch per zone */
    for (size_t i = 0; rc == 0 && i < ns; i++) {
        int first = 1;
        for (size_t k = 0; k < i; k++)
            first &= in[k] != in[i];
        if (!first)
            continue;
        r53_change *ch = xcalloc(ns, sizeof *ch);
        size_t nch = 0;
        for (size_t k = i; k < ns; k++)
            if (in[k] == in[i])
                ch[nch++] = (r53_change){R53_UPSERT, &sets[k]};
        res_event(ctx, n, action, RES_EV_PROGRESS, "writing %zu validation record%s into zone %s",
                  nch, nch == 1 ? "" : "s", in[i]->name);
        rc = r53_change_record_sets(ctx->aws, in[i]->id, ch, nch, "ecsdeploy: ACM validation", NULL, err);
        free(ch);
    }
    for (size_t i = 0; i < ns; i++)
        svc_strings_free(&sets[i].values);
    free(sets);
    free(in);
    r53_zones_free(&zones);
    return rc;
}

/* Write the validation records, wait until ISSUED, record the result. */
static int validate(res_ctx *ctx, res_node *n, res_action action, aws_client *c, const char *arn,
                    aws_error *err)
{
    watch w = {.c = c, .arn = arn, .until = records_shown};
    int rc = res_wait(ctx, n, action, "the certificate's DNS validation records", poll_watch, &w, err);
    if (rc == 0 && strcmp(w.cert.status, "ISSUED") != 0)
        rc = write_records(ctx, n, action, &w, err);
    /* names in a zone the stack made resolve only once its parent delegates to it */
    const char *what = cJSON_GetArraySize(cJSON_GetObjectItem(n->desired, "zones")) > 0
                           ? "the certificate to be issued (ACM validates by DNS: minutes on AWS, "
                             "once the stack's zone is delegated to its name servers)"
                           : "the certificate to be issued (ACM validates by DNS: minutes on AWS)";
    w.until = issued;
    if (rc == 0)
        rc = res_wait(ctx, n, action, what, poll_watch, &w, err);
    if (rc == 0)
        res_node_set(ctx, n, arn, props_of(arn, w.cert.domain, &w.cert.names, w.cert.status,
                                           res_prop_string(n->desired, "region")));
    acm_certificate_free(&w.cert);
    return rc;
}

/* ---- actions ------------------------------------------------------------------------------- */

static int create(res_ctx *ctx, res_node *n, aws_error *err)
{
    aws_client *c = client_of(ctx, n, err);
    if (!c)
        return -1;
    const cJSON *names = cJSON_GetObjectItem(n->desired, "names");
    size_t nn = (size_t)cJSON_GetArraySize(names);
    const char **alt = xcalloc(nn + 1, sizeof *alt);
    for (size_t i = 1; i < nn; i++)
        alt[i - 1] = cJSON_GetArrayItem(names, (int)i)->valuestring;
    svc_tags tags;
    res_tags_list(ctx, n, &tags);
    /* no token given: the client makes one and sends it again when it retries */
    acm_request_in in = {.domain = cJSON_GetArrayItem(names, 0)->valuestring,
                         .alternative_names = nn > 1 ? alt : NULL, .tags = &tags};
    char *arn = NULL;
    int rc = acm_request_certificate(c, &in, &arn, err);
    if (rc == 0) { /* recorded first: a failure below still leaves it to roll back */
        svc_strings got = {0};
        for (size_t i = 0; i < nn; i++)
            svc_strings_add(&got, cJSON_GetArrayItem(names, (int)i)->valuestring);
        res_node_set(ctx, n, arn, props_of(arn, in.domain, &got, "PENDING_VALIDATION",
                                           res_prop_string(n->desired, "region")));
        svc_strings_free(&got);
        rc = validate(ctx, n, RES_CREATE, c, arn, err);
    }
    free(arn);
    svc_tags_free(&tags);
    free(alt);
    return rc;
}

static int update(res_ctx *ctx, res_node *n, aws_error *err)
{
    /* only ever to finish a validation (a rollback's "previous" state needs nothing) */
    const char *want = res_prop_string(n->desired, "status");
    if (!want || strcmp(want, "ISSUED") != 0)
        return 0;
    aws_client *c = client_of(ctx, n, err);
    return c ? validate(ctx, n, RES_UPDATE, c, n->physical_id, err) : -1;
}

static int poll_deleted(res_ctx *ctx, res_node *n, void *ud, char *status, size_t len,
                        aws_error *err)
{
    (void)ctx;
    watch *w = ud;
    if (acm_delete_certificate(w->c, n->physical_id, err) == 0 || aws_error_is(err, AWS_IS_NOT_FOUND))
        return 1;
    if (!aws_error_is(err, AWS_IS_IN_USE))
        return -1;
    aws_error why;
    if (describe(w, &why) != 0) {
        snprintf(status, len, "still in use");
        return 0;
    }
    buf b = BUF_INIT;
    for (size_t i = 0; i < w->cert.in_use_by.n; i++)
        buf_printf(&b, "%s%s", i ? ", " : "", w->cert.in_use_by.items[i]);
    snprintf(status, len, "still used by %s", b.len ? buf_str(&b) : "a resource ACM does not name");
    buf_free(&b);
    return 0;
}

/* ---- the validation records a removed certificate leaves ------------------------------------ */

typedef struct {
    res_ctx *ctx;
    svc_strings regions;
    acm_summaries *lists;
    int *failed;
} account_certs;

static int list_account_region(void *ud, size_t i, aws_error *err)
{
    account_certs *a = ud;
    aws_client *c = aws_client_in_region(a->ctx->aws, a->regions.items[i], err);
    if (!c || acm_list_certificates(c, NULL, &a->lists[i], err) != 0)
        a->failed[i] = 1; /* judged by the caller: the records stay */
    return 0;
}

/* 1 when a certificate of the account other than `arn` has a name whose base is `base`. */
static int needed(const account_certs *a, const char *arn, const char *base)
{
    for (size_t r = 0; r < a->regions.n; r++)
        for (size_t i = 0; i < a->lists[r].n; i++) {
            const acm_summary *c = &a->lists[r].items[i];
            if (!strcmp(c->arn, arn))
                continue;
            if (!strcmp(base_of(c->domain), base))
                return 1;
            for (size_t k = 0; k < c->names.n; k++)
                if (!strcmp(base_of(c->names.items[k]), base))
                    return 1;
        }
    return 0;
}

/* Delete the validation record v when it is in its zone exactly as ACM gave it. */
static int delete_record(res_ctx *ctx, res_node *n, const r53_zones *zones, const acm_validation *v,
                         aws_error *err)
{
    const r53_zone *z = dnsres_zone_for(zones, base_of(v->domain), NULL, err);
    if (!z)
        return 0; /* no zone holds it (any more): nothing to delete */
    r53_record_sets now;
    if (r53_get_record_sets(ctx->aws, z->id, v->record_name, "CNAME", &now, err) != 0)
        return aws_error_is(err, AWS_IS_NOT_FOUND) ? 0 : -1;
    int rc = 0;
    for (size_t i = 0; i < now.n && rc == 0; i++)
        if (now.items[i].values.n == 1 && r53_name_equal(now.items[i].values.items[0], v->record_value)) {
            r53_change ch = {R53_DELETE, &now.items[i]};
            res_event(ctx, n, RES_DELETE, RES_EV_PROGRESS, "deleting validation record %s (no "
                      "certificate of the account needs it now)", v->record_name);
            rc = r53_change_record_sets(ctx->aws, z->id, &ch, 1, "ecsdeploy", NULL, err);
        }
    r53_record_sets_free(&now);
    return rc;
}

static int cleanup_locked(res_ctx *ctx, res_node *n, const acm_certificate *cert, aws_error *err)
{
    account_certs a = {.ctx = ctx};
    if (ec2_describe_regions(ctx->aws, &a.regions, err) != 0) {
        res_event(ctx, n, RES_DELETE, RES_EV_NOTE, "its validation records stay: the account's "
                  "regions could not be listed to see whether other certificates need them (%s)",
                  err->message);
        aws_error_clear(err);
        return 0;
    }
    a.lists = xcalloc(a.regions.n + 1, sizeof *a.lists);
    a.failed = xcalloc(a.regions.n + 1, sizeof *a.failed);
    res_parallel(a.regions.n, RES_READS_AT_ONCE, list_account_region, &a, err);
    int unsure = 0;
    for (size_t r = 0; r < a.regions.n; r++)
        unsure |= a.failed[r];
    r53_zones zones = {0};
    int rc = unsure ? 0 : r53_list_hosted_zones(ctx->aws, 0, &zones, err);
    if (unsure)
        res_event(ctx, n, RES_DELETE, RES_EV_NOTE, "its validation records stay: the "
                  "certificates of some region could not be listed");
    for (size_t i = 0; rc == 0 && !unsure && i < cert->nvalidations; i++) {
        const acm_validation *v = &cert->validations[i];
        int first = v->record_name != NULL;
        for (size_t k = 0; first && k < i; k++)
            first = !cert->validations[k].record_name ||
                    !r53_name_equal(cert->validations[k].record_name, v->record_name);
        if (first && !needed(&a, cert->arn, base_of(v->domain)))
            rc = delete_record(ctx, n, &zones, v, err);
    }
    r53_zones_free(&zones);
    for (size_t r = 0; r < a.regions.n; r++)
        acm_summaries_free(&a.lists[r]);
    free(a.lists);
    free(a.failed);
    svc_strings_free(&a.regions);
    return rc;
}

static int remove_cert(res_ctx *ctx, res_node *n, aws_error *err)
{
    watch w;
    if (watch_node(ctx, n, &w, err) != 0)
        return aws_error_is(err, AWS_IS_NOT_FOUND) ? 0 : -1;
    acm_certificate cert = w.cert; /* the validations, for after the deletion */
    memset(&w.cert, 0, sizeof w.cert);
    int rc = res_wait(ctx, n, RES_DELETE, "the certificate to be unused (ACM deletes none a "
                                          "load balancer still uses)", poll_deleted, &w, err);
    if (rc == 0) {
        pthread_mutex_lock(&cleaning);
        rc = cleanup_locked(ctx, n, &cert, err);
        pthread_mutex_unlock(&cleaning);
    }
    acm_certificate_free(&w.cert);
    acm_certificate_free(&cert);
    return rc;
}

/* ---- before `up`, and for `status` ---------------------------------------------------------- */

/* Every name of a certificate to be made lies in a zone the stack or the account has. */
static int check(res_ctx *ctx, aws_error *err)
{
    res_graph *g = ctx->graph;
    r53_zones zones = {0};
    int listed = 0, rc = 0;
    buf problems = BUF_INIT;
    for (size_t i = 0; rc == 0 && i < g->n; i++) {
        res_node *n = g->nodes[i];
        if (n->kind != &res_kind_certificate || !n->desired ||
            (n->action != RES_CREATE && n->action != RES_REPLACE))
            continue;
        const cJSON *name;
        cJSON_ArrayForEach(name, cJSON_GetObjectItem(n->desired, "names")) {
            if (dnsres_stack_zone_node(g, name->valuestring))
                continue;
            if (!listed && (rc = r53_list_hosted_zones(ctx->aws, 0, &zones, err)) != 0)
                break;
            listed = 1;
            aws_error why;
            if (!dnsres_zone_for(&zones, base_of(name->valuestring), NULL, &why))
                buf_printf(&problems, "%s%s: %s", problems.len ? "; " : "", n->label, why.message);
        }
    }
    if (rc == 0 && problems.len) {
        aws_error_set(err, AWS_ERR_INPUT, "NoHostedZone", "a DNS-validated certificate needs its "
                      "names in a Route 53 zone: %s", buf_str(&problems));
        rc = -1;
    }
    buf_free(&problems);
    r53_zones_free(&zones);
    return rc;
}

static int status(res_ctx *ctx, res_node *n, cJSON *out, aws_error *err)
{
    watch w;
    if (watch_node(ctx, n, &w, err) != 0)
        return -1;
    buf b = BUF_INIT;
    buf_printf(&b, "%s", w.cert.status);
    for (size_t i = 0; i < w.cert.names.n; i++)
        buf_printf(&b, "%s%s", i ? ", " : " for ", w.cert.names.items[i]);
    if (w.cert.not_after) {
        char day[16];
        struct tm tm;
        gmtime_r(&w.cert.not_after, &tm);
        strftime(day, sizeof day, "%Y-%m-%d", &tm);
        buf_printf(&b, ", until %s", day);
    }
    buf_printf(&b, ", used by %zu", w.cert.in_use_by.n);
    cJSON_AddStringToObject(out, "summary", buf_str(&b));
    cJSON_AddStringToObject(out, "certificate_status", w.cert.status);
    if (strcmp(w.cert.status, "ISSUED") != 0)
        cJSON_AddBoolToObject(out, "healthy", 0);
    buf_free(&b);
    acm_certificate_free(&w.cert);
    return 0;
}

static const char *const replace_on[] = {"names", "region", NULL};
static const char *const create_only[] = {"zones", NULL};
static const char *const unordered[] = {"names", NULL};

/* ACM certificates of any region: CloudFront's live in us-east-1. */
static cJSON *ci_acm_arn(const ci_builder *b)
{
    char *head = xasprintf("arn:%s:acm:*:", b->g->partition);
    cJSON *parts = cJSON_CreateArray();
    cJSON_AddItemToArray(parts, cJSON_CreateString(head));
    cJSON_AddItemToArray(parts, res_ref(b->account_node, "account"));
    cJSON_AddItemToArray(parts, cJSON_CreateString(":certificate/*"));
    free(head);
    return ci_one(res_concat(parts));
}

static void ci_grant(ci_builder *b, int mine)
{
    READS(b, "acm:ListCertificates ec2:DescribeRegions");
    ci_allow(b, "acm:DescribeCertificate acm:ListTagsForCertificate", ci_acm_arn(b), NULL);
    ci_dns_reads(b);
    if (!mine)
        return;
    ci_by_tag(b, "acm:RequestCertificate acm:AddTagsToCertificate", "acm:DeleteCertificate",
              ci_acm_arn(b));
    ci_dns_record_writes(b); /* the validation records */
}

const res_kind res_kind_certificate = {
    .name = "certificate",
    .title = "certificate",
    /* no build: its nodes come from the kinds that use them (dnsres_add_certificate) */
    .discover = discover,
    .create = create,
    .update = update,
    .remove = remove_cert,
    .replace_on = replace_on,
    .create_only = create_only,
    .unordered = unordered,
    .status = status,
    .check = check,
    .ci_grant = ci_grant,
};
