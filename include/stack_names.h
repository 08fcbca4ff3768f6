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
/* Log group: /ecsdeploy/STACK/SERVICE (unless the file names one: logs.name). */
char *stack_name_log_group(const char *stack, const char *service);
/* Secrets Manager: STACK/SECRET. */
char *stack_name_secret(const char *stack, const char *secret);
/* A site's CloudFront origin access control: STACK-SITE (at most 64, unique in the
 * account); its distribution's comment, by which discovery finds it: "ecsdeploy STACK site
 * SITE" (at most 128). The CI role (at most 64): STACK-ci. */
char *stack_name_site_oac(const char *stack, const char *site);
char *stack_name_site_comment(const char *stack, const char *site);
char *stack_name_ci_role(const char *stack);
/* RDS: the DB instance identifier and its DB subnet group STACK-DATABASE (RDS lowers
 * them), the database's security group STACK-db-DATABASE. */
char *stack_name_database(const char *stack, const char *database);
char *stack_name_database_group(const char *stack, const char *database);
/* Default S3 bucket name (when the file gives no `name:`): STACK-BUCKET-HASH, HASH the
 * first 10 hexadecimal digits of the SHA-256 of "ACCOUNT:REGION:STACK:BUCKET", so the
 * name is unique to the account and region (S3 names are global) and found again without
 * state; STACK-BUCKET is cut to 52 characters (and its trailing hyphens) to fit S3's 63. */
char *stack_name_bucket(const char *stack, const char *bucket, const char *account, const char *region);
/* What every default bucket name of the stack starts with: "STACK-" (cut like them). */
char *stack_name_bucket_prefix(const char *stack);
/* The default name of ecsdeploy before 0.x: STACK-BUCKET. A bucket that has it (and the
 * stack's tags) keeps it. */
char *stack_name_bucket_legacy(const char *stack, const char *bucket);
/* Cluster: STACK. Task definition family: STACK-SERVICE. */
char *stack_name_cluster(const char *stack);
char *stack_name_task_family(const char *stack, const char *service);
/* The security group of a file system's mount targets: STACK-efs-FS. */
char *stack_name_efs_group(const char *stack, const char *fs);

/* 1 when name holds only ASCII letters (lowercase ones only when `lower`), digits and the
 * characters of extra: the "may hold only" part of AWS's naming rules. */
int stack_name_chars(const char *name, int lower, const char *extra);
/* Checks of AWS's rules. Each returns NULL when `name` is valid, else a static
 * explanation ("is longer than 32 characters", ...). */
const char *stack_check_elb_name(const char *name);    /* ALB and target group */
const char *stack_check_role_name(const char *name);
const char *stack_check_group_name(const char *name);
const char *stack_check_bucket_name(const char *name);
const char *stack_check_log_group_name(const char *name);
const char *stack_check_dns_label(const char *name);
const char *stack_check_dns_name(const char *name);
/* Logical names in the file: lowercase letters, digits and hyphens, starting with a
 * letter, not ending with a hyphen, at most 63 characters. */
const char *stack_check_logical_name(const char *name);
/* An image reference [HOST[:PORT]/]REPOSITORY[:TAG][@sha256:DIGEST]. */
const char *stack_check_image(const char *ref);

#endif
