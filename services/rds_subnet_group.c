/* RDS: DB subnet groups. */
#include <stdlib.h>
#include <string.h>

#include "rds_internal.h"
#include "xalloc.h"

/* The subnets, as two parallel lists (ids and zones, "" where one is missing). */
static void read_subnets(const cJSON *j, void *item)
{
    rds_subnet_group *g = item;
    const cJSON *e;
    cJSON_ArrayForEach(e, aws_json_array(j, "Subnets"))
    {
        const char *id = aws_json_str(e, "SubnetIdentifier");
        const char *zone =
            aws_json_str(cJSON_GetObjectItemCaseSensitive(e, "SubnetAvailabilityZone"), "Name");
        svc_strings_add(&g->subnet_ids, id ? id : "");
        svc_strings_add(&g->zones, zone ? zone : "");
    }
}

static const svc_shape group_shape = SVC_SHAPE(rds_subnet_group, read_subnets, NULL,
    SVC_FIELD("DBSubnetGroupName", SVC_STR, rds_subnet_group, name),
    SVC_FIELD("DBSubnetGroupDescription", SVC_STR, rds_subnet_group, description),
    SVC_FIELD("VpcId", SVC_STR, rds_subnet_group, vpc_id),
    SVC_FIELD("SubnetGroupStatus", SVC_STR, rds_subnet_group, status),
    SVC_FIELD("DBSubnetGroupArn", SVC_STR, rds_subnet_group, arn),
    SVC_FIELD("", SVC_KEPT_STRINGS, rds_subnet_group, subnet_ids),
    SVC_FIELD("", SVC_KEPT_STRINGS, rds_subnet_group, zones));

SVC_DEFINE_FREE(rds_subnet_group_free, rds_subnet_group, group_shape)
SVC_DEFINE_LIST_FREE(rds_subnet_groups_free, rds_subnet_groups, group_shape)

/* The subnets of a group element are exactly the input's SubnetIds (in any order). */
static int same_subnets(const cJSON *group, const cJSON *want)
{
    const cJSON *w, *s;
    if (cJSON_GetArraySize(aws_json_array(group, "Subnets")) != cJSON_GetArraySize(want))
        return 0;
    cJSON_ArrayForEach(w, want)
    {
        int seen = 0;
        cJSON_ArrayForEach(s, aws_json_array(group, "Subnets"))
        {
            const char *id = aws_json_str(s, "SubnetIdentifier");
            seen |= id && cJSON_IsString(w) && strcmp(id, w->valuestring) == 0;
        }
        if (!seen)
            return 0;
    }
    return 1;
}

/*
 * CreateDBSubnetGroup takes no client token. When its answer is lost, a group of that
 * name with the description and subnets asked for is the one this call made; another
 * one is left for the retry to report (DBSubnetGroupAlreadyExists).
 */
static int find_created(void *ctx, cJSON **output, aws_error *err)
{
    svc_lookup *g = ctx;
    cJSON *resp;
    const char *name = aws_json_str(g->in, "DBSubnetGroupName");
    if (rdsi_call(g->c, "DescribeDBSubnetGroups", svc_input("DBSubnetGroupName", name), NULL,
                  &resp, err) != 0) {
        if (!aws_error_is(err, AWS_IS_NOT_FOUND))
            return -1;
        aws_error_clear(err);
        return 0;
    }
    const cJSON *item = rdsi_first(resp, "DBSubnetGroups");
    const char *have = aws_json_str(item, "DBSubnetGroupDescription");
    const char *want = aws_json_str(g->in, "DBSubnetGroupDescription");
    int same = item && have && want && strcmp(have, want) == 0 &&
               same_subnets(item, cJSON_GetObjectItemCaseSensitive(g->in, "SubnetIds"));
    if (same) {
        *output = cJSON_CreateObject();
        cJSON_AddItemToObject(*output, "DBSubnetGroup", cJSON_Duplicate(item, 1));
    }
    cJSON_Delete(resp);
    return same;
}

int rds_create_db_subnet_group(aws_client *c, const char *name, const char *description,
                               const char *const *subnet_ids, const svc_tags *tags,
                               rds_subnet_group *out, aws_error *err)
{
    cJSON *j = svc_input("DBSubnetGroupName", name);
    cJSON_AddStringToObject(j, "DBSubnetGroupDescription", description ? description : "");
    static const char *const none[] = {NULL};
    rdsi_add_strings(j, "SubnetIds", subnet_ids ? subnet_ids : none);
    svc_add_tags(j, "Tags", tags, "Key", "Value");
    svc_lookup g = {.c = c, .in = j};
    aws_lost_answer guard = {find_created, &g};
    return rdsi_call_read(c, "CreateDBSubnetGroup", j, &guard, "DBSubnetGroup", &group_shape, out,
                          err);
}

int rds_describe_db_subnet_groups(aws_client *c, const char *name, int page_size,
                                  rds_subnet_groups *out, aws_error *err)
{
    cJSON *req = name ? svc_input("DBSubnetGroupName", name) : NULL;
    return rdsi_describe(c, "DescribeDBSubnetGroups", req, "DBSubnetGroups", page_size,
                         &group_shape, (void **)&out->items, &out->n, err);
}

int rds_modify_db_subnet_group(aws_client *c, const char *name, const char *description,
                               const char *const *subnet_ids, rds_subnet_group *out,
                               aws_error *err)
{
    cJSON *j = svc_input("DBSubnetGroupName", name);
    svc_add_str(j, "DBSubnetGroupDescription", description);
    static const char *const none[] = {NULL};
    rdsi_add_strings(j, "SubnetIds", subnet_ids ? subnet_ids : none);
    return rdsi_call_read(c, "ModifyDBSubnetGroup", j, NULL, "DBSubnetGroup", &group_shape, out,
                          err);
}

int rds_delete_db_subnet_group(aws_client *c, const char *name, aws_error *err)
{
    return rdsi_call(c, "DeleteDBSubnetGroup", svc_input("DBSubnetGroupName", name), NULL,
                     NULL, err);
}
