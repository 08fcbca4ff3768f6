/* What every services/s3*.c shares: one S3 call with an XML body, query parameters (see
 * s3_internal.h). */
#include "s3_internal.h"

#include <stdlib.h>
#include <string.h>

#include "aws_form.h"
#include "aws_xml.h"

#define S3_XMLNS "http://s3.amazonaws.com/doc/2006-03-01/"

int s3_call_(aws_client *c, const char *method, const char *operation, const char *bucket,
             const char *query, const char *root, cJSON *body, int md5,
             const char *const *lists, cJSON **out, aws_error *err)
{
    char *xml = body ? aws_xml_from_json(root, S3_XMLNS, body) : NULL;
    aws_s3_request r = {.method = method, .operation = operation, .bucket = bucket,
                        .query = query, .body = xml, .body_len = xml ? strlen(xml) : 0,
                        .content_md5 = md5, .lists = lists};
    cJSON *o = NULL;
    int rc = aws_s3_call(c, &r, &o, err);
    free(xml);
    cJSON_Delete(body);
    if (out)
        *out = o;
    else
        cJSON_Delete(o);
    return rc;
}

void s3_query_param_(buf *q, const char *name, const char *value)
{
    char *e = aws_form_escape(value);
    buf_printf(q, "&%s=%s", name, e);
    free(e);
}
