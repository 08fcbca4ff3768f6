/* Reads that share one answer while a discovery runs (see aws_client_share_reads). */
#include "aws_internal.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xalloc.h"

enum { SHARE_IN_FLIGHT, SHARE_ANSWERED, SHARE_FAILED };

struct aws_share_entry {
    char *key;
    int state;
    aws_http_response resp; /* SHARE_ANSWERED: the 2xx answer */
    struct aws_share_entry *next;
};

/* Forget the answers kept (c->lock held); a read still in flight stays until it ends,
 * unless `all` (the client is freed: nothing can be in flight). */
static void drop(aws_client *c, int all)
{
    aws_share_entry **at = &c->shared;
    while (*at) {
        aws_share_entry *e = *at;
        if (e->state == SHARE_IN_FLIGHT && !all) {
            at = &e->next;
            continue;
        }
        *at = e->next;
        aws_http_response_free(&e->resp);
        free(e->key);
        free(e);
    }
}

/* What makes two requests the same read. */
static char *key_of(const aws_wire_request *r)
{
    buf b = BUF_INIT;
    buf_printf(&b, "%s\n%s\n%s\n%s\n%s\n%s\n", r->service, r->method, r->path ? r->path : "/",
               r->query ? r->query : "", r->bucket ? r->bucket : "", r->key ? r->key : "");
    for (size_t i = 0; i < r->nheaders; i++)
        buf_printf(&b, "%s:%s\n", r->headers[i].name, r->headers[i].value);
    if (r->body)
        buf_append(&b, r->body, r->body_len);
    return b.data ? b.data : xstrdup("");
}

static void copy_response(const aws_http_response *from, aws_http_response *to)
{
    memset(to, 0, sizeof *to);
    to->status = from->status;
    buf_append(&to->body, from->body.data ? from->body.data : "", from->body.len);
    to->headers = xcalloc(from->nheaders ? from->nheaders : 1, sizeof *to->headers);
    for (size_t i = 0; i < from->nheaders; i++) {
        to->headers[i].name = xstrdup(from->headers[i].name);
        to->headers[i].value = xstrdup(from->headers[i].value);
    }
    to->nheaders = from->nheaders;
}

/* Reads whose answers hold secrets are never kept, nor what must be read fresh. */
static int shareable(const aws_wire_request *r)
{
    /* S3: the stack lock reads its objects fresh, and a discovery reads each bucket once */
    static const char *const secret_services[] = {"secretsmanager", "ssm", "kms", "sts", "s3",
                                                  NULL};
    if (r->creds || r->unsigned_request || r->region)
        return 0;
    /* a list of secrets holds no value: the secrets and the bootstrap steps read one */
    if (strcmp(r->service, "secretsmanager") == 0 && r->operation &&
        strcmp(r->operation, "ListSecrets") == 0)
        return 1;
    for (size_t i = 0; secret_services[i]; i++)
        if (strcmp(r->service, secret_services[i]) == 0)
            return 0;
    return 1;
}

int aws_share_begin(aws_client *c, const aws_wire_request *r, aws_http_response *resp,
                    aws_share_entry **mine)
{
    *mine = NULL;
    if (!c->sharing || !shareable(r))
        return 0;
    char *key = key_of(r);
    pthread_mutex_lock(&c->lock);
    aws_share_entry *e = c->shared;
    while (e && strcmp(e->key, key) != 0)
        e = e->next;
    while (e && e->state == SHARE_IN_FLIGHT)
        pthread_cond_wait(&c->shared_cond, &c->lock);
    int served = 0;
    if (e && e->state == SHARE_ANSWERED) {
        copy_response(&e->resp, resp);
        served = 1;
    } else if (!e && c->sharing) { /* the first to ask: the others wait for its answer */
        e = xcalloc(1, sizeof *e);
        e->key = key;
        key = NULL;
        e->state = SHARE_IN_FLIGHT;
        e->next = c->shared;
        c->shared = e;
        *mine = e;
    } /* else it failed for the one who asked first: each asks for itself */
    pthread_mutex_unlock(&c->lock);
    free(key);
    return served;
}

void aws_share_end(aws_client *c, aws_share_entry *mine, int rc, const aws_http_response *resp)
{
    if (!mine)
        return;
    pthread_mutex_lock(&c->lock);
    if (rc == 0 && c->sharing) {
        copy_response(resp, &mine->resp);
        mine->state = SHARE_ANSWERED;
    } else {
        mine->state = SHARE_FAILED;
    }
    pthread_cond_broadcast(&c->shared_cond);
    if (!c->sharing) /* sharing ended while this read was in flight: it was left to us */
        drop(c, 0);
    pthread_mutex_unlock(&c->lock);
}

void aws_client_share_reads(aws_client *c, int on)
{
    if (!c)
        return;
    pthread_mutex_lock(&c->lock);
    c->sharing = on;
    if (!on)
        drop(c, 0);
    pthread_mutex_unlock(&c->lock);
}

void aws_share_free(aws_client *c)
{
    drop(c, 1);
}
