/* RDS waiters (the model's DBInstanceAvailable, DBInstanceDeleted, DBSnapshotAvailable)
 * on the shared poll loop (svc_wait): one poll, driven by what each waiter reads and
 * which states end it. */
#include <stdio.h>
#include <string.h>

#include "rds_internal.h"

/* The model's defaults for all three waiters: 60 checks, 30 s apart. */
#define RDS_WAIT_ATTEMPTS 60
#define RDS_WAIT_DELAY 30

/* What one check saw of the thing waited for: the first item its Describe listed. */
typedef struct {
    int found;
    char id[256], status[64];
    int progress; /* percent (snapshots) */
} rds_seen;

typedef struct {
    const char *what; /* "DB instance" */
    int (*see)(aws_client *c, const char *id, rds_seen *s, aws_error *err);
    int show_progress;        /* the state shows the percent done */
    int want_gone;            /* what is waited for is the thing's end */
    const char *const *fail;  /* states it never leaves for the one waited for */
} rds_waiter;

static int see_instance(aws_client *c, const char *id, rds_seen *s, aws_error *err)
{
    rds_instances l;
    if (rds_describe_db_instances(c, id, 0, &l, err) != 0)
        return -1;
    if ((s->found = l.n > 0)) {
        snprintf(s->id, sizeof s->id, "%s", l.items[0].id);
        snprintf(s->status, sizeof s->status, "%s", l.items[0].status);
    }
    rds_instances_free(&l);
    return 0;
}

static int see_snapshot(aws_client *c, const char *id, rds_seen *s, aws_error *err)
{
    rds_snapshots l;
    if (rds_describe_db_snapshots(c, NULL, id, NULL, 0, &l, err) != 0)
        return -1;
    if ((s->found = l.n > 0)) {
        snprintf(s->id, sizeof s->id, "%s", l.items[0].id);
        snprintf(s->status, sizeof s->status, "%s", l.items[0].status);
        s->progress = l.items[0].percent_progress;
    }
    rds_snapshots_free(&l);
    return 0;
}

static const char *const fail_available[] = {"deleted", "deleting", "failed",
                                             "incompatible-restore", "incompatible-parameters",
                                             NULL};
static const char *const fail_deleted[] = {"creating", "modifying", "rebooting",
                                           "resetting-master-credentials", NULL};

static const rds_waiter instance_available = {"DB instance", see_instance, 0, 0, fail_available};
static const rds_waiter instance_deleted = {"DB instance", see_instance, 0, 1, fail_deleted};
static const rds_waiter snapshot_available = {"DB snapshot", see_snapshot, 1, 0, fail_available};

static int poll(void *ctx, char *state, size_t size, aws_error *err)
{
    const svc_lookup *w = ctx;
    const rds_waiter *k = w->kind;
    rds_seen s = {0};
    if (k->see(w->c, w->id, &s, err) != 0) {
        if (!k->want_gone || !aws_error_is(err, AWS_IS_NOT_FOUND))
            return -1;
        aws_error_clear(err);
        snprintf(state, size, "gone");
        return 1;
    }
    if (!s.found)
        return k->want_gone;
    if (k->show_progress)
        snprintf(state, size, "%s (%d%%)", s.status, s.progress);
    else
        snprintf(state, size, "%s", s.status);
    if (!k->want_gone && strcmp(s.status, "available") == 0)
        return 1;
    if (svc_state_in(s.status, k->fail)) {
        aws_error_set(err, AWS_ERR_SERVICE, "WaiterFailed", "%s %s is %s: it will not become %s",
                      k->what, s.id, s.status, k->want_gone ? "deleted" : "available");
        return -1;
    }
    return 0;
}

static int wait_for(aws_client *c, const char *id, const rds_waiter *k, const aws_wait_opts *o,
                    aws_error *err)
{
    svc_lookup w = {.c = c, .id = id, .kind = k};
    return svc_waitf(o, RDS_WAIT_ATTEMPTS, RDS_WAIT_DELAY, poll, &w, err, "%s %s to be %s",
                     k->what, id, k->want_gone ? "deleted" : "available");
}

int rds_wait_db_instance_available(aws_client *c, const char *id, const aws_wait_opts *o,
                                   aws_error *err)
{
    return wait_for(c, id, &instance_available, o, err);
}

int rds_wait_db_instance_deleted(aws_client *c, const char *id, const aws_wait_opts *o,
                                 aws_error *err)
{
    return wait_for(c, id, &instance_deleted, o, err);
}

int rds_wait_db_snapshot_available(aws_client *c, const char *id, const aws_wait_opts *o,
                                   aws_error *err)
{
    return wait_for(c, id, &snapshot_available, o, err);
}
