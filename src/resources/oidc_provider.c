/*
 * The IAM OpenID Connect provider for GitHub Actions (token.actions.githubusercontent.com),
 * which the stack's CI role trusts. An account has at most one provider per URL, often
 * made before the stack or shared by several stacks, so:
 *   - when the account has one, the stack uses it and never changes or deletes it (the
 *     node becomes external once discovery sees it is not the stack's: not tagged
 *     ecsdeploy:stack = STACK);
 *   - when it has none, the stack creates it (tagged as its own); `down` then deletes it
 *     only when no role outside the stack trusts it any more (its CI role is deleted
 *     first: the registry deletes providers after roles), else keeps it and says which
 *     role still trusts it, so that another stack's CI keeps working.
 * The build also adds the CI role itself (a node of the role kind, ci_role.c): it trusts
 * this provider and needs the whole graph to derive its permissions, so it is built after
 * every other kind.
 *
 * Properties: url (a change replaces), audience (sts.amazonaws.com must be among its client
 * ids; an update adds it); actual attributes add arn, account (of the ARN: the CI role's
 * policy names the account's resources with it) and created_by_stack.
 */
#include <stdlib.h>
#include <string.h>

#include "ci_internal.h"
#include "ci_policy_internal.h"
#include "iam.h"
#include "xalloc.h"

static int build(res_graph *g, const stack_model *s)
{
    if (!s->ci.enabled)
        return 0;
    cJSON *d = res_props("url", CI_GITHUB_HOST, "audience", CI_AUDIENCE, NULL);
    res_node *provider = res_graph_add(g, &res_kind_oidc_provider, "github",
                                       "OpenID Connect provider " CI_GITHUB_HOST, d);
    ci_role_build(g, provider);
    return 0;
}

/* "arn:aws:iam::123456789012:oidc-provider/HOST" -> "123456789012" (a new string). */
static char *account_of(const char *arn)
{
    const char *p = strstr(arn, ":iam::");
    if (!p)
        return xstrdup("");
    p += 6;
    return xstrndup(p, strcspn(p, ":"));
}

static cJSON *props_of(res_ctx *ctx, const iam_oidc_provider *p)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "url", p->url);
    int has = 0;
    for (size_t i = 0; i < p->client_ids.n; i++)
        has |= strcmp(p->client_ids.items[i], CI_AUDIENCE) == 0;
    cJSON_AddStringToObject(o, "audience", has ? CI_AUDIENCE : "");
    cJSON_AddStringToObject(o, "arn", p->arn);
    char *account = account_of(p->arn);
    cJSON_AddStringToObject(o, "account", account);
    free(account);
    cJSON_AddBoolToObject(o, "created_by_stack", res_tags_match(ctx, &p->tags, NULL));
    return o;
}

static int discover(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    char *arn = NULL;
    if (iam_find_oidc_provider(ctx->aws, CI_GITHUB_HOST, &arn, err) != 0)
        return -1;
    if (!arn)
        return 0;
    iam_oidc_provider p;
    int rc = iam_get_oidc_provider(ctx->aws, arn, &p, err);
    if (rc != 0 && aws_error_is(err, AWS_IS_NOT_FOUND)) { /* deleted meanwhile */
        aws_error_clear(err);
        free(arn);
        return 0;
    }
    if (rc == 0) {
        free(p.arn);
        p.arn = xstrdup(arn);
        /* the stack's own one, or the account's one its file's CI role is to trust */
        const res_node *n = ctx->graph ? res_graph_find(ctx->graph, "oidc_provider/github") : NULL;
        if (res_tags_match(ctx, &p.tags, NULL) || (n && n->desired))
            res_found_add(out, "oidc_provider/github", arn, props_of(ctx, &p));
        iam_oidc_provider_free(&p);
    }
    free(arn);
    return rc;
}

/* A provider the stack did not create is the account's: read, never changed. */
static int after_discover(res_ctx *ctx, aws_error *err)
{
    (void)err;
    pthread_mutex_lock(&ctx->lock);
    res_node *n = res_graph_find(ctx->graph, "oidc_provider/github");
    if (n && n->physical_id && n->actual &&
        !cJSON_IsTrue(cJSON_GetObjectItem(n->actual, "created_by_stack")))
        n->external = 1;
    pthread_mutex_unlock(&ctx->lock);
    return 0;
}

static int create(res_ctx *ctx, res_node *n, aws_error *err)
{
    svc_strings audiences = {0};
    svc_strings_add(&audiences, CI_AUDIENCE);
    svc_tags tags;
    res_tags_list(ctx, n, &tags);
    char *arn = NULL;
    /* no thumbprint: IAM trusts GitHub's certificate through its own root CAs */
    int rc = iam_create_oidc_provider(ctx->aws, "https://" CI_GITHUB_HOST, &audiences, NULL,
                                      &tags, &arn, err);
    svc_tags_free(&tags);
    svc_strings_free(&audiences);
    if (rc != 0 && aws_error_is(err, AWS_IS_EXISTS)) {
        /* made meanwhile, by someone else: not the stack's to manage */
        aws_error_set(err, AWS_ERR_INPUT, "EntityAlreadyExists", "the account got an OpenID "
                      "Connect provider for %s while this run planned to create it; run up again "
                      "to use it", CI_GITHUB_HOST);
        return -1;
    }
    if (rc != 0)
        return -1;
    iam_oidc_provider p;
    rc = iam_get_oidc_provider(ctx->aws, arn, &p, err);
    if (rc == 0) {
        free(p.arn);
        p.arn = xstrdup(arn);
        res_node_set(ctx, n, arn, props_of(ctx, &p));
        iam_oidc_provider_free(&p);
    } else {
        res_node_set(ctx, n, arn, cJSON_CreateObject()); /* the rollback deletes it */
    }
    free(arn);
    return rc;
}

static int update(res_ctx *ctx, res_node *n, aws_error *err)
{
    if (iam_add_oidc_client_id(ctx->aws, n->physical_id, CI_AUDIENCE, err) != 0)
        return -1;
    cJSON *a = cJSON_Duplicate(n->actual, 1);
    cJSON_ReplaceItemInObject(a, "audience", cJSON_CreateString(CI_AUDIENCE));
    res_node_set(ctx, n, n->physical_id, a);
    return 0;
}

/* A role trusting the provider, other than the ones being deleted with it; *who: its name. */
static int trusted_by_others(res_ctx *ctx, const char *arn, char **who, aws_error *err)
{
    *who = NULL;
    iam_roles roles = {0};
    if (iam_list_roles(ctx->aws, NULL, 0, &roles, err) != 0)
        return -1;
    char *quoted = xasprintf("\"%s\"", arn);
    for (size_t i = 0; i < roles.n && !*who; i++)
        if (roles.items[i].trust_policy && strstr(roles.items[i].trust_policy, quoted))
            *who = xstrdup(roles.items[i].name);
    free(quoted);
    iam_roles_free(&roles);
    return 0;
}

static int remove_provider(res_ctx *ctx, res_node *n, aws_error *err)
{
    if (n->actual && cJSON_GetObjectItem(n->actual, "created_by_stack") &&
        !cJSON_IsTrue(cJSON_GetObjectItem(n->actual, "created_by_stack")))
        return 0; /* the account's: never the stack's to delete */
    char *who;
    if (trusted_by_others(ctx, n->physical_id, &who, err) != 0)
        return -1;
    if (who) {
        res_event(ctx, n, RES_DELETE, RES_EV_NOTE, "kept: role %s still trusts it", who);
        free(who);
        return 0;
    }
    int rc = iam_delete_oidc_provider(ctx->aws, n->physical_id, err);
    return rc != 0 && aws_error_is(err, AWS_IS_NOT_FOUND) ? 0 : rc;
}

static int status(res_ctx *ctx, res_node *n, cJSON *out, aws_error *err)
{
    (void)ctx;
    (void)err;
    int ours = cJSON_IsTrue(cJSON_GetObjectItem(n->actual, "created_by_stack"));
    const cJSON *aud = cJSON_GetObjectItem(n->actual, "audience");
    int ok = cJSON_IsString(aud) && strcmp(aud->valuestring, CI_AUDIENCE) == 0;
    res_status_summary(out, ok, "%s%s", ours ? "created by this stack" : "the account's, shared",
                       ok ? "" : "; its audiences lack " CI_AUDIENCE
                                 " (GitHub's tokens will be refused)");
    return 0;
}

static const char *const replace_on[] = {"url", NULL};

/* never changed by CI: see the deny statement of ci_policy.c */
static void ci_grant(ci_builder *b, int mine)
{
    (void)mine;
    READS(b, "iam:ListOpenIDConnectProviders");
    ci_allow(b, "iam:GetOpenIDConnectProvider",
             ci_one(ci_arn(b, "iam", 0, "oidc-provider/" CI_GITHUB_HOST)), NULL);
}

const res_kind res_kind_oidc_provider = {
    .name = "oidc_provider",
    .title = "OIDC provider",
    .build = build,
    .discover = discover,
    .create = create,
    .update = update,
    .remove = remove_provider,
    .replace_on = replace_on,
    .status = status,
    .after_discover = after_discover,
    .ci_grant = ci_grant,
};
