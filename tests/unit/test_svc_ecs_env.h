/* Shared by tests/unit/test_svc_ecs*.c: a network and roles in the fake. */
#ifndef ECSDEPLOY_TEST_SVC_ECS_ENV_H
#define ECSDEPLOY_TEST_SVC_ECS_ENV_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "ecs.h"
#include "fakeaws_fixture.h"
#include "iam.h"

/* An EC2 call with a JSON input; returns the string at out_obj.out_member (owned). */
static inline char *ecs_test_ec2(aws_client *c, const char *action, const char *json,
                          const char *out_obj, const char *out_member)
{
    cJSON *in = cJSON_Parse(json), *out;
    aws_error err;
    ck_assert_msg(aws_ec2_call(c, action, in, NULL, &out, &err) == 0, "%s: %s", action,
                  err.message);
    const cJSON *o = out_obj ? cJSON_GetObjectItem(out, out_obj) : out;
    char *v = strdup(aws_json_str(o, out_member));
    cJSON_Delete(in);
    cJSON_Delete(out);
    return v;
}

/* CreateService, retried while a young task role is not assumable yet; fails the test on
 * any other refusal. *out (may be NULL) receives the service. */
static inline void ecs_test_create_service(aws_client *c, const ecs_service_input *in,
                                           ecs_service *out)
{
    aws_error err;
    for (int i = 0; i < 100; i++) {
        if (ecs_create_service(c, in, out, &err) == 0)
            return;
        ck_assert_msg(ecs_error_role_not_ready(&err), "%s", err.message);
        util_sleep(0.02, NULL);
    }
    ck_abort_msg("roles never became assumable: %s", err.message);
}

typedef struct {
    char *vpc, *subnet, *sg;
    char *task_role_arn;
} ecs_test_net;

/* A VPC with one subnet and a group, and a task role allowed to open exec channels. */
static inline void ecs_test_network(aws_client *c, const char *tag, ecs_test_net *n)
{
    char json[512];
    n->vpc = ecs_test_ec2(c, "CreateVpc", "{\"CidrBlock\":\"10.9.0.0/16\"}", "vpc", "vpcId");
    snprintf(json, sizeof json, "{\"VpcId\":\"%s\",\"CidrBlock\":\"10.9.1.0/24\","
             "\"AvailabilityZone\":\"us-east-1a\"}", n->vpc);
    n->subnet = ecs_test_ec2(c, "CreateSubnet", json, "subnet", "subnetId");
    snprintf(json, sizeof json, "{\"GroupName\":\"g-%s\",\"GroupDescription\":\"t\","
             "\"VpcId\":\"%s\"}", tag, n->vpc);
    n->sg = ecs_test_ec2(c, "CreateSecurityGroup", json, NULL, "groupId");
    char role[64];
    snprintf(role, sizeof role, "task-%s", tag);
    iam_create_role_input in = {
        .name = role,
        .trust_policy = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                        "\"Principal\":{\"Service\":\"ecs-tasks.amazonaws.com\"},"
                        "\"Action\":\"sts:AssumeRole\"}]}"};
    iam_role r;
    aws_error err;
    ck_assert_msg(iam_create_role(c, &in, &r, &err) == 0, "%s", err.message);
    n->task_role_arn = strdup(r.arn);
    iam_role_free(&r);
    ck_assert_int_eq(iam_put_role_policy(c, role, "exec",
                                         "{\"Version\":\"2012-10-17\",\"Statement\":[{"
                                         "\"Effect\":\"Allow\",\"Action\":\"ssmmessages:*\","
                                         "\"Resource\":\"*\"}]}", &err), 0);
}

static inline void ecs_test_network_free(ecs_test_net *n)
{
    free(n->vpc);
    free(n->subnet);
    free(n->sg);
    free(n->task_role_arn);
}

/* A Fargate task definition of one container with the given image; returns "family:N". */
static inline char *ecs_test_taskdef(aws_client *c, const char *family, const char *image,
                              const char *task_role)
{
    char json[1024];
    snprintf(json, sizeof json,
             "{\"family\":\"%s\",\"networkMode\":\"awsvpc\",\"requiresCompatibilities\":"
             "[\"FARGATE\"],\"cpu\":\"256\",\"memory\":\"512\",%s%s%s\"containerDefinitions\":"
             "[{\"name\":\"app\",\"image\":\"%s\",\"essential\":true,\"portMappings\":"
             "[{\"containerPort\":8080}]}]}", family, task_role ? "\"taskRoleArn\":\"" : "",
             task_role ? task_role : "", task_role ? "\"," : "", image);
    cJSON *def = cJSON_Parse(json);
    ck_assert_ptr_nonnull(def);
    ecs_task_definition td;
    aws_error err;
    ck_assert_msg(ecs_register_task_definition(c, def, NULL, &td, &err) == 0, "%s",
                  err.message);
    char *ref = malloc(strlen(family) + 16);
    sprintf(ref, "%s:%d", family, td.revision);
    ecs_task_definition_free(&td);
    cJSON_Delete(def);
    return ref;
}

#endif
