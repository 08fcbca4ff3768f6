/* Shared by tests/unit/test_svc_route53.c and test_svc_acm.c: a load balancer in the
 * fake, a hosted zone, waits kept short for the fake's clock (time scale 0.01). */
#ifndef ECSDEPLOY_TEST_SVC_DNS_ENV_H
#define ECSDEPLOY_TEST_SVC_DNS_ENV_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ec2.h"
#include "elbv2.h"
#include "fakeaws_fixture.h"
#include "route53.h"

/* Route 53's 40 s to INSYNC and ACM's 60 s to validate are 0.4 s and 0.6 s here. */
static const aws_wait_opts dns_wait = {.max_checks = 400, .interval_s = 0.05};

/* An active internet-facing load balancer in a new VPC; *out (elbv2_lb_free). */
static inline void dns_test_alb(aws_client *c, const char *name, elbv2_lb *out)
{
    aws_error err;
    ec2_vpc v;
    OK(ec2_create_vpc(c, "10.71.0.0/16", NULL, &v, &err));
    ec2_igw g;
    OK(ec2_create_internet_gateway(c, NULL, &g, &err));
    OK(ec2_attach_internet_gateway(c, g.id, v.id, &err));
    char *subnets[3] = {NULL, NULL, NULL};
    const char *cidrs[] = {"10.71.0.0/24", "10.71.1.0/24"}, *zones[] = {"us-east-1a", "us-east-1b"};
    for (int i = 0; i < 2; i++) {
        ec2_subnet s;
        OK(ec2_create_subnet(c, v.id, cidrs[i], zones[i], NULL, &s, &err));
        subnets[i] = strdup(s.id);
        ec2_subnet_free(&s);
    }
    elbv2_lb_in in = {.name = name, .subnets = (const char *const *)subnets};
    OK(elbv2_create_load_balancer(c, &in, out, &err));
    OK(elbv2_wait_load_balancer_available(c, out->arn, &dns_wait, &err));
    free(subnets[0]);
    free(subnets[1]);
    ec2_igw_free(&g);
    ec2_vpc_free(&v);
}

/* A public zone made as a test makes it beforehand; its id (free()). */
static inline char *dns_test_zone(aws_client *c, const char *name)
{
    aws_error err;
    r53_zone_in in = {.name = name};
    r53_zone z;
    svc_strings servers = {0};
    OK(r53_create_hosted_zone(c, &in, &z, &servers, NULL, &err));
    /* the domain's registrar names the zone's servers: the internet's DNS (ACM) asks it */
    char body[512];
    snprintf(body, sizeof body, "{\"name\": \"%s\", \"name_servers\": [\"%s\"]}", name,
             servers.n ? servers.items[0] : "");
    ck_assert_int_eq(fake_control("/_fake/route53/registrar", body), 0);
    svc_strings_free(&servers);
    char *id = strdup(z.id);
    r53_zone_free(&z);
    return id;
}

#endif
