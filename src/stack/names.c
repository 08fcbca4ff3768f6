/* AWS names of a stack's resources, AWS's naming rules, image references, Fargate sizes. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "sigv4.h"
#include "stack_internal.h"
#include "stack_names.h"
#include "xalloc.h"

char *stack_name_load_balancer(const char *stack, const char *lb) { return xasprintf("%s-%s", stack, lb); }
char *stack_name_target_group(const char *stack, const char *service, int alternate)
{
    return xasprintf("%s-%s%s", stack, service, alternate ? "-g" : "");
}
char *stack_name_task_role(const char *stack, const char *service) { return xasprintf("%s-%s-task", stack, service); }
char *stack_name_execution_role(const char *stack, const char *service) { return xasprintf("%s-%s-exec", stack, service); }
char *stack_name_infrastructure_role(const char *stack) { return xasprintf("%s-infra", stack); }
char *stack_name_service_group(const char *stack, const char *service) { return xasprintf("%s-%s", stack, service); }
char *stack_name_lb_group(const char *stack, const char *lb) { return xasprintf("%s-lb-%s", stack, lb); }
char *stack_name_log_group(const char *stack, const char *service) { return xasprintf("/ecsdeploy/%s/%s", stack, service); }
char *stack_name_secret(const char *stack, const char *secret) { return xasprintf("%s/%s", stack, secret); }
char *stack_name_site_oac(const char *stack, const char *site) { return xasprintf("%s-%s", stack, site); }
char *stack_name_site_comment(const char *stack, const char *site)
{
    return xasprintf("ecsdeploy %s site %s", stack, site);
}
char *stack_name_ci_role(const char *stack) { return xasprintf("%s-ci", stack); }
char *stack_name_database(const char *stack, const char *db) { return xasprintf("%s-%s", stack, db); }
char *stack_name_database_group(const char *stack, const char *db) { return xasprintf("%s-db-%s", stack, db); }
char *stack_name_bucket_legacy(const char *stack, const char *bucket) { return xasprintf("%s-%s", stack, bucket); }

#define BUCKET_BASE_MAX 52 /* 63 - "-" - 10 hexadecimal digits */

char *stack_name_bucket(const char *stack, const char *bucket, const char *account, const char *region)
{
    char *seed = xasprintf("%s:%s:%s:%s", account, region, stack, bucket);
    char hex[65];
    sigv4_sha256_hex(seed, strlen(seed), hex);
    free(seed);
    char *base = xasprintf("%s-%s", stack, bucket);
    if (strlen(base) > BUCKET_BASE_MAX)
        base[BUCKET_BASE_MAX] = '\0';
    for (size_t n = strlen(base); n > 0 && base[n - 1] == '-'; n--)
        base[n - 1] = '\0';
    char *name = xasprintf("%s-%.10s", base, hex);
    free(base);
    return name;
}

char *stack_name_bucket_prefix(const char *stack)
{
    char *p = xasprintf("%s-", stack);
    if (strlen(p) > BUCKET_BASE_MAX)
        p[BUCKET_BASE_MAX] = '\0';
    return p;
}
char *stack_name_cluster(const char *stack) { return xstrdup(stack); }
char *stack_name_task_family(const char *stack, const char *service) { return xasprintf("%s-%s", stack, service); }
char *stack_name_efs_group(const char *stack, const char *fs) { return xasprintf("%s-efs-%s", stack, fs); }

static int alnum(char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9'); }
static int lower_alnum(char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'); }

int stack_name_chars(const char *name, int lower, const char *extra)
{
    for (const char *p = name; *p; p++)
        if (!(lower ? lower_alnum(*p) : alnum(*p)) && !strchr(extra, *p))
            return 0;
    return 1;
}

const char *stack_check_elb_name(const char *n)
{
    size_t len = strlen(n);
    if (len > 32)
        return "is longer than 32 characters";
    if (!stack_name_chars(n, 0, "-"))
        return "may hold only letters, digits and hyphens";
    if (!len || n[0] == '-' || n[len - 1] == '-')
        return "may not start or end with a hyphen";
    if (strncmp(n, "internal-", 9) == 0)
        return "may not start with 'internal-'";
    return NULL;
}

const char *stack_check_role_name(const char *n)
{
    if (strlen(n) > 64)
        return "is longer than 64 characters";
    if (!stack_name_chars(n, 0, "+=,.@_-"))
        return "may hold only letters, digits and +=,.@_-";
    return NULL;
}

const char *stack_check_group_name(const char *n)
{
    if (strlen(n) > 255)
        return "is longer than 255 characters";
    if (strncmp(n, "sg-", 3) == 0)
        return "may not start with 'sg-'";
    return NULL;
}

const char *stack_check_bucket_name(const char *n)
{
    size_t len = strlen(n);
    if (len < 3 || len > 63)
        return len < 3 ? "is shorter than 3 characters" : "is longer than 63 characters";
    if (!stack_name_chars(n, 1, "-."))
        return "may hold only lowercase letters, digits, hyphens and dots";
    if (!lower_alnum(n[0]) || !lower_alnum(n[len - 1]))
        return "must start and end with a lowercase letter or digit";
    if (strstr(n, "..") || strstr(n, ".-") || strstr(n, "-."))
        return "may not have two dots, or a dot next to a hyphen";
    static const char *const prefixes[] = {"xn--", "sthree-", "amzn-s3-demo-", NULL};
    static const char *const suffixes[] = {"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3", NULL};
    for (size_t i = 0; prefixes[i]; i++)
        if (strncmp(n, prefixes[i], strlen(prefixes[i])) == 0)
            return "may not start with 'xn--', 'sthree-' or 'amzn-s3-demo-' (S3 keeps them)";
    for (size_t i = 0; suffixes[i]; i++)
        if (len > strlen(suffixes[i]) && strcmp(n + len - strlen(suffixes[i]), suffixes[i]) == 0)
            return "may not end with '-s3alias', '--ol-s3', '.mrap', '--x-s3' or '--table-s3' (S3 keeps them)";
    unsigned a;
    int pre;
    char *cidr = xasprintf("%s/32", n);
    int ip = stack_parse_cidr(cidr, &a, &pre) == 0;
    free(cidr);
    return ip ? "may not look like an IP address" : NULL;
}

const char *stack_check_log_group_name(const char *n)
{
    size_t len = strlen(n);
    if (!len || len > 512)
        return "must be 1 to 512 characters";
    if (!stack_name_chars(n, 0, "._-/#"))
        return "may hold only letters, digits and . _ - / #";
    if (strncmp(n, "aws/", 4) == 0)
        return "may not start with aws/ (CloudWatch Logs keeps it)";
    return NULL;
}

const char *stack_check_dns_label(const char *n)
{
    size_t len = strlen(n);
    if (!len || len > 63)
        return "must be 1 to 63 characters";
    if (!stack_name_chars(n, 1, "-"))
        return "may hold only lowercase letters, digits and hyphens";
    if (n[0] == '-' || n[len - 1] == '-')
        return "may not start or end with a hyphen";
    return NULL;
}

const char *stack_check_dns_name(const char *n)
{
    if (strlen(n) > 253)
        return "is longer than 253 characters";
    const char *p = n;
    for (;;) {
        const char *dot = strchr(p, '.');
        char *label = dot ? xstrndup(p, (size_t)(dot - p)) : xstrdup(p);
        const char *why = stack_check_dns_label(label);
        free(label);
        if (why)
            return "is not a DNS name (labels of lowercase letters, digits and hyphens, joined by dots)";
        if (!dot)
            return NULL;
        p = dot + 1;
    }
}

const char *stack_check_logical_name(const char *n)
{
    size_t len = strlen(n);
    if (!len || len > 63)
        return "must be 1 to 63 characters";
    if (!(n[0] >= 'a' && n[0] <= 'z'))
        return "must start with a lowercase letter";
    if (!stack_name_chars(n, 1, "-"))
        return "may hold only lowercase letters, digits and hyphens";
    if (n[len - 1] == '-')
        return "may not end with a hyphen";
    return NULL;
}

/* Image: [HOST[:PORT]/]PATH[:TAG][@sha256:HEX64]; PATH components lowercase. */
const char *stack_check_image(const char *ref)
{
    if (!*ref)
        return "it is empty";
    for (const char *p = ref; *p; p++)
        if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 127)
            return "it contains a space or a character that is not printable ASCII";
    char *s = xstrdup(ref);
    const char *why = NULL;
    char *at = strchr(s, '@');
    if (at) {
        *at = '\0';
        const char *dg = at + 1;
        size_t n = strspn(dg + (strncmp(dg, "sha256:", 7) ? 0 : 7), "0123456789abcdef");
        if (strncmp(dg, "sha256:", 7) != 0 || n != 64 || dg[7 + 64])
            why = "the digest must be sha256: followed by 64 lowercase hexadecimal digits";
    }
    char *slash = strrchr(s, '/'), *colon = strrchr(s, ':');
    if (!why && colon && (!slash || colon > slash)) {
        *colon = '\0';
        const char *tag = colon + 1;
        size_t n = strlen(tag);
        if (!n || n > 128 || !(alnum(tag[0]) || tag[0] == '_'))
            why = "the tag must be 1 to 128 letters, digits, '_', '.' or '-', not starting with '.' or '-'";
        if (!why && !stack_name_chars(tag, 0, "_.-"))
            why = "the tag may hold only letters, digits, '_', '.' and '-'";
    }
    /* the first component is a registry host when it has a dot, a colon or is localhost */
    char *path = s, *first = strchr(s, '/');
    if (!why && first && (memchr(s, '.', (size_t)(first - s)) || memchr(s, ':', (size_t)(first - s)) ||
                          strncmp(s, "localhost/", 10) == 0))
        path = first + 1;
    for (char *p = path; !why; p++) {
        char *end = strchr(p, '/');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (!n)
            why = "a part of the repository name is empty";
        for (size_t i = 0; !why && i < n; i++) {
            if (p[i] >= 'A' && p[i] <= 'Z')
                why = "the repository name must be lowercase";
            else if (!lower_alnum(p[i]) && !strchr("._-", p[i]))
                why = "the repository name may hold only lowercase letters, digits, '.', '_' and '-'";
        }
        if (!why && (!lower_alnum(p[0]) || !lower_alnum(p[n - 1])))
            why = "each part of the repository name must start and end with a letter or digit";
        if (!end)
            break;
        p = end;
    }
    free(s);
    return why;
}

char *stack_fargate_check(int cpu, int memory, int *cpu_bad)
{
    static const struct { int cpu, lo, hi, step; } t[] = {
        {256, 512, 2048, 0}, {512, 1024, 4096, 1024}, {1024, 2048, 8192, 1024},
        {2048, 4096, 16384, 1024}, {4096, 8192, 30720, 1024}, {8192, 16384, 61440, 4096},
        {16384, 32768, 122880, 8192}};
    *cpu_bad = 0;
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        if (t[i].cpu != cpu)
            continue;
        int ok = t[i].step ? memory >= t[i].lo && memory <= t[i].hi && (memory - t[i].lo) % t[i].step == 0
                           : memory == 512 || memory == 1024 || memory == 2048;
        if (ok)
            return NULL;
        buf b = BUF_INIT;
        if (!t[i].step)
            buf_puts(&b, "512, 1024 or 2048");
        else if ((t[i].hi - t[i].lo) / t[i].step < 8)
            for (int m = t[i].lo; m <= t[i].hi; m += t[i].step)
                buf_printf(&b, "%s%d", m == t[i].lo ? "" : m + t[i].step > t[i].hi ? " or " : ", ", m);
        else
            buf_printf(&b, "%d to %d in steps of %d", t[i].lo, t[i].hi, t[i].step);
        char *msg = xasprintf("Fargate has no task with cpu %d and memory %d; with cpu %d, memory "
                              "must be %s (MiB)", cpu, memory, cpu, buf_str(&b));
        buf_free(&b);
        return msg;
    }
    *cpu_bad = 1;
    return xasprintf("%d is not a Fargate cpu size; use 256, 512, 1024, 2048, 4096, 8192 or 16384", cpu);
}
