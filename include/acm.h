/*
 * AWS Certificate Manager client (awsJson1.1): public certificates validated by DNS,
 * their state, tags, deletion. Conventions in svc.h; prefix acm_.
 *
 * The life of a DNS-validated certificate: acm_request_certificate gives its ARN at once;
 * the CNAME records to write appear a few seconds later (acm_wait_validation_records);
 * once they resolve (in Route 53: r53_change_record_sets, then INSYNC) ACM validates each
 * name and the certificate becomes ISSUED (acm_wait_certificate_issued; minutes on AWS).
 * A wildcard ("*.example.com") is validated by its base name's record, and one name has
 * the same record in every certificate of the account: several validations may ask for
 * one record (write it once, UPSERT). An HTTPS listener takes the certificate only when
 * ISSUED (ELBv2 answers UnsupportedCertificate before, and CertificateNotFound for a few
 * seconds after the issue); DeleteCertificate is ResourceInUseException while a listener
 * uses it (in_use_by lists the load balancers).
 *
 * Outputs: owned strings, never NULL ("" when absent) unless said; free with the matching
 * _free function. Errors arrive with ACM's codes: ResourceNotFoundException,
 * ResourceInUseException, InvalidArnException, LimitExceededException (more than 10
 * names), InvalidDomainValidationOptionsException, ValidationException, ...
 */
#ifndef ECSDEPLOY_ACM_H
#define ECSDEPLOY_ACM_H

#include <time.h>

#include "aws.h"
#include "aws_wait.h"
#include "svc.h"

/* How one name of a certificate is validated. */
typedef struct {
    char *domain;             /* "*.example.com" */
    char *validation_domain;
    char *status;             /* PENDING_VALIDATION, SUCCESS, FAILED */
    char *method;             /* DNS, EMAIL */
    /* DNS: the CNAME to write ("_x.example.com." -> "_y.acm-validations.aws."); NULL
     * while ACM has not shown it yet (the first seconds after the request) */
    char *record_name, *record_value;
} acm_validation;

typedef struct {
    char *arn, *domain;
    char *status;             /* PENDING_VALIDATION, ISSUED, INACTIVE, EXPIRED,
                               * VALIDATION_TIMED_OUT, REVOKED, FAILED */
    char *type;               /* AMAZON_ISSUED, IMPORTED, PRIVATE */
    char *key_algorithm;      /* RSA_2048, EC_prime256v1, ... */
    char *failure_reason;     /* "" unless FAILED / timed out */
    svc_strings names;        /* SubjectAlternativeNames: the domain first */
    acm_validation *validations;
    size_t nvalidations;
    svc_strings in_use_by;    /* ARNs of the resources using it (load balancers) */
    time_t created_at, issued_at, not_after; /* 0 when not (yet) there */
} acm_certificate;

void acm_certificate_free(acm_certificate *c);

typedef struct {
    const char *domain;                     /* "app.example.com" or "*.example.com" */
    const char *const *alternative_names;   /* NULL-terminated, or NULL */
    const char *idempotency_token;          /* 1-32 of [A-Za-z0-9_]: the same token within
                                             * an hour answers the same certificate; NULL:
                                             * a random one, so retries never make two */
    const char *key_algorithm;              /* NULL: RSA_2048 */
    const svc_tags *tags;                   /* or NULL */
} acm_request_in;

/* RequestCertificate with DNS validation: *arn (free()) of the new certificate. */
int acm_request_certificate(aws_client *c, const acm_request_in *in, char **arn,
                            aws_error *err);
/* DescribeCertificate into *out (acm_certificate_free). */
int acm_describe_certificate(aws_client *c, const char *arn, acm_certificate *out,
                             aws_error *err);

typedef struct {
    char *arn, *domain, *status;
    svc_strings names;
    int in_use;
} acm_summary;

SVC_LIST_TYPE(acm_summary, acm_summaries);

/* ListCertificates of every key type, every page; statuses: NULL-terminated filter (e.g.
 * {"ISSUED", "PENDING_VALIDATION", NULL}) or NULL for all. ACM has no tag filter: find a
 * stack's certificates with acm_list_tags on each. */
int acm_list_certificates(aws_client *c, const char *const *statuses, acm_summaries *out,
                          aws_error *err);
/* ResourceInUseException while a listener uses it. */
int acm_delete_certificate(aws_client *c, const char *arn, aws_error *err);

int acm_add_tags(aws_client *c, const char *arn, const svc_tags *tags, aws_error *err);
/* RemoveTagsFromCertificate by key (whatever the value). */
int acm_remove_tags(aws_client *c, const char *arn, const svc_strings *keys, aws_error *err);
int acm_list_tags(aws_client *c, const char *arn, svc_tags *out, aws_error *err);

/* Until every DNS validation shows its record; *out (may be NULL; acm_certificate_free)
 * is the certificate then (o NULL: 30 checks 2 s apart). */
int acm_wait_validation_records(aws_client *c, const char *arn, const aws_wait_opts *o,
                                acm_certificate *out, aws_error *err);
/* Until ISSUED. FAILED, VALIDATION_TIMED_OUT, REVOKED, EXPIRED, INACTIVE or a deleted
 * certificate end the wait with that reason. o NULL: the model's CertificateValidated
 * (5 checks 60 s apart); DNS validation can take longer: pass a bound. */
int acm_wait_certificate_issued(aws_client *c, const char *arn, const aws_wait_opts *o,
                                aws_error *err);

#endif
