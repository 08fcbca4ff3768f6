/*
 * One run per stack. Every command that changes a stack (up, down, secret put) first
 * takes the stack's lock; deploy (and run, a one-off task) takes one per service, which
 * excludes the stack's lock and another deploy or run of that service (rollback takes none: it is the brake
 * for a deployment in progress, maybe another run's). Each is an object in AWS written
 * with S3's conditional PutObject (If-None-Match: *), which S3 makes atomic: of two runs,
 * one writes it and the other gets 412 PreconditionFailed. Read-only commands take none.
 *
 * Where it lives: s3://ecsdeploy-locks-ACCOUNT-REGION/STACK.lock (a service's:
 * STACK/services/NAME.lock), one small bucket per
 * account and region (created on first use, public access blocked, every request sent
 * with x-amz-expected-bucket-owner so a bucket of that name in another account is never
 * used), not a bucket of the stack's own: it must exist before a fresh stack has
 * anything, outlive the `down` that deletes the stack's buckets, fit every stack name
 * (S3 names are at most 63 characters and global), and match one IAM pattern
 * (arn:aws:s3:::ecsdeploy-locks-*). A `down` that finishes removes the bucket when
 * nothing else is in it (another stack's lock or mark, its own mark of what it kept).
 *
 * What it holds (JSON): who (the caller's ARN), the host, the pid, the command, since
 * when and when last renewed, a run id, and its time to live. A thread renews it (a
 * conditional PutObject with If-Match: the ETag it wrote last) every quarter of its TTL;
 * when S3's clock says it was not renewed for a whole TTL (its Last-Modified against the
 * Date of S3's answer), the holder is taken for dead and the next run takes it over,
 * atomically again (If-Match on the stale ETag). So a `kill -9` blocks the next run for
 * at most the TTL: ECSDEPLOY_LOCK_TTL seconds (2 to 3600), default 120. `ecsdeploy
 * unlock` removes a lock at once, and only the one it showed (If-Match).
 *
 * The stack's mark (STACK.last-run beside the lock): a run that held a lock of the stack
 * writes it as it releases, after all its changes and before its lock goes; a `down` that
 * finished deletes it instead (unless it kept resources). So a run that read the stack
 * before taking the lock can tell whether what it read still stands (lock_quiet_since)
 * and skip reading it again, and discovery need not look for kinds of resource the
 * stack cannot have (lock_record_kinds).
 */
#ifndef ECSDEPLOY_LOCK_H
#define ECSDEPLOY_LOCK_H

#include <time.h>

#include "aws.h"
#include "svc.h"

#define LOCK_TTL_DEFAULT 120

/* A lock as read. Its strings but etag and key are the members of the object's body ("?"
 * when one is missing), which `body` holds. */
typedef struct {
    const char *holder; /* the caller's ARN */
    const char *host;
    long pid;
    const char *command; /* "up", "down --purge", ... */
    const char *since;   /* ISO 8601, the holder's clock */
    const char *run;     /* a random id of the run */
    cJSON *body;         /* the object's body, parsed */
    int ttl_s;
    long age_s;     /* S3's clock: seconds since it was written or renewed (-1 unknown) */
    char *etag;     /* of the object as read */
    char *key;      /* where: "STACK.lock", or "STACK/services/NAME.lock" (deploy) */
} lock_info;

void lock_info_free(lock_info *i);
/* One line for a person: "ARN on HOST (pid N, `ecsdeploy up`) since T, renewed 3 s ago". */
void lock_describe(const lock_info *i, char *out, size_t size);

typedef struct lock_handle lock_handle;

/* Called once from the renewal thread when the lock is lost (someone took it over or
 * removed it, or it could not be renewed for a whole TTL): `why` says which. */
typedef void (*lock_lost_fn)(void *ud, const char *why);

/*
 * Take the lock on `stack` for `command` -- the whole stack's (service NULL: up, down,
 * secret put), or one service's (deploy: deploys of different services go on side by
 * side, but none while the stack's lock is held, nor that while one runs). 0 with *out
 * (held and renewed until lock_release); 1 when another live run holds it or the other
 * scope's (*held describes it; lock_info_free); -1 with err. *took_over (may be NULL) is
 * set when an expired lock was replaced, and *held then describes the run that had left it.
 */
int lock_take(aws_client *c, const char *stack, const char *service, const char *command,
              lock_lost_fn on_lost, void *ud, lock_handle **out, lock_info *held,
              int *took_over, aws_error *err);
/* 1 when the handle's lock was lost (see lock_lost_fn). */
int lock_lost(lock_handle *h);
/* Stop renewing, leave the stack's mark (with remove_bucket: delete it) and delete the
 * lock (only if it is still ours; not when the mark could not be written: the next run
 * must not trust an old mark); with remove_bucket, also the lock bucket when nothing
 * else is in it. Frees h (NULL is fine). 0, or -1 with err
 * (the lock then expires by itself). */
int lock_release(lock_handle *h, int remove_bucket, aws_error *err);

/*
 * Whether what a run read of the stack `seconds` ago, before it took h, still stands: 1
 * when no other run can have changed the stack since, 0 when one may have, -1 with err
 * (take it as 0). 1 needs all of: h was taken at the first try (no other run held it or
 * took it first; a takeover is never quiet), and the stack's mark is older than `seconds`
 * by S3's clock (two seconds spare for its rounding and AWS's hosts' skew), or there is
 * no mark and the run found nothing of the stack (stack_was_empty: no run ended since a
 * `down` finished, or one did and its resources are gone again). The one change this
 * misses is a run killed after it changed something whose lock someone then removed
 * with `ecsdeploy unlock`: rare, and done by hand.
 */
int lock_quiet_since(lock_handle *h, double seconds, int stack_was_empty, aws_error *err);

/*
 * The stack's record: which kinds of resource it may have, so that discovery need not
 * look for the others. 1 with *kinds (svc_strings_free) when the lock bucket says: no
 * lock bucket at all (no run of any stack held a lock in this account and region since
 * the last `down` that left nothing: *kinds empty), or the mark's list (lock_note_kinds)
 * with no lock beside it. 0 when it cannot say (no mark, an older mark, a lock held or
 * left by a killed run, a read that failed): look for every kind.
 */
int lock_record_kinds(aws_client *c, const char *stack, svc_strings *kinds);
/* The kinds of resource the stack may have once h's run ends (those it found or was
 * asked for; after a `down` that finished, those it kept): its mark lists them. */
void lock_note_kinds(lock_handle *h, const svc_strings *kinds);

/* The lock on stack now: 0 with *out, 1 when there is none, -1 with err. */
int lock_read(aws_client *c, const char *stack, lock_info *out, aws_error *err);
/* Remove the lock that `seen` describes (If-Match on its ETag). 0, 1 when it has changed
 * or gone since it was read, -1 with err. */
int lock_break(aws_client *c, const char *stack, const lock_info *seen, aws_error *err);

#endif
