/*
 * CloudFront origin access controls: one per site, through which its distribution signs
 * its requests to the site's bucket. An origin access control has no tags: it is named
 * STACK-SITE (names are unique in the account) and its description says whose it is
 * ("ecsdeploy STACK site SITE", stack_name_site_comment), so discovery is one
 * ListOriginAccessControls.
 *
 * Properties: name, description, origin_type (s3; a change replaces), signing_behavior,
 * signing_protocol.
 */
#include <stdlib.h>
#include <string.h>

#include "ci_policy_internal.h"
#include "cloudfront.h"
#include "res.h"
#include "site_internal.h"
#include "stack_names.h"
#include "xalloc.h"

extern const res_kind res_kind_oac;

static int build(res_graph *g, const stack_model *s)
{
    for (size_t i = 0; i < s->nsites; i++) {
        char *name = stack_name_site_oac(s->name, s->sites[i].name);
        char *description = stack_name_site_comment(s->name, s->sites[i].name);
        cJSON *d = res_props("name", name, "description", description, "origin_type", "s3",
                             "signing_behavior", "always", "signing_protocol", "sigv4", NULL);
        res_node *n = res_graph_addf(g, &res_kind_oac, s->sites[i].name, d,
                                     "origin access control %s", name);
        n->model = &s->sites[i];
        free(description);
        free(name);
    }
    return 0;
}

static cJSON *props_of(const cf_oac *o)
{
    return res_props("name", o->name, "description", o->description, "origin_type", o->origin_type,
                     "signing_behavior", o->signing_behavior,
                     "signing_protocol", o->signing_protocol, NULL);
}

static int discover(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    cf_oacs all;
    if (cf_list_origin_access_controls(ctx->aws, 0, &all, err) != 0)
        return -1;
    for (size_t i = 0; i < all.n; i++) {
        char *site = site_owner(ctx->stack_name, all.items[i].name, all.items[i].description);
        if (!site)
            continue;
        res_found_add_named(out, &res_kind_oac, site, all.items[i].id, props_of(&all.items[i]));
        free(site);
    }
    cf_oacs_free(&all);
    return 0;
}

static void input_of(const cJSON *d, cf_oac_in *in)
{
    *in = (cf_oac_in){.name = cJSON_GetObjectItem(d, "name")->valuestring,
                      .description = cJSON_GetObjectItem(d, "description")->valuestring,
                      .origin_type = cJSON_GetObjectItem(d, "origin_type")->valuestring,
                      .signing_behavior = cJSON_GetObjectItem(d, "signing_behavior")->valuestring};
}

/* The one named like n's whose description says it is ours (a run that stopped after
 * creating it and before anything recorded it): 1 with *out, 0 when it is someone else's. */
static int adopt(res_ctx *ctx, const char *name, cf_oac *out, aws_error *err)
{
    cf_oacs all;
    if (cf_list_origin_access_controls(ctx->aws, 0, &all, err) != 0)
        return -1;
    int found = 0;
    for (size_t i = 0; i < all.n && !found; i++) {
        char *site = site_owner(ctx->stack_name, all.items[i].name, all.items[i].description);
        if (site && strcmp(all.items[i].name, name) == 0)
            found = cf_get_origin_access_control(ctx->aws, all.items[i].id, out, err) == 0 ? 1 : -1;
        free(site);
    }
    cf_oacs_free(&all);
    return found;
}

static int create(res_ctx *ctx, res_node *n, aws_error *err)
{
    cf_oac_in in;
    input_of(n->desired, &in);
    cf_oac o;
    if (cf_create_origin_access_control(ctx->aws, &in, &o, err) == 0) {
        res_node_set(ctx, n, o.id, props_of(&o));
        cf_oac_free(&o);
        return 0;
    }
    if (!aws_error_is(err, AWS_IS_EXISTS))
        return -1;
    char code[sizeof err->code];
    snprintf(code, sizeof code, "%s", err->code);
    if (site_adopted(adopt(ctx, in.name, &o, err), code, "an origin access control", in.name,
                     err) != 0)
        return -1;
    /* the adopted one is recorded first (a failing update leaves it to the rollback) */
    res_node_set(ctx, n, o.id, props_of(&o));
    int rc = 0;
    if (strcmp(o.signing_behavior, in.signing_behavior) != 0) {
        cf_oac got;
        rc = cf_update_origin_access_control(ctx->aws, o.id, o.etag, &in, &got, err);
        if (rc == 0) {
            res_node_set(ctx, n, o.id, props_of(&got));
            cf_oac_free(&got);
        }
    }
    cf_oac_free(&o);
    return rc;
}

static int update(res_ctx *ctx, res_node *n, aws_error *err)
{
    cf_oac now, got;
    if (cf_get_origin_access_control(ctx->aws, n->physical_id, &now, err) != 0)
        return -1;
    cf_oac_in in;
    input_of(n->desired, &in);
    int rc = cf_update_origin_access_control(ctx->aws, n->physical_id, now.etag, &in, &got, err);
    cf_oac_free(&now);
    if (rc == 0) {
        res_node_set(ctx, n, n->physical_id, props_of(&got));
        cf_oac_free(&got);
    }
    return rc;
}

static int etag_of(aws_client *c, const char *id, char **etag, aws_error *err)
{
    cf_oac now;
    if (cf_get_origin_access_control(c, id, &now, err) != 0)
        return -1;
    *etag = xstrdup(now.etag);
    cf_oac_free(&now);
    return 0;
}

static int remove_oac(res_ctx *ctx, res_node *n, aws_error *err)
{
    static const site_cf_object object = {"origin access control", etag_of, cf_delete_origin_access_control};
    return site_delete_unused(ctx, n, &object, err);
}

static const char *const replace_on[] = {"origin_type", NULL};

/* origin access controls have random ids and no tags: none can be told apart */
static void ci_grant(ci_builder *b, int mine)
{
    ci_reads_writes(b, mine, "cloudfront:ListOriginAccessControls",
                    "cloudfront:CreateOriginAccessControl cloudfront:GetOriginAccessControl "
                    "cloudfront:UpdateOriginAccessControl cloudfront:DeleteOriginAccessControl",
                    ci_one(ci_arn(b, "cloudfront", 0, "origin-access-control/*")), NULL);
}

const res_kind res_kind_oac = {
    .name = "oac",
    .title = "origin access control",
    .build = build,
    .discover = discover,
    .create = create,
    .update = update,
    .remove = remove_oac,
    .replace_on = replace_on,
    .ci_grant = ci_grant,
};
