/*
 * databases: and caches: (top level), and a service's databases: and caches: (which of
 * them it uses, in which environment variables).
 *
 * A database is an RDS instance the stack creates (PostgreSQL or MySQL), or an existing
 * one named by identifier; a cache is an existing ElastiCache cache. What can be checked
 * offline is checked here: engines, versions and instance classes by their patterns,
 * storage sizes, retention, the subnets (a DB subnet group needs two zones), identifiers,
 * and the services' environment names. What only AWS knows (that a version is offered,
 * that an identifier exists) is checked by `up` before it writes anything.
 */
#include <stdlib.h>
#include <string.h>

#include "stack_internal.h"
#include "stack_names.h"
#include "xalloc.h"

static const char *const database_keys[] = {
    "existing", "engine", "version", "instance_class", "storage_gib", "storage_type", "multi_az",
    "db_name", "user", "backup_retention_days", "deletion_protection", "keep", "final_snapshot",
    "subnets", NULL};
static const char *const cache_keys[] = {"existing", NULL};
static const char *const db_use_keys[] = {"host", "port", "name", "user", "password", NULL};
static const char *const cache_use_keys[] = {"host", "port", NULL};
static const char *const engine_names[] = {"postgres", "mysql", NULL};
static const char *const storage_types[] = {"gp3", "gp2", NULL};
static const char *const tier_names[] = {"public", "private", NULL};

/* ---- patterns ------------------------------------------------------------------------ */

static int digits(const char *s, size_t min, size_t max, const char **end)
{
    size_t n = 0;
    while (s[n] >= '0' && s[n] <= '9')
        n++;
    *end = s + n;
    return n >= min && n <= max;
}

/* PostgreSQL: MAJOR or MAJOR.MINOR (RDS offers majors 11 and later); MySQL: 5.7, 8.0, 8.4
 * or one of their minors (8.0.41). NULL when valid, else what a valid one looks like. */
static const char *version_problem(stack_db_engine engine, const char *v)
{
    const char *e;
    if (engine == STACK_DB_POSTGRES) {
        if (!digits(v, 1, 2, &e) || atoi(v) < 11)
            return "is not a PostgreSQL version RDS offers: write a major version (11 or later) "
                   "like \"16\", or a minor one like \"16.8\"";
        if (*e == '.' && digits(e + 1, 1, 2, &e) && !*e)
            return NULL;
        return *e ? "is not a PostgreSQL version: write \"16\" or \"16.8\"" : NULL;
    }
    if (strncmp(v, "5.7", 3) != 0 && strncmp(v, "8.0", 3) != 0 && strncmp(v, "8.4", 3) != 0)
        return "is not a MySQL version RDS offers: write 5.7, 8.0 or 8.4, or a minor one like "
               "\"8.0.41\"";
    e = v + 3;
    if (!*e || (*e == '.' && digits(e + 1, 1, 3, &e) && !*e))
        return NULL;
    return "is not a MySQL version: write \"8.0\" or \"8.0.41\"";
}

/* db.FAMILY.SIZE: db.t4g.micro, db.m7g.large, db.r6i.2xlarge. */
static int instance_class_ok(const char *c)
{
    if (strncmp(c, "db.", 3) != 0)
        return 0;
    const char *fam = c + 3, *dot = strchr(fam, '.');
    if (!dot || dot == fam || !(fam[0] >= 'a' && fam[0] <= 'z'))
        return 0;
    for (const char *p = fam; p < dot; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
            return 0;
    static const char *const sizes[] = {"micro", "small", "medium", "large", "xlarge", "metal", NULL};
    const char *size = dot + 1, *rest;
    digits(size, 0, 2, &rest);
    for (size_t i = 0; sizes[i]; i++)
        if (strcmp(rest, sizes[i]) == 0)
            return rest == size || strcmp(rest, "xlarge") == 0;
    return 0;
}

/* RDS identifiers: a letter, then letters, digits and single hyphens, at most max, not
 * ending with a hyphen. */
static const char *identifier_problem(const char *id, size_t max)
{
    size_t len = strlen(id);
    if (!len || len > max)
        return max == 63 ? "must be 1 to 63 characters" : "must be 1 to 40 characters";
    if (!((id[0] >= 'a' && id[0] <= 'z') || (id[0] >= 'A' && id[0] <= 'Z')))
        return "must start with a letter";
    if (!stack_name_chars(id, 0, "-"))
        return "may hold only letters, digits and hyphens";
    if (id[len - 1] == '-' || strstr(id, "--"))
        return "may not end with a hyphen or hold two in a row";
    return NULL;
}

/* PostgreSQL and MySQL names (database, user): a letter, then letters, digits and '_'. */
static int sql_name_ok(const char *n, size_t max)
{
    size_t len = strlen(n);
    return len && len <= max && ((n[0] >= 'a' && n[0] <= 'z') || (n[0] >= 'A' && n[0] <= 'Z')) &&
           stack_name_chars(n, 0, "_");
}

static int env_name_ok(const char *s)
{
    return *s && !(*s >= '0' && *s <= '9') && stack_name_chars(s, 0, "_");
}

/* ---- databases: -------------------------------------------------------------------- */

static void decode_subnets(stack_ctx *c, const stack_node *v, stack_database *db)
{
    const stack_node *sn = stack_node_get(v, "subnets");
    if (!sn)
        return;
    if (sn->kind == STACK_NODE_SEQ) {
        stack_get_strlist(c, v, "subnets", 0, &db->subnet_ids, &db->nsubnet_ids);
        for (size_t i = 0; i < db->nsubnet_ids; i++)
            if (strncmp(db->subnet_ids[i], "subnet-", 7) != 0)
                stack_err_key(c, sn, "subnets", "'%s' is not a subnet id (subnet-…)", db->subnet_ids[i]);
        return;
    }
    int tier = 0;
    if (stack_get_enum(c, v, "subnets", tier_names, &tier) == 0)
        db->tier = (stack_tier)tier;
}

static void decode_created(stack_ctx *c, const stack_node *v, stack_database *db)
{
    int engine = 0;
    if (stack_get_enum(c, v, "engine", engine_names, &engine) == 0)
        db->engine = (stack_db_engine)engine;
    db->port = db->engine == STACK_DB_POSTGRES ? 5432 : 3306;
    if (stack_get_str(c, v, "version", 0, &db->version) == 0 && db->version) {
        const char *why = version_problem(db->engine, db->version);
        if (why)
            stack_err_key(c, stack_node_get(v, "version"), "version", "'%s' %s", db->version, why);
    }
    if (stack_get_str(c, v, "instance_class", 0, &db->instance_class) == 0 && db->instance_class &&
        !instance_class_ok(db->instance_class))
        stack_err_key(c, stack_node_get(v, "instance_class"), "instance_class",
                      "'%s' is not an RDS instance class like db.t4g.micro or db.m7g.large",
                      db->instance_class);
    int type = 0;
    if (stack_get_enum(c, v, "storage_type", storage_types, &type) == 0)
        db->storage_type = xstrdup(storage_types[type]);
    /* gp2 and gp3 hold 20 GiB to 64 TiB for PostgreSQL and MySQL */
    stack_get_int(c, v, "storage_gib", 20, 65536, &db->storage_gib);
    stack_get_bool(c, v, "multi_az", &db->multi_az);
    size_t max = db->engine == STACK_DB_POSTGRES ? 63 : 64;
    if (stack_get_str(c, v, "db_name", 0, &db->db_name) == 0 && db->db_name &&
        !sql_name_ok(db->db_name, max))
        stack_err_key(c, stack_node_get(v, "db_name"), "db_name",
                      "'%s' is not a database name: a letter, then letters, digits and '_' (at "
                      "most %zu)", db->db_name, max);
    max = db->engine == STACK_DB_POSTGRES ? 63 : 32;
    if (stack_get_str(c, v, "user", 0, &db->user) == 0 && db->user &&
        (!sql_name_ok(db->user, max) || strcmp(db->user, "rdsadmin") == 0))
        stack_err_key(c, stack_node_get(v, "user"), "user",
                      "'%s' is not a master user name: a letter, then letters, digits and '_' (at "
                      "most %zu), not rdsadmin", db->user, max);
    stack_get_int(c, v, "backup_retention_days", 1, 35, &db->backup_retention_days);
    stack_get_bool(c, v, "deletion_protection", &db->deletion_protection);
    stack_get_bool(c, v, "keep", &db->keep);
    stack_get_bool(c, v, "final_snapshot", &db->final_snapshot);
    decode_subnets(c, v, db);
}

void stack_decode_database(stack_ctx *c, const stack_node *key, const stack_node *v, void *items,
                           size_t at)
{
    stack_database *db = (stack_database *)items + at;
    (void)key; /* named by stack_decode_blocks */
    db->storage_gib = 20;
    db->backup_retention_days = 7;
    db->deletion_protection = db->keep = db->final_snapshot = 1;
    db->tier = (stack_tier)-1;
    db->port = 5432;
    if (stack_block_map(c, key, v, NULL, database_keys)) {
        const stack_node *ex = stack_node_get(v, "existing");
        if (ex && v->n > 1) {
            stack_err(c, v, "an existing database is only read and opened to its services: give "
                            "'existing:' alone (its other keys describe a database the stack creates)");
        } else if (ex) {
            if (stack_get_str(c, v, "existing", 1, &db->existing) == 0 && db->existing) {
                const char *why = identifier_problem(db->existing, 63);
                if (why)
                    stack_err_key(c, ex, "existing", "'%s' is not a DB instance identifier: it %s",
                                  db->existing, why);
            }
            return;
        }
        decode_created(c, v, db);
    }
    if (!db->instance_class)
        db->instance_class = xstrdup("db.t4g.micro");
    if (!db->storage_type)
        db->storage_type = xstrdup("gp3");
    if (!db->db_name) {
        db->db_name = xstrdup(db->name);
        for (char *p = db->db_name; *p; p++)
            if (*p == '-')
                *p = '_';
    }
    if (!db->user)
        db->user = xstrdup(db->engine == STACK_DB_POSTGRES ? "postgres" : "admin");
    db->identifier = stack_name_database(c->s->name ? c->s->name : "", db->name);
}

/* ---- caches: ---------------------------------------------------------------------- */

void stack_decode_cache(stack_ctx *c, const stack_node *key, const stack_node *v, void *items,
                        size_t at)
{
    stack_cache *x = (stack_cache *)items + at;
    if (!v)
        stack_err(c, key, "needs existing: ID (ecsdeploy reads caches that exist; it "
                          "does not create them)");
    else if (stack_want_map(c, v)) {
        stack_check_keys(c, v, cache_keys);
        if (stack_get_str(c, v, "existing", 1, &x->existing) == 0 && x->existing) {
            const char *why = identifier_problem(x->existing, 40);
            if (why)
                stack_err_key(c, stack_node_get(v, "existing"), "existing",
                              "'%s' is not an ElastiCache identifier: it %s", x->existing, why);
        }
    }
}

/* ---- a service's databases: and caches: ------------------------------------------------ */

static void decode_use_env(stack_ctx *c, const stack_node *v, const char *key, char **out)
{
    if (stack_get_str(c, v, key, 0, out) == 0 && *out && !env_name_ok(*out))
        stack_err_key(c, stack_node_get(v, key), key, "'%s' is not an environment variable name",
                      *out);
}

/* The uses of one container, added to the service's (*out). */
static void decode_uses(stack_ctx *c, const stack_node *n, const char *section,
                        const char *const *keys, size_t container, stack_store_use **out,
                        size_t *nout)
{
    size_t old = stack_path_push(c, section);
    if (stack_want_map(c, n) && !stack_too_many(c, n, 100, section, "one container may use")) {
        *out = xrealloc(*out, (*nout + n->n + 1) * sizeof **out);
        memset(*out + *nout, 0, (n->n + 1) * sizeof **out);
        for (size_t i = 0; i < n->n; i++) {
            size_t o2 = stack_path_push(c, n->keys[i]->str);
            const stack_node *v = n->vals[i];
            stack_store_use *u = &(*out)[(*nout)++];
            u->name = xstrdup(n->keys[i]->str);
            u->container = container;
            u->loc = n->keys[i]->loc;
            if (v->kind != STACK_NODE_NULL && stack_want_map(c, v)) {
                stack_check_keys(c, v, keys);
                decode_use_env(c, v, "host", &u->host);
                decode_use_env(c, v, "port", &u->port);
                if (keys == db_use_keys) {
                    decode_use_env(c, v, "name", &u->db_name);
                    decode_use_env(c, v, "user", &u->user);
                    decode_use_env(c, v, "password", &u->password);
                }
            }
            stack_path_pop(c, o2);
        }
    }
    stack_path_pop(c, old);
}

void stack_decode_store_uses(stack_ctx *c, const stack_node *n, stack_service *svc,
                             size_t container)
{
    const stack_node *x;
    if ((x = stack_node_get(n, "databases")))
        decode_uses(c, x, "databases", db_use_keys, container, &svc->databases, &svc->ndatabases);
    if ((x = stack_node_get(n, "caches")))
        decode_uses(c, x, "caches", cache_use_keys, container, &svc->caches, &svc->ncaches);
}

int stack_store_use_repeats(const stack_store_use *uses, size_t i)
{
    for (size_t j = 0; j < i; j++)
        if (strcmp(uses[j].name, uses[i].name) == 0)
            return 1;
    return 0;
}

/* ---- across sections ------------------------------------------------------------------ */

void stack_databases_defaults(stack_ctx *c)
{
    stack_network *net = &c->s->network;
    for (size_t i = 0; i < c->s->ndatabases; i++) {
        stack_database *db = &c->s->databases[i];
        if (db->existing || db->nsubnet_ids)
            continue;
        if ((int)db->tier < 0)
            db->tier = (net->mode == STACK_VPC_NEW && net->private_subnets != 0) ||
                               (net->mode == STACK_VPC_EXISTING && net->nprivate_subnet_ids)
                           ? STACK_TIER_PRIVATE
                           : STACK_TIER_PUBLIC;
        /* a database needs no way to the internet: private subnets without a NAT gateway */
        if (net->mode == STACK_VPC_NEW && db->tier == STACK_TIER_PRIVATE && net->private_subnets < 0)
            net->private_subnets = 1;
    }
}

static void database_network(stack_ctx *c, const stack_node *root, const stack_database *db)
{
    const stack_network *net = &c->s->network;
    const stack_node *at = stack_at(root, "databases", db->name, "subnets", NULL);
    if (db->nsubnet_ids) {
        if (net->mode != STACK_VPC_EXISTING)
            stack_report(c, at, db->loc, "databases.%s.subnets: subnet ids are for an existing VPC "
                         "(network.vpc: { id: … }); in this network write private or public", db->name);
        else if (db->nsubnet_ids < 2)
            stack_report(c, at, db->loc, "databases.%s.subnets: a DB subnet group needs subnets in "
                         "two zones at least; list two or more", db->name);
        return;
    }
    if (!stack_network_has_tier(net, db->tier)) {
        stack_report(c, at, db->loc, "databases.%s.subnets: the network has no %s subnets%s", db->name,
                     stack_tier_name(db->tier),
                     net->mode == STACK_VPC_DEFAULT ? " (the default VPC has public subnets only)" : "");
        return;
    }
    size_t zones = net->mode == STACK_VPC_EXISTING
                       ? (db->tier == STACK_TIER_PUBLIC ? net->npublic_subnet_ids : net->nprivate_subnet_ids)
                       : (size_t)net->zones;
    if (zones < 2)
        stack_report(c, net->mode == STACK_VPC_EXISTING ? at : stack_at(root, "network", "zones", NULL),
                     db->loc, "databases.%s: a DB subnet group needs subnets in two zones at least; %s",
                     db->name, net->mode == STACK_VPC_EXISTING ? "list two or more in network.vpc"
                                                               : "use network.zones: 2");
}

static void database_names(stack_ctx *c, const stack_database *db)
{
    const char *why = stack_check_logical_name(db->name);
    if (why) {
        stack_diag_add(c->d, db->loc, "databases: '%s' is not a valid name: it %s", db->name, why);
        return;
    }
    if (db->existing || !c->s->name)
        return;
    why = identifier_problem(db->identifier, 63);
    if (why)
        stack_diag_add(c->d, db->loc, "databases.%s: the DB instance identifier '%s' %s; %s the stack "
                       "or database name", db->name, db->identifier, why,
                       strncmp(why, "must be 1", 9) == 0 ? "shorten" : "change");
    char *group = stack_name_database_group(c->s->name, db->name);
    if ((why = stack_check_group_name(group)))
        stack_diag_add(c->d, db->loc, "databases.%s: the security group name '%s' %s", db->name, group,
                       why);
    free(group);
    /* the database's group is node sg/db-NAME, beside the services' sg/SERVICE */
    char *clash = xasprintf("db-%s", db->name);
    if (stack_find_service(c->s, clash))
        stack_diag_add(c->d, db->loc, "databases.%s: a service is named %s, which is the name of this "
                       "database's security group; rename one of them", db->name, clash);
    free(clash);
}

static const char *names_list(const char **names, size_t n, buf *b)
{
    for (size_t i = 0; i < n; i++)
        buf_printf(b, "%s%s", i ? ", " : "", names[i]);
    return n ? buf_str(b) : "(none)";
}

/* Where a use is written: "services.S" or "services.S.containers.C" (caller frees). */
static char *use_path(const stack_service *v, const stack_store_use *u)
{
    if (u->container == 0)
        return xasprintf("services.%s", v->name);
    return xasprintf("services.%s.containers.%s", v->name, v->containers[u->container].name);
}

static void unknown_use(stack_ctx *c, const stack_service *v, const stack_store_use *u, int db)
{
    stack_model *s = c->s;
    size_t n = db ? s->ndatabases : s->ncaches;
    const char **names = xcalloc(n + 1, sizeof *names);
    for (size_t i = 0; i < n; i++)
        names[i] = db ? s->databases[i].name : s->caches[i].name;
    const char *hint = c->d->n < STACK_SUGGEST_LIMIT ? util_suggest(u->name, names) : NULL;
    buf b = BUF_INIT;
    char *where = use_path(v, u);
    if (hint)
        stack_diag_add(c->d, u->loc, "%s.%s: there is no '%s' under '%s:' (did you mean '%s'?)",
                       where, db ? "databases" : "caches", u->name, db ? "databases" : "caches", hint);
    else
        stack_diag_add(c->d, u->loc, "%s.%s: there is no '%s' under '%s:'; declared: %s",
                       where, db ? "databases" : "caches", u->name, db ? "databases" : "caches",
                       names_list(names, n, &b));
    free(where);
    buf_free(&b);
    free(names);
}

/* The environment names of a use: host, port, name, user, password (NULL: not wanted). */
static void use_envs(const stack_store_use *u, const char *out[5])
{
    out[0] = u->host;
    out[1] = u->port;
    out[2] = u->db_name;
    out[3] = u->user;
    out[4] = u->password;
}

/* 1 (after reporting) when env, field `field` of use u, is already set in the use's
 * container: by its environment as written (the first `written` entries; the uses add
 * theirs after), its secrets, an earlier use or an earlier field of u. */
static int env_taken(stack_ctx *c, const stack_service *v, const stack_store_use *u, size_t field,
                     size_t written)
{
    static const char *const fields[] = {"host", "port", "name", "user", "password"};
    const stack_container *k = &v->containers[u->container];
    const char *mine[5], *how = NULL, *other = NULL;
    use_envs(u, mine);
    const char *env = mine[field];
    for (size_t i = 0; i < written; i++)
        if (strcmp(k->environment[i].name, env) == 0)
            how = "in environment";
    for (size_t i = 0; !how && i < k->nsecrets; i++)
        if (strcmp(k->secrets[i].env, env) == 0)
            how = "in secrets";
    const stack_store_use *all[2] = {v->databases, v->caches};
    size_t counts[2] = {v->ndatabases, v->ncaches};
    for (int l = 0; !how && l < 2; l++)
        for (size_t i = 0; !how && i < counts[l] && &all[l][i] != u; i++) {
            const char *e[5];
            use_envs(&all[l][i], e);
            for (size_t j = 0; j < 5 && all[l][i].container == u->container; j++)
                if (e[j] && strcmp(e[j], env) == 0) {
                    how = "by";
                    other = all[l][i].name;
                    break;
                }
        }
    for (size_t j = 0; !how && j < field; j++)
        if (mine[j] && strcmp(mine[j], env) == 0)
            how = fields[j];
    if (!how)
        return 0;
    char *where = use_path(v, u);
    if (other)
        stack_diag_add(c->d, u->loc, "%s: %s is set by both %s and %s", where, env, other, u->name);
    else if (how[0] != 'i')
        stack_diag_add(c->d, u->loc, "%s: %s gets both the %s and the %s of %s", where, env, how,
                       fields[field], u->name);
    else
        stack_diag_add(c->d, u->loc, "%s: %s is set both %s and by %s", where, env, how, u->name);
    free(where);
    return 1;
}

/* env = "${SECTION.NAME.ATTR}" in a container's environment. */
static void add_env(stack_container *k, const char *env, const char *section, const char *name,
                    const char *attr)
{
    k->environment = xrealloc(k->environment, (k->nenvironment + 1) * sizeof *k->environment);
    k->environment[k->nenvironment].name = xstrdup(env);
    k->environment[k->nenvironment++].value = xasprintf("${%s.%s.%s}", section, name, attr);
}

static void service_uses(stack_ctx *c, stack_service *v)
{
    const char *const attrs[] = {"host", "port", "name", "user"};
    size_t *written = xcalloc(v->ncontainers, sizeof *written);
    for (size_t k = 0; k < v->ncontainers; k++)
        written[k] = v->containers[k].nenvironment;
    for (int db = 1; db >= 0; db--) {
        stack_store_use *uses = db ? v->databases : v->caches;
        size_t n = db ? v->ndatabases : v->ncaches;
        for (size_t i = 0; i < n; i++) {
            stack_store_use *u = &uses[i];
            if (db ? !stack_find_database(c->s, u->name) : !stack_find_cache(c->s, u->name)) {
                unknown_use(c, v, u, db);
                continue;
            }
            const char *envs[5];
            use_envs(u, envs);
            for (size_t a = 0; a < 4; a++)
                if (envs[a] && !env_taken(c, v, u, a, written[u->container]))
                    add_env(&v->containers[u->container], envs[a], db ? "databases" : "caches",
                            u->name, attrs[a]);
            if (u->password)
                env_taken(c, v, u, 4, written[u->container]);
        }
    }
    free(written);
}

void stack_check_databases(stack_ctx *c, const stack_node *root)
{
    stack_model *s = c->s;
    for (size_t i = 0; i < s->ndatabases; i++) {
        const stack_database *db = &s->databases[i];
        database_names(c, db);
        if (!db->existing)
            database_network(c, root, db);
        for (size_t j = 0; j < s->ncaches; j++)
            if (strcmp(s->caches[j].name, db->name) == 0)
                stack_diag_add(c->d, s->caches[j].loc, "caches.%s: '%s' is already the name of a "
                               "database; give the cache another name", db->name, db->name);
    }
    for (size_t i = 0; i < s->ncaches; i++) {
        const char *why = stack_check_logical_name(s->caches[i].name);
        if (why)
            stack_diag_add(c->d, s->caches[i].loc, "caches: '%s' is not a valid name: it %s",
                           s->caches[i].name, why);
    }
    for (size_t i = 0; i < s->nservices; i++)
        service_uses(c, &s->services[i]);
}

/* ---- the rest ------------------------------------------------------------------------- */

const char *stack_db_engine_name(stack_db_engine e)
{
    return engine_names[e];
}

char *stack_database_static_value(const stack_model *s, const stack_ref *r)
{
    const stack_database *db = r->kind == STACK_REF_DATABASE ? stack_find_database(s, r->name) : NULL;
    if (!db || db->existing)
        return NULL;
    if (strcmp(r->attr, "name") == 0)
        return xstrdup(db->db_name);
    if (strcmp(r->attr, "user") == 0)
        return xstrdup(db->user);
    return NULL;
}

static const stack_owned use_owned[] = {
    STACK_OWNS(stack_store_use, name),
    STACK_OWNS(stack_store_use, host),
    STACK_OWNS(stack_store_use, port),
    STACK_OWNS(stack_store_use, db_name),
    STACK_OWNS(stack_store_use, user),
    STACK_OWNS(stack_store_use, password),
    STACK_OWNS_END};
static const stack_owned database_owned[] = {
    STACK_OWNS(stack_database, name),
    STACK_OWNS(stack_database, existing),
    STACK_OWNS(stack_database, identifier),
    STACK_OWNS(stack_database, version),
    STACK_OWNS(stack_database, instance_class),
    STACK_OWNS(stack_database, storage_type),
    STACK_OWNS(stack_database, db_name),
    STACK_OWNS(stack_database, user),
    STACK_OWNS_LIST(stack_database, subnet_ids, nsubnet_ids),
    STACK_OWNS_END};
static const stack_owned cache_owned[] = {STACK_OWNS(stack_cache, name),
                                          STACK_OWNS(stack_cache, existing), STACK_OWNS_END};

void stack_store_uses_free(stack_service *v)
{
    stack_free_items(v->databases, v->ndatabases, sizeof *v->databases, use_owned);
    stack_free_items(v->caches, v->ncaches, sizeof *v->caches, use_owned);
}

void stack_databases_free(stack_model *s)
{
    stack_free_items(s->databases, s->ndatabases, sizeof *s->databases, database_owned);
    stack_free_items(s->caches, s->ncaches, sizeof *s->caches, cache_owned);
}
