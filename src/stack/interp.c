/*
 * ${...} in strings: parameters, ${stack}, ${env:NAME[:-default]}, and references to
 * values known only after creation (${KIND.NAME.ATTR}), which stay in template fields.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "stack_internal.h"
#include "xalloc.h"

static const char *const ref_kinds[] = {"load_balancers", "secrets", "buckets", "services",
                                        "sites", "ci", "zones", "databases", "caches",
                                        "parameter_store", "file_systems", NULL};

static const char *const lb_attrs[] = {"dns_name", "arn", "zone_id", "url", "domain", NULL};
static const char *const zone_attrs[] = {"id", "name", "name_servers", NULL};
static const char *const secret_attrs[] = {"arn", "name", NULL};
static const char *const bucket_attrs[] = {"name", "arn", "domain_name", NULL};
static const char *const service_attrs[] = {"name", "arn", "url", "host", "security_group_id",
                                            "task_role_arn", NULL};
static const char *const site_attrs[] = {"domain_name", "url", "distribution_id", "arn", NULL};
static const char *const ci_attrs[] = {"role_arn", NULL};
static const char *const database_attrs[] = {"host", "port", "name", "user", "secret_arn", NULL};
static const char *const cache_attrs[] = {"host", "port", NULL};
static const char *const parameter_attrs[] = {"value", "name", "arn", "version", NULL};
static const char *const file_system_attrs[] = {"id", "arn", NULL};

/* NULL-terminated list of the attributes a reference of this kind may name. Meanings:
 *   load_balancers.X: dns_name, arn, zone_id (canonical hosted zone), url (https:// when
 *     the LB has an HTTPS forwarding listener, else http://; its first domain that is not
 *     a wildcard, else its DNS name; ":PORT" unless the port is the scheme's default),
 *     domain (its first domain);
 *   zones.X: id, name (with no final dot), name_servers (the four, joined by ", ");
 *   secrets.X: arn, name (the Secrets Manager name);
 *   buckets.X: name, arn, domain_name (BUCKET.s3.REGION.amazonaws.com);
 *   services.X: name, arn, security_group_id, task_role_arn, host (NAME.NAMESPACE, with
 *     discovery), url (behind a load balancer: the LB's url plus the fixed prefix of the
 *     first path pattern; else http://HOST:DISCOVERY_PORT);
 *   sites.X: domain_name (dxxxx.cloudfront.net), url (https:// and the site's domain, else
 *     its domain_name), distribution_id, arn;
 *   ci.github: role_arn;
 *   databases.X: host (the endpoint's address), port, name (the database), user (the
 *     master user), secret_arn (the RDS-managed secret holding username and password);
 *   caches.X: host (the primary, configuration or serverless endpoint), port;
 *   parameter_store.X: value (String and StringList only, read at deploy time), name, arn,
 *     version;
 *   file_systems.X: id, arn. */
static const char *const *stack_ref_attributes(stack_ref_kind kind)
{
    switch (kind) {
    case STACK_REF_LOAD_BALANCER: return lb_attrs;
    case STACK_REF_SECRET: return secret_attrs;
    case STACK_REF_BUCKET: return bucket_attrs;
    case STACK_REF_SITE: return site_attrs;
    case STACK_REF_CI: return ci_attrs;
    case STACK_REF_ZONE: return zone_attrs;
    case STACK_REF_DATABASE: return database_attrs;
    case STACK_REF_CACHE: return cache_attrs;
    case STACK_REF_PARAMETER: return parameter_attrs;
    case STACK_REF_FILE_SYSTEM: return file_system_attrs;
    default: return service_attrs;
    }
}

const char *stack_ref_kind_name(stack_ref_kind v)
{
    return ref_kinds[v];
}

/* Append `v`, escaping "${" as "$${" when the result is a template. */
static void put_value(buf *out, const char *v, int tmpl)
{
    for (; *v; v++) {
        if (tmpl && v[0] == '$' && v[1] == '{')
            buf_putc(out, '$');
        buf_putc(out, *v);
    }
}

static const char *list_of(const char *const *names, buf *b)
{
    for (size_t i = 0; names[i]; i++)
        buf_printf(b, "%s%s", i ? (names[i + 1] ? ", " : " or ") : "", names[i]);
    return buf_str(b);
}

/* AWS's own credential variables: a task gets AWS access from its role, never from the
 * deployer's keys. */
static const char *const aws_credential_vars[] = {
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN", NULL};

/* Words in a variable's name that say its value is a secret. */
static const char *const secret_words[] = {"SECRET", "PASSWORD", "PASSWD", "PASSPHRASE",
                                           "TOKEN", "PRIVATE_KEY", "PRIVATEKEY", "API_KEY",
                                           "APIKEY", "ACCESS_KEY", "CREDENTIAL", NULL};

static int looks_secret(const char *var)
{
    char up[256];
    size_t i = 0;
    for (; var[i] && i + 1 < sizeof up; i++)
        up[i] = (char)(var[i] >= 'a' && var[i] <= 'z' ? var[i] - 32 : var[i]);
    up[i] = '\0';
    for (size_t k = 0; secret_words[k]; k++)
        if (strstr(up, secret_words[k]))
            return 1;
    return 0;
}

/* A container's environment and command go into the task definition in clear: anyone
 * allowed to describe it (and `validate --output json`) reads them. A value taken from
 * the deployer's AWS keys, or from a variable whose name says it is a secret, is refused
 * there; it belongs in `secrets:` (from_env), read by ECS at start. */
static int refuse_secret_in_plain(stack_ctx *c, const stack_node *n, const char *var)
{
    for (size_t i = 0; aws_credential_vars[i]; i++)
        if (strcmp(var, aws_credential_vars[i]) == 0) {
            stack_err(c, n, "${env:%s} would put your AWS credentials into the task definition "
                            "in clear; a task gets AWS access from its role (`permissions:`). If "
                            "it must have these keys, declare a secret `{ from_env: %s }` under "
                            "`secrets:` and list it in the service's `secrets`", var, var);
            return -1;
        }
    if (looks_secret(var)) {
        stack_err(c, n, "${env:%s} looks like a secret, and environment and command values are "
                        "stored in the task definition in clear; declare it under `secrets:` "
                        "as `{ from_env: %s }` and list it in the service's `secrets`",
                  var, var);
        return -1;
    }
    return 0;
}

static int env_expr(stack_ctx *c, const stack_node *n, const char *expr, buf *out)
{
    const char *name = expr + 4, *dflt = strstr(name, ":-");
    size_t len = dflt ? (size_t)(dflt - name) : strlen(name);
    int ok = len > 0 && !(name[0] >= '0' && name[0] <= '9');
    for (size_t i = 0; i < len; i++)
        ok = ok && (name[i] == '_' || (name[i] >= 'A' && name[i] <= 'Z') ||
                    (name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9'));
    if (!ok) {
        stack_err(c, n, "'${%s}' does not name an environment variable (write ${env:NAME})", expr);
        return -1;
    }
    char *var = xstrndup(name, len);
    if (c->templates && refuse_secret_in_plain(c, n, var) != 0) {
        free(var);
        return -1;
    }
    const char *v = getenv(var);
    int rc = 0;
    if (v)
        put_value(out, v, c->templates);
    else if (dflt)
        put_value(out, dflt + 2, c->templates);
    else {
        stack_err(c, n, "environment variable %s is not set (or write ${env:%s:-DEFAULT})", var, var);
        rc = -1;
    }
    free(var);
    return rc;
}

static int ref_expr(stack_ctx *c, const stack_node *n, const char *expr, buf *out)
{
    const char *d1 = strchr(expr, '.'), *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
    char *kind = xstrndup(expr, (size_t)(d1 - expr));
    int rc = -1, k = 0;
    while (ref_kinds[k] && strcmp(ref_kinds[k], kind) != 0)
        k++;
    buf b = BUF_INIT;
    if (!ref_kinds[k]) {
        const char *hint = util_suggest(kind, ref_kinds);
        stack_err(c, n, "'${%s}': '%s' is not something to refer to%s%s%s; use %s", expr, kind,
                 hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "",
                 list_of(ref_kinds, &b));
    } else if (!d2 || d2 == d1 + 1 || !d2[1] || strchr(d2 + 1, '.')) {
        stack_err(c, n, "'${%s}' must have the form ${%s.NAME.ATTRIBUTE}", expr, kind);
    } else {
        const char *attr = d2 + 1;
        const char *const *attrs = stack_ref_attributes((stack_ref_kind)k);
        size_t a = 0;
        while (attrs[a] && strcmp(attrs[a], attr) != 0)
            a++;
        if (!attrs[a]) {
            const char *hint = util_suggest(attr, attrs);
            stack_err(c, n, "'${%s}': %s have no attribute '%s'%s%s%s; known: %s", expr, kind, attr,
                     hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "",
                     list_of(attrs, &b));
        } else if (!c->templates) {
            stack_err(c, n, "'${%s}' is known only after the stack is created; such references "
                           "may be used in environment values, commands and outputs only", expr);
        } else {
            stack_model *s = c->s;
            s->refs = xrealloc(s->refs, (s->nrefs + 1) * sizeof *s->refs);
            stack_ref *r = &s->refs[s->nrefs++];
            r->kind = (stack_ref_kind)k;
            r->name = xstrndup(d1 + 1, (size_t)(d2 - d1 - 1));
            r->attr = xstrdup(attr);
            r->loc = n->loc;
            c->ref_paths = xrealloc(c->ref_paths, s->nrefs * sizeof *c->ref_paths);
            c->ref_paths[s->nrefs - 1] = xstrdup(stack_path(c));
            buf_printf(out, "${%s}", expr);
            rc = 0;
        }
    }
    buf_free(&b);
    free(kind);
    return rc;
}

static int param_expr(stack_ctx *c, const stack_node *n, const char *expr, buf *out)
{
    if (strcmp(expr, "stack") == 0) {
        if (!c->s->name) {
            stack_err(c, n, "${stack} cannot be used in the stack name itself");
            return -1;
        }
        put_value(out, c->s->name, c->templates);
        return 0;
    }
    const stack_param *p = stack_find_param(c->s, expr);
    if (p) {
        put_value(out, p->value ? p->value : "", c->templates);
        return 0;
    }
    if (c->d->n >= STACK_SUGGEST_LIMIT) {
        stack_err(c, n, "unknown parameter '%s' in '${%s}'", expr, expr);
        return -1;
    }
    const char **names = xcalloc(c->s->nparams + 2, sizeof *names);
    for (size_t i = 0; i < c->s->nparams; i++)
        names[i] = c->s->params[i].name;
    names[c->s->nparams] = "stack";
    const char *hint = util_suggest(expr, names);
    if (hint)
        stack_err(c, n, "unknown parameter '%s' in '${%s}' (did you mean '%s'?)", expr, expr, hint);
    else
        stack_err(c, n, "unknown parameter '%s' in '${%s}' (declare it under 'parameters:')", expr, expr);
    free(names);
    return -1;
}

char *stack_interpolate(stack_ctx *c, const stack_node *n, const char *text)
{
    buf out = BUF_INIT;
    int rc = 0;
    const char *p = text;
    while (*p) {
        if (p[0] == '$' && p[1] == '$' && p[2] == '{') {
            buf_puts(&out, c->templates ? "$${" : "${");
            p += 3;
            continue;
        }
        if (!(p[0] == '$' && p[1] == '{')) {
            buf_putc(&out, *p++);
            continue;
        }
        const char *end = strchr(p + 2, '}');
        if (!end) {
            stack_err(c, n, "'${' without a closing '}' (write '$${' for a literal '${')");
            rc = -1;
            break;
        }
        char *expr = xstrndup(p + 2, (size_t)(end - p - 2));
        if (!*expr) {
            stack_err(c, n, "empty '${}'");
            rc = -1;
        } else if (strncmp(expr, "env:", 4) == 0) {
            rc |= env_expr(c, n, expr, &out);
        } else if (strchr(expr, '.')) {
            rc |= ref_expr(c, n, expr, &out);
        } else {
            rc |= param_expr(c, n, expr, &out);
        }
        free(expr);
        p = end + 1;
    }
    if (rc != 0) {
        buf_free(&out);
        return NULL;
    }
    return buf_detach(&out);
}

int stack_template_has_refs(const char *t)
{
    for (const char *p = t; p && *p; p++) {
        if (p[0] == '$' && p[1] == '$' && p[2] == '{')
            p += 2;
        else if (p[0] == '$' && p[1] == '{')
            return 1;
    }
    return 0;
}

/* Parse "KIND.NAME.ATTR" into r (strings point into a copy owned by the caller). */
static int parse_ref(char *expr, stack_ref *r)
{
    char *d1 = strchr(expr, '.'), *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
    if (!d2)
        return -1;
    *d1 = *d2 = '\0';
    int k = 0;
    while (ref_kinds[k] && strcmp(ref_kinds[k], expr) != 0)
        k++;
    if (!ref_kinds[k])
        return -1;
    memset(r, 0, sizeof *r);
    r->kind = (stack_ref_kind)k;
    r->name = d1 + 1;
    r->attr = d2 + 1;
    return 0;
}

char *stack_template_resolve(const char *t, stack_ref_resolver resolve, void *ud, char **unresolved)
{
    buf out = BUF_INIT;
    const char *p = t;
    while (*p) {
        if (p[0] == '$' && p[1] == '$' && p[2] == '{') {
            buf_puts(&out, "${");
            p += 3;
            continue;
        }
        const char *end = p[0] == '$' && p[1] == '{' ? strchr(p + 2, '}') : NULL;
        if (!end) {
            buf_putc(&out, *p++);
            continue;
        }
        char *expr = xstrndup(p + 2, (size_t)(end - p - 2));
        stack_ref r;
        char *value = NULL;
        if (parse_ref(expr, &r) != 0 || !resolve || resolve(&r, ud, &value) != 0) {
            if (unresolved)
                *unresolved = xstrndup(p, (size_t)(end - p + 1));
            free(expr);
            buf_free(&out);
            return NULL;
        }
        buf_puts(&out, value);
        free(value);
        free(expr);
        p = end + 1;
    }
    return buf_detach(&out);
}
