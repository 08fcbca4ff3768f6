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

/* Decide every node's action. for_down: delete everything the stack owns, except kept
 * resources unless ctx->purge, and never external ones. */
void plan_compute(res_ctx *ctx, int for_down);

typedef struct {
    size_t create, update, replace, delete, unchanged;
    size_t kept;      /* down: resources left because they are kept */
} plan_counts;

plan_counts plan_count(const res_graph *g);

/* 1 when `up` must wait for node n although it has nothing to change: its kind says an
 * earlier run left an operation under way (see res_kind.unsettled), and services are
 * waited for (not --no-wait). plan_execute waits for every such node. */
int plan_needs_settle(const res_ctx *ctx, const res_node *n);
/* How many nodes plan_needs_settle. */
size_t plan_count_unsettled(const res_ctx *ctx);

/* The plan for a person (text) or a script (JSON). Caller frees. */
char *plan_render_text(const res_graph *g, int color);
cJSON *plan_render_json(const res_graph *g);

/* Nodes planned for replacement that hold kept data (buckets, secrets); NULL-terminated
 * array the caller frees (not the nodes), or NULL when there are none. */
res_node **plan_kept_replacements(const res_graph *g);

/* Existing resources the file names (a VPC, subnets, secrets) that discovery did not
 * find; NULL-terminated array the caller frees (not the nodes), or NULL when none. */
res_node **plan_missing_externals(const res_graph *g);

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
