/* The network kinds on networks we do not own: an existing VPC (with rules we add into an
 * existing group, and only those removed), and the account's default VPC. */
#include "res_net_harness.h"

typedef struct {
    char *vpc, *sub_a, *sub_b, *group;
} outside;

static void make_outside(net_run *r, outside *o)
{
    aws_error err;
    svc_tags tags = {0};
    svc_tags_add(&tags, "owner", "someone-else");
    ec2_vpc v;
    OK(ec2_create_vpc(r->aws, "10.70.0.0/16", &tags, &v, &err));
    o->vpc = xstrdup(v.id);
    ec2_vpc_free(&v);
    ec2_subnet s;
    OK(ec2_create_subnet(r->aws, o->vpc, "10.70.0.0/24", "us-east-1a", &tags, &s, &err));
    o->sub_a = xstrdup(s.id);
    ec2_subnet_free(&s);
    OK(ec2_create_subnet(r->aws, o->vpc, "10.70.1.0/24", "us-east-1b", &tags, &s, &err));
    o->sub_b = xstrdup(s.id);
    ec2_subnet_free(&s);
    OK(ec2_create_security_group(r->aws, o->vpc, "database", "the database", &tags, &o->group, &err));
    /* a rule of its own, which must survive */
    ec2_permission p = {.protocol = "tcp", .from_port = 22, .to_port = 22, .cidr = "10.9.0.0/16"};
    OK(ec2_authorize_ingress(r->aws, o->group, &p, 1, NULL, &err));
    svc_tags_free(&tags);
}

/* net_open, and a network someone else made (make_outside). */
static void open_outside(net_run *r, outside *o)
{
    net_open(r, NULL);
    make_outside(r, o);
}

static void drop_outside(net_run *r, outside *o)
{
    aws_error err;
    OK(ec2_delete_security_group(r->aws, o->group, &err));
    OK(ec2_delete_subnet(r->aws, o->sub_a, &err));
    OK(ec2_delete_subnet(r->aws, o->sub_b, &err));
    OK(ec2_delete_vpc(r->aws, o->vpc, &err));
    free(o->vpc);
    free(o->sub_a);
    free(o->sub_b);
    free(o->group);
}

/* Ingress rules of a group on a port: how many, and how many carry our description. */
static void group_rules(net_run *r, const char *group, int port, int *all, int *ours)
{
    ec2_security_group g = net_group(r, group);
    *all = *ours = 0;
    for (size_t i = 0; i < g.ningress; i++) {
        const ec2_permission *p = &g.ingress[i];
        if (port && p->from_port != port)
            continue;
        (*all)++;
        if (strcmp(p->description, "ecsdeploy:knet-ext:app") == 0)
            (*ours)++;
    }
    ec2_security_group_free(&g);
}

/* An app in an existing VPC behind an internal load balancer, admitting an outside group
 * (EXT_NO_REACH); EXT_STACK: the same app also reaching that group on a port. */
#define EXT_NO_REACH                                                                       \
    "stack: knet-ext\n"                                                                    \
    "network:\n"                                                                           \
    "  vpc: { id: %s, public_subnets: [%s, %s] }\n"                                        \
    "load_balancers:\n"                                                                    \
    "  inside: { scheme: internal, listeners: [ { port: 80 } ] }\n"                         \
    "services:\n"                                                                          \
    "  app:\n"                                                                             \
    "    image: nginx\n"                                                                   \
    "    port: 8080\n"                                                                     \
    "    allow_from: [%s]\n"
#define EXT_STACK EXT_NO_REACH "    reach: [ { group: %s, port: %d } ]\n"

START_TEST(existing_vpc_and_reach)
{
    net_run r;
    outside o;
    open_outside(&r, &o);
    net_load(&r, EXT_STACK, o.vpc, o.sub_a, o.sub_b, o.group, o.group, 5432);
    plan_counts c = net_plan(&r, 0);
    ck_assert_uint_eq(c.create, 5); /* sg/app, sg/lb-inside, their rules, sg_reach/app */
    const res_node *vpc = net_node(&r, "vpc/main");
    ck_assert_int_eq(vpc->external, 1);
    ck_assert_str_eq(vpc->physical_id, o.vpc);
    ck_assert_str_eq(net_node(&r, "subnet/public-1")->physical_id, o.sub_b);
    ck_assert_ptr_null(res_graph_find(r.g, "igw/main"));
    ck_assert_int_eq(net_exec(&r, 1, NULL), 0);

    c = net_plan(&r, 0);
    ck_assert_msg(net_changes(c) == 0, "%s", plan_render_text(r.g, 0));
    int all, ours;
    group_rules(&r, o.group, 5432, &all, &ours);
    ck_assert_int_eq(ours, 1);
    /* an internal load balancer in an existing VPC: open to the VPC's CIDR, looked up */
    const cJSON *lb_rules = cJSON_GetObjectItem(net_node(&r, "sg_rules/lb-inside")->actual, "rules");
    ck_assert_str_eq(cJSON_GetArrayItem(lb_rules, 0)->valuestring, "tcp 80 from vpc");
    ck_assert_int_eq(cJSON_GetArraySize(lb_rules), 1);
    /* allow_from an existing group: a rule into our group, from theirs */
    char *want = xasprintf("tcp 8080 from %s", o.group);
    const cJSON *rules = cJSON_GetObjectItem(net_node(&r, "sg_rules/app")->actual, "rules");
    ck_assert_int_eq(cJSON_GetArraySize(rules), 1);
    ck_assert_str_eq(cJSON_GetArrayItem(rules, 0)->valuestring, want);
    free(want);

    /* another port: our old rule goes, the new one comes, theirs stays */
    net_load(&r, EXT_STACK, o.vpc, o.sub_a, o.sub_b, o.group, o.group, 5433);
    c = net_plan(&r, 0);
    ck_assert_uint_eq(c.update, 1);
    ck_assert_int_eq(net_node(&r, "sg_reach/app")->action, RES_UPDATE);
    ck_assert_int_eq(net_exec(&r, 1, NULL), 0);
    net_no_changes(&r);
    group_rules(&r, o.group, 5432, &all, &ours);
    ck_assert_int_eq(all, 0);
    group_rules(&r, o.group, 5433, &all, &ours);
    ck_assert_int_eq(ours, 1);

    /* reach dropped from the file: our rule goes, the rest stays */
    net_load(&r, EXT_NO_REACH, o.vpc, o.sub_a, o.sub_b, o.group);
    c = net_plan(&r, 0);
    ck_assert_msg(net_changes(c) == 1 && c.delete == 1, "%s", plan_render_text(r.g, 0));
    ck_assert_int_eq(net_node(&r, "sg_reach/app")->action, RES_DELETE);
    ck_assert_int_eq(net_exec(&r, 1, NULL), 0);
    group_rules(&r, o.group, 0, &all, &ours);
    ck_assert_int_eq(ours, 0);
    ck_assert_int_eq(all, 1);
    net_load(&r, EXT_STACK, o.vpc, o.sub_a, o.sub_b, o.group, o.group, 5433);
    net_up(&r);

    net_down(&r);
    ck_assert_int_eq(fake_count_stack("knet-ext"), 0);
    group_rules(&r, o.group, 0, &all, &ours);
    ck_assert_int_eq(ours, 0);
    ck_assert_int_eq(all, 1); /* their own rule */
    drop_outside(&r, &o); /* the VPC and its subnets were left alone */
    net_close(&r);
}
END_TEST

START_TEST(missing_existing_vpc_is_named)
{
    net_run r;
    net_open(&r, NULL);
    net_load(&r, EXT_STACK, "vpc-0000000000000dead", "subnet-0000000000000dead",
             "subnet-0000000000000beef", "sg-0000000000000dead", "sg-0000000000000dead", 1);
    net_rebuild(&r);
    aws_error err;
    ck_assert_int_eq(plan_discover(&r.ctx, 4, &err), -1);
    ck_assert_msg(strstr(err.message, "vpc-0000000000000dead"), "%s", err.message);

    /* subnets of another VPC */
    outside o;
    make_outside(&r, &o);
    ec2_vpc def;
    int found = 0;
    OK(ec2_default_vpc(r.aws, &def, &found, &err));
    net_load(&r, EXT_STACK, def.id, o.sub_a, o.sub_b, o.group, o.group, 1);
    net_rebuild(&r);
    ck_assert_int_eq(plan_discover(&r.ctx, 4, &err), -1);
    ck_assert_msg(strstr(err.message, "is in vpc-") && strstr(err.message, o.sub_a), "%s", err.message);
    ec2_vpc_free(&def);
    drop_outside(&r, &o);
    net_close(&r);
}
END_TEST

#define PLAIN_STACK                                                                        \
    "stack: knet-blocked\n"                                                                \
    "network:\n"                                                                           \
    "  vpc: { id: %s, public_subnets: [%s, %s] }\n"                                        \
    "services:\n"                                                                          \
    "  app: { image: nginx, port: 8080 }\n"

/* Someone else's rule names our group: down says so instead of waiting forever, and
 * finishes once that rule is gone. */
START_TEST(group_used_by_someone_else)
{
    net_run r;
    outside o;
    open_outside(&r, &o);
    net_load(&r, PLAIN_STACK, o.vpc, o.sub_a, o.sub_b);
    net_up(&r);
    net_plan(&r, 0);
    aws_error err;
    char *ours = xstrdup(net_node(&r, "sg/app")->physical_id);
    ec2_permission p = {.protocol = "tcp", .from_port = 443, .to_port = 443, .group_id = ours};
    OK(ec2_authorize_ingress(r.aws, o.group, &p, 1, NULL, &err));

    net_plan(&r, 1);
    plan_exec_result res;
    ck_assert_int_eq(net_exec(&r, 0, &res), -1);
    ck_assert_msg(strstr(res.failure, "cannot be deleted while something else uses it"), "%s",
                  res.failure);
    ck_assert_msg(strstr(res.failure, ours), "%s", res.failure);
    plan_exec_result_free(&res);

    OK(ec2_revoke_ingress(r.aws, o.group, &p, 1, NULL, &err));
    net_down(&r);
    ck_assert_int_eq(fake_count_stack("knet-blocked"), 0);
    free(ours);
    drop_outside(&r, &o);
    net_close(&r);
}
END_TEST

#define DEFAULT_STACK                                                                      \
    "stack: knet-default\n"                                                                \
    "network: { vpc: default }\n"                                                          \
    "services:\n"                                                                          \
    "  app: { image: nginx, port: 8080 }\n"                                                \
    "  web: { image: nginx, port: 80, allow_from: [app] }\n"

START_TEST(default_vpc)
{
    net_run r;
    net_open(&r, NULL);
    aws_error err;
    ec2_vpc def;
    int found = 0;
    OK(ec2_default_vpc(r.aws, &def, &found, &err));
    ck_assert_int_eq(found, 1);
    net_load(&r, DEFAULT_STACK);
    plan_counts c = net_plan(&r, 0);
    ck_assert_uint_eq(c.create, 3); /* two groups, web's rules */
    ck_assert_str_eq(net_node(&r, "vpc/main")->physical_id, def.id);
    const res_node *sub = net_node(&r, "subnet/public-1");
    ck_assert_int_eq(sub->external, 1);
    ck_assert_str_eq(cJSON_GetObjectItem(sub->actual, "zone")->valuestring, "us-east-1b");
    ck_assert_int_eq(net_exec(&r, 1, NULL), 0);
    net_no_changes(&r);
    ck_assert_str_eq(cJSON_GetObjectItem(net_node(&r, "sg/app")->actual, "vpc")->valuestring, def.id);

    net_down(&r);
    ck_assert_int_eq(fake_count_stack("knet-default"), 0);
    ec2_vpc again;
    OK(ec2_default_vpc(r.aws, &again, &found, &err));
    ck_assert_int_eq(found, 1);
    ck_assert_str_eq(again.id, def.id);
    ec2_vpc_free(&again);
    ec2_vpc_free(&def);
    net_close(&r);
}
END_TEST

FAKE_SUITE(res_net_ext, NULL, NULL, 60, existing_vpc_and_reach, missing_existing_vpc_is_named,
           default_vpc, group_used_by_someone_else)
