/*
 * Inside the stack-file loader: the YAML node tree with positions, the decoding context
 * and its typed getters. Used by the files of src/spec and their tests; other modules use spec.h.
 */
#ifndef ECSDEPLOY_SPEC_INTERNAL_H
#define ECSDEPLOY_SPEC_INTERNAL_H

#include <stddef.h>

#include "buf.h"
#include "spec.h"

/* ---- the node tree (yaml.c) ------------------------------------------------------ */

typedef enum { SPEC_NODE_NULL, SPEC_NODE_SCALAR, SPEC_NODE_MAP, SPEC_NODE_SEQ } spec_node_kind;

typedef struct spec_node {
    spec_node_kind kind;
    spec_loc loc;
    char *str;               /* SCALAR: text; NULL otherwise */
    int plain;               /* SCALAR: written unquoted */
    size_t n;                /* MAP: pairs; SEQ: items */
    struct spec_node **keys; /* MAP: key scalars */
    struct spec_node **vals; /* MAP: values; SEQ: items */
} spec_node;

/* Limits of the loader. */
#define SPEC_MAX_DEPTH 64
#define SPEC_MAX_NODES 100000        /* after expanding aliases */
#define SPEC_MAX_EXPANDED_BYTES (8 * 1024 * 1024)

/* Parse YAML (or JSON) into a node tree. Returns the root (free with spec_node_free) or
 * NULL after adding the problems to `d`. An empty document gives NULL and a problem. */
spec_node *spec_yaml_parse(const char *data, size_t len, spec_diags *d);
void spec_node_free(spec_node *n);
/* The value for `key` in a map; NULL when absent or the map is not a map. */
const spec_node *spec_node_get(const spec_node *map, const char *key);
/* "a mapping", "a list", "a string", "empty" — for messages. */
const char *spec_node_kind_name(const spec_node *n);

/* ---- problems (diag.c) ----------------------------------------------------------- */

void spec_diag_add(spec_diags *d, spec_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Order problems by place (stable). */
void spec_diags_sort(spec_diags *d);
/* The closest of `candidates` (NULL-terminated) to `word`, or NULL when none is close. */
const char *spec_suggest(const char *word, const char *const *candidates);
size_t spec_edit_distance(const char *a, const char *b);
/* No more suggestions once this many problems are known: they cost an edit distance per
 * candidate, and a hostile file could otherwise make validation quadratic. */
#define SPEC_SUGGEST_LIMIT 200

/* ---- decoding context (get.c) ---------------------------------------------------- */

typedef struct {
    spec_diags *d;
    spec_stack *s;   /* being built; params and name are set first */
    buf path;        /* "services.app.cpu" of the node being decoded */
    int templates;   /* 1 while decoding a TEMPLATE field */
    char **ref_paths; /* where each of s->refs was written ("outputs.url"), for messages */
} spec_ctx;

/* The path stack for messages. push appends ".seg" (or "seg" at the top, "[i]" for
 * push_index) and returns the old length to give back to pop. */
size_t spec_path_push(spec_ctx *c, const char *seg);
size_t spec_path_push_index(spec_ctx *c, size_t i);
void spec_path_pop(spec_ctx *c, size_t old);
const char *spec_path(const spec_ctx *c);

/* Report a problem at `n` prefixed with the current path. */
void spec_err(spec_ctx *c, const spec_node *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Like spec_err with the path extended by `key`. */
void spec_err_key(spec_ctx *c, const spec_node *n, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* 1 when n is a map; otherwise reports "PATH must be a mapping" and returns 0. */
int spec_want_map(spec_ctx *c, const spec_node *n);
/* Report every key of map `n` not in `allowed` (NULL-terminated), with a suggestion. */
void spec_check_keys(spec_ctx *c, const spec_node *n, const char *const *allowed);
/* Report a missing required key of map `n`. */
void spec_err_missing(spec_ctx *c, const spec_node *n, const char *key);

/* Scalars, interpolated. Each returns 0 when set (or absent: *out untouched) and -1 after
 * reporting a problem. Strings are new (free()). */
int spec_scalar(spec_ctx *c, const spec_node *n, char **out);
int spec_get_str(spec_ctx *c, const spec_node *map, const char *key, int required, char **out);
int spec_get_int(spec_ctx *c, const spec_node *map, const char *key, long min, long max, int *out);
int spec_node_int(spec_ctx *c, const spec_node *n, long min, long max, int *out);
int spec_get_double(spec_ctx *c, const spec_node *map, const char *key, double min, double max, double *out);
int spec_get_bool(spec_ctx *c, const spec_node *map, const char *key, int *out);
/* One of `names` (NULL-terminated): *out is its index. */
int spec_get_enum(spec_ctx *c, const spec_node *map, const char *key, const char *const *names, int *out);
int spec_node_enum(spec_ctx *c, const spec_node *n, const char *const *names, int *out);
/* 1 (after reporting) when list or map `n` has more than `max` entries of `what`. */
int spec_too_many(spec_ctx *c, const spec_node *n, size_t max, const char *what, const char *why);
/* The `enabled:` switch of a map (default true; false drops the element). */
int spec_enabled(spec_ctx *c, const spec_node *map);
/* A list of strings (a single string is taken as a one-item list when `single_ok`). */
int spec_get_strlist(spec_ctx *c, const spec_node *map, const char *key, int single_ok, char ***out, size_t *n);
void spec_strlist_free(char **v, size_t n);

/* ---- interpolation (interp.c) ---------------------------------------------------- */

/* Replace ${param}, ${stack}, ${env:NAME} and check ${KIND.NAME.ATTR} (kept in templates,
 * refused elsewhere) in the text of scalar `n`. Returns a new string (free()) or NULL
 * after reporting. */
char *spec_interpolate(spec_ctx *c, const spec_node *n, const char *text);

/* ---- the sections ---------------------------------------------------------------- */

int spec_decode_params(spec_ctx *c, const spec_node *n, const spec_options *opts);
void spec_decode_network(spec_ctx *c, const spec_node *n);
void spec_decode_secrets(spec_ctx *c, const spec_node *n);
void spec_decode_buckets(spec_ctx *c, const spec_node *n);
void spec_decode_load_balancers(spec_ctx *c, const spec_node *n);
void spec_decode_auth(spec_ctx *c, const spec_node *n, spec_auth *a);
void spec_decode_services(spec_ctx *c, const spec_node *n);
void spec_decode_container(spec_ctx *c, const spec_node *n, spec_container *k, int main);
void spec_decode_service_extras(spec_ctx *c, const spec_node *n, spec_service *svc);
void spec_decode_bootstrap(spec_ctx *c, const spec_node *n);
void spec_decode_outputs(spec_ctx *c, const spec_node *n);
/* Rules across sections, once everything is decoded. */
void spec_check_stack(spec_ctx *c, const spec_node *root);
void spec_check_names(spec_ctx *c, const spec_node *root);
/* Parts of spec_check_stack (check.c, check_graph.c). */
void spec_container_cycles(spec_ctx *c, spec_service *svc);
void spec_check_routes(spec_ctx *c, const spec_node *root);
void spec_check_bootstrap(spec_ctx *c, const spec_node *root);
void spec_check_refs(spec_ctx *c);
/* The node at root.k1.k2… (NULL-terminated keys), or the deepest one that exists. */
const spec_node *spec_at(const spec_node *root, ...);
/* Report at n (or at `fallback` when n is NULL); the message carries its own path. */
void spec_report(spec_ctx *c, const spec_node *n, spec_loc fallback, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Carve the new VPC's subnets once the tiers are known. */
void spec_network_carve(spec_ctx *c, const spec_node *root);

/* CIDR helpers (network.c). Parse "a.b.c.d/p" into a host-order address and prefix. */
int spec_parse_cidr(const char *s, unsigned *addr, int *prefix);
/* "a.b.c.d/p" as a new string (free()). */
char *spec_format_cidr(unsigned addr, int prefix);
/* Fargate cpu/memory: NULL when valid, else a new message to free. */
char *spec_fargate_check(int cpu, int memory, int *cpu_bad);
/* 1 when `days` is a CloudWatch Logs retention value. */
int spec_valid_retention(int days);

/* Helpers to free parts of the model (free.c). */
void spec_container_free(spec_container *k);
void spec_auth_free(spec_auth *a);

#endif
