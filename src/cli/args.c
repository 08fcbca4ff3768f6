/*
 * Reading the command line with the tables of cli_internal.h. Two passes: the first finds
 * the command name (skipping the values of flags that take one, whichever command's they
 * are), the second reads every word with the global table and that command's table.
 * Each mistake is reported on one line that says what is wrong, with "did you mean".
 */
#include "cli_internal.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "suggest.h"
#include "xalloc.h"

const cli_flag *cli_flag_find(const cli_flag *flags, const char *name, char letter)
{
    for (size_t i = 0; flags && flags[i].name; i++) {
        if (letter ? flags[i].letter == letter : strcmp(flags[i].name, name) == 0)
            return &flags[i];
    }
    return NULL;
}

int cli_flag_word(const cli_flag *f, const char *arg)
{
    buf choices = BUF_INIT;
    int found = -1, n = 0;
    for (const char *w = f->words; *w; n++) {
        size_t len = strcspn(w, " ");
        if (strlen(arg) == len && strncmp(w, arg, len) == 0)
            found = n;
        int last = !w[len];
        buf_printf(&choices, "%s%.*s", !n ? "" : last ? " or " : ", ", (int)len, w);
        w += len + !last;
    }
    if (found < 0)
        cli_usage_error("--%s must be %s, not '%s'", f->name, buf_str(&choices), arg);
    buf_free(&choices);
    return found;
}

/* The flag a word names: in the globals, else in `cmd`'s table, else (when cmd is NULL:
 * before the command name) in any command's. *owner gets the command, NULL for a global. */
static const cli_flag *lookup(const cli_command *cmd, const char *name, char letter,
                              const cli_command **owner)
{
    const cli_flag *f = cli_flag_find(cli_global_flags, name, letter);
    *owner = NULL;
    if (f)
        return f;
    for (size_t i = 0; cli_commands[i]; i++) {
        if (cmd && cli_commands[i] != cmd)
            continue;
        if ((f = cli_flag_find(cli_commands[i]->code->flags, name, letter))) {
            *owner = cli_commands[i];
            return f;
        }
    }
    return NULL;
}

/* Every long flag name that could be meant: the globals' and cmd's (or everyone's). */
static const char **flag_names(const cli_command *cmd)
{
    size_t n = 0;
    const char **names = NULL;
    for (size_t i = 0; cli_global_flags[i].name; i++)
        *(const char **)xgrow((void **)&names, &n, sizeof *names) = cli_global_flags[i].name;
    for (size_t c = 0; cli_commands[c]; c++) {
        if (cmd && cli_commands[c] != cmd)
            continue;
        const cli_flag *flags = cli_commands[c]->code->flags;
        for (size_t i = 0; flags && flags[i].name; i++)
            *(const char **)xgrow((void **)&names, &n, sizeof *names) = flags[i].name;
    }
    xgrow((void **)&names, &n, sizeof *names); /* the NULL at the end */
    return names;
}

static int unknown_flag(const cli_command *cmd, const char *word)
{
    char name[64];
    snprintf(name, sizeof name, "%.*s", (int)strcspn(word + 2, "="), word + 2);
    const char **names = flag_names(cmd);
    const char *hint = util_suggest(name, names);
    const cli_command *other = NULL;
    if (cmd && !hint)
        lookup(NULL, name, 0, &other);
    buf b = BUF_INIT;
    if (hint)
        buf_printf(&b, " (did you mean '--%s'?)", hint);
    else if (other)
        buf_printf(&b, " (it is a flag of '%s', not of '%s')", other->name, cmd->name);
    int rc = cli_usage_error("unknown flag '--%s'%s; see 'ecsdeploy %s%s--help'", name,
                             buf_str(&b), cmd ? cmd->name : "", cmd ? " " : "");
    buf_free(&b);
    free(names);
    return rc;
}

static int unknown_letter(const cli_command *cmd, char letter)
{
    return cli_usage_error("unknown flag '-%c'; see 'ecsdeploy %s%s--help'", letter,
                           cmd ? cmd->name : "", cmd ? " " : "");
}

int cli_unknown_command(const char *word)
{
    const char **names = xcalloc(64, sizeof *names);
    for (size_t i = 0; cli_commands[i] && i < 63; i++)
        names[i] = cli_commands[i]->name;
    const char *hint = util_suggest(word, names);
    int rc = cli_usage_error("unknown command '%s'%s%s%s; see 'ecsdeploy help'", word,
                             hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
    free(names);
    return rc;
}

/* The word after a flag that wants a value is not one when it is a flag itself. */
static int looks_like_flag(const char *w)
{
    return w && w[0] == '-' && w[1] == '-';
}

static int missing_value(const char *shown, const cli_flag *f, const char *next)
{
    if (next)
        return cli_usage_error("%s needs a value (%s), but the next word is the flag '%s'", shown,
                               f->value, next);
    return cli_usage_error("%s needs a value (%s)", shown, f->value);
}

/* Pass 1: the index of the command name, 0 when there is none, -1 after an error. */
static int find_command(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *w = argv[i];
        const cli_command *owner;
        if (strcmp(w, "--") == 0)
            return 0;
        if (w[0] != '-' || w[1] == '\0')
            return i;
        if (w[1] == '-') {
            char name[64];
            snprintf(name, sizeof name, "%.*s", (int)strcspn(w + 2, "="), w + 2);
            const cli_flag *f = lookup(NULL, name, 0, &owner);
            if (!f)
                return unknown_flag(NULL, w), -1;
            if (f->value && !strchr(w, '='))
                i++;
            continue;
        }
        for (const char *c = w + 1; *c; c++) {
            const cli_flag *f = lookup(NULL, NULL, *c, &owner);
            if (!f)
                return unknown_letter(NULL, *c), -1;
            if (f->value) {
                if (!c[1])
                    i++;
                break;
            }
        }
    }
    return 0;
}

/* Hand one flag to its table's owner. */
static int apply(cli_globals *g, cli_parsed *p, const cli_command *owner, const cli_flag *f,
                 const char *arg)
{
    if (owner && owner != p->cmd)
        return cli_usage_error("--%s is a flag of a command (e.g. 'ecsdeploy %s --%s'), and no "
                               "command is named", f->name, owner->name, f->name);
    int rc = owner ? owner->code->parse(p->state, f->id, arg) : cli_set_global(g, p, f->id, arg);
    if (rc == CLI_NOT_MINE) /* a row without its case: test_cli_table catches it */
        return cli_usage_error("internal error: flag --%s is described but not parsed", f->name);
    return rc == 0 ? 0 : EXIT_USAGE;
}

/* A flag (`shown` as written) that wants a value and has none attached: the next word is
 * its value, unless there is none or it is a flag itself. */
static int apply_next(cli_globals *g, cli_parsed *p, const cli_command *owner, const cli_flag *f,
                      const char *shown, int argc, char **argv, int *i)
{
    const char *next = *i + 1 < argc ? argv[*i + 1] : NULL;
    if (!next || looks_like_flag(next))
        return missing_value(shown, f, next);
    (*i)++;
    return apply(g, p, owner, f, next);
}

static int long_flag(cli_globals *g, cli_parsed *p, int argc, char **argv, int *i)
{
    const char *w = argv[*i];
    const char *eq = strchr(w, '=');
    char name[64];
    snprintf(name, sizeof name, "%.*s", (int)strcspn(w + 2, "="), w + 2);
    const cli_command *owner;
    const cli_flag *f = lookup(p->cmd, name, 0, &owner);
    if (!f)
        return unknown_flag(p->cmd, w);
    char shown[70];
    snprintf(shown, sizeof shown, "--%s", f->name);
    if (!f->value) {
        if (eq)
            return cli_usage_error("%s takes no value (got '%s')", shown, eq + 1);
        return apply(g, p, owner, f, NULL);
    }
    if (eq)
        return apply(g, p, owner, f, eq + 1);
    return apply_next(g, p, owner, f, shown, argc, argv, i);
}

static int short_flags(cli_globals *g, cli_parsed *p, int argc, char **argv, int *i)
{
    const char *w = argv[*i];
    for (const char *c = w + 1; *c; c++) {
        const cli_command *owner;
        const cli_flag *f = lookup(p->cmd, NULL, *c, &owner);
        if (!f)
            return unknown_letter(p->cmd, *c);
        if (!f->value) {
            int rc = apply(g, p, owner, f, NULL);
            if (rc)
                return rc;
            continue;
        }
        char shown[4] = {'-', *c, 0};
        if (c[1])
            return apply(g, p, owner, f, c + 1);
        return apply_next(g, p, owner, f, shown, argc, argv, i);
    }
    return 0;
}

int cli_parse_args(int argc, char **argv, cli_globals *g, cli_parsed *p)
{
    memset(p, 0, sizeof *p);
    p->args = xcalloc((size_t)argc + 1, sizeof *p->args);
    int ci = find_command(argc, argv);
    if (ci < 0)
        return EXIT_USAGE;
    if (ci > 0) {
        p->cmd = cli_command_find(argv[ci]);
        if (!p->cmd)
            return cli_unknown_command(argv[ci]);
        p->state = p->cmd->code->state_size ? xcalloc(1, p->cmd->code->state_size) : NULL;
    }
    int rest = 0;
    for (int i = 1; i < argc; i++) {
        const char *w = argv[i];
        int rc = 0;
        if (i == ci)
            continue;
        if (rest || w[0] != '-' || w[1] == '\0') {
            if (!p->cmd)
                return cli_usage_error("unexpected argument '%s' (see 'ecsdeploy help')", w);
            p->args[p->nargs++] = argv[i];
        } else if (strcmp(w, "--") == 0) {
            rest = 1;
        } else if (w[1] == '-') {
            rc = long_flag(g, p, argc, argv, &i);
        } else {
            rc = short_flags(g, p, argc, argv, &i);
        }
        if (rc)
            return EXIT_USAGE;
    }
    return EXIT_OK;
}
