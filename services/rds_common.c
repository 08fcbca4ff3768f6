/* RDS request helpers (see rds_internal.h). */
#include <stdlib.h>
#include <string.h>

#include "aws_paginate.h"
#include "rds_internal.h"
#include "xalloc.h"

/* Lists whose elements RDS names after their type (the query protocol's "member" is not
 * used): request encoding ("Name/Item" gives Name.Item.N) and answers alike. */
static const char *const rds_request_lists[] = {
    "VpcSecurityGroupIds/VpcSecurityGroupId", "SubnetIds/SubnetIdentifier", "Tags/Tag",
    "Filters/Filter", "Values/Value", NULL};

static const char *const rds_answer_lists[] = {
    "DBInstances/DBInstance", "DBSubnetGroups/DBSubnetGroup", "DBSnapshots/DBSnapshot",
    "Subnets/Subnet", "VpcSecurityGroups/VpcSecurityGroupMembership", "TagList/Tag",
    "DBParameterGroups/DBParameterGroup", "OptionGroupMemberships/OptionGroupMembership",
    "DBSecurityGroups/DBSecurityGroup",
    "ReadReplicaDBInstanceIdentifiers/ReadReplicaDBInstanceIdentifier",
    "ReadReplicaDBClusterIdentifiers/ReadReplicaDBClusterIdentifier",
    "DomainMemberships/DomainMembership", "AssociatedRoles/DBInstanceRole",
    "ProcessorFeatures/ProcessorFeature", "StatusInfos/DBInstanceStatusInfo",
    "DBInstanceAutomatedBackupsReplications/DBInstanceAutomatedBackupsReplication",
    "EnabledCloudwatchLogsExports", "SupportedNetworkTypes", NULL};

static const svc_api rds_api = {.service = "rds", .maps = rds_request_lists,
                                .lists = rds_answer_lists, .in_token = "Marker",
                                .out_token = "Marker", .page_size = "MaxRecords",
                                .flags = SVC_PREFIX};

int rdsi_call(aws_client *c, const char *action, cJSON *in, const aws_lost_answer *guard,
              cJSON **out, aws_error *err)
{
    return svc_query_call(c, &rds_api, action, in, guard, out, err);
}

/* (no describe input has a list: svc_pages sends no request hints) */
int rdsi_describe(aws_client *c, const char *action, cJSON *in, const char *items,
                  int page_size, const svc_shape *shape, void **out, size_t *n, aws_error *err)
{
    return svc_list(c, &rds_api, action, in, items, page_size, shape, out, n, err);
}

int rdsi_call_read(aws_client *c, const char *action, cJSON *in, const aws_lost_answer *guard,
                   const char *member, const svc_shape *shape, void *out, aws_error *err)
{
    cJSON *resp;
    if (out)
        memset(out, 0, shape->size);
    return rdsi_call(c, action, in, guard, &resp, err) ? -1
                                                        : svc_read_answer(resp, member, shape, out);
}

void rdsi_add_strings(cJSON *in, const char *name, const char *const *list)
{
    if (list && !list[0])
        cJSON_AddArrayToObject(in, name); /* sent empty: RDS says what is missing */
    else
        svc_add_strings(in, name, list);
}

const cJSON *rdsi_first(const cJSON *obj, const char *name)
{
    return cJSON_GetArrayItem(aws_json_array(obj, name), 0);
}

int rdsi_has_tags(const cJSON *item, const cJSON *want)
{
    const cJSON *w, *t;
    cJSON_ArrayForEach(w, want)
    {
        const char *k = aws_json_str(w, "Key"), *v = aws_json_str(w, "Value");
        int seen = 0;
        cJSON_ArrayForEach(t, aws_json_array(item, "TagList"))
        {
            const char *tk = aws_json_str(t, "Key"), *tv = aws_json_str(t, "Value");
            if (k && tk && strcmp(k, tk) == 0 && strcmp(v ? v : "", tv ? tv : "") == 0)
                seen = 1;
        }
        if (!seen)
            return 0;
    }
    return 1;
}
