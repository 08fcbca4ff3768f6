/* ELBv2: listeners and listener rules. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elbv2_internal.h"
#include "xalloc.h"

static void read_listener(const cJSON *j, elbv2_listener *l)
{
    l->arn = svc_json_dup(j, "ListenerArn");
    l->lb_arn = svc_json_dup(j, "LoadBalancerArn");
    l->protocol = svc_json_dup(j, "Protocol");
    l->ssl_policy = svc_json_dup(j, "SslPolicy");
    l->port = (int)aws_json_int(j, "Port", 0);
    svc_json_strings(j, "Certificates", "CertificateArn", &l->certificates);
    elbv2i_read_actions(aws_json_array(j, "DefaultActions"), &l->actions, &l->nactions);
}

void elbv2_listener_free(elbv2_listener *l)
{
    free(l->arn);
    free(l->lb_arn);
    free(l->protocol);
    free(l->ssl_policy);
    svc_strings_free(&l->certificates);
    elbv2_actions_free(l->actions, l->nactions);
    memset(l, 0, sizeof *l);
}

void elbv2_listeners_free(elbv2_listeners *l)
{
    SVC_LIST_FREE(l, elbv2_listener_free);
}

/* The input shared by CreateListener and ModifyListener; NULL with err on bad actions. */
static cJSON *listener_input(const elbv2_listener_in *in, int create, aws_error *err)
{
    cJSON *req = create ? svc_input("LoadBalancerArn", in->lb_arn)
                        : svc_input("ListenerArn", in->listener_arn);
    if (in->protocol)
        cJSON_AddStringToObject(req, "Protocol", in->protocol);
    if (in->port > 0)
        cJSON_AddNumberToObject(req, "Port", in->port);
    if (in->ssl_policy)
        cJSON_AddStringToObject(req, "SslPolicy", in->ssl_policy);
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
        elbv2i_add_tags(req, "Tags", in->tags);
    return req;
}

static int listener_call(aws_client *c, const char *action, const elbv2_listener_in *in,
                         elbv2_listener *out, aws_error *err)
{
    int create = strcmp(action, "CreateListener") == 0;
    if (out)
        memset(out, 0, sizeof *out);
    cJSON *req = listener_input(in, create, err), *resp;
    if (!req) {
        aws_error_prefix(err, "%s: ", action);
        return -1;
    }
    if (elbv2i_call(c, action, req, &resp, err) != 0)
        return -1;
    if (out) {
        const cJSON *arr = aws_json_array(resp, "Listeners");
        read_listener(arr ? cJSON_GetArrayItem(arr, 0) : NULL, out);
    }
    cJSON_Delete(resp);
    return 0;
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
    memset(out, 0, sizeof *out);
    cJSON *req = cJSON_CreateObject(), *items, *e;
    if (lb_arn)
        cJSON_AddStringToObject(req, "LoadBalancerArn", lb_arn);
    svc_add_strings(req, "ListenerArns", arns);
    int rc = elbv2i_paginate(c, "DescribeListeners", req, "Listeners", page_size, &items, err);
    cJSON_Delete(req);
    if (rc != 0)
        return -1;
    cJSON_ArrayForEach(e, items)
        read_listener(e, xgrow((void **)&out->items, &out->n, sizeof *out->items));
    cJSON_Delete(items);
    return 0;
}

int elbv2_delete_listener(aws_client *c, const char *arn, aws_error *err)
{
    return elbv2i_call(c, "DeleteListener", svc_input("ListenerArn", arn), NULL, err);
}

/* ---- listener certificates ------------------------------------------------------------ */

void elbv2_certs_free(elbv2_certs *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i].arn);
    free(l->items);
    memset(l, 0, sizeof *l);
}

int elbv2_describe_listener_certificates(aws_client *c, const char *listener_arn,
                                         elbv2_certs *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *req = svc_input("ListenerArn", listener_arn), *items, *e;
    int rc = elbv2i_paginate(c, "DescribeListenerCertificates", req, "Certificates", 0, &items,
                             err);
    cJSON_Delete(req);
    if (rc != 0)
        return -1;
    cJSON_ArrayForEach(e, items) {
        elbv2_cert *x = xgrow((void **)&out->items, &out->n, sizeof *out->items);
        x->arn = svc_json_dup(e, "CertificateArn");
        x->is_default = aws_json_bool(e, "IsDefault", 0);
    }
    cJSON_Delete(items);
    return 0;
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

static void read_rule(const cJSON *j, elbv2_rule *r)
{
    r->arn = svc_json_dup(j, "RuleArn");
    r->priority = svc_json_dup(j, "Priority");
    r->is_default = aws_json_bool(j, "IsDefault", 0);
    elbv2i_read_conditions(aws_json_array(j, "Conditions"), &r->conditions, &r->nconditions);
    elbv2i_read_actions(aws_json_array(j, "Actions"), &r->actions, &r->nactions);
}

void elbv2_rule_free(elbv2_rule *r)
{
    free(r->arn);
    free(r->priority);
    elbv2_conditions_free(r->conditions, r->nconditions);
    elbv2_actions_free(r->actions, r->nactions);
    memset(r, 0, sizeof *r);
}

void elbv2_rules_free(elbv2_rules *l)
{
    SVC_LIST_FREE(l, elbv2_rule_free);
}

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

static int rule_call(aws_client *c, const char *action, cJSON *req, elbv2_rule *out,
                     aws_error *err)
{
    cJSON *resp;
    if (elbv2i_call(c, action, req, &resp, err) != 0)
        return -1;
    if (out) {
        const cJSON *arr = aws_json_array(resp, "Rules");
        read_rule(arr ? cJSON_GetArrayItem(arr, 0) : NULL, out);
    }
    cJSON_Delete(resp);
    return 0;
}

int elbv2_create_rule(aws_client *c, const char *listener_arn, int priority,
                      const elbv2_condition *conds, size_t nconds, const elbv2_action *actions,
                      size_t nactions, const svc_tags *tags, elbv2_rule *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *req = svc_input("ListenerArn", listener_arn);
    cJSON_AddNumberToObject(req, "Priority", priority);
    if (nconds == 0 || nactions == 0) {
        aws_error_set(err, AWS_ERR_INPUT, "InvalidParameter",
                      "CreateRule: a rule needs at least one condition and one action");
        cJSON_Delete(req);
        return -1;
    }
    if (rule_parts(req, conds, nconds, actions, nactions, err) != 0) {
        cJSON_Delete(req);
        aws_error_prefix(err, "CreateRule: ");
        return -1;
    }
    elbv2i_add_tags(req, "Tags", tags);
    return rule_call(c, "CreateRule", req, out, err);
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
    return rule_call(c, "ModifyRule", req, out, err);
}

int elbv2_describe_rules(aws_client *c, const char *listener_arn, const char *const *arns,
                         int page_size, elbv2_rules *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *req = cJSON_CreateObject(), *items, *e;
    if (listener_arn)
        cJSON_AddStringToObject(req, "ListenerArn", listener_arn);
    svc_add_strings(req, "RuleArns", arns);
    int rc = elbv2i_paginate(c, "DescribeRules", req, "Rules", page_size, &items, err);
    cJSON_Delete(req);
    if (rc != 0)
        return -1;
    cJSON_ArrayForEach(e, items)
        read_rule(e, xgrow((void **)&out->items, &out->n, sizeof *out->items));
    cJSON_Delete(items);
    return 0;
}

int elbv2_delete_rule(aws_client *c, const char *arn, aws_error *err)
{
    return elbv2i_call(c, "DeleteRule", svc_input("RuleArn", arn), NULL, err);
}

int elbv2_set_rule_priorities(aws_client *c, const char *const *rule_arns, const int *priorities,
                              size_t n, aws_error *err)
{
    if (n == 0) {
        aws_error_set(err, AWS_ERR_INPUT, "InvalidParameter", "SetRulePriorities: no rules given");
        return -1;
    }
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
