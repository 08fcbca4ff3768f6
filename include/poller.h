/*
 * One reader of a cluster's services for every wait that watches one of them. ECS's
 * DescribeServices answers for up to 10 services of a cluster at once, so twenty services
 * waited for side by side (an `up`, a `deploy --all`) need two calls per look, not twenty.
 *
 * Each watcher joins the poller of its client and cluster (one per pair in the process,
 * made by the first and freed by the last to leave) and asks for looks. A look blocks
 * until a round of DescribeServices that started late enough for it has answered: the
 * first watcher due makes that round for every service that has joined, the others wait
 * on a condition variable, giving their slot back meanwhile (slots.h) and noticing a
 * Ctrl-C within 50 ms. A round that fails fails every look it serves, each with a copy of
 * the error; a service ECS reports MISSING is a look with *found = 0.
 *
 * Prefix poller_. Thread-safe.
 */
#ifndef ECSDEPLOY_POLLER_H
#define ECSDEPLOY_POLLER_H

#include "aws.h"
#include "cancel.h"
#include "ecs.h"

typedef struct poller_watch poller_watch;

/* Join the poller of (c, cluster) to watch `service` (a name or an ARN). Never NULL;
 * poller_leave frees it. */
poller_watch *poller_join(aws_client *c, const char *cluster, const char *service);
void poller_leave(poller_watch *w);

/*
 * A look at the service from a round that started at or after `earliest` (util_now()
 * seconds), made at `due` at the latest (a round another watcher makes in between serves
 * too; earliest <= due). 0 with *out (ecs_service_free) and *found = 1, or *found = 0
 * when ECS says MISSING (*out zeroed); -1 with the round's error, or "Interrupted"
 * (AWS_IS_CANCELLED) once *cancel is set (may be NULL). *round_at (may be NULL): when
 * the round that answered began (what it saw was so then or later).
 */
int poller_look(poller_watch *w, double earliest, double due, cancel_flag *cancel,
                ecs_service *out, int *found, double *round_at, aws_error *err);

/* Rounds of DescribeServices the poller of w has made (for tests). */
unsigned long poller_rounds(const poller_watch *w);

#endif
