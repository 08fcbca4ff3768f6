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
    cJSON *o = NULL;
    int rc = aws_json_call(c, "acm", op, in, out ? out : &o, err);
    cJSON_Delete(in);
    cJSON_Delete(o);
    return rc;
}

static cJSON *arn_input(const char *arn)
{
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "CertificateArn", arn);
    return in;
}

int acm_request_certificate(aws_client *c, const acm_request_in *in, char **arn,
                            aws_error *err)
{
    *arn = NULL;
    char token[33];
    const char *tok = in->idempotency_token ? in->idempotency_token : aws_random_token(token);
    cJSON *j = cJSON_CreateObject(), *o;
    cJSON_AddStringToObject(j, "DomainName", in->domain);
    cJSON_AddStringToObject(j, "ValidationMethod", "DNS");
    if (in->alternative_names && in->alternative_names[0]) {
        cJSON *names = cJSON_AddArrayToObject(j, "SubjectAlternativeNames");
        for (size_t i = 0; in->alternative_names[i]; i++)
            cJSON_AddItemToArray(names, cJSON_CreateString(in->alternative_names[i]));
    }
    /* with the token, a retried request after a lost answer is the same certificate */
    cJSON_AddStringToObject(j, "IdempotencyToken", tok);
    if (in->key_algorithm)
        cJSON_AddStringToObject(j, "KeyAlgorithm", in->key_algorithm);
    if (in->tags && in->tags->n)
        cJSON_AddItemToObject(j, "Tags", svc_tags_json(in->tags, "Key", "Value"));
    if (call(c, "RequestCertificate", j, &o, err) != 0)
        return -1;
    *arn = svc_json_dup(o, "CertificateArn");
    cJSON_Delete(o);
    return 0;
}

static void read_validation(const cJSON *o, acm_validation *v)
{
    const cJSON *rr = cJSON_GetObjectItemCaseSensitive(o, "ResourceRecord");
    v->domain = svc_json_dup(o, "DomainName");
    v->validation_domain = svc_json_dup(o, "ValidationDomain");
    v->status = svc_json_dup(o, "ValidationStatus");
    v->method = svc_json_dup(o, "ValidationMethod");
    v->record_name = xstrdup_or_null(aws_json_str(rr, "Name"));
    v->record_value = xstrdup_or_null(aws_json_str(rr, "Value"));
}

void acm_certificate_free(acm_certificate *c)
{
    free(c->arn);
    free(c->domain);
    free(c->status);
    free(c->type);
    free(c->key_algorithm);
    free(c->failure_reason);
    svc_strings_free(&c->names);
    for (size_t i = 0; i < c->nvalidations; i++) {
        acm_validation *v = &c->validations[i];
        free(v->domain);
        free(v->validation_domain);
        free(v->status);
        free(v->method);
        free(v->record_name);
        free(v->record_value);
    }
    free(c->validations);
    svc_strings_free(&c->in_use_by);
    memset(c, 0, sizeof *c);
}

int acm_describe_certificate(aws_client *c, const char *arn, acm_certificate *out,
                             aws_error *err)
{
    cJSON *o;
    memset(out, 0, sizeof *out);
    if (call(c, "DescribeCertificate", arn_input(arn), &o, err) != 0)
        return -1;
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(o, "Certificate");
    out->arn = svc_json_dup(d, "CertificateArn");
    out->domain = svc_json_dup(d, "DomainName");
    out->status = svc_json_dup(d, "Status");
    out->type = svc_json_dup(d, "Type");
    out->key_algorithm = svc_json_dup(d, "KeyAlgorithm");
    out->failure_reason = svc_json_dup(d, "FailureReason");
    svc_json_strings(d, "SubjectAlternativeNames", NULL, &out->names);
    svc_json_strings(d, "InUseBy", NULL, &out->in_use_by);
    const cJSON *vs = aws_json_array(d, "DomainValidationOptions");
    out->nvalidations = (size_t)cJSON_GetArraySize(vs);
    out->validations = xcalloc(out->nvalidations + 1, sizeof *out->validations);
    size_t i = 0;
    for (const cJSON *v = vs ? vs->child : NULL; v; v = v->next)
        read_validation(v, &out->validations[i++]);
    out->created_at = (time_t)aws_json_int(d, "CreatedAt", 0);
    out->issued_at = (time_t)aws_json_int(d, "IssuedAt", 0);
    out->not_after = (time_t)aws_json_int(d, "NotAfter", 0);
    cJSON_Delete(o);
    return 0;
}

void acm_summaries_free(acm_summaries *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].arn);
        free(l->items[i].domain);
        free(l->items[i].status);
        svc_strings_free(&l->items[i].names);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}

int acm_list_certificates(aws_client *c, const char *const *statuses, acm_summaries *out,
                          aws_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *in = cJSON_CreateObject(), *items;
    if (statuses && statuses[0]) {
        cJSON *s = cJSON_AddArrayToObject(in, "CertificateStatuses");
        for (size_t i = 0; statuses[i]; i++)
            cJSON_AddItemToArray(s, cJSON_CreateString(statuses[i]));
    }
    cJSON *keys = cJSON_AddArrayToObject(cJSON_AddObjectToObject(in, "Includes"), "keyTypes");
    for (size_t i = 0; key_types[i]; i++)
        cJSON_AddItemToArray(keys, cJSON_CreateString(key_types[i]));
    aws_page_spec spec = {.in_token = "NextToken", .out_token = "NextToken",
                          .items = "CertificateSummaryList"};
    int rc = aws_json_paginate(c, "acm", "ListCertificates", in, &spec, &items, err);
    cJSON_Delete(in);
    if (rc != 0)
        return -1;
    out->n = (size_t)cJSON_GetArraySize(items);
    out->items = xcalloc(out->n + 1, sizeof *out->items);
    size_t i = 0;
    for (const cJSON *s = items->child; s; s = s->next, i++) {
        out->items[i].arn = svc_json_dup(s, "CertificateArn");
        out->items[i].domain = svc_json_dup(s, "DomainName");
        out->items[i].status = svc_json_dup(s, "Status");
        svc_json_strings(s, "SubjectAlternativeNameSummaries", NULL, &out->items[i].names);
        out->items[i].in_use = aws_json_bool(s, "InUse", 0);
    }
    cJSON_Delete(items);
    return 0;
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
    cJSON *o;
    memset(out, 0, sizeof *out);
    if (call(c, "ListTagsForCertificate", arn_input(arn), &o, err) != 0)
        return -1;
    svc_json_tags(o, "Tags", "Key", "Value", out);
    cJSON_Delete(o);
    return 0;
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
    char what[400];
    snprintf(what, sizeof what, "the DNS validation records of certificate %s", arn);
    return svc_wait(o, 30, 2, what, poll_records, &p, err);
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
    char what[400];
    snprintf(what, sizeof what, "certificate %s to be issued", arn);
    return svc_wait(o, 5, 60, what, poll_issued, &p, err);
}
