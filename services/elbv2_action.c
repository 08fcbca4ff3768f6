/* ELBv2 listener/rule actions and rule conditions: encoding, reading, freeing. */
#include <stdlib.h>
#include <string.h>

#include "elbv2_internal.h"
#include "xalloc.h"

static void encode_forward(cJSON *o, const elbv2_action *a)
{
    svc_add_str(o, "TargetGroupArn", a->target_group_arn);
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
    svc_add_str(cfg, "SessionCookieName", a->session_cookie_name);
    svc_add_str(cfg, "Scope", a->scope);
    svc_add_str(cfg, "OnUnauthenticatedRequest", a->on_unauthenticated_request);
    if (a->session_timeout > 0)
        cJSON_AddNumberToObject(cfg, "SessionTimeout", (double)a->session_timeout);
}

static int encode_one(cJSON *o, const elbv2_action *a, size_t i, aws_error *err)
{
    const char *t = a->type ? a->type : "";
    svc_add_str(o, "Type", t);
    if (a->order > 0)
        cJSON_AddNumberToObject(o, "Order", a->order);
    if (strcmp(t, "forward") == 0) {
        if (!a->target_group_arn && a->nforward == 0)
            goto missing;
        encode_forward(o, a);
    } else if (strcmp(t, "redirect") == 0) {
        cJSON *r = cJSON_AddObjectToObject(o, "RedirectConfig");
        svc_add_str(r, "Protocol", a->redirect.protocol);
        svc_add_str(r, "Port", a->redirect.port);
        svc_add_str(r, "Host", a->redirect.host);
        svc_add_str(r, "Path", a->redirect.path);
        svc_add_str(r, "Query", a->redirect.query);
        svc_add_str(r, "StatusCode",
                    a->redirect.status_code ? a->redirect.status_code : "HTTP_301");
    } else if (strcmp(t, "fixed-response") == 0) {
        if (!a->fixed.status_code)
            goto missing;
        cJSON *f = cJSON_AddObjectToObject(o, "FixedResponseConfig");
        svc_add_str(f, "StatusCode", a->fixed.status_code);
        svc_add_str(f, "ContentType", a->fixed.content_type);
        svc_add_str(f, "MessageBody", a->fixed.message_body);
    } else if (strcmp(t, "authenticate-oidc") == 0) {
        cJSON *f = cJSON_AddObjectToObject(o, "AuthenticateOidcConfig");
        svc_add_str(f, "Issuer", a->oidc.issuer);
        svc_add_str(f, "AuthorizationEndpoint", a->oidc.authorization_endpoint);
        svc_add_str(f, "TokenEndpoint", a->oidc.token_endpoint);
        svc_add_str(f, "UserInfoEndpoint", a->oidc.user_info_endpoint);
        svc_add_str(f, "ClientId", a->oidc.client_id);
        svc_add_str(f, "ClientSecret", a->oidc.client_secret);
        if (a->oidc.use_existing_client_secret)
            cJSON_AddBoolToObject(f, "UseExistingClientSecret", 1);
        encode_auth_common(f, a);
    } else if (strcmp(t, "authenticate-cognito") == 0) {
        cJSON *f = cJSON_AddObjectToObject(o, "AuthenticateCognitoConfig");
        svc_add_str(f, "UserPoolArn", a->cognito.user_pool_arn);
        svc_add_str(f, "UserPoolClientId", a->cognito.user_pool_client_id);
        svc_add_str(f, "UserPoolDomain", a->cognito.user_pool_domain);
        encode_auth_common(f, a);
    } else {
        return svc_refuse(err, "InvalidAction",
                          "action %zu: type '%s' is not one of forward, redirect, fixed-response, "
                          "authenticate-oidc, authenticate-cognito",
                          i + 1, t);
    }
    return 0;
missing:
    return svc_refuse(err, "InvalidAction", "action %zu (%s) lacks its target group or status code",
                      i + 1, t);
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

static const svc_shape weight_shape = SVC_SHAPE(elbv2_tg_weight, NULL, NULL,
    SVC_FIELD("TargetGroupArn", SVC_STR, elbv2_tg_weight, target_group_arn),
    SVC_FDEF("Weight", SVC_INT, elbv2_tg_weight, weight, 1));

#define RC(m) "RedirectConfig." m
#define FC(m) "FixedResponseConfig." m
#define OIDC(m) "AuthenticateOidcConfig." m
#define COG(m) "AuthenticateCognitoConfig." m
#define STICKY(m) "ForwardConfig.TargetGroupStickinessConfig." m

/* The members both authenticate configs have, from whichever the action has; the client
 * secret, which AWS never returns. */
static void read_auth(const cJSON *j, void *item)
{
    elbv2_action *a = item;
    const cJSON *auth = cJSON_GetObjectItemCaseSensitive(j, "AuthenticateOidcConfig");
    if (!auth)
        auth = cJSON_GetObjectItemCaseSensitive(j, "AuthenticateCognitoConfig");
    a->oidc.client_secret = xstrdup("");
    a->session_cookie_name = svc_json_dup(auth, "SessionCookieName");
    a->scope = svc_json_dup(auth, "Scope");
    a->on_unauthenticated_request = svc_json_dup(auth, "OnUnauthenticatedRequest");
    a->session_timeout = aws_json_int(auth, "SessionTimeout", 0);
}

const svc_shape elbv2i_action_shape = SVC_SHAPE(elbv2_action, read_auth, NULL,
    SVC_FIELD("Type", SVC_STR, elbv2_action, type),
    SVC_FIELD("Order", SVC_INT, elbv2_action, order),
    SVC_FIELD("TargetGroupArn", SVC_STR, elbv2_action, target_group_arn),
    SVC_FLIST("ForwardConfig.TargetGroups", elbv2_action, forward, nforward, &weight_shape),
    SVC_FIELD(STICKY("Enabled"), SVC_BOOL, elbv2_action, stickiness),
    SVC_FIELD(STICKY("DurationSeconds"), SVC_INT, elbv2_action, stickiness_seconds),
    SVC_FIELD(RC("Protocol"), SVC_STR, elbv2_action, redirect.protocol),
    SVC_FIELD(RC("Port"), SVC_STR, elbv2_action, redirect.port),
    SVC_FIELD(RC("Host"), SVC_STR, elbv2_action, redirect.host),
    SVC_FIELD(RC("Path"), SVC_STR, elbv2_action, redirect.path),
    SVC_FIELD(RC("Query"), SVC_STR, elbv2_action, redirect.query),
    SVC_FIELD(RC("StatusCode"), SVC_STR, elbv2_action, redirect.status_code),
    SVC_FIELD(FC("StatusCode"), SVC_STR, elbv2_action, fixed.status_code),
    SVC_FIELD(FC("ContentType"), SVC_STR, elbv2_action, fixed.content_type),
    SVC_FIELD(FC("MessageBody"), SVC_STR, elbv2_action, fixed.message_body),
    SVC_FIELD(OIDC("Issuer"), SVC_STR, elbv2_action, oidc.issuer),
    SVC_FIELD(OIDC("AuthorizationEndpoint"), SVC_STR, elbv2_action, oidc.authorization_endpoint),
    SVC_FIELD(OIDC("TokenEndpoint"), SVC_STR, elbv2_action, oidc.token_endpoint),
    SVC_FIELD(OIDC("UserInfoEndpoint"), SVC_STR, elbv2_action, oidc.user_info_endpoint),
    SVC_FIELD(OIDC("ClientId"), SVC_STR, elbv2_action, oidc.client_id),
    SVC_FIELD(COG("UserPoolArn"), SVC_STR, elbv2_action, cognito.user_pool_arn),
    SVC_FIELD(COG("UserPoolClientId"), SVC_STR, elbv2_action, cognito.user_pool_client_id),
    SVC_FIELD(COG("UserPoolDomain"), SVC_STR, elbv2_action, cognito.user_pool_domain),
    SVC_FIELD("", SVC_KEPT, elbv2_action, oidc.client_secret),
    SVC_FIELD("", SVC_KEPT, elbv2_action, session_cookie_name),
    SVC_FIELD("", SVC_KEPT, elbv2_action, scope),
    SVC_FIELD("", SVC_KEPT, elbv2_action, on_unauthenticated_request));

void elbv2_actions_free(elbv2_action *a, size_t n)
{
    svc_free_list(&elbv2i_action_shape, (void **)&a, &n);
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

/* The values of a condition: in its Field's config, else the older top-level Values. */
static void read_values(const cJSON *e, void *item)
{
    elbv2_condition *c = item;
    for (size_t k = 0; k < sizeof condition_configs / sizeof condition_configs[0]; k++)
        if (strcmp(c->field, condition_configs[k].field) == 0)
            svc_json_strings(cJSON_GetObjectItemCaseSensitive(e, condition_configs[k].config),
                             "Values", NULL, &c->values);
    if (c->values.n == 0)
        svc_json_strings(e, "Values", NULL, &c->values);
}

const svc_shape elbv2i_condition_shape = SVC_SHAPE(elbv2_condition, read_values, NULL,
    SVC_FIELD("Field", SVC_STR, elbv2_condition, field),
    SVC_FIELD("", SVC_KEPT_STRINGS, elbv2_condition, values));

void elbv2_conditions_free(elbv2_condition *c, size_t n)
{
    svc_free_list(&elbv2i_condition_shape, (void **)&c, &n);
}
