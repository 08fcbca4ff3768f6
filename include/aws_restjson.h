/*
 * rest-json, the fifth wire protocol (EFS, and most services AWS designed since): each
 * operation has its own method and URI template (the model's `http` traits). A member
 * named by a {Label} of the template goes into the path, percent-encoded ({Label+}, a
 * greedy label, keeps its '/'); members the operation binds to the query string or to
 * headers go there under their wire names; every other member is the JSON body. Answers
 * are JSON bodies (none for 204). Errors carry their code in the x-amzn-ErrorType header,
 * else in the body's "code" or "__type" (read in src/aws/error.c).
 *
 * A client describes each operation once, as the model does:
 *     static const aws_rest_binding tag_keys[] = {{"TagKeys", AWS_REST_QUERY, "tagKeys"}, {0}};
 *     static const aws_rest_op untag = {"UntagResource", "DELETE",
 *                                       "/2015-02-01/resource-tags/{ResourceId}", tag_keys};
 * and calls aws_rest_json_call(c, "efs", &untag, input, NULL, &out, &err).
 */
#ifndef ECSDEPLOY_AWS_RESTJSON_H
#define ECSDEPLOY_AWS_RESTJSON_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "aws.h"
#include "aws_http.h"

typedef enum { AWS_REST_QUERY = 1, AWS_REST_HEADER } aws_rest_location;

/* An input member that travels outside the body. */
typedef struct {
    const char *member;      /* the input member ("MaxItems") */
    aws_rest_location where;
    const char *wire;        /* its query key or header name ("tagKeys"); NULL: the member's name */
} aws_rest_binding;

/* One operation, from the model's http traits. */
typedef struct {
    const char *name;        /* "CreateFileSystem": retries, lost answers and errors name it */
    const char *method;      /* "GET", "POST", "PUT", "DELETE" */
    const char *uri;         /* "/2015-02-01/file-systems/{FileSystemId}"; may end in "?a=b" */
    const aws_rest_binding *bindings; /* ended by a {NULL} entry; NULL: none */
} aws_rest_op;

/* A request ready to sign. */
typedef struct {
    char *path;              /* percent-encoded, without the query */
    char *query;             /* encoded, or NULL */
    aws_http_header *headers; /* Content-Type when there is a body, and bound headers */
    size_t nheaders;
    char *body;              /* NULL when none */
    size_t body_len;
} aws_rest_request;

/*
 * Build op's request from input (a JSON object whose members are named as in the model;
 * NULL: {}). Query values: strings as they are, numbers without a fraction as integers,
 * booleans as true/false, a list as the key repeated, an object as its own keys; a header
 * list is joined with ','. POST, PUT and PATCH always carry a body ({} when every member
 * went elsewhere), GET and DELETE only when some member is left for it. Returns 0 with
 * *out filled (aws_rest_request_free), or -1 with err (kind AWS_ERR_INPUT): a label
 * member missing, empty or not a string or number, a bound member that cannot be text.
 */
int aws_rest_json_encode(const aws_rest_op *op, const cJSON *input, aws_rest_request *out,
                         aws_error *err);
void aws_rest_request_free(aws_rest_request *r);

/*
 * Read a 2xx answer's body: a JSON object, or {} for an empty body. Returns 0 with *out
 * (cJSON_Delete), or -1 with err (kind AWS_ERR_PARSE) for anything else.
 */
int aws_rest_json_decode(const char *body, size_t len, cJSON **out, aws_error *err);

/*
 * Call op of service (a rest-json service of aws_service_lookup) with input; *output is
 * the answer's body as aws_rest_json_decode reads it. Retries and lost answers as the
 * other protocols (guard may be NULL; see aws_lost_answer in aws.h).
 */
int aws_rest_json_call(aws_client *c, const char *service, const aws_rest_op *op,
                       const cJSON *input, const aws_lost_answer *guard, cJSON **output,
                       aws_error *err);

#endif
