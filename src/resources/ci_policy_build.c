/* The pieces the CI role's policy is built from (ci_policy_internal.h): statements merged
 * by effect, resources and condition, ARNs that read the account from the graph, and the
 * usual conditions on the stack's tag. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ci_policy_internal.h"
#include "xalloc.h"

void ci_add_actions(cJSON *list, const char *actions)
{
    const char *p = actions;
    while (*p) {
        p += strspn(p, " ");
        size_t len = strcspn(p, " ");
        if (!len)
            break;
        char *a = xstrndup(p, len);
        int seen = 0;
        const cJSON *e;
        cJSON_ArrayForEach(e, list) seen |= strcmp(e->valuestring, a) == 0;
        if (!seen)
            cJSON_AddItemToArray(list, cJSON_CreateString(a));
        free(a);
        p += len;
    }
}

/* Allow (or deny) `actions` (space-separated) on resources (an array, taken) under
 * condition (taken, may be NULL). Actions join a statement with the same effect, resources
 * and condition, so the document stays small (IAM takes 10,240 characters of inline policy
 * per role). */
void ci_statement(ci_builder *b, const char *effect, const char *actions, cJSON *resources,
                      cJSON *condition)
{
    cJSON *st;
    cJSON_ArrayForEach(st, b->statements) {
        const cJSON *c = cJSON_GetObjectItem(st, "Condition");
        if (strcmp(cJSON_GetObjectItem(st, "Effect")->valuestring, effect) == 0 &&
            cJSON_Compare(cJSON_GetObjectItem(st, "Resource"), resources, 1) &&
            ((!c && !condition) || (c && condition && cJSON_Compare(c, condition, 1)))) {
            ci_add_actions(cJSON_GetObjectItem(st, "Action"), actions);
            cJSON_Delete(resources);
            cJSON_Delete(condition);
            return;
        }
    }
    st = cJSON_CreateObject();
    cJSON_AddStringToObject(st, "Effect", effect);
    ci_add_actions(cJSON_AddArrayToObject(st, "Action"), actions);
    cJSON_AddItemToObject(st, "Resource", resources);
    if (condition)
        cJSON_AddItemToObject(st, "Condition", condition);
    cJSON_AddItemToArray(b->statements, st);
}

void ci_allow(ci_builder *b, const char *actions, cJSON *resources, cJSON *condition)
{
    ci_statement(b, "Allow", actions, resources, condition);
}

cJSON *ci_any(void)
{
    cJSON *r = cJSON_CreateArray();
    cJSON_AddItemToArray(r, cJSON_CreateString("*"));
    return r;
}

/* "arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE" with the account read from the graph;
 * regional 0 leaves the region empty (IAM, CloudFront). */
cJSON *ci_arn(const ci_builder *b, const char *service, int regional, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf rest = BUF_INIT;
    buf_puts(&rest, ":");
    buf_vprintf(&rest, fmt, ap);
    va_end(ap);
    char *head = xasprintf("arn:%s:%s:%s:", b->g->partition, service, regional ? b->g->region : "");
    cJSON *parts = cJSON_CreateArray();
    cJSON_AddItemToArray(parts, cJSON_CreateString(head));
    cJSON_AddItemToArray(parts, res_ref(b->account_node, "account"));
    cJSON_AddItemToArray(parts, cJSON_CreateString(buf_str(&rest)));
    free(head);
    buf_free(&rest);
    return res_concat(parts);
}

cJSON *ci_one(cJSON *item)
{
    cJSON *r = cJSON_CreateArray();
    cJSON_AddItemToArray(r, item);
    return r;
}

/* {"OPERATOR": {"KEY": value}} with value the stack's name (NULL) or a list. */
cJSON *ci_when(const ci_builder *b, const char *op, const char *key, cJSON *value)
{
    cJSON *c = cJSON_CreateObject();
    cJSON *o = cJSON_AddObjectToObject(c, op);
    cJSON_AddItemToObject(o, key, value ? value : cJSON_CreateString(b->g->stack->name));
    return c;
}

cJSON *ci_tagged(const ci_builder *b)
{
    return ci_when(b, "StringEquals", "aws:ResourceTag/" RES_TAG_STACK, NULL);
}

cJSON *ci_tagging(const ci_builder *b)
{
    return ci_when(b, "StringEquals", "aws:RequestTag/" RES_TAG_STACK, NULL);
}

cJSON *ci_strings(const char *const *v)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; v[i]; i++)
        cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
    return a;
}

/* The desired `member` of every file node of kind `kind`, as ARNs made by fn. */
cJSON *ci_each(const ci_builder *b, const char *kind, const char *member, ci_arn_fn fn)
{
    cJSON *r = cJSON_CreateArray();
    size_t len = strlen(kind);
    for (size_t i = 0; i < b->g->n; i++) {
        const res_node *n = b->g->nodes[i];
        if (!n->desired || strncmp(n->id, kind, len) != 0 || n->id[len] != '/')
            continue;
        const cJSON *v = cJSON_GetObjectItem(n->desired, member);
        if (cJSON_IsString(v))
            cJSON_AddItemToArray(r, fn(b, v->valuestring));
    }
    return r;
}

void ci_linked_role(ci_builder *b, const char *service)
{
    cJSON *c = ci_when(b, "StringEquals", "iam:AWSServiceName", cJSON_CreateString(service));
    ci_allow(b, "iam:CreateServiceLinkedRole", ci_one(ci_arn(b, "iam", 0, "role/aws-service-role/*")), c);
}

