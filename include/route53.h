/*
 * Route 53 client (rest-xml; a global service: route53.amazonaws.com, signed for
 * us-east-1 whatever the region): hosted zones, record sets and the changes that write
 * them, tags. Conventions in svc.h; prefix r53_.
 *
 * Ids: zone and change ids are taken with or without Route 53's "/hostedzone/" and
 * "/change/" prefixes and given back without them ("Z0123…", "C0123…").
 * Names: Route 53 answers names in lower case, absolute ("app.example.com."), with
 * characters other than a-z 0-9 - _ as \ooo escapes (a wildcard: "\052.example.com.");
 * r53_name_equal compares a name as written in a stack file with one as answered.
 * Outputs: owned strings, never NULL ("" when absent) unless said; free with the matching
 * _free function.
 * Errors arrive with Route 53's codes: NoSuchHostedZone, NoSuchChange,
 * HostedZoneAlreadyExists, HostedZoneNotEmpty, InvalidChangeBatch (every problem of the
 * batch in its message: "[Tried to create resource record set [name='x.', type='A'] but
 * it already exists, …]"), InvalidInput, InvalidDomainName, PriorRequestNotComplete.
 */
#ifndef ECSDEPLOY_ROUTE53_H
#define ECSDEPLOY_ROUTE53_H

#include "aws.h"
#include "aws_wait.h"
#include "svc.h"

/* ---- hosted zones ------------------------------------------------------------ */
typedef struct {
    char *id;                 /* "Z0123456789ABCDEFGHIJ" */
    char *name;               /* "example.com." */
    char *caller_reference;
    char *comment;
    int private_zone;
    long long record_count;   /* ResourceRecordSetCount */
} r53_zone;

SVC_LIST_TYPE(r53_zone, r53_zones);

void r53_zone_free(r53_zone *z);

typedef struct {
    const char *name;             /* "example.com" (a final dot or not) */
    const char *caller_reference; /* unique for every zone ever made in the account, even a
                                   * deleted one's is spent; NULL: a random one */
    const char *comment;          /* or NULL */
    const char *vpc_id;           /* a private zone in this VPC, or NULL for a public one */
    const char *vpc_region;       /* with vpc_id */
} r53_zone_in;

/* CreateHostedZone: *out (r53_zone_free) is the new zone, name_servers (may be NULL;
 * svc_strings_free) its four name servers, *change_id (may be NULL; free()) the change
 * that makes it (PENDING, then INSYNC). When the answer is lost, the zone made with this
 * caller reference is found and returned (*change_id then NULL): no second zone. */
int r53_create_hosted_zone(aws_client *c, const r53_zone_in *in, r53_zone *out,
                           svc_strings *name_servers, char **change_id, aws_error *err);
/* GetHostedZone; name_servers (may be NULL) gets a public zone's name servers. */
int r53_get_hosted_zone(aws_client *c, const char *zone_id, r53_zone *out,
                        svc_strings *name_servers, aws_error *err);
/* ListHostedZones, every page (page_size 0: Route 53's 100). */
int r53_list_hosted_zones(aws_client *c, int page_size, r53_zones *out, aws_error *err);
/* ListHostedZonesByName from dns_name (NULL: the first) in Route 53's order (labels
 * reversed: "com.example." before "com.example.app."), every page. */
int r53_list_hosted_zones_by_name(aws_client *c, const char *dns_name, r53_zones *out,
                                  aws_error *err);
/* DeleteHostedZone: HostedZoneNotEmpty while records other than its apex SOA and NS
 * remain. *change_id may be NULL. */
int r53_delete_hosted_zone(aws_client *c, const char *zone_id, char **change_id,
                           aws_error *err);

/* The public zone of `zones` with the longest name that holds `name` (itself or a name
 * below it; "app.example.com" -> "example.com." rather than "com."), or NULL. Private
 * zones are never chosen. Two public zones of that name: NULL with *ambiguous 1 (may be
 * NULL). The zone returned belongs to zones. */
const r53_zone *r53_zone_for_name(const r53_zones *zones, const char *name, int *ambiguous);

/* ---- record sets --------------------------------------------------------------- */
typedef struct {
    char *hosted_zone_id;     /* the target's canonical zone (elbv2_lb.hosted_zone_id) */
    char *dns_name;           /* the target (elbv2_lb.dns_name, or "dualstack." before it) */
    int evaluate_target_health;
} r53_alias;

/*
 * One record set: values with a TTL, or an alias (is_alias). As an input its strings are
 * borrowed (the caller's); as an output they are owned (r53_record_sets_free).
 */
typedef struct {
    char *name;
    char *type;               /* "A", "AAAA", "CNAME", "TXT", ... */
    char *set_identifier;     /* NULL: a simple record (outputs: NULL too) */
    long long weight;         /* with set_identifier: a weighted record's weight (0-255) */
    long long ttl;            /* seconds (not for an alias) */
    svc_strings values;       /* ResourceRecords (not for an alias); TXT values quoted */
    int is_alias;
    r53_alias alias;
} r53_record_set;

SVC_LIST_TYPE(r53_record_set, r53_record_sets);


/* ListResourceRecordSets, every page, in Route 53's order (name with labels reversed,
 * then type). */
int r53_list_record_sets(aws_client *c, const char *zone_id, r53_record_sets *out,
                         aws_error *err);
/* The record sets of one name and type (none: out->n 0; several only with set
 * identifiers), in one call. */
int r53_get_record_sets(aws_client *c, const char *zone_id, const char *name,
                        const char *type, r53_record_sets *out, aws_error *err);

typedef enum { R53_CREATE, R53_DELETE, R53_UPSERT } r53_action;

typedef struct {
    r53_action action;
    const r53_record_set *set;  /* DELETE: exactly as it is (TTL, values or alias) */
} r53_change;

/*
 * ChangeResourceRecordSets: all n changes or none (InvalidChangeBatch). *change_id (may
 * be NULL; free()) is the change to wait for. When the answer is lost and the zone
 * already shows every change, the call succeeds without sending the batch again
 * (CREATE would meet "already exists", DELETE "not found"): *change_id is then the id of
 * an UPSERT of the same records (nothing changes, and it is INSYNC once the lost one
 * is), or NULL for a batch that only deleted.
 */
int r53_change_record_sets(aws_client *c, const char *zone_id, const r53_change *changes,
                           size_t n, const char *comment, char **change_id, aws_error *err);

/* GetChange: *status (free()) "PENDING" or "INSYNC". */
int r53_get_change(aws_client *c, const char *change_id, char **status, aws_error *err);
/* ResourceRecordSetsChanged: until the change is INSYNC (o NULL: the model's 60 checks
 * 30 s apart). */
int r53_wait_change_insync(aws_client *c, const char *change_id, const aws_wait_opts *o,
                           aws_error *err);

/* ---- tags of a hosted zone ------------------------------------------------------- */
int r53_list_tags(aws_client *c, const char *zone_id, svc_tags *out, aws_error *err);
/* ListTagsForResources: the tags of n zones (at most R53_TAGS_AT_ONCE, else -1 with
 * InvalidInput and out untouched) in one call, out[i] (an array of n the caller gives;
 * svc_tags_free each) for zone_ids[i]. NoSuchHostedZone when one of them is gone. */
#define R53_TAGS_AT_ONCE 10
int r53_list_tags_many(aws_client *c, const char *const *zone_ids, size_t n, svc_tags *out,
                       aws_error *err);
/* ChangeTagsForResource: add (may be NULL) and remove keys (may be NULL), at most 10 each. */
int r53_change_tags(aws_client *c, const char *zone_id, const svc_tags *add,
                    const svc_strings *remove_keys, aws_error *err);

/* ---- names and comparisons ------------------------------------------------------- */
/* A name as a stack file writes it: \ooo escapes decoded, lower case, no final dot
 * ("\052.Example.com." -> "*.example.com"). free(). */
char *r53_name_plain(const char *name);
/* 1 when two names are the same DNS name: case, a final dot and \ooo escapes aside. */
int r53_name_equal(const char *a, const char *b);
/* 1 when two record sets are the same as Route 53 compares them for DELETE: name, type,
 * set identifier and weight, TTL and values (in any order), or the alias target. */
int r53_record_set_equal(const r53_record_set *a, const r53_record_set *b);

#endif
