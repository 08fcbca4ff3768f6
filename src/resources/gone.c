/* What a kind makes of AWS saying a resource is not there, or still used by something
 * (res.h: res_delete_tried, res_not_found_ok). */
#include <stdio.h>

#include "res.h"

int res_delete_tried(int rc, aws_error *err, unsigned also, char *status, size_t len)
{
    if (rc == 0 || aws_error_is(err, AWS_IS_NOT_FOUND))
        return 1;
    if (!aws_error_is(err, AWS_IS_IN_USE | also))
        return -1;
    snprintf(status, len, "%s", err->message);
    return 0;
}

int res_not_found_ok(int rc, aws_error *err)
{
    if (rc == 0 || !aws_error_is(err, AWS_IS_NOT_FOUND))
        return rc;
    aws_error_clear(err);
    return 0;
}
