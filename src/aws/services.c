/* The table of services the runtime can address (facts from AWS's service models). */
#include "aws_endpoint.h"

#include <string.h>

static const aws_service_info services[] = {
    {"ec2", "ec2", "ec2", "EC2", "ec2", AWS_PROTO_EC2, "2016-11-15", NULL},
    {"ecs", "ecs", "ecs", "ECS", "ecs", AWS_PROTO_JSON, "2014-11-13",
     "AmazonEC2ContainerServiceV20141113"},
    {"elbv2", "elasticloadbalancing", "elasticloadbalancing", "ELASTIC_LOAD_BALANCING_V2",
     "elastic_load_balancing_v2", AWS_PROTO_QUERY, "2015-12-01", NULL},
    {"s3", "s3", "s3", "S3", "s3", AWS_PROTO_RESTXML, "2006-03-01", NULL},
    {"iam", "iam", "iam", "IAM", "iam", AWS_PROTO_QUERY, "2010-05-08", NULL},
    {"secretsmanager", "secretsmanager", "secretsmanager", "SECRETS_MANAGER", "secrets_manager",
     AWS_PROTO_JSON, "2017-10-17", "secretsmanager"},
    {"servicediscovery", "servicediscovery", "servicediscovery", "SERVICEDISCOVERY",
     "servicediscovery", AWS_PROTO_JSON, "2017-03-14", "Route53AutoNaming_v20170314"},
    {"logs", "logs", "logs", "CLOUDWATCH_LOGS", "cloudwatch_logs", AWS_PROTO_JSON, "2014-03-28",
     "Logs_20140328"},
    {"sts", "sts", "sts", "STS", "sts", AWS_PROTO_QUERY, "2011-06-15", NULL},
    {"kms", "kms", "kms", "KMS", "kms", AWS_PROTO_JSON, "2014-11-01", "TrentService"},
    {"ssm", "ssm", "ssm", "SSM", "ssm", AWS_PROTO_JSON, "2014-11-06", "AmazonSSM"},
    {"route53", "route53", "route53", "ROUTE_53", "route_53", AWS_PROTO_RESTXML, "2013-04-01",
     NULL},
    {"acm", "acm", "acm", "ACM", "acm", AWS_PROTO_JSON, "2015-12-08", "CertificateManager"},
    {"rds", "rds", "rds", "RDS", "rds", AWS_PROTO_QUERY, "2014-10-31", NULL},
    {"elasticache", "elasticache", "elasticache", "ELASTICACHE", "elasticache", AWS_PROTO_QUERY,
     "2015-02-02", NULL},
    {"efs", "elasticfilesystem", "elasticfilesystem", "EFS", "efs", AWS_PROTO_RESTJSON,
     "2015-02-01", NULL},
    {"sso", "portal.sso", "awsssoportal", "SSO", "sso", AWS_PROTO_JSON, "2019-06-10", NULL},
    {"application-autoscaling", "application-autoscaling", "application-autoscaling",
     "APPLICATION_AUTO_SCALING", "application_auto_scaling", AWS_PROTO_JSON, "2016-02-06",
     "AnyScaleFrontendService"},
    {"cloudfront", "cloudfront", "cloudfront", "CLOUDFRONT", "cloudfront", AWS_PROTO_RESTXML,
     "2020-05-31", NULL},
};

const aws_service_info *aws_service_lookup(const char *id)
{
    for (size_t i = 0; i < sizeof services / sizeof services[0]; i++)
        if (strcmp(services[i].id, id) == 0)
            return &services[i];
    return NULL;
}
