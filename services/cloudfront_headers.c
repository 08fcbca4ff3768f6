/* CloudFront response headers policies: custom headers on every response of the cache
 * behaviors that name the policy (see cloudfront.h). */
#include "cloudfront_internal.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

#define KIND "response-headers-policy"

/* The custom headers of a policy's config (a header without a name is skipped). */
static void read_headers(const cJSON *policy, void *out)
{
    cf_headers_policy *p = out;
    const cJSON *custom = svc_json_at(policy, "ResponseHeadersPolicyConfig.CustomHeadersConfig");
    const cJSON *h;
    for (int i = 0; (h = cf_item_at(custom, "ResponseHeadersPolicyCustomHeader", i)); i++)
        if (aws_json_str(h, "Header")) /* svc_tags_add takes a NULL value as "" */
            svc_tags_add(&p->headers, aws_json_str(h, "Header"), aws_json_str(h, "Value"));
}

#define CONFIG(m) "ResponseHeadersPolicyConfig." m

/* A <ResponseHeadersPolicy> (Id, ResponseHeadersPolicyConfig): an answer's (whose ETag
 * header read_answer adds) or a list's. */
static const svc_shape policy_shape = SVC_SHAPE(cf_headers_policy, read_headers, NULL,
    SVC_FIELD("Id", SVC_STR, cf_headers_policy, id),
    SVC_FIELD(CONFIG("Name"), SVC_STR, cf_headers_policy, name),
    SVC_FIELD(CONFIG("Comment"), SVC_STR, cf_headers_policy, comment),
    SVC_FIELD("", SVC_KEPT_TAGS, cf_headers_policy, headers),
    SVC_FIELD("Headers.etag", SVC_STR, cf_headers_policy, etag));

SVC_DEFINE_FREE(cf_headers_policy_free, cf_headers_policy, policy_shape)
SVC_DEFINE_LIST_FREE(cf_headers_policies_free, cf_headers_policies, policy_shape)

/* The configuration in the model's member order (Comment before Name), the items as
 * {"Items": {"ResponseHeadersPolicyCustomHeader": [...]}} (cloudfront_config.c says why). */
static cJSON *policy_config(const cf_headers_policy_in *in)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "Comment", in->comment ? in->comment : "");
    cJSON_AddStringToObject(j, "Name", in->name ? in->name : "");
    cJSON *custom = cJSON_AddObjectToObject(j, "CustomHeadersConfig");
    size_t n = in->headers ? in->headers->n : 0;
    cJSON_AddNumberToObject(custom, "Quantity", (double)n);
    if (n) {
        cJSON *items = cJSON_AddArrayToObject(cJSON_AddObjectToObject(custom, "Items"),
                                              "ResponseHeadersPolicyCustomHeader");
        for (size_t i = 0; i < n; i++) {
            cJSON *h = cJSON_CreateObject();
            cJSON_AddStringToObject(h, "Header", in->headers->items[i].key);
            cJSON_AddStringToObject(h, "Value", in->headers->items[i].value);
            cJSON_AddBoolToObject(h, "Override", 1);
            cJSON_AddItemToArray(items, h);
        }
    }
    return j;
}

static int read_answer(int rc, cJSON *o, cf_headers_policy *out)
{
    if (rc == 0 && out) { /* the answer is the payload (Id, config) or holds it under its name */
        const cJSON *policy = cJSON_GetObjectItemCaseSensitive(o, "ResponseHeadersPolicy");
        svc_read(policy ? policy : o, &policy_shape, out);
        free(out->etag);
        out->etag = cfi_etag_of(o);
    }
    cJSON_Delete(o);
    return rc;
}

/* After a lost create answer: the policy of that name, read again as the create answers. */
static int find_by_name(void *ctx, cJSON **output, aws_error *err)
{
    svc_lookup *g = ctx; /* id: the name */
    cf_headers_policies all;
    if (cf_list_headers_policies(g->c, &all, err) != 0)
        return -1;
    int found = 0;
    for (size_t i = 0; i < all.n && !found; i++)
        if (strcmp(all.items[i].name, g->id) == 0)
            found = cfi_get_one(g->c, "GetResponseHeadersPolicy", KIND, all.items[i].id, output, err) == 0
                        ? 1 : -1;
    cf_headers_policies_free(&all);
    return found;
}

int cf_create_headers_policy(aws_client *c, const cf_headers_policy_in *in, cf_headers_policy *out,
                             aws_error *err)
{
    memset(out, 0, sizeof *out);
    svc_lookup g = {.c = c, .id = in->name ? in->name : ""};
    aws_lost_answer guard = {find_by_name, &g};
    cJSON *o = NULL;
    int rc = cfi_call(c, "CreateResponseHeadersPolicy", "POST", "/" KIND, NULL, NULL,
                      "ResponseHeadersPolicyConfig", policy_config(in), &guard, &o, err);
    return read_answer(rc, o, out);
}

int cf_get_headers_policy(aws_client *c, const char *id, cf_headers_policy *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *o = NULL;
    int rc = cfi_get_one(c, "GetResponseHeadersPolicy", KIND, id, &o, err);
    return read_answer(rc, o, out);
}

int cf_update_headers_policy(aws_client *c, const char *id, const char *etag,
                             const cf_headers_policy_in *in, cf_headers_policy *out, aws_error *err)
{
    if (out)
        memset(out, 0, sizeof *out);
    char *path = xasprintf("/" KIND "/%s", id);
    cJSON *o = NULL;
    int rc = cfi_call(c, "UpdateResponseHeadersPolicy", "PUT", path, NULL, etag,
                      "ResponseHeadersPolicyConfig", policy_config(in), NULL, &o, err);
    free(path);
    return read_answer(rc, o, out);
}

int cf_delete_headers_policy(aws_client *c, const char *id, const char *etag, aws_error *err)
{
    char *path = xasprintf("/" KIND "/%s", id);
    int rc = cfi_call(c, "DeleteResponseHeadersPolicy", "DELETE", path, NULL, etag, NULL, NULL,
                      NULL, NULL, err);
    free(path);
    return rc;
}

int cf_list_headers_policies(aws_client *c, cf_headers_policies *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *all, *e;
    if (cfi_list_all(c, "ListResponseHeadersPolicies", "/" KIND, "ResponseHeadersPolicySummary", 0,
                     &all, err) != 0)
        return -1;
    cJSON_ArrayForEach(e, all) {
        const char *type = aws_json_str(e, "Type");
        if (type && strcmp(type, "custom") == 0) /* AWS's managed ones are listed too */
            svc_read(cJSON_GetObjectItemCaseSensitive(e, "ResponseHeadersPolicy"), &policy_shape,
                     xgrow((void **)&out->items, &out->n, sizeof *out->items));
    }
    cJSON_Delete(all);
    return 0;
}
