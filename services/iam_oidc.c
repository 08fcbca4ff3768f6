/* IAM OpenID Connect providers (see iam.h). */
#include <stdlib.h>
#include <string.h>

#include "iam_internal.h"
#include "svc_json_internal.h"
#include "xalloc.h"

static const char *const oidc_lists[] = {"ClientIDList", "ThumbprintList",
                                         "OpenIDConnectProviderList", "Tags", NULL};

static const svc_api oidc_api = {.service = "iam", .lists = oidc_lists, .flags = SVC_PREFIX};

static int call(aws_client *c, const char *action, cJSON *in, const aws_lost_answer *guard,
                cJSON **out, aws_error *err)
{
    return svc_query_call(c, &oidc_api, action, in, guard, out, err);
}

/* url without its scheme and trailing '/', as IAM keeps it. */
static char *bare_url(const char *url)
{
    if (strncmp(url, "https://", 8) == 0)
        url += 8;
    size_t n = strlen(url);
    while (n > 1 && url[n - 1] == '/')
        n--;
    return xstrndup(url, n);
}

static const svc_shape provider_shape = SVC_SHAPE(iam_oidc_provider, NULL, NULL,
    SVC_FIELD("Url", SVC_STR, iam_oidc_provider, url),
    SVC_FIELD("CreateDate", SVC_STR, iam_oidc_provider, create_date),
    SVC_FIELD("ClientIDList", SVC_STRINGS, iam_oidc_provider, client_ids),
    SVC_FIELD("ThumbprintList", SVC_STRINGS, iam_oidc_provider, thumbprints),
    SVC_FTAGS("Tags", iam_oidc_provider, tags, "Key", "Value"),
    SVC_FIELD("", SVC_KEPT, iam_oidc_provider, arn));

SVC_DEFINE_FREE(iam_oidc_provider_free, iam_oidc_provider, provider_shape)

int iam_list_oidc_providers(aws_client *c, svc_strings *arns, aws_error *err)
{
    memset(arns, 0, sizeof *arns);
    cJSON *o;
    if (call(c, "ListOpenIDConnectProviders", cJSON_CreateObject(), NULL, &o, err) != 0)
        return -1;
    svc_json_strings(o, "OpenIDConnectProviderList", "Arn", arns);
    cJSON_Delete(o);
    return 0;
}

int iam_find_oidc_provider(aws_client *c, const char *url, char **arn, aws_error *err)
{
    *arn = NULL;
    svc_strings arns;
    if (iam_list_oidc_providers(c, &arns, err) != 0)
        return -1;
    char *want = bare_url(url);
    for (size_t i = 0; i < arns.n && !*arn; i++) {
        const char *tail = strstr(arns.items[i], ":oidc-provider/");
        if (tail && strcmp(tail + strlen(":oidc-provider/"), want) == 0)
            *arn = xstrdup(arns.items[i]);
    }
    free(want);
    svc_strings_free(&arns);
    return 0;
}

/* After a lost CreateOpenIDConnectProvider answer: the provider of that URL, answered as the
 * create answers. */
static int find_created(void *ctx, cJSON **output, aws_error *err)
{
    svc_lookup *g = ctx;
    char *arn;
    if (iam_find_oidc_provider(g->c, g->id, &arn, err) != 0)
        return -1;
    if (!arn)
        return 0;
    *output = cJSON_CreateObject();
    cJSON_AddStringToObject(*output, "OpenIDConnectProviderArn", arn);
    free(arn);
    return 1;
}

int iam_create_oidc_provider(aws_client *c, const char *url, const svc_strings *client_ids,
                             const svc_strings *thumbprints, const svc_tags *tags, char **arn,
                             aws_error *err)
{
    if (arn)
        *arn = NULL;
    cJSON *in = cJSON_CreateObject(), *o;
    cJSON_AddStringToObject(in, "Url", url ? url : "");
    if (client_ids && client_ids->n)
        cJSON_AddItemToObject(in, "ClientIDList", svc_strings_json(client_ids));
    if (thumbprints && thumbprints->n)
        cJSON_AddItemToObject(in, "ThumbprintList", svc_strings_json(thumbprints));
    svc_add_tags(in, "Tags", tags, "Key", "Value");
    svc_lookup g = {.c = c, .id = url ? url : ""};
    aws_lost_answer guard = {find_created, &g};
    return call(c, "CreateOpenIDConnectProvider", in, &guard, &o, err)
               ? -1
               : svc_answer_str(o, "OpenIDConnectProviderArn", arn);
}

int iam_get_oidc_provider(aws_client *c, const char *arn, iam_oidc_provider *out,
                          aws_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *o;
    cJSON *in = svc_input("OpenIDConnectProviderArn", arn);
    if (call(c, "GetOpenIDConnectProvider", in, NULL, &o, err) != 0)
        return -1;
    svc_read_answer(o, NULL, &provider_shape, out);
    out->arn = xstrdup(arn);
    return 0;
}

int iam_delete_oidc_provider(aws_client *c, const char *arn, aws_error *err)
{
    return call(c, "DeleteOpenIDConnectProvider", svc_input("OpenIDConnectProviderArn", arn),
                NULL, NULL, err);
}

static int client_id_call(aws_client *c, const char *action, const char *arn,
                          const char *client_id, aws_error *err)
{
    cJSON *in = svc_input("OpenIDConnectProviderArn", arn);
    cJSON_AddStringToObject(in, "ClientID", client_id ? client_id : "");
    return call(c, action, in, NULL, NULL, err);
}

int iam_add_oidc_client_id(aws_client *c, const char *arn, const char *client_id,
                           aws_error *err)
{
    return client_id_call(c, "AddClientIDToOpenIDConnectProvider", arn, client_id, err);
}

int iam_remove_oidc_client_id(aws_client *c, const char *arn, const char *client_id,
                              aws_error *err)
{
    return client_id_call(c, "RemoveClientIDFromOpenIDConnectProvider", arn, client_id, err);
}

int iam_update_oidc_thumbprints(aws_client *c, const char *arn, const svc_strings *thumbprints,
                                aws_error *err)
{
    cJSON *in = svc_input("OpenIDConnectProviderArn", arn);
    cJSON_AddItemToObject(in, "ThumbprintList", svc_strings_json(thumbprints));
    return call(c, "UpdateOpenIDConnectProviderThumbprint", in, NULL, NULL, err);
}

int iam_tag_oidc_provider(aws_client *c, const char *arn, const svc_tags *tags, aws_error *err)
{
    cJSON *in = svc_input("OpenIDConnectProviderArn", arn);
    cJSON_AddItemToObject(in, "Tags", svc_tags_json(tags, "Key", "Value"));
    return call(c, "TagOpenIDConnectProvider", in, NULL, NULL, err);
}

int iam_untag_oidc_provider(aws_client *c, const char *arn, const svc_strings *keys,
                            aws_error *err)
{
    cJSON *in = svc_input("OpenIDConnectProviderArn", arn);
    cJSON_AddItemToObject(in, "TagKeys", svc_strings_json(keys));
    return call(c, "UntagOpenIDConnectProvider", in, NULL, NULL, err);
}
