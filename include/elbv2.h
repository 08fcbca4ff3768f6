/*
 * Elastic Load Balancing v2 client: load balancers, target groups (attributes, targets,
 * health), listeners, rules, tags. Conventions in svc.h.
 *
 * Outputs: every string of an output struct is owned and never NULL ("" when AWS left it
 * out); free with the matching _free function. Structs used both ways (elbv2_action,
 * elbv2_condition, elbv2_health_check, elbv2_target) borrow their strings as inputs
 * (NULL: leave the member out).
 * Attributes (load balancer and target group) are key/value lists in svc_tags.
 * Errors arrive with ELBv2's codes: LoadBalancerNotFound, TargetGroupNotFound,
 * ListenerNotFound, RuleNotFound, ResourceInUse, DuplicateLoadBalancerName,
 * DuplicateTargetGroupName, DuplicateListener, PriorityInUse, ValidationError, ...
 */
#ifndef ECSDEPLOY_ELBV2_H
#define ECSDEPLOY_ELBV2_H

#include "aws.h"
#include "svc.h"

/* ---- load balancers ---------------------------------------------------------- */
typedef struct {
    char *zone, *subnet_id;
} elbv2_zone;

typedef struct {
    char *arn, *name, *dns_name, *hosted_zone_id, *scheme, *type, *vpc_id, *ip_address_type;
    char *state;        /* provisioning, active, active_impaired, failed */
    char *state_reason;
    char *created_time;
    elbv2_zone *zones;
    size_t nzones;
    svc_strings security_groups;
} elbv2_lb;

SVC_LIST_TYPE(elbv2_lb, elbv2_lbs);

void elbv2_lb_free(elbv2_lb *lb);

typedef struct {
    const char *name;                    /* at most 32: letters, digits, hyphens */
    const char *const *subnets;          /* NULL-terminated; two zones at least for an ALB */
    const char *const *security_groups;  /* NULL-terminated, or NULL */
    const char *scheme;                  /* "internet-facing" (NULL) or "internal" */
    const char *type;                    /* "application" (NULL) or "network" */
    const char *ip_address_type;         /* "ipv4" (NULL) or "dualstack" */
    const svc_tags *tags;
} elbv2_lb_in;

/* CreateLoadBalancer: *out (elbv2_lb_free) is the new balancer, usually "provisioning". */
int elbv2_create_load_balancer(aws_client *c, const elbv2_lb_in *in, elbv2_lb *out,
                               aws_error *err);
/* By ARNs or names (NULL-terminated; both NULL: all), every page (page_size 0: AWS's 400).
 * A name or ARN that does not exist fails the call with LoadBalancerNotFound. */
int elbv2_describe_load_balancers(aws_client *c, const char *const *arns,
                                  const char *const *names, int page_size, elbv2_lbs *out,
                                  aws_error *err);
int elbv2_delete_load_balancer(aws_client *c, const char *arn, aws_error *err);
/* SetIpAddressType: "ipv4" or "dualstack" (internet-facing, subnets with IPv6 blocks). */
int elbv2_set_ip_address_type(aws_client *c, const char *arn, const char *type, aws_error *err);
/* SetSubnets / SetSecurityGroups: the lists given (NULL-terminated) replace the balancer's. */
int elbv2_set_subnets(aws_client *c, const char *arn, const char *const *subnets, aws_error *err);
int elbv2_set_security_groups(aws_client *c, const char *arn, const char *const *groups,
                              aws_error *err);
/* The attributes (svc_tags_free). */
int elbv2_describe_load_balancer_attributes(aws_client *c, const char *arn, svc_tags *out,
                                            aws_error *err);
/* Set the attributes given; *out (may be NULL) gets all attributes after the change. */
int elbv2_modify_load_balancer_attributes(aws_client *c, const char *arn, const svc_tags *attrs,
                                          svc_tags *out, aws_error *err);
/* LoadBalancerAvailable: until "active" (failed/active_impaired end it with the state's
 * reason). o may be NULL (40 checks 15 s apart). */
int elbv2_wait_load_balancer_available(aws_client *c, const char *arn, const aws_wait_opts *o,
                                       aws_error *err);
/* LoadBalancersDeleted: until every one of the NULL-terminated ARNs is gone. */
int elbv2_wait_load_balancers_deleted(aws_client *c, const char *const *arns,
                                      const aws_wait_opts *o, aws_error *err);

/* ---- target groups ------------------------------------------------------------ */
typedef struct {
    int enabled;        /* input: 0 leave out, 1 on, -1 off; output 1 on, 0 off */
    char *protocol;     /* HTTP, HTTPS, TCP... */
    char *port;         /* "traffic-port" or a number */
    char *path;
    char *matcher;      /* HTTP codes: "200", "200-299", "200,302" */
    int interval, timeout, healthy_threshold, unhealthy_threshold; /* input: 0 leave out */
} elbv2_health_check;

typedef struct {
    char *arn, *name, *protocol, *protocol_version, *vpc_id, *target_type, *ip_address_type;
    int port;
    elbv2_health_check health;
    svc_strings lb_arns;  /* load balancers that route to it */
} elbv2_tg;

SVC_LIST_TYPE(elbv2_tg, elbv2_tgs);

void elbv2_tg_free(elbv2_tg *t);

typedef struct {
    const char *name, *protocol, *protocol_version, *vpc_id;
    const char *target_type;      /* "ip" for Fargate (NULL: AWS's default, instance) */
    const char *ip_address_type;  /* NULL: ipv4 */
    int port;
    elbv2_health_check health;    /* zero members: AWS's defaults */
    const svc_tags *tags;
} elbv2_tg_in;

int elbv2_create_target_group(aws_client *c, const elbv2_tg_in *in, elbv2_tg *out,
                              aws_error *err);
/* ModifyTargetGroup: the health check settings given (as in elbv2_tg_in); *out may be NULL. */
int elbv2_modify_target_group(aws_client *c, const char *arn, const elbv2_health_check *h,
                              elbv2_tg *out, aws_error *err);
/* By load balancer (lb_arn), ARNs or names (at most one of them; all NULL: every group). */
int elbv2_describe_target_groups(aws_client *c, const char *lb_arn, const char *const *arns,
                                 const char *const *names, int page_size, elbv2_tgs *out,
                                 aws_error *err);
/* ResourceInUse while a listener or rule forwards to it. */
int elbv2_delete_target_group(aws_client *c, const char *arn, aws_error *err);
int elbv2_describe_target_group_attributes(aws_client *c, const char *arn, svc_tags *out,
                                           aws_error *err);
/* e.g. deregistration_delay.timeout_seconds = "30"; *out (may be NULL) gets all after. */
int elbv2_modify_target_group_attributes(aws_client *c, const char *arn, const svc_tags *attrs,
                                         svc_tags *out, aws_error *err);

/* A target: an IP (target type ip) with a port; zone may be NULL. Borrowed. */
typedef struct {
    const char *id;
    int port;            /* 0: the group's port */
    const char *zone;
} elbv2_target;

typedef struct {
    char *id, *zone, *health_check_port;
    int port;
    char *state;        /* initial, healthy, unhealthy, unused, draining, unavailable */
    char *reason;       /* Target.ResponseCodeMismatch, Elb.RegistrationInProgress, ... */
    char *description;  /* "Health checks failed with these codes: [503]" */
} elbv2_target_health;

SVC_LIST_TYPE(elbv2_target_health, elbv2_target_healths);

int elbv2_register_targets(aws_client *c, const char *tg_arn, const elbv2_target *targets,
                           size_t n, aws_error *err);
int elbv2_deregister_targets(aws_client *c, const char *tg_arn, const elbv2_target *targets,
                             size_t n, aws_error *err);
/* The health of the given targets (n 0: every registered target). */
int elbv2_describe_target_health(aws_client *c, const char *tg_arn, const elbv2_target *targets,
                                 size_t n, elbv2_target_healths *out, aws_error *err);
/* TargetInService: until every given target (n 0: all, and at least one) is healthy.
 * On giving up the error lists each target's state, reason and description. */
int elbv2_wait_target_in_service(aws_client *c, const char *tg_arn, const elbv2_target *targets,
                                 size_t n, const aws_wait_opts *o, aws_error *err);
/* TargetDeregistered: until the given targets are gone (unused or no longer listed). */
int elbv2_wait_target_deregistered(aws_client *c, const char *tg_arn,
                                   const elbv2_target *targets, size_t n,
                                   const aws_wait_opts *o, aws_error *err);

/* ---- actions and conditions --------------------------------------------------- */
typedef struct {
    char *target_group_arn;
    int weight;
} elbv2_tg_weight;

typedef struct {
    char *type;   /* forward, redirect, fixed-response, authenticate-oidc, authenticate-cognito */
    int order;    /* input: 0 leave out */
    /* forward: one group, or weighted groups (ForwardConfig) with optional stickiness */
    char *target_group_arn;
    elbv2_tg_weight *forward;
    size_t nforward;
    int stickiness;          /* input: 0 leave out, 1 on, -1 off; output 0/1 */
    int stickiness_seconds;
    struct {
        char *protocol, *port, *host, *path, *query;
        char *status_code;   /* HTTP_301 or HTTP_302 */
    } redirect;
    struct {
        char *status_code, *content_type, *message_body;
    } fixed;
    struct {
        char *issuer, *authorization_endpoint, *token_endpoint, *user_info_endpoint, *client_id;
        char *client_secret;  /* input only (AWS never returns it); never logged */
        int use_existing_client_secret;
    } oidc;
    struct {
        char *user_pool_arn, *user_pool_client_id, *user_pool_domain;
    } cognito;
    /* both authenticate types */
    char *session_cookie_name, *scope;
    char *on_unauthenticated_request;  /* deny, allow, authenticate */
    long long session_timeout;         /* seconds; input 0 leave out */
} elbv2_action;

void elbv2_actions_free(elbv2_action *a, size_t n);

/* A rule condition: field path-pattern, host-header, http-request-method or source-ip,
 * with its values. */
typedef struct {
    char *field;
    svc_strings values;
} elbv2_condition;

void elbv2_conditions_free(elbv2_condition *c, size_t n);

/* ---- listeners ------------------------------------------------------------------ */
typedef struct {
    char *arn, *lb_arn, *protocol, *ssl_policy;
    int port;
    svc_strings certificates;  /* certificate ARNs */
    elbv2_action *actions;     /* default actions */
    size_t nactions;
} elbv2_listener;

SVC_LIST_TYPE(elbv2_listener, elbv2_listeners);

void elbv2_listener_free(elbv2_listener *l);

typedef struct {
    const char *lb_arn;        /* create */
    const char *listener_arn;  /* modify */
    const char *protocol;      /* HTTP, HTTPS; NULL on modify: unchanged */
    int port;                  /* 0 on modify: unchanged */
    const char *ssl_policy;
    const char *const *certificates;  /* NULL-terminated ARNs (HTTPS), or NULL */
    const elbv2_action *actions;      /* default actions (nactions 0 on modify: unchanged) */
    size_t nactions;
    const svc_tags *tags;             /* create only */
} elbv2_listener_in;

int elbv2_create_listener(aws_client *c, const elbv2_listener_in *in, elbv2_listener *out,
                          aws_error *err);
int elbv2_modify_listener(aws_client *c, const elbv2_listener_in *in, elbv2_listener *out,
                          aws_error *err);
/* By load balancer or by listener ARNs (NULL-terminated). */
int elbv2_describe_listeners(aws_client *c, const char *lb_arn, const char *const *arns,
                             int page_size, elbv2_listeners *out, aws_error *err);
int elbv2_delete_listener(aws_client *c, const char *arn, aws_error *err);

/* ---- listener certificates (HTTPS) ------------------------------------------------ */
typedef struct {
    char *arn;
    int is_default;  /* the listener's default certificate (set by ModifyListener) */
} elbv2_cert;

SVC_LIST_TYPE(elbv2_cert, elbv2_certs);

/* DescribeListenerCertificates, every page: the default certificate (is_default) and the
 * certificate list; a default also in the list appears twice. */
int elbv2_describe_listener_certificates(aws_client *c, const char *listener_arn,
                                         elbv2_certs *out, aws_error *err);
/* Add / remove one certificate of the listener's list (not the default one). Adding one
 * already there succeeds. */
int elbv2_add_listener_certificate(aws_client *c, const char *listener_arn, const char *cert_arn,
                                   aws_error *err);
int elbv2_remove_listener_certificate(aws_client *c, const char *listener_arn,
                                      const char *cert_arn, aws_error *err);

/* ---- rules ----------------------------------------------------------------------- */
typedef struct {
    char *arn;
    char *priority;  /* "1".."50000", or "default" */
    int is_default;
    elbv2_condition *conditions;
    size_t nconditions;
    elbv2_action *actions;
    size_t nactions;
} elbv2_rule;

SVC_LIST_TYPE(elbv2_rule, elbv2_rules);

void elbv2_rule_free(elbv2_rule *r);
int elbv2_create_rule(aws_client *c, const char *listener_arn, int priority,
                      const elbv2_condition *conds, size_t nconds, const elbv2_action *actions,
                      size_t nactions, const svc_tags *tags, elbv2_rule *out, aws_error *err);
/* nconds/nactions 0: leave that part unchanged. *out may be NULL. */
int elbv2_modify_rule(aws_client *c, const char *rule_arn, const elbv2_condition *conds,
                      size_t nconds, const elbv2_action *actions, size_t nactions,
                      elbv2_rule *out, aws_error *err);
/* By listener or rule ARNs. Includes the listener's default rule. */
int elbv2_describe_rules(aws_client *c, const char *listener_arn, const char *const *arns,
                         int page_size, elbv2_rules *out, aws_error *err);
int elbv2_delete_rule(aws_client *c, const char *arn, aws_error *err);
/* Set rule_arns[i] to priorities[i] in one call. */
int elbv2_set_rule_priorities(aws_client *c, const char *const *rule_arns, const int *priorities,
                              size_t n, aws_error *err);

/* ---- tags -------------------------------------------------------------------------- */
typedef struct {
    char *arn;
    svc_tags tags;
} elbv2_tag_desc;

SVC_LIST_TYPE(elbv2_tag_desc, elbv2_tag_descs);

int elbv2_add_tags(aws_client *c, const char *const *arns, const svc_tags *tags, aws_error *err);
int elbv2_remove_tags(aws_client *c, const char *const *arns, const char *const *keys,
                      aws_error *err);
/* The tags of any number of ARNs of any kind (calls in batches of 20, AWS's limit). */
int elbv2_describe_tags(aws_client *c, const char *const *arns, elbv2_tag_descs *out,
                        aws_error *err);

#endif
