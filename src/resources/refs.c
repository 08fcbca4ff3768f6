/* The stack file's ${KIND.NAME.ATTR} references, answered from the graph. */
#include <stdlib.h>

#include "res.h"
#include "xalloc.h"

char *res_spec_ref_node_id(const spec_ref *ref)
{
    const char *kind = "service";
    switch (ref->kind) {
    case SPEC_REF_LOAD_BALANCER: kind = "alb"; break;
    case SPEC_REF_SECRET: kind = "secret"; break;
    case SPEC_REF_BUCKET: kind = "bucket"; break;
    case SPEC_REF_SERVICE: kind = "service"; break;
    }
    return xasprintf("%s/%s", kind, ref->name);
}

int res_spec_ref_resolve(const spec_ref *ref, void *ud, char **value)
{
    res_ctx *ctx = ud;
    char *v = spec_ref_static_value(ctx->stack, ref);
    if (!v) {
        char *id = res_spec_ref_node_id(ref);
        v = res_ref_value(ctx, id, ref->attr);
        free(id);
    }
    if (!v)
        return -1;
    *value = v;
    return 0;
}
