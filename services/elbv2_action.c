/* ELBv2 listener/rule actions and rule conditions: encoding, reading, freeing. */
#include <stdlib.h>
#include <string.h>

#include "elbv2_internal.h"
#include "xalloc.h"

static void put(cJSON *o, const char *name, const char *value)
{
    if (value)
        cJSON_AddStringToObject(o, name, value);
}

static void encode_forward(cJSON *o, const elbv2_action *a)
{
    put(o, "TargetGroupArn", a->target_group_arn);
    if (a->nforward == 0 && a->stickiness == 0)
        return;
    cJSON *fc = cJSON_AddObjectToObject(o, "ForwardConfig");
    cJSON *groups = cJSON_AddArrayToObject(fc, "TargetGroups");
    for (size_t i = 0; i < a->nforward; i++) {
        cJSON *g = cJSON_CreateObject();
        cJSON_AddStringToObject(g, "TargetGroupArn", a->forward[i].target_group_arn);
        cJSON_AddNumberToObject(g, "Weight", a->forward[i].weight);
        cJSON_AddItemToArray(groups, g);
    }
    if (a->stickiness != 0) {
        cJSON *st = cJSON_AddObjectToObject(fc, "TargetGroupStickinessConfig");
        cJSON_AddBoolToObject(st, "Enabled", a->stickiness > 0);
        if (a->stickiness > 0 && a->stickiness_seconds > 0)
            cJSON_AddNumberToObject(st, "DurationSeconds", a->stickiness_seconds);
    }
}

static void encode_auth_common(cJSON *cfg, const elbv2_action *a)
{
    put(cfg, "SessionCookieName", a->session_cookie_name);
    put(cfg, "Scope", a->scope);
    put(cfg, "OnUnauthenticatedRequest", a->on_unauthenticated_request);
    if (a->session_timeout > 0)
        cJSON_AddNumberToObject(cfg, "SessionTimeout", (double)a->session_timeout);
}

static int encode_one(cJSON *o, const elbv2_action *a, size_t i, aws_error *err)
{
    const char *t = a->type ? a->type : "";
    put(o, "Type", t);
    if (a->order > 0)
        cJSON_AddNumberToObject(o, "Order", a->order);
    if (strcmp(t, "forward") == 0) {
        if (!a->target_group_arn && a->nforward == 0)
            goto missing;
        encode_forward(o, a);
    } else if (strcmp(t, "redirect") == 0) {
        cJSON *r = cJSON_AddObjectToObject(o, "RedirectConfig");
        put(r, "Protocol", a->redirect.protocol);
        put(r, "Port", a->redirect.port);
        put(r, "Host", a->redirect.host);
        put(r, "Path", a->redirect.path);
        put(r, "Query", a->redirect.query);
        put(r, "StatusCode", a->redirect.status_code ? a->redirect.status_code : "HTTP_301");
    } else if (strcmp(t, "fixed-response") == 0) {
        if (!a->fixed.status_code)
            goto missing;
        cJSON *f = cJSON_AddObjectToObject(o, "FixedResponseConfig");
        put(f, "StatusCode", a->fixed.status_code);
        put(f, "ContentType", a->fixed.content_type);
        put(f, "MessageBody", a->fixed.message_body);
    } else if (strcmp(t, "authenticate-oidc") == 0) {
        cJSON *f = cJSON_AddObjectToObject(o, "AuthenticateOidcConfig");
        put(f, "Issuer", a->oidc.issuer);
        put(f, "AuthorizationEndpoint", a->oidc.authorization_endpoint);
        put(f, "TokenEndpoint", a->oidc.token_endpoint);
        put(f, "UserInfoEndpoint", a->oidc.user_info_endpoint);
        put(f, "ClientId", a->oidc.client_id);
        put(f, "ClientSecret", a->oidc.client_secret);
        if (a->oidc.use_existing_client_secret)
            cJSON_AddBoolToObject(f, "UseExistingClientSecret", 1);
        encode_auth_common(f, a);
    } else if (strcmp(t, "authenticate-cognito") == 0) {
        cJSON *f = cJSON_AddObjectToObject(o, "AuthenticateCognitoConfig");
        put(f, "UserPoolArn", a->cognito.user_pool_arn);
        put(f, "UserPoolClientId", a->cognito.user_pool_client_id);
        put(f, "UserPoolDomain", a->cognito.user_pool_domain);
        encode_auth_common(f, a);
    } else {
        aws_error_set(err, AWS_ERR_INPUT, "InvalidAction",
                      "action %zu: type '%s' is not one of forward, redirect, fixed-response, "
                      "authenticate-oidc, authenticate-cognito",
                      i + 1, t);
        return -1;
    }
    return 0;
missing:
    aws_error_set(err, AWS_ERR_INPUT, "InvalidAction",
                  "action %zu (%s) lacks its target group or status code", i + 1, t);
    return -1;
}

cJSON *elbv2i_encode_actions(const elbv2_action *a, size_t n, aws_error *err)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(arr, o);
        if (encode_one(o, &a[i], i, err) != 0) {
            cJSON_Delete(arr);
            return NULL;
        }
    }
    return arr;
}

static void read_one(const cJSON *j, elbv2_action *a)
{
    a->type = svc_json_dup(j, "Type");
    a->order = (int)aws_json_int(j, "Order", 0);
    a->target_group_arn = svc_json_dup(j, "TargetGroupArn");
    const cJSON *fc = cJSON_GetObjectItemCaseSensitive(j, "ForwardConfig"), *e;
    cJSON_ArrayForEach(e, aws_json_array(fc, "TargetGroups"))
    {
        elbv2_tg_weight *w = xgrow((void **)&a->forward, &a->nforward, sizeof *a->forward);
        w->target_group_arn = svc_json_dup(e, "TargetGroupArn");
        w->weight = (int)aws_json_int(e, "Weight", 1);
    }
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(fc, "TargetGroupStickinessConfig");
    a->stickiness = aws_json_bool(st, "Enabled", 0);
    a->stickiness_seconds = (int)aws_json_int(st, "DurationSeconds", 0);
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(j, "RedirectConfig");
    a->redirect.protocol = svc_json_dup(r, "Protocol");
    a->redirect.port = svc_json_dup(r, "Port");
    a->redirect.host = svc_json_dup(r, "Host");
    a->redirect.path = svc_json_dup(r, "Path");
    a->redirect.query = svc_json_dup(r, "Query");
    a->redirect.status_code = svc_json_dup(r, "StatusCode");
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(j, "FixedResponseConfig");
    a->fixed.status_code = svc_json_dup(f, "StatusCode");
    a->fixed.content_type = svc_json_dup(f, "ContentType");
    a->fixed.message_body = svc_json_dup(f, "MessageBody");
    const cJSON *oi = cJSON_GetObjectItemCaseSensitive(j, "AuthenticateOidcConfig");
    const cJSON *co = cJSON_GetObjectItemCaseSensitive(j, "AuthenticateCognitoConfig");
    a->oidc.issuer = svc_json_dup(oi, "Issuer");
    a->oidc.authorization_endpoint = svc_json_dup(oi, "AuthorizationEndpoint");
    a->oidc.token_endpoint = svc_json_dup(oi, "TokenEndpoint");
    a->oidc.user_info_endpoint = svc_json_dup(oi, "UserInfoEndpoint");
    a->oidc.client_id = svc_json_dup(oi, "ClientId");
    a->oidc.client_secret = xstrdup(""); /* never returned */
    a->cognito.user_pool_arn = svc_json_dup(co, "UserPoolArn");
    a->cognito.user_pool_client_id = svc_json_dup(co, "UserPoolClientId");
    a->cognito.user_pool_domain = svc_json_dup(co, "UserPoolDomain");
    const cJSON *auth = oi ? oi : co;
    a->session_cookie_name = svc_json_dup(auth, "SessionCookieName");
    a->scope = svc_json_dup(auth, "Scope");
    a->on_unauthenticated_request = svc_json_dup(auth, "OnUnauthenticatedRequest");
    a->session_timeout = aws_json_int(auth, "SessionTimeout", 0);
}

void elbv2i_read_actions(const cJSON *arr, elbv2_action **out, size_t *n)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, arr)
        read_one(e, xgrow((void **)out, n, sizeof **out));
}

void elbv2_actions_free(elbv2_action *a, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        elbv2_action *x = &a[i];
        char *all[] = {x->type, x->target_group_arn, x->redirect.protocol, x->redirect.port,
                       x->redirect.host, x->redirect.path, x->redirect.query,
                       x->redirect.status_code, x->fixed.status_code, x->fixed.content_type,
                       x->fixed.message_body, x->oidc.issuer, x->oidc.authorization_endpoint,
                       x->oidc.token_endpoint, x->oidc.user_info_endpoint, x->oidc.client_id,
                       x->oidc.client_secret, x->cognito.user_pool_arn,
                       x->cognito.user_pool_client_id, x->cognito.user_pool_domain,
                       x->session_cookie_name, x->scope, x->on_unauthenticated_request};
        for (size_t k = 0; k < sizeof all / sizeof all[0]; k++)
            free(all[k]);
        for (size_t k = 0; k < x->nforward; k++)
            free(x->forward[k].target_group_arn);
        free(x->forward);
    }
    free(a);
}

/* ---- conditions ------------------------------------------------------------------- */

static const struct {
    const char *field, *config;
} condition_configs[] = {
    {"path-pattern", "PathPatternConfig"},
    {"host-header", "HostHeaderConfig"},
    {"http-request-method", "HttpRequestMethodConfig"},
    {"source-ip", "SourceIpConfig"},
};

cJSON *elbv2i_encode_conditions(const elbv2_condition *c, size_t n, aws_error *err)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++) {
        const char *config = NULL;
        for (size_t k = 0; k < sizeof condition_configs / sizeof condition_configs[0]; k++)
            if (c[i].field && strcmp(c[i].field, condition_configs[k].field) == 0)
                config = condition_configs[k].config;
        if (!config || c[i].values.n == 0) {
            aws_error_set(err, AWS_ERR_INPUT, "InvalidCondition",
                          "condition %zu: field '%s' needs values and must be one of "
                          "path-pattern, host-header, http-request-method, source-ip",
                          i + 1, c[i].field ? c[i].field : "(null)");
            cJSON_Delete(arr);
            return NULL;
        }
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(arr, o);
        cJSON_AddStringToObject(o, "Field", c[i].field);
        cJSON *vals = cJSON_AddArrayToObject(cJSON_AddObjectToObject(o, config), "Values");
        for (size_t v = 0; v < c[i].values.n; v++)
            cJSON_AddItemToArray(vals, cJSON_CreateString(c[i].values.items[v]));
    }
    return arr;
}

void elbv2i_read_conditions(const cJSON *arr, elbv2_condition **out, size_t *n)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, arr)
    {
        elbv2_condition *c = xgrow((void **)out, n, sizeof **out);
        c->field = svc_json_dup(e, "Field");
        for (size_t k = 0; k < sizeof condition_configs / sizeof condition_configs[0]; k++)
            if (strcmp(c->field, condition_configs[k].field) == 0)
                svc_json_strings(cJSON_GetObjectItemCaseSensitive(e, condition_configs[k].config),
                               "Values", NULL, &c->values);
        if (c->values.n == 0)
            svc_json_strings(e, "Values", NULL, &c->values);
    }
}

void elbv2_conditions_free(elbv2_condition *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(c[i].field);
        svc_strings_free(&c[i].values);
    }
    free(c);
}
