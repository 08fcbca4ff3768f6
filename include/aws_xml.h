/*
 * XML on the AWS wire (query, ec2 and rest-xml protocols) to and from cJSON.
 *
 * Responses become cJSON trees shaped like the JSON the SDKs return: element names are
 * kept as on the wire, leaf values are strings (use the aws_json_* readers in aws.h to
 * read numbers and booleans), and lists are arrays even with one element or none.
 * A list is recognised when
 *   - its children are all <member> or <item> (query and ec2 wrappers), or
 *   - its children are all <entry> with <key>/<value> (a map: becomes an object), or
 *   - the caller names it in `lists`: "Name" is a list element that may be empty or is
 *     flattened (repeated <Name> siblings, as S3's <Contents>); "Wrapper/Item" is a
 *     wrapper whose children are <Item> (as S3's "TagSet/Tag").
 * Repeated siblings of the same name become an array even without a hint.
 */
#ifndef ECSDEPLOY_AWS_XML_H
#define ECSDEPLOY_AWS_XML_H

#include <stddef.h>

#include <cjson/cJSON.h>

typedef enum {
    AWS_XML_QUERY, /* <XResponse><XResult>...</XResult><ResponseMetadata><RequestId> */
    AWS_XML_EC2,   /* <XResponse><requestId/>...members...</XResponse> */
    AWS_XML_REST   /* the root element's children are the output (S3) */
} aws_xml_style;

/*
 * Parse body into *out (a new cJSON object; free with cJSON_Delete). The request id
 * found in the body, if any, is copied into request_id (size ridlen; may be NULL).
 * lists: NULL-terminated array of hints as described above, or NULL.
 * Returns 0, or -1 with a one-line reason in err (size errlen) for malformed XML.
 */
int aws_xml_to_json(const char *body, size_t len, aws_xml_style style,
                    const char *const *lists, cJSON **out, char *request_id, size_t ridlen,
                    char *err, size_t errlen);

typedef struct {
    char code[128];
    char message[1024];
    char request_id[128];
} aws_xml_error;

/* Read an XML error body of any style: <ErrorResponse><Error>, <Response><Errors><Error>,
 * either wrapper with the other's inside (<ErrorResponse><Errors><Error>), S3's <Error>.
 * Returns 0 when an error code was found. */
int aws_xml_parse_error(const char *body, size_t len, aws_xml_error *out);

/*
 * Serialise obj as <root xmlns="xmlns">...</root> (xmlns may be NULL): object members
 * become elements, arrays become repeated elements named after their member (flattened),
 * strings are escaped, numbers and booleans printed. Returns a new string (free()).
 */
char *aws_xml_from_json(const char *root, const char *xmlns, const cJSON *obj);

#endif
