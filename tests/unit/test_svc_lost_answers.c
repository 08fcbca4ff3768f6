/* Lost answers against the fake: each create without a client token happens on the
 * server, its answer is dropped (or replaced by a 500), and the client still makes exactly
 * one; a delete whose answer is lost is done. See aws_lost_answer in aws.h. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws.h"
#include "ec2.h"
#include "ecs.h"
#include "fakeaws_fixture.h"
#include "svc.h"

/* The next call of op (service svc) happens and then its answer is lost: the connection
 * closes ("drop") or the service answers HTTP 500 ("error"). */
static ec2_filter tag_filter(void)
{
    return (ec2_filter){"tag:lost-test", "yes", NULL};
}

/* describe(c, &by_tag, ...) into a LIST_T (freed by LIST_FREE) finds one thing tagged
 * lost-test, the one made: the answer the client gave is the one the server made. */
#define FOUND_ONCE(describe, list_t, list_free, field, made)                               \
    do {                                                                                  \
        list_t found_;                                                                    \
        OK(describe(c, &by_tag, &found_, &err));                                          \
        ck_assert_uint_eq(found_.n, 1);                                                   \
        ck_assert_str_eq(found_.items[0].field, (made));                                  \
        list_free(&found_);                                                               \
    } while (0)

START_TEST(ec2_creates_found_by_their_tags)
{
    aws_client *c = fake_client();
    aws_error err;
    svc_tags tags = {0};
    svc_tags_add(&tags, "lost-test", "yes");
    ec2_filter f = tag_filter();
    ec2_describe_in by_tag = {.filters = &f, .nfilters = 1};

    fake_lose_next("ec2", "CreateVpc", "drop");
    ec2_vpc vpc;
    OK(ec2_create_vpc(c, "10.91.0.0/16", &tags, &vpc, &err));
    FOUND_ONCE(ec2_describe_vpcs, ec2_vpcs, ec2_vpcs_free, id, vpc.id);

    fake_lose_next("ec2", "CreateSubnet", "error");
    ec2_subnet sub;
    OK(ec2_create_subnet(c, vpc.id, "10.91.0.0/20", "us-east-1a", &tags, &sub, &err));
    FOUND_ONCE(ec2_describe_subnets, ec2_subnets, ec2_subnets_free, id, sub.id);

    fake_lose_next("ec2", "CreateInternetGateway", "drop");
    ec2_igw igw;
    OK(ec2_create_internet_gateway(c, &tags, &igw, &err));
    FOUND_ONCE(ec2_describe_internet_gateways, ec2_igws, ec2_igws_free, id, igw.id);

    fake_lose_next("ec2", "AllocateAddress", "drop");
    ec2_address eip;
    OK(ec2_allocate_address(c, &tags, &eip, &err));
    FOUND_ONCE(ec2_describe_addresses, ec2_addresses, ec2_addresses_free, allocation_id,
               eip.allocation_id);

    fake_lose_next("ec2", "CreateSecurityGroup", "drop");
    char *sg = NULL;
    OK(ec2_create_security_group(c, vpc.id, "lost-sg", "lost answers", &tags, &sg, &err));
    ck_assert_ptr_nonnull(sg);
    ck_assert(strncmp(sg, "sg-", 3) == 0);

    /* a delete whose answer is lost: the retry hears "not found", which means done */
    fake_lose_next("ec2", "DeleteSecurityGroup", "drop");
    OK(ec2_delete_security_group(c, sg, &err));
    ec2_security_groups sgs;
    OK(ec2_describe_security_groups(c, &by_tag, &sgs, &err));
    ck_assert_uint_eq(sgs.n, 0);
    ec2_security_groups_free(&sgs);
    fake_lose_next("ec2", "ReleaseAddress", "error");
    OK(ec2_release_address(c, eip.allocation_id, &err));
    fake_no_faults();

    OK(ec2_delete_internet_gateway(c, igw.id, &err));
    OK(ec2_delete_subnet(c, sub.id, &err));
    OK(ec2_delete_vpc(c, vpc.id, &err));
    free(sg);
    ec2_address_free(&eip);
    ec2_igw_free(&igw);
    ec2_subnet_free(&sub);
    ec2_vpc_free(&vpc);
    svc_tags_free(&tags);
    aws_client_free(c);
}
END_TEST

static cJSON *taskdef(const char *image)
{
    char json[600];
    snprintf(json, sizeof json,
             "{\"family\":\"lost-td\",\"networkMode\":\"awsvpc\",\"requiresCompatibilities\":"
             "[\"FARGATE\"],\"cpu\":\"256\",\"memory\":\"512\",\"containerDefinitions\":"
             "[{\"name\":\"app\",\"image\":\"%s\",\"essential\":true}]}", image);
    return cJSON_Parse(json);
}

START_TEST(task_definition_registered_once)
{
    aws_client *c = fake_client();
    aws_error err;
    const char *images[] = {"nginx:1", "nginx:2"};
    for (int i = 0; i < 2; i++) {
        fake_lose_next("ecs", "RegisterTaskDefinition", i ? "error" : "drop");
        cJSON *def = taskdef(images[i]);
        ecs_task_definition td;
        OK(ecs_register_task_definition(c, def, NULL, &td, &err));
        ck_assert_int_eq(td.revision, i + 1); /* not one more for the retry */
        ck_assert_str_eq(aws_json_str(ecs_taskdef_container(td.doc, "app"), "image"), images[i]);
        ecs_task_definition_free(&td);
        cJSON_Delete(def);
    }
    fake_no_faults();
    svc_strings arns;
    OK(ecs_list_task_definitions(c, "lost-td", NULL, 0, 0, &arns, &err));
    ck_assert_uint_eq(arns.n, 2);
    svc_strings_free(&arns);
    aws_client_free(c);
}
END_TEST

FAKE_SUITE(svc_lost_answers, NULL, NULL, 60, ec2_creates_found_by_their_tags,
           task_definition_registered_once)
