/*
 * Inside the stack-file loader: the YAML node tree with positions, the decoding context
 * and its typed getters. Used by the files of src/stack and their tests; other modules use stack.h.
 */
#ifndef ECSDEPLOY_STACK_INTERNAL_H
#define ECSDEPLOY_STACK_INTERNAL_H

#include <stddef.h>

#include "buf.h"
#include "stack.h"
#include "suggest.h"

/* ---- the node tree (yaml.c) ------------------------------------------------------ */

typedef enum { STACK_NODE_NULL, STACK_NODE_SCALAR, STACK_NODE_MAP, STACK_NODE_SEQ } stack_node_kind;

typedef struct stack_node {
    stack_node_kind kind;
    stack_loc loc;
    char *str;               /* SCALAR: text; NULL otherwise */
    int plain;               /* SCALAR: written unquoted */
    size_t n;                /* MAP: pairs; SEQ: items */
    struct stack_node **keys; /* MAP: key scalars */
    struct stack_node **vals; /* MAP: values; SEQ: items */
} stack_node;

/* Limits of the loader. */
#define STACK_MAX_DEPTH 64
#define STACK_MAX_NODES 100000        /* after expanding aliases */
#define STACK_MAX_EXPANDED_BYTES (8 * 1024 * 1024)

/* Parse YAML (or JSON) into a node tree. Returns the root (free with stack_node_free) or
 * NULL after adding the problems to `d`. An empty document gives NULL and a problem. */
stack_node *stack_yaml_parse(const char *data, size_t len, stack_diags *d);
void stack_node_free(stack_node *n);
/* The value for `key` in a map; NULL when absent or the map is not a map. */
const stack_node *stack_node_get(const stack_node *map, const char *key);
/* "a mapping", "a list", "a string", "empty" — for messages. */
const char *stack_node_kind_name(const stack_node *n);

/* ---- problems (diag.c) ----------------------------------------------------------- */

void stack_diag_add(stack_diags *d, stack_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Order problems by place (stable). */
void stack_diags_sort(stack_diags *d);
/* No more suggestions once this many problems are known: they cost an edit distance per
 * candidate, and a hostile file could otherwise make validation quadratic. */
#define STACK_SUGGEST_LIMIT 200

/* ---- decoding context (get.c) ---------------------------------------------------- */

typedef struct {
    stack_diags *d;
    stack_model *s;   /* being built; params and name are set first */
    buf path;        /* "services.app.cpu" of the node being decoded */
    int templates;   /* 1 while decoding a TEMPLATE field */
    char **ref_paths; /* where each of s->refs was written ("outputs.url"), for messages */
    const stack_node *env_params; /* the selected environment's parameters, or NULL */
} stack_ctx;

/* The path stack for messages. push appends ".seg" (or "seg" at the top, "[i]" for
 * push_index) and returns the old length to give back to pop. */
size_t stack_path_push(stack_ctx *c, const char *seg);
size_t stack_path_push_index(stack_ctx *c, size_t i);
void stack_path_pop(stack_ctx *c, size_t old);
const char *stack_path(const stack_ctx *c);

/* Report a problem at `n` prefixed with the current path. */
void stack_err(stack_ctx *c, const stack_node *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Like stack_err with the path extended by `key`. */
void stack_err_key(stack_ctx *c, const stack_node *n, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* 1 when n is a map; otherwise reports "PATH must be a mapping" and returns 0. */
int stack_want_map(stack_ctx *c, const stack_node *n);
/* Report every key of map `n` not in `allowed` (NULL-terminated), with a suggestion. */
void stack_check_keys(stack_ctx *c, const stack_node *n, const char *const *allowed);
/* Report a missing required key of map `n`. */
void stack_err_missing(stack_ctx *c, const stack_node *n, const char *key);

/* Scalars, interpolated. Each returns 0 when set (or absent: *out untouched) and -1 after
 * reporting a problem. Strings are new (free()). */
int stack_scalar(stack_ctx *c, const stack_node *n, char **out);
int stack_get_str(stack_ctx *c, const stack_node *map, const char *key, int required, char **out);
int stack_get_int(stack_ctx *c, const stack_node *map, const char *key, long min, long max, int *out);
int stack_node_int(stack_ctx *c, const stack_node *n, long min, long max, int *out);
int stack_get_double(stack_ctx *c, const stack_node *map, const char *key, double min, double max, double *out);
int stack_get_bool(stack_ctx *c, const stack_node *map, const char *key, int *out);
/* One of `names` (NULL-terminated): *out is its index. */
int stack_get_enum(stack_ctx *c, const stack_node *map, const char *key, const char *const *names, int *out);
int stack_node_enum(stack_ctx *c, const stack_node *n, const char *const *names, int *out);
/* 1 when the block v of a map of named blocks is a mapping to decode (its keys checked
 * against `keys`); else 0 after reporting (an empty block: `needs` at its name key; none
 * when needs is NULL: an empty block takes the defaults). */
int stack_block_map(stack_ctx *c, const stack_node *key, const stack_node *v, const char *needs,
                    const char *const *keys);
/* 1 (after reporting) when list or map `n` has more than `max` entries of `what`. */
int stack_too_many(stack_ctx *c, const stack_node *n, size_t max, const char *what, const char *why);
/* The `enabled:` switch of a map (default true; false drops the element). */
int stack_enabled(stack_ctx *c, const stack_node *map);
/* A list of the file (of rules, ports, listeners...), read item by item. */
typedef struct {
    const char *not_list; /* the error when it is not a list */
    const char *empty;    /* the error when it is an empty one; NULL: empty is fine */
    size_t max;           /* more items than this is an error: "N WHAT, more than the */
    const char *what;     /* MAX WHY" */
    const char *why;
    size_t size;          /* > 0: the size of an item of the array made for them */
    /* non-NULL: an item must be a mapping with these keys (NULL-terminated); one that is
     * not is reported and not given to fn, unknown keys are reported before fn */
    const char *const *keys;
} stack_list;
typedef void (*stack_list_fn)(stack_ctx *c, const stack_node *item, void *ud);
/* Decode the list l (the path at its key) as d says: *items (when d->size) a new zeroed
 * array of l's size plus one, then fn for each item, the path at its index. 1, or 0 after
 * reporting that l is not such a list (then *items is untouched). */
int stack_decode_list(stack_ctx *c, const stack_node *l, const stack_list *d, void **items,
                      stack_list_fn fn, void *ud);
/* A list of strings (a single string is taken as a one-item list when `single_ok`). */
/* A list of a service's (map[key], at most 100): fn(c, item, svc) for each item (a mapping
 * with `keys` when keys is not NULL). */
void stack_each_item(stack_ctx *c, const stack_node *map, const char *key,
                     const char *const *keys, stack_list_fn fn, stack_service *svc);
/* A map of named entries (a container's environment:, ulimits:, the blocks below), read
 * entry by entry. */
typedef struct {
    const char *key;     /* its key, the path segment */
    const char *not_map; /* the error when it is no mapping; NULL: stack_want_map's */
    const char *empty;   /* reported for an empty map (which is then read as one); NULL: fine */
    size_t max;          /* more entries than this is an error: "N WHAT, more than the */
    const char *what;    /* MAX WHY" */
    const char *why;
    size_t size;         /* > 0: the size of an item of the array made for them */
} stack_entries;
typedef void (*stack_entry_fn)(stack_ctx *c, const stack_node *key, const stack_node *value,
                               void *ud);
/* Decode the map n (NULL: nothing) as d says, the path at d->key: *items (when d->size) a
 * new zeroed array of n's size plus one, then fn for each entry, the path at its key. 1, or
 * 0 when n is NULL or after reporting that it is no such map (then *items is untouched). */
int stack_decode_entries(stack_ctx *c, const stack_node *n, const stack_entries *d, void **items,
                         stack_entry_fn fn, void *ud);
/* A map of named blocks: a section of the file ("secrets:", "load_balancers:") or of a
 * block (a file system's "access_points:"). */
typedef struct {
    const char *key;         /* its key, the path segment */
    size_t max;              /* more blocks than this is an error: "N WHAT, more than the */
    const char *what;        /* MAX WHY" */
    const char *why;
    int skip_disabled;       /* a block with `enabled: false` is left out */
    const char *empty_error; /* the error for a map without blocks, or NULL */
    size_t size;             /* a block's model (STACK_BLOCKS_OF): its size and where its */
    size_t name_at, loc_at;  /* `char *name` and `stack_loc loc` are, set from the key */
} stack_blocks;
#define STACK_BLOCKS_OF(type)                                                                \
    .size = sizeof(type), .name_at = offsetof(type, name), .loc_at = offsetof(type, loc)
/* Decode one block, the path at its name: items[i] of the array stack_decode_blocks makes
 * (items[0..i) hold the blocks before it; its name and location are set), from key (the
 * name) and block (NULL when empty). */
typedef void (*stack_block_fn)(stack_ctx *c, const stack_node *key, const stack_node *block,
                               void *items, size_t i);
/* Decode the map n (NULL: nothing) with fn into a new zeroed array of n's size plus one
 * blocks, *count the blocks decoded (counted before fn sees each); NULL when n is no such
 * map. The model's free functions free the array. */
void *stack_decode_blocks(stack_ctx *c, const stack_node *n, const stack_blocks *b, size_t *count,
                          stack_block_fn fn);
/* The number of items of the list map[key] (0 when it is not a list). */
size_t stack_list_len(const stack_node *map, const char *key);
int stack_get_strlist(stack_ctx *c, const stack_node *map, const char *key, int single_ok, char ***out, size_t *n);
void stack_strlist_free(char **v, size_t n);

/* ---- interpolation (interp.c) ---------------------------------------------------- */

/* Replace ${param}, ${stack}, ${env:NAME} and check ${KIND.NAME.ATTR} (kept in templates,
 * refused elsewhere) in the text of scalar `n`. Returns a new string (free()) or NULL
 * after reporting. */
char *stack_interpolate(stack_ctx *c, const stack_node *n, const char *text);

/* ---- the sections ---------------------------------------------------------------- */

/* A section that is a map of named blocks is a row of load.c's table of sections: its
 * limits, its model's members and the decoder of one block (stack_block_fn), below. */

int stack_decode_params(stack_ctx *c, const stack_node *n, const stack_options *opts);
void stack_decode_network(stack_ctx *c, const stack_node *n);
void stack_decode_secret(stack_ctx *c, const stack_node *key, const stack_node *v, void *items,
                         size_t at);
/* `generate:` (true, or a map of length and character classes) into a secret's settings
 * (source GENERATE). */
void stack_decode_generate(stack_ctx *c, const stack_node *g, stack_secret *sec);
/* ---- freeing the model (model.c) ------------------------------------------------- */

/* What a struct of the model owns, one row a member: a string, or a list of strings with
 * its count; the model's free functions free by these tables. */
typedef enum { STACK_OWN_END, STACK_OWN_STR, STACK_OWN_LIST } stack_own_kind;
typedef struct {
    stack_own_kind kind;
    size_t off;   /* offsetof the char * (STR) or char ** (LIST) */
    size_t count; /* LIST: offsetof its size_t count */
} stack_owned;
#define STACK_OWNS(T, f) {STACK_OWN_STR, offsetof(T, f), 0}
#define STACK_OWNS_LIST(T, f, n) {STACK_OWN_LIST, offsetof(T, f), offsetof(T, n)}
#define STACK_OWNS_END {STACK_OWN_END, 0, 0}
/* Free what the struct at p owns, by the table `owned` (p itself stays). */
void stack_free_owned(void *p, const stack_owned *owned);
/* The same for each of the n items of `size` bytes at items, then the array. */
void stack_free_items(void *items, size_t n, size_t size, const stack_owned *owned);

/* file_systems: and parameter_store: (storage.c), their rules across sections, freeing
 * them (their part of the JSON model is in json.c, with the rest). */
void stack_decode_file_system(stack_ctx *c, const stack_node *key, const stack_node *v, void *items,
                              size_t at);
void stack_decode_parameter(stack_ctx *c, const stack_node *key, const stack_node *v, void *items,
                            size_t at);
void stack_check_storage(stack_ctx *c);
void stack_storage_free(stack_model *s);
void stack_decode_bucket(stack_ctx *c, const stack_node *key, const stack_node *v, void *items,
                         size_t at);
/* buckets.NAME.cors (cors.c), sites: (sites.c) and ci: (ci.c). */
void stack_decode_cors(stack_ctx *c, const stack_node *list, stack_bucket *b);
void stack_decode_site(stack_ctx *c, const stack_node *key, const stack_node *v, void *items,
                       size_t at);
void stack_decode_ci(stack_ctx *c, const stack_node *n);
void stack_decode_load_balancer(stack_ctx *c, const stack_node *key, const stack_node *v,
                                void *items, size_t at);
/* DNS (dns.c): zones:, a balancer's domain:/domains:, a listener's certificate: (after its
 * certificates:, with the balancer's domains decoded), and one name per balancer. */
void stack_decode_zone(stack_ctx *c, const stack_node *key, const stack_node *v, void *items,
                       size_t at);
void stack_decode_domains(stack_ctx *c, const stack_node *map, stack_load_balancer *lb);
void stack_decode_listener_certificate(stack_ctx *c, const stack_node *map, stack_listener *l,
                                       const stack_load_balancer *lb);
void stack_check_domains(stack_ctx *c, const stack_node *root);
/* NULL when `name` (lower case, no final dot) is a domain name of two labels or more (a
 * leading "*." when wildcard_ok), else why not. */
const char *stack_check_domain(const char *name, int wildcard_ok);
void stack_decode_auth(stack_ctx *c, const stack_node *n, stack_auth *a);
void stack_decode_service(stack_ctx *c, const stack_node *key, const stack_node *v, void *items,
                          size_t at);
void stack_decode_container(stack_ctx *c, const stack_node *n, stack_container *k, int main);
/* The parts of a service beside its containers (service_volumes.c, service_access.c,
 * service_deployment.c). */
void stack_decode_volumes(stack_ctx *c, const stack_node *n, stack_service *svc);
void stack_decode_access(stack_ctx *c, const stack_node *n, stack_service *svc);
void stack_decode_deployment(stack_ctx *c, const stack_node *n, stack_service *svc);
/* databases: and caches: (databases.c): the sections, a service's uses of them, the
 * default subnets (before the network's defaults: a database may ask for private ones),
 * the rules across sections (which also put the uses' values into the main container's
 * environment), the model as JSON, and freeing. */
void stack_decode_database(stack_ctx *c, const stack_node *key, const stack_node *v, void *items,
                           size_t at);
void stack_decode_cache(stack_ctx *c, const stack_node *key, const stack_node *v, void *items,
                        size_t at);
/* A service's (container 0) or a sidecar's databases: and caches: keys. */
void stack_decode_store_uses(stack_ctx *c, const stack_node *n, stack_service *svc,
                             size_t container);
void stack_databases_defaults(stack_ctx *c);
void stack_check_databases(stack_ctx *c, const stack_node *root);
char *stack_database_static_value(const stack_model *s, const stack_ref *r);
void stack_databases_free(stack_model *s);
void stack_store_uses_free(stack_service *v);
/* 1 when the network has subnets of that tier (check.c). */
int stack_network_has_tier(const stack_network *net, stack_tier t);
/* egress (service_egress.c), scaling (service_scaling.c), Service Connect (connect.c):
 * decoders take the service's map; the checks run once every service is decoded. */
void stack_decode_egress(stack_ctx *c, const stack_node *n, stack_service *svc);
void stack_check_egress(stack_ctx *c, const stack_service *v);
void stack_decode_scaling(stack_ctx *c, const stack_node *svc_node, stack_service *svc);
void stack_check_scaling(stack_ctx *c, const stack_node *root, stack_service *v);
void stack_decode_connect_namespace(stack_ctx *c, const stack_node *n);
void stack_decode_connect(stack_ctx *c, const stack_node *svc_node, stack_service *svc);
void stack_check_connect(stack_ctx *c, const stack_node *root);
void stack_decode_bootstrap_step(stack_ctx *c, const stack_node *key, const stack_node *v,
                                 void *items, size_t at);
/* cluster: (cluster.c), and a capacity provider strategy list (also a service's). */
void stack_decode_cluster(stack_ctx *c, const stack_node *n);
void stack_decode_capacity(stack_ctx *c, const stack_node *n, stack_capacity **out, size_t *nout);
void stack_capacity_free(stack_capacity *cap, size_t n);
/* logs: { retention_days: N|never, name } of the stack or a service (logs.c); which group
 * each service logs to (run by stack_check_settings). */
void stack_decode_logs(stack_ctx *c, const stack_node *n, int *retention_days, char **name);
void stack_resolve_log_groups(stack_ctx *c, const stack_node *root);
/* An IAM Condition block { OPERATOR: { KEY: VALUE | [VALUES] } } checked and turned into
 * JSON text (iam_conditions.c); NULL after reporting. */
char *stack_decode_conditions(stack_ctx *c, const stack_node *n);
/* Rules of the settings across sections: log groups, registry credentials (settings.c). */
void stack_check_settings(stack_ctx *c, const stack_node *root);
/* Rules across sections, once everything is decoded. */
void stack_check_stack(stack_ctx *c, const stack_node *root);
void stack_check_names(stack_ctx *c, const stack_node *root);
/* Parts of stack_check_stack (check.c, check_graph.c). */
void stack_container_cycles(stack_ctx *c, stack_service *svc);
void stack_check_routes(stack_ctx *c, const stack_node *root);
void stack_check_bootstrap(stack_ctx *c, const stack_node *root);
void stack_check_refs(stack_ctx *c);
/* The node at root.k1.k2… (NULL-terminated keys), or the deepest one that exists. */
const stack_node *stack_at(const stack_node *root, ...);
/* Report at n (or at `fallback` when n is NULL); the message carries its own path. */
void stack_report(stack_ctx *c, const stack_node *n, stack_loc fallback, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Carve the new VPC's subnets once the tiers are known. */
void stack_network_carve(stack_ctx *c, const stack_node *root);

/* CIDR helpers (network.c). Parse "a.b.c.d/p" into a host-order address and prefix. */
int stack_parse_cidr(const char *s, unsigned *addr, int *prefix);
/* "a.b.c.d/p" as a new string (free()). */
char *stack_format_cidr(unsigned addr, int prefix);
/* An IPv4 or IPv6 CIDR as AWS writes it (new string), or NULL with *why (new string,
 * free()) saying what is wrong: not a CIDR, or host bits set. */
char *stack_cidr_check(const char *text, char **why);
/* Fargate cpu/memory: NULL when valid, else a new message to free. */
char *stack_fargate_check(int cpu, int memory, int *cpu_bad);
/* 1 when `days` is a CloudWatch Logs retention value. */
int stack_valid_retention(int days);

/* ---- environments (environments.c) --------------------------------------------- */

/* Check every environment of root's `environments:` (names into s->environments) and
 * apply `selected` (may be NULL): its overrides merged into root, its parameters in
 * c->env_params, s->environment set. -1 (reported) when selected is not declared. */
int stack_environment_apply(stack_ctx *c, stack_node *root, const char *selected);
/* Once the parameters are decoded: every environment names only declared ones. */
void stack_environment_check_params(stack_ctx *c, const stack_node *root);

#endif
