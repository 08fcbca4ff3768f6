/* rest-json's encoder and decoder inside src/aws (and its tests): the request of one
 * operation built from its input, the answer read back (see aws_restjson.h). */
#ifndef ECSDEPLOY_RESTJSON_INTERNAL_H
#define ECSDEPLOY_RESTJSON_INTERNAL_H

#include "aws_restjson.h"
#include "http_internal.h"

/* A request ready to sign. */
typedef struct {
    char *path;              /* percent-encoded, without the query */
    char *query;             /* encoded, or NULL */
    aws_http_header *headers; /* Content-Type when there is a body, and bound headers */
    size_t nheaders;
    char *body;              /* NULL when none */
    size_t body_len;
} aws_rest_json_request;

/*
 * Build op's request from input (a JSON object whose members are named as in the model;
 * NULL: {}). Query values: strings as they are, numbers without a fraction as integers,
 * booleans as true/false, a list as the key repeated, an object as its own keys; a header
 * list is joined with ','. POST, PUT and PATCH always carry a body ({} when every member
 * went elsewhere), GET and DELETE only when some member is left for it. Returns 0 with
 * *out filled (aws_rest_json_request_free), or -1 with err (kind AWS_ERR_INPUT): a label
 * member missing, empty or not a string or number, a bound member that cannot be text.
 */
int aws_rest_json_encode(const aws_rest_op *op, const cJSON *input, aws_rest_json_request *out,
                         aws_error *err);
void aws_rest_json_request_free(aws_rest_json_request *r);

/*
 * Read a 2xx answer's body: a JSON object, or {} for an empty body. Returns 0 with *out
 * (cJSON_Delete), or -1 with err (kind AWS_ERR_PARSE) for anything else.
 */
int aws_rest_json_decode(const char *body, size_t len, cJSON **out, aws_error *err);

#endif
