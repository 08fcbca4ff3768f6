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

/*
 * Call op of service (a rest-json service of aws_service_lookup) with input; *output is
 * the answer's body as aws_rest_json_decode reads it ({} for an operation whose output has
 * no members in AWS's model, whatever the body). Retries and lost answers as the
 * other protocols (guard may be NULL; see aws_lost_answer in aws.h).
 */
int aws_rest_json_call(aws_client *c, const char *service, const aws_rest_op *op,
                       const cJSON *input, const aws_lost_answer *guard, cJSON **output,
                       aws_error *err);

#endif
