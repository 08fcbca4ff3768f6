/*
 * What the load-balancing kinds (alb, target_group, listener, listener_rule) share:
 * finding which ELBv2 resources belong to the stack through their tags, "already gone"
 * errors, and actions in the shape the kinds compare. Private to src/resources/.
 */
#ifndef ECSDEPLOY_RES_ELB_INTERNAL_H
#define ECSDEPLOY_RES_ELB_INTERNAL_H

#include "elbv2.h"
#include "res.h"

extern const res_kind res_kind_alb, res_kind_target_group, res_kind_listener, res_kind_listener_rule;

/* Which of `arns` (n of them) belong to the stack: ids[i] is a new string with the
 * ecsdeploy:id tag of arns[i], or NULL when it is not ours. *ids: free each, then the
 * array (elbres_ids_free). One DescribeTags call per 20 ARNs, all side by side. */
int elbres_owned(res_ctx *ctx, const char *const *arns, size_t n, char ***ids, aws_error *err);
void elbres_ids_free(char **ids, size_t n);

/* elbres_owned and, in the same round trip, the attributes of each of the n ARNs with
 * `read` (elbv2_describe_load_balancer_attributes, ..._target_group_attributes) into
 * (*attrs)[i] (a new array of n: elbres_attrs_free): reads run side by side with the
 * DescribeTags. A read's failure counts only for an ARN the stack owns; one whose read
 * says it is gone (deleted meanwhile) loses its id. The first failure, in ARN order, is
 * returned. */
typedef int (*elbres_attrs_fn)(aws_client *c, const char *arn, svc_tags *out, aws_error *err);
int elbres_owned_attrs(res_ctx *ctx, const char *const *arns, size_t n, elbres_attrs_fn read,
                       char ***ids, svc_tags **attrs, aws_error *err);
void elbres_attrs_free(svc_tags *attrs, size_t n);

/* In a poll of res_wait (also the Cloud Map kinds'): a throttled or transient failure that
 * outlived the client's retries is one more "not yet" (0, status says so), not the end of
 * the wait; anything else is -1. */
int elbres_poll_failed(const aws_error *err, char *status, size_t len);

/* Run a discovery again (up to 4 times, a short pause between) while it fails with a
 * throttled or transient error that outlived the client's retries: a fresh list each
 * time. (Used by the Cloud Map kinds too.) */
typedef int (*elbres_discover_fn)(res_ctx *ctx, res_found_list *out, aws_error *err);
int elbres_discover_retry(res_ctx *ctx, elbres_discover_fn fn, res_found_list *out, aws_error *err);

/* Wait (as n's progress) until load balancer lb_arn is active: 0, or -1 with err (it
 * failed, the wait's bound, Ctrl-C). */
int elbres_wait_active(res_ctx *ctx, res_node *n, res_action action, const char *lb_arn,
                       aws_error *err);

/* After a call about load balancer lb_arn that AWS refused with err: when the refusal may
 * mean "not ready yet" (AWS_IS_BUSY) and the balancer is still provisioning, wait until
 * it is active and return 1 (make the call again); 0 when the refusal stands (err kept);
 * -1 when the wait failed (err set). ecsdeploy calls early, while the balancer
 * provisions, because AWS accepts listeners and attributes then; this is the way back
 * should AWS ever refuse one. */
int elbres_refused_before_active(res_ctx *ctx, res_node *n, res_action action,
                                 const char *lb_arn, aws_error *err);

/* Every load balancer of the region whose name starts with "STACK-" (one paginated call). */
int elbres_stack_lbs(res_ctx *ctx, elbv2_lbs *out, aws_error *err);

/* Every listener of the stack's load balancers (one DescribeListeners per balancer, side
 * by side). Free with elbv2_listeners_free. */
int elbres_stack_listeners(res_ctx *ctx, elbv2_listeners *out, aws_error *err);

/* The actions array of a listener or rule, ordered by their Order. */
cJSON *elbres_actions_json(const elbv2_action *a, size_t n);
/* elbv2 actions from the compared shape (resolved: no references left), for a call.
 * `weights` (may be NULL) gives the weights of a forward's groups at creation.
 * `client_secret` (may be NULL) is the OIDC client secret. Free with elbv2_actions_free. */
elbv2_action *elbres_actions_from(const cJSON *actions, const int *weights,
                                  const char *client_secret, size_t *n);
/* The authenticate action for an auth setting (NULL when kind is NONE), compared shape. */
cJSON *elbres_auth_json(const stack_auth *auth);

#endif
