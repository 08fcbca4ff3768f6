/*
 * Endpoint resolution (see aws_endpoint.h). The partition facts below come from AWS's
 * endpoints.json: hostname patterns, DNS suffixes, the global services' endpoints (IAM,
 * Route 53, CloudFront) and their signing regions, and the GovCloud services whose FIPS
 * endpoint is the plain one.
 */
#include "aws_endpoint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_internal.h"
#include "xalloc.h"

typedef struct {
    const char *name;
    const char *region_prefix; /* NULL for the catch-all "aws" */
    const char *dns_suffix;
    const char *dualstack_suffix;
} partition;

static const partition partitions[] = {
    {"aws-us-gov", "us-gov-", "amazonaws.com", "api.aws"},
    {"aws-cn", "cn-", "amazonaws.com.cn", "api.amazonwebservices.com.cn"},
    {"aws", NULL, "amazonaws.com", "api.aws"},
};

/* Services with one endpoint per partition, whatever the region, signed for one region. */
typedef struct {
    const char *service, *partition;
    const char *host, *fips_host, *dualstack_host; /* NULL: no such variant */
    const char *signing_region;
} global_endpoint;

static const global_endpoint globals[] = {
    {"iam", "aws", "iam.amazonaws.com", "iam-fips.amazonaws.com", "iam.global.api.aws",
     "us-east-1"},
    {"iam", "aws-cn", "iam.cn-north-1.amazonaws.com.cn", NULL, NULL, "cn-north-1"},
    {"iam", "aws-us-gov", "iam.us-gov.amazonaws.com", "iam.us-gov.amazonaws.com", NULL,
     "us-gov-west-1"},
    /* Route 53's variants as its endpoint rule set resolves them */
    {"route53", "aws", "route53.amazonaws.com", "route53-fips.amazonaws.com",
     "route53.aws-global.api.aws", "us-east-1"},
    {"route53", "aws-cn", "route53.amazonaws.com.cn", "route53-fips.aws-cn-global.amazonaws.com.cn",
     "route53.aws-cn-global.api.amazonwebservices.com.cn", "cn-northwest-1"},
    {"route53", "aws-us-gov", "route53.us-gov.amazonaws.com", "route53.us-gov.amazonaws.com",
     "route53.aws-us-gov-global.api.aws", "us-gov-west-1"},
    /* CloudFront: no FIPS or dual-stack variant, and none at all in GovCloud */
    {"cloudfront", "aws", "cloudfront.amazonaws.com", NULL, NULL, "us-east-1"},
    {"cloudfront", "aws-cn", "cloudfront.cn-northwest-1.amazonaws.com.cn", NULL, NULL,
     "cn-northwest-1"},
    {"cloudfront", "aws-us-gov", NULL, NULL, NULL, "us-gov-west-1"},
};

static const global_endpoint *global_of(const char *service, const partition *p)
{
    for (size_t i = 0; i < sizeof globals / sizeof globals[0]; i++)
        if (strcmp(globals[i].service, service) == 0 && strcmp(globals[i].partition, p->name) == 0)
            return &globals[i];
    return NULL;
}

/* GovCloud services whose FIPS variant is the ordinary hostname. */
static const char *const gov_fips_plain[] = {"ec2", "elasticloadbalancing", "sts", "ssm", "logs",
                                             "application-autoscaling", NULL};

static const partition *partition_of(const char *region)
{
    for (size_t i = 0;; i++)
        if (!partitions[i].region_prefix ||
            strncmp(region, partitions[i].region_prefix, strlen(partitions[i].region_prefix)) == 0)
            return &partitions[i];
}

void aws_endpoint_settings_load(aws_endpoint_settings *s, const char *endpoint_url_opt,
                                const aws_config *cfg)
{
    memset(s, 0, sizeof *s);
    s->endpoint_url = endpoint_url_opt && *endpoint_url_opt ? endpoint_url_opt : NULL;
    s->cfg = cfg;
    const char *v;
    v = getenv("AWS_USE_FIPS_ENDPOINT");
    s->use_fips = v ? aws_config_true(v)
                    : cfg && aws_config_true(aws_config_get(cfg, "use_fips_endpoint"));
    v = getenv("AWS_USE_DUALSTACK_ENDPOINT");
    s->use_dualstack = v ? aws_config_true(v)
                         : cfg && aws_config_true(aws_config_get(cfg, "use_dualstack_endpoint"));
    v = getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
    s->ignore_configured =
        v ? aws_config_true(v)
          : cfg && aws_config_true(aws_config_get(cfg, "ignore_configured_endpoint_urls"));
}

/* The override URL for a service, or NULL; *from names where it came from. */
static const char *override_for(const aws_endpoint_settings *s, const aws_service_info *svc,
                                char *from, size_t fromlen)
{
    if (s->endpoint_url) {
        snprintf(from, fromlen, "--endpoint-url");
        return s->endpoint_url;
    }
    if (s->ignore_configured)
        return NULL;
    char var[96];
    snprintf(var, sizeof var, "AWS_ENDPOINT_URL_%s", svc->env);
    const char *v = getenv(var);
    if (v && *v) {
        snprintf(from, fromlen, "%s", var);
        return v;
    }
    v = getenv("AWS_ENDPOINT_URL");
    if (v && *v) {
        snprintf(from, fromlen, "AWS_ENDPOINT_URL");
        return v;
    }
    if (!s->cfg)
        return NULL;
    const char *services = aws_config_get(s->cfg, "services");
    if (services && *services) {
        char *section = xasprintf("services %s", services);
        char *key = xasprintf("%s.endpoint_url", svc->config_key);
        v = aws_config_section_get(s->cfg, section, key);
        free(section);
        free(key);
        if (v && *v) {
            snprintf(from, fromlen, "the [services %s] section", services);
            return v;
        }
    }
    v = aws_config_get(s->cfg, "endpoint_url");
    snprintf(from, fromlen, "the profile's endpoint_url");
    return v && *v ? v : NULL;
}

/* Split "scheme://host[:port][/path]" into out->url (without trailing '/') and host. */
static int set_url(aws_endpoint *out, const char *url, const char *from, aws_error *err)
{
    const char *rest = NULL;
    if (strncmp(url, "http://", 7) == 0)
        rest = url + 7;
    else if (strncmp(url, "https://", 8) == 0)
        rest = url + 8;
    size_t hlen = rest ? strcspn(rest, "/?#") : 0;
    if (!rest || hlen == 0 || hlen >= sizeof out->host || strlen(url) >= sizeof out->url ||
        strpbrk(url, " \t\r\n") || (rest[hlen] && rest[hlen] != '/')) {
        aws_error_set(err, AWS_ERR_CONFIG, "InvalidEndpoint",
                      "'%s' (from %s) is not an endpoint URL; use http://host:port or "
                      "https://host",
                      url, from);
        return -1;
    }
    snprintf(out->host, sizeof out->host, "%.*s", (int)hlen, rest);
    snprintf(out->url, sizeof out->url, "%s", url);
    size_t n = strlen(out->url);
    while (n && out->url[n - 1] == '/')
        out->url[--n] = '\0';
    return 0;
}

static int in_list(const char *const *list, const char *s)
{
    for (size_t i = 0; list[i]; i++)
        if (strcmp(list[i], s) == 0)
            return 1;
    return 0;
}

/* The AWS hostname of svc in region, or NULL when the variant does not exist. */
static char *aws_hostname(const partition *p, const aws_service_info *svc, const char *region,
                          int fips, int dual)
{
    const char *pre = svc->prefix;
    const global_endpoint *g = global_of(svc->id, p);
    if (g) {
        const char *h = fips && dual ? NULL : fips ? g->fips_host : dual ? g->dualstack_host : g->host;
        return xstrdup_or_null(h);
    }
    if (strcmp(svc->id, "s3") == 0 && dual)
        return xasprintf("s3%s.dualstack.%s.%s", fips ? "-fips" : "", region, p->dns_suffix);
    if (fips && strcmp(p->name, "aws-us-gov") == 0 && in_list(gov_fips_plain, pre))
        fips = 0;
    if (fips && strcmp(p->name, "aws-cn") == 0)
        return NULL;
    return xasprintf("%s%s.%s.%s", pre, fips ? "-fips" : "", region,
                     dual ? p->dualstack_suffix : p->dns_suffix);
}

int aws_endpoint_resolve(const aws_endpoint_settings *s, const char *service, const char *region,
                         aws_endpoint *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    const aws_service_info *svc = aws_service_lookup(service);
    if (!svc) {
        aws_error_set(err, AWS_ERR_CONFIG, "UnknownService", "no such service '%s'", service);
        return -1;
    }
    const partition *p = partition_of(region);
    snprintf(out->partition, sizeof out->partition, "%s", p->name);
    snprintf(out->signing_name, sizeof out->signing_name, "%s", svc->signing_name);
    const global_endpoint *g = global_of(svc->id, p);
    snprintf(out->signing_region, sizeof out->signing_region, "%s",
             g ? g->signing_region : region);
    char from[96];
    const char *ov = override_for(s, svc, from, sizeof from);
    if (ov) {
        out->overridden = 1;
        if (set_url(out, ov, from, err) != 0)
            return -1;
        char what[160];
        snprintf(what, sizeof what, "the endpoint from %s", from);
        return aws_url_check_transport(ov, what, err);
    }
    char *host = aws_hostname(p, svc, region, s->use_fips, s->use_dualstack);
    if (!host) {
        aws_error_set(err, AWS_ERR_CONFIG, "NoSuchEndpoint",
                      "%s has no %s%s%s endpoint in %s (partition %s); turn off "
                      "use_fips_endpoint/use_dualstack_endpoint or give --endpoint-url",
                      service, s->use_fips ? "FIPS" : "", s->use_fips && s->use_dualstack ? "+" : "",
                      s->use_dualstack ? "dual-stack" : "", region, p->name);
        return -1;
    }
    char *url = xasprintf("https://%s", host);
    int rc = set_url(out, url, "the partition", err);
    free(url);
    free(host);
    return rc;
}
