/* EC2: security groups and their rules. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "ec2_internal.h"
#include "xalloc.h"

static void free_perms(ec2_permission *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(p[i].protocol);
        free(p[i].cidr);
        free(p[i].cidr_ipv6);
        free(p[i].group_id);
        free(p[i].prefix_list_id);
        free(p[i].description);
    }
    free(p);
}

/* One flattened permission per source of the IpPermission j. */
static void read_permission(const cJSON *j, ec2_permission **list, size_t *n)
{
    static const struct {
        const char *set, *field;
        size_t off;
    } sources[] = {
        {"ipRanges", "cidrIp", offsetof(ec2_permission, cidr)},
        {"ipv6Ranges", "cidrIpv6", offsetof(ec2_permission, cidr_ipv6)},
        {"groups", "groupId", offsetof(ec2_permission, group_id)},
        {"prefixListIds", "prefixListId", offsetof(ec2_permission, prefix_list_id)},
    };
    for (size_t s = 0; s < sizeof sources / sizeof sources[0]; s++) {
        const cJSON *e;
        cJSON_ArrayForEach(e, aws_json_array(j, sources[s].set))
        {
            ec2_permission *p = xgrow((void **)list, n, sizeof **list);
            p->protocol = svc_json_dup(j, "ipProtocol");
            p->from_port = (int)aws_json_int(j, "fromPort", -1);
            p->to_port = (int)aws_json_int(j, "toPort", -1);
            p->cidr = xstrdup("");
            p->cidr_ipv6 = xstrdup("");
            p->group_id = xstrdup("");
            p->prefix_list_id = xstrdup("");
            char **slot = (char **)((char *)p + sources[s].off);
            free(*slot);
            *slot = svc_json_dup(e, sources[s].field);
            p->description = svc_json_dup(e, "description");
        }
    }
}

static void read_permissions(const cJSON *j, void *item)
{
    ec2_security_group *g = item;
    const cJSON *e;
    cJSON_ArrayForEach(e, aws_json_array(j, "ipPermissions"))
        read_permission(e, &g->ingress, &g->ningress);
    cJSON_ArrayForEach(e, aws_json_array(j, "ipPermissionsEgress"))
        read_permission(e, &g->egress, &g->negress);
}

static void free_permissions(void *item)
{
    ec2_security_group *g = item;
    free_perms(g->ingress, g->ningress);
    free_perms(g->egress, g->negress);
}

static const svc_shape group_shape = SVC_SHAPE(ec2_security_group, read_permissions,
                                               free_permissions,
    SVC_FIELD("groupId", SVC_STR, ec2_security_group, id),
    SVC_FIELD("groupName", SVC_STR, ec2_security_group, name),
    SVC_FIELD("groupDescription", SVC_STR, ec2_security_group, description),
    SVC_FIELD("vpcId", SVC_STR, ec2_security_group, vpc_id),
    SVC_FIELD("ownerId", SVC_STR, ec2_security_group, owner_id),
    EC2I_TAGS(ec2_security_group));

SVC_DEFINE_FREE(ec2_security_group_free, ec2_security_group, group_shape)
SVC_DEFINE_LIST_FREE(ec2_security_groups_free, ec2_security_groups, group_shape)

int ec2_create_security_group(aws_client *c, const char *vpc_id, const char *name,
                              const char *description, const svc_tags *tags, char **group_id,
                              aws_error *err)
{
    cJSON *in = svc_input("GroupName", name);
    cJSON_AddStringToObject(in, "GroupDescription", description ? description : "");
    svc_add_str(in, "VpcId", vpc_id);
    ec2i_tag_spec(in, "security-group", tags);
    return svc_call_str(ec2i_call, c, "CreateSecurityGroup", in, "groupId", group_id, err);
}

int ec2_delete_security_group(aws_client *c, const char *group_id, aws_error *err)
{
    return ec2i_call_simple(c, "DeleteSecurityGroup", svc_input("GroupId", group_id), err);
}

EC2I_DEFINE_DESCRIBE(ec2_describe_security_groups, ec2_security_groups, "DescribeSecurityGroups",
                     "GroupId", "securityGroupInfo", 1, group_shape)

/* {set: [{field: value, Description}]} for the one source of a permission. */
static void add_source(cJSON *perm, const char *set, const char *field, const char *value,
                       const char *description)
{
    cJSON *arr = cJSON_AddArrayToObject(perm, set), *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, field, value);
    if (description && *description)
        cJSON_AddStringToObject(o, "Description", description);
    cJSON_AddItemToArray(arr, o);
}

static int encode_perms(cJSON *in, const char *action, const ec2_permission *perms, size_t n,
                        aws_error *err)
{
    cJSON *arr = cJSON_AddArrayToObject(in, "IpPermissions");
    for (size_t i = 0; i < n; i++) {
        const ec2_permission *p = &perms[i];
        int sources = (p->cidr && *p->cidr) + (p->cidr_ipv6 && *p->cidr_ipv6) +
                      (p->group_id && *p->group_id) + (p->prefix_list_id && *p->prefix_list_id);
        if (!p->protocol || !*p->protocol || sources != 1)
            return svc_refuse(err, "InvalidPermission",
                              "%s: permission %zu needs a protocol and exactly one of cidr, "
                              "cidr_ipv6, group_id, prefix_list_id",
                              action, i + 1);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(arr, o);
        cJSON_AddStringToObject(o, "IpProtocol", p->protocol);
        if (strcmp(p->protocol, "-1") != 0) {
            cJSON_AddNumberToObject(o, "FromPort", p->from_port);
            cJSON_AddNumberToObject(o, "ToPort", p->to_port);
        }
        if (p->cidr && *p->cidr)
            add_source(o, "IpRanges", "CidrIp", p->cidr, p->description);
        else if (p->cidr_ipv6 && *p->cidr_ipv6)
            add_source(o, "Ipv6Ranges", "CidrIpv6", p->cidr_ipv6, p->description);
        else if (p->group_id && *p->group_id)
            add_source(o, "Groups", "GroupId", p->group_id, p->description);
        else
            add_source(o, "PrefixListIds", "PrefixListId", p->prefix_list_id, p->description);
    }
    return 0;
}

static int authorize(aws_client *c, const char *action, const char *group_id,
                     const ec2_permission *perms, size_t n, svc_strings *rule_ids, aws_error *err)
{
    cJSON *in = svc_input("GroupId", group_id), *resp;
    if (encode_perms(in, action, perms, n, err) != 0) {
        cJSON_Delete(in);
        return -1;
    }
    if (ec2i_call(c, action, in, &resp, err) != 0)
        return -1;
    if (rule_ids)
        svc_json_strings(resp, "securityGroupRuleSet", "securityGroupRuleId", rule_ids);
    cJSON_Delete(resp);
    return 0;
}

int ec2_authorize_ingress(aws_client *c, const char *group_id, const ec2_permission *perms,
                          size_t n, svc_strings *rule_ids, aws_error *err)
{
    return authorize(c, "AuthorizeSecurityGroupIngress", group_id, perms, n, rule_ids, err);
}

int ec2_authorize_egress(aws_client *c, const char *group_id, const ec2_permission *perms,
                         size_t n, svc_strings *rule_ids, aws_error *err)
{
    return authorize(c, "AuthorizeSecurityGroupEgress", group_id, perms, n, rule_ids, err);
}

static int revoke(aws_client *c, const char *action, const char *group_id,
                  const ec2_permission *perms, size_t n, const char *const *rule_ids,
                  aws_error *err)
{
    if ((n > 0) == (rule_ids && rule_ids[0]))
        return svc_refuse(err, "InvalidRevoke",
                          "%s: give either permissions or rule ids (not both, not neither)",
                          action);
    cJSON *in = svc_input("GroupId", group_id);
    if (n > 0 && encode_perms(in, action, perms, n, err) != 0) {
        cJSON_Delete(in);
        return -1;
    }
    svc_add_strings(in, "SecurityGroupRuleId", rule_ids);
    return ec2i_call_simple(c, action, in, err);
}

int ec2_revoke_ingress(aws_client *c, const char *group_id, const ec2_permission *perms, size_t n,
                       const char *const *rule_ids, aws_error *err)
{
    return revoke(c, "RevokeSecurityGroupIngress", group_id, perms, n, rule_ids, err);
}

int ec2_revoke_egress(aws_client *c, const char *group_id, const ec2_permission *perms, size_t n,
                      const char *const *rule_ids, aws_error *err)
{
    return revoke(c, "RevokeSecurityGroupEgress", group_id, perms, n, rule_ids, err);
}

/* ---- rules ------------------------------------------------------------------ */

static const svc_shape sg_rule_shape = SVC_SHAPE(ec2_sg_rule, NULL, NULL,
    SVC_FIELD("securityGroupRuleId", SVC_STR, ec2_sg_rule, id),
    SVC_FIELD("groupId", SVC_STR, ec2_sg_rule, group_id),
    SVC_FIELD("groupOwnerId", SVC_STR, ec2_sg_rule, group_owner_id),
    SVC_FIELD("ipProtocol", SVC_STR, ec2_sg_rule, protocol),
    SVC_FIELD("isEgress", SVC_BOOL, ec2_sg_rule, is_egress),
    SVC_FDEF("fromPort", SVC_INT, ec2_sg_rule, from_port, -1),
    SVC_FDEF("toPort", SVC_INT, ec2_sg_rule, to_port, -1),
    SVC_FIELD("cidrIpv4", SVC_STR, ec2_sg_rule, cidr),
    SVC_FIELD("cidrIpv6", SVC_STR, ec2_sg_rule, cidr_ipv6),
    SVC_FIELD("prefixListId", SVC_STR, ec2_sg_rule, prefix_list_id),
    SVC_FIELD("referencedGroupInfo.groupId", SVC_STR, ec2_sg_rule, referenced_group_id),
    SVC_FIELD("description", SVC_STR, ec2_sg_rule, description),
    EC2I_TAGS(ec2_sg_rule));

SVC_DEFINE_LIST_FREE(ec2_sg_rules_free, ec2_sg_rules, sg_rule_shape)

EC2I_DEFINE_DESCRIBE(ec2_describe_security_group_rules, ec2_sg_rules, "DescribeSecurityGroupRules",
                     "SecurityGroupRuleId", "securityGroupRuleSet", 1, sg_rule_shape)
