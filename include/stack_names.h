/*
 * The AWS names ecsdeploy gives a stack's resources. The stack file's validation checks
 * these against AWS's limits, so the resources layer must use exactly these functions.
 * Every function returns a new string; the caller frees it with free().
 */
#ifndef ECSDEPLOY_STACK_NAMES_H
#define ECSDEPLOY_STACK_NAMES_H

/* Application Load Balancer: STACK-LB (at most 32). */
char *stack_name_load_balancer(const char *stack, const char *lb);
/* Target group: STACK-SERVICE; the blue/green alternate STACK-SERVICE-g (at most 32). */
char *stack_name_target_group(const char *stack, const char *service, int alternate);
/* IAM roles (at most 64): STACK-SERVICE-task, STACK-SERVICE-exec, STACK-infra. */
char *stack_name_task_role(const char *stack, const char *service);
char *stack_name_execution_role(const char *stack, const char *service);
char *stack_name_infrastructure_role(const char *stack);
/* Security groups (at most 255, not starting sg-): STACK-SERVICE, STACK-lb-LB. */
char *stack_name_service_group(const char *stack, const char *service);
char *stack_name_lb_group(const char *stack, const char *lb);
/* Log group: /ecsdeploy/STACK/SERVICE. */
char *stack_name_log_group(const char *stack, const char *service);
/* Secrets Manager: STACK/SECRET. */
char *stack_name_secret(const char *stack, const char *secret);
/* Default S3 bucket name: STACK-BUCKET. */
char *stack_name_bucket(const char *stack, const char *bucket);
/* A site's CloudFront origin access control: STACK-SITE (at most 64, unique in the
 * account); its distribution's comment, by which discovery finds it: "ecsdeploy STACK site
 * SITE" (at most 128). The CI role (at most 64): STACK-ci. */
char *stack_name_site_oac(const char *stack, const char *site);
char *stack_name_site_comment(const char *stack, const char *site);
char *stack_name_ci_role(const char *stack);
/* Cluster: STACK. Task definition family: STACK-SERVICE. */
char *stack_name_cluster(const char *stack);
char *stack_name_task_family(const char *stack, const char *service);
/* The security group of a file system's mount targets: STACK-efs-FS. */
char *stack_name_efs_group(const char *stack, const char *fs);

/* Checks of AWS's rules. Each returns NULL when `name` is valid, else a static
 * explanation ("is longer than 32 characters", ...). */
const char *stack_check_elb_name(const char *name);    /* ALB and target group */
const char *stack_check_role_name(const char *name);
const char *stack_check_group_name(const char *name);
const char *stack_check_bucket_name(const char *name);
const char *stack_check_dns_label(const char *name);
const char *stack_check_dns_name(const char *name);
/* An SSM parameter name ("/stack/db/url" or "plain"): letters, digits and _.-/, a path
 * starting with '/', no empty part, not starting with aws or ssm, at most 15 levels. */
const char *stack_check_ssm_name(const char *name);
/* Logical names in the file: lowercase letters, digits and hyphens, starting with a
 * letter, not ending with a hyphen, at most 63 characters. */
const char *stack_check_logical_name(const char *name);
/* An image reference [HOST[:PORT]/]REPOSITORY[:TAG][@sha256:DIGEST]. */
const char *stack_check_image(const char *ref);

#endif
