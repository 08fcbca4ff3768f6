/* parameters: with defaults, allowed values, descriptions; --set and --set-file. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack_internal.h"
#include "xalloc.h"

static const char *const param_keys[] = {"default", "allowed", "description", NULL};

/* The value of `name` from --set / --set-file (last one wins), or NULL. */
static const char *find_set(const char *const *list, int n, const char *name)
{
    const char *found = NULL;
    size_t len = strlen(name);
    for (int i = 0; i < n; i++)
        if (strncmp(list[i], name, len) == 0 && list[i][len] == '=')
            found = list[i] + len + 1;
    return found;
}

/* Read a --set-file file: at most STACK_MAX_FILE_SIZE bytes, one trailing newline dropped. */
static char *read_value_file(stack_ctx *c, const char *name, const char *path)
{
    stack_loc none = {0, 0};
    buf b = BUF_INIT;
    int err = buf_read_file(&b, path, STACK_MAX_FILE_SIZE + 1);
    if (err == -1) {
        stack_diag_add(c->d, none, "--set-file %s=%s: cannot read %s: %s", name, path, path, strerror(errno));
        return NULL;
    }
    if (err || b.len > STACK_MAX_FILE_SIZE || memchr(buf_str(&b), 0, b.len)) {
        stack_diag_add(c->d, none, "--set-file %s=%s: %s", name, path,
                      err ? "read error" : b.len > STACK_MAX_FILE_SIZE ? "the file is larger than 1 MiB"
                                                                      : "the file contains a NUL byte");
        buf_free(&b);
        return NULL;
    }
    if (b.len && b.data[b.len - 1] == '\n')
        b.data[--b.len] = '\0';
    if (b.len && b.data[b.len - 1] == '\r')
        b.data[--b.len] = '\0';
    return buf_detach(&b);
}

static int valid_param_name(const char *s)
{
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_' || *s == '-'))
            return 0;
    return 1;
}

static void check_allowed(stack_ctx *c, const stack_node *at, stack_param *p)
{
    if (!p->nallowed || !p->value)
        return;
    for (size_t i = 0; i < p->nallowed; i++)
        if (strcmp(p->allowed[i], p->value) == 0)
            return;
    buf b = BUF_INIT;
    for (size_t i = 0; i < p->nallowed; i++)
        buf_printf(&b, "%s%s", i ? ", " : "", p->allowed[i]);
    const char *how = p->origin == STACK_PARAM_SET         ? " (from --set)"
                      : p->origin == STACK_PARAM_SET_FILE  ? " (from --set-file)"
                      : p->origin == STACK_PARAM_ENVIRONMENT ? " (from the environment's parameters)"
                                                           : "";
    stack_err(c, at, "'%s'%s is not an allowed value; allowed: %s", p->value, how, buf_str(&b));
    buf_free(&b);
}

static void decode_one(stack_ctx *c, const stack_node *key, const stack_node *v, const stack_options *o)
{
    stack_model *s = c->s;
    stack_param *p = &s->params[s->nparams];
    memset(p, 0, sizeof *p);
    p->name = xstrdup(key->str);
    p->loc = key->loc;
    s->nparams++;
    if (v->kind == STACK_NODE_MAP) {
        stack_check_keys(c, v, param_keys);
        stack_get_str(c, v, "default", 0, &p->default_value);
        stack_get_strlist(c, v, "allowed", 0, &p->allowed, &p->nallowed);
        stack_get_str(c, v, "description", 0, &p->description);
    } else if (v->kind == STACK_NODE_SCALAR) {
        stack_scalar(c, v, &p->default_value);
    } else if (v->kind == STACK_NODE_SEQ) {
        stack_err(c, v, "must be a default value or a mapping with default, allowed, description");
        return;
    }
    const char *set = o ? find_set(o->sets, o->nsets, p->name) : NULL;
    const char *file = o ? find_set(o->set_files, o->nset_files, p->name) : NULL;
    if (file) {
        p->value = read_value_file(c, p->name, file);
        p->origin = STACK_PARAM_SET_FILE;
    } else if (set) {
        p->value = xstrdup(set);
        p->origin = STACK_PARAM_SET;
    } else if (stack_node_get(c->env_params, p->name) &&
               stack_node_get(c->env_params, p->name)->kind == STACK_NODE_SCALAR) {
        p->value = xstrdup(stack_node_get(c->env_params, p->name)->str);
        p->origin = STACK_PARAM_ENVIRONMENT;
    } else if (p->default_value) {
        p->value = xstrdup(p->default_value);
    } else if (!file) {
        stack_err(c, key, "has no default; give a value with --set %s=VALUE", p->name);
    }
    check_allowed(c, key, p);
}

static void check_sets(stack_ctx *c, const char *const *list, int n, const char *flag)
{
    stack_loc none = {0, 0};
    const char **names = xcalloc(c->s->nparams + 1, sizeof *names);
    for (size_t i = 0; i < c->s->nparams; i++)
        names[i] = c->s->params[i].name;
    for (int i = 0; i < n; i++) {
        const char *eq = strchr(list[i], '=');
        char *name = eq ? xstrndup(list[i], (size_t)(eq - list[i])) : xstrdup(list[i]);
        if (!eq || !stack_find_param(c->s, name)) {
            const char *hint = util_suggest(name, names);
            if (!eq)
                stack_diag_add(c->d, none, "%s %s: expected NAME=%s", flag, list[i],
                              strcmp(flag, "--set") ? "PATH" : "VALUE");
            else if (hint)
                stack_diag_add(c->d, none, "%s %s: unknown parameter '%s' (did you mean '%s'?)", flag,
                              list[i], name, hint);
            else
                stack_diag_add(c->d, none, "%s %s: unknown parameter '%s'%s", flag, list[i], name,
                              c->s->nparams ? "" : " (the stack file declares no parameters)");
        }
        free(name);
    }
    free(names);
}

int stack_decode_params(stack_ctx *c, const stack_node *n, const stack_options *o)
{
    size_t before = c->d->n;
    if (n) {
        size_t old = stack_path_push(c, "parameters");
        if (stack_want_map(c, n) && !stack_too_many(c, n, 200, "parameters", "a stack file may declare")) {
            c->s->params = xcalloc(n->n ? n->n : 1, sizeof *c->s->params);
            for (size_t i = 0; i < n->n; i++) {
                const stack_node *key = n->keys[i];
                if (!valid_param_name(key->str) || !strcmp(key->str, "stack") || !strcmp(key->str, "env")) {
                    stack_err(c, key, "'%s' cannot be a parameter name (letters, digits, '_' and '-'; "
                                     "not 'stack' or 'env')", key->str);
                    continue;
                }
                size_t o2 = stack_path_push(c, key->str);
                decode_one(c, key, n->vals[i], o);
                stack_path_pop(c, o2);
            }
        }
        stack_path_pop(c, old);
    }
    if (o) {
        check_sets(c, o->sets, o->nsets, "--set");
        check_sets(c, o->set_files, o->nset_files, "--set-file");
    }
    return c->d->n == before ? 0 : -1;
}
