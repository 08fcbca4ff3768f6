/*
 * Hosts a run could not reach. A name that does not resolve or a port that refuses the
 * connection is almost always a wrong --endpoint-url or a missing network, not a blip:
 * once one call has given up on a host (AWS_RETRY_UNREACHABLE_ATTEMPTS attempts, about two
 * seconds), the calls after it -- `plan` and `status` make dozens, in waves -- fail at
 * once with the same error instead of each spending its own attempts. The memory is
 * short (AWS_UNREACHABLE_MEMORY_S), so that a long `up` hit by a passing outage tries
 * again soon after, and an answer from the host clears it at once.
 */
#include "aws_internal.h"

#include <string.h>

void aws_unreachable_note(aws_client *c, const char *host, const aws_error *err)
{
    double now = c->mono(c->hook_ctx);
    pthread_mutex_lock(&c->lock);
    aws_unreachable_host *slot = &c->unreachable[0];
    for (size_t i = 0; i < AWS_UNREACHABLE_HOSTS; i++) {
        aws_unreachable_host *u = &c->unreachable[i];
        if (strcmp(u->host, host) == 0) {
            slot = u;
            break;
        }
        if (!u->host[0] || u->at < slot->at) /* a free slot, else the oldest */
            slot = u;
    }
    snprintf(slot->host, sizeof slot->host, "%s", host);
    snprintf(slot->why, sizeof slot->why, "%.200s", err->message);
    slot->at = now;
    pthread_mutex_unlock(&c->lock);
}

int aws_unreachable_known(aws_client *c, const char *host, aws_error *err)
{
    double now = c->mono(c->hook_ctx);
    int known = 0;
    pthread_mutex_lock(&c->lock);
    for (size_t i = 0; i < AWS_UNREACHABLE_HOSTS && !known; i++) {
        aws_unreachable_host *u = &c->unreachable[i];
        if (!u->host[0] || strcmp(u->host, host) != 0)
            continue;
        if (now - u->at >= AWS_UNREACHABLE_MEMORY_S) {
            u->host[0] = '\0'; /* long enough ago: try it again */
            continue;
        }
        known = 1;
        aws_error_set(err, AWS_ERR_NETWORK, AWS_CONNECT_FAILED,
                      "%s (%s could not be reached %.0f s ago: not tried again for %.0f s)",
                      u->why, host, now - u->at, AWS_UNREACHABLE_MEMORY_S);
    }
    pthread_mutex_unlock(&c->lock);
    return known;
}

void aws_unreachable_forget(aws_client *c, const char *host)
{
    pthread_mutex_lock(&c->lock);
    for (size_t i = 0; i < AWS_UNREACHABLE_HOSTS; i++)
        if (strcmp(c->unreachable[i].host, host) == 0)
            c->unreachable[i].host[0] = '\0';
    pthread_mutex_unlock(&c->lock);
}
