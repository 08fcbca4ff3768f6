/* The tags that mark a resource as the stack's (ecsdeploy:stack, ecsdeploy:id and the
 * stack's own tags). */
#include <string.h>

#include "res.h"

cJSON *res_tags(res_ctx *ctx, const res_node *n)
{
    cJSON *t = cJSON_CreateObject();
    if (ctx->stack)
        for (size_t i = 0; i < ctx->stack->ntags; i++)
            cJSON_AddStringToObject(t, ctx->stack->tags[i].name, ctx->stack->tags[i].value);
    cJSON_AddStringToObject(t, RES_TAG_STACK, ctx->stack_name);
    cJSON_AddStringToObject(t, RES_TAG_ID, n->id);
    return t;
}

void res_tags_list(res_ctx *ctx, const res_node *n, svc_tags *out)
{
    memset(out, 0, sizeof *out);
    cJSON *t = res_tags(ctx, n);
    for (const cJSON *c = t->child; c; c = c->next)
        svc_tags_add(out, c->string, c->valuestring);
    cJSON_Delete(t);
}

const char *res_tags_node(res_ctx *ctx, const svc_tags *tags)
{
    return res_tags_match(ctx, tags, NULL) ? svc_tags_get(tags, RES_TAG_ID) : NULL;
}

int res_tags_match(res_ctx *ctx, const svc_tags *tags, const char *id)
{
    const char *stack = svc_tags_get(tags, RES_TAG_STACK);
    if (!stack || strcmp(stack, ctx->stack_name) != 0)
        return 0;
    return !id || (svc_tags_get(tags, RES_TAG_ID) && strcmp(svc_tags_get(tags, RES_TAG_ID), id) == 0);
}
