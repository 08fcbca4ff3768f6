/*
 * Types shared by the service clients in services/ (one client per AWS service, each
 * with its own header: ec2.h, ecs.h, elbv2.h, s3.h, iam.h, secretsmanager.h,
 * servicediscovery.h, logs.h, sts.h, kms.h, route53.h, acm.h, rds.h, elasticache.h,
 * efs.h, ssm.h, appautoscaling.h, cloudfront.h).
 *
 * Conventions of every client:
 * - One C function per AWS operation the deployer needs, named <prefix>_<operation in
 *   snake case> (ec2_create_vpc, ecs_describe_services, ...), taking the aws_client, the
 *   inputs as C arguments or an input struct, pointers for the outputs it reads, and an
 *   aws_error; returning 0 or -1.
 * - Outputs are plain structs of owned strings and arrays with a matching _free function
 *   named in the header comment. Lists come with a count.
 * - Describe/list calls follow every page unless the caller asks for one page.
 * - Waiters (from the models' waiters-2.json) take a `const aws_wait_opts *` (NULL: the
 *   model's checks and interval) and wait with svc_wait: the one poll loop, bounded,
 *   reporting what they saw last when they give up.
 */
#ifndef ECSDEPLOY_SVC_H
#define ECSDEPLOY_SVC_H

#include <stddef.h>

#include "aws_wait.h"

/* Declare L, a client's output list {T *items; size_t n;}, and `void L_free(L *l)`, which
 * frees every item and the array and leaves the list empty:
 *     SVC_LIST_TYPE(ec2_vpc, ec2_vpcs);   declares ec2_vpcs and ec2_vpcs_free */
#define SVC_LIST_TYPE(T, L)                                                                \
    typedef struct {                                                                      \
        T *items;                                                                         \
        size_t n;                                                                         \
    } L;                                                                                  \
    void L##_free(L *l)

/* A tag. As input the strings are borrowed; in outputs they are owned (see svc_tags_free). */
typedef struct {
    char *key;
    char *value;
} svc_tag;

typedef struct {
    svc_tag *items;
    size_t n;
} svc_tags;

/* Free the strings and the array of an output tag list; leaves it empty. */
void svc_tags_free(svc_tags *t);
/* The value of a tag, or NULL. Owned by t. */
const char *svc_tags_get(const svc_tags *t, const char *key);
/* Append an owned copy of key/value. */
void svc_tags_add(svc_tags *t, const char *key, const char *value);

/* A list of owned strings. */
typedef struct {
    char **items;
    size_t n;
} svc_strings;

void svc_strings_free(svc_strings *s);
void svc_strings_add(svc_strings *s, const char *value);
/* 1 when value is one of s's strings. */
int svc_strings_has(const svc_strings *s, const char *value);

/* A waiter: aws_wait with the model's defaults (def_checks checks def_interval seconds
 * apart) where o (may be NULL) leaves them 0. A check that fails for good keeps its error
 * with "waiting for WHAT: " before the message. */
int svc_wait(const aws_wait_opts *o, int def_checks, double def_interval, const char *what,
             aws_poll_fn poll, void *ud, aws_error *err);
/* The same, with what formatted from fmt (up to 400 characters). */
int svc_waitf(const aws_wait_opts *o, int def_checks, double def_interval, aws_poll_fn poll,
              void *ud, aws_error *err, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
/* Free an output list {items, n}: each item with free_one(&item), then the array; the
 * list is left empty. (Needs <stdlib.h> and <string.h>.) */
#define SVC_LIST_FREE(list, free_one)                                                     \
    do {                                                                                  \
        for (size_t svc_i_ = 0; svc_i_ < (list)->n; svc_i_++)                             \
            free_one(&(list)->items[svc_i_]);                                             \
        free((list)->items);                                                              \
        memset((list), 0, sizeof *(list));                                                \
    } while (0)

#endif
