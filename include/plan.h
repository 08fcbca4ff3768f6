/*
 * Plans: what to do to bring AWS to the stack file (up), or to remove the stack (down),
 * and the executor that does it — concurrently in dependency order, with a journal so a
 * failed run can undo what it did.
 */
#ifndef ECSDEPLOY_PLAN_H
#define ECSDEPLOY_PLAN_H

#include <cjson/cJSON.h>

#include "res.h"

/* Discover every kind's resources in parallel (every kind at once: discovery only reads,
 * so `parallel` is a floor, not a bound), then attach what was found to the graph's
 * nodes; resources the file no longer has become nodes with no desired properties. 0, or
 * -1 with err (the first kind that failed, in kind order). */
int plan_discover(res_ctx *ctx, int parallel, aws_error *err);

/* The same, and as soon as one kind is discovered, what it found for the file's nodes of
 * that kind is attached (under ctx->lock) and ready(ud, kind) is called from that kind's
 * discovery thread, while other kinds are still being discovered: status reads a
 * resource's state without waiting for the slowest kind. Nodes of resources the file no
 * longer has are added only at the end (ready is not called for them). */
typedef void (*plan_kind_fn)(void *ud, const res_kind *kind);
int plan_discover_each(res_ctx *ctx, int parallel, plan_kind_fn ready, void *ud, aws_error *err);

/* The stack's record (lock_record_kinds): 1 with *kinds (svc_strings_free), the kinds of
 * resource the stack may have, or 0 when it cannot say. */
typedef int (*plan_record_fn)(void *ud, svc_strings *kinds);
/* plan_discover that looks for a kind the file has no node of only when the record names
 * it (or cannot say): a kind of neither has nothing of the stack to find. The record is
 * read while the file's kinds are looked for. */
int plan_discover_recorded(res_ctx *ctx, int parallel, plan_record_fn record, void *ud,
                           aws_error *err);

/* ---- what status shows (status.c) --------------------------------------------------- */

/* Discover the stack and read the state of each node of ctx->graph (only: the one node id
 * "service/web" to read, or NULL for all): *all (cJSON_Delete) is an array in graph order
 * of {id, kind, title, state ("present", "not in the stack file", "missing", "external,
 * not found"), physical_id, external, the kind's status details, error (a read that
 * failed)}. *unhealthy is set when a node's details say "healthy": false or a node the
 * file wants is missing. Returns 0, or -1 with err when discovery failed (*all NULL). */
int plan_status(res_ctx *ctx, const char *only, cJSON **all, int *unhealthy, aws_error *err);

/* ---- what up keeps of `ecsdeploy deploy` (keep.c) -------------------------------- */

typedef struct {
    char *id;          /* "task_def/app", "service/app" */
    char *path;        /* "containerDefinitions[app].image", "...environment.K", "desired_count" */
    char *value;       /* what the service runs (NULL: an absent variable) */
    char *file_value;  /* what the file says (NULL: absent) */
    int kept;          /* 1: the running value is kept (the file still says what it said
                          before the deploy); 0: the file's is taken (it changed since) */
} plan_kept_item;

typedef struct {
    plan_kept_item *items;
    size_t n;
    int taken;         /* some service's values were taken from the file (--take-file) */
} plan_kept;

void plan_kept_free(plan_kept *k);

/* After discovery, before plan_compute, for `plan` and `up`: every value `ecsdeploy
 * deploy` changed (a container's image and environment variables, a service's desired
 * count; see "What the file said" in res.h) that the running service has and the file
 * does not is kept while the file still says what it said before that deploy: the
 * desired properties take the running value (and carry the record). Once the file says
 * something new, the file's value stays desired. Services named in take_file keep
 * nothing. *out lists each such value, kept or not (plan_kept_free). No AWS call. Call
 * once per discovery. */
void plan_keep_deployed(res_ctx *ctx, const char *const *take_file, size_t ntake, plan_kept *out);
/* The list for people ("" when empty) and for scripts. Caller frees. */
char *plan_kept_text(const plan_kept *k);
cJSON *plan_kept_json(const plan_kept *k);

/* Decide every node's action. for_down: delete everything the stack owns, except kept
 * resources unless ctx->purge, and never external ones; a deletion's own changes
 * (res_kind.delete_changes) become its changes. Either way, what a resource that stays
 * depends on stays too, marked kept (a kept database keeps its network). */
void plan_compute(res_ctx *ctx, int for_down);

typedef struct {
    size_t create, update, replace, delete, unchanged;
    size_t kept;      /* down: resources left because they are kept */
} plan_counts;

plan_counts plan_count(const res_graph *g);
/* After plan_compute(ctx, 1): n is a resource `down` leaves standing because it is kept
 * (keep: true, or what a kept resource stands on), not an external one. */
int plan_left_kept(const res_node *n);

/* 1 when `up` must wait for node n although it has nothing to change: its kind says an
 * earlier run left an operation under way (see res_kind.unsettled), and services are
 * waited for (not --no-wait). plan_execute waits for every such node. */
int plan_needs_settle(const res_ctx *ctx, const res_node *n);
/* How many nodes plan_needs_settle. */
size_t plan_count_unsettled(const res_ctx *ctx);

/* The plan for a person (text) or a script (JSON). Caller frees. */
char *plan_render_text(const res_graph *g, int color);
/* The same for the replacements and deletions only (what `up` asks about), no summary. */
char *plan_render_destructive_text(const res_graph *g, int color);
cJSON *plan_render_json(const res_graph *g);
/* The nodes with an action and changes (`down`: what a deletion does besides), no
 * summary. Caller frees. */
char *plan_render_noted_text(const res_graph *g, int color);

/* Nodes planned for replacement that hold kept data (buckets, secrets, file systems,
 * parameters; not kinds whose replacement keeps the data, res_kind.replace_keeps_data); NULL-terminated
 * array the caller frees (not the nodes), or NULL when there are none. */
res_node **plan_kept_replacements(const res_graph *g);

/* Existing resources the file names (a VPC, subnets, secrets) that discovery did not
 * find; NULL-terminated array the caller frees (not the nodes), or NULL when none. */
res_node **plan_missing_externals(const res_graph *g);

/* What `up` may do, decided before it changes anything. */
typedef enum {
    PLAN_UP_GO,                /* changes to make (or unsettled nodes to wait for) */
    PLAN_UP_NOTHING,           /* every resource matches the file */
    PLAN_UP_MISSING_EXTERNALS, /* existing resources the file names were not found: nodes */
    PLAN_UP_MISSING_GROUPS,    /* groups `reach` rules go into do not exist: err */
    PLAN_UP_UNREADABLE_SOURCE, /* a secret's first value cannot be read: err */
    PLAN_UP_CI_CHANGES_ITSELF, /* the CI role would change its own identity: err */
    PLAN_UP_REFUSED,           /* a kind's check says its actions cannot be done: err */
    PLAN_UP_REPLACES_KEPT      /* the plan replaces resources that keep data: nodes */
} plan_up_verdict;

typedef struct {
    plan_up_verdict verdict;
    plan_counts counts;
    size_t unsettled;  /* unchanged nodes an earlier run left changing (plan_needs_settle) */
    res_node **nodes;  /* MISSING_EXTERNALS, REPLACES_KEPT: NULL-terminated, free the array */
    aws_error err;     /* MISSING_GROUPS, UNREADABLE_SOURCE, REFUSED */
} plan_up_decision;

/* Plan `up` (plan_compute) on a discovered graph and decide, in this order, whether it
 * may go: externals the file names must exist, groups `reach` rules go into must exist,
 * secrets' first values must be readable; nothing to do is NOTHING; replacing kept data
 * needs allow_replace; every kind's check (res_kind.check) must pass. Reads at most one
 * DescribeSecurityGroups, and what the checks read for what is planned. ctx->wait_services
 * must be set first (it decides what counts as unsettled). */
void plan_up_decide(res_ctx *ctx, int allow_replace, plan_up_decision *d);

typedef struct {
    int parallel;    /* worker threads, at least 1 */
    int rollback;    /* on failure, undo what this run did */
} plan_exec_options;

typedef struct {
    int failed;              /* 1 when an action failed */
    int rolled_back;         /* 1 when the rollback completed */
    int rollback_failed;     /* 1 when undoing failed; `left` lists what remains */
    char *failure;           /* "subnet/public-1: create: CODE: message", caller frees */
    char **left;             /* ids of resources the rollback could not undo */
    size_t nleft;
    size_t done;             /* actions completed */
} plan_exec_result;

/* Run every node's action. Returns 0 when all succeeded; -1 otherwise (see result). */
int plan_execute(res_ctx *ctx, const plan_exec_options *o, plan_exec_result *r);
void plan_exec_result_free(plan_exec_result *r);

const char *plan_action_name(res_action a); /* "create", "update", ... */

#endif
