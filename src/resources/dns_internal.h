/*
 * What the DNS kinds (zone, record, certificate) share, and the small API other kinds use
 * to give their own resources a name and a certificate (a CloudFront site: a record to
 * its distribution, a certificate in us-east-1). Private to src/resources/.
 *
 * Whose is what:
 *   - a hosted zone the stack creates carries its node in its CallerReference
 *     ("ecsdeploy:STACK:zone/NAME:RANDOM", which ListHostedZones shows: found in one call,
 *     even when the tags after CreateHostedZone were never written) and the usual tags;
 *   - Route 53 records have no tags: a record set NAME (alias A/AAAA) is the stack's when
 *     the TXT record beside it, at OWNER(NAME) = "_ecsdeploy.NAME" ("*.x" ->
 *     "_ecsdeploy._wildcard.x"), holds exactly "heritage=ecsdeploy,stack=STACK,id=ID".
 *     Both are written in one atomic batch with CREATE, so a record someone else wrote is
 *     never overwritten (Route 53 refuses the batch), and deleted together. A zone holding
 *     records of the stack carries the tag "ecsdeploy:records:STACK", so that the records
 *     of names the file no longer has are found again (one ListTagsForResources call per
 *     ten zones);
 *   - certificates carry the usual tags (in the RequestCertificate call itself, so none is
 *     ever untagged). Their DNS validation CNAMEs belong to the account, not to a stack: ACM
 *     gives one name the same record in every certificate of the account, in every region.
 *     They are written with UPSERT and deleted with a certificate only when no other
 *     certificate of the account, in any of its enabled regions, has that name.
 */
#ifndef ECSDEPLOY_RES_DNS_INTERNAL_H
#define ECSDEPLOY_RES_DNS_INTERNAL_H

#include "res.h"
#include "route53.h"

extern const res_kind res_kind_zone, res_kind_record, res_kind_certificate;

/* ---- the API for other kinds ----------------------------------------------------- */

/*
 * Add the node "record/NAME": alias records NAME -> (dns_name, zone_id), each a string or a
 * reference (res_ref, res_concat; ownership passes), in the stack's zone that holds NAME
 * or else the account's public zone with the longest name that holds it (chosen by `up`,
 * which refuses to start when there is none or when NAME has records the stack did not
 * write). ip_address_type (a string or reference, ownership passes; NULL: "ipv4") says
 * which: "ipv4" an A record, "dualstack" A and AAAA, "dualstack-without-public-ipv4" AAAA.
 * `target` (may be NULL) is the node it points at: a dependency, and the target kind
 * should be deleted after "record". `what` says what it points at, for the label ("load
 * balancer web"). Returns the node (owned by the graph).
 */
res_node *dnsres_add_record(res_graph *g, const char *name, cJSON *dns_name, cJSON *zone_id,
                            cJSON *ip_address_type, res_node *target, const char *what);

/*
 * Add a node for a DNS-validated certificate for names[0..n) (the first is its subject;
 * wildcards allowed) in `region` (NULL: the stack's; CloudFront's must be us-east-1):
 * "certificate/OWNER-HASH", HASH from the names (in any order) and the region, so that
 * other names make another node: `up` creates it, points its users at it, and deletes the
 * old one last (no downtime). Its validation records go into the stack's zones that hold
 * the names, else the account's longest public zone for each. Users refer to its ARN with
 * res_ref(node->id, "arn") and should be deleted before it ("certificate" deleted after
 * their kind). `what` is for the label ("HTTPS listener web:443"). Returns the node.
 */
res_node *dnsres_add_certificate(res_graph *g, const char *owner, char *const *names, size_t n,
                                 const char *region, const char *what);

/* ---- shared by the DNS kinds --------------------------------------------------------- */

/* "ecsdeploy:STACK:ID:" — the start of the CallerReference of the stack's zone ID. */
char *dnsres_zone_ref_prefix(const char *stack, const char *id);
/* The node id ("zone/NAME") a CallerReference of the stack names, or NULL. free(). */
char *dnsres_zone_ref_id(const char *stack, const char *caller_reference);

/* The owner record's name for NAME ("_ecsdeploy.NAME"; "*.x" -> "_ecsdeploy._wildcard.x"),
 * and the other way (NULL when `owner` is no owner record's name). free(). */
char *dnsres_owner_name(const char *name);
char *dnsres_owned_name(const char *owner);
/* The owner record's value for node `id` of the stack, quoted as Route 53 keeps TXT
 * values. free(). */
char *dnsres_owner_value(const char *stack, const char *id);
/* The node id an owner record's value names when it is the stack's, else NULL. free(). */
char *dnsres_owner_id(const char *stack, const char *value);
/* The tag on a zone that holds records of the stack. free(). */
char *dnsres_index_key(const char *stack);

/* The zone for `name`: `preferred` (a zone id, or NULL) when it holds name, else the
 * public zone of `zones` with the longest name that holds it. NULL with err naming the
 * zones seen (or the two of one name) when there is none. */
const r53_zone *dnsres_zone_for(const r53_zones *zones, const char *name, const char *preferred,
                                aws_error *err);

/* The stack's zone node that holds `name` (longest), or NULL. */
res_node *dnsres_stack_zone_node(res_graph *g, const char *name);

/* Every record set of the zones (ids[i], n of them) side by side: sets[i] (an array of n
 * the caller gives, r53_record_sets_free each). A zone deleted meanwhile lists nothing. */
int dnsres_list_zones(res_ctx *ctx, const char *const *ids, size_t n, r53_record_sets *sets,
                      aws_error *err);

/* Wait with the one poll loop until Route 53 change `change_id` is INSYNC (nothing when
 * change_id is NULL). */
int dnsres_wait_insync(res_ctx *ctx, res_node *n, res_action action, const char *change_id,
                       aws_error *err);

#endif
