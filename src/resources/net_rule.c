/* Security group rules as the text the sg_rules and sg_reach kinds compare:
 * "PROTOCOL PORTS from|into PEER", e.g. "tcp 8080 from sg/lb-web", "udp 53 from 10.0.0.0/8",
 * "tcp 5432 into sg-0abc", "all all from sg-0abc". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net_internal.h"
#include "xalloc.h"

int resnet_rules_discover(res_ctx *ctx, const resnet_rules_kind *k, res_found_list *out,
                          aws_error *err)
{
    ec2_security_groups l;
    svc_strings ids, nodes;
    if (resnet_stack_groups(ctx, &l, &ids, &nodes, err) != 0)
        return -1;
    const char *word = k->egress ? "to" : "from";
    char *vpc = NULL;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < l.n; i++) {
        const ec2_security_group *g = &l.items[i];
        const char *id = resnet_node_id(&g->tags);
        if (!id || strncmp(id, "sg/", 3) != 0)
            continue;
        char *node_id = xasprintf("%s/%s", k->kind, id + 3);
        const res_node *n = ctx->graph ? res_graph_find(ctx->graph, node_id) : NULL;
        /* the VPC's CIDR stands for `vpc`: read only when the file names it */
        int names_vpc = resnet_rules_name_vpc(n, word);
        if (names_vpc && !vpc)
            rc = resnet_vpc_cidr(ctx, g->vpc_id, &vpc, err);
        svc_strings texts = {0};
        resnet_permission_texts(k->egress ? g->egress : g->ingress,
                                k->egress ? g->negress : g->ningress, word, &ids, &nodes,
                                names_vpc ? vpc : NULL, &texts);
        if (rc == 0 && k->found(g, &texts, n)) {
            cJSON *p = res_props("group", g->id, NULL);
            cJSON_AddItemToObject(p, "rules", resnet_sorted_array(&texts));
            resnet_found_add(out, node_id, g->id, p);
        }
        free(node_id);
        svc_strings_free(&texts);
    }
    free(vpc);
    svc_strings_free(&ids);
    svc_strings_free(&nodes);
    ec2_security_groups_free(&l);
    return rc;
}

char *resnet_rule_text(const char *protocol, int from_port, int to_port, const char *word,
                       const char *peer)
{
    if (strcmp(protocol, "-1") == 0 || strcmp(protocol, "all") == 0)
        return xasprintf("all all %s %s", word, peer);
    if (from_port == to_port)
        return xasprintf("%s %d %s %s", protocol, from_port, word, peer);
    return xasprintf("%s %d-%d %s %s", protocol, from_port, to_port, word, peer);
}

int resnet_rule_parse(const char *text, resnet_rule *r)
{
    memset(r, 0, sizeof *r);
    char ports[32];
    if (sscanf(text, "%15s %31s %7s %127s", r->protocol, ports, r->word, r->peer) != 4)
        return -1;
    if (strcmp(r->protocol, "all") == 0) {
        snprintf(r->protocol, sizeof r->protocol, "-1");
        r->from_port = r->to_port = -1;
        return 0;
    }
    if (sscanf(ports, "%d-%d", &r->from_port, &r->to_port) == 2)
        return 0;
    if (sscanf(ports, "%d", &r->from_port) != 1)
        return -1;
    r->to_port = r->from_port;
    return 0;
}

char *resnet_peer_text(const ec2_permission *p, const svc_strings *our_ids,
                       const svc_strings *our_nodes)
{
    if (p->group_id[0]) {
        const char *node = resnet_lookup(our_ids, our_nodes, p->group_id);
        return xstrdup(node ? node : p->group_id);
    }
    if (p->cidr[0])
        return xstrdup(p->cidr);
    if (p->cidr_ipv6[0])
        return xstrdup(p->cidr_ipv6);
    return xstrdup(p->prefix_list_id);
}

void resnet_permission_texts(const ec2_permission *p, size_t n, const char *word,
                             const svc_strings *our_ids, const svc_strings *our_nodes,
                             const char *vpc, svc_strings *out)
{
    for (size_t i = 0; i < n; i++) {
        char *peer = resnet_peer_text(&p[i], our_ids, our_nodes);
        int is_vpc = vpc && vpc[0] && strcmp(peer, vpc) == 0;
        char *t = resnet_rule_text(p[i].protocol, p[i].from_port, p[i].to_port, word,
                                   is_vpc ? "vpc" : peer);
        svc_strings_add(out, t);
        free(t);
        free(peer);
    }
}

int resnet_rule_permission(res_ctx *ctx, const resnet_rule *r, ec2_permission *p, char **owned,
                           aws_error *err)
{
    memset(p, 0, sizeof *p);
    *owned = NULL;
    p->protocol = (char *)r->protocol;
    p->from_port = r->from_port;
    p->to_port = r->to_port;
    const char *peer = r->peer;
    if (strncmp(peer, "sg/", 3) == 0 || strcmp(peer, "vpc") == 0) {
        *owned = strcmp(peer, "vpc") == 0 ? res_ref_value(ctx, "vpc/main", "cidr")
                                          : res_ref_value(ctx, peer, "id");
        if (!*owned) {
            aws_error_set(err, AWS_ERR_INPUT, "Unresolved", "%s is not known yet", peer);
            return -1;
        }
        if (strcmp(peer, "vpc") == 0)
            p->cidr = *owned;
        else
            p->group_id = *owned;
    } else if (strncmp(peer, "sg-", 3) == 0) {
        p->group_id = (char *)peer;
    } else if (strncmp(peer, "pl-", 3) == 0) {
        p->prefix_list_id = (char *)peer;
    } else if (strchr(peer, ':')) {
        p->cidr_ipv6 = (char *)peer;
    } else {
        p->cidr = (char *)peer;
    }
    return 0;
}
