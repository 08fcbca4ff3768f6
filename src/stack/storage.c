/*
 * file_systems: (EFS file systems and their access points) and parameter_store: (SSM
 * parameters): decoding, the rules across sections that concern them, and freeing (their
 * part of the JSON model is in json.c, which keeps a SecureString's value out of it).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "stack_internal.h"
#include "stack_names.h"
#include "xalloc.h"

static const char *const fs_keys[] = {"existing", "keep", "performance_mode", "throughput_mode",
                                      "provisioned_mibps", "kms_key", "backup", "access_points", NULL};
static const char *const ap_keys[] = {"path", "uid", "gid", "permissions", NULL};
static const char *const performance_modes[] = {"generalPurpose", "maxIO", NULL};
static const char *const throughput_modes[] = {"elastic", "bursting", "provisioned", NULL};
static const char *const param_keys[] = {"name", "type", "value", "from_file", "generate", "existing",
                                         "path", "kms_key", "description", "keep", NULL};
static const char *const param_types[] = {"SecureString", "String", "StringList", NULL};

/* ---- file systems ------------------------------------------------------------------ */

/* AWS's pattern for an access point's root directory: "/" or one to four "/segment". */
static const char *ap_path_problem(const char *p)
{
    if (strlen(p) > 100)
        return "is longer than 100 characters";
    if (p[0] != '/')
        return "must be an absolute path";
    if (!strcmp(p, "/"))
        return NULL;
    int levels = 0;
    for (const char *s = p; *s; ) {
        if (*s != '/' || !s[1] || s[1] == '/')
            return "must be /a/b with no empty part and no trailing slash";
        s++;
        if (*s == '.')
            return "may not have a part starting with '.'";
        levels++;
        for (; *s && *s != '/'; s++)
            if (strchr("$#<>;`|&?{}^*\n", *s))
                return "may not hold any of $#<>;`|&?{}^*";
    }
    return levels > 4 ? "has more than 4 levels (EFS's limit for an access point)" : NULL;
}

static int octal_ok(const char *s)
{
    size_t n = strlen(s);
    return (n == 3 || n == 4) && strspn(s, "01234567") == n;
}

static void decode_access_point(stack_ctx *c, const stack_node *key, const stack_node *v,
                                void *items, size_t at)
{
    stack_access_point *ap = (stack_access_point *)items + at;
    const char *why = stack_check_logical_name(key->str);
    if (why)
        stack_err(c, key, "'%s' %s", key->str, why);
    ap->uid = ap->gid = -1;
    int uid = -1, gid = -1;
    if (stack_block_map(c, key, v, NULL, ap_keys)) {
        stack_get_str(c, v, "path", 0, &ap->path);
        stack_get_int(c, v, "uid", 0, 2147483647, &uid);
        stack_get_int(c, v, "gid", 0, 2147483647, &gid);
        stack_get_str(c, v, "permissions", 0, &ap->permissions);
        if ((stack_node_get(v, "uid") != NULL) != (stack_node_get(v, "gid") != NULL))
            stack_err(c, v, "give both uid and gid (the POSIX identity every client of the access point gets), or neither");
        if (ap->path) {
            const char *why = ap_path_problem(ap->path);
            if (why)
                stack_err_key(c, stack_node_get(v, "path"), "path", "'%s' %s", ap->path, why);
        }
        if (ap->permissions && !octal_ok(ap->permissions))
            stack_err_key(c, stack_node_get(v, "permissions"), "permissions",
                         "'%s' is not an octal mode like 750 or 0750", ap->permissions);
    }
    ap->uid = uid;
    ap->gid = gid;
    if (!ap->path)
        ap->path = xasprintf("/%s", ap->name);
    if (!ap->permissions)
        ap->permissions = xstrdup("755");
}

static void decode_access_points(stack_ctx *c, const stack_node *n, stack_file_system *fs)
{
    static const stack_blocks blocks = {.key = "access_points", .max = 1000,
                                        .what = "access points",
                                        .why = "EFS allows per file system",
                                        STACK_BLOCKS_OF(stack_access_point)};
    fs->access_points = stack_decode_blocks(c, n, &blocks, &fs->naccess_points,
                                            decode_access_point);
}

void stack_decode_file_system(stack_ctx *c, const stack_node *key, const stack_node *v, void *items,
                              size_t at)
{
    stack_file_system *fs = (stack_file_system *)items + at;
    (void)key; /* named by stack_decode_blocks */
    fs->keep = 1;
    int perf = 0, tput = 0;
    if (stack_block_map(c, key, v, NULL, fs_keys)) {
        if (stack_get_str(c, v, "existing", 0, &fs->existing) == 0 && fs->existing &&
            (strncmp(fs->existing, "fs-", 3) != 0 || strlen(fs->existing) < 4))
            stack_err_key(c, stack_node_get(v, "existing"), "existing",
                         "'%s' is not an EFS file system id (fs-…)", fs->existing);
        if (stack_get_bool(c, v, "keep", &fs->keep) == 0 && !fs->keep && fs->existing)
            stack_err_key(c, stack_node_get(v, "keep"), "keep",
                         "an existing file system is never deleted; remove 'keep: false'");
        stack_get_enum(c, v, "performance_mode", performance_modes, &perf);
        stack_get_enum(c, v, "throughput_mode", throughput_modes, &tput);
        stack_get_int(c, v, "provisioned_mibps", 1, 3414, &fs->provisioned_mibps);
        stack_get_str(c, v, "kms_key", 0, &fs->kms_key);
        stack_get_bool(c, v, "backup", &fs->backup);
        if (fs->existing) {
            static const char *const owned[] = {"performance_mode", "throughput_mode", "provisioned_mibps",
                                                "kms_key", "backup", NULL};
            for (size_t i = 0; owned[i]; i++)
                if (stack_node_get(v, owned[i]))
                    stack_err_key(c, stack_node_get(v, owned[i]), owned[i],
                                 "is a setting of a file system the stack creates; an existing one "
                                 "keeps its own");
        }
        if (tput == 2 && !stack_node_get(v, "provisioned_mibps"))
            stack_err_key(c, stack_node_get(v, "throughput_mode"), "throughput_mode",
                         "provisioned throughput needs provisioned_mibps");
        if (tput != 2 && stack_node_get(v, "provisioned_mibps"))
            stack_err_key(c, stack_node_get(v, "provisioned_mibps"), "provisioned_mibps",
                         "applies to throughput_mode: provisioned only");
        if (perf == 1 && tput == 0 && !fs->existing)
            stack_err_key(c, stack_node_get(v, "performance_mode"), "performance_mode",
                         "maxIO does not work with elastic throughput (the default); set "
                         "throughput_mode to bursting or provisioned");
        const stack_node *aps = stack_node_get(v, "access_points");
        if (aps)
            decode_access_points(c, aps, fs);
    }
    fs->performance_mode = xstrdup(performance_modes[perf]);
    fs->throughput_mode = xstrdup(throughput_modes[tput]);
}

/* ---- Parameter Store ------------------------------------------------------------------ */

/* An SSM parameter name ("/stack/db/url" or "plain"): letters, digits and _.-/, a path
 * starting with '/', no empty part, not starting with aws or ssm, at most 15 levels. */
static const char *stack_check_ssm_name(const char *name)
{
    size_t len = strlen(name);
    if (len == 0 || len > 1011)
        return "must be 1 to 1011 characters long";
    if (strchr(name, '/') && name[0] != '/')
        return "must start with '/' when it has a path";
    if (strstr(name, "//") || (len > 1 && name[len - 1] == '/') || !strcmp(name, "/"))
        return "may not have an empty part or end with '/'";
    if (!stack_name_chars(name, 0, "_.-/"))
        return "may hold only letters, digits and _.-/";
    const char *first = name[0] == '/' ? name + 1 : name;
    if (!strncasecmp(first, "aws", 3) || !strncasecmp(first, "ssm", 3))
        return "may not start with 'aws' or 'ssm' (AWS keeps those)";
    int levels = 0;
    for (const char *p = name; *p; p++)
        levels += *p == '/';
    return levels > 15 ? "has more than 15 levels (Parameter Store's limit)" : NULL;
}

/* A KMS key as IAM can name it: a key ARN or a key id (an alias names no key to grant). */
static const char *kms_key_problem(const char *k)
{
    if (!strncmp(k, "alias/", 6) || (!strncmp(k, "arn:", 4) && strstr(k, ":alias/")))
        return "is an alias; name the key by its id or ARN (the execution role is granted "
               "kms:Decrypt on the key, and IAM does not grant on aliases)";
    if (!strncmp(k, "arn:", 4))
        return strstr(k, ":kms:") && strstr(k, ":key/") ? NULL : "is not a KMS key ARN (arn:…:kms:…:key/…)";
    for (const char *p = k; *p; p++)
        if (!((*p >= 'a' && *p <= 'f') || (*p >= '0' && *p <= '9') || *p == '-' || (*p == 'm' && p == k) ||
              (*p == 'r' && p == k + 1) || (*p == 'k' && p == k + 2)))
            return "is not a KMS key id (a UUID, or mrk-… for a multi-Region key) nor a key ARN";
    return NULL;
}

static void decode_sources(stack_ctx *c, const stack_node *v, stack_ssm_parameter *p)
{
    static const char *const sources[] = {"value", "from_file", "generate", "path", NULL};
    const char *first = NULL;
    for (size_t i = 0; sources[i]; i++) {
        const stack_node *x = stack_node_get(v, sources[i]);
        if (x && first)
            stack_err_key(c, x, sources[i], "a parameter has one source; '%s' is already given", first);
        else if (x)
            first = sources[i];
    }
    int existing = 0;
    stack_get_bool(c, v, "existing", &existing);
    if (existing && first && strcmp(first, "path") != 0)
        stack_err_key(c, stack_node_get(v, first), first,
                     "an existing parameter has no source; remove '%s' or 'existing: true'", first);
    p->source = existing ? STACK_SSM_EXISTING : STACK_SSM_GENERATE;
    if (first && !strcmp(first, "value")) {
        p->source = STACK_SSM_VALUE;
        stack_get_str(c, v, "value", 0, &p->value);
    } else if (first && !strcmp(first, "from_file")) {
        p->source = STACK_SSM_FILE;
        stack_get_str(c, v, "from_file", 0, &p->path);
    } else if (first && !strcmp(first, "generate")) {
        const stack_node *g = stack_node_get(v, "generate");
        stack_decode_generate(c, g, &p->generator);
    } else if (first && !strcmp(first, "path")) {
        p->source = STACK_SSM_PATH;
        if (!existing)
            stack_err_key(c, stack_node_get(v, "path"), "path",
                         "a path names parameters that exist already; add 'existing: true'");
        stack_get_str(c, v, "path", 0, &p->ssm_name);
        size_t len = p->ssm_name ? strlen(p->ssm_name) : 0;
        if (len > 1 && p->ssm_name[len - 1] == '/')
            p->ssm_name[len - 1] = '\0';
        const char *why = p->ssm_name && p->ssm_name[0] != '/' ? "must start with '/'"
                        : p->ssm_name ? stack_check_ssm_name(p->ssm_name) : NULL;
        if (why)
            stack_err_key(c, stack_node_get(v, "path"), "path", "'%s' %s", p->ssm_name, why);
        if (stack_node_get(v, "name"))
            stack_err_key(c, stack_node_get(v, "name"), "name", "a path entry has no name; give 'path:' only");
        if (stack_node_get(v, "type"))
            stack_err_key(c, stack_node_get(v, "type"), "type", "the parameters under a path keep their own types");
    } else if (!existing) {
        stack_err(c, v, "needs a source: value, from_file, generate, or existing: true (or path: with existing: true)");
    }
}

static void decode_parameter(stack_ctx *c, const stack_node *key, const stack_node *v,
                             stack_ssm_parameter *p)
{
    p->keep = 1;
    p->generator.source = STACK_SECRET_GENERATE; /* a secret's generator defaults */
    p->generator.length = 32;
    p->generator.lowercase = p->generator.uppercase = p->generator.digits = 1;
    if (!stack_block_map(c, key, v, "needs a source: value, from_file, generate, or existing: true",
                         param_keys))
        return;
    decode_sources(c, v, p);
    if (p->source != STACK_SSM_PATH && stack_get_str(c, v, "name", 0, &p->ssm_name) == 0 && p->ssm_name) {
        const char *why = stack_check_ssm_name(p->ssm_name);
        if (why)
            stack_err_key(c, stack_node_get(v, "name"), "name", "'%s' %s", p->ssm_name, why);
    }
    int t = 0;
    if (stack_node_get(v, "type") && p->source != STACK_SSM_PATH &&
        stack_get_enum(c, v, "type", param_types, &t) == 0)
        p->type = xstrdup(param_types[t]);
    else if (p->source != STACK_SSM_EXISTING && p->source != STACK_SSM_PATH)
        p->type = xstrdup("SecureString");
    if (stack_get_str(c, v, "kms_key", 0, &p->kms_key) == 0 && p->kms_key) {
        const char *why = kms_key_problem(p->kms_key);
        if (why)
            stack_err_key(c, stack_node_get(v, "kms_key"), "kms_key", "'%s' %s", p->kms_key, why);
        else if (p->type && strcmp(p->type, "SecureString") != 0)
            stack_err_key(c, stack_node_get(v, "kms_key"), "kms_key", "applies to SecureString parameters only");
    }
    stack_get_str(c, v, "description", 0, &p->description);
    if (p->value && strlen(p->value) > 4096)
        stack_err_key(c, stack_node_get(v, "value"), "value",
                     "is %zu bytes; a Standard parameter holds at most 4096", strlen(p->value));
    if (p->value && !*p->value)
        stack_err_key(c, stack_node_get(v, "value"), "value", "is empty; Parameter Store keeps no empty value");
    if (stack_get_bool(c, v, "keep", &p->keep) == 0 && !p->keep &&
        (p->source == STACK_SSM_EXISTING || p->source == STACK_SSM_PATH))
        stack_err_key(c, stack_node_get(v, "keep"), "keep",
                     "an existing parameter is never deleted; remove 'keep: false'");
}

void stack_decode_parameter(stack_ctx *c, const stack_node *key, const stack_node *v, void *items,
                            size_t at)
{
    stack_ssm_parameter *p = (stack_ssm_parameter *)items + at;
    decode_parameter(c, key, v, p);
    if (!p->ssm_name && p->source != STACK_SSM_PATH)
        p->ssm_name = xasprintf("/%s/%s", c->s->name ? c->s->name : "", p->name);
}

/* ---- lookups ----------------------------------------------------------------------- */

const stack_file_system *stack_find_file_system(const stack_model *s, const char *name)
{
    for (size_t i = 0; name && i < s->nfile_systems; i++)
        if (!strcmp(s->file_systems[i].name, name))
            return &s->file_systems[i];
    return NULL;
}

const stack_access_point *stack_find_access_point(const stack_file_system *fs, const char *name)
{
    for (size_t i = 0; fs && name && i < fs->naccess_points; i++)
        if (!strcmp(fs->access_points[i].name, name))
            return &fs->access_points[i];
    return NULL;
}

const stack_ssm_parameter *stack_find_ssm_parameter(const stack_model *s, const char *name)
{
    for (size_t i = 0; name && i < s->nssm_parameters; i++)
        if (!strcmp(s->ssm_parameters[i].name, name))
            return &s->ssm_parameters[i];
    return NULL;
}

int stack_service_mounts(const stack_service *svc, const char *fs)
{
    for (size_t i = 0; i < svc->nvolumes; i++)
        if (svc->volumes[i].file_system && !strcmp(svc->volumes[i].file_system, fs))
            return 1;
    return 0;
}

stack_tier stack_file_system_tier(const stack_model *s, const stack_file_system *fs)
{
    int mounted = 0;
    for (size_t i = 0; i < s->nservices; i++)
        if (stack_service_mounts(&s->services[i], fs->name)) {
            if (s->services[i].subnets == STACK_TIER_PRIVATE)
                return STACK_TIER_PRIVATE;
            mounted = 1;
        }
    if (mounted)
        return STACK_TIER_PUBLIC;
    const stack_network *net = &s->network;
    int private = net->mode == STACK_VPC_NEW ? net->private_subnets == 1
                : net->mode == STACK_VPC_EXISTING ? net->nprivate_subnet_ids > 0 : 0;
    return private ? STACK_TIER_PRIVATE : STACK_TIER_PUBLIC;
}

/* ---- rules across sections ----------------------------------------------------------- */

static void check_volume(stack_ctx *c, const stack_service *v, size_t i)
{
    const stack_volume *vol = &v->volumes[i];
    if (vol->kind != STACK_VOL_EFS || !vol->file_system)
        return;
    const stack_file_system *fs = stack_find_file_system(c->s, vol->file_system);
    if (!fs) {
        stack_diag_add(c->d, vol->loc, "services.%s.volumes[%zu].efs.file_system: there is no file system "
                      "'%s' under 'file_systems:'", v->name, i, vol->file_system);
        return;
    }
    if (vol->fs_access_point && !stack_find_access_point(fs, vol->fs_access_point))
        stack_diag_add(c->d, vol->loc, "services.%s.volumes[%zu].efs.access_point: file system %s has no "
                      "access point '%s' under its 'access_points:'", v->name, i, fs->name, vol->fs_access_point);
}

static void check_secret_env(stack_ctx *c, const stack_service *v, const stack_secret_env *se)
{
    if (!se->parameter)
        return;
    const stack_ssm_parameter *p = stack_find_ssm_parameter(c->s, se->parameter);
    if (!p)
        stack_diag_add(c->d, se->loc, "services.%s: parameter '%s' (for %s) is not declared under "
                      "'parameter_store:'", v->name, se->parameter, se->env);
    else if (p->source == STACK_SSM_PATH && !se->parameter_sub)
        stack_diag_add(c->d, se->loc, "services.%s: '%s' (for %s) is a path; name one parameter under it "
                      "as %s/NAME", v->name, se->parameter, se->env, se->parameter);
    else if (p->source != STACK_SSM_PATH && se->parameter_sub)
        stack_diag_add(c->d, se->loc, "services.%s: '%s/%s' (for %s): parameter %s is not a path entry, so "
                      "nothing is under it", v->name, se->parameter, se->parameter_sub, se->env, se->parameter);
    else if (se->parameter_sub && stack_check_ssm_name(se->parameter_sub))
        stack_diag_add(c->d, se->loc, "services.%s: '%s' (for %s): '%s' %s", v->name, se->parameter, se->env,
                      se->parameter_sub, stack_check_ssm_name(se->parameter_sub));
}

/* ${parameter_store.NAME.value}: a plain value known at deploy time, never a secret. */
static void check_value_refs(stack_ctx *c)
{
    stack_model *s = c->s;
    for (size_t i = 0; i < s->nrefs; i++) {
        const stack_ref *r = &s->refs[i];
        stack_ssm_parameter *p = (stack_ssm_parameter *)stack_find_ssm_parameter(s, r->name);
        if (r->kind != STACK_REF_PARAMETER || !p)
            continue;
        if (p->source == STACK_SSM_PATH)
            stack_diag_add(c->d, r->loc, "%s: '${parameter_store.%s.%s}': %s is a path, not one parameter",
                          c->ref_paths[i], r->name, r->attr, r->name);
        else if (!strcmp(r->attr, "value") && p->type && !strcmp(p->type, "SecureString"))
            stack_diag_add(c->d, r->loc, "%s: '${parameter_store.%s.value}': %s is a SecureString, and a secret "
                          "never goes into plain configuration; give it as a secret: secrets: { ENV: { parameter: "
                          "%s } } (or make it type: String if it is not secret)", c->ref_paths[i], r->name, r->name,
                          r->name);
        else if (!strcmp(r->attr, "value"))
            p->used_as_value = 1;
    }
}

void stack_check_storage(stack_ctx *c)
{
    stack_model *s = c->s;
    for (size_t i = 0; i < s->nservices; i++) {
        const stack_service *v = &s->services[i];
        for (size_t j = 0; j < v->nvolumes; j++)
            check_volume(c, v, j);
        for (size_t k = 0; k < v->ncontainers; k++)
            for (size_t j = 0; j < v->containers[k].nsecrets; j++)
                check_secret_env(c, v, &v->containers[k].secrets[j]);
        for (size_t f = 0; f < s->nfile_systems; f++) {
            char *group = xasprintf("efs-%s", s->file_systems[f].name);
            if (!strcmp(group, v->name) && !s->file_systems[f].existing)
                stack_diag_add(c->d, v->loc, "services.%s: the name is taken by the security group of file "
                              "system %s (sg/%s); rename the service", v->name, s->file_systems[f].name, group);
            free(group);
        }
    }
    for (size_t i = 0; i < s->nssm_parameters; i++)
        for (size_t j = 0; j < i; j++)
            if (s->ssm_parameters[i].ssm_name && s->ssm_parameters[j].ssm_name &&
                !strcmp(s->ssm_parameters[i].ssm_name, s->ssm_parameters[j].ssm_name))
                stack_diag_add(c->d, s->ssm_parameters[i].loc, "parameter_store.%s: '%s' is already the name of "
                              "parameter_store.%s", s->ssm_parameters[i].name, s->ssm_parameters[i].ssm_name,
                              s->ssm_parameters[j].name);
    check_value_refs(c);
}

/* ---- freeing ------------------------------------------------------------------------- */

static const stack_owned file_system_owned[] = {
    STACK_OWNS(stack_file_system, name),
    STACK_OWNS(stack_file_system, existing),
    STACK_OWNS(stack_file_system, performance_mode),
    STACK_OWNS(stack_file_system, throughput_mode),
    STACK_OWNS(stack_file_system, kms_key),
    STACK_OWNS_END};
static const stack_owned access_point_owned[] = {
    STACK_OWNS(stack_access_point, name),
    STACK_OWNS(stack_access_point, path),
    STACK_OWNS(stack_access_point, permissions),
    STACK_OWNS_END};
static const stack_owned parameter_owned[] = {
    STACK_OWNS(stack_ssm_parameter, name),
    STACK_OWNS(stack_ssm_parameter, ssm_name),
    STACK_OWNS(stack_ssm_parameter, type),
    STACK_OWNS(stack_ssm_parameter, value),
    STACK_OWNS(stack_ssm_parameter, path),
    STACK_OWNS(stack_ssm_parameter, generator.exclude),
    STACK_OWNS(stack_ssm_parameter, kms_key),
    STACK_OWNS(stack_ssm_parameter, description),
    STACK_OWNS_END};

void stack_storage_free(stack_model *s)
{
    for (size_t i = 0; i < s->nfile_systems; i++) {
        stack_file_system *fs = &s->file_systems[i];
        stack_free_owned(fs, file_system_owned);
        stack_free_items(fs->access_points, fs->naccess_points, sizeof *fs->access_points,
                         access_point_owned);
    }
    free(s->file_systems);
    for (size_t i = 0; i < s->nssm_parameters; i++) {
        stack_ssm_parameter *p = &s->ssm_parameters[i];
        if (p->value) /* may be a secret: wiped before it goes back to the allocator */
            explicit_bzero(p->value, strlen(p->value));
    }
    stack_free_items(s->ssm_parameters, s->nssm_parameters, sizeof *s->ssm_parameters,
                     parameter_owned);
}
