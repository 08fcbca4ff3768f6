/*
 * Small pieces shared by the network service clients (ec2.h, elbv2.h,
 * servicediscovery.h): waiter options and the bounded poll loop behind every waiter,
 * and readers that copy strings out of cJSON responses.
 */
#ifndef ECSDEPLOY_NETSVC_H
#define ECSDEPLOY_NETSVC_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "aws_error.h"
#include "svc.h"

/*
 * How a waiter polls. Zero fields take the defaults of the AWS model's waiter
 * (e.g. NatGatewayAvailable: 40 checks, 15 s apart).
 */
typedef struct {
    int max_attempts;  /* checks before giving up; 0: the model's */
    double delay_s;    /* seconds between checks; 0: the model's */
    double timeout_s;  /* also give up after this many seconds in all; 0: no such bound */
    /* Called after every check that did not end the wait: what is waited for
     * ("NAT gateway nat-1 to be available"), the state seen, the check number. May be NULL. */
    void (*progress)(void *ctx, const char *what, const char *state, int attempt);
    void *ctx;
} netsvc_wait_opts;

/*
 * One check of a waiter: return 1 when the wait succeeded, 0 to check again, -1 when
 * it failed for good (err filled). Write what was seen into state (size bytes).
 */
typedef int (*netsvc_poll_fn)(void *ctx, char *state, size_t size, aws_error *err);

/*
 * Poll until success, failure or the bound (o may be NULL). On giving up: -1 with err
 * kind AWS_ERR_TIMEOUT, code "WaiterTimeout" and a message naming `what` and the last
 * state seen. A failure from poll keeps its error, prefixed with `what`.
 */
int netsvc_wait(const netsvc_wait_opts *o, int def_attempts, double def_delay, const char *what,
                netsvc_poll_fn poll, void *pctx, aws_error *err);

/* A new copy of the string member (xstrdup; free()), "" when absent or not a string. */
char *netsvc_dup(const cJSON *obj, const char *name);
/* The same for a member two levels down (obj.a.b). */
char *netsvc_dup2(const cJSON *obj, const char *a, const char *b);
/* Append every string of the array member (or every `field` of its objects when field is
 * not NULL) to out. */
void netsvc_strings(const cJSON *obj, const char *name, const char *field, svc_strings *out);
/* Append the array member's {kname, vname} objects to out as tags. */
void netsvc_tags(const cJSON *obj, const char *name, const char *kname, const char *vname,
                 svc_tags *out);
/* The tags as a new array of {kname: key, vname: value} objects (cJSON_Delete), the
 * input shape of most services' Tags (t may be NULL: an empty array). */
cJSON *netsvc_tags_json(const svc_tags *t, const char *kname, const char *vname);
/* The NULL-terminated array's length (0 for NULL). */
size_t netsvc_count(const char *const *list);

#endif
