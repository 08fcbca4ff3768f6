/*
 * CloudFront response headers policies: one per site that has `headers:`, the custom
 * headers CloudFront sets on every response of the site (overriding the origin's), such as
 * the cross-origin isolation (COOP/COEP) a WASM app needs for SharedArrayBuffer. A policy
 * has no tags: like the site's origin access control it is named STACK-SITE (names are
 * unique in the account) and its comment says whose it is ("ecsdeploy STACK site SITE"),
 * so discovery is one ListResponseHeadersPolicies.
 *
 * Properties: name, comment, headers {NAME: VALUE}. Changed in place (the ETag read just
 * before); deleted once no distribution names it (ResponseHeadersPolicyInUse until then).
 */
#include <stdlib.h>
#include <string.h>

#include "ci_policy_internal.h"
#include "cloudfront.h"
#include "res.h"
#include "site_internal.h"
#include "stack_names.h"
#include "xalloc.h"

extern const res_kind res_kind_headers;

static int build(res_graph *g, const stack_model *s)
{
    for (size_t i = 0; i < s->nsites; i++) {
        const stack_site *x = &s->sites[i];
        if (!x->nheaders)
            continue;
        char *name = stack_name_site_oac(s->name, x->name);
        char *comment = stack_name_site_comment(s->name, x->name);
        cJSON *d = res_props("name", name, "comment", comment, NULL);
        cJSON *h = cJSON_AddObjectToObject(d, "headers");
        for (size_t k = 0; k < x->nheaders; k++)
            cJSON_AddStringToObject(h, x->headers[k].name, x->headers[k].value);
        res_node *n = res_graph_addf(g, &res_kind_headers, x->name, d, "response headers policy %s",
                                     name);
        n->model = x;
        free(comment);
        free(name);
    }
    return 0;
}

static cJSON *props_of(const cf_headers_policy *p)
{
    cJSON *o = res_props("name", p->name, "comment", p->comment, NULL);
    cJSON *h = cJSON_AddObjectToObject(o, "headers");
    for (size_t i = 0; i < p->headers.n; i++)
        cJSON_AddStringToObject(h, p->headers.items[i].key, p->headers.items[i].value);
    return o;
}

static int discover(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    cf_headers_policies all;
    if (cf_list_headers_policies(ctx->aws, &all, err) != 0)
        return -1;
    for (size_t i = 0; i < all.n; i++) {
        char *site = site_owner(ctx->stack_name, all.items[i].name, all.items[i].comment);
        if (!site)
            continue;
        res_found_add_named(out, &res_kind_headers, site, all.items[i].id, props_of(&all.items[i]));
        free(site);
    }
    cf_headers_policies_free(&all);
    return 0;
}

/* The input from desired properties; headers borrowed into *headers (svc_tags_free). */
static void input_of(const cJSON *d, cf_headers_policy_in *in, svc_tags *headers)
{
    memset(headers, 0, sizeof *headers);
    const cJSON *h;
    cJSON_ArrayForEach(h, cJSON_GetObjectItem(d, "headers"))
        svc_tags_add(headers, h->string, cJSON_IsString(h) ? h->valuestring : "");
    *in = (cf_headers_policy_in){.name = cJSON_GetStringValue(cJSON_GetObjectItem(d, "name")),
                                 .comment = cJSON_GetStringValue(cJSON_GetObjectItem(d, "comment")),
                                 .headers = headers};
}

static int write_policy(res_ctx *ctx, res_node *n, const char *id, const char *etag, aws_error *err)
{
    svc_tags headers;
    cf_headers_policy_in in;
    input_of(n->desired, &in, &headers);
    cf_headers_policy got;
    int rc = id ? cf_update_headers_policy(ctx->aws, id, etag, &in, &got, err)
                : cf_create_headers_policy(ctx->aws, &in, &got, err);
    svc_tags_free(&headers);
    if (rc != 0)
        return -1;
    res_node_set(ctx, n, got.id, props_of(&got));
    cf_headers_policy_free(&got);
    return 0;
}

/* The one named like n's whose comment says it is ours (a run that stopped after creating
 * it and before anything recorded it): 1 with *out, 0 when it is someone else's. */
static int adopt(res_ctx *ctx, const char *name, cf_headers_policy *out, aws_error *err)
{
    cf_headers_policies all;
    if (cf_list_headers_policies(ctx->aws, &all, err) != 0)
        return -1;
    int found = 0;
    for (size_t i = 0; i < all.n && !found; i++) {
        char *site = site_owner(ctx->stack_name, all.items[i].name, all.items[i].comment);
        if (site && strcmp(all.items[i].name, name) == 0)
            found = cf_get_headers_policy(ctx->aws, all.items[i].id, out, err) == 0 ? 1 : -1;
        free(site);
    }
    cf_headers_policies_free(&all);
    return found;
}

static int create(res_ctx *ctx, res_node *n, aws_error *err)
{
    if (write_policy(ctx, n, NULL, NULL, err) == 0)
        return 0;
    if (!aws_error_is(err, AWS_IS_EXISTS))
        return -1;
    const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(n->desired, "name"));
    char code[sizeof err->code];
    snprintf(code, sizeof code, "%s", err->code);
    cf_headers_policy p;
    if (site_adopted(adopt(ctx, name, &p, err), code, "a response headers policy", name, err) != 0)
        return -1;
    /* the adopted one is recorded first (a failing update leaves it to the rollback) */
    res_node_set(ctx, n, p.id, props_of(&p));
    int rc = write_policy(ctx, n, p.id, p.etag, err);
    cf_headers_policy_free(&p);
    return rc;
}

static int update(res_ctx *ctx, res_node *n, aws_error *err)
{
    cf_headers_policy now;
    if (cf_get_headers_policy(ctx->aws, n->physical_id, &now, err) != 0)
        return -1;
    int rc = write_policy(ctx, n, n->physical_id, now.etag, err);
    cf_headers_policy_free(&now);
    return rc;
}

static int etag_of(aws_client *c, const char *id, char **etag, aws_error *err)
{
    cf_headers_policy now;
    if (cf_get_headers_policy(c, id, &now, err) != 0)
        return -1;
    *etag = xstrdup(now.etag);
    cf_headers_policy_free(&now);
    return 0;
}

static int remove_policy(res_ctx *ctx, res_node *n, aws_error *err)
{
    static const site_cf_object object = {"response headers policy", etag_of, cf_delete_headers_policy};
    return site_delete_unused(ctx, n, &object, err);
}

/* like origin access controls: random ids, no tags */
static void ci_grant(ci_builder *b, int mine)
{
    ci_reads_writes(b, mine, "cloudfront:ListResponseHeadersPolicies",
                    "cloudfront:CreateResponseHeadersPolicy cloudfront:GetResponseHeadersPolicy "
                    "cloudfront:UpdateResponseHeadersPolicy cloudfront:DeleteResponseHeadersPolicy",
                    ci_one(ci_arn(b, "cloudfront", 0, "response-headers-policy/*")), NULL);
}

const res_kind res_kind_headers = {
    .name = "headers",
    .title = "response headers policy",
    .build = build,
    .discover = discover,
    .create = create,
    .update = update,
    .remove = remove_policy,
    .ci_grant = ci_grant,
};
