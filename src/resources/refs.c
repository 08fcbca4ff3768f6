/* The stack file's ${KIND.NAME.ATTR} references, answered from the graph. */
#include <stdlib.h>

#include "res.h"
#include "xalloc.h"

char *res_stack_ref_node_id(const stack_ref *ref)
{
    const char *kind = "service";
    switch (ref->kind) {
    case STACK_REF_LOAD_BALANCER: kind = "alb"; break;
    case STACK_REF_SECRET: kind = "secret"; break;
    case STACK_REF_BUCKET: kind = "bucket"; break;
    case STACK_REF_SERVICE: kind = "service"; break;
    case STACK_REF_SITE: kind = "site"; break;
    case STACK_REF_CI: return xstrdup("role/ci"); /* ${ci.github.role_arn} */
    case STACK_REF_ZONE: kind = "zone"; break;
    case STACK_REF_DATABASE: kind = "database"; break;
    case STACK_REF_CACHE: kind = "cache"; break;
    case STACK_REF_PARAMETER: kind = "parameter"; break;
    case STACK_REF_FILE_SYSTEM: kind = "file_system"; break;
    }
    return xasprintf("%s/%s", kind, ref->name);
}

int res_stack_ref_resolve(const stack_ref *ref, void *ud, char **value)
{
    res_ctx *ctx = ud;
    char *v = stack_ref_static_value(ctx->stack, ref);
    if (!v) {
        char *id = res_stack_ref_node_id(ref);
        /* the CI role's node has its ARN as "arn" */
        v = res_ref_value(ctx, id, ref->kind == STACK_REF_CI ? "arn" : ref->attr);
        free(id);
    }
    if (!v)
        return -1;
    *value = v;
    return 0;
}
