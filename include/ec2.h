/*
 * EC2 client: the network a Fargate stack stands on — VPCs and their attributes,
 * subnets, zones, internet gateways, route tables and routes, Elastic IPs, NAT gateways,
 * security groups and rules, network interfaces, tags. Conventions in svc.h.
 *
 * Outputs: every string of an output struct is owned and never NULL ("" when AWS left
 * it out); free a list with its _free function (which also frees the items). Tags use
 * svc_tags (owned in outputs, borrowed in inputs).
 * Describe calls take an ec2_describe_in (may be NULL: everything) and follow every page.
 * Errors: AWS refusals arrive as err->code exactly as EC2 sends them
 * ("DependencyViolation", "InvalidVpcID.NotFound", "InvalidPermission.Duplicate", ...).
 */
#ifndef ECSDEPLOY_EC2_H
#define ECSDEPLOY_EC2_H

#include "aws.h"
#include "svc.h"

/* One Describe filter: "tag:ecsdeploy:stack", "vpc-id", "group-id", ... with either one
 * value or a NULL-terminated list of values (any may match). EC2 wildcards * and ? work. */
typedef struct {
    const char *name;
    const char *value;         /* one value, or NULL */
    const char *const *values; /* NULL-terminated more values, or NULL */
} ec2_filter;

typedef struct {
    const char *const *ids;    /* NULL-terminated ids, or NULL for all */
    const ec2_filter *filters;
    size_t nfilters;
    int page_size;             /* MaxResults per call where EC2 pages (5..1000; not sent
                                  with ids, which EC2 refuses); 0: EC2's default */
} ec2_describe_in;

/* ---- VPCs -------------------------------------------------------------- */

/* An IPv6 block of a VPC (ipv6CidrBlockAssociationSet). */
typedef struct {
    char *assoc_id, *cidr;
    char *state; /* "associating", "associated", "disassociating", "disassociated", "failed" */
} ec2_ipv6_block;

typedef struct {
    char *id, *cidr, *state, *dhcp_options_id, *owner_id;
    int is_default;
    ec2_ipv6_block *ipv6; /* every IPv6 association EC2 lists */
    size_t nipv6;
    svc_tags tags;
} ec2_vpc;

SVC_LIST_TYPE(ec2_vpc, ec2_vpcs);

void ec2_vpc_free(ec2_vpc *v);

/* CreateVpc with tags (may be NULL); *out filled (ec2_vpc_free). */
int ec2_create_vpc(aws_client *c, const char *cidr, const svc_tags *tags, ec2_vpc *out,
                   aws_error *err);
int ec2_describe_vpcs(aws_client *c, const ec2_describe_in *in, ec2_vpcs *out, aws_error *err);
int ec2_delete_vpc(aws_client *c, const char *vpc_id, aws_error *err);
/* The region's default VPC into *out with *found 1, or *found 0 (out zeroed) when none. */
int ec2_default_vpc(aws_client *c, ec2_vpc *out, int *found, aws_error *err);
/* attribute: "enableDnsSupport" or "enableDnsHostnames" (one per call, as EC2 wants). */
int ec2_modify_vpc_attribute(aws_client *c, const char *vpc_id, const char *attribute, int value,
                             aws_error *err);
int ec2_describe_vpc_attribute(aws_client *c, const char *vpc_id, const char *attribute,
                               int *value, aws_error *err);
/* AssociateVpcCidrBlock AmazonProvidedIpv6CidrBlock: a /56 from Amazon's pool, "associating"
 * at first; *out (may be NULL) the new block (ec2_ipv6_block_free). No idempotency token:
 * a call retried after its answer was lost may leave a second block. */
int ec2_associate_vpc_ipv6(aws_client *c, const char *vpc_id, ec2_ipv6_block *out, aws_error *err);
/* DisassociateVpcCidrBlock of an association id. */
int ec2_disassociate_vpc_cidr(aws_client *c, const char *assoc_id, aws_error *err);
void ec2_ipv6_block_free(ec2_ipv6_block *b);
/* The VPC's first block in state "associating" or "associated", or NULL. */
const ec2_ipv6_block *ec2_vpc_ipv6(const ec2_vpc *v);

/* VpcAvailable (state "available"; a not-yet-visible VPC, InvalidVpcID.NotFound, is
 * waited for too, as VpcExists does). o may be NULL (40 × 15 s). */
int ec2_wait_vpc_available(aws_client *c, const char *vpc_id, const aws_wait_opts *o,
                           aws_error *err);

/* ---- zones and subnets -------------------------------------------------- */
typedef struct {
    char *name, *zone_id, *state, *region, *zone_type, *opt_in_status;
} ec2_zone;

SVC_LIST_TYPE(ec2_zone, ec2_zones);

/* DescribeAvailabilityZones (filters e.g. state=available, zone-type=availability-zone;
 * ids are zone names). No pages in EC2: page_size is ignored. */
int ec2_describe_availability_zones(aws_client *c, const ec2_describe_in *in, ec2_zones *out,
                                    aws_error *err);

/* DescribeRegions: the names of the regions enabled for the account (svc_strings_free). */
int ec2_describe_regions(aws_client *c, svc_strings *out, aws_error *err);

typedef struct {
    char *id, *vpc_id, *cidr, *zone, *zone_id, *state;
    char *ipv6_cidr, *ipv6_assoc_id; /* its IPv6 /64 and association, "" when none */
    int map_public_ip_on_launch, default_for_az, assign_ipv6_on_creation;
    long long available_ips;
    svc_tags tags;
} ec2_subnet;

SVC_LIST_TYPE(ec2_subnet, ec2_subnets);

void ec2_subnet_free(ec2_subnet *s);
/* CreateSubnet in zone (a name such as "us-east-1a"). */
int ec2_create_subnet(aws_client *c, const char *vpc_id, const char *cidr, const char *zone,
                      const svc_tags *tags, ec2_subnet *out, aws_error *err);
int ec2_describe_subnets(aws_client *c, const ec2_describe_in *in, ec2_subnets *out,
                         aws_error *err);
int ec2_delete_subnet(aws_client *c, const char *subnet_id, aws_error *err);
/* SubnetAvailable (state "available"; InvalidSubnetID.NotFound waited for too). */
int ec2_wait_subnet_available(aws_client *c, const char *subnet_id, const aws_wait_opts *o,
                              aws_error *err);
/* ModifySubnetAttribute MapPublicIpOnLaunch. */
int ec2_set_map_public_ip(aws_client *c, const char *subnet_id, int value, aws_error *err);
/* ModifySubnetAttribute AssignIpv6AddressOnCreation (the subnet needs an IPv6 block). */
int ec2_set_assign_ipv6(aws_client *c, const char *subnet_id, int value, aws_error *err);
/* AssociateSubnetCidrBlock with an IPv6 /64 of the VPC's blocks; *assoc_id (may be NULL;
 * free()) the association. */
int ec2_associate_subnet_ipv6(aws_client *c, const char *subnet_id, const char *ipv6_cidr,
                              char **assoc_id, aws_error *err);

/* ---- internet gateways ---------------------------------------------------- */
typedef struct {
    char *id, *owner_id;
    char *vpc_id;       /* attached VPC, "" when detached */
    char *attach_state; /* "available"/"attached"/"detaching"..., "" when detached */
    svc_tags tags;
} ec2_igw;

SVC_LIST_TYPE(ec2_igw, ec2_igws);

void ec2_igw_free(ec2_igw *g);
int ec2_create_internet_gateway(aws_client *c, const svc_tags *tags, ec2_igw *out,
                                aws_error *err);
int ec2_attach_internet_gateway(aws_client *c, const char *igw_id, const char *vpc_id,
                                aws_error *err);
int ec2_detach_internet_gateway(aws_client *c, const char *igw_id, const char *vpc_id,
                                aws_error *err);
int ec2_delete_internet_gateway(aws_client *c, const char *igw_id, aws_error *err);
/* Filters include attachment.vpc-id. */
int ec2_describe_internet_gateways(aws_client *c, const ec2_describe_in *in, ec2_igws *out,
                                   aws_error *err);

/* ---- route tables ---------------------------------------------------------- */
typedef struct {
    char *destination;    /* IPv4 CIDR ("" for IPv6 or prefix-list routes) */
    char *destination_ipv6;
    char *gateway_id;     /* igw-… or "local" */
    char *nat_gateway_id;
    char *egress_only_gateway_id; /* eigw-… */
    char *state;          /* "active" or "blackhole" */
    char *origin;         /* "CreateRouteTable", "CreateRoute" */
} ec2_route;

typedef struct {
    char *id;             /* rtbassoc-… */
    char *subnet_id;      /* "" for the main association */
    char *gateway_id;
    char *state;          /* associationState.state */
    int main;
} ec2_route_assoc;

typedef struct {
    char *id, *vpc_id, *owner_id;
    ec2_route *routes;
    size_t nroutes;
    ec2_route_assoc *assocs;
    size_t nassocs;
    svc_tags tags;
} ec2_route_table;

SVC_LIST_TYPE(ec2_route_table, ec2_route_tables);

void ec2_route_table_free(ec2_route_table *t);
int ec2_create_route_table(aws_client *c, const char *vpc_id, const svc_tags *tags,
                           ec2_route_table *out, aws_error *err);
/* Filters include vpc-id, association.subnet-id, association.main. */
int ec2_describe_route_tables(aws_client *c, const ec2_describe_in *in, ec2_route_tables *out,
                              aws_error *err);
int ec2_delete_route_table(aws_client *c, const char *rtb_id, aws_error *err);

/* Where a route goes: exactly one of the targets. */
typedef struct {
    const char *destination;    /* IPv4 CIDR, "0.0.0.0/0", or IPv6 ("::/0": one with ':') */
    const char *gateway_id;     /* internet gateway */
    const char *nat_gateway_id;
    const char *egress_only_gateway_id; /* IPv6 destinations only */
} ec2_route_in;

int ec2_create_route(aws_client *c, const char *rtb_id, const ec2_route_in *r, aws_error *err);
int ec2_replace_route(aws_client *c, const char *rtb_id, const ec2_route_in *r, aws_error *err);
/* destination: an IPv4 or (with ':') an IPv6 CIDR. */
int ec2_delete_route(aws_client *c, const char *rtb_id, const char *destination,
                     aws_error *err);

/* ---- egress-only internet gateways (IPv6 out, nothing in) -------------------- */
typedef struct {
    char *id, *vpc_id;   /* vpc_id: of its attachment */
    svc_tags tags;
} ec2_eigw;

SVC_LIST_TYPE(ec2_eigw, ec2_eigws);

void ec2_eigw_free(ec2_eigw *g);
/* CreateEgressOnlyInternetGateway in vpc_id; client_token (may be NULL, at most 64 ASCII)
 * makes a retried create return the first one. */
int ec2_create_egress_only_gateway(aws_client *c, const char *vpc_id, const char *client_token,
                                   const svc_tags *tags, ec2_eigw *out, aws_error *err);
/* Filters include tag:K and egress-only-internet-gateway-id. */
int ec2_describe_egress_only_gateways(aws_client *c, const ec2_describe_in *in, ec2_eigws *out,
                                      aws_error *err);
int ec2_delete_egress_only_gateway(aws_client *c, const char *id, aws_error *err);
/* AssociateRouteTable with a subnet; *assoc_id (may be NULL) gets the new rtbassoc-… (free()). */
int ec2_associate_route_table(aws_client *c, const char *rtb_id, const char *subnet_id,
                              char **assoc_id, aws_error *err);
int ec2_disassociate_route_table(aws_client *c, const char *assoc_id, aws_error *err);

/* ---- Elastic IPs and NAT gateways ------------------------------------------ */
typedef struct {
    char *allocation_id, *public_ip, *association_id, *domain, *network_interface_id,
        *private_ip;
    svc_tags tags;
} ec2_address;

SVC_LIST_TYPE(ec2_address, ec2_addresses);

void ec2_address_free(ec2_address *a);
/* AllocateAddress Domain=vpc with tags. */
int ec2_allocate_address(aws_client *c, const svc_tags *tags, ec2_address *out, aws_error *err);
int ec2_release_address(aws_client *c, const char *allocation_id, aws_error *err);
/* ids are allocation ids; filters include tag:K, domain. No pages in EC2. */
int ec2_describe_addresses(aws_client *c, const ec2_describe_in *in, ec2_addresses *out,
                           aws_error *err);

typedef struct {
    char *allocation_id, *public_ip, *private_ip, *network_interface_id;
} ec2_nat_address;

typedef struct {
    char *id, *subnet_id, *vpc_id, *state, *connectivity_type, *failure_code, *failure_message;
    ec2_nat_address *addresses;
    size_t naddresses;
    svc_tags tags;
} ec2_nat;

SVC_LIST_TYPE(ec2_nat, ec2_nats);

void ec2_nat_free(ec2_nat *g);
/* CreateNatGateway (public) in subnet_id with the Elastic IP allocation_id. client_token
 * (may be NULL, at most 64 ASCII characters) makes a retried create return the first one. */
int ec2_create_nat_gateway(aws_client *c, const char *subnet_id, const char *allocation_id,
                           const char *client_token, const svc_tags *tags, ec2_nat *out,
                           aws_error *err);
int ec2_delete_nat_gateway(aws_client *c, const char *nat_id, aws_error *err);
/* Filters include state, subnet-id, vpc-id, tag:K. Deleted gateways stay visible for a while
 * in state "deleted". */
int ec2_describe_nat_gateways(aws_client *c, const ec2_describe_in *in, ec2_nats *out,
                              aws_error *err);
/* NatGatewayAvailable: until "available"; fails on failed/deleting/deleted (the message
 * carries the gateway's failure code and message). o may be NULL (40 × 15 s). */
int ec2_wait_nat_gateway_available(aws_client *c, const char *nat_id, const aws_wait_opts *o,
                                   aws_error *err);
/* NatGatewayDeleted: until "deleted" or NatGatewayNotFound. */
int ec2_wait_nat_gateway_deleted(aws_client *c, const char *nat_id, const aws_wait_opts *o,
                                 aws_error *err);

/* ---- security groups --------------------------------------------------------- */
/*
 * One permission with one source (or destination): exactly one of cidr, cidr_ipv6,
 * group_id, prefix_list_id. protocol "tcp", "udp", "icmp" or "-1" (all; ports ignored).
 * As input the strings are borrowed (NULL when unused); in outputs owned ("" when unused),
 * one entry per source of each IpPermission EC2 returned.
 */
typedef struct {
    char *protocol;
    int from_port, to_port;
    char *cidr, *cidr_ipv6, *group_id, *prefix_list_id;
    char *description;
} ec2_permission;

typedef struct {
    char *id, *name, *description, *vpc_id, *owner_id;
    ec2_permission *ingress;
    size_t ningress;
    ec2_permission *egress;
    size_t negress;
    svc_tags tags;
} ec2_security_group;

SVC_LIST_TYPE(ec2_security_group, ec2_security_groups);

void ec2_security_group_free(ec2_security_group *g);
/* CreateSecurityGroup; *group_id gets the new sg-… (free()). EC2 adds an allow-all egress rule. */
int ec2_create_security_group(aws_client *c, const char *vpc_id, const char *name,
                              const char *description, const svc_tags *tags, char **group_id,
                              aws_error *err);
int ec2_delete_security_group(aws_client *c, const char *group_id, aws_error *err);
/* SecurityGroupExists: until DescribeSecurityGroups finds it (InvalidGroup.NotFound is
 * waited for). o may be NULL (6 × 5 s). */
int ec2_wait_security_group_exists(aws_client *c, const char *group_id,
                                   const aws_wait_opts *o, aws_error *err);
/* Filters include vpc-id, group-name, tag:K, ip-permission.group-id. */
int ec2_describe_security_groups(aws_client *c, const ec2_describe_in *in,
                                 ec2_security_groups *out, aws_error *err);

/* Authorize n permissions (one call). rule_ids (may be NULL) gets the new sgr-… ids. */
int ec2_authorize_ingress(aws_client *c, const char *group_id, const ec2_permission *perms,
                          size_t n, svc_strings *rule_ids, aws_error *err);
int ec2_authorize_egress(aws_client *c, const char *group_id, const ec2_permission *perms,
                         size_t n, svc_strings *rule_ids, aws_error *err);
/* Revoke by permissions (perms/n) or by rule ids (rule_ids NULL-terminated); pass one. */
int ec2_revoke_ingress(aws_client *c, const char *group_id, const ec2_permission *perms, size_t n,
                       const char *const *rule_ids, aws_error *err);
int ec2_revoke_egress(aws_client *c, const char *group_id, const ec2_permission *perms, size_t n,
                      const char *const *rule_ids, aws_error *err);

typedef struct {
    char *id, *group_id, *group_owner_id, *protocol;
    int is_egress, from_port, to_port;
    char *cidr, *cidr_ipv6, *prefix_list_id;
    char *referenced_group_id; /* the source/destination group, "" when none */
    char *description;
    svc_tags tags;
} ec2_sg_rule;

SVC_LIST_TYPE(ec2_sg_rule, ec2_sg_rules);

/* DescribeSecurityGroupRules: ids are sgr-…; filters group-id, tag:K. Rules referencing a
 * group from other groups are found with DescribeSecurityGroups' ip-permission.group-id. */
int ec2_describe_security_group_rules(aws_client *c, const ec2_describe_in *in,
                                      ec2_sg_rules *out, aws_error *err);

/* ---- network interfaces ------------------------------------------------------ */
typedef struct {
    char *id, *subnet_id, *vpc_id, *zone, *status, *description, *private_ip, *public_ip,
        *interface_type, *requester_id;
    int requester_managed;
    svc_strings group_ids;
    svc_tags tags;
} ec2_eni;

SVC_LIST_TYPE(ec2_eni, ec2_enis);

/* Filters include group-id, subnet-id, vpc-id, status. */
int ec2_describe_network_interfaces(aws_client *c, const ec2_describe_in *in, ec2_enis *out,
                                    aws_error *err);

/* ---- tags ------------------------------------------------------------------- */
/* CreateTags on the NULL-terminated resource ids. */
int ec2_create_tags(aws_client *c, const char *const *resource_ids, const svc_tags *tags,
                    aws_error *err);
/* DeleteTags: the tags given by key (a value, when not NULL, must match too). */
int ec2_delete_tags(aws_client *c, const char *const *resource_ids, const svc_tags *tags,
                    aws_error *err);

#endif
