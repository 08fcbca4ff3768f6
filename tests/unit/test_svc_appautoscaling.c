/* Application Auto Scaling client against the local fake: targets, policies (the ALB
 * request metric on a real load balancer), scheduled actions, activities, tags, pages and
 * every refusal. The ECS service and the load balancer are made with raw calls. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appautoscaling.h"
#include "fakeaws_fixture.h"

/* A raw call with a JSON input; returns the string at path a.b (owned), or NULL. */
static char *raw(aws_client *c, const char *svc, const char *op, const char *json,
                 const char *a, const char *b)
{
    cJSON *in = cJSON_Parse(json), *out = NULL;
    ck_assert_ptr_nonnull(in);
    aws_error err;
    int rc = strcmp(svc, "ec2") == 0 ? aws_ec2_call(c, op, in, NULL, &out, &err)
             : strcmp(svc, "elbv2") == 0
                 ? aws_query_call(c, svc, op, in, NULL, NULL, &out, &err)
                 : aws_json_call(c, svc, op, in, &out, &err);
    ck_assert_msg(rc == 0, "%s %s: %s", svc, op, err.message);
    const cJSON *o = a ? cJSON_GetObjectItem(out, a) : out;
    if (cJSON_IsArray(o))
        o = cJSON_GetArrayItem(o, 0);
    if (cJSON_IsObject(cJSON_GetObjectItem(o, "member")))
        o = cJSON_GetObjectItem(o, "member");
    const char *v = b ? aws_json_str(o, b) : NULL;
    char *r = v ? strdup(v) : NULL;
    cJSON_Delete(in);
    cJSON_Delete(out);
    return r;
}

typedef struct {
    char *lb, *tg, *other_tg;
} web_env;

/* Cluster "scale" with services "web" (behind an ALB's target group) and "worker". */
static void make_services(aws_client *c, web_env *env)
{
    char j[1200];
    char *vpc = raw(c, "ec2", "CreateVpc", "{\"CidrBlock\":\"10.31.0.0/16\"}", "vpc", "vpcId");
    char *sub[2];
    for (int i = 0; i < 2; i++) {
        snprintf(j, sizeof j, "{\"VpcId\":\"%s\",\"CidrBlock\":\"10.31.%d.0/24\","
                 "\"AvailabilityZone\":\"us-east-1%c\"}", vpc, i + 1, 'a' + i);
        sub[i] = raw(c, "ec2", "CreateSubnet", j, "subnet", "subnetId");
    }
    snprintf(j, sizeof j, "{\"Name\":\"scale-web\",\"Scheme\":\"internal\",\"Subnets\":[\"%s\","
             "\"%s\"]}", sub[0], sub[1]);
    env->lb = raw(c, "elbv2", "CreateLoadBalancer", j, "LoadBalancers", "LoadBalancerArn");
    const char *tgs[2] = {"scale-web", "scale-spare"};
    char *arns[2];
    for (int i = 0; i < 2; i++) {
        snprintf(j, sizeof j, "{\"Name\":\"%s\",\"Protocol\":\"HTTP\",\"Port\":8080,"
                 "\"VpcId\":\"%s\",\"TargetType\":\"ip\"}", tgs[i], vpc);
        arns[i] = raw(c, "elbv2", "CreateTargetGroup", j, "TargetGroups", "TargetGroupArn");
    }
    env->tg = arns[0];
    env->other_tg = arns[1];
    snprintf(j, sizeof j, "{\"LoadBalancerArn\":\"%s\",\"Protocol\":\"HTTP\",\"Port\":80,"
             "\"DefaultActions\":[{\"Type\":\"forward\",\"TargetGroupArn\":\"%s\"}]}", env->lb,
             env->tg);
    free(raw(c, "elbv2", "CreateListener", j, NULL, NULL));
    free(raw(c, "ecs", "CreateCluster", "{\"clusterName\":\"scale\"}", NULL, NULL));
    free(raw(c, "ecs", "RegisterTaskDefinition",
             "{\"family\":\"scale\",\"networkMode\":\"awsvpc\",\"requiresCompatibilities\":"
             "[\"FARGATE\"],\"cpu\":\"256\",\"memory\":\"512\",\"containerDefinitions\":[{"
             "\"name\":\"web\",\"image\":\"nginx\",\"portMappings\":[{\"containerPort\":8080}]}]}",
             NULL, NULL));
    for (int i = 0; i < 2; i++) {
        char lbs[400] = "";
        if (i == 0)
            snprintf(lbs, sizeof lbs, "\"loadBalancers\":[{\"targetGroupArn\":\"%s\","
                     "\"containerName\":\"web\",\"containerPort\":8080}],", env->tg);
        snprintf(j, sizeof j, "{\"cluster\":\"scale\",\"serviceName\":\"%s\",\"taskDefinition\":"
                 "\"scale\",\"desiredCount\":1,\"launchType\":\"FARGATE\",%s"
                 "\"networkConfiguration\":{\"awsvpcConfiguration\":{\"subnets\":[\"%s\"]}}}",
                 i ? "worker" : "web", lbs, sub[0]);
        free(raw(c, "ecs", "CreateService", j, NULL, NULL));
    }
    free(vpc);
    free(sub[0]);
    free(sub[1]);
}

static long desired_count(aws_client *c, const char *service)
{
    char j[200];
    snprintf(j, sizeof j, "{\"cluster\":\"scale\",\"services\":[\"%s\"]}", service);
    cJSON *in = cJSON_Parse(j), *out;
    aws_error err;
    ck_assert_int_eq(aws_json_call(c, "ecs", "DescribeServices", in, &out, &err), 0);
    long n = (long)aws_json_int(cJSON_GetArrayItem(cJSON_GetObjectItem(out, "services"), 0),
                                "desiredCount", -1);
    cJSON_Delete(in);
    cJSON_Delete(out);
    return n;
}

/* The fake emptied and make_services run in it; returns a client. */
static aws_client *services_client(web_env *env)
{
    aws_client *c = fake_reset_client();
    make_services(c, env);
    return c;
}

START_TEST(targets_policies_actions)
{
    aws_error err;
    web_env env;
    aws_client *c = services_client(&env);
    char *web = aas_resource_id("scale", "web"), *worker = aas_resource_id("scale", "worker");
    ck_assert_str_eq(web, "service/scale/web");

    /* refusals before anything is registered */
    aas_target_in none = {.resource_id = "service/scale/nope", .min_capacity = 1,
                          .max_capacity = 2};
    FAILS_WITH(aas_register_scalable_target(c, &none, NULL, &err), "ValidationException");
    ck_assert(aws_error_is(&err, AWS_IS_INVALID));
    ck_assert_ptr_nonnull(strstr(err.message, "ECS service doesn't exist"));
    aas_target_in half = {.resource_id = web, .min_capacity = 1, .max_capacity = AAS_UNSET};
    FAILS_WITH(aas_register_scalable_target(c, &half, NULL, &err), "ValidationException");
    aas_tracking_in cpu = {.resource_id = web, .name = "cpu", .metric = AAS_METRIC_CPU,
                           .target_value = 60, .scale_in_cooldown = AAS_DEFAULT_COOLDOWN,
                           .scale_out_cooldown = 60};
    FAILS_WITH(aas_put_tracking_policy(c, &cpu, NULL, &err), "ObjectNotFoundException");
    ck_assert(aws_error_is(&err, AWS_IS_NOT_FOUND));

    /* register: min 2 moves the desired count up at once */
    svc_tags tags = {0};
    svc_tags_add(&tags, "ecsdeploy:stack", "scale");
    aas_target_in t = {.resource_id = web, .min_capacity = 2, .max_capacity = 6, .tags = &tags};
    char *arn;
    OK(aas_register_scalable_target(c, &t, &arn, &err));
    ck_assert_ptr_nonnull(strstr(arn, ":scalable-target/"));
    ck_assert_int_eq(desired_count(c, "web"), 2);
    aas_target_in w = {.resource_id = worker, .min_capacity = 1, .max_capacity = 3};
    OK(aas_register_scalable_target(c, &w, NULL, &err));
    aas_target_in raise = {.resource_id = web, .min_capacity = AAS_UNSET, .max_capacity = 8,
                           .suspend = 1, .scheduled_suspended = 1};
    char *arn2;
    OK(aas_register_scalable_target(c, &raise, &arn2, &err));
    ck_assert_str_eq(arn2, arn);
    aas_targets ts;
    const char *only_web[] = {web, NULL};
    OK(aas_describe_scalable_targets(c, only_web, 0, &ts, &err));
    ck_assert_uint_eq(ts.n, 1);
    ck_assert_int_eq(ts.items[0].min_capacity, 2);
    ck_assert_int_eq(ts.items[0].max_capacity, 8);
    ck_assert_int_eq(ts.items[0].scheduled_suspended, 1);
    ck_assert_ptr_nonnull(strstr(ts.items[0].role_arn, "AWSServiceRoleForApplicationAutoScaling_ECSService"));
    aas_targets_free(&ts);
    OK(aas_describe_scalable_targets(c, NULL, 1, &ts, &err)); /* one per page */
    ck_assert_uint_eq(ts.n, 2);
    aas_targets_free(&ts);

    /* tags */
    const fake_tag_calls aas_tags = {.list = aas_list_tags_for_resource, .tag = aas_tag_resource,
                                     .untag = aas_untag_resource};
    fake_check_tag_calls(c, &aas_tags, arn, "scale", "team", "web");
    svc_tags got;
    FAILS_WITH(aas_list_tags_for_resource(c, "arn:aws:application-autoscaling:us-east-1:"
                                             "000000000000:scalable-target/nope", &got, &err),
               "ResourceNotFoundException");

    /* policies */
    char *parn;
    OK(aas_put_tracking_policy(c, &cpu, &parn, &err));
    ck_assert_ptr_nonnull(strstr(parn, ":policyName/cpu"));
    char *label = aas_alb_resource_label(env.lb, env.tg);
    ck_assert_ptr_nonnull(label);
    ck_assert(strncmp(label, "app/scale-web/", 14) == 0);
    ck_assert_ptr_nonnull(strstr(label, "/targetgroup/scale-web/"));
    aas_tracking_in req = {.resource_id = web, .name = "requests",
                           .metric = AAS_METRIC_ALB_REQUESTS, .resource_label = label,
                           .target_value = 500, .scale_in_cooldown = 300,
                           .scale_out_cooldown = 60, .disable_scale_in = 1};
    OK(aas_put_tracking_policy(c, &req, NULL, &err));
    char *other = aas_alb_resource_label(env.lb, env.other_tg);
    req.resource_label = other;
    FAILS_WITH(aas_put_tracking_policy(c, &req, NULL, &err), "ValidationException");
    req.resource_label = NULL;
    FAILS_WITH(aas_put_tracking_policy(c, &req, NULL, &err), "ValidationException");
    req.resource_label = label;
    req.resource_id = worker;
    FAILS_WITH(aas_put_tracking_policy(c, &req, NULL, &err), "ValidationException");
    ck_assert_ptr_null(aas_alb_resource_label("arn:aws:iam::1:role/x", env.tg));

    aas_policies ps;
    OK(aas_describe_scaling_policies(c, web, NULL, 1, &ps, &err)); /* pages of one */
    ck_assert_uint_eq(ps.n, 2);
    for (size_t i = 0; i < ps.n; i++) {
        aas_policy *p = &ps.items[i];
        ck_assert_str_eq(p->type, "TargetTrackingScaling");
        if (strcmp(p->name, "requests") == 0) {
            ck_assert_str_eq(p->metric, AAS_METRIC_ALB_REQUESTS);
            ck_assert_str_eq(p->resource_label, label);
            ck_assert_int_eq(p->disable_scale_in, 1);
            ck_assert_uint_eq(p->alarms.n, 1); /* no scale-in alarm */
        } else {
            ck_assert_str_eq(p->metric, AAS_METRIC_CPU);
            ck_assert(p->target_value == 60);
            ck_assert_int_eq(p->scale_in_cooldown, 300);
            ck_assert_int_eq(p->scale_out_cooldown, 60);
            ck_assert_uint_eq(p->alarms.n, 2);
        }
    }
    aas_policies_free(&ps);
    const char *just_cpu[] = {"cpu", NULL};
    OK(aas_describe_scaling_policies(c, NULL, just_cpu, 0, &ps, &err));
    ck_assert_uint_eq(ps.n, 1);
    aas_policies_free(&ps);

    /* scheduled actions */
    aas_scheduled_in night = {.resource_id = web, .name = "night",
                              .schedule = "cron(0 22 ? * * *)", .timezone = "Europe/Paris",
                              .min_capacity = 0, .max_capacity = 2,
                              .start = 1893456000 /* 2030-01-01 */};
    OK(aas_put_scheduled_action(c, &night, &err));
    aas_scheduled_in bad = night;
    bad.name = "bad";
    bad.schedule = "cron(0 22 * * * *)";
    FAILS_WITH(aas_put_scheduled_action(c, &bad, &err), "ValidationException");
    bad.schedule = "rate(1 day)";
    bad.timezone = "Nowhere/Land";
    FAILS_WITH(aas_put_scheduled_action(c, &bad, &err), "ValidationException");
    aas_scheduled_in later = {.resource_id = web, .name = "night", .min_capacity = AAS_UNSET,
                              .max_capacity = 3};
    OK(aas_put_scheduled_action(c, &later, &err)); /* keeps the schedule, drops the start */
    aas_scheduled_actions as;
    OK(aas_describe_scheduled_actions(c, web, NULL, 0, &as, &err));
    ck_assert_uint_eq(as.n, 1);
    ck_assert_str_eq(as.items[0].schedule, "cron(0 22 ? * * *)");
    ck_assert_str_eq(as.items[0].timezone, "Europe/Paris");
    ck_assert_int_eq(as.items[0].min_capacity, AAS_UNSET);
    ck_assert_int_eq(as.items[0].max_capacity, 3);
    ck_assert_int_eq(as.items[0].start, 0);
    aas_scheduled_actions_free(&as);
    FAILS_WITH(aas_delete_scheduled_action(c, web, "nope", &err), "ObjectNotFoundException");

    /* a scaling activity behind ecsdeploy's back */
    ck_assert_int_eq(fake_control("/_fake/application-autoscaling/scale",
                                  "{\"ResourceId\":\"service/scale/web\",\"DesiredCount\":5}"),
                     0);
    ck_assert_int_eq(desired_count(c, "web"), 5);
    aas_activities acts;
    OK(aas_describe_scaling_activities(c, web, 1, 1, &acts, &err));
    ck_assert_uint_eq(acts.n, 1);
    ck_assert_str_eq(acts.items[0].description, "Setting desired count to 5.");
    ck_assert_str_eq(acts.items[0].status, "Successful");
    ck_assert_ptr_nonnull(strstr(acts.items[0].cause, "triggered policy"));
    aas_activities_free(&acts);
    OK(aas_describe_scaling_activities(c, NULL, 1, 0, &acts, &err));
    ck_assert_uint_eq(acts.n, 2); /* and the one of the first registration */
    aas_activities_free(&acts);

    /* deletions; deregistering takes the rest with it */
    OK(aas_delete_scaling_policy(c, web, "cpu", &err));
    FAILS_WITH(aas_delete_scaling_policy(c, web, "cpu", &err), "ObjectNotFoundException");
    OK(aas_deregister_scalable_target(c, web, &err));
    OK(aas_describe_scaling_policies(c, web, NULL, 0, &ps, &err));
    ck_assert_uint_eq(ps.n, 0);
    aas_policies_free(&ps);
    OK(aas_describe_scheduled_actions(c, web, NULL, 0, &as, &err));
    ck_assert_uint_eq(as.n, 0);
    aas_scheduled_actions_free(&as);
    FAILS_WITH(aas_deregister_scalable_target(c, web, &err), "ObjectNotFoundException");
    OK(aas_deregister_scalable_target(c, worker, &err));

    free(label);
    free(other);
    free(parn);
    free(arn);
    free(arn2);
    svc_tags_free(&tags);
    free(web);
    free(worker);
    free(env.lb);
    free(env.tg);
    free(env.other_tg);
    aws_client_free(c);
}
END_TEST

/* A registration or a policy whose answer is lost is simply made again: both are upserts. */
START_TEST(lost_answers_are_upserts)
{
    aws_error err;
    web_env env;
    aws_client *c = services_client(&env);
    ck_assert_int_eq(fake_control("/_fake/faults",
                                  "{\"rules\":[{\"service\":\"application-autoscaling\","
                                  "\"action\":\"drop\",\"phase\":\"after\",\"count\":2}]}"),
                     0);
    aas_target_in t = {.resource_id = "service/scale/web", .min_capacity = 1, .max_capacity = 4};
    OK(aas_register_scalable_target(c, &t, NULL, &err));
    aas_tracking_in cpu = {.resource_id = "service/scale/web", .name = "cpu",
                           .metric = AAS_METRIC_MEMORY, .target_value = 70,
                           .scale_in_cooldown = 300, .scale_out_cooldown = 300};
    OK(aas_put_tracking_policy(c, &cpu, NULL, &err));
    fake_no_faults();
    aas_targets ts;
    OK(aas_describe_scalable_targets(c, NULL, 0, &ts, &err));
    ck_assert_uint_eq(ts.n, 1);
    aas_targets_free(&ts);
    aas_policies ps;
    OK(aas_describe_scaling_policies(c, NULL, NULL, 0, &ps, &err));
    ck_assert_uint_eq(ps.n, 1);
    aas_policies_free(&ps);
    free(env.lb);
    free(env.tg);
    free(env.other_tg);
    aws_client_free(c);
}
END_TEST

FAKE_SUITE(svc_appautoscaling, NULL, NULL, 60, targets_policies_actions, lost_answers_are_upserts)
