/*
 * The pieces every service client (services/) builds and reads the same way: one-member
 * inputs, lists of strings and tag lists in each service's spelling going out; strings,
 * string lists and tags copied out of the answers coming back. An operation is written
 * with them as:
 *   - the call: svc_json_call (JSON protocols) or svc_query_call (query), ended by
 *     svc_call_end, behind each client's one-line `call`;
 *   - the input: svc_input, svc_add_str, svc_add_strings, svc_tags_json, or svc_write with
 *     a field table of an input struct;
 *   - the answer: svc_call_read (one item, read by its field table), svc_call_str (one
 *     string), svc_call_tags (tags), svc_read_strings (a list of strings);
 *   - a list of every page: svc_list (or svc_pages for the raw items) with the service's
 *     svc_api (protocol, tokens, page size);
 *   - an output struct: its field table, read by svc_read and freed by svc_free.
 */
#ifndef ECSDEPLOY_SVC_JSON_INTERNAL_H
#define ECSDEPLOY_SVC_JSON_INTERNAL_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "aws.h"
#include "aws_paginate.h"
#include "svc.h"

typedef struct svc_shape svc_shape;

/* Calling JSON-protocol services. */

enum {
    SVC_PREFIX = 1, /* errors begin "Operation: " */
    SVC_WIPE = 2,   /* the input and an unread answer may hold secrets: wiped when freed */
};
/* How every client's call ends, whatever the protocol: rc and the answer of op; errors
 * prefixed "op: " with SVC_PREFIX; *out the answer when rc is 0 (else NULL), or out NULL
 * to delete it (wiped with SVC_WIPE). Returns rc. */
int svc_call_end(int rc, const char *op, int flags, cJSON *answer, cJSON **out,
                 aws_error *err);
/* Refuse an input before any call is made: err set to AWS_ERR_INPUT with code and the
 * message formatted from fmt; returns -1, so that a check reads
 *     if (!in || !in->name)
 *         return svc_refuse(err, "InvalidParameterException", "CreateX needs a name"); */
int svc_refuse(aws_error *err, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Call service's op with in (owned, deleted); *out the answer (cJSON_Delete; NULL when
 * the call fails), or out NULL to discard it. */
int svc_json_call(aws_client *c, const char *service, const char *op, cJSON *in, cJSON **out,
                  int flags, aws_error *err);

/* Listing: what differs from one service to the next, in one table per service (per
 * paging style), so that one pager and one list-reader serve them all. */
typedef enum { SVC_QUERY, SVC_JSON } svc_protocol;
typedef struct {
    svc_protocol protocol;
    const char *service;
    const char *const *maps;  /* query: lists of the requests (aws_query_call's maps) */
    const char *const *lists; /* query: lists of the answers, so that empty ones become [] */
    const char *in_token;     /* the pages: the input's token, the answer's, and the */
    const char *out_token;    /* answer's "there is more" flag (NULL: a token says it) */
    const char *truncated;
    const char *page_size;    /* the input member that sizes a page */
    int flags;                /* SVC_PREFIX or 0 */
} svc_api;

/* One query-protocol call of action with in (deleted), lost answers recovered by guard
 * (may be NULL); ends as svc_call_end does. */
int svc_query_call(aws_client *c, const svc_api *api, const char *action, cJSON *in,
                   const aws_lost_answer *guard, cJSON **out, aws_error *err);
/* Every page of op (in, NULL: {}, is not modified; page_size > 0 sizes the pages): the
 * elements of `items` in *all (cJSON_Delete). */
int svc_pages(aws_client *c, const svc_api *api, const char *op, const cJSON *in,
              const char *items, int page_size, cJSON **all, aws_error *err);
/* The same with in deleted and the elements read with shape into {*out, *n} (emptied
 * first). */
int svc_list(aws_client *c, const svc_api *api, const char *op, cJSON *in, const char *items,
             int page_size, const svc_shape *shape, void **out, size_t *n, aws_error *err);

/* What a lost-answer finder (aws_lost_answer) or a waiter's poll is given: the client and
 * what names the thing it looks for (each finder or poll says which members it reads). */
typedef struct {
    aws_client *c;
    const char *id;   /* the id, name, token or URL looked for */
    const char *id2;  /* a second one (a caller reference's comment, a token's file system) */
    const cJSON *in;  /* the call's input, for a finder that compares with it */
    int want_gone;    /* a poll: what is waited for is the thing's end */
    const void *kind; /* a poll: its waiter's row in a table of waiters */
} svc_lookup;

/* Building requests. */

/* Add the string member `name` when value is not NULL (an optional input member). */
void svc_add_str(cJSON *obj, const char *name, const char *value);
/* A new input object with one string member (NULL value: ""); name NULL: an empty object. */
cJSON *svc_input(const char *name, const char *value);
/* A new array of the n strings of items (items may be NULL when n is 0). */
cJSON *svc_array_json(const char *const *items, size_t n);
/* The same for a list of strings (NULL: empty). */
cJSON *svc_strings_json(const svc_strings *s);
/* Add a member `name`: the strings of a NULL-terminated list, only when it has any. */
void svc_add_strings(cJSON *obj, const char *name, const char *const *list);
/* Add a member `name`: the tags (may be NULL) as {key, value} objects in the service's
 * spelling (key NULL: as a map, see svc_tags_map_json), only when there are any. */
void svc_add_tags(cJSON *obj, const char *name, const svc_tags *tags, const char *key,
                  const char *value);
/* A new array of the tags (may be NULL) as {key: k, value: v}, in the member names the
 * service spells ("Key"/"Value", "key"/"value"); a missing value is sent as "". */
cJSON *svc_tags_json(const svc_tags *tags, const char *key, const char *value);

/* A new object {key: value, ...} of the tags (may be NULL); a missing value is "". */
cJSON *svc_tags_map_json(const svc_tags *tags);

/* Reading answers. */

/* A new copy of the string member (xstrdup; free()), "" when absent or not a string. */
char *svc_json_dup(const cJSON *obj, const char *name);
/* The same for a member two levels down (obj.a.b). */
char *svc_json_dup2(const cJSON *obj, const char *a, const char *b);
/* Append every string of the array member (or every `field` of its objects when field is
 * not NULL) to out. */
void svc_json_strings(const cJSON *obj, const char *name, const char *field, svc_strings *out);
/* Append every string of the array items (or every `field` of its objects when field is
 * not NULL) to out, and delete items (a list of answers' items); 0. */
int svc_read_strings(cJSON *items, const char *field, svc_strings *out);
/* Append the array member's {kname, vname} objects to out as tags (name NULL: obj is the
 * array). */
void svc_json_tags(const cJSON *obj, const char *name, const char *kname, const char *vname,
                 svc_tags *out);
/* Append the string members of the object member `name` (a map) to out as tags. */
void svc_json_tag_map(const cJSON *obj, const char *name, svc_tags *out);
/* Overwrite the bytes of obj's string member `name` (a secret) before the tree is freed. */
void svc_wipe_member(cJSON *obj, const char *name);
/* The value at path below obj: member names joined by '.', a segment of digits indexing
 * an array ("attachmentSet.0.vpcId"); NULL when any step is missing. */
const cJSON *svc_json_at(const cJSON *obj, const char *path);

/*
 * Output structs by table. Each output struct of a client has one shape: the table of its
 * fields (the wire member, the C type, the offset) from which svc_read fills it and
 * svc_free frees it, so a reader and its _free cannot drift apart:
 *
 *     static const svc_shape vpc_shape = SVC_SHAPE(ec2_vpc, NULL, NULL,
 *         SVC_FIELD("vpcId", SVC_STR, ec2_vpc, id),
 *         SVC_FIELD("isDefault", SVC_BOOL, ec2_vpc, is_default),
 *         SVC_FTAGS("tagSet", ec2_vpc, tags, "key", "value"));
 *
 * What a table cannot say (a computed field) the shape's read_more and free_more do (the
 * two NULLs above). A table that is also written (svc_write) is a named svc_field array
 * ended by SVC_END, and its shape is {sizeof(T), fields, read_more, free_more}.
 */
typedef enum {
    SVC_STR,      /* char *: a copy of the string, "" when absent */
    SVC_STR_NULL, /* char *: a copy of the string, NULL when absent */
    SVC_SECRET,   /* char *: as SVC_STR, wiped when freed */
    SVC_SECRET_NULL, /* char *: as SVC_STR_NULL, wiped when freed */
    SVC_BOOL,     /* int: 1 or 0 (0 when absent) */
    SVC_INT,      /* int: a number (0 when absent) */
    SVC_LONG,     /* long */
    SVC_LLONG,    /* long long */
    SVC_TIME,     /* time_t: epoch seconds */
    SVC_DOUBLE,   /* double */
    SVC_STRINGS,  /* svc_strings: an array's strings, or each of its objects' member `key` */
    SVC_TAGS,     /* svc_tags: an array's {key, value} objects ("Key"/"Value" when NULL) */
    SVC_TAG_MAP,  /* svc_tags: an object's string members */
    SVC_LIST,     /* T *items at off, its size_t count at `count`: an array read with sub */
    SVC_OBJ,      /* a struct at off, read with sub from the object ("": this object) */
    SVC_RAW,      /* cJSON *: a copy of the member ("": of the whole object), {} when absent */
    SVC_KEPT,     /* char *: not read (the shape's read_more sets it), freed with the rest */
    SVC_KEPT_STRINGS, /* svc_strings: likewise */
    SVC_KEPT_TAGS,    /* svc_tags: likewise */
    SVC_TRI,      /* int: read as SVC_BOOL; written (svc_write) when not 0, > 0 true */
} svc_type;

typedef struct {
    const char *name;     /* the member (a path, see svc_json_at); NULL ends a table */
    svc_type type;
    size_t off;           /* offsetof the field */
    size_t count;         /* SVC_LIST: offsetof its count */
    const svc_shape *sub; /* SVC_LIST, SVC_OBJ: the shape of an item */
    const char *key;      /* SVC_TAGS: the key member; SVC_STRINGS: the member of each object */
    const char *value;    /* SVC_TAGS: the value member */
    long def;             /* SVC_INT, SVC_LONG, SVC_LLONG: the value when absent */
} svc_field;

/* Rows of a table: a field of struct T read from member `name`. */
#define SVC_FIELD(name, type, T, f) {name, type, offsetof(T, f), 0, NULL, NULL, NULL, 0}
/* A number (SVC_INT, SVC_LONG, SVC_LLONG) with a default other than 0. */
#define SVC_FDEF(name, type, T, f, def) {name, type, offsetof(T, f), 0, NULL, NULL, NULL, def}
/* svc_strings from the member `key` of each object of the array. */
#define SVC_FSTRINGS(name, T, f, key) {name, SVC_STRINGS, offsetof(T, f), 0, NULL, key, NULL, 0}
/* svc_tags from {key, value} objects. */
#define SVC_FTAGS(name, T, f, key, value) {name, SVC_TAGS, offsetof(T, f), 0, NULL, key, value, 0}
/* The list T.items / T.count of items read with shape (a pointer). */
#define SVC_FLIST(name, T, items, count, shape)                                             \
    {name, SVC_LIST, offsetof(T, items), offsetof(T, count), shape, NULL, NULL, 0}
/* A struct inside T read with shape from the object `name`. */
#define SVC_FOBJ(name, T, f, shape) {name, SVC_OBJ, offsetof(T, f), 0, shape, NULL, NULL, 0}
#define SVC_END {NULL, SVC_STR, 0, 0, NULL, NULL, NULL, 0}

struct svc_shape {
    size_t size;             /* sizeof the struct */
    const svc_field *fields; /* ended by {NULL} */
    /* May be NULL: what the table cannot say (into SVC_KEPT fields, freed by the table),
     * read after it; free_more frees what else it read. */
    void (*read_more)(const cJSON *j, void *out);
    void (*free_more)(void *p);
};

/* The shape of struct T: read_more and free_more (may be NULL) and the rows of its table
 * (SVC_FIELD, ...; the table's end, SVC_END, is added here). An initializer of a
 * `const svc_shape`; the table lives as long as the program. */
#define SVC_SHAPE(T, read_more, free_more, ...)                                             \
    {sizeof(T), (const svc_field[]){__VA_ARGS__, SVC_END}, read_more, free_more}

/* Define a client's public `void fn(T *p)` freeing one T, and `void fn(L *l)` freeing a
 * list {T *items; size_t n;}, from T's shape. */
#define SVC_DEFINE_FREE(fn, T, shape)                                                       \
    void fn(T *p) { svc_free(&(shape), p); }
#define SVC_DEFINE_LIST_FREE(fn, L, shape)                                                  \
    void fn(L *l) { svc_free_list(&(shape), (void **)&l->items, &l->n); }

/* The other way: add to the request obj the members of an input struct in that are set,
 * by a table of its fields: strings when not NULL, numbers when > 0, SVC_BOOL true when
 * not 0, SVC_TRI as said there; a path "A.B" adds B to the object A (made when needed).
 * Other types are the caller's to add. The writing is the program's one table writer's
 * (json_fields.h), each row read as its rule of the same name (UTIL_JSON_INT_POS, ...). */
void svc_write(cJSON *obj, const svc_field *fields, const void *in);

/* Fill out (zeroed first) from the wire object j (may be NULL: all empty). */
void svc_read(const cJSON *j, const svc_shape *s, void *out);
/* Free what svc_read filled in p and zero it. */
void svc_free(const svc_shape *s, void *p);
/* Append every element of the array arr to the list {*items, *n}, read with s. */
void svc_read_list(const cJSON *arr, const svc_shape *s, void **items, size_t *n);
/* Free every item of the list {*items, *n} and the array; leaves it empty. */
void svc_free_list(const svc_shape *s, void **items, size_t *n);
/* Read the answer's member at path (NULL: the answer itself) into out (may be NULL),
 * delete the answer, return 0: a call that returns one item ends with
 *     return xxx_call(..., &resp, err) ? -1 : svc_read_answer(resp, "vpc", &shape, out); */
int svc_read_answer(cJSON *resp, const char *path, const svc_shape *s, void *out);
/* A client's call of op with in (owned); *out its answer (cJSON_Delete). */
typedef int (*svc_call_fn)(aws_client *c, const char *op, cJSON *in, cJSON **out,
                           aws_error *err);
/* Call op and read the answer's member at path (NULL: the answer; "Items.0": the first of a
 * list) into out (may be NULL; zeroed first): the one "call and read one item" of every
 * client. */
int svc_call_read(svc_call_fn call, aws_client *c, const char *op, cJSON *in, const char *path,
                  const svc_shape *shape, void *out, aws_error *err);
/* The same for one string: *out (out may be NULL) a copy of the member at path, "" when
 * absent; the answer is deleted; 0. */
int svc_answer_str(cJSON *resp, const char *path, char **out);
/* Call op and copy the string member at path of its answer into *out (out may be NULL;
 * NULL when the call fails, "" when the member is absent): the one "call and read one
 * string" of every client (an id, an ARN, an operation id). */
int svc_call_str(svc_call_fn call, aws_client *c, const char *op, cJSON *in, const char *path,
                 char **out, aws_error *err);
/* Call op (a ListTagsForResource) and read its answer's tags at member `name` into out
 * (emptied first): {key, value} objects in the service's spelling, or (key NULL) a map. */
int svc_call_tags(svc_call_fn call, aws_client *c, const char *op, cJSON *in, const char *name,
                  const char *key, const char *value, svc_tags *out, aws_error *err);
/* Whether a waiter's state is one of the NULL-ended list (a NULL list has none). */
int svc_state_in(const char *state, const char *const *list);
/* Read every element of items (a list of answers' items, deleted) into the list
 * {*out, *n}, which is emptied first; 0. */
int svc_read_items(cJSON *items, const svc_shape *s, void **out, size_t *n);

#endif
