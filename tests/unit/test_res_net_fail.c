/* The network kinds when AWS pushes back: a group still used by a network interface
 * (teardown waits, saying why), and a failure in the middle of `up` (rollback). */
#include "res_net_harness.h"

#include "clock.h"

#define ENI_STACK                                                                          \
    "stack: knet-eni\n"                                                                    \
    "network: { vpc: { cidr: 10.62.0.0/16 }, zones: 1, nat: none, subnets: [public] }\n"   \
    "services:\n"                                                                          \
    "  app: { image: nginx, port: 8080, subnets: public }\n"

typedef struct {
    aws_client *aws;
    char *eni;
    int rc;
} releaser;

/* Let go of the interface after a while, as ECS does some time after a task stopped. */
static void *release_later(void *arg)
{
    releaser *x = arg;
    util_sleep(0.6, NULL);
    cJSON *req = cJSON_CreateObject(), *out = NULL;
    cJSON_AddStringToObject(req, "NetworkInterfaceId", x->eni);
    aws_error err;
    x->rc = aws_ec2_call(x->aws, "DeleteNetworkInterface", req, NULL, &out, &err);
    cJSON_Delete(req);
    cJSON_Delete(out);
    return NULL;
}

START_TEST(group_deletion_waits_for_interfaces)
{
    net_run r;
    net_open(&r, NULL);
    net_load(&r, ENI_STACK);
    net_up(&r);
    net_plan(&r, 0);

    /* a task's interface in our subnet, using our group */
    aws_error err;
    cJSON *req = cJSON_CreateObject(), *out = NULL;
    cJSON_AddStringToObject(req, "SubnetId", net_node(&r, "subnet/public-0")->physical_id);
    cJSON *groups = cJSON_AddArrayToObject(req, "SecurityGroupId");
    cJSON_AddItemToArray(groups, cJSON_CreateString(net_node(&r, "sg/app")->physical_id));
    OK(aws_ec2_call(r.aws, "CreateNetworkInterface", req, NULL, &out, &err));
    cJSON_Delete(req);
    const cJSON *eni = cJSON_GetObjectItem(cJSON_GetObjectItem(out, "networkInterface"), "networkInterfaceId");
    ck_assert_msg(cJSON_IsString(eni), "no interface id in the answer");
    releaser x = {r.aws, xstrdup(eni->valuestring), -1};
    cJSON_Delete(out);

    pthread_t t;
    pthread_create(&t, NULL, release_later, &x);
    net_down(&r);
    pthread_join(t, NULL);
    ck_assert_int_eq(x.rc, 0);
    const char *ev = res_events_text(&r.events);
    ck_assert_msg(strstr(ev, "still used by 1 network interface"), "%s", ev);
    ck_assert_msg(strstr(ev, "sg/app: waiting for security group sg-"), "%s", ev);
    free(x.eni);
    ck_assert_int_eq(fake_count_stack("knet-eni"), 0);
    net_close(&r);
}
END_TEST

/* us-west-1 has two zones in the fake: a third zone's subnets cannot be made. */
#define FAIL_STACK                                                                         \
    "stack: knet-fail\n"                                                                   \
    "network: { vpc: { cidr: 10.63.0.0/16 }, zones: 3, nat: single }\n"                    \
    "services:\n"                                                                          \
    "  app: { image: nginx, port: 8080 }\n"                                                \
    "  web: { image: nginx, port: 80, allow_from: [app] }\n"

START_TEST(failure_in_the_middle_rolls_back)
{
    net_run r;
    net_open(&r, "us-west-1");
    net_load(&r, FAIL_STACK);
    plan_counts c = net_plan(&r, 0);
    ck_assert_uint_gt(c.create, 10);
    plan_exec_result res;
    ck_assert_int_eq(net_exec(&r, 1, &res), -1);
    ck_assert_int_eq(res.failed, 1);
    ck_assert_msg(res.rolled_back == 1, "rollback left %zu: %s", res.nleft, res_events_text(&r.events));
    ck_assert_msg(strstr(res.failure, "NotEnoughZones"), "%s", res.failure);
    ck_assert_msg(strstr(res.failure, "-2: create"), "%s", res.failure);
    ck_assert_uint_gt(res.done, 0); /* something was made, then undone */
    plan_exec_result_free(&res);
    net_gone(&r, "knet-fail");
    net_close(&r);
}
END_TEST

/* Answers lost after the call happened (the client retries): groups and subnets are
 * adopted, a duplicate VPC is found and deleted, and nothing is left twice. */
#define LOST_STACK                                                                         \
    "stack: knet-lost\n"                                                                   \
    "network: { vpc: { cidr: 10.64.0.0/16 }, zones: 2, nat: none, subnets: [public] }\n"   \
    "services:\n"                                                                          \
    "  app: { image: nginx, port: 8080, subnets: public }\n"                               \
    "  web: { image: nginx, port: 80, subnets: public, allow_from: [app] }\n"

static size_t tagged_vpcs(net_run *r)
{
    aws_error err;
    ec2_filter f = {"tag:" RES_TAG_STACK, "knet-lost", NULL};
    ec2_describe_in in = {.filters = &f, .nfilters = 1};
    ec2_vpcs l = {0};
    OK(ec2_describe_vpcs(r->aws, &in, &l, &err));
    size_t n = l.n;
    ec2_vpcs_free(&l);
    return n;
}

START_TEST(lost_answers_make_no_duplicates)
{
    static const char *const ops[] = {"CreateVpc", "CreateSubnet", "CreateSecurityGroup",
                                      "AttachInternetGateway", "AssociateRouteTable",
                                      "CreateRoute", "AuthorizeSecurityGroupIngress", NULL};
    buf rules = BUF_INIT;
    buf_puts(&rules, "{\"rules\": [");
    for (size_t i = 0; ops[i]; i++)
        buf_printf(&rules, "%s{\"service\": \"ec2\", \"operation\": \"%s\", \"action\": \"drop\", "
                   "\"phase\": \"after\", \"count\": 1}", i ? ", " : "", ops[i]);
    buf_puts(&rules, "]}");
    ck_assert_int_eq(fake_control("/_fake/faults", buf_str(&rules)), 0);
    buf_free(&rules);

    net_run r;
    net_open(&r, NULL);
    net_load(&r, LOST_STACK);
    net_plan(&r, 0);
    int rc = net_exec(&r, 0, NULL);
    fake_no_faults();
    ck_assert_msg(rc == 0, "%s", res_events_text(&r.events));
    /* the runtime found the VPC of the lost answer by its tags instead of making another */
    ck_assert_uint_eq(tagged_vpcs(&r), 1);
    net_no_changes(&r);

    /* a duplicate made anyway (say, by a process killed between create and answer) is
     * something the next run deletes, and only that */
    svc_tags t = {0};
    svc_tags_add(&t, RES_TAG_STACK, "knet-lost");
    svc_tags_add(&t, RES_TAG_ID, "vpc/main");
    ec2_vpc dup;
    aws_error err;
    OK(ec2_create_vpc(r.aws, "10.64.0.0/16", &t, &dup, &err));
    ec2_vpc_free(&dup);
    svc_tags_free(&t);
    ck_assert_uint_eq(tagged_vpcs(&r), 2);
    plan_counts c = net_plan(&r, 0);
    ck_assert_msg(net_changes(c) == 1 && c.delete == 1, "%s", plan_render_text(r.g, 0));
    ck_assert_int_eq(net_exec(&r, 1, NULL), 0);
    ck_assert_uint_eq(tagged_vpcs(&r), 1);
    net_no_changes(&r);

    net_down(&r);
    ck_assert_int_eq(fake_count_stack("knet-lost"), 0);
    net_close(&r);
}
END_TEST

FAKE_SUITE(res_net_fail, NULL, NULL, 60, group_deletion_waits_for_interfaces,
           failure_in_the_middle_rolls_back, lost_answers_make_no_duplicates)
