/* Shared by services/route53*.c only: one Route 53 call, ids, paths and queries. */
#ifndef ECSDEPLOY_ROUTE53_INTERNAL_H
#define ECSDEPLOY_ROUTE53_INTERNAL_H

#include "buf.h"
#include "route53.h"
#include "svc_json_internal.h"

/* One call. body (consumed, may be NULL) becomes the document <root xmlns=Route 53>;
 * query is encoded (without '?') or NULL; *out (may be NULL) receives the answer. */
int r53i_call(aws_client *c, const char *method, const char *operation, const char *path,
              const char *query, const char *root, cJSON *body, const aws_lost_answer *guard,
              cJSON **out, aws_error *err);
/* "/2013-04-01" + what + the encoded id (its "/hostedzone/" or "/change/" prefix
 * dropped) + tail. free(). */
char *r53i_path(const char *what, const char *id, const char *tail);
/* The id of the answer's ChangeInfo (without "/change/"), or NULL. free(). */
char *r53i_change_id(const cJSON *o);
/* Append "&name=<percent-encoded value>". */
void r53i_query(buf *q, const char *name, const char *value);
/* A page of a list call: input members are query parameters by their wire names. ctx is
 * an r53i_pager. */
typedef struct {
    aws_client *c;
    const char *operation;
    const char *path;
} r53i_pager;
int r53i_page(void *ctx, const cJSON *input, cJSON **output, aws_error *err);

#endif
