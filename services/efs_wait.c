/* EFS lifecycle checks and the waiters built on them (see efs.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "efs_internal.h"
#include "xalloc.h"

#define POLL_S 5
#define MOUNT_CHECKS 120 /* 10 minutes: mount targets often take 90 s, sometimes far more */
#define OTHER_CHECKS 36  /* 3 minutes */

/* Judge one lifecycle state: 1 wanted, 0 not yet, -1 never (err set). */
static int judge(const char *what, const char *id, const char *st, efs_want want, char *state,
                 size_t size, aws_error *err)
{
    snprintf(state, size, "%s", st);
    if (want == EFS_GONE)
        return strcmp(st, "deleted") == 0;
    if (strcmp(st, "available") == 0)
        return 1;
    if (strcmp(st, "creating") == 0 || strcmp(st, "updating") == 0)
        return 0;
    aws_error_set(err, AWS_ERR_SERVICE, "NotAvailable", "%s %s is %s; it will not become available",
                  what, id, st);
    return -1;
}

/* A describe failed: not found is the answer when gone is wanted. */
static int missing(const char *what, const char *id, efs_want want, char *state, size_t size,
                   aws_error *err)
{
    if (!aws_error_is(err, AWS_IS_NOT_FOUND))
        return -1;
    snprintf(state, size, "gone");
    if (want == EFS_GONE) {
        aws_error_clear(err);
        return 1;
    }
    aws_error_prefix(err, "%s %s disappeared: ", what, id);
    return -1;
}

int efsi_check(aws_client *c, const efsi_kind *k, const char *id, efs_want want, char *state,
               size_t size, aws_error *err)
{
    void *item = xcalloc(1, k->shape->size);
    int rc = efsi_describe_one(c, k, id, item, err) != 0
                 ? missing(k->what, id, want, state, size, err)
                 : judge(k->what, id, *(char **)((char *)item + k->state), want, state, size,
                         err);
    svc_free(k->shape, item);
    free(item);
    return rc;
}

int efs_check_file_system(aws_client *c, const char *fs_id, efs_want want, char *state,
                          size_t size, aws_error *err)
{
    return efsi_check(c, &efsi_file_system, fs_id, want, state, size, err);
}

static int efs_check_mount_target(aws_client *c, const char *mt_id, efs_want want, char *state,
                                  size_t size, aws_error *err)
{
    return efsi_check(c, &efsi_mount_target, mt_id, want, state, size, err);
}

int efs_check_access_point(aws_client *c, const char *ap_id, efs_want want, char *state,
                           size_t size, aws_error *err)
{
    return efsi_check(c, &efsi_access_point, ap_id, want, state, size, err);
}

int efs_check_mount_targets(aws_client *c, const char *fs_id, efs_want want, char *state,
                            size_t size, aws_error *err)
{
    efs_mount_targets l;
    if (efs_describe_mount_targets(c, fs_id, &l, err) != 0)
        return missing("file system", fs_id, want, state, size, err);
    size_t done = 0;
    int rc = 0;
    char one[160];
    const efs_mount_target *pending = NULL; /* the first one not there yet */
    for (size_t i = 0; i < l.n && rc == 0; i++) {
        int r = judge("mount target", l.items[i].id, l.items[i].state, want, one, sizeof one, err);
        if (r < 0)
            rc = -1;
        else if (r > 0)
            done++;
        else if (!pending)
            pending = &l.items[i];
    }
    if (rc == 0) {
        rc = want == EFS_GONE ? done == l.n : l.n > 0 && done == l.n;
        if (!rc && !pending)
            snprintf(state, size, "no mount targets");
        else if (!rc)
            snprintf(state, size, "%zu of %zu %s; %s %s", done, l.n,
                     want == EFS_GONE ? "gone" : "available", pending->id, pending->state);
    }
    efs_mount_targets_free(&l);
    return rc;
}

/* ---- waiters ------------------------------------------------------------------------------ */

typedef int (*check_fn)(aws_client *c, const char *id, efs_want want, char *state, size_t size,
                        aws_error *err);

typedef struct {
    aws_client *c;
    const char *id;
    efs_want want;
    check_fn check;
} waiting;

static int check_once(void *ctx, char *state, size_t size, aws_error *err)
{
    waiting *w = ctx;
    state[0] = '\0';
    return w->check(w->c, w->id, w->want, state, size, err);
}

static int wait_on(aws_client *c, const char *what, const char *id, efs_want want, check_fn check,
                   int checks, const aws_wait_opts *o, aws_error *err)
{
    waiting w = {c, id, want, check};
    char label[200];
    snprintf(label, sizeof label, "%s %s to be %s", what, id,
             want == EFS_GONE ? "gone" : "available");
    return svc_wait(o, checks, POLL_S, label, check_once, &w, err);
}

int efs_wait_file_system(aws_client *c, const char *fs_id, efs_want want,
                         const aws_wait_opts *o, aws_error *err)
{
    return wait_on(c, "file system", fs_id, want, efs_check_file_system, OTHER_CHECKS, o, err);
}

int efs_wait_mount_target(aws_client *c, const char *mt_id, efs_want want,
                          const aws_wait_opts *o, aws_error *err)
{
    return wait_on(c, "mount target", mt_id, want, efs_check_mount_target, MOUNT_CHECKS, o, err);
}

int efs_wait_mount_targets(aws_client *c, const char *fs_id, efs_want want,
                           const aws_wait_opts *o, aws_error *err)
{
    return wait_on(c, "the mount targets of", fs_id, want, efs_check_mount_targets, MOUNT_CHECKS,
                   o, err);
}

int efs_wait_access_point(aws_client *c, const char *ap_id, efs_want want,
                          const aws_wait_opts *o, aws_error *err)
{
    return wait_on(c, "access point", ap_id, want, efs_check_access_point, OTHER_CHECKS, o, err);
}
