/*
 * IAM customer managed policies of the stack, under the path /ecsdeploy/STACK/ like its
 * roles: today the CI role's permissions (ci_role.c), which outgrow what IAM takes inline
 * (10,240 characters for all of a role's inline policies; a managed policy takes 6,144).
 * Discovery is one ListPolicies under the path, then each policy (its tags say its node)
 * and its default version side by side.
 *
 * A policy's document lives in versions (IAM keeps at most 5): an update adds a version and
 * makes it the default, deleting the oldest other one first when there are 5; a deletion
 * deletes the other versions, then the policy (waiting while a role still has it attached:
 * the role kind detaches it when it changes or goes).
 *
 * Properties: name, path (a change of either replaces), document.
 */
#include <stdlib.h>
#include <string.h>

#include "ci_policy_internal.h"
#include "iam.h"
#include "policy_internal.h"
#include "xalloc.h"

/* IAM keeps at most this many versions of a policy. */
#define MAX_VERSIONS 5

res_node *policy_node_add(res_graph *g, const char *node, const char *name, const char *label,
                          cJSON *document)
{
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "name", name);
    char *path = xasprintf("/ecsdeploy/%s/", g->stack->name);
    cJSON_AddStringToObject(d, "path", path);
    free(path);
    cJSON_AddItemToObject(d, "document", document);
    return res_graph_add(g, &res_kind_policy, node, label, d);
}

static cJSON *props_of(const iam_policy *p, const char *document)
{
    cJSON *o = res_props("name", p->name ? p->name : "", "path", p->path ? p->path : "", NULL);
    cJSON *doc = document ? cJSON_Parse(document) : NULL;
    cJSON_AddItemToObject(o, "document", doc ? doc : cJSON_CreateNull());
    cJSON_AddStringToObject(o, "arn", p->arn ? p->arn : "");
    return o;
}

/* ---- discovery ------------------------------------------------------------------------- */

typedef struct {
    res_ctx *ctx;
    iam_policies listed;
    iam_policy *described; /* per listed policy (with its tags) */
    char **documents;      /* per listed policy: its default version's document */
} discovery;

static int read_one(void *ud, size_t i, aws_error *err)
{
    discovery *d = ud;
    size_t k = i / 2;
    const iam_policy *p = &d->listed.items[k];
    int rc = i % 2 ? iam_get_policy_version(d->ctx->aws, p->arn, p->default_version,
                                            &d->documents[k], err)
                   : iam_get_policy(d->ctx->aws, p->arn, &d->described[k], err);
    if (rc != 0 && aws_error_is(err, AWS_IS_NOT_FOUND)) { /* deleted meanwhile */
        aws_error_clear(err);
        rc = 0;
    }
    return rc;
}

static int discover(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    discovery d = {.ctx = ctx};
    char *path = xasprintf("/ecsdeploy/%s/", ctx->stack_name);
    int rc = iam_list_local_policies(ctx->aws, path, &d.listed, err);
    free(path);
    size_t n = d.listed.n;
    d.described = xcalloc(n + 1, sizeof *d.described);
    d.documents = xcalloc(n + 1, sizeof *d.documents);
    if (rc == 0 && n)
        rc = res_parallel(2 * n, RES_READS_AT_ONCE, read_one, &d, err);
    for (size_t i = 0; i < n; i++) {
        const iam_policy *p = &d.described[i];
        const char *id = res_tags_node(ctx, &p->tags);
        if (rc == 0 && p->arn && id)
            res_found_add(out, id, p->arn, props_of(p, d.documents[i]));
        iam_policy_free(&d.described[i]);
        free(d.documents[i]);
    }
    free(d.described);
    free(d.documents);
    iam_policies_free(&d.listed);
    return rc;
}

/* ---- changing ---------------------------------------------------------------------------- */

/* After a create or update IAM accepted: the policy is the name, path and document asked
 * for, with its ARN. No read-back (IAM may not even show it yet: eventually consistent). */
static void record(res_ctx *ctx, res_node *n, const char *arn)
{
    cJSON *attrs = cJSON_CreateObject();
    cJSON_AddStringToObject(attrs, "arn", arn);
    res_node_set_desired(ctx, n, arn, attrs);
}

/* The default version becomes `document`, making room among the versions first. */
static int new_version(res_ctx *ctx, const char *arn, const char *document, aws_error *err)
{
    svc_strings ids;
    char *def = NULL;
    if (iam_list_policy_versions(ctx->aws, arn, &ids, &def, err) != 0)
        return -1;
    int rc = 0;
    for (size_t i = 0; rc == 0 && ids.n - i >= MAX_VERSIONS && i < ids.n; i++)
        if (!def || strcmp(ids.items[i], def) != 0)
            rc = iam_delete_policy_version(ctx->aws, arn, ids.items[i], err);
    svc_strings_free(&ids);
    free(def);
    return rc == 0 ? iam_create_policy_version(ctx->aws, arn, document, 1, NULL, err) : -1;
}

/* The stack's policy of that name (a run that stopped after creating it): its ARN or NULL. */
static char *find(res_ctx *ctx, const char *name, aws_error *err)
{
    iam_policies all;
    char *path = xasprintf("/ecsdeploy/%s/", ctx->stack_name);
    int rc = iam_list_local_policies(ctx->aws, path, &all, err);
    free(path);
    char *arn = NULL;
    for (size_t i = 0; rc == 0 && i < all.n && !arn; i++)
        if (all.items[i].name && strcmp(all.items[i].name, name) == 0)
            arn = xstrdup(all.items[i].arn);
    iam_policies_free(&all);
    return arn;
}

static int create(res_ctx *ctx, res_node *n, aws_error *err)
{
    const char *name = res_prop_text(n->desired, "name");
    char *doc = cJSON_PrintUnformatted(cJSON_GetObjectItem(n->desired, "document"));
    svc_tags tags;
    res_tags_list(ctx, n, &tags);
    iam_policy p;
    int rc = iam_create_policy(ctx->aws, name, res_prop_text(n->desired, "path"), doc, n->label, &tags,
                               &p, err);
    svc_tags_free(&tags);
    char *arn = NULL;
    if (rc == 0) {
        arn = xstrdup(p.arn);
        iam_policy_free(&p);
    } else if (aws_error_is(err, AWS_IS_EXISTS)) {
        /* the stack's own, left by a run that stopped: its document becomes the file's */
        aws_error saved = *err;
        arn = find(ctx, name, err);
        if (!arn && !err->code[0])
            *err = saved;
        rc = arn ? new_version(ctx, arn, doc, err) : -1;
    }
    if (arn) /* it exists now: the rollback deletes it */
        res_node_set(ctx, n, arn, cJSON_CreateObject());
    if (rc == 0)
        record(ctx, n, arn);
    free(arn);
    free(doc);
    return rc;
}

static int update(res_ctx *ctx, res_node *n, aws_error *err)
{
    char *doc = cJSON_PrintUnformatted(cJSON_GetObjectItem(n->desired, "document"));
    int rc = new_version(ctx, n->physical_id, doc, err);
    free(doc);
    if (rc == 0) {
        char *arn = xstrdup(n->physical_id);
        record(ctx, n, arn);
        free(arn);
    }
    return rc;
}

/* One try at deleting: every other version, then the policy; 0 (not yet) while attached. */
static int poll_delete(res_ctx *ctx, res_node *n, void *ud, char *status, size_t len, aws_error *err)
{
    (void)ud;
    svc_strings ids;
    char *def = NULL;
    int rc = iam_list_policy_versions(ctx->aws, n->physical_id, &ids, &def, err);
    for (size_t i = 0; rc == 0 && i < ids.n; i++)
        if (!def || strcmp(ids.items[i], def) != 0)
            rc = iam_delete_policy_version(ctx->aws, n->physical_id, ids.items[i], err);
    svc_strings_free(&ids);
    free(def);
    if (rc == 0)
        rc = iam_delete_policy(ctx->aws, n->physical_id, err);
    return res_delete_tried(rc, err, 0, status, len); /* in use: DeleteConflict, still attached */
}

static int remove_policy(res_ctx *ctx, res_node *n, aws_error *err)
{
    return res_wait(ctx, n, RES_DELETE, "no role to have the policy attached", poll_delete, NULL,
                    err);
}

static const char *const replace_on[] = {"name", "path", NULL};

/* the stack's managed policies are the CI role's own: read only (see ci_policy.c's deny) */
static void ci_grant(ci_builder *b, int mine)
{
    (void)mine;
    READS(b, "iam:ListPolicies");
    ci_allow(b, "iam:GetPolicy iam:GetPolicyVersion iam:ListPolicyVersions",
             ci_one(ci_arn(b, "iam", 0, "policy/ecsdeploy/%s/*", b->g->stack->name)), NULL);
}

const res_kind res_kind_policy = {
    .name = "policy",
    .title = "IAM policy",
    .build = NULL, /* its nodes are added by the kinds that need them (policy_node_add) */
    .discover = discover,
    .create = create,
    .update = update,
    .remove = remove_policy,
    .replace_on = replace_on,
    .ci_grant = ci_grant,
};
