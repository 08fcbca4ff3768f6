/*
 * Form encoding of request inputs for the query protocol (IAM, STS, ELBv2) and EC2's
 * variant. The input is a cJSON object whose member names are the wire names.
 *
 * query: nested structures "A.B=v"; lists "A.member.N" (1-based), or "A.Item.N" for a
 *        list named by a "A/Item" hint in `maps` (RDS, ElastiCache: "Tags/Tag"); maps
 *        "A.entry.N.key" / "A.entry.N.value" for the members named in `maps`.
 * ec2:   nested structures "A.B=v"; lists flattened "A.N" — the caller uses EC2's wire
 *        names (e.g. "Filter", "TagSpecification", "Tag") so that
 *        {"Filter":[{"Name":"vpc-id","Value":["v"]}]} gives Filter.1.Name, Filter.1.Value.1.
 * Strings are sent as is, numbers without a fraction as integers, booleans as
 * true/false; null members are skipped. Keys and values are percent-encoded (RFC 3986).
 */
#ifndef ECSDEPLOY_AWS_FORM_H
#define ECSDEPLOY_AWS_FORM_H

#include <cjson/cJSON.h>

#include "aws_error.h"

/*
 * "Action=<action>&Version=<version>&..." for input (may be NULL). maps: NULL-terminated
 * hints (query only; may be NULL): "Name", a member (at any depth) that is a map;
 * "Name/Item", a list whose elements are named Item. Returns a new string the caller
 * frees with free(), or NULL with err filled (kind AWS_ERR_INPUT) when input is not an
 * object or nests more than 32 levels.
 */
char *aws_form_encode(aws_protocol proto, const char *action, const char *version,
                      const cJSON *input, const char *const *maps, aws_error *err);

/* The RFC 3986 percent-encoding of s (sigv4's encoder) as a new string (free()). */
char *aws_form_escape(const char *s);
/* s with every valid %XX escape decoded, as a new string (free()); '+' stays '+'. */
char *aws_form_unescape(const char *s);

#endif
