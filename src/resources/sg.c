/*
 * sg/SERVICE, sg/lb-LB, sg/db-DATABASE, sg/efs-FS: one security group per service, per
 * load balancer, per database the stack creates and per file system it creates (its mount
 * targets' group), named by
 * stack_names.h, tagged. Only the group itself: its ingress rules are sg_rules nodes (so
 * that references between groups are revoked before any group is deleted), and AWS's
 * default allow-all egress rule stays. Deletion is retried while network interfaces
 * (of stopped tasks, of a deleted load balancer) still use the group.
 */
#include <stdlib.h>
#include <string.h>

#include "net_internal.h"
#include "stack_names.h"
#include "xalloc.h"

/* The group sg/PREFIX-OWNER (sg/OWNER without a prefix) named `name` (taken), described
 * "ecsdeploy stack STACK, WHAT OWNER" and labelled "security group of LABEL OWNER". */
static void add_group(res_graph *g, const char *prefix, const char *owner, char *name,
                      const char *what, const char *label)
{
    char *node = prefix ? xasprintf("%s-%s", prefix, owner) : xstrdup(owner);
    char *text = xasprintf("security group of %s %s", label, owner);
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "name", name);
    char *description = xasprintf("ecsdeploy stack %s, %s %s", g->stack->name, what, owner);
    cJSON_AddStringToObject(d, "description", description);
    cJSON_AddItemToObject(d, "vpc", res_ref("vpc/main", "id"));
    res_node *n = res_graph_add(g, &res_kind_sg, node, text, d);
    res_node_depend(n, res_graph_find(g, "vpc/main"));
    free(description);
    free(text);
    free(node);
    free(name);
}

static int sg_build(res_graph *g, const stack_model *s)
{
    for (size_t i = 0; i < s->nload_balancers; i++) {
        const char *lb = s->load_balancers[i].name;
        add_group(g, "lb", lb, stack_name_lb_group(s->name, lb), "load balancer", "load balancer");
    }
    for (size_t i = 0; i < s->nservices; i++) {
        const char *svc = s->services[i].name;
        add_group(g, NULL, svc, stack_name_service_group(s->name, svc), "service", "service");
    }
    for (size_t i = 0; i < s->ndatabases; i++) {
        const char *db = s->databases[i].name;
        if (!s->databases[i].existing)
            add_group(g, "db", db, stack_name_database_group(s->name, db), "database", "database");
    }
    for (size_t i = 0; i < s->nfile_systems; i++) {
        const char *fs = s->file_systems[i].name;
        if (!s->file_systems[i].existing)
            add_group(g, "efs", fs, stack_name_efs_group(s->name, fs),
                      "mount targets of file system", "the mount targets of file system");
    }
    return 0;
}

static cJSON *sg_props(const char *name, const char *description, const char *vpc)
{
    return res_props("name", name, "description", description, "vpc", vpc, NULL);
}

static cJSON *found_props(const void *item)
{
    const ec2_security_group *g = item;
    return sg_props(g->name, g->description, g->vpc_id);
}

static int sg_discover(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    static const resnet_item_kind found = {RESNET_ITEM_OF(ec2_security_group, id),
                                           .props = found_props};
    resnet_query q;
    ec2_security_groups l = {0};
    int rc = ec2_describe_security_groups(ctx->aws, resnet_stack_in(ctx, &q), &l, err);
    if (rc == 0)
        resnet_found_items(out, l.items, l.n, &found);
    ec2_security_groups_free(&l);
    return rc;
}


/* CreateSecurityGroup retried after its answer was lost meets its own group (names are
 * unique in a VPC): adopt it when it carries this node's tags. */
static char *adopt(res_ctx *ctx, const res_node *n, const char *vpc, const char *name)
{
    ec2_filter f[3] = {{"vpc-id", vpc, NULL}, {"group-name", name, NULL},
                       {"tag:" RES_TAG_ID, n->id, NULL}};
    ec2_describe_in in = {.filters = f, .nfilters = 3};
    ec2_security_groups l = {0};
    aws_error e;
    char *id = NULL;
    if (ec2_describe_security_groups(ctx->aws, &in, &l, &e) == 0 && l.n == 1) {
        const char *stack = svc_tags_get(&l.items[0].tags, RES_TAG_STACK);
        if (stack && strcmp(stack, ctx->stack_name) == 0)
            id = xstrdup(l.items[0].id);
    }
    ec2_security_groups_free(&l);
    return id;
}

static int sg_create(res_ctx *ctx, res_node *n, aws_error *err)
{
    const char *name = res_prop_text(n->desired, "name"), *desc = res_prop_text(n->desired, "description"),
               *vpc = res_prop_text(n->desired, "vpc");
    svc_tags tags;
    resnet_tags(ctx, n, &tags);
    char *id = NULL;
    int rc = ec2_create_security_group(ctx->aws, vpc, name, desc, &tags, &id, err);
    svc_tags_free(&tags);
    if (rc != 0 && aws_error_is(err, AWS_IS_EXISTS) &&
        (id = adopt(ctx, n, vpc, name)) != NULL)
        rc = 0;
    if (rc != 0)
        return -1;
    res_node_set(ctx, n, id, sg_props(name, desc, vpc));
    free(id);
    /* Kept, though CreateSecurityGroup's answer says all the node records: no call of its
     * own follows to show the group visible, and AWS documents InvalidGroup.NotFound for
     * the next commands naming a group just made (rules, balancer, services, mount
     * targets), advising DescribeSecurityGroups first. One call when it is seen at once. */
    aws_wait_opts o = resnet_visible_opts(ctx);
    return ec2_wait_security_group_exists(ctx->aws, n->physical_id, &o, err);
}

static int sg_remove(res_ctx *ctx, res_node *n, aws_error *err)
{
    return resnet_delete_retrying(ctx, n, "security group", n->physical_id,
                                  ec2_delete_security_group, "group-id", err);
}

static const char *const sg_replace_on[] = {"name", "description", "vpc", NULL};

static const res_ec2_grants ci_grants = {
    .reads = "ec2:DescribeSecurityGroups ec2:DescribeNetworkInterfaces",
    .create = "ec2:CreateSecurityGroup",
    .changes = "ec2:DeleteSecurityGroup ec2:AuthorizeSecurityGroupEgress "
               "ec2:RevokeSecurityGroupEgress",
};

const res_kind res_kind_sg = {
    .name = "sg",
    .title = "security group",
    .build = sg_build,
    .discover = sg_discover,
    .create = sg_create,
    .remove = sg_remove,
    .replace_on = sg_replace_on,
    .ci_ec2 = &ci_grants,
};
