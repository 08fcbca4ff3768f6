/*
 * db_subnets/DATABASE: the DB subnet group of a database the stack creates, STACK-DATABASE
 * (RDS keeps the name in lower case), over the subnets of the database's tier (or the
 * subnet ids the file lists), which must cover two zones. RDS has no tag filter and a
 * subnet group carries no tags in its description, so discovery lists the region's
 * groups (one call) and knows its own by name and description, "ecsdeploy stack STACK,
 * database DATABASE", both of which it sets.
 *
 * Properties: name, description, subnets (compared in any order, changed in place with
 * ModifyDBSubnetGroup), vpc (actual only).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "ci_policy_internal.h"
#include "net_internal.h"
#include "rds.h"
#include "stack_names.h"
#include "xalloc.h"

extern const res_kind res_kind_db_subnets;

static char *group_name(const char *stack, const char *database)
{
    char *name = stack_name_database(stack, database);
    for (char *p = name; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return name;
}

#define DESCRIPTION_FORMAT "ecsdeploy stack %s, database %s"

static int build(res_graph *g, const stack_model *s)
{
    for (size_t i = 0; i < s->ndatabases; i++) {
        const stack_database *db = &s->databases[i];
        if (db->existing)
            continue;
        char *name = group_name(s->name, db->name);
        cJSON *d = cJSON_CreateObject();
        cJSON_AddStringToObject(d, "name", name);
        char *description = xasprintf(DESCRIPTION_FORMAT, s->name, db->name);
        cJSON_AddStringToObject(d, "description", description);
        res_node *n = res_graph_addf(g, &res_kind_db_subnets, db->name, d, "DB subnet group %s",
                                     name);
        n->model = db;
        if (db->nsubnet_ids) {
            cJSON *a = cJSON_AddArrayToObject(d, "subnets");
            for (size_t k = 0; k < db->nsubnet_ids; k++)
                cJSON_AddItemToArray(a, cJSON_CreateString(db->subnet_ids[k]));
        } else {
            cJSON_AddItemToObject(d, "subnets", resnet_tier_subnets(g, n, db->tier));
        }
        free(description);
        free(name);
    }
    return 0;
}

static cJSON *props_of(const rds_subnet_group *sg)
{
    cJSON *p = res_props("name", sg->name, "description", sg->description, NULL);
    cJSON_AddItemToObject(p, "subnets", resnet_sorted_array(&sg->subnet_ids));
    cJSON_AddStringToObject(p, "vpc", sg->vpc_id);
    return p;
}

/* The database a group of this stack was made for (from its description, checked against
 * its name), or NULL. Caller frees. */
static char *database_of(const res_ctx *ctx, const rds_subnet_group *sg)
{
    char *prefix = xasprintf(DESCRIPTION_FORMAT, ctx->stack_name, "");
    char *db = NULL;
    if (strncmp(sg->description, prefix, strlen(prefix)) == 0) {
        db = xstrdup(sg->description + strlen(prefix));
        char *name = group_name(ctx->stack_name, db);
        if (strcmp(name, sg->name) != 0) {
            free(db);
            db = NULL;
        }
        free(name);
    }
    free(prefix);
    return db;
}

static int discover(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    rds_subnet_groups l;
    if (rds_describe_db_subnet_groups(ctx->aws, NULL, 0, &l, err) != 0)
        return -1;
    for (size_t i = 0; i < l.n; i++) {
        char *db = database_of(ctx, &l.items[i]);
        if (db) {
            res_found_add_named(out, &res_kind_db_subnets, db, l.items[i].name,
                                props_of(&l.items[i]));
        }
        free(db);
    }
    rds_subnet_groups_free(&l);
    return 0;
}

/* The desired subnets as a NULL-terminated array of borrowed strings (free the array). */
static const char **subnet_list(const res_node *n)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(n->desired, "subnets"), *v;
    const char **list = xcalloc((size_t)cJSON_GetArraySize(a) + 1, sizeof *list);
    size_t k = 0;
    cJSON_ArrayForEach(v, a) if (cJSON_IsString(v)) list[k++] = v->valuestring;
    return list;
}


static int modify(res_ctx *ctx, res_node *n, aws_error *err)
{
    const char **subnets = subnet_list(n);
    rds_subnet_group sg;
    int rc = rds_modify_db_subnet_group(ctx->aws, res_prop_text(n->desired, "name"), NULL, subnets, &sg, err);
    free(subnets);
    if (rc == 0) {
        res_node_set(ctx, n, sg.name, props_of(&sg));
        rds_subnet_group_free(&sg);
    }
    return rc;
}

static int create(res_ctx *ctx, res_node *n, aws_error *err)
{
    const char *name = res_prop_text(n->desired, "name"), *description = res_prop_text(n->desired, "description");
    const char **subnets = subnet_list(n);
    svc_tags tags = {0};
    res_tags_list(ctx, n, &tags);
    rds_subnet_group sg;
    int rc = rds_create_db_subnet_group(ctx->aws, name, description, subnets, &tags, &sg, err);
    svc_tags_free(&tags);
    free(subnets);
    if (rc == 0) {
        res_node_set(ctx, n, sg.name, props_of(&sg));
        rds_subnet_group_free(&sg);
        return 0;
    }
    if (!aws_error_is(err, AWS_IS_EXISTS))
        return -1;
    /* a group of our name: ours when its description says so (a run that crashed after
     * making it); then its subnets are set as the file says */
    rds_subnet_groups l;
    aws_error e;
    if (rds_describe_db_subnet_groups(ctx->aws, name, 0, &l, &e) != 0)
        return -1;
    char *db = l.n ? database_of(ctx, &l.items[0]) : NULL;
    int ours = db && strcmp(db, strchr(n->id, '/') + 1) == 0;
    free(db);
    rds_subnet_groups_free(&l);
    if (!ours) {
        aws_error_set(err, AWS_ERR_INPUT, "DBSubnetGroupAlreadyExists",
                      "a DB subnet group named %s exists and is not this stack's (its description "
                      "differs); delete it or rename the database", name);
        return -1;
    }
    aws_error_clear(err);
    res_node_set(ctx, n, name, cJSON_CreateObject());
    return modify(ctx, n, err);
}

static int update(res_ctx *ctx, res_node *n, aws_error *err)
{
    return modify(ctx, n, err);
}

/* One try of DeleteDBSubnetGroup: 1 gone, 0 still used by an instance (being deleted). */
static int poll_delete(res_ctx *ctx, res_node *n, void *ud, char *status, size_t len,
                       aws_error *err)
{
    (void)ud;
    int rc = res_delete_tried(rds_delete_db_subnet_group(ctx->aws, n->physical_id, err), err, 0,
                              status, len);
    if (rc == 0)
        snprintf(status, len, "still used by a DB instance: %s", err->message);
    return rc;
}

static int remove_group(res_ctx *ctx, res_node *n, aws_error *err)
{
    char what[300];
    snprintf(what, sizeof what, "DB subnet group %s to be free", n->physical_id);
    return res_wait(ctx, n, RES_DELETE, what, poll_delete, NULL, err);
}

static const char *const replace_on[] = {"name", NULL};
static const char *const create_only[] = {"description", NULL};
static const char *const unordered[] = {"subnets", NULL};

static void ci_grant(ci_builder *b, int mine)
{
    ci_reads_writes(b, mine, "rds:DescribeDBSubnetGroups",
                    "rds:CreateDBSubnetGroup rds:ModifyDBSubnetGroup rds:DeleteDBSubnetGroup "
                    "rds:AddTagsToResource rds:ListTagsForResource",
                    ci_rds_arn(b, "subgrp"), NULL);
}

const res_kind res_kind_db_subnets = {
    .name = "db_subnets",
    .title = "DB subnet group",
    .build = build,
    .discover = discover,
    .create = create,
    .update = update,
    .remove = remove_group,
    .replace_on = replace_on,
    .create_only = create_only,
    .unordered = unordered,
    .ci_grant = ci_grant,
};
