/* ELBv2: listeners and listener rules. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elbv2_internal.h"
#include "xalloc.h"

static const svc_shape listener_shape = SVC_SHAPE(elbv2_listener, NULL, NULL,
    SVC_FIELD("ListenerArn", SVC_STR, elbv2_listener, arn),
    SVC_FIELD("LoadBalancerArn", SVC_STR, elbv2_listener, lb_arn),
    SVC_FIELD("Protocol", SVC_STR, elbv2_listener, protocol),
    SVC_FIELD("SslPolicy", SVC_STR, elbv2_listener, ssl_policy),
    SVC_FIELD("Port", SVC_INT, elbv2_listener, port),
    SVC_FSTRINGS("Certificates", elbv2_listener, certificates, "CertificateArn"),
    SVC_FLIST("DefaultActions", elbv2_listener, actions, nactions, &elbv2i_action_shape));

SVC_DEFINE_FREE(elbv2_listener_free, elbv2_listener, listener_shape)
SVC_DEFINE_LIST_FREE(elbv2_listeners_free, elbv2_listeners, listener_shape)

/* The input shared by CreateListener and ModifyListener; NULL with err on bad actions. */
static cJSON *listener_input(const elbv2_listener_in *in, int create, aws_error *err)
{
    cJSON *req = create ? svc_input("LoadBalancerArn", in->lb_arn)
                        : svc_input("ListenerArn", in->listener_arn);
    svc_add_str(req, "Protocol", in->protocol);
    if (in->port > 0)
        cJSON_AddNumberToObject(req, "Port", in->port);
    svc_add_str(req, "SslPolicy", in->ssl_policy);
    if (in->certificates && in->certificates[0]) {
        cJSON *arr = cJSON_AddArrayToObject(req, "Certificates");
        for (size_t i = 0; in->certificates[i]; i++) {
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "CertificateArn", in->certificates[i]);
            cJSON_AddItemToArray(arr, o);
        }
    }
    if (in->nactions > 0 || create) {
        cJSON *acts = elbv2i_encode_actions(in->actions, in->nactions, err);
        if (!acts) {
            cJSON_Delete(req);
            return NULL;
        }
        cJSON_AddItemToObject(req, "DefaultActions", acts);
    }
    if (create)
        svc_add_tags(req, "Tags", in->tags, "Key", "Value");
    return req;
}

static int listener_call(aws_client *c, const char *action, const elbv2_listener_in *in,
                         elbv2_listener *out, aws_error *err)
{
    int create = strcmp(action, "CreateListener") == 0;
    if (out)
        memset(out, 0, sizeof *out);
    cJSON *req = listener_input(in, create, err);
    if (!req) {
        aws_error_prefix(err, "%s: ", action);
        return -1;
    }
    return svc_call_read(elbv2i_call, c, action, req, "Listeners.0", &listener_shape, out, err);
}

int elbv2_create_listener(aws_client *c, const elbv2_listener_in *in, elbv2_listener *out,
                          aws_error *err)
{
    return listener_call(c, "CreateListener", in, out, err);
}

int elbv2_modify_listener(aws_client *c, const elbv2_listener_in *in, elbv2_listener *out,
                          aws_error *err)
{
    return listener_call(c, "ModifyListener", in, out, err);
}

int elbv2_describe_listeners(aws_client *c, const char *lb_arn, const char *const *arns,
                             int page_size, elbv2_listeners *out, aws_error *err)
{
    cJSON *req = cJSON_CreateObject();
    svc_add_str(req, "LoadBalancerArn", lb_arn);
    svc_add_strings(req, "ListenerArns", arns);
    return elbv2i_describe(c, "DescribeListeners", req, "Listeners", page_size, &listener_shape,
                           (void **)&out->items, &out->n, err);
}

int elbv2_delete_listener(aws_client *c, const char *arn, aws_error *err)
{
    return elbv2i_call(c, "DeleteListener", svc_input("ListenerArn", arn), NULL, err);
}

/* ---- listener certificates ------------------------------------------------------------ */

static const svc_shape cert_shape = SVC_SHAPE(elbv2_cert, NULL, NULL,
    SVC_FIELD("CertificateArn", SVC_STR, elbv2_cert, arn),
    SVC_FIELD("IsDefault", SVC_BOOL, elbv2_cert, is_default));

SVC_DEFINE_LIST_FREE(elbv2_certs_free, elbv2_certs, cert_shape)

int elbv2_describe_listener_certificates(aws_client *c, const char *listener_arn,
                                         elbv2_certs *out, aws_error *err)
{
    return elbv2i_describe(c, "DescribeListenerCertificates",
                           svc_input("ListenerArn", listener_arn), "Certificates", 0, &cert_shape,
                           (void **)&out->items, &out->n, err);
}

/* Add/RemoveListenerCertificates: one certificate per call, as AWS asks. */
static int listener_cert_call(aws_client *c, const char *action, const char *listener_arn,
                              const char *cert_arn, aws_error *err)
{
    cJSON *req = svc_input("ListenerArn", listener_arn);
    cJSON *one = cJSON_CreateObject();
    cJSON_AddStringToObject(one, "CertificateArn", cert_arn);
    cJSON_AddItemToArray(cJSON_AddArrayToObject(req, "Certificates"), one);
    return elbv2i_call(c, action, req, NULL, err);
}

int elbv2_add_listener_certificate(aws_client *c, const char *listener_arn, const char *cert_arn,
                                   aws_error *err)
{
    return listener_cert_call(c, "AddListenerCertificates", listener_arn, cert_arn, err);
}

int elbv2_remove_listener_certificate(aws_client *c, const char *listener_arn,
                                      const char *cert_arn, aws_error *err)
{
    return listener_cert_call(c, "RemoveListenerCertificates", listener_arn, cert_arn, err);
}

/* ---- rules -------------------------------------------------------------------------- */

static const svc_shape rule_shape = SVC_SHAPE(elbv2_rule, NULL, NULL,
    SVC_FIELD("RuleArn", SVC_STR, elbv2_rule, arn),
    SVC_FIELD("Priority", SVC_STR, elbv2_rule, priority),
    SVC_FIELD("IsDefault", SVC_BOOL, elbv2_rule, is_default),
    SVC_FLIST("Conditions", elbv2_rule, conditions, nconditions, &elbv2i_condition_shape),
    SVC_FLIST("Actions", elbv2_rule, actions, nactions, &elbv2i_action_shape));

SVC_DEFINE_FREE(elbv2_rule_free, elbv2_rule, rule_shape)
SVC_DEFINE_LIST_FREE(elbv2_rules_free, elbv2_rules, rule_shape)

/* Add Conditions and Actions (when given) to req; -1 with err on bad input (req kept). */
static int rule_parts(cJSON *req, const elbv2_condition *conds, size_t nconds,
                      const elbv2_action *actions, size_t nactions, aws_error *err)
{
    if (nconds > 0) {
        cJSON *c = elbv2i_encode_conditions(conds, nconds, err);
        if (!c)
            return -1;
        cJSON_AddItemToObject(req, "Conditions", c);
    }
    if (nactions > 0) {
        cJSON *a = elbv2i_encode_actions(actions, nactions, err);
        if (!a)
            return -1;
        cJSON_AddItemToObject(req, "Actions", a);
    }
    return 0;
}

int elbv2_create_rule(aws_client *c, const char *listener_arn, int priority,
                      const elbv2_condition *conds, size_t nconds, const elbv2_action *actions,
                      size_t nactions, const svc_tags *tags, elbv2_rule *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    if (nconds == 0 || nactions == 0)
        return svc_refuse(err, "InvalidParameter",
                          "CreateRule: a rule needs at least one condition and one action");
    cJSON *req = svc_input("ListenerArn", listener_arn);
    cJSON_AddNumberToObject(req, "Priority", priority);
    if (rule_parts(req, conds, nconds, actions, nactions, err) != 0) {
        cJSON_Delete(req);
        aws_error_prefix(err, "CreateRule: ");
        return -1;
    }
    svc_add_tags(req, "Tags", tags, "Key", "Value");
    return svc_call_read(elbv2i_call, c, "CreateRule", req, "Rules.0", &rule_shape, out, err);
}

int elbv2_modify_rule(aws_client *c, const char *rule_arn, const elbv2_condition *conds,
                      size_t nconds, const elbv2_action *actions, size_t nactions,
                      elbv2_rule *out, aws_error *err)
{
    if (out)
        memset(out, 0, sizeof *out);
    cJSON *req = svc_input("RuleArn", rule_arn);
    if (rule_parts(req, conds, nconds, actions, nactions, err) != 0) {
        cJSON_Delete(req);
        aws_error_prefix(err, "ModifyRule: ");
        return -1;
    }
    return svc_call_read(elbv2i_call, c, "ModifyRule", req, "Rules.0", &rule_shape, out, err);
}

int elbv2_describe_rules(aws_client *c, const char *listener_arn, const char *const *arns,
                         int page_size, elbv2_rules *out, aws_error *err)
{
    cJSON *req = cJSON_CreateObject();
    svc_add_str(req, "ListenerArn", listener_arn);
    svc_add_strings(req, "RuleArns", arns);
    return elbv2i_describe(c, "DescribeRules", req, "Rules", page_size, &rule_shape,
                           (void **)&out->items, &out->n, err);
}

int elbv2_delete_rule(aws_client *c, const char *arn, aws_error *err)
{
    return elbv2i_call(c, "DeleteRule", svc_input("RuleArn", arn), NULL, err);
}

int elbv2_set_rule_priorities(aws_client *c, const char *const *rule_arns, const int *priorities,
                              size_t n, aws_error *err)
{
    if (n == 0)
        return svc_refuse(err, "InvalidParameter", "SetRulePriorities: no rules given");
    cJSON *req = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(req, "RulePriorities");
    for (size_t i = 0; i < n; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "RuleArn", rule_arns[i]);
        cJSON_AddNumberToObject(o, "Priority", priorities[i]);
        cJSON_AddItemToArray(arr, o);
    }
    return elbv2i_call(c, "SetRulePriorities", req, NULL, err);
}
