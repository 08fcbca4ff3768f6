/* ci: an identity for continuous integration: GitHub Actions assumes an IAM role of the
 * stack through OpenID Connect, from the given repository's branches and environments. */
#include <stdlib.h>
#include <string.h>

#include "stack_internal.h"
#include "stack_names.h"
#include "xalloc.h"

static const char *const ci_keys[] = {"github", "publish", NULL};
static const char *const github_keys[] = {"repository", "branches", "environments", NULL};

/* "owner/repo" as GitHub spells them (the OIDC token's `repository` claim). */
static const char *repository_why(const char *r)
{
    const char *slash = strchr(r, '/');
    if (!slash || slash == r || !slash[1] || strchr(slash + 1, '/'))
        return "must be OWNER/REPOSITORY, like acme/shop";
    if (!stack_name_chars(r, 0, "-_./")) /* the one '/' checked above */
        return "may hold only letters, digits, '-', '_' and '.' besides the '/'";
    return NULL;
}

/* A branch name or pattern, an environment name: it becomes part of the token's `sub`
 * condition ("repo:OWNER/REPO:ref:refs/heads/BRANCH"), where ':' and spaces cannot be. */
static const char *ref_why(const char *v, int branch)
{
    if (!*v)
        return "is empty";
    if (strpbrk(v, ": \t\"\\"))
        return "may not hold ':', spaces, quotes or backslashes";
    if (branch && strncmp(v, "refs/", 5) == 0)
        return "is a full ref; give the branch name only (main, release/*)";
    return NULL;
}

static void check_list(stack_ctx *c, const stack_node *g, const char *key, char **v, size_t n,
                       int branch)
{
    const stack_node *l = stack_node_get(g, key);
    for (size_t i = 0; i < n; i++) {
        const char *why = ref_why(v[i], branch);
        if (why) {
            size_t old = stack_path_push(c, key);
            stack_err(c, l && l->kind == STACK_NODE_SEQ && i < l->n ? l->vals[i] : l, "'%s' %s", v[i],
                      why);
            stack_path_pop(c, old);
        }
    }
}

static void decode_github(stack_ctx *c, const stack_node *g, stack_ci *ci)
{
    size_t old = stack_path_push(c, "github");
    if (stack_want_map(c, g)) {
        stack_check_keys(c, g, github_keys);
        const char *why;
        if (stack_get_str(c, g, "repository", 1, &ci->repository) == 0 && ci->repository &&
            (why = repository_why(ci->repository)))
            stack_err_key(c, stack_node_get(g, "repository"), "repository", "'%s' %s",
                          ci->repository, why);
        if (stack_get_strlist(c, g, "branches", 1, &ci->branches, &ci->nbranches) == 0)
            check_list(c, g, "branches", ci->branches, ci->nbranches, 1);
        if (stack_get_strlist(c, g, "environments", 1, &ci->environments, &ci->nenvironments) == 0)
            check_list(c, g, "environments", ci->environments, ci->nenvironments, 0);
        if (ci->nbranches + ci->nenvironments == 0 && !stack_node_get(g, "branches") &&
            !stack_node_get(g, "environments"))
            stack_err(c, g, "say who may deploy: branches: [main] and/or environments: [production] "
                            "(a role any workflow of the repository could assume is refused)");
        else if (ci->nbranches + ci->nenvironments == 0)
            stack_err(c, g, "branches and environments are both empty: no workflow could assume "
                            "the role");
    }
    stack_path_pop(c, old);
}

static void decode_publish(stack_ctx *c, const stack_node *v, stack_ci *ci)
{
    if (stack_get_strlist(c, v, "publish", 1, &ci->publish, &ci->npublish) != 0)
        return;
    const stack_node *l = stack_node_get(v, "publish");
    for (size_t i = 0; i < ci->npublish; i++) {
        if (stack_find_site(c->s, ci->publish[i]))
            continue;
        size_t old = stack_path_push(c, "publish");
        stack_err(c, l && l->kind == STACK_NODE_SEQ && i < l->n ? l->vals[i] : l,
                  "'%s' is not a site of this stack (publish names sites under sites:)",
                  ci->publish[i]);
        stack_path_pop(c, old);
    }
}

void stack_decode_ci(stack_ctx *c, const stack_node *n)
{
    if (!n)
        return;
    stack_ci *ci = &c->s->ci;
    size_t old = stack_path_push(c, "ci");
    ci->loc = n->loc;
    if (stack_want_map(c, n)) {
        ci->enabled = 1;
        stack_check_keys(c, n, ci_keys);
        const stack_node *g = stack_node_get(n, "github");
        if (!g)
            stack_err_missing(c, n, "github");
        else
            decode_github(c, g, ci);
        decode_publish(c, n, ci);
        if (c->s->name && !stack_check_logical_name(c->s->name)) {
            char *role = stack_name_ci_role(c->s->name);
            const char *why = stack_check_role_name(role);
            if (why)
                stack_err(c, n, "the CI role name '%s' %s; shorten the stack name", role, why);
            free(role);
        }
    }
    stack_path_pop(c, old);
}
