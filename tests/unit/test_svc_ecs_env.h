/* Shared by tests/unit/test_svc_ecs*.c: a network and roles in the fake. */
#ifndef ECSDEPLOY_TEST_SVC_ECS_ENV_H
#define ECSDEPLOY_TEST_SVC_ECS_ENV_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws_wait.h"
#include "clock.h"
#include "deploy.h"
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

/* A role that the AWS service `principal` (e.g. "ecs-tasks.amazonaws.com") may assume;
 * returns its ARN (owned). */
static inline char *ecs_test_role(aws_client *c, const char *name, const char *principal)
{
    char trust[256];
    snprintf(trust, sizeof trust, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
             "\"Allow\",\"Principal\":{\"Service\":\"%s\"},\"Action\":\"sts:AssumeRole\"}]}",
             principal);
    iam_create_role_input in = {.name = name, .trust_policy = trust};
    iam_role r;
    aws_error err;
    ck_assert_msg(iam_create_role(c, &in, &r, &err) == 0, "%s", err.message);
    char *arn = strdup(r.arn);
    iam_role_free(&r);
    return arn;
}

typedef struct {
    char *vpc, *subnet, *sg;
    char *task_role_arn;
    svc_strings subnets, groups; /* the subnet and the group as lists, for a service input */
} ecs_test_net;

/* A VPC with one subnet and a group, and a task role allowed to open exec channels. */
static inline void ecs_test_network(aws_client *c, const char *tag, ecs_test_net *n)
{
    char json[512];
    memset(n, 0, sizeof *n);
    n->vpc = ecs_test_ec2(c, "CreateVpc", "{\"CidrBlock\":\"10.9.0.0/16\"}", "vpc", "vpcId");
    snprintf(json, sizeof json, "{\"VpcId\":\"%s\",\"CidrBlock\":\"10.9.1.0/24\","
             "\"AvailabilityZone\":\"us-east-1a\"}", n->vpc);
    n->subnet = ecs_test_ec2(c, "CreateSubnet", json, "subnet", "subnetId");
    snprintf(json, sizeof json, "{\"GroupName\":\"g-%s\",\"GroupDescription\":\"t\","
             "\"VpcId\":\"%s\"}", tag, n->vpc);
    n->sg = ecs_test_ec2(c, "CreateSecurityGroup", json, NULL, "groupId");
    svc_strings_add(&n->subnets, n->subnet);
    svc_strings_add(&n->groups, n->sg);
    char role[64];
    snprintf(role, sizeof role, "task-%s", tag);
    n->task_role_arn = ecs_test_role(c, role, "ecs-tasks.amazonaws.com");
    aws_error err;
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
    svc_strings_free(&n->subnets);
    svc_strings_free(&n->groups);
}

/* The cluster `name` made (fails the test when it cannot be). */
static inline void ecs_test_cluster(aws_client *c, const char *name)
{
    ecs_cluster_input in = {.name = name};
    aws_error err;
    ck_assert_msg(ecs_create_cluster(c, &in, NULL, &err) == 0, "%s: %s", name, err.message);
}

/* A service of `count` Fargate tasks of td (family:N or ARN) in cluster, in `subnets` with
 * `groups` (either may be NULL); the rest as ECS_SERVICE_INPUT_INIT leaves it. */
static inline ecs_service_input ecs_test_service(const char *cluster, const char *name,
                                                 const char *td, int count,
                                                 const svc_strings *subnets,
                                                 const svc_strings *groups)
{
    ecs_service_input in = ECS_SERVICE_INPUT_INIT;
    in.cluster = cluster;
    in.name = name;
    in.task_definition = td;
    in.desired_count = count;
    in.launch_type = "FARGATE";
    in.subnets = subnets;
    in.security_groups = groups;
    return in;
}

/* UpdateService of cluster/name to task definition td (fails the test when refused);
 * *out (may be NULL) receives the service. */
static inline void ecs_test_update_td(aws_client *c, const char *cluster, const char *name,
                                      const char *td, ecs_service *out)
{
    ecs_service_input up = ECS_SERVICE_INPUT_INIT;
    up.cluster = cluster;
    up.name = name;
    up.task_definition = td;
    aws_error err;
    ck_assert_msg(ecs_update_service(c, &up, out, &err) == 0, "%s", err.message);
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

/* Watch a service until td (family:N or ARN) serves, with the deployment watcher,
 * following service deployment sd (may be NULL): the outcome, *out filled (free it). */
static inline deploy_outcome ecs_test_watch(aws_client *c, const char *cluster,
                                            const char *service, const char *td,
                                            const char *sd, double timeout, deploy_result *out)
{
    deploy_watch_request w = {.cluster = cluster, .service = service, .task_definition = td,
                              .service_deployment = sd, .timeout_s = timeout,
                              .poll_s = timeout < 1 ? timeout / 5 : 0.05};
    memset(out, 0, sizeof *out);
    deploy_watch(c, &w, out);
    return out->outcome;
}

/* The service serves td (within 60 s). */
static inline void ecs_test_steady(aws_client *c, const char *cluster, const char *service,
                                   const char *td)
{
    deploy_result r;
    ck_assert_msg(ecs_test_watch(c, cluster, service, td, NULL, 60, &r) == DEPLOY_OK, "%s: %s",
                  service, r.message);
    deploy_result_free(&r);
}

/* Until every task of the list has lastStatus `status`. */
typedef struct {
    aws_client *c;
    const char *cluster, *status;
    const svc_strings *tasks;
} ecs_test_tasks_wait;

static inline int ecs_test_tasks_poll(void *ud, char *seen, size_t size, aws_error *err)
{
    ecs_test_tasks_wait *w = ud;
    ecs_tasks all;
    if (ecs_describe_tasks(w->c, w->cluster, (const char *const *)w->tasks->items, w->tasks->n,
                           &all, err) != 0)
        return -1;
    int done = all.n == w->tasks->n;
    for (size_t i = 0; i < all.n; i++)
        if (!all.items[i].last_status || strcmp(all.items[i].last_status, w->status) != 0) {
            snprintf(seen, size, "%s %s", all.items[i].id, all.items[i].last_status);
            done = 0;
        }
    ecs_tasks_free(&all);
    return done;
}

static inline void ecs_test_wait_tasks(aws_client *c, const char *cluster,
                                       const svc_strings *tasks, const char *status)
{
    ecs_test_tasks_wait w = {c, cluster, status, tasks};
    aws_wait_opts o = {.interval_s = 0.05, .timeout_s = 60};
    aws_error err;
    ck_assert_msg(aws_wait(&o, "tasks", ecs_test_tasks_poll, &w, &err) == 0, "%s", err.message);
}

/* Until the service is INACTIVE (or gone). */
typedef struct {
    aws_client *c;
    const char *cluster, *service;
} ecs_test_service_wait;

static inline int ecs_test_inactive_poll(void *ud, char *seen, size_t size, aws_error *err)
{
    ecs_test_service_wait *w = ud;
    ecs_service s;
    int found = 0;
    if (ecs_describe_service(w->c, w->cluster, w->service, &s, &found, err) != 0)
        return -1;
    if (!found)
        return 1;
    int done = s.status && strcmp(s.status, "INACTIVE") == 0;
    snprintf(seen, size, "%s", s.status ? s.status : "?");
    ecs_service_free(&s);
    return done;
}

static inline void ecs_test_wait_inactive(aws_client *c, const char *cluster,
                                          const char *service)
{
    ecs_test_service_wait w = {c, cluster, service};
    aws_wait_opts o = {.interval_s = 0.05, .timeout_s = 60};
    aws_error err;
    ck_assert_msg(aws_wait(&o, "inactive", ecs_test_inactive_poll, &w, &err) == 0, "%s",
                  err.message);
}

#endif
