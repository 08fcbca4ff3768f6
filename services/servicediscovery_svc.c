/* Cloud Map: services and instances. */
#include <stdlib.h>
#include <string.h>

#include "servicediscovery_internal.h"
#include "xalloc.h"

/* The namespace id from DnsConfig when the service has none of its own, and whether a
 * custom health check is configured. */
static void read_namespace_id(const cJSON *j, void *item)
{
    sd_service *s = item;
    if (!s->namespace_id[0]) {
        free(s->namespace_id);
        s->namespace_id = svc_json_dup2(j, "DnsConfig", "NamespaceId");
    }
    s->custom_health = cJSON_IsObject(svc_json_at(j, "HealthCheckCustomConfig"));
}

static const svc_shape service_shape = SVC_SHAPE(sd_service, read_namespace_id, NULL,
    SVC_FIELD("Id", SVC_STR, sd_service, id),
    SVC_FIELD("Arn", SVC_STR, sd_service, arn),
    SVC_FIELD("Name", SVC_STR, sd_service, name),
    SVC_FIELD("NamespaceId", SVC_STR, sd_service, namespace_id),
    SVC_FIELD("Description", SVC_STR, sd_service, description),
    SVC_FIELD("Type", SVC_STR, sd_service, type),
    SVC_FIELD("CreatorRequestId", SVC_STR, sd_service, creator_request_id),
    SVC_FIELD("DnsConfig.RoutingPolicy", SVC_STR, sd_service, routing_policy),
    SVC_FIELD("DnsConfig.DnsRecords.0.Type", SVC_STR, sd_service, record_type),
    SVC_FIELD("DnsConfig.DnsRecords.0.TTL", SVC_LLONG, sd_service, ttl),
    SVC_FIELD("InstanceCount", SVC_LLONG, sd_service, instance_count),
    SVC_FIELD("HealthCheckCustomConfig.FailureThreshold", SVC_INT, sd_service, failure_threshold));

SVC_DEFINE_FREE(sd_service_free, sd_service, service_shape)
SVC_DEFINE_LIST_FREE(sd_services_free, sd_services, service_shape)

int sd_create_service(aws_client *c, const sd_service_in *in, sd_service *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *req = cJSON_CreateObject();
    cJSON_AddStringToObject(req, "Name", in->name ? in->name : "");
    cJSON_AddStringToObject(req, "NamespaceId", in->namespace_id ? in->namespace_id : "");
    svc_add_str(req, "Description", in->description);
    svc_add_str(req, "CreatorRequestId", in->creator_request_id);
    cJSON *dns = cJSON_AddObjectToObject(req, "DnsConfig");
    cJSON_AddStringToObject(dns, "RoutingPolicy",
                            in->routing_policy ? in->routing_policy : "MULTIVALUE");
    cJSON *rec = cJSON_CreateObject();
    cJSON_AddStringToObject(rec, "Type", in->record_type ? in->record_type : "A");
    cJSON_AddNumberToObject(rec, "TTL", in->ttl > 0 ? (double)in->ttl : 60);
    cJSON_AddItemToArray(cJSON_AddArrayToObject(dns, "DnsRecords"), rec);
    if (in->custom_health)
        cJSON_AddObjectToObject(req, "HealthCheckCustomConfig");
    svc_add_tags(req, "Tags", in->tags, "Key", "Value");
    return svc_call_read(sdi_call, c, "CreateService", req, "Service", &service_shape, out, err);
}

int sd_get_service(aws_client *c, const char *id, sd_service *out, aws_error *err)
{
    return svc_call_read(sdi_call, c, "GetService", svc_input("Id", id), "Service", &service_shape,
                         out, err);
}

int sd_list_services(aws_client *c, const sd_filter *filters, size_t nfilters, int page_size,
                     sd_services *out, aws_error *err)
{
    return sdi_list_read(c, "ListServices", NULL, filters, nfilters, page_size, "Services",
                         &service_shape, (void **)&out->items, &out->n, err);
}

int sd_update_service(aws_client *c, const char *id, const char *record_type, long long ttl,
                      const char *description, char **operation_id, aws_error *err)
{
    if (operation_id)
        *operation_id = NULL;
    if (ttl <= 0 && !description)
        return svc_refuse(err, "InvalidParameter",
                          "UpdateService: nothing to change (give a TTL or a description)");
    cJSON *req = cJSON_CreateObject();
    cJSON_AddStringToObject(req, "Id", id ? id : "");
    cJSON *change = cJSON_AddObjectToObject(req, "Service");
    svc_add_str(change, "Description", description);
    if (ttl > 0) {
        cJSON *rec = cJSON_CreateObject();
        cJSON_AddStringToObject(rec, "Type", record_type ? record_type : "A");
        cJSON_AddNumberToObject(rec, "TTL", (double)ttl);
        cJSON *dns = cJSON_AddObjectToObject(change, "DnsConfig");
        cJSON_AddItemToArray(cJSON_AddArrayToObject(dns, "DnsRecords"), rec);
    }
    return svc_call_str(sdi_call, c, "UpdateService", req, "OperationId", operation_id, err);
}

int sd_delete_service(aws_client *c, const char *id, aws_error *err)
{
    cJSON *req = svc_input("Id", id);
    return sdi_call(c, "DeleteService", req, NULL, err);
}

/* ---- instances ------------------------------------------------------------------- */

static const svc_shape instance_shape = SVC_SHAPE(sd_instance, NULL, NULL,
    SVC_FIELD("Id", SVC_STR, sd_instance, id),
    SVC_FIELD("Attributes", SVC_TAG_MAP, sd_instance, attributes));

SVC_DEFINE_LIST_FREE(sd_instances_free, sd_instances, instance_shape)

int sd_list_instances(aws_client *c, const char *service_id, int page_size, sd_instances *out,
                      aws_error *err)
{
    cJSON *in = svc_input("ServiceId", service_id);
    int rc = sdi_list_read(c, "ListInstances", in, NULL, 0, page_size, "Instances",
                           &instance_shape, (void **)&out->items, &out->n, err);
    cJSON_Delete(in);
    return rc;
}

int sd_deregister_instance(aws_client *c, const char *service_id, const char *instance_id,
                           char **operation_id, aws_error *err)
{
    cJSON *req = cJSON_CreateObject();
    cJSON_AddStringToObject(req, "ServiceId", service_id ? service_id : "");
    cJSON_AddStringToObject(req, "InstanceId", instance_id ? instance_id : "");
    return svc_call_str(sdi_call, c, "DeregisterInstance", req, "OperationId", operation_id, err);
}
