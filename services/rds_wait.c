/* RDS waiters (the model's DBInstanceAvailable, DBInstanceDeleted, DBSnapshotAvailable)
 * on the shared poll loop (svc_wait). */
#include <stdio.h>
#include <string.h>

#include "rds_internal.h"

/* The model's defaults for all three waiters: 60 checks, 30 s apart. */
#define RDS_WAIT_ATTEMPTS 60
#define RDS_WAIT_DELAY 30

static int one_of(const char *s, const char *const *list)
{
    for (size_t k = 0; list[k]; k++)
        if (strcmp(s, list[k]) == 0)
            return 1;
    return 0;
}

static int instance_poll(void *ctx, char *state, size_t size, aws_error *err)
{
    static const char *const fail_available[] = {"deleted", "deleting", "failed",
                                                 "incompatible-restore",
                                                 "incompatible-parameters", NULL};
    static const char *const fail_deleted[] = {"creating", "modifying", "rebooting",
                                               "resetting-master-credentials", NULL};
    svc_lookup *w = ctx;
    rds_instances l;
    if (rds_describe_db_instances(w->c, w->id, 0, &l, err) != 0) {
        if (!w->want_gone || !aws_error_is(err, AWS_IS_NOT_FOUND))
            return -1;
        aws_error_clear(err);
        snprintf(state, size, "gone");
        return 1;
    }
    int rc = l.n == 0 ? w->want_gone : 0;
    if (l.n > 0) {
        const rds_instance *i = &l.items[0];
        snprintf(state, size, "%s", i->status);
        if (!w->want_gone && strcmp(i->status, "available") == 0) {
            rc = 1;
        } else if (one_of(i->status, w->want_gone ? fail_deleted : fail_available)) {
            aws_error_set(err, AWS_ERR_SERVICE, "WaiterFailed",
                          "DB instance %s is %s: it will not become %s", i->id, i->status,
                          w->want_gone ? "deleted" : "available");
            rc = -1;
        }
    }
    rds_instances_free(&l);
    return rc;
}

int rds_wait_db_instance_available(aws_client *c, const char *id, const aws_wait_opts *o,
                                   aws_error *err)
{
    svc_lookup w = {.c = c, .id = id};
    return svc_waitf(o, RDS_WAIT_ATTEMPTS, RDS_WAIT_DELAY, instance_poll, &w, err,
                     "DB instance %s to be available", id);
}

int rds_wait_db_instance_deleted(aws_client *c, const char *id, const aws_wait_opts *o,
                                 aws_error *err)
{
    svc_lookup w = {.c = c, .id = id, .want_gone = 1};
    return svc_waitf(o, RDS_WAIT_ATTEMPTS, RDS_WAIT_DELAY, instance_poll, &w, err,
                     "DB instance %s to be deleted", id);
}

static int snapshot_poll(void *ctx, char *state, size_t size, aws_error *err)
{
    static const char *const fail[] = {"deleted", "deleting", "failed", "incompatible-restore",
                                       "incompatible-parameters", NULL};
    svc_lookup *w = ctx;
    rds_snapshots l;
    if (rds_describe_db_snapshots(w->c, NULL, w->id, NULL, 0, &l, err) != 0)
        return -1;
    int rc = 0;
    if (l.n > 0) {
        const rds_snapshot *s = &l.items[0];
        snprintf(state, size, "%s (%d%%)", s->status, s->percent_progress);
        if (strcmp(s->status, "available") == 0) {
            rc = 1;
        } else if (one_of(s->status, fail)) {
            aws_error_set(err, AWS_ERR_SERVICE, "WaiterFailed",
                          "DB snapshot %s is %s: it will not become available", s->id, s->status);
            rc = -1;
        }
    }
    rds_snapshots_free(&l);
    return rc;
}

int rds_wait_db_snapshot_available(aws_client *c, const char *id, const aws_wait_opts *o,
                                   aws_error *err)
{
    svc_lookup w = {.c = c, .id = id};
    return svc_waitf(o, RDS_WAIT_ATTEMPTS, RDS_WAIT_DELAY, snapshot_poll, &w, err,
                     "DB snapshot %s to be available", id);
}
