/* secrets: and buckets:. */
#include <stdlib.h>
#include <string.h>

#include "spec_internal.h"
#include "xalloc.h"

static const char *const secret_keys[] = {"generate", "from_file", "from_env", "existing",
                                          "keep", "description", NULL};
static const char *const generate_keys[] = {"length", "lowercase", "uppercase", "digits",
                                            "symbols", "exclude", NULL};
static const char *const bucket_keys[] = {"name", "encryption", "kms_key", "block_public_access",
                                          "tls_only", "versioning", "lifecycle", "keep", NULL};
static const char *const lifecycle_keys[] = {"prefix", "expire_days", "noncurrent_expire_days", NULL};
static const char *const encryption_names[] = {"sse-s3", "sse-kms", NULL};

static int env_name_ok(const char *s)
{
    if (!*s || (*s >= '0' && *s <= '9'))
        return 0;
    for (; *s; s++)
        if (!(*s == '_' || (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
            return 0;
    return 1;
}

static int secret_id_ok(const char *s)
{
    if (strncmp(s, "arn:", 4) == 0)
        return strstr(s, ":secretsmanager:") && strstr(s, ":secret:");
    size_t n = 0;
    for (; *s; s++, n++)
        if (!strchr("/_+=.@-", *s) && !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
            return 0;
    return n >= 1 && n <= 512;
}

static void decode_generate(spec_ctx *c, const spec_node *g, spec_secret *sec)
{
    sec->source = SPEC_SECRET_GENERATE;
    size_t old = spec_path_push(c, "generate");
    if (g->kind == SPEC_NODE_SCALAR && strcmp(g->str, "true") == 0) {
        spec_path_pop(c, old);
        return;
    }
    if (spec_want_map(c, g)) {
        spec_check_keys(c, g, generate_keys);
        spec_get_int(c, g, "length", 8, 4096, &sec->length);
        spec_get_bool(c, g, "lowercase", &sec->lowercase);
        spec_get_bool(c, g, "uppercase", &sec->uppercase);
        spec_get_bool(c, g, "digits", &sec->digits);
        spec_get_bool(c, g, "symbols", &sec->symbols);
        spec_get_str(c, g, "exclude", 0, &sec->exclude);
        if (!sec->lowercase && !sec->uppercase && !sec->digits && !sec->symbols)
            spec_err(c, g, "every character class is turned off; keep at least one of lowercase, "
                           "uppercase, digits, symbols");
    }
    spec_path_pop(c, old);
}

static void decode_secret(spec_ctx *c, const spec_node *key, const spec_node *v, spec_secret *sec)
{
    sec->name = xstrdup(key->str);
    sec->loc = key->loc;
    sec->length = 32;
    sec->lowercase = sec->uppercase = sec->digits = 1;
    sec->keep = 1;
    sec->source = SPEC_SECRET_BOOTSTRAP;
    if (!v || !spec_want_map(c, v))
        return;
    spec_check_keys(c, v, secret_keys);
    int sources = 0;
    const char *first = NULL;
    for (size_t i = 0; i < 4; i++)
        if (spec_node_get(v, secret_keys[i])) {
            if (sources++)
                spec_err_key(c, spec_node_get(v, secret_keys[i]), secret_keys[i],
                             "a secret has one source; '%s' is already given", first);
            else
                first = secret_keys[i];
        }
    static const spec_secret_source kinds[] = {SPEC_SECRET_GENERATE, SPEC_SECRET_FILE, SPEC_SECRET_ENV,
                                               SPEC_SECRET_EXISTING};
    for (size_t i = 0; sources > 1 && i < 4; i++)
        if (first == secret_keys[i])
            sec->source = kinds[i]; /* reported; keep the first so no other message follows */
    const spec_node *g = spec_node_get(v, "generate");
    if (g && sources == 1)
        decode_generate(c, g, sec);
    if (spec_node_get(v, "from_file") && sources == 1) {
        sec->source = SPEC_SECRET_FILE;
        spec_get_str(c, v, "from_file", 0, &sec->path);
    }
    if (spec_node_get(v, "from_env") && sources == 1) {
        sec->source = SPEC_SECRET_ENV;
        if (spec_get_str(c, v, "from_env", 0, &sec->env) == 0 && !env_name_ok(sec->env))
            spec_err_key(c, spec_node_get(v, "from_env"), "from_env",
                         "'%s' is not an environment variable name", sec->env);
    }
    if (spec_node_get(v, "existing") && sources == 1) {
        sec->source = SPEC_SECRET_EXISTING;
        if (spec_get_str(c, v, "existing", 0, &sec->existing) == 0 && !secret_id_ok(sec->existing))
            spec_err_key(c, spec_node_get(v, "existing"), "existing",
                         "'%s' is neither a Secrets Manager ARN nor a secret name", sec->existing);
    }
    spec_get_str(c, v, "description", 0, &sec->description);
    if (spec_get_bool(c, v, "keep", &sec->keep) == 0 && !sec->keep && sec->source == SPEC_SECRET_EXISTING)
        spec_err_key(c, spec_node_get(v, "keep"), "keep",
                     "an existing secret is never deleted; remove 'keep: false'");
}

void spec_decode_secrets(spec_ctx *c, const spec_node *n)
{
    if (!n)
        return;
    size_t old = spec_path_push(c, "secrets");
    if (spec_want_map(c, n) && !spec_too_many(c, n, 1000, "secrets", "one stack may hold")) {
        spec_stack *s = c->s;
        s->secrets = xcalloc(n->n + 1, sizeof *s->secrets);
        for (size_t i = 0; i < n->n; i++) {
            size_t o2 = spec_path_push(c, n->keys[i]->str);
            const spec_node *v = n->vals[i]->kind == SPEC_NODE_NULL ? NULL : n->vals[i];
            decode_secret(c, n->keys[i], v, &s->secrets[s->nsecrets++]);
            spec_path_pop(c, o2);
        }
    }
    spec_path_pop(c, old);
}

static void decode_lifecycle(spec_ctx *c, const spec_node *l, spec_bucket *b)
{
    size_t old = spec_path_push(c, "lifecycle");
    if (l->kind != SPEC_NODE_SEQ) {
        spec_err(c, l, "must be a list of rules like { prefix: logs/, expire_days: 30 }");
        spec_path_pop(c, old);
        return;
    }
    if (spec_too_many(c, l, 1000, "rules", "S3 takes per bucket")) {
        spec_path_pop(c, old);
        return;
    }
    b->lifecycle = xcalloc(l->n + 1, sizeof *b->lifecycle);
    for (size_t i = 0; i < l->n; i++) {
        const spec_node *r = l->vals[i];
        size_t o2 = spec_path_push_index(c, i);
        if (spec_want_map(c, r)) {
            spec_lifecycle_rule *lr = &b->lifecycle[b->nlifecycle++];
            lr->loc = r->loc;
            spec_check_keys(c, r, lifecycle_keys);
            spec_get_str(c, r, "prefix", 0, &lr->prefix);
            if (!lr->prefix)
                lr->prefix = xstrdup("");
            spec_get_int(c, r, "expire_days", 1, 36500, &lr->expire_days);
            spec_get_int(c, r, "noncurrent_expire_days", 1, 36500, &lr->noncurrent_expire_days);
            if (!spec_node_get(r, "expire_days") && !spec_node_get(r, "noncurrent_expire_days"))
                spec_err(c, r, "a rule needs expire_days (or noncurrent_expire_days)");
            for (size_t j = 0; j + 1 < b->nlifecycle; j++)
                if (strcmp(b->lifecycle[j].prefix, lr->prefix) == 0)
                    spec_err(c, r, "a rule for prefix '%s' is already given (line %d)", lr->prefix,
                             b->lifecycle[j].loc.line);
        }
        spec_path_pop(c, o2);
    }
    spec_path_pop(c, old);
}

static void decode_bucket(spec_ctx *c, const spec_node *key, const spec_node *v, spec_bucket *b)
{
    b->name = xstrdup(key->str);
    b->loc = key->loc;
    b->block_public_access = b->tls_only = b->keep = 1;
    if (!v || !spec_want_map(c, v))
        return;
    spec_check_keys(c, v, bucket_keys);
    spec_get_str(c, v, "name", 0, &b->bucket_name);
    int enc = 0;
    if (spec_get_enum(c, v, "encryption", encryption_names, &enc) == 0)
        b->encryption = (spec_bucket_encryption)enc;
    spec_get_str(c, v, "kms_key", 0, &b->kms_key);
    if (b->kms_key && b->encryption != SPEC_ENC_SSE_KMS)
        spec_err_key(c, spec_node_get(v, "kms_key"), "kms_key", "needs encryption: sse-kms");
    spec_get_bool(c, v, "block_public_access", &b->block_public_access);
    spec_get_bool(c, v, "tls_only", &b->tls_only);
    spec_get_bool(c, v, "versioning", &b->versioning);
    spec_get_bool(c, v, "keep", &b->keep);
    const spec_node *l = spec_node_get(v, "lifecycle");
    if (l)
        decode_lifecycle(c, l, b);
}

void spec_decode_buckets(spec_ctx *c, const spec_node *n)
{
    if (!n)
        return;
    size_t old = spec_path_push(c, "buckets");
    if (spec_want_map(c, n) && !spec_too_many(c, n, 1000, "buckets", "one stack may hold")) {
        spec_stack *s = c->s;
        s->buckets = xcalloc(n->n + 1, sizeof *s->buckets);
        for (size_t i = 0; i < n->n; i++) {
            size_t o2 = spec_path_push(c, n->keys[i]->str);
            const spec_node *v = n->vals[i]->kind == SPEC_NODE_NULL ? NULL : n->vals[i];
            decode_bucket(c, n->keys[i], v, &s->buckets[s->nbuckets++]);
            spec_path_pop(c, o2);
        }
    }
    spec_path_pop(c, old);
    for (size_t i = 0; i < c->s->nbuckets; i++)
        if (!c->s->buckets[i].bucket_name)
            c->s->buckets[i].bucket_name = xasprintf("%s-%s", c->s->name ? c->s->name : "", c->s->buckets[i].name);
}
