/* ECS client against the local fake: native blue/green with advancedConfiguration, and
 * service-managed EBS volumes (volumeConfigurations). */
#include "test_svc_ecs_env.h"

#include "elbv2.h"


/* A role ECS itself assumes, with one managed policy. Returns its ARN (owned). */
static char *infra_role(aws_client *c, const char *name, const char *policy)
{
    char *out = ecs_test_role(c, name, "ecs.amazonaws.com");
    char arn[256];
    snprintf(arn, sizeof arn, "arn:aws:iam::aws:policy/service-role/%s", policy);
    aws_error err;
    ck_assert_msg(iam_attach_role_policy(c, name, arn, &err) == 0, "%s", err.message);
    return out;
}

static char *target_group(aws_client *c, const char *name, const char *vpc)
{
    elbv2_tg_in in = {.name = name, .protocol = "HTTP", .vpc_id = vpc, .target_type = "ip",
                      .port = 8080};
    elbv2_tg tg;
    aws_error err;
    ck_assert_msg(elbv2_create_target_group(c, &in, &tg, &err) == 0, "%s", err.message);
    char *arn = strdup(tg.arn);
    elbv2_tg_free(&tg);
    return arn;
}

typedef struct {
    char *subnet2, *blue, *green;
    elbv2_lb lb;
    elbv2_listener listener;
    elbv2_rule rule;
} bg_lb;

/* An internal ALB over two zones, a blue and a green group, a listener forwarding to blue
 * and a production rule forwarding to both (green at weight 0). */
static void bg_lb_setup(aws_client *c, ecs_test_net *nn, bg_lb *x)
{
    aws_error err;
    ecs_test_net n = *nn;
    char json[256];
    snprintf(json, sizeof json, "{\"VpcId\":\"%s\",\"CidrBlock\":\"10.9.2.0/24\","
             "\"AvailabilityZone\":\"us-east-1b\"}", n.vpc);
    x->subnet2 = ecs_test_ec2(c, "CreateSubnet", json, "subnet", "subnetId");
    const char *subnets[] = {n.subnet, x->subnet2, NULL}, *groups[] = {n.sg, NULL};
    elbv2_lb_in lbin = {.name = "svc-bg", .subnets = subnets, .security_groups = groups,
                        .scheme = "internal"};
    ck_assert_msg(elbv2_create_load_balancer(c, &lbin, &x->lb, &err) == 0, "%s", err.message);
    char *blue = x->blue = target_group(c, "svc-bg-blue", n.vpc);
    char *green = x->green = target_group(c, "svc-bg-green", n.vpc);
    elbv2_action fwd = {.type = "forward", .target_group_arn = blue};
    elbv2_listener_in lin = {.lb_arn = x->lb.arn, .protocol = "HTTP", .port = 80,
                             .actions = &fwd, .nactions = 1};
    ck_assert_msg(elbv2_create_listener(c, &lin, &x->listener, &err) == 0, "%s", err.message);
    char *all = "/*";
    elbv2_condition cond = {.field = "path-pattern", .values = {&all, 1}};
    /* the production rule forwards to both groups (green at weight 0) */
    elbv2_tg_weight w[] = {{blue, 100}, {green, 0}};
    elbv2_action both = {.type = "forward", .forward = w, .nforward = 2};
    ck_assert_msg(elbv2_create_rule(c, x->listener.arn, 10, &cond, 1, &both, 1, NULL, &x->rule,
                                    &err) == 0, "%s", err.message);
}

static void bg_lb_free(bg_lb *x)
{
    free(x->subnet2);
    free(x->blue);
    free(x->green);
    elbv2_rule_free(&x->rule);
    elbv2_listener_free(&x->listener);
    elbv2_lb_free(&x->lb);
}

START_TEST(blue_green_deployment)
{
    aws_error err;
    ecs_test_net n;
    ecs_test_network(fake_cl, "bg", &n);
    bg_lb x;
    bg_lb_setup(fake_cl, &n, &x);
    const char *blue = x.blue, *green = x.green;
    char *role =
        infra_role(fake_cl, "svc-bg-infra", "AmazonECSInfrastructureRolePolicyForLoadBalancers");
    ecs_test_cluster(fake_cl, "svc-bg");
    char *v1 = ecs_test_taskdef(fake_cl, "svc-bg", "nginx:1", NULL);
    ecs_load_balancer elb = {.target_group_arn = blue, .container_name = "app",
                             .container_port = 8080, .alternate_target_group_arn = green,
                             .production_listener_rule = x.rule.arn, .role_arn = role};
    ecs_deployment_config dc = ECS_DEPLOYMENT_CONFIG_INIT;
    dc.strategy = "BLUE_GREEN";
    dc.bake_time_minutes = 1;
    ecs_service_input in = ecs_test_service("svc-bg", "front", v1, 1, &n.subnets, &n.groups);
    in.load_balancers = &elb;
    in.n_load_balancers = 1;
    in.deployment = &dc;
    in.deployment_controller = "ECS";
    in.health_check_grace_seconds = 10;
    ecs_test_create_service(fake_cl, &in, NULL);
    ecs_test_steady(fake_cl, "svc-bg", "front", v1);
    ecs_service s;
    int found;
    ck_assert_int_eq(ecs_describe_service(fake_cl, "svc-bg", "front", &s, &found, &err), 0);
    ck_assert_str_eq(s.strategy, "BLUE_GREEN");
    const cJSON *adv = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(s.raw,
                                           "loadBalancers"), 0), "advancedConfiguration");
    ck_assert_str_eq(aws_json_str(adv, "alternateTargetGroupArn"), green);
    ck_assert_int_eq(aws_json_int(cJSON_GetObjectItem(s.raw, "deploymentConfiguration"),
                                  "bakeTimeInMinutes", -1), 1);
    ecs_service_free(&s);
    char *v2 = ecs_test_taskdef(fake_cl, "svc-bg", "nginx:2", NULL);
    ecs_test_update_td(fake_cl, "svc-bg", "front", v2, &s);
    ecs_service_free(&s);
    ecs_service_deployments d;
    ck_assert_int_eq(ecs_list_service_deployments(fake_cl, "svc-bg", "front", NULL, 0, &d, &err),
                     0);
    ck_assert_uint_eq(d.n, 2);
    char *arn = strdup(d.items[0].arn);
    ecs_service_deployments_free(&d);
    deploy_result r;
    ck_assert_msg(ecs_test_watch(fake_cl, "svc-bg", "front", v2, arn, 60, &r) == DEPLOY_OK, "%s",
                  r.message);
    deploy_result_free(&r);
    ecs_service_deployments last;
    const char *one[] = {arn};
    ck_assert_int_eq(ecs_describe_service_deployments(fake_cl, one, 1, &last, &err), 0);
    ck_assert_str_eq(last.items[0].status, "SUCCESSFUL");
    ck_assert_ptr_nonnull(last.items[0].target_revision_arn);
    ecs_service_deployments_free(&last);
    ck_assert_int_eq(ecs_describe_service(fake_cl, "svc-bg", "front", &s, &found, &err), 0);
    ck_assert_ptr_nonnull(strstr(s.task_definition, "svc-bg:2"));
    ecs_service_free(&s);
    free(arn);
    free(v1);
    free(v2);
    free(role);
    bg_lb_free(&x);
    ecs_test_network_free(&n);
}
END_TEST

START_TEST(managed_ebs_volumes)
{
    aws_error err;
    ecs_test_net n;
    ecs_test_network(fake_cl, "ebs", &n);
    char *role =
        infra_role(fake_cl, "svc-ebs-infra", "AmazonECSInfrastructureRolePolicyForVolumes");
    ecs_test_cluster(fake_cl, "svc-ebs");
    cJSON *def = cJSON_Parse(
        "{\"family\":\"svc-ebs\",\"networkMode\":\"awsvpc\",\"requiresCompatibilities\":"
        "[\"FARGATE\"],\"cpu\":\"256\",\"memory\":\"512\",\"volumes\":[{\"name\":\"data\","
        "\"configuredAtLaunch\":true}],\"containerDefinitions\":[{\"name\":\"app\",\"image\":"
        "\"nginx\",\"mountPoints\":[{\"sourceVolume\":\"data\",\"containerPath\":\"/data\"}]}]}");
    ecs_task_definition td;
    ck_assert_msg(ecs_register_task_definition(fake_cl, def, NULL, &td, &err) == 0, "%s",
                  err.message);
    ecs_service_input in = ecs_test_service("svc-ebs", "db", td.arn, 1, &n.subnets, &n.groups);
    /* without the volume configuration ECS refuses */
    ck_assert_int_eq(ecs_create_service(fake_cl, &in, NULL, &err), -1);
    ck_assert_str_eq(err.code, "InvalidParameterException");
    svc_tags vt = {0};
    svc_tags_add(&vt, "ecsdeploy:stack", "demo");
    ecs_volume_config vol = {.name = "data", .role_arn = role, .size_gib = 20,
                             .volume_type = "gp3", .encrypted = 1, .filesystem_type = "ext4",
                             .tags = &vt, .propagate_tags = "SERVICE"};
    in.volumes = &vol;
    in.n_volumes = 1;
    ecs_test_create_service(fake_cl, &in, NULL);
    ecs_test_steady(fake_cl, "svc-ebs", "db", td.arn);
    ecs_service s;
    int found;
    ck_assert_int_eq(ecs_describe_service(fake_cl, "svc-ebs", "db", &s, &found, &err), 0);
    const cJSON *vc = cJSON_GetArrayItem(cJSON_GetObjectItem(
                          cJSON_GetArrayItem(cJSON_GetObjectItem(s.raw, "deployments"), 0),
                          "volumeConfigurations"), 0);
    const cJSON *ebs = cJSON_GetObjectItem(vc, "managedEBSVolume");
    ck_assert_int_eq(aws_json_int(ebs, "sizeInGiB", 0), 20);
    ck_assert_str_eq(aws_json_str(ebs, "roleArn"), role);
    ecs_service_free(&s);
    svc_tags_free(&vt);
    ecs_task_definition_free(&td);
    cJSON_Delete(def);
    free(role);
    ecs_test_network_free(&n);
}
END_TEST

/* A Cloud Map service in a new private namespace, by raw calls; returns its ARN. */
static char *discovery_service(aws_client *c, const char *vpc)
{
    aws_error err;
    char json[512];
    snprintf(json, sizeof json, "{\"Name\":\"svc.internal\",\"Vpc\":\"%s\"}", vpc);
    cJSON *in = cJSON_Parse(json), *out, *op = NULL;
    ck_assert_msg(aws_json_call(c, "servicediscovery", "CreatePrivateDnsNamespace", in, &out,
                                &err) == 0, "%s", err.message);
    cJSON_Delete(in);
    in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "OperationId", aws_json_str(out, "OperationId"));
    cJSON_Delete(out);
    const char *status = NULL;
    for (int i = 0; i < 500 && !(status && strcmp(status, "SUCCESS") == 0); i++) {
        cJSON_Delete(op);
        ck_assert_int_eq(aws_json_call(c, "servicediscovery", "GetOperation", in, &op, &err), 0);
        status = aws_json_str(cJSON_GetObjectItem(op, "Operation"), "Status");
        util_sleep(0.01, NULL);
    }
    ck_assert_str_eq(status, "SUCCESS");
    const char *ns = aws_json_str(cJSON_GetObjectItem(cJSON_GetObjectItem(op, "Operation"),
                                                      "Targets"), "NAMESPACE");
    snprintf(json, sizeof json, "{\"Name\":\"catalog\",\"NamespaceId\":\"%s\",\"DnsConfig\":"
             "{\"DnsRecords\":[{\"Type\":\"A\",\"TTL\":10}]},\"HealthCheckCustomConfig\":"
             "{\"FailureThreshold\":1}}", ns);
    cJSON_Delete(in);
    cJSON_Delete(op);
    in = cJSON_Parse(json);
    ck_assert_msg(aws_json_call(c, "servicediscovery", "CreateService", in, &out, &err) == 0,
                  "%s", err.message);
    char *arn = strdup(aws_json_str(cJSON_GetObjectItem(out, "Service"), "Arn"));
    cJSON_Delete(in);
    cJSON_Delete(out);
    return arn;
}

START_TEST(service_registry)
{
    aws_error err;
    ecs_test_net n;
    ecs_test_network(fake_cl, "sd", &n);
    char *registry = discovery_service(fake_cl, n.vpc);
    ecs_test_cluster(fake_cl, "svc-sd");
    char *td = ecs_test_taskdef(fake_cl, "svc-sd", "nginx", NULL);
    ecs_service_registry reg = {.registry_arn = registry};
    ecs_service_input in = ecs_test_service("svc-sd", "catalog", td, 1, &n.subnets, NULL);
    in.registries = &reg;
    in.n_registries = 1;
    ecs_service s;
    ck_assert_msg(ecs_create_service(fake_cl, &in, &s, &err) == 0, "%s", err.message);
    const cJSON *r = cJSON_GetArrayItem(cJSON_GetObjectItem(s.raw, "serviceRegistries"), 0);
    ck_assert_str_eq(aws_json_str(r, "registryArn"), registry);
    ecs_service_free(&s);
    ecs_test_steady(fake_cl, "svc-sd", "catalog", td);
    free(td);
    free(registry);
    ecs_test_network_free(&n);
}
END_TEST

FAKE_SUITE(svc_ecs_bluegreen, fake_client_setup, fake_client_teardown, 0, blue_green_deployment,
           managed_ebs_volumes, service_registry)
