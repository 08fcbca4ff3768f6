/* Following pages of list operations (see aws_paginate.h). */
#include "aws_paginate.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static const char *token_of(const cJSON *out, const char *name)
{
    const char *t = name ? aws_json_str(out, name) : NULL;
    return t && *t ? t : NULL;
}

static void set_member(cJSON *in, const char *name, const char *value)
{
    cJSON_DeleteItemFromObjectCaseSensitive(in, name);
    cJSON_AddStringToObject(in, name, value);
}

static void collect(cJSON *all, const cJSON *out, const char *items)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(out, items);
    if (cJSON_IsArray(v)) {
        for (const cJSON *e = v->child; e; e = e->next)
            cJSON_AddItemToArray(all, cJSON_Duplicate(e, 1));
    } else if (v) {
        cJSON_AddItemToArray(all, cJSON_Duplicate(v, 1));
    }
}

int aws_paginate(aws_page_call call, void *ctx, const cJSON *input, const aws_page_spec *spec,
                 cJSON **items, aws_error *err)
{
    cJSON *in = input ? cJSON_Duplicate(input, 1) : cJSON_CreateObject();
    cJSON *all = cJSON_CreateArray();
    char *last = NULL;
    int max = spec->max_pages > 0 ? spec->max_pages : 1000, rc = 0;
    *items = NULL;
    for (int page = 1;; page++) {
        cJSON *out = NULL;
        if ((rc = call(ctx, in, &out, err)) != 0)
            break;
        collect(all, out, spec->items);
        const char *t = token_of(out, spec->out_token), *t2 = token_of(out, spec->out_token2);
        int more = t && (!spec->truncated || aws_json_bool(out, spec->truncated, 0));
        if (more && last && strcmp(last, t) == 0 && !t2) {
            aws_error_set(err, AWS_ERR_PARSE, "PaginationLoop",
                          "the service returned the same %s twice", spec->out_token);
            rc = -1;
        } else if (more && page >= max) {
            aws_error_set(err, AWS_ERR_PARSE, "TooManyPages",
                          "more than %d pages; stopping", max);
            rc = -1;
        } else if (more) {
            free(last);
            last = xstrdup(t);
            set_member(in, spec->in_token, t);
            if (spec->in_token2 && t2)
                set_member(in, spec->in_token2, t2);
            else if (spec->in_token2)
                cJSON_DeleteItemFromObjectCaseSensitive(in, spec->in_token2);
            const char *t3 = token_of(out, spec->out_token3);
            if (spec->in_token3 && t3)
                set_member(in, spec->in_token3, t3);
            else if (spec->in_token3)
                cJSON_DeleteItemFromObjectCaseSensitive(in, spec->in_token3);
        }
        cJSON_Delete(out);
        if (rc != 0 || !more)
            break;
    }
    free(last);
    cJSON_Delete(in);
    if (rc != 0) {
        cJSON_Delete(all);
        return -1;
    }
    *items = all;
    return 0;
}

typedef struct {
    aws_client *c;
    const char *service, *op;
    const char *const *lists;
    int kind; /* 0 json, 1 query, 2 ec2 */
} call_ctx;

static int dispatch(void *ctx, const cJSON *input, cJSON **output, aws_error *err)
{
    call_ctx *k = ctx;
    if (k->kind == 0)
        return aws_json_call(k->c, k->service, k->op, input, output, err);
    if (k->kind == 1)
        return aws_query_call(k->c, k->service, k->op, input, NULL, k->lists, output, err);
    return aws_ec2_call(k->c, k->op, input, k->lists, output, err);
}

int aws_json_paginate(aws_client *c, const char *service, const char *operation,
                      const cJSON *input, const aws_page_spec *spec, cJSON **items,
                      aws_error *err)
{
    call_ctx k = {c, service, operation, NULL, 0};
    return aws_paginate(dispatch, &k, input, spec, items, err);
}

int aws_query_paginate(aws_client *c, const char *service, const char *action, const cJSON *input,
                       const char *const *lists, const aws_page_spec *spec, cJSON **items,
                       aws_error *err)
{
    call_ctx k = {c, service, action, lists, 1};
    return aws_paginate(dispatch, &k, input, spec, items, err);
}

int aws_ec2_paginate(aws_client *c, const char *action, const cJSON *input,
                     const char *const *lists, const aws_page_spec *spec, cJSON **items,
                     aws_error *err)
{
    call_ctx k = {c, "ec2", action, lists, 2};
    return aws_paginate(dispatch, &k, input, spec, items, err);
}
