/* Cloud Map: services and instances. */
#include <stdlib.h>
#include <string.h>

#include "servicediscovery_internal.h"
#include "xalloc.h"

static void read_service(const cJSON *j, sd_service *s)
{
    const cJSON *dns = cJSON_GetObjectItemCaseSensitive(j, "DnsConfig");
    const cJSON *recs = aws_json_array(dns, "DnsRecords");
    const cJSON *first = recs ? cJSON_GetArrayItem(recs, 0) : NULL;
    const cJSON *custom = cJSON_GetObjectItemCaseSensitive(j, "HealthCheckCustomConfig");
    s->id = svc_json_dup(j, "Id");
    s->arn = svc_json_dup(j, "Arn");
    s->name = svc_json_dup(j, "Name");
    s->namespace_id = svc_json_dup(j, "NamespaceId");
    if (!s->namespace_id[0]) {
        free(s->namespace_id);
        s->namespace_id = svc_json_dup(dns, "NamespaceId");
    }
    s->description = svc_json_dup(j, "Description");
    s->type = svc_json_dup(j, "Type");
    s->creator_request_id = svc_json_dup(j, "CreatorRequestId");
    s->routing_policy = svc_json_dup(dns, "RoutingPolicy");
    s->record_type = svc_json_dup(first, "Type");
    s->ttl = aws_json_int(first, "TTL", 0);
    s->instance_count = aws_json_int(j, "InstanceCount", 0);
    s->custom_health = cJSON_IsObject(custom);
    s->failure_threshold = (int)aws_json_int(custom, "FailureThreshold", 0);
}

void sd_service_free(sd_service *s)
{
    char *all[] = {s->id, s->arn, s->name, s->namespace_id, s->description, s->type,
                   s->creator_request_id, s->routing_policy, s->record_type};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        free(all[i]);
    memset(s, 0, sizeof *s);
}

void sd_services_free(sd_services *l)
{
    SVC_LIST_FREE(l, sd_service_free);
}

int sd_create_service(aws_client *c, const sd_service_in *in, sd_service *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *req = cJSON_CreateObject(), *resp;
    cJSON_AddStringToObject(req, "Name", in->name ? in->name : "");
    cJSON_AddStringToObject(req, "NamespaceId", in->namespace_id ? in->namespace_id : "");
    if (in->description)
        cJSON_AddStringToObject(req, "Description", in->description);
    if (in->creator_request_id)
        cJSON_AddStringToObject(req, "CreatorRequestId", in->creator_request_id);
    cJSON *dns = cJSON_AddObjectToObject(req, "DnsConfig");
    cJSON_AddStringToObject(dns, "RoutingPolicy",
                            in->routing_policy ? in->routing_policy : "MULTIVALUE");
    cJSON *rec = cJSON_CreateObject();
    cJSON_AddStringToObject(rec, "Type", in->record_type ? in->record_type : "A");
    cJSON_AddNumberToObject(rec, "TTL", in->ttl > 0 ? (double)in->ttl : 60);
    cJSON_AddItemToArray(cJSON_AddArrayToObject(dns, "DnsRecords"), rec);
    if (in->custom_health)
        cJSON_AddObjectToObject(req, "HealthCheckCustomConfig");
    sdi_add_tags(req, in->tags);
    if (sdi_call(c, "CreateService", req, &resp, err) != 0)
        return -1;
    read_service(cJSON_GetObjectItemCaseSensitive(resp, "Service"), out);
    cJSON_Delete(resp);
    return 0;
}

int sd_get_service(aws_client *c, const char *id, sd_service *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *req = cJSON_CreateObject(), *resp;
    cJSON_AddStringToObject(req, "Id", id ? id : "");
    if (sdi_call(c, "GetService", req, &resp, err) != 0)
        return -1;
    read_service(cJSON_GetObjectItemCaseSensitive(resp, "Service"), out);
    cJSON_Delete(resp);
    return 0;
}

int sd_list_services(aws_client *c, const sd_filter *filters, size_t nfilters, int page_size,
                     sd_services *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *items, *e;
    if (sdi_list(c, "ListServices", NULL, filters, nfilters, page_size, "Services", &items,
                 err) != 0)
        return -1;
    cJSON_ArrayForEach(e, items)
        read_service(e, xgrow((void **)&out->items, &out->n, sizeof *out->items));
    cJSON_Delete(items);
    return 0;
}

int sd_update_service(aws_client *c, const char *id, const char *record_type, long long ttl,
                      const char *description, char **operation_id, aws_error *err)
{
    if (operation_id)
        *operation_id = NULL;
    if (ttl <= 0 && !description) {
        aws_error_set(err, AWS_ERR_INPUT, "InvalidParameter",
                      "UpdateService: nothing to change (give a TTL or a description)");
        return -1;
    }
    cJSON *req = cJSON_CreateObject(), *resp;
    cJSON_AddStringToObject(req, "Id", id ? id : "");
    cJSON *change = cJSON_AddObjectToObject(req, "Service");
    if (description)
        cJSON_AddStringToObject(change, "Description", description);
    if (ttl > 0) {
        cJSON *rec = cJSON_CreateObject();
        cJSON_AddStringToObject(rec, "Type", record_type ? record_type : "A");
        cJSON_AddNumberToObject(rec, "TTL", (double)ttl);
        cJSON *dns = cJSON_AddObjectToObject(change, "DnsConfig");
        cJSON_AddItemToArray(cJSON_AddArrayToObject(dns, "DnsRecords"), rec);
    }
    if (sdi_call(c, "UpdateService", req, &resp, err) != 0)
        return -1;
    if (operation_id)
        *operation_id = svc_json_dup(resp, "OperationId");
    cJSON_Delete(resp);
    return 0;
}

int sd_delete_service(aws_client *c, const char *id, aws_error *err)
{
    cJSON *req = svc_input("Id", id);
    return sdi_call(c, "DeleteService", req, NULL, err);
}

/* ---- instances ------------------------------------------------------------------- */

void sd_instances_free(sd_instances *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].id);
        svc_tags_free(&l->items[i].attributes);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}

int sd_list_instances(aws_client *c, const char *service_id, int page_size, sd_instances *out,
                      aws_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *in = cJSON_CreateObject(), *items, *e, *a;
    cJSON_AddStringToObject(in, "ServiceId", service_id ? service_id : "");
    int rc = sdi_list(c, "ListInstances", in, NULL, 0, page_size, "Instances", &items, err);
    cJSON_Delete(in);
    if (rc != 0)
        return -1;
    cJSON_ArrayForEach(e, items)
    {
        sd_instance *i = xgrow((void **)&out->items, &out->n, sizeof *out->items);
        i->id = svc_json_dup(e, "Id");
        cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(e, "Attributes"))
            if (a->string && cJSON_IsString(a))
                svc_tags_add(&i->attributes, a->string, a->valuestring);
    }
    cJSON_Delete(items);
    return 0;
}

int sd_deregister_instance(aws_client *c, const char *service_id, const char *instance_id,
                           char **operation_id, aws_error *err)
{
    if (operation_id)
        *operation_id = NULL;
    cJSON *req = cJSON_CreateObject(), *resp;
    cJSON_AddStringToObject(req, "ServiceId", service_id ? service_id : "");
    cJSON_AddStringToObject(req, "InstanceId", instance_id ? instance_id : "");
    if (sdi_call(c, "DeregisterInstance", req, &resp, err) != 0)
        return -1;
    if (operation_id)
        *operation_id = svc_json_dup(resp, "OperationId");
    cJSON_Delete(resp);
    return 0;
}
