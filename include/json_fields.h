/*
 * Writing a C struct as JSON members from a table of its fields: the one writer behind the
 * "a member per field" objects (validate --output json, events, properties) and the
 * services' requests (svc_write reads its input tables' rows as rules of this one). A table
 * keeps the member names, their order and the rule for leaving a member out in one
 * place; what a table cannot say (a name computed from an enum, a member that depends on
 * another) stays written by hand beside it.
 *
 *     static const util_json_field health[] = {
 *         UTIL_JF("path", STR, stack_lb_health, path),
 *         UTIL_JF("interval", INT, stack_lb_health, interval),
 *         UTIL_JF_END};
 *     util_json_object(o, "health_check", health, &a->health);
 */
#ifndef ECSDEPLOY_JSON_FIELDS_H
#define ECSDEPLOY_JSON_FIELDS_H

#include <stddef.h>

struct cJSON;

typedef enum {
    UTIL_JSON_STR,        /* char *: a string, left out when NULL */
    UTIL_JSON_STR_NULL,   /* char *: a string, null when NULL */
    UTIL_JSON_INT,        /* int: a number */
    UTIL_JSON_INT_SET,    /* int: a number, left out when 0 (0: not set) */
    UTIL_JSON_INT_OPT,    /* int: a number, left out when negative (-1: not set) */
    UTIL_JSON_DOUBLE,     /* double: a number */
    UTIL_JSON_DOUBLE_SET, /* double: a number, left out when 0 */
    UTIL_JSON_BOOL,       /* int: true when not 0, else false */
    UTIL_JSON_STRS,       /* char **, its size_t count at `count`: an array of strings */
    /* The rules of a request's optional members (svc_write), where 0 means "not given": */
    UTIL_JSON_INT_POS,    /* int: a number, left out unless > 0 */
    UTIL_JSON_LONG_POS,   /* long: likewise */
    UTIL_JSON_LLONG_POS,  /* long long: likewise */
    UTIL_JSON_DOUBLE_POS, /* double: likewise */
    UTIL_JSON_BOOL_SET,   /* int: true, left out when 0 */
    UTIL_JSON_TRI,        /* int: left out when 0, else true when > 0 and false when < 0 */
} util_json_type;

typedef struct {
    const char *name; /* the member, or a path "A.B": member B of the object A (made when a
                         member goes into it); NULL ends a table */
    util_json_type type;
    size_t off;       /* offsetof the field */
    size_t count;     /* UTIL_JSON_STRS: offsetof its count */
} util_json_field;

/* A row: the field f of struct T as the member `name`, TYPE one of the UTIL_JSON_ suffixes
 * (STR, INT, BOOL, ...). */
#define UTIL_JF(name, TYPE, T, f) {name, UTIL_JSON_##TYPE, offsetof(T, f), 0}
/* A row: the strings T.f, T.n as the array `name`. */
#define UTIL_JF_STRS(name, T, f, n) {name, UTIL_JSON_STRS, offsetof(T, f), offsetof(T, n)}
#define UTIL_JF_END {NULL, UTIL_JSON_STR, 0, 0}

/* Add to the object o a member for each row of fields, in order, read from the struct in. */
void util_json_write(struct cJSON *o, const util_json_field *fields, const void *in);
/* util_json_write into a new object, the member `name` of o; returns it (owned by o). */
struct cJSON *util_json_object(struct cJSON *o, const char *name, const util_json_field *fields,
                               const void *in);
/* Append to the array a an object for each of the n structs of `size` bytes at items,
 * written with fields. */
void util_json_items(struct cJSON *a, const util_json_field *fields, const void *items, size_t size,
                     size_t n);
/* util_json_items into a new array, the member `name` of o; returns it (owned by o). */
struct cJSON *util_json_array(struct cJSON *o, const char *name, const util_json_field *fields,
                              const void *items, size_t size, size_t n);

#endif
