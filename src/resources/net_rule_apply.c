/* Security group rules of one of our groups brought to a list of rule texts (see
 * net_rule.c), ingress ("… from PEER") for sg_rules and egress ("… to PEER") for
 * sg_egress: authorize what is missing in one call, revoke what is extra by rule id. */
#include <stdlib.h>
#include <string.h>

#include "net_internal.h"
#include "xalloc.h"

typedef int (*change_fn)(aws_client *c, const char *group_id, const ec2_permission *perms, size_t n,
                         const char *const *rule_ids, aws_error *err);

int resnet_rules_authorize(res_ctx *ctx, const char *group, const cJSON *want, const cJSON *have,
                           int egress, aws_error *err)
{
    size_t n = (size_t)cJSON_GetArraySize(want), k = 0;
    ec2_permission *perms = xcalloc(n ? n : 1, sizeof *perms);
    resnet_rule *rules = xcalloc(n ? n : 1, sizeof *rules);
    char **owned = xcalloc(n ? n : 1, sizeof *owned);
    int rc = 0;
    const cJSON *w;
    cJSON_ArrayForEach(w, want)
    {
        if (rc != 0 || res_array_has(have, w->valuestring))
            continue;
        if (resnet_rule_parse(w->valuestring, &rules[k]) != 0) {
            aws_error_set(err, AWS_ERR_INPUT, "BadRule", "cannot read rule '%s'", w->valuestring);
            rc = -1;
        } else if (resnet_rule_permission(ctx, &rules[k], &perms[k], &owned[k], err) == 0) {
            k++;
        } else {
            rc = -1;
        }
    }
    int (*add)(aws_client *, const char *, const ec2_permission *, size_t, svc_strings *, aws_error *) =
        egress ? ec2_authorize_egress : ec2_authorize_ingress;
    /* a rule already there (one that appeared meanwhile, or a call retried after its
     * answer was lost) makes EC2 refuse the whole call: then one by one */
    if (rc == 0 && k > 0 && add(ctx->aws, group, perms, k, NULL, err) != 0) {
        rc = -1;
        if (aws_error_is(err, AWS_IS_EXISTS)) {
            rc = 0;
            for (size_t i = 0; rc == 0 && i < k; i++)
                if (add(ctx->aws, group, &perms[i], 1, NULL, err) != 0 && !aws_error_is(err, AWS_IS_EXISTS))
                    rc = -1;
        }
    }
    for (size_t i = 0; i < n; i++)
        free(owned[i]);
    free(owned);
    free(rules);
    free(perms);
    return rc;
}

/* 1 when rule r of the group is in `keep` (our groups by node id, the VPC's CIDR as "vpc"). */
static int kept(res_ctx *ctx, const ec2_sg_rule *r, const cJSON *keep, const svc_strings *ids,
                const svc_strings *nodes, char **vpc)
{
    const char *word = r->is_egress ? "to" : "from";
    ec2_permission p = {.protocol = r->protocol, .group_id = r->referenced_group_id, .cidr = r->cidr,
                        .cidr_ipv6 = r->cidr_ipv6, .prefix_list_id = r->prefix_list_id};
    char *peer = resnet_peer_text(&p, ids, nodes);
    char *t = resnet_rule_text(r->protocol, r->from_port, r->to_port, word, peer);
    int in = res_array_has(keep, t);
    if (!in && r->cidr[0] && (*vpc || (*vpc = res_ref_value(ctx, "vpc/main", "cidr")))) {
        char *tv = resnet_rule_text(r->protocol, r->from_port, r->to_port, word, "vpc");
        in = strcmp(*vpc, r->cidr) == 0 && res_array_has(keep, tv);
        free(tv);
    }
    free(t);
    free(peer);
    return in;
}

int resnet_rules_revoke_others(res_ctx *ctx, const char *group, const cJSON *keep, int egress,
                               aws_error *err)
{
    svc_strings ids = {0}, nodes = {0}, doomed = {0};
    if (keep && resnet_our_groups(ctx, &ids, &nodes, err) != 0)
        return -1;
    ec2_filter f = {"group-id", group, NULL};
    ec2_describe_in in = {.filters = &f, .nfilters = 1};
    ec2_sg_rules l = {0};
    int rc = ec2_describe_security_group_rules(ctx->aws, &in, &l, err);
    char *vpc = NULL;
    for (size_t i = 0; rc == 0 && i < l.n; i++) {
        const ec2_sg_rule *r = &l.items[i];
        if (!r->is_egress != !egress || (keep && kept(ctx, r, keep, &ids, &nodes, &vpc)))
            continue;
        svc_strings_add(&doomed, r->id);
    }
    free(vpc);
    if (rc == 0 && doomed.n) {
        char **list = xcalloc(doomed.n + 1, sizeof *list);
        memcpy(list, doomed.items, doomed.n * sizeof *list);
        change_fn revoke = egress ? ec2_revoke_egress : ec2_revoke_ingress;
        if (revoke(ctx->aws, group, NULL, 0, (const char *const *)list, err) != 0 &&
            !aws_error_is(err, AWS_IS_NOT_FOUND))
            rc = -1;
        free(list);
    }
    if (rc != 0 && aws_error_is(err, AWS_IS_NOT_FOUND))
        rc = keep ? -1 : 0;
    ec2_sg_rules_free(&l);
    svc_strings_free(&doomed);
    svc_strings_free(&ids);
    svc_strings_free(&nodes);
    return rc;
}
