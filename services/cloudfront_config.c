/*
 * CloudFront distribution configurations (see cloudfront.h): the typed cf_config to and
 * from the DistributionConfig document.
 *
 * The document is shaped like CloudFront's XML, not like the SDKs' JSON: a list is
 * {"Quantity": n, "Items": {"Origin": [...]}}, so that aws_xml_from_json writes it back as
 * <Items><Origin>..</Origin>..</Items>, and one item read back from XML arrives as an object,
 * several as an array (cf_item_at reads both). Members are written in the model's order:
 * CloudFront validates its XML against a schema that fixes the order.
 */
#include "cloudfront_internal.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static const char *or_empty(const char *s)
{
    return s ? s : "";
}

const cJSON *cf_item_at(const cJSON *wrapper, const char *item, int i)
{
    const cJSON *v =
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(wrapper, "Items"), item);
    if (cJSON_IsArray(v))
        return cJSON_GetArrayItem(v, i);
    return i == 0 ? v : NULL;
}

/* {"Quantity": n, "Items": {item: [...]}} to fill; the array is returned. */
static cJSON *add_list(cJSON *parent, const char *name, const char *item, int n)
{
    cJSON *w = cJSON_AddObjectToObject(parent, name);
    cJSON_AddNumberToObject(w, "Quantity", n);
    if (n == 0)
        return NULL;
    return cJSON_AddArrayToObject(cJSON_AddObjectToObject(w, "Items"), item);
}

static void add_strings(cJSON *parent, const char *name, const char *item,
                        const char *const *values, int n)
{
    cJSON *arr = add_list(parent, name, item, n);
    for (int i = 0; i < n; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateString(values[i]));
}

static void add_origin(cJSON *arr, const cf_origin *o)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "Id", or_empty(o->id));
    cJSON_AddStringToObject(j, "DomainName", or_empty(o->domain_name));
    cJSON_AddStringToObject(j, "OriginPath", or_empty(o->path));
    if (!o->custom) {
        cJSON_AddStringToObject(cJSON_AddObjectToObject(j, "S3OriginConfig"),
                                "OriginAccessIdentity", "");
    } else {
        cJSON *co = cJSON_AddObjectToObject(j, "CustomOriginConfig");
        cJSON_AddNumberToObject(co, "HTTPPort", 80);
        cJSON_AddNumberToObject(co, "HTTPSPort", 443);
        cJSON_AddStringToObject(co, "OriginProtocolPolicy",
                                o->protocol_policy && *o->protocol_policy ? o->protocol_policy
                                                                          : "https-only");
    }
    cJSON_AddStringToObject(j, "OriginAccessControlId", or_empty(o->oac_id));
    cJSON_AddItemToArray(arr, j);
}

static void add_methods(cJSON *beh, int all)
{
    static const char *const get_head[] = {"HEAD", "GET"};
    static const char *const every[] = {"HEAD", "DELETE", "POST", "GET", "OPTIONS", "PUT", "PATCH"};
    cJSON *am = cJSON_AddObjectToObject(beh, "AllowedMethods");
    cJSON_AddNumberToObject(am, "Quantity", all ? 7 : 2);
    cJSON *items = cJSON_AddArrayToObject(cJSON_AddObjectToObject(am, "Items"), "Method");
    for (int i = 0; i < (all ? 7 : 2); i++)
        cJSON_AddItemToArray(items, cJSON_CreateString(all ? every[i] : get_head[i]));
    add_strings(am, "CachedMethods", "Method", get_head, 2);
}

static cJSON *behavior_json(const cf_config *cfg)
{
    cJSON *b = cJSON_CreateObject();
    cJSON_AddStringToObject(b, "TargetOriginId", or_empty(cfg->target_origin));
    cJSON_AddStringToObject(b, "ViewerProtocolPolicy", cfg->viewer_protocol && *cfg->viewer_protocol
                                                           ? cfg->viewer_protocol
                                                           : "redirect-to-https");
    add_methods(b, cfg->all_methods);
    cJSON_AddBoolToObject(b, "Compress", cfg->compress);
    cJSON_AddStringToObject(b, "CachePolicyId", or_empty(cfg->cache_policy));
    if (cfg->origin_request_policy && *cfg->origin_request_policy)
        cJSON_AddStringToObject(b, "OriginRequestPolicyId", cfg->origin_request_policy);
    if (cfg->response_headers_policy && *cfg->response_headers_policy)
        cJSON_AddStringToObject(b, "ResponseHeadersPolicyId", cfg->response_headers_policy);
    return b;
}

static void add_errors(cJSON *doc, const cf_config *cfg)
{
    cJSON *arr = add_list(doc, "CustomErrorResponses", "CustomErrorResponse", (int)cfg->nerrors);
    for (size_t i = 0; i < cfg->nerrors; i++) {
        const cf_error_response *e = &cfg->errors[i];
        cJSON *j = cJSON_CreateObject();
        cJSON_AddNumberToObject(j, "ErrorCode", e->error_code);
        if (e->response_code) {
            cJSON_AddStringToObject(j, "ResponsePagePath", or_empty(e->page));
            char code[16];
            snprintf(code, sizeof code, "%d", e->response_code);
            cJSON_AddStringToObject(j, "ResponseCode", code);
        }
        if (e->min_ttl >= 0)
            cJSON_AddNumberToObject(j, "ErrorCachingMinTTL", (double)e->min_ttl);
        cJSON_AddItemToArray(arr, j);
    }
}

static void add_certificate(cJSON *doc, const cf_config *cfg)
{
    cJSON *vc = cJSON_AddObjectToObject(doc, "ViewerCertificate");
    if (cfg->certificate_arn && *cfg->certificate_arn) {
        cJSON_AddStringToObject(vc, "ACMCertificateArn", cfg->certificate_arn);
        cJSON_AddStringToObject(vc, "SSLSupportMethod", "sni-only");
        cJSON_AddStringToObject(vc, "MinimumProtocolVersion", "TLSv1.2_2021");
    } else {
        cJSON_AddBoolToObject(vc, "CloudFrontDefaultCertificate", 1);
    }
}

cJSON *cf_config_json(const cf_config *cfg)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "CallerReference", or_empty(cfg->caller_reference));
    add_strings(doc, "Aliases", "CNAME", (const char *const *)cfg->aliases.items,
                (int)cfg->aliases.n);
    cJSON_AddStringToObject(doc, "DefaultRootObject", or_empty(cfg->default_root_object));
    cJSON *origins = add_list(doc, "Origins", "Origin", (int)cfg->norigins);
    for (size_t i = 0; i < cfg->norigins; i++)
        add_origin(origins, &cfg->origins[i]);
    cJSON_AddItemToObject(doc, "DefaultCacheBehavior", behavior_json(cfg));
    add_errors(doc, cfg);
    cJSON_AddStringToObject(doc, "Comment", or_empty(cfg->comment));
    cJSON_AddStringToObject(doc, "PriceClass",
                            cfg->price_class && *cfg->price_class ? cfg->price_class
                                                                  : "PriceClass_All");
    cJSON_AddBoolToObject(doc, "Enabled", cfg->enabled);
    add_certificate(doc, cfg);
    cJSON_AddBoolToObject(doc, "IsIPV6Enabled", cfg->ipv6);
    return doc;
}

/* ---- reading --------------------------------------------------------------------------- */

static void read_origin(const cJSON *j, cf_origin *o)
{
    const cJSON *co = cJSON_GetObjectItemCaseSensitive(j, "CustomOriginConfig");
    o->id = svc_json_dup(j, "Id");
    o->domain_name = svc_json_dup(j, "DomainName");
    o->path = svc_json_dup(j, "OriginPath");
    o->oac_id = svc_json_dup(j, "OriginAccessControlId");
    o->custom = co != NULL;
    o->protocol_policy = svc_json_dup(co, "OriginProtocolPolicy");
}

static void read_errors(const cJSON *doc, cf_config *out)
{
    const cJSON *w = cJSON_GetObjectItemCaseSensitive(doc, "CustomErrorResponses"), *e;
    for (int i = 0; (e = cf_item_at(w, "CustomErrorResponse", i)); i++) {
        cf_error_response *r = xgrow((void **)&out->errors, &out->nerrors, sizeof *out->errors);
        r->error_code = (int)aws_json_int(e, "ErrorCode", 0);
        r->response_code = (int)aws_json_int(e, "ResponseCode", 0);
        r->page = svc_json_dup(e, "ResponsePagePath");
        r->min_ttl = (long)aws_json_int(e, "ErrorCachingMinTTL", -1);
    }
}

void cf_config_read(const cJSON *doc, cf_config *out)
{
    memset(out, 0, sizeof *out);
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(doc, "DefaultCacheBehavior"), *e;
    const cJSON *vc = cJSON_GetObjectItemCaseSensitive(doc, "ViewerCertificate");
    out->caller_reference = svc_json_dup(doc, "CallerReference");
    out->comment = svc_json_dup(doc, "Comment");
    out->enabled = aws_json_bool(doc, "Enabled", 0);
    const cJSON *origins = cJSON_GetObjectItemCaseSensitive(doc, "Origins");
    for (int i = 0; (e = cf_item_at(origins, "Origin", i)); i++) {
        read_origin(e, xgrow((void **)&out->origins, &out->norigins, sizeof *out->origins));
    }
    out->target_origin = svc_json_dup(b, "TargetOriginId");
    out->viewer_protocol = svc_json_dup(b, "ViewerProtocolPolicy");
    out->cache_policy = svc_json_dup(b, "CachePolicyId");
    out->origin_request_policy = svc_json_dup(b, "OriginRequestPolicyId");
    out->response_headers_policy = svc_json_dup(b, "ResponseHeadersPolicyId");
    out->compress = aws_json_bool(b, "Compress", 0);
    out->all_methods =
        aws_json_int(cJSON_GetObjectItemCaseSensitive(b, "AllowedMethods"), "Quantity", 2) == 7;
    out->default_root_object = svc_json_dup(doc, "DefaultRootObject");
    const cJSON *aliases = cJSON_GetObjectItemCaseSensitive(doc, "Aliases");
    for (int i = 0; (e = cf_item_at(aliases, "CNAME", i)); i++)
        if (cJSON_IsString(e))
            svc_strings_add(&out->aliases, e->valuestring);
    out->certificate_arn = svc_json_dup(vc, "ACMCertificateArn");
    out->price_class = svc_json_dup(doc, "PriceClass");
    out->ipv6 = aws_json_bool(doc, "IsIPV6Enabled", 0);
    read_errors(doc, out);
}

void cf_config_free(cf_config *cfg)
{
    free(cfg->caller_reference);
    free(cfg->comment);
    for (size_t i = 0; i < cfg->norigins; i++) {
        free(cfg->origins[i].id);
        free(cfg->origins[i].domain_name);
        free(cfg->origins[i].path);
        free(cfg->origins[i].oac_id);
        free(cfg->origins[i].protocol_policy);
    }
    free(cfg->origins);
    free(cfg->target_origin);
    free(cfg->viewer_protocol);
    free(cfg->cache_policy);
    free(cfg->origin_request_policy);
    free(cfg->response_headers_policy);
    free(cfg->default_root_object);
    svc_strings_free(&cfg->aliases);
    free(cfg->certificate_arn);
    free(cfg->price_class);
    for (size_t i = 0; i < cfg->nerrors; i++)
        free(cfg->errors[i].page);
    free(cfg->errors);
    memset(cfg, 0, sizeof *cfg);
}

/* ---- applying to a returned document ----------------------------------------------------- */

/* Replace member name of dst by src's (detached from src), in place, or add it. */
static void put_member(cJSON *dst, cJSON *src, const char *name)
{
    cJSON *v = cJSON_DetachItemFromObjectCaseSensitive(src, name);
    if (!v)
        return;
    if (cJSON_GetObjectItemCaseSensitive(dst, name))
        cJSON_ReplaceItemInObjectCaseSensitive(dst, name, v);
    else
        cJSON_AddItemToObject(dst, name, v);
}

void cf_config_apply(cJSON *doc, const cf_config *cfg)
{
    cJSON *want = cf_config_json(cfg);
    static const char *const top[] = {"Aliases", "DefaultRootObject", "Origins",
                                      "CustomErrorResponses", "Comment", "PriceClass", "Enabled",
                                      "ViewerCertificate", "IsIPV6Enabled", NULL};
    for (size_t i = 0; top[i]; i++)
        put_member(doc, want, top[i]);
    /* the default behavior member by member: what ecsdeploy does not set there stays */
    cJSON *b = cJSON_GetObjectItemCaseSensitive(doc, "DefaultCacheBehavior");
    cJSON *wb = cJSON_GetObjectItemCaseSensitive(want, "DefaultCacheBehavior");
    if (!b) {
        put_member(doc, want, "DefaultCacheBehavior");
    } else {
        static const char *const beh[] = {"TargetOriginId", "ViewerProtocolPolicy",
                                          "AllowedMethods", "Compress", "CachePolicyId", NULL};
        for (size_t i = 0; beh[i]; i++)
            put_member(b, wb, beh[i]);
        static const char *const policies[] = {"OriginRequestPolicyId",
                                               "ResponseHeadersPolicyId", NULL};
        for (size_t i = 0; policies[i]; i++)
            if (cJSON_GetObjectItemCaseSensitive(wb, policies[i]))
                put_member(b, wb, policies[i]);
            else
                cJSON_DeleteItemFromObjectCaseSensitive(b, policies[i]);
    }
    cJSON_Delete(want);
}
