/*
 * The CI role (node role/ci, of the role kind: role.c finds, creates, updates and deletes
 * it like the stack's other roles, under /ecsdeploy/STACK/): GitHub Actions assumes it
 * with the OpenID Connect token of a workflow run (sts:AssumeRoleWithWebIdentity) when the
 * token's audience is sts.amazonaws.com and its subject names the file's repository with
 * one of its branches ("repo:OWNER/REPO:ref:refs/heads/BRANCH") or environments
 * ("repo:OWNER/REPO:environment:NAME"). Its permissions (ci_policy.c) are managed policies
 * of the stack (policy/ci-1, policy/ci-2, ...: policy.c), as many as their size needs (IAM
 * takes 10,240 characters inline per role, 6,144 per managed policy); its one inline
 * policy is the statement that denies it any change to itself.
 */
#include <stdlib.h>
#include <string.h>

#include "ci_internal.h"
#include "policy_internal.h"
#include "stack_names.h"
#include "sts.h"
#include "xalloc.h"

/* Policies are filled to this size: below IAM's limit, for the account and region that
 * replace the references in the ARNs (estimated with a 12-digit account). */
#define CHUNK_CHARS (POLICY_MAX_CHARS - 200)

static cJSON *trust(const stack_ci *ci, const res_node *provider)
{
    cJSON *st = cJSON_CreateObject();
    cJSON_AddStringToObject(st, "Effect", "Allow");
    cJSON_AddItemToObject(cJSON_AddObjectToObject(st, "Principal"), "Federated",
                          res_ref(provider->id, "arn"));
    cJSON_AddStringToObject(st, "Action", "sts:AssumeRoleWithWebIdentity");
    cJSON *cond = cJSON_AddObjectToObject(st, "Condition");
    cJSON_AddStringToObject(cJSON_AddObjectToObject(cond, "StringEquals"), CI_GITHUB_HOST ":aud",
                            CI_AUDIENCE);
    /* StringLike: a branch may be a pattern (release/...) */
    cJSON *subs = cJSON_AddArrayToObject(cJSON_AddObjectToObject(cond, "StringLike"),
                                         CI_GITHUB_HOST ":sub");
    for (size_t i = 0; i < ci->nbranches; i++) {
        char *s = xasprintf("repo:%s:ref:refs/heads/%s", ci->repository, ci->branches[i]);
        cJSON_AddItemToArray(subs, cJSON_CreateString(s));
        free(s);
    }
    for (size_t i = 0; i < ci->nenvironments; i++) {
        char *s = xasprintf("repo:%s:environment:%s", ci->repository, ci->environments[i]);
        cJSON_AddItemToArray(subs, cJSON_CreateString(s));
        free(s);
    }
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "Version", "2012-10-17");
    cJSON_AddItemToArray(cJSON_AddArrayToObject(doc, "Statement"), st);
    return doc;
}

/* The printed size of a statement once its references are known (the account written as
 * 12 digits). */
static void placeholders(cJSON *v)
{
    for (cJSON *c = v ? v->child : NULL; c; c = c->next) {
        const cJSON *ref = cJSON_GetObjectItemCaseSensitive(c, "ref");
        if (cJSON_IsObject(c) && cJSON_IsString(ref)) {
            cJSON *s = cJSON_CreateString("123456789012");
            if (c->string)
                s->string = xstrdup(c->string);
            cJSON_ReplaceItemViaPointer(v, c, s);
            c = s;
        } else {
            placeholders(c);
        }
    }
}

static size_t printed_size(const cJSON *st)
{
    cJSON *copy = cJSON_Duplicate(st, 1);
    placeholders(copy);
    char *text = cJSON_PrintUnformatted(copy);
    size_t n = strlen(text);
    cJSON_free(text);
    cJSON_Delete(copy);
    return n;
}

static cJSON *policy_doc(void)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "Version", "2012-10-17");
    cJSON_AddArrayToObject(doc, "Statement");
    return doc;
}

void ci_role_build(res_graph *g, res_node *provider)
{
    const stack_model *s = g->stack;
    char *name = stack_name_ci_role(s->name);
    char *path = xasprintf("/ecsdeploy/%s/", s->name);
    cJSON *d = res_props("name", name, "path", path, NULL);
    cJSON_AddItemToObject(d, "trust", trust(&s->ci, provider));
    cJSON *managed = cJSON_AddArrayToObject(d, "managed");
    cJSON *guard = policy_doc();
    cJSON_AddItemToObject(cJSON_AddObjectToObject(d, "inline"), CI_POLICY_NAME, guard);

    /* the allowed statements fill managed policies in order, the denial stays inline */
    cJSON *all = ci_policy_document(g, provider->id);
    cJSON *sts = cJSON_GetObjectItem(all, "Statement");
    res_node **policies = NULL;
    size_t npolicies = 0, used = CHUNK_CHARS;
    cJSON *chunk = NULL;
    while (sts->child) {
        cJSON *st = cJSON_DetachItemViaPointer(sts, sts->child);
        if (strcmp(cJSON_GetObjectItem(st, "Effect")->valuestring, "Deny") == 0) {
            cJSON_AddItemToArray(cJSON_GetObjectItem(guard, "Statement"), st);
            continue;
        }
        size_t size = printed_size(st) + 1;
        if (used + size > CHUNK_CHARS) {
            chunk = policy_doc();
            char *node = xasprintf("ci-%zu", npolicies + 1);
            char *pname = xasprintf("%s-%zu", name, npolicies + 1);
            char *label = xasprintf("CI policy %s", pname);
            res_node *p = policy_node_add(g, node, pname, label, chunk);
            res_node_depend(p, provider);
            policies = xrealloc(policies, (npolicies + 1) * sizeof *policies);
            policies[npolicies++] = p;
            cJSON_AddItemToArray(managed, res_ref(p->id, "arn"));
            free(label);
            free(pname);
            free(node);
            used = 60; /* {"Version":"2012-10-17","Statement":[]} */
        }
        cJSON_AddItemToArray(cJSON_GetObjectItem(chunk, "Statement"), st);
        used += size;
    }
    cJSON_Delete(all);

    res_node *n = res_graph_addf(g, &res_kind_role, "ci", d, "CI role %s (GitHub %s)", name,
                                 s->ci.repository);
    n->model = &s->ci;
    res_node_depend(n, provider);
    for (size_t i = 0; i < npolicies; i++)
        res_node_depend(n, policies[i]);
    free(policies);
    free(path);
    free(name);
}

/* A node of the CI identity: the role, its managed policies, the provider. */
static int ci_node(const res_node *n)
{
    return strcmp(n->id, "role/ci") == 0 || strncmp(n->id, "policy/ci-", 10) == 0 ||
           n->kind == &res_kind_oidc_provider;
}

int res_ci_check_caller(res_ctx *ctx, aws_error *err)
{
    const res_graph *g = ctx->graph;
    const res_node *changed = NULL;
    for (size_t i = 0; i < g->n && !changed; i++)
        if (g->nodes[i]->action != RES_NONE && ci_node(g->nodes[i]))
            changed = g->nodes[i];
    if (!changed)
        return 0;
    sts_identity me;
    if (sts_get_caller_identity(ctx->aws, &me, err) != 0)
        return -1;
    /* arn:aws:sts::ACCOUNT:assumed-role/ROLE-NAME/SESSION */
    char *role = stack_name_ci_role(ctx->stack_name);
    char *session = xasprintf(":assumed-role/%s/", role);
    int self = me.arn && strstr(me.arn, session) != NULL;
    if (self)
        aws_error_set(err, AWS_ERR_INPUT, "CiRoleChangesItself",
                      "this file changes the CI identity (%s and maybe more: its permissions follow "
                      "the stack's kinds, load balancers, buckets and sites, and ci:), and you run "
                      "as that role (%s), which may not change itself; an administrator runs "
                      "`ecsdeploy up` with this file once, then the workflow goes on",
                      changed->id, me.arn);
    free(session);
    free(role);
    sts_identity_free(&me);
    return self ? -1 : 0;
}
