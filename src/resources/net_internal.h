/*
 * What the network kinds (vpc, subnet, igw, route_table, eip, nat, sg, sg_rules,
 * sg_reach) share: tags in EC2's shape, the stack's tag filter, "already gone" errors,
 * deletions retried while AWS reports a dependency, the region's zones, idempotency
 * tokens. Private to src/resources/.
 */
#ifndef ECSDEPLOY_RES_NET_INTERNAL_H
#define ECSDEPLOY_RES_NET_INTERNAL_H

#include <stddef.h>

#include "ec2.h"
#include "res.h"

/* The network kinds, in build order (registry.c). */
extern const res_kind res_kind_vpc, res_kind_subnet, res_kind_igw, res_kind_eigw, res_kind_route_table,
    res_kind_eip, res_kind_nat, res_kind_sg, res_kind_sg_rules, res_kind_sg_egress, res_kind_sg_reach;

/* res_found_add, except that when two resources claim one node id (a create retried
 * after its answer was lost, with no idempotency token in EC2), the one with the smaller
 * physical id keeps the id and the other becomes "ID-dup-PHYSICAL", a node the file does
 * not have, which `up` and `down` delete. Takes ownership of props. */
void resnet_found_add(res_found_list *out, const char *id, const char *physical_id, cJSON *props);
/* The same, where among duplicates the higher `rank` (how much of the stack hangs on it:
 * an attached gateway, a VPC with our subnets) keeps the id, then the smaller physical id.
 * Call resnet_found_finish once every resource is added. */
void resnet_found_add_ranked(res_found_list *out, const char *id, const char *physical_id,
                             cJSON *props, double rank);
void resnet_found_finish(res_found_list *out);

/* The standard tags of a node (res_tags) as an owned svc_tags; free with svc_tags_free. */
void resnet_tags(res_ctx *ctx, const res_node *n, svc_tags *out);
/* A Describe input with one filter, "tag:ecsdeploy:stack" = the stack's name: the stack's
 * resources. The input and its filter live in *q (borrowing ctx->stack_name). */
typedef struct {
    ec2_filter filter;
    ec2_describe_in in;
} resnet_query;
const ec2_describe_in *resnet_stack_in(const res_ctx *ctx, resnet_query *q);
/* The ecsdeploy:id tag, or NULL. */
const char *resnet_node_id(const svc_tags *tags);

/* An item of an EC2 Describe answer (a list {T *items; size_t n;}, every T with a
 * `char *` physical id and `svc_tags tags`) as discovery reads it: RESNET_ITEM_OF(T,
 * id member) says where those are; props gives its actual properties (new); rank (NULL:
 * none) decides between two resources claiming one node (resnet_found_add_ranked);
 * live (NULL: every item counts) leaves out what is going (a deleted NAT gateway). */
typedef struct {
    size_t size, id_at, tags_at;
    cJSON *(*props)(const void *item);
    double (*rank)(const void *item);
    int (*live)(const void *item);
} resnet_item_kind;
#define RESNET_ITEM_OF(T, id) .size = sizeof(T), .id_at = offsetof(T, id), .tags_at = offsetof(T, tags)
/* Each of the n items tagged with a node id of the stack (ecsdeploy:id) that is live, into
 * out with its properties (ranked, then resnet_found_finish, when k->rank is set). */
void resnet_found_items(res_found_list *out, const void *items, size_t n, const resnet_item_kind *k);
/* The physical ids of the n items tagged with a node id into ids, those node ids into
 * nodes (parallel lists; appended to). */
void resnet_items_ids(const void *items, size_t n, const resnet_item_kind *k, svc_strings *ids,
                      svc_strings *nodes);

/* A gateway of the stack's new VPC: the node KIND/main with {"vpc": vpc/main's id}, after
 * vpc/main. */
res_node *resnet_add_gateway(res_graph *g, const res_kind *kind, const char *label);
/* A gateway's properties, {"vpc": the VPC it is attached to, "" when none (NULL)}. New. */
cJSON *resnet_gateway_props(const char *vpc);

/* Delete something that AWS refuses with DependencyViolation while something still uses
 * it: retried with res_wait until it goes, saying what it waits for. `del` returns 0/-1
 * like the ec2 delete calls; NotFound counts as success. `eni_filter` ("group-id",
 * "subnet-id", "vpc-id") names what to count network interfaces by for the message. */
typedef int (*resnet_delete_fn)(aws_client *c, const char *id, aws_error *err);
int resnet_delete_retrying(res_ctx *ctx, res_node *n, const char *what, const char *id,
                           resnet_delete_fn del, const char *eni_filter, aws_error *err);

/* Waiter options for a resource just created to become visible to EC2's other calls
 * (EC2 is eventually consistent): polls ctx->poll_s apart, at most a minute. */
aws_wait_opts resnet_visible_opts(const res_ctx *ctx);

/* The first call naming a resource just made (a VPC's attributes, a subnet's public IP
 * setting): made at once, no Describe first. Should EC2 not see the resource yet (its
 * documented eventual consistency: the call answers ...NotFound), wait with `visible`
 * (ec2_wait_vpc_available, ec2_wait_subnet_available) for it to be, then make the call
 * again. Its success shows the resource visible to the calls after it too. */
typedef int (*resnet_call_fn)(res_ctx *ctx, void *ud, aws_error *err);
typedef int (*resnet_visible_fn)(aws_client *c, const char *id, const aws_wait_opts *o,
                                 aws_error *err);
int resnet_first_call(res_ctx *ctx, const char *id, resnet_visible_fn visible,
                      resnet_call_fn call, void *ud, aws_error *err);

/* The region's available zone names, sorted (zone index N is the N-th). Free with
 * svc_strings_free. */
int resnet_zone_names(res_ctx *ctx, svc_strings *out, aws_error *err);
/* The index of a zone name in a sorted list, or -1. */
int resnet_zone_index(const svc_strings *zones, const char *zone);

/* An idempotency token (at most 64 ASCII characters) derived from the stack, the node id
 * and `extra`. Caller frees. */
char *resnet_token(const res_ctx *ctx, const res_node *n, const char *extra);

/* A JSON array of the strings, sorted and without duplicates (for rule and association
 * sets). Caller frees with cJSON_Delete. */
cJSON *resnet_sorted_array(const svc_strings *s);

/* Node ids of a stack's groups and subnets by physical id: fills `ids` and `nodes`
 * (parallel lists) from our tagged resources. Free both with svc_strings_free. */
int resnet_our_groups(res_ctx *ctx, svc_strings *ids, svc_strings *nodes, aws_error *err);
/* 1 when the node's desired rules name the VPC's CIDR ("… from vpc" / "… to vpc": word). */
int resnet_rules_name_vpc(const res_node *n, const char *word);
/* The IPv4 CIDR of a VPC ("" when it is gone). *cidr: free(). */
int resnet_vpc_cidr(res_ctx *ctx, const char *vpc_id, char **cidr, aws_error *err);
/* The stack's groups (*l: ec2_security_groups_free) with ids/nodes as resnet_our_groups. */
int resnet_stack_groups(res_ctx *ctx, ec2_security_groups *l, svc_strings *ids, svc_strings *nodes,
                        aws_error *err);
int resnet_our_subnets(res_ctx *ctx, svc_strings *ids, svc_strings *nodes, aws_error *err);
/* The entry of `nodes` at the position of `id` in `ids`, or NULL. */
const char *resnet_lookup(const svc_strings *ids, const svc_strings *nodes, const char *id);

/* References to the ids of a tier's subnets (subnet/public-N or subnet/private-N, in
 * graph order), each made a dependency of n: the subnets of a load balancer, a service,
 * a DB subnet group. New array (cJSON_Delete). */
cJSON *resnet_tier_subnets(res_graph *g, res_node *n, stack_tier tier);

/* How many NAT gateways (and Elastic IPs) a network has: 0, 1 or one per zone. */
int resnet_nat_count(const stack_network *net);

/* ---- security group rules as text: "PROTOCOL PORTS from|into PEER" ---------------- */
typedef struct {
    char protocol[16]; /* "tcp", "udp", "icmp", "-1" */
    int from_port, to_port;
    char word[8];      /* "from" or "into" */
    char peer[128];    /* "sg/NODE", "sg-…", a CIDR, "pl-…", or "vpc" (the VPC's CIDR) */
} resnet_rule;

/* The text of one rule. Caller frees. */
char *resnet_rule_text(const char *protocol, int from_port, int to_port, const char *word,
                       const char *peer);
int resnet_rule_parse(const char *text, resnet_rule *r);
/* The peer of an ingress permission: our group's node id, else the group id, CIDR or
 * prefix list. Caller frees. */
char *resnet_peer_text(const ec2_permission *p, const svc_strings *our_ids,
                       const svc_strings *our_nodes);
/* Add the texts of n permissions of a group to out ("tcp 443 to 0.0.0.0/0": `word` "from"
 * for ingress, "to" for egress), peers as resnet_peer_text gives them and the VPC's CIDR
 * `vpc` (NULL or "" when not read) as "vpc". */
void resnet_permission_texts(const ec2_permission *p, size_t n, const char *word,
                             const svc_strings *our_ids, const svc_strings *our_nodes,
                             const char *vpc, svc_strings *out);
/* How a rules kind reads its rules back (resnet_rules_discover): sg_rules a group's
 * ingress, sg_egress its egress. */
typedef struct {
    const char *kind; /* the node of group sg/X is KIND/X */
    int egress;       /* its rules are the group's egress ("… to PEER"), else its ingress */
    /* 1 when the group's rules (texts) stand for a resource of the kind (n: its node in
     * the file, or NULL) */
    int (*found)(const ec2_security_group *g, const svc_strings *texts, const res_node *n);
} resnet_rules_kind;
/* Discovery of a rules kind: for each of the stack's groups sg/X whose rules k->found
 * takes, KIND/X with {"group": its id, "rules": its rules as texts, sorted}. The VPC's
 * CIDR (read once, when a node's rules name "vpc") stands for `vpc` in the rules of
 * those nodes. */
int resnet_rules_discover(res_ctx *ctx, const resnet_rules_kind *k, res_found_list *out,
                          aws_error *err);
/* The EC2 permission for a parsed rule (strings borrowed from r, or from *owned, which
 * the caller frees: a resolved group id or VPC CIDR). */
int resnet_rule_permission(res_ctx *ctx, const resnet_rule *r, ec2_permission *p, char **owned,
                           aws_error *err);

/* IPv6 (net_ipv6.c): the /64 number `block` of a VPC's /56 (new string; NULL when the
 * /56 is not one), and back: the block number of a /64 (-1 when it is not one) with its
 * /56 in *vpc_block (new string; may be NULL). */
char *resnet_ipv6_subnet(const char *vpc_block, int block);
int resnet_ipv6_block_of(const char *subnet_block, char **vpc_block);
/* "ADDR/N" in RFC 5952 form (compared as text with the blocks computed above), or a copy
 * of cidr when it does not parse. */
char *resnet_ipv6_canonical(const char *cidr);

/* Authorize the rules of `want` (texts) not in `have` (NULL: all) into our group, ingress
 * or egress, in one call (one by one when EC2 finds one already there). */
int resnet_rules_authorize(res_ctx *ctx, const char *group, const cJSON *want, const cJSON *have,
                           int egress, aws_error *err);
/* Revoke the group's ingress or egress rules whose text `keep` does not list (keep NULL:
 * all of that direction). */
int resnet_rules_revoke_others(res_ctx *ctx, const char *group, const cJSON *keep, int egress,
                               aws_error *err);

#endif
