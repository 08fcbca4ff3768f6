/*
 * AWS Cloud Map (servicediscovery) client: private DNS and HTTP namespaces and the asynchronous
 * operations that create and delete them, services with DNS A records, instances, tags.
 * Conventions in svc.h; prefix sd_.
 *
 * Outputs: every string of an output struct is owned and never NULL ("" when absent);
 * free with the matching _free function. Errors arrive with Cloud Map's codes:
 * NamespaceNotFound, ServiceNotFound, OperationNotFound, InstanceNotFound,
 * NamespaceAlreadyExists, ServiceAlreadyExists, ResourceInUse, DuplicateRequest, ...
 */
#ifndef ECSDEPLOY_SERVICEDISCOVERY_H
#define ECSDEPLOY_SERVICEDISCOVERY_H

#include "aws.h"
#include "svc.h"

/* A list filter: NamespaceFilter (TYPE, NAME, HTTP_NAME, RESOURCE_OWNER) or ServiceFilter
 * (NAMESPACE_ID), with one value or a NULL-terminated list; condition EQ (NULL),
 * IN or BEGINS_WITH. */
typedef struct {
    const char *name;
    const char *value;
    const char *const *values;
    const char *condition;
} sd_filter;

/* ---- operations -------------------------------------------------------------- */
typedef struct {
    char *id, *type;   /* CREATE_NAMESPACE, DELETE_NAMESPACE, REGISTER_INSTANCE, ... */
    char *status;      /* SUBMITTED, PENDING, SUCCESS, FAIL */
    char *error_code, *error_message;
    svc_tags targets;  /* NAMESPACE / SERVICE / INSTANCE -> id */
} sd_operation;

void sd_operation_free(sd_operation *op);
int sd_get_operation(aws_client *c, const char *operation_id, sd_operation *out,
                     aws_error *err);
/* Poll GetOperation until SUCCESS (0; *out, when not NULL, is the final operation) or FAIL
 * (-1, err code the operation's ErrorCode or "OperationFailed", its message). Bounded by
 * o (NULL: 60 checks 5 s apart — namespaces take tens of seconds). */
int sd_wait_operation(aws_client *c, const char *operation_id, const aws_wait_opts *o,
                      sd_operation *out, aws_error *err);

/* ---- namespaces --------------------------------------------------------------- */
typedef struct {
    char *id, *arn, *name, *type, *description, *hosted_zone_id, *http_name,
        *creator_request_id;
    long long service_count;
} sd_namespace;

SVC_LIST_TYPE(sd_namespace, sd_namespaces);

void sd_namespace_free(sd_namespace *ns);
/* CreatePrivateDnsNamespace in vpc_id. creator_request_id (may be NULL) makes a retried
 * create return the first operation. *operation_id: free(); wait with sd_wait_operation,
 * whose targets carry the namespace id under "NAMESPACE". */
int sd_create_private_dns_namespace(aws_client *c, const char *name, const char *vpc_id,
                                    const char *creator_request_id, const char *description,
                                    const svc_tags *tags, char **operation_id, aws_error *err);
/* CreateHttpNamespace (found by API calls only: Service Connect): as the private DNS one,
 * without a VPC. */
int sd_create_http_namespace(aws_client *c, const char *name, const char *creator_request_id,
                             const char *description, const svc_tags *tags, char **operation_id,
                             aws_error *err);
int sd_list_namespaces(aws_client *c, const sd_filter *filters, size_t nfilters, int page_size,
                       sd_namespaces *out, aws_error *err);
int sd_get_namespace(aws_client *c, const char *id, sd_namespace *out, aws_error *err);
/* ResourceInUse while the namespace has services. *operation_id: free(); NULL when there
 * is no operation to wait for (the namespace was gone when a call whose answer was lost was
 * retried). */
int sd_delete_namespace(aws_client *c, const char *id, char **operation_id, aws_error *err);

/* ---- services ------------------------------------------------------------------ */
typedef struct {
    char *id, *arn, *name, *namespace_id, *description, *type, *creator_request_id;
    char *routing_policy;   /* MULTIVALUE or WEIGHTED */
    char *record_type;      /* of the first DNS record: A, AAAA, SRV, CNAME */
    long long ttl;          /* of the first DNS record */
    long long instance_count;
    int custom_health;      /* has HealthCheckCustomConfig */
    int failure_threshold;
} sd_service;

SVC_LIST_TYPE(sd_service, sd_services);

void sd_service_free(sd_service *s);

typedef struct {
    const char *name, *namespace_id, *description, *creator_request_id;
    const char *record_type;     /* NULL: "A" (awsvpc tasks) */
    long long ttl;               /* 0: 60 */
    const char *routing_policy;  /* NULL: MULTIVALUE */
    int custom_health;           /* add HealthCheckCustomConfig (ECS manages health) */
    const svc_tags *tags;
} sd_service_in;

int sd_create_service(aws_client *c, const sd_service_in *in, sd_service *out, aws_error *err);
int sd_get_service(aws_client *c, const char *id, sd_service *out, aws_error *err);
/* Filter NAMESPACE_ID to list one namespace's services (summaries carry no namespace_id). */
int sd_list_services(aws_client *c, const sd_filter *filters, size_t nfilters, int page_size,
                     sd_services *out, aws_error *err);
/* UpdateService: the DNS record (record_type NULL: "A") with a new TTL (0: leave the records
 * alone) and/or a new description (NULL: unchanged). Asynchronous: *operation_id (may be
 * NULL; free()). */
int sd_update_service(aws_client *c, const char *id, const char *record_type, long long ttl,
                      const char *description, char **operation_id, aws_error *err);
/* ResourceInUse while instances are registered. */
int sd_delete_service(aws_client *c, const char *id, aws_error *err);

/* ---- instances and tags ---------------------------------------------------------- */
typedef struct {
    char *id;
    svc_tags attributes;  /* AWS_INSTANCE_IPV4, ECS_TASK_DEFINITION_FAMILY, ... */
} sd_instance;

SVC_LIST_TYPE(sd_instance, sd_instances);

int sd_list_instances(aws_client *c, const char *service_id, int page_size, sd_instances *out,
                      aws_error *err);
/* Asynchronous: *operation_id (may be NULL; free()). */
int sd_deregister_instance(aws_client *c, const char *service_id, const char *instance_id,
                           char **operation_id, aws_error *err);

int sd_list_tags_for_resource(aws_client *c, const char *arn, svc_tags *out, aws_error *err);
int sd_tag_resource(aws_client *c, const char *arn, const svc_tags *tags, aws_error *err);
int sd_untag_resource(aws_client *c, const char *arn, const char *const *keys, aws_error *err);

#endif
