/*
 * A client whose transport answers from a script instead of the network (for the tests
 * of src/aws): each attempt takes the next status and body (the last one repeats), and
 * the script records what was sent. Backoff sleeps are recorded, not slept; the clock is
 * s->now; random jitter is always 0.5.
 */
#ifndef ECSDEPLOY_TEST_SCRIPTED_CLIENT_H
#define ECSDEPLOY_TEST_SCRIPTED_CLIENT_H

#include <time.h>

#include "../../src/aws/aws_internal.h"

typedef struct {
    long status[8];          /* 0: the connection closed without an answer; -1: refused */
    const char *body[8];
    const char *date[8];
    const char *region_header; /* x-amz-bucket-region on every answer, or NULL */
    const char *ctype;         /* Content-Type on every answer, or NULL */
    int n, next;
    int calls;
    int no_resend[8];        /* what each attempt asked of libcurl */
    double sleeps[8];
    int nsleeps;
    char last_auth[512];
    char last_target[128];
    char last_url[512];
    char last_body[1024];
    time_t now;
    int finds;               /* for finders of lost answers: how often asked */
    int find_rc;             /* and what they answer */
} script;

/* The transport (ctx: the script), for aws_client_set_hooks. */
int scripted_transport(void *ctx, const aws_http_request *req, aws_http_response *resp,
                       aws_error *err);
/* Put all the hooks on c: the transport, jitter 0.5, recorded sleeps, the script's clock. */
void scripted_hooks(aws_client *c, script *s);
/* A new client in eu-west-1 with static keys and no files or metadata service, scripted by
 * s (whose clock starts at 1700000000). Fails the test when it cannot be made. */
aws_client *scripted_client(script *s);

#endif
