/* Which region a run uses. */
#include "aws_endpoint.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static int valid_region(const char *r)
{
    size_t n = strlen(r);
    if (n == 0 || n > 63 || r[0] == '-' || r[n - 1] == '-')
        return 0;
    for (const char *p = r; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
            return 0;
    return 1;
}

char *aws_region_resolve(const char *region_opt, const aws_config *cfg, aws_error *err)
{
    const char *r = NULL, *from = NULL;
    if (region_opt && *region_opt) {
        r = region_opt;
        from = "--region";
    } else if (getenv("AWS_REGION") && *getenv("AWS_REGION")) {
        r = getenv("AWS_REGION");
        from = "AWS_REGION";
    } else if (getenv("AWS_DEFAULT_REGION") && *getenv("AWS_DEFAULT_REGION")) {
        r = getenv("AWS_DEFAULT_REGION");
        from = "AWS_DEFAULT_REGION";
    } else if (cfg && (r = aws_config_get(cfg, "region")) && *r) {
        from = "the profile's region";
    } else {
        aws_error_set(err, AWS_ERR_CONFIG, "NoRegion",
                      "no AWS region: pass --region, set AWS_REGION, or add 'region = ...' to "
                      "profile '%s' in %s",
                      cfg && cfg->profile ? cfg->profile : "default",
                      cfg && cfg->config_path ? cfg->config_path : "~/.aws/config");
        return NULL;
    }
    if (!valid_region(r)) {
        aws_error_set(err, AWS_ERR_CONFIG, "InvalidRegion",
                      "'%s' (from %s) is not a region name; regions look like eu-west-1", r,
                      from);
        return NULL;
    }
    return xstrdup(r);
}
