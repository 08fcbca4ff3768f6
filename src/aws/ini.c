/* The shared config/credentials file parser (see aws_ini.h). */
#include "aws_ini.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xalloc.h"

typedef struct {
    char *section;
    char *key;   /* NULL for a section marker */
    char *value;
} ini_entry;

struct aws_ini {
    ini_entry *v;
    size_t n, cap;
};

static void add(aws_ini *ini, const char *section, const char *key, const char *value)
{
    if (ini->n == ini->cap) {
        ini->cap = ini->cap ? ini->cap * 2 : 16;
        ini->v = xrealloc(ini->v, ini->cap * sizeof *ini->v);
    }
    ini_entry *e = &ini->v[ini->n++];
    e->section = xstrdup(section);
    e->key = xstrdup_or_null(key);
    e->value = xstrdup_or_null(value);
}

/* Trim in place; returns the start. */
static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

typedef struct {
    aws_ini *ini;
    char *section;  /* current section, NULL before the first */
    char *parent;   /* key with an empty value: indented lines nest under it */
    const char *name;
    int lineno;
} parse_state;

static int line_error(aws_error *err, const parse_state *st, const char *what)
{
    aws_error_set(err, AWS_ERR_CONFIG, "InvalidConfigFile", "%s line %d: %s", st->name,
                  st->lineno, what);
    return -1;
}

static int section_line(parse_state *st, char *line, aws_error *err)
{
    char *end = strrchr(line, ']');
    if (!end)
        return line_error(err, st, "a section header needs a closing ']'");
    *end = '\0';
    char *name = trim(line + 1);
    if (!*name)
        return line_error(err, st, "empty section name '[]'");
    free(st->section);
    st->section = xstrdup(name);
    free(st->parent);
    st->parent = NULL;
    add(st->ini, st->section, NULL, NULL);
    return 0;
}

static int key_line(parse_state *st, char *raw, aws_error *err)
{
    int indented = raw[0] == ' ' || raw[0] == '\t';
    char *line = trim(raw);
    char *eq = strchr(line, '=');
    if (!eq)
        return line_error(err, st, "expected 'key = value', '[section]' or a comment");
    if (!st->section)
        return line_error(err, st, "a key before the first [section]");
    *eq = '\0';
    char *key = trim(line), *value = trim(eq + 1);
    if (!*key)
        return line_error(err, st, "a line with '=' but no key");
    if (indented && st->parent) {
        char *full = xasprintf("%s.%s", st->parent, key);
        add(st->ini, st->section, full, value);
        free(full);
        return 0;
    }
    free(st->parent);
    st->parent = *value ? NULL : xstrdup(key);
    add(st->ini, st->section, key, value);
    return 0;
}

int aws_ini_parse(const char *text, const char *name, aws_ini **out, aws_error *err)
{
    aws_ini *ini = xcalloc(1, sizeof *ini);
    parse_state st = {ini, NULL, NULL, name ? name : "config", 0};
    int rc = 0;
    const char *p = text ? text : "";
    while (*p && rc == 0) {
        size_t len = strcspn(p, "\n");
        char *line = xstrndup(p, len);
        st.lineno++;
        char *t = trim(line);
        if (*t == '\0' || *t == '#' || *t == ';')
            ; /* blank or comment */
        else if (*t == '[')
            rc = section_line(&st, t, err);
        else
            rc = key_line(&st, line, err);
        free(line);
        p += len;
        if (*p == '\n')
            p++;
    }
    free(st.section);
    free(st.parent);
    if (rc != 0) {
        aws_ini_free(ini);
        return -1;
    }
    *out = ini;
    return 0;
}

int aws_ini_load(const char *path, aws_ini **out, aws_error *err)
{
    buf b = BUF_INIT;
    if (buf_read_file(&b, path, 0) == -1) { /* a read that fails midway parses what came */
        if (errno == ENOENT || errno == ENOTDIR)
            return aws_ini_parse("", path, out, err);
        aws_error_set(err, AWS_ERR_CONFIG, "InvalidConfigFile", "cannot read %s: %s", path,
                      strerror(errno));
        return -1;
    }
    int rc = aws_ini_parse(buf_str(&b), path, out, err);
    buf_free(&b);
    return rc;
}

const char *aws_ini_get(const aws_ini *ini, const char *section, const char *key)
{
    const char *found = NULL;
    for (size_t i = 0; ini && i < ini->n; i++)
        if (ini->v[i].key && strcmp(ini->v[i].section, section) == 0 &&
            strcmp(ini->v[i].key, key) == 0)
            found = ini->v[i].value;
    return found;
}

int aws_ini_has_section(const aws_ini *ini, const char *section)
{
    for (size_t i = 0; ini && i < ini->n; i++)
        if (strcmp(ini->v[i].section, section) == 0)
            return 1;
    return 0;
}

void aws_ini_free(aws_ini *ini)
{
    if (!ini)
        return;
    for (size_t i = 0; i < ini->n; i++) {
        free(ini->v[i].section);
        free(ini->v[i].key);
        free(ini->v[i].value);
    }
    free(ini->v);
    free(ini);
}
