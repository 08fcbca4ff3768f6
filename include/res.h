/*
 * Resources: the nodes of a stack's graph and the kinds that know how to find, create,
 * update and delete them in AWS.
 *
 * One kind per file in src/resources/ (vpc.c, subnet.c, ...). A kind
 *   - builds its nodes from the stack model (desired properties as cJSON, dependencies),
 *   - discovers every resource of its kind the stack owns in AWS, by the tags
 *     ecsdeploy:stack / ecsdeploy:id or by deterministic names, with the actual
 *     properties in the same shape as the desired ones,
 *   - creates, updates and removes one resource, waiting where AWS is asynchronous.
 * The plan (src/plan/) compares desired and actual generically (res_diff) and runs the
 * actions; kinds never see each other except through node references.
 *
 * Properties. A node's desired properties are a cJSON object whose members are exactly
 * what the kind compares. Only members present in `desired` are compared, so AWS defaults
 * never show as changes. A member whose value is an object {"ref": ID, "attr": A} stands
 * for an attribute of another node (A = "id" for its physical id, else a member of that
 * node's actual properties); res_resolve() replaces it once known.
 */
#ifndef ECSDEPLOY_RES_H
#define ECSDEPLOY_RES_H

#include <pthread.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "aws.h"
#include "cancel.h"
#include "stack.h"
#include "svc.h"

#define RES_TAG_STACK "ecsdeploy:stack"
#define RES_TAG_ID "ecsdeploy:id"

typedef struct res_node res_node;
typedef struct res_graph res_graph;
typedef struct res_ctx res_ctx;
typedef struct res_kind res_kind;
typedef struct res_registry res_registry;
/* The CI role's policy as it is built (src/resources/ci_policy_internal.h). */
struct ci_builder;

typedef enum {
    RES_NONE,    /* exists and matches */
    RES_CREATE,  /* absent */
    RES_UPDATE,  /* exists, some properties differ, updatable in place */
    RES_REPLACE, /* exists, a property that cannot change differs: delete, then create */
    RES_DELETE   /* exists but no longer in the stack file (or `down`) */
} res_action;

/* One differing property. `from`/`to` are printable values; `to` is "(known after
 * create)" when it depends on something not created yet. */
typedef struct {
    char *path;   /* "cidr", "health_check.path" */
    char *from;   /* NULL when the property is new */
    char *to;     /* NULL when the property goes away */
    int replaces; /* this change alone forces a replacement */
} res_change;

typedef struct {
    res_change *items;
    size_t n;
} res_changes;

/* A resource as found in AWS. */
typedef struct {
    char *id;          /* logical id (the ecsdeploy:id tag, or derived from the name) */
    char *physical_id; /* vpc-…, an ARN, a name */
    cJSON *props;      /* actual properties, shaped like the kind's desired ones */
} res_found;

typedef struct {
    res_found *items;
    size_t n;
} res_found_list;

/* Append a found resource (thread-safe; props pass to the list, NULL: {}). */
void res_found_add(res_found_list *l, const char *id, const char *physical_id, cJSON *props);
/* The same for the node KIND/NAME of that kind. */
void res_found_add_named(res_found_list *l, const res_kind *kind, const char *name,
                         const char *physical_id, cJSON *props);
void res_found_list_free(res_found_list *l);

struct res_node {
    const res_kind *kind;
    char *id;              /* "<kind>/<name>", unique in the stack: "subnet/public-1" */
    char *label;           /* for people: "public subnet 10.40.0.0/20 (zone 1)" */
    cJSON *desired;        /* NULL for a resource found in AWS that the file no longer has */
    cJSON *actual;         /* NULL while absent */
    char *physical_id;     /* NULL while absent (set by discovery or create) */
    int external;          /* a resource the file names by id: read, never changed */
    int keep;              /* survives `down` unless --purge */
    res_node **deps;       /* must exist before this node is created */
    size_t ndeps;
    const void *model;     /* the part of the stack model it came from, or NULL */

    /* Filled by the plan. */
    res_action action;
    res_changes changes;
    cJSON *previous;       /* actual properties before this run changed them (rollback) */
};

struct res_graph {
    const res_registry *registry; /* the kinds of its nodes and their teardown order */
    const stack_model *stack;
    const char *region;    /* where the stack lives (for ARNs and zones) */
    const char *partition; /* "aws", "aws-cn", "aws-us-gov" */
    res_node **nodes;      /* in build order */
    size_t n;
    char *error;           /* why a kind's build failed (res_graph_fail), or NULL */
};

/* Progress of one node, reported by kinds and by the executor. */
typedef enum {
    RES_EV_START,    /* an action begins */
    RES_EV_PROGRESS, /* a waiting line: what it waits for and what it saw */
    RES_EV_DONE,
    RES_EV_FAILED,
    RES_EV_NOTE      /* something worth telling that is not progress */
} res_event_kind;

typedef void (*res_event_fn)(void *ud, const res_node *n, res_action action,
                             res_event_kind kind, const char *message);

/* A service's deployment for the watcher: the revision that must come to serve. */
typedef struct {
    const char *cluster;
    const char *service;
    const char *task_definition; /* ARN */
    double since_epoch;          /* wall clock of the change (0: unknown) */
    double healthy_after_s;      /* > 0: ECS counts a new task healthy no sooner than this
                                    after it runs (deploy_watch_request) */
} res_rollout;

/* The deployment watcher a kind waits with (res_ctx.watch). It lives above the kinds, in
 * src/deploy (deploy_watch_res): whoever runs the kinds sets it. Watches until the
 * revision serves, showing the state as n's progress ("waiting for the service to be
 * steady: ..."), bounded by ctx->timeout_s, checking every ctx->poll_s, cut short by
 * ctx->cancel. 0, or -1 with err: "DeploymentFailed" with the reasons in AWS's words,
 * "WaiterTimeout", "Interrupted", or the AWS error that stopped it. */
typedef int (*res_watch_fn)(res_ctx *ctx, res_node *n, res_action action,
                            const res_rollout *rollout, aws_error *err);

struct res_ctx {
    aws_client *aws;
    const stack_model *stack;
    const char *stack_name;
    res_graph *graph;
    char *account;            /* the account id once res_account() has asked STS (owned:
                                 whoever owns the context frees it) */
    const char *region;
    int wait_services;        /* wait until services are steady (up without --no-wait) */
    double timeout_s;         /* bound of every single wait */
    int timeout_given;        /* --timeout was given: it bounds the long waits too */
    double poll_s;            /* interval between polls of a wait */
    int purge;                /* down --purge: kept resources go too */
    int rolling_back;         /* the executor undoes this run's changes: a remove() now deletes
                                 what this run created (a database: no final snapshot) */
    int rebootstrap;          /* up --rebootstrap: run bootstrap steps again */
    int planning;             /* while planning, references to nodes about to get a new
                                 physical id are unknown */
    cancel_flag *cancel;      /* set by the first Ctrl-C: waits end early (cancel.h) */
    res_event_fn on_event;
    void *event_ud;
    res_watch_fn watch;       /* the deployment watcher (see res_watch_fn) */
    pthread_mutex_t lock;     /* guards graph fields read across workers (actual, physical_id) */
};

/* The CI grants of a kind whose resources are EC2's, as data (res_kind.ci_ec2) where they
 * are only these (ci_grant_common.c turns them into statements): */
typedef struct {
    const char *reads;    /* always, on "*": what discover and status call */
    const char *create;   /* when mine: the call that makes one (EC2 picks its id), allowed
                             with the stack's tag in the request, with ec2:CreateTags for it
                             (NULL: none) */
    const char *changes;  /* when mine: the other writes, on resources carrying the stack's
                             tag */
    const char *resource; /* the EC2 resources those are on, as in their ARN after the
                             account (every security group: "security-group/" and a star;
                             NULL: any) */
} res_ec2_grants;

struct res_kind {
    const char *name;  /* the id prefix: "vpc" */
    const char *title; /* for people: "VPC" */
    /* Add this kind's nodes for the stack. Returns 0, or -1 once res_graph_fail has said
     * what is wrong (what the stack file's validation let through but the kind cannot
     * build). */
    int (*build)(res_graph *g, const stack_model *s);
    /* Every resource of this kind the stack owns (and the external ones its nodes name). */
    int (*discover)(res_ctx *ctx, res_found_list *out, aws_error *err);
    /* Create the resource for n->desired (references resolved) and wait until usable;
     * set n->physical_id and n->actual. */
    int (*create)(res_ctx *ctx, res_node *n, aws_error *err);
    /* Bring the resource from n->actual to n->desired; NULL when every change replaces. */
    int (*update)(res_ctx *ctx, res_node *n, aws_error *err);
    /* Delete the resource (n->physical_id, n->actual) and wait until it is gone. */
    int (*remove)(res_ctx *ctx, res_node *n, aws_error *err);
    /* Top-level properties whose change forces a replacement (NULL-terminated, may be NULL). */
    const char *const *replace_on;
    /* Top-level properties used only at creation and never compared (NULL-terminated). */
    const char *const *create_only;
    /* Top-level properties that are lists of strings whose order does not matter: compared
     * (and shown) sorted (NULL-terminated, may be NULL). */
    const char *const *unordered;
    /* Top-level properties that hold a whole document in a canonical form (a task
     * definition): compared exactly, a member only on the actual side counting too, and
     * shown field by field under paths without the property's own name
     * ("containerDefinitions[web].image") (NULL-terminated, may be NULL). */
    const char *const *documents;
    /* Optional: add what `status` shows beyond id and state (a service's deployments,
     * events, target health, ...) to `out` (a cJSON object). */
    int (*status)(res_ctx *ctx, res_node *n, cJSON *out, aws_error *err);
    /* 1 when update() gives the resource a new physical id (a task definition revision):
     * references to it count as changing. */
    int new_id_on_update;
    /* Top-level attributes (beside the physical id) that update() gives new values (a
     * parameter's version): references to them count as changing while an update of the
     * node is planned, so what reads them is planned too (NULL-terminated, may be NULL). */
    const char *const *changing_attrs;
    /* 1 when replacing a kept node loses no data (an access point: its directory and files
     * stay in the file system), so `up` replaces it without --allow-replace. */
    int replace_keeps_data;
    /* Optional, for `up`: 1 when a node with nothing to change still has an operation
     * under way that an earlier run started and did not see through (it was killed or
     * interrupted): a service deployment in progress. Judged from n->actual, no call. */
    int (*unsettled)(const res_node *n);
    /* Optional, with unsettled: wait for that operation with reads only; 0 when it is
     * over, -1 with err (e.g. the deployment failed). */
    int (*settle)(res_ctx *ctx, res_node *n, aws_error *err);
    /* Optional, for `up`: once every action of the run is done, wait until a node this
     * run created (or replaced) serves users (an ALB: active), when its create left that
     * wait out because AWS lets the nodes after it go ahead meanwhile. 0, or -1 with err
     * (the run fails and rolls back). */
    int (*ready)(res_ctx *ctx, res_node *n, aws_error *err);
    /* Optional: runs once every kind's discovery has met the graph, before planning; may
     * read other nodes' actual properties to settle which resource this kind's nodes stand
     * for (a task definition family takes the revision its service runs). */
    int (*after_discover)(res_ctx *ctx, aws_error *err);
    /* Optional, for `up` once planned: 0 when this kind's planned actions can be carried
     * out, else -1 with err (AWS_ERR_INPUT) saying what stands in the way, so that `up`
     * stops before it changes anything (a record name no zone holds, a record someone else
     * wrote). Reads only, and only when the plan has something for it to look at. */
    int (*check)(res_ctx *ctx, aws_error *err);
    /* Optional, for `down`: what deleting n does besides deleting it, as changes shown
     * before `down` asks (a database: deletion protection turned off, its final
     * snapshot). Appends to out. */
    void (*delete_changes)(const res_ctx *ctx, const res_node *n, res_changes *out);
    /* The IAM permissions the stack's CI role needs for this kind (ci_policy.c calls every
     * kind's, in registry order, with the builder of ci_policy_internal.h): always what
     * discover and status call (every kind discovers on every `up`); when `mine` (the file
     * has nodes of the kind that are not external) also what create, update and remove
     * call, on the stack's own resources only. Every kind has one, or ci_ec2: the registry's
     * unit test fails for a kind with neither (ci_policy_covers). */
    void (*ci_grant)(struct ci_builder *b, int mine);
    /* The same as data, for an EC2 kind whose grants are only those of res_ec2_grants
     * (ci_grant NULL). */
    const res_ec2_grants *ci_ec2;
    /* The AWS service ("ecs.amazonaws.com") whose service-linked role AWS makes on this
     * kind's first create in an account: with `mine`, the CI role may have it made
     * (iam:CreateServiceLinkedRole for that service only, after the kind's grants). NULL:
     * none. */
    const char *linked_role;
};

/* ---- the registry (registry.c) ------------------------------------------------- */

/* One kind's row. The rows are in build order: a kind's nodes may depend only on nodes of
 * kinds in rows above. `deleted_after` names (separated by spaces) the kinds whose
 * resources must be gone before one of this kind is deleted; what those are deleted after
 * counts too. Adding a kind is its file and its row. */
typedef struct {
    const res_kind *kind;
    const char *deleted_after;
} res_kind_row;

/* The program's rows, ended by {NULL, NULL}. */
extern const res_kind_row res_registry_rows[];

/* Rows read and checked: the kinds in build order and the teardown order they give. */
struct res_registry {
    const res_kind **kinds; /* build order, NULL-terminated */
    size_t n;
    unsigned char *after;   /* after[i * n + j]: kind i is deleted only once kind j's are gone */
};

/* Read and check rows (ended by a row whose kind is NULL): every kind named, once; every
 * name in a teardown list a kind of the rows; no kind deleted after itself, directly or
 * not. NULL with a message in err otherwise. Free with res_registry_free. */
res_registry *res_registry_new(const res_kind_row *rows, char *err, size_t errlen);
void res_registry_free(res_registry *r);
/* The program's registry (read once; NULL when its rows are wrong: res_registry_check). */
const res_registry *res_registry_get(void);
/* 0 when the program's rows are right, else -1 with what is wrong (run at start). */
int res_registry_check(char *err, size_t errlen);
/* 1 when a resource of kind a may be deleted only once those of kind b are gone. */
int res_registry_deleted_after(const res_registry *r, const res_kind *a, const res_kind *b);
/* The program's kind of that name, or NULL. */
const res_kind *res_kind_by_name(const char *name);

/* ---- graph ---------------------------------------------------------------------- */

/* Build the graph of a stack in a region: every kind's build(). 0, or -1 with a message.
 * Free with res_graph_free (which frees the nodes, not the stack or the region). */
int res_graph_build(const stack_model *s, const char *region, res_graph **out, char *err,
                    size_t errlen);
void res_graph_free(res_graph *g);
/* For a kind's build: record why the stack cannot be built (formatted like printf), for
 * res_graph_build to return. Returns -1, the build's result. */
int res_graph_fail(res_graph *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A new node (owned by the graph) with desired properties (ownership passes to the node). */
res_node *res_graph_add(res_graph *g, const res_kind *kind, const char *name, const char *label,
                        cJSON *desired);
/* The same with the label formatted from fmt (printf). */
res_node *res_graph_addf(res_graph *g, const res_kind *kind, const char *name, cJSON *desired,
                         const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* The node KIND/NAME of a stack entry (its model) that names an existing resource by id:
 * external, desired {member: existing}, labelled "existing WHAT EXISTING". */
res_node *res_graph_add_existing(res_graph *g, const res_kind *kind, const char *name,
                                 const void *model, const char *member, const char *existing,
                                 const char *what);
res_node *res_graph_find(const res_graph *g, const char *id);
/* Record that n needs dep first. */
void res_node_depend(res_node *n, res_node *dep);
/* Record that n needs the node whose id is formatted from fmt (printf) first, when the
 * graph has one. Returns that node, or NULL. */
res_node *res_node_needs(res_graph *g, res_node *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* res_ref(id, attr) for n's desired properties, recording that n needs node `id` first. */
cJSON *res_ref_needed(res_graph *g, res_node *n, const char *id, const char *attr);
/* The dependency of n whose id starts with "<kind>/", or NULL. */
res_node *res_node_dep(const res_node *n, const char *kind);

/* {"ref": id, "attr": attr}: a reference to another node's attribute, for desired props. */
cJSON *res_ref(const char *id, const char *attr);
/* {"concat": parts}: a string made of parts (strings and references, e.g. a secret ARN
 * then ":json_key::"), replaced by the joined string once every part is known. Takes
 * ownership of parts (a cJSON array). */
cJSON *res_concat(cJSON *parts);
/* The value of a reference (a new string, caller frees), or NULL when not known yet. */
char *res_ref_value(res_ctx *ctx, const char *id, const char *attr);
/* A copy of `props` with every known reference replaced by its value (unknown ones are
 * left as they are). Caller frees with cJSON_Delete. */
cJSON *res_resolve(res_ctx *ctx, const cJSON *props);
/* 1 when props still hold an unresolved reference. */
int res_has_refs(const cJSON *props);

/* ---- the stack file's references ------------------------------------------------ */

/* Node ids of the things a stack file's ${KIND.NAME.ATTR} references name:
 *   load_balancers.NAME -> "alb/NAME", secrets.NAME -> "secret/NAME",
 *   buckets.NAME -> "bucket/NAME", services.NAME -> "service/NAME", zones.NAME -> "zone/NAME".
 * The attribute is looked up in that node's actual properties under the same name
 * (dns_name, arn, name, url, ...), so kinds put those attributes there. */
char *res_stack_ref_node_id(const stack_ref *ref);
/* A stack_ref_resolver over the graph (ud: the res_ctx): static values first, then
 * node attributes. */
int res_stack_ref_resolve(const stack_ref *ref, void *ud, char **value);

/* ---- comparing ------------------------------------------------------------------- */

/* The changes that turn `actual` into `desired`, one per differing field with its path
 * (only members of desired are compared; create_only members are skipped; replace_on
 * members mark their changes; unordered members are compared as sorted lists, shown
 * whole; documents members are compared exactly). Inside lists, elements are matched by
 * their natural key ("containerDefinitions[web].image", "environment.LOG_LEVEL"); see
 * diff_internal.h for the paths. `out` is reset first; free with res_changes_free. */
void res_diff(const res_kind *kind, const cJSON *desired, const cJSON *actual, res_changes *out);
void res_changes_free(res_changes *c);

/* ---- before `up` changes anything ------------------------------------------------ */

/* Every secret the plan creates (or replaces) with a first value from a file or the
 * environment can be read now: 0, or -1 with err (AWS_ERR_INPUT) naming the first that
 * cannot, so that `up` stops before making anything. */
int res_secret_check_sources(const res_graph *g, aws_error *err);

/* Every parameter the plan writes from a file (from_file:) can be read now and fits a
 * Standard parameter: 0, or -1 with err (AWS_ERR_INPUT) naming the first that cannot. */
int res_parameter_check_sources(const res_graph *g, aws_error *err);

/* Every existing security group the plan adds `reach` rules into exists (one
 * DescribeSecurityGroups, only when such rules are planned): 0, or -1 with err naming
 * the missing groups. */
int res_reach_check_groups(res_ctx *ctx, aws_error *err);

/* When the plan changes the CI identity (ci:'s role, its policies, the provider), the
 * caller is not that role (one GetCallerIdentity, only then): 0, or -1 with err
 * (AWS_ERR_INPUT) saying an administrator must apply this file, since the role may not
 * change its own rights and a half-applied `up` would stop at its policy. */
int res_ci_check_caller(res_ctx *ctx, aws_error *err);

/* ---- helpers for kinds ----------------------------------------------------------------- */

/* Report progress of a node (thread-safe). */
void res_event(res_ctx *ctx, const res_node *n, res_action action, res_event_kind kind,
               const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* One poll of a wait: 1 done, 0 not yet (with a short status line in `status`), -1 error. */
typedef int (*res_poll_fn)(res_ctx *ctx, res_node *n, void *ud, char *status, size_t len,
                           aws_error *err);
/* Poll until done with the one poll loop (aws_wait.h), showing "waiting for WHAT: STATUS
 * (12 s)" as progress when the status changes. Gives up after ctx->timeout_s
 * ("WaiterTimeout") or at a Ctrl-C (ctx->cancel, "Interrupted") with err naming what it
 * waited for and the last status. A wait that lasts looks less often (aws_wait_opts
 * .backoff). A service's deployment is waited for with ctx->watch. */
int res_wait(res_ctx *ctx, res_node *n, res_action action, const char *what, res_poll_fn poll,
             void *ud, aws_error *err);
/* res_wait whose first look comes only after first_intervals of the context's poll
 * interval (ctx->poll_s, 5 s by default): for what AWS documents as never done sooner (a
 * private DNS namespace: 30-90 s), so that no call asks before the answer can be yes. */
int res_wait_after(res_ctx *ctx, res_node *n, res_action action, const char *what,
                   double first_intervals, res_poll_fn poll, void *ud, aws_error *err);
/* res_wait for what AWS documents as taking tens of minutes (an RDS instance created,
 * changed or deleted): bounded by RES_LONG_WAIT_S, or by --timeout when it was given. */
#define RES_LONG_WAIT_S 3600
int res_wait_long(res_ctx *ctx, res_node *n, res_action action, const char *what,
                  res_poll_fn poll, void *ud, aws_error *err);
/* Sleep for `seconds` (util_sleep), returning early (-1) when cancelled. */
int res_sleep(res_ctx *ctx, double seconds);
/* For a poll function that deletes: the answer of one try, rc and err being the delete
 * call's. 1 when it is gone (rc 0, or AWS_IS_NOT_FOUND); 0 while AWS refuses because
 * something still uses it (AWS_IS_IN_USE, or the classes in `also`), with AWS's message as
 * status; else -1 (err kept). */
int res_delete_tried(int rc, aws_error *err, unsigned also, char *status, size_t len);
/* rc, or 0 (err cleared) when it failed because the resource is not there: a delete of
 * what is already gone, a read of what was deleted meanwhile. */
int res_not_found_ok(int rc, aws_error *err);

/* Run fn(ud, i) for i in 0..n-1 on up to `width` threads at once (discovery that needs
 * one call per resource). Returns 0 when every call returned 0, else -1 with the first
 * failure's error in err. */
typedef int (*res_each_fn)(void *ud, size_t i, aws_error *err);
int res_parallel(size_t n, int width, res_each_fn fn, void *ud, aws_error *err);
/* The same for reads that must all be made at once and judged afterwards, in the order
 * the caller chooses: every call runs whatever the others return; rcs[i] and errs[i]
 * (arrays of n, the caller's) receive each one's result and error. Returns 0 when every
 * call returned 0, else -1. */
int res_parallel_all(size_t n, int width, res_each_fn fn, void *ud, int *rcs, aws_error *errs);
/* After res_parallel_all: 0 when every rcs[i] is 0, else -1 with the first failure (in
 * index order) copied into err. */
int res_parallel_first_failure(size_t n, const int *rcs, const aws_error *errs, aws_error *err);
/* A kind's external nodes (the resources the file names by id, with their model) and the
 * results of reading them beside the list of the stack's own (res_externals_read): for a
 * discovery that lists the stack's resources and reads the existing ones in one round. */
typedef struct {
    const res_node **nodes;
    size_t n;
    int *rcs;        /* [0]: the list's result, [1 + k]: node k's read */
    aws_error *errs; /* the same for their errors */
    res_found *found; /* [k]: what node k's read found (res_externals_set; physical_id NULL:
                         nothing) */
} res_externals;
/* The external nodes of kind in ctx's graph. Free with res_externals_free. */
void res_externals_of(const res_ctx *ctx, const res_kind *kind, res_externals *out);
/* fn(ud, 0) (the list) and fn(ud, 1 + k) (a read of node k, which records what it found
 * with res_externals_set) all side by side (res_parallel_all), their results in x->rcs and
 * x->errs. Returns the list's: 0, or -1 with its error copied into err. */
int res_externals_read(res_externals *x, res_each_fn fn, void *ud, aws_error *err);
/* For the read of node k: its resource's physical id (copied) and actual properties
 * (taken). */
void res_externals_set(res_externals *x, size_t k, const char *physical_id, cJSON *props);
/* Then each node in order into out: what its read found. One whose read found nothing
 * (rc 0, nothing set) or failed because AWS says it is not there gets the note missing(ctx,
 * n) (a new string: what the file names that does not exist, and how to fix it): not
 * fatal in discovery, so that `down` and `status` still work (what needs it cannot be
 * made, and `up` refuses before any change). 0, or -1 with the first other failure's
 * error copied into err. */
typedef char *(*res_external_note_fn)(const res_ctx *ctx, const res_node *n);
int res_externals_found(res_externals *x, res_ctx *ctx, res_found_list *out,
                        res_external_note_fn missing, aws_error *err);
void res_externals_free(res_externals *x);
/* How many reads one kind makes side by side (discovery, status, reading one resource's
 * settings): enough that a stack's resources of one kind are read in one round trip. */
#define RES_READS_AT_ONCE 32

/* The account id of the credentials: STS GetCallerIdentity the first time (one call per
 * context, kept in ctx->account), then that answer. NULL with err when STS refuses. */
const char *res_account(res_ctx *ctx, aws_error *err);

/* "aws", "aws-cn" or "aws-us-gov" for the region, for ARNs built by hand. */
const char *res_partition(const res_ctx *ctx);

/* The standard tags for a node as a cJSON object {"ecsdeploy:stack": …, "ecsdeploy:id": …}
 * plus the stack's own tags. Caller frees. */
cJSON *res_tags(res_ctx *ctx, const res_node *n);
/* The same tags as a list for the service clients (svc_tags_free). */
void res_tags_list(res_ctx *ctx, const res_node *n, svc_tags *out);
/* 1 when a tag list says the resource belongs to this stack (and, with id, to that node). */
int res_tags_match(res_ctx *ctx, const svc_tags *tags, const char *id);
/* The node id (ecsdeploy:id) of a resource whose tags say it belongs to this stack, or
 * NULL (not the stack's, or no node id). Borrowed from tags. */
const char *res_tags_node(res_ctx *ctx, const svc_tags *tags);

/* Record what a create/update/remove left: the physical id (copied; NULL when gone) and
 * the actual properties (ownership passes; NULL when gone). Thread-safe. */
void res_node_set(res_ctx *ctx, res_node *n, const char *physical_id, cJSON *actual);
/* Record a create or update that AWS accepted whole, without reading it back: the actual
 * properties become n->desired (resolved while the action runs) plus `attrs` (members
 * only AWS's answer gives, an ARN; ownership passes; NULL: none). Only for a kind whose
 * calls set every desired member as written, so what discovery would read equals it. */
void res_node_set_desired(res_ctx *ctx, res_node *n, const char *physical_id, cJSON *attrs);

/* A status's "summary" (formatted like printf), and "healthy": false when !healthy. */
void res_status_summary(cJSON *out, int healthy, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Set props[name] to a string copy of value; NULL leaves the member out. */
void res_prop_str(cJSON *props, const char *name, const char *value);
/* A new object of string members from the pairs NAME, VALUE, ... ended by NULL (a NULL
 * value leaves its member out, as res_prop_str): the start of most properties. */
cJSON *res_props(const char *name, ...) __attribute__((sentinel));
/* props[name] when it is a string, else NULL (props may be NULL); borrowed from props. */
const char *res_prop_string(const cJSON *props, const char *name);
/* The same, "" when it is not a string: for text and comparisons. */
const char *res_prop_text(const cJSON *props, const char *name);
/* props[name] when it is a number, else dflt (props may be NULL); as an int the way cJSON
 * gives it (valueint: bounded to INT_MIN..INT_MAX). */
double res_prop_number(const cJSON *props, const char *name, double dflt);
int res_prop_int(const cJSON *props, const char *name, int dflt);
/* 1 when `array` (may be NULL) holds the string s. */
int res_array_has(const cJSON *array, const char *s);
/* 1 when desired has member `name` and actual (may be NULL) has not, or another value
 * (cJSON_Compare): what an update must write. */
int res_prop_changed(const cJSON *desired, const cJSON *actual, const char *name);

/* What `status` shows of ECS service `name` in `cluster` into `out`: desired, running,
 * pending, task_definition, revision, images, rollout_state and _reason, deployments, events
 * (newest first) and last_event_at, stopped_reasons, targets (counts by state, read from
 * target_group when not NULL) and healthy. seen_task_def (or NULL) is the revision whose
 * images may be read at once. -1 with err only when the service cannot be described. */
int res_service_status(aws_client *aws, const char *cluster, const char *name,
                       const char *seen_task_def, const char *target_group, cJSON *out,
                       aws_error *err);

/* ---- what the file said (deploy records, up keeps) ---------------------------------- */

/*
 * `ecsdeploy deploy` changes values the stack file also sets (a container's image and
 * environment variables, a service's desired count). So that `up` does not undo them, the
 * deploy records, on what it deploys, the values the file held before: a tag
 * RES_FILE_TAG_PREFIX + KEY on the task definition revision it registers (image and
 * environment) or on the service (desired count), whose value lists short hashes of those
 * values (never the values). `up` keeps a deployed value while the file still says one of
 * them, and takes the file's once it says something new (src/plan/keep.c).
 */
#define RES_FILE_TAG_PREFIX "ecsdeploy:file:"
#define RES_FILE_HASH_LEN 12
#define RES_FILE_RECORD_MAX 6

/* The tag key of a container's field ("image"; "env" with name the variable) or, with
 * container NULL, of a service's field ("desired_count"). New string. */
char *res_file_tag_key(const char *container, const char *field, const char *name);
/* 1 when record (may be NULL) holds value's hash. */
int res_file_record_has(const char *record, const char *value);
/* record (may be NULL) with value's hash added (once; the oldest dropped beyond
 * RES_FILE_RECORD_MAX). New string. */
char *res_file_record_add(const char *record, const char *value);
/* The records among tags as a JSON object {tag key: record}. New tree. */
cJSON *res_file_records_of(const svc_tags *tags);

/* AWS names come from stack_names.h (the stack file's validation checks the same names). */

#endif
