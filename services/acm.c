/* ACM: request, describe, list, delete certificates, tags, and the waits of DNS
 * validation (see acm.h). */
#include "acm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws_paginate.h"
#include "buf.h"
#include "svc_json_internal.h"
#include "xalloc.h"

/* Every key type: ListCertificates shows only RSA_1024/RSA_2048 keys unless told. */
static const char *const key_types[] = {"RSA_1024",      "RSA_2048",     "RSA_3072",
                                        "RSA_4096",      "EC_prime256v1", "EC_secp384r1",
                                        "EC_secp521r1",  NULL};

static int call(aws_client *c, const char *op, cJSON *in, cJSON **out, aws_error *err)
{
    return svc_json_call(c, "acm", op, in, out, 0, err);
}

static cJSON *arn_input(const char *arn)
{
    return svc_input("CertificateArn", arn);
}

int acm_request_certificate(aws_client *c, const acm_request_in *in, char **arn,
                            aws_error *err)
{
    char token[33];
    const char *tok = in->idempotency_token ? in->idempotency_token : aws_random_token(token);
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "DomainName", in->domain);
    cJSON_AddStringToObject(j, "ValidationMethod", "DNS");
    svc_add_strings(j, "SubjectAlternativeNames", in->alternative_names);
    /* with the token, a retried request after a lost answer is the same certificate */
    cJSON_AddStringToObject(j, "IdempotencyToken", tok);
    svc_add_str(j, "KeyAlgorithm", in->key_algorithm);
    svc_add_tags(j, "Tags", in->tags, "Key", "Value");
    return svc_call_str(call, c, "RequestCertificate", j, "CertificateArn", arn, err);
}

static const svc_shape validation_shape = SVC_SHAPE(acm_validation, NULL, NULL,
    SVC_FIELD("DomainName", SVC_STR, acm_validation, domain),
    SVC_FIELD("ValidationDomain", SVC_STR, acm_validation, validation_domain),
    SVC_FIELD("ValidationStatus", SVC_STR, acm_validation, status),
    SVC_FIELD("ValidationMethod", SVC_STR, acm_validation, method),
    SVC_FIELD("ResourceRecord.Name", SVC_STR_NULL, acm_validation, record_name),
    SVC_FIELD("ResourceRecord.Value", SVC_STR_NULL, acm_validation, record_value));

static const svc_shape certificate_shape = SVC_SHAPE(acm_certificate, NULL, NULL,
    SVC_FIELD("CertificateArn", SVC_STR, acm_certificate, arn),
    SVC_FIELD("DomainName", SVC_STR, acm_certificate, domain),
    SVC_FIELD("Status", SVC_STR, acm_certificate, status),
    SVC_FIELD("Type", SVC_STR, acm_certificate, type),
    SVC_FIELD("KeyAlgorithm", SVC_STR, acm_certificate, key_algorithm),
    SVC_FIELD("FailureReason", SVC_STR, acm_certificate, failure_reason),
    SVC_FIELD("SubjectAlternativeNames", SVC_STRINGS, acm_certificate, names),
    SVC_FIELD("InUseBy", SVC_STRINGS, acm_certificate, in_use_by),
    SVC_FLIST("DomainValidationOptions", acm_certificate, validations, nvalidations,
              &validation_shape),
    SVC_FIELD("CreatedAt", SVC_TIME, acm_certificate, created_at),
    SVC_FIELD("IssuedAt", SVC_TIME, acm_certificate, issued_at),
    SVC_FIELD("NotAfter", SVC_TIME, acm_certificate, not_after));

SVC_DEFINE_FREE(acm_certificate_free, acm_certificate, certificate_shape)

int acm_describe_certificate(aws_client *c, const char *arn, acm_certificate *out,
                             aws_error *err)
{
    return svc_call_read(call, c, "DescribeCertificate", arn_input(arn), "Certificate",
                         &certificate_shape, out, err);
}

static const svc_shape summary_shape = SVC_SHAPE(acm_summary, NULL, NULL,
    SVC_FIELD("CertificateArn", SVC_STR, acm_summary, arn),
    SVC_FIELD("DomainName", SVC_STR, acm_summary, domain),
    SVC_FIELD("Status", SVC_STR, acm_summary, status),
    SVC_FIELD("SubjectAlternativeNameSummaries", SVC_STRINGS, acm_summary, names),
    SVC_FIELD("InUse", SVC_BOOL, acm_summary, in_use));

SVC_DEFINE_LIST_FREE(acm_summaries_free, acm_summaries, summary_shape)

int acm_list_certificates(aws_client *c, const char *const *statuses, acm_summaries *out,
                          aws_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *in = cJSON_CreateObject();
    svc_add_strings(in, "CertificateStatuses", statuses);
    cJSON *keys = cJSON_AddArrayToObject(cJSON_AddObjectToObject(in, "Includes"), "keyTypes");
    for (size_t i = 0; key_types[i]; i++)
        cJSON_AddItemToArray(keys, cJSON_CreateString(key_types[i]));
    static const svc_api pages = {.protocol = SVC_JSON, .service = "acm",
                                  .in_token = "NextToken", .out_token = "NextToken"};
    return svc_list(c, &pages, "ListCertificates", in, "CertificateSummaryList", 0,
                    &summary_shape, (void **)&out->items, &out->n, err);
}

int acm_delete_certificate(aws_client *c, const char *arn, aws_error *err)
{
    return call(c, "DeleteCertificate", arn_input(arn), NULL, err);
}

int acm_add_tags(aws_client *c, const char *arn, const svc_tags *tags, aws_error *err)
{
    cJSON *in = arn_input(arn);
    cJSON_AddItemToObject(in, "Tags", svc_tags_json(tags, "Key", "Value"));
    return call(c, "AddTagsToCertificate", in, NULL, err);
}

int acm_remove_tags(aws_client *c, const char *arn, const svc_strings *keys, aws_error *err)
{
    cJSON *in = arn_input(arn), *tags = cJSON_AddArrayToObject(in, "Tags");
    for (size_t i = 0; i < keys->n; i++) {
        cJSON *t = cJSON_CreateObject();
        cJSON_AddStringToObject(t, "Key", keys->items[i]);
        cJSON_AddItemToArray(tags, t);
    }
    return call(c, "RemoveTagsFromCertificate", in, NULL, err);
}

int acm_list_tags(aws_client *c, const char *arn, svc_tags *out, aws_error *err)
{
    return svc_call_tags(call, c, "ListTagsForCertificate", arn_input(arn), "Tags", "Key", "Value",
                         out, err);
}

/* ---- waits ---------------------------------------------------------------------- */

typedef struct {
    aws_client *c;
    const char *arn;
    acm_certificate *out;    /* the last certificate seen, kept when the wait ends well */
} cert_poll;

/* "PENDING_VALIDATION (app.example.com SUCCESS, *.example.com PENDING_VALIDATION)" */
static void describe_state(const acm_certificate *ct, char *state, size_t size)
{
    buf b = BUF_INIT;
    buf_printf(&b, "%s", ct->status);
    for (size_t i = 0; i < ct->nvalidations; i++)
        buf_printf(&b, "%s%s %s", i ? ", " : " (", ct->validations[i].domain,
                   ct->validations[i].record_name || strcmp(ct->validations[i].method, "DNS")
                       ? ct->validations[i].status
                       : "waiting for its record");
    if (ct->nvalidations)
        buf_putc(&b, ')');
    snprintf(state, size, "%s", buf_str(&b));
    buf_free(&b);
}

static int poll_records(void *ctx, char *state, size_t size, aws_error *err)
{
    cert_poll *p = ctx;
    acm_certificate ct;
    if (acm_describe_certificate(p->c, p->arn, &ct, err) != 0)
        return -1;
    int shown = 1;
    for (size_t i = 0; i < ct.nvalidations; i++)
        if (strcmp(ct.validations[i].method, "DNS") == 0 && !ct.validations[i].record_name)
            shown = 0;
    describe_state(&ct, state, size);
    if (shown && p->out) {
        acm_certificate_free(p->out);
        *p->out = ct;
    } else {
        acm_certificate_free(&ct);
    }
    return shown;
}

int acm_wait_validation_records(aws_client *c, const char *arn, const aws_wait_opts *o,
                                acm_certificate *out, aws_error *err)
{
    if (out)
        memset(out, 0, sizeof *out);
    cert_poll p = {c, arn, out};
    return svc_waitf(o, 30, 2, poll_records, &p, err,
                     "the DNS validation records of certificate %s", arn);
}

static int poll_issued(void *ctx, char *state, size_t size, aws_error *err)
{
    cert_poll *p = ctx;
    acm_certificate ct;
    if (acm_describe_certificate(p->c, p->arn, &ct, err) != 0)
        return -1;
    describe_state(&ct, state, size);
    int rc = strcmp(ct.status, "ISSUED") == 0 ? 1 : 0;
    if (rc == 0 && strcmp(ct.status, "PENDING_VALIDATION") != 0) {
        aws_error_set(err, AWS_ERR_SERVICE, "CertificateNotIssued",
                      "the certificate is %s%s%s and will not be issued", ct.status,
                      ct.failure_reason[0] ? ": " : "", ct.failure_reason);
        rc = -1;
    }
    acm_certificate_free(&ct);
    return rc;
}

int acm_wait_certificate_issued(aws_client *c, const char *arn, const aws_wait_opts *o,
                                aws_error *err)
{
    cert_poll p = {c, arn, NULL};
    return svc_waitf(o, 5, 60, poll_issued, &p, err, "certificate %s to be issued", arn);
}
