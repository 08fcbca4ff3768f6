/* secrets: and buckets:. */
#include <stdlib.h>
#include <string.h>

#include "stack_internal.h"
#include "stack_names.h"
#include "xalloc.h"

static const char *const secret_keys[] = {"generate", "from_file", "from_env", "existing",
                                          "keep", "description", NULL};
static const char *const generate_keys[] = {"length", "lowercase", "uppercase", "digits",
                                            "symbols", "exclude", NULL};
static const char *const bucket_keys[] = {"name", "encryption", "kms_key", "block_public_access",
                                          "tls_only", "versioning", "lifecycle", "cors", "keep", NULL};
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

void stack_decode_generate(stack_ctx *c, const stack_node *g, stack_secret *sec)
{
    sec->source = STACK_SECRET_GENERATE;
    size_t old = stack_path_push(c, "generate");
    if (g->kind == STACK_NODE_SCALAR && strcmp(g->str, "true") == 0) {
        stack_path_pop(c, old);
        return;
    }
    if (stack_want_map(c, g)) {
        stack_check_keys(c, g, generate_keys);
        stack_get_int(c, g, "length", 8, 4096, &sec->length);
        stack_get_bool(c, g, "lowercase", &sec->lowercase);
        stack_get_bool(c, g, "uppercase", &sec->uppercase);
        stack_get_bool(c, g, "digits", &sec->digits);
        stack_get_bool(c, g, "symbols", &sec->symbols);
        stack_get_str(c, g, "exclude", 0, &sec->exclude);
        if (!sec->lowercase && !sec->uppercase && !sec->digits && !sec->symbols)
            stack_err(c, g, "every character class is turned off; keep at least one of lowercase, "
                           "uppercase, digits, symbols");
    }
    stack_path_pop(c, old);
}

void stack_decode_secret(stack_ctx *c, const stack_node *key, const stack_node *v, void *items,
                         size_t at)
{
    stack_secret *sec = (stack_secret *)items + at;
    (void)key; /* named by stack_decode_blocks */
    sec->length = 32;
    sec->lowercase = sec->uppercase = sec->digits = 1;
    sec->keep = 1;
    sec->source = STACK_SECRET_BOOTSTRAP;
    if (!v || !stack_want_map(c, v))
        return;
    stack_check_keys(c, v, secret_keys);
    /* one source; or a given one (file or environment) with `generate:` as its fallback */
    const stack_node *g = stack_node_get(v, "generate");
    int fallback = g && !!stack_node_get(v, "from_file") + !!stack_node_get(v, "from_env") == 1 &&
                   !stack_node_get(v, "existing");
    int sources = 0;
    const char *first = NULL;
    for (size_t i = fallback ? 1 : 0; i < 4; i++)
        if (stack_node_get(v, secret_keys[i])) {
            if (sources++)
                stack_err_key(c, stack_node_get(v, secret_keys[i]), secret_keys[i],
                             "a secret has one source; '%s' is already given", first);
            else
                first = secret_keys[i];
        }
    static const stack_secret_source kinds[] = {STACK_SECRET_GENERATE, STACK_SECRET_FILE, STACK_SECRET_ENV,
                                               STACK_SECRET_EXISTING};
    for (size_t i = 0; sources > 1 && i < 4; i++)
        if (first == secret_keys[i])
            sec->source = kinds[i]; /* reported; keep the first so no other message follows */
    if (g && sources == 1) {
        stack_decode_generate(c, g, sec);
        sec->or_generate = fallback;
    }
    if (stack_node_get(v, "from_file") && sources == 1) {
        sec->source = STACK_SECRET_FILE;
        stack_get_str(c, v, "from_file", 0, &sec->path);
    }
    if (stack_node_get(v, "from_env") && sources == 1) {
        sec->source = STACK_SECRET_ENV;
        if (stack_get_str(c, v, "from_env", 0, &sec->env) == 0 && !env_name_ok(sec->env))
            stack_err_key(c, stack_node_get(v, "from_env"), "from_env",
                         "'%s' is not an environment variable name", sec->env);
    }
    if (stack_node_get(v, "existing") && sources == 1) {
        sec->source = STACK_SECRET_EXISTING;
        if (stack_get_str(c, v, "existing", 0, &sec->existing) == 0 && !secret_id_ok(sec->existing))
            stack_err_key(c, stack_node_get(v, "existing"), "existing",
                         "'%s' is neither a Secrets Manager ARN nor a secret name", sec->existing);
    }
    stack_get_str(c, v, "description", 0, &sec->description);
    if (stack_get_bool(c, v, "keep", &sec->keep) == 0 && !sec->keep && sec->source == STACK_SECRET_EXISTING)
        stack_err_key(c, stack_node_get(v, "keep"), "keep",
                     "an existing secret is never deleted; remove 'keep: false'");
}

static void lifecycle_item(stack_ctx *c, const stack_node *r, void *ud)
{
    stack_bucket *b = ud;
    stack_lifecycle_rule *lr = &b->lifecycle[b->nlifecycle++];
    lr->loc = r->loc;
    stack_get_str(c, r, "prefix", 0, &lr->prefix);
    if (!lr->prefix)
        lr->prefix = xstrdup("");
    stack_get_int(c, r, "expire_days", 1, 36500, &lr->expire_days);
    stack_get_int(c, r, "noncurrent_expire_days", 1, 36500, &lr->noncurrent_expire_days);
    if (!stack_node_get(r, "expire_days") && !stack_node_get(r, "noncurrent_expire_days"))
        stack_err(c, r, "a rule needs expire_days (or noncurrent_expire_days)");
    for (size_t j = 0; j + 1 < b->nlifecycle; j++)
        if (strcmp(b->lifecycle[j].prefix, lr->prefix) == 0)
            stack_err(c, r, "a rule for prefix '%s' is already given (line %d)", lr->prefix,
                      b->lifecycle[j].loc.line);
}

static void decode_lifecycle(stack_ctx *c, const stack_node *l, stack_bucket *b)
{
    static const stack_list rules = {
        .not_list = "must be a list of rules like { prefix: logs/, expire_days: 30 }",
        .max = 1000, .what = "rules", .why = "S3 takes per bucket",
        .size = sizeof(stack_lifecycle_rule), .keys = lifecycle_keys};
    size_t old = stack_path_push(c, "lifecycle");
    stack_decode_list(c, l, &rules, (void **)&b->lifecycle, lifecycle_item, b);
    stack_path_pop(c, old);
}

void stack_decode_bucket(stack_ctx *c, const stack_node *key, const stack_node *v, void *items,
                         size_t at)
{
    stack_bucket *b = (stack_bucket *)items + at;
    (void)key; /* named by stack_decode_blocks */
    b->block_public_access = b->tls_only = b->keep = 1;
    if (!v || !stack_want_map(c, v))
        return;
    stack_check_keys(c, v, bucket_keys);
    if (stack_get_str(c, v, "name", 0, &b->bucket_name) == 0 && b->bucket_name) {
        const char *why = stack_check_bucket_name(b->bucket_name);
        if (why)
            stack_err_key(c, stack_node_get(v, "name"), "name", "'%s' is not an S3 bucket name: it %s",
                         b->bucket_name, why);
    }
    int enc = 0;
    if (stack_get_enum(c, v, "encryption", encryption_names, &enc) == 0)
        b->encryption = (stack_bucket_encryption)enc;
    stack_get_str(c, v, "kms_key", 0, &b->kms_key);
    if (b->kms_key && b->encryption != STACK_ENC_SSE_KMS)
        stack_err_key(c, stack_node_get(v, "kms_key"), "kms_key", "needs encryption: sse-kms");
    stack_get_bool(c, v, "block_public_access", &b->block_public_access);
    stack_get_bool(c, v, "tls_only", &b->tls_only);
    stack_get_bool(c, v, "versioning", &b->versioning);
    stack_get_bool(c, v, "keep", &b->keep);
    const stack_node *l = stack_node_get(v, "lifecycle");
    if (l)
        decode_lifecycle(c, l, b);
    if (stack_node_get(v, "cors"))
        stack_decode_cors(c, stack_node_get(v, "cors"), b);
}

