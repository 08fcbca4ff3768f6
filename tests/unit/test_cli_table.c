/*
 * The tables of the command line (src/cli/cli_internal.h) against the code that reads
 * them: every flag a command's parse takes is a row of its table (so it is in its help
 * and its completion) and every row is parsed; every command shows an example, and every
 * example parses; mistakes get "did you mean".
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/cli/cli_internal.h"
#include "unit_suite.h"

/* stderr into a temporary file while `fn` runs; returns what was written (free it). */
static char *capture_stderr(void (*fn)(void *), void *ud)
{
    fflush(stderr);
    FILE *tmp = tmpfile();
    ck_assert_ptr_nonnull(tmp);
    int saved = dup(STDERR_FILENO);
    dup2(fileno(tmp), STDERR_FILENO);
    fn(ud);
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    fseek(tmp, 0, SEEK_END);
    long n = ftell(tmp);
    rewind(tmp);
    char *text = calloc(1, (size_t)n + 1);
    ck_assert_uint_eq(fread(text, 1, (size_t)n, tmp), (size_t)n);
    fclose(tmp);
    return text;
}

static int in_table(const cli_flag *f, int id)
{
    for (size_t i = 0; f && f[i].name; i++)
        if (f[i].id == id)
            return 1;
    return 0;
}

typedef struct {
    const cli_command *cmd;
    int mismatches;
    char first[200];
} parse_probe;

/* Every id from -1 to 4200: parse must take exactly the table's ids. */
static void probe_parse(void *ud)
{
    parse_probe *p = ud;
    const cli_command *c = p->cmd;
    for (int id = -1; id < 4200; id++) {
        void *state = calloc(1, c->code->state_size + 1);
        int rc = c->code->parse ? c->code->parse(state, id, "1") : CLI_NOT_MINE;
        const cli_flag *row = NULL;
        for (size_t i = 0; c->code->flags && c->code->flags[i].name; i++)
            if (c->code->flags[i].id == id)
                row = &c->code->flags[i];
        if (row && !row->value) { /* a switch gets no value */
            free(state);
            state = calloc(1, c->code->state_size + 1);
            rc = c->code->parse(state, id, NULL);
        }
        if ((rc == CLI_NOT_MINE) != !in_table(c->code->flags, id)) {
            if (!p->mismatches++)
                snprintf(p->first, sizeof p->first, "%s: id %d is %s", c->name, id,
                         rc == CLI_NOT_MINE ? "in the table but not parsed"
                                            : "parsed but not in the table (so not in the help)");
        }
        free(state);
    }
}

static void probe_globals(void *ud)
{
    int *bad = ud;
    for (int id = -1; id < 4200 && *bad < 0; id++) {
        cli_globals g = {0};
        cli_parsed p = {0};
        int rc = cli_set_global(&g, &p, id, "a=b");
        if ((rc == CLI_NOT_MINE) != !in_table(cli_global_flags, id))
            *bad = id;
    }
}

START_TEST(every_parsed_flag_is_in_the_table)
{
    for (size_t i = 0; cli_commands[i]; i++) {
        parse_probe p = {cli_commands[i], 0, ""};
        free(capture_stderr(probe_parse, &p));
        ck_assert_msg(p.mismatches == 0, "%s", p.first);
    }
    /* the globals the same way */
    int bad = -1;
    free(capture_stderr(probe_globals, &bad));
    ck_assert_msg(bad < 0, "global flag id %d: table and cli_set_global disagree", bad);
}
END_TEST

static char *help_of(const cli_command *c)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    cli_print_command_help(c, f);
    fclose(f);
    return text;
}

START_TEST(help_describes_every_flag_with_an_example)
{
    for (size_t i = 0; cli_commands[i]; i++) {
        const cli_command *c = cli_commands[i];
        char *help = help_of(c);
        ck_assert_msg(c->summary && *c->summary, "%s has no summary", c->name);
        ck_assert_msg(c->examples && c->examples[0].line, "%s shows no example", c->name);
        for (size_t e = 0; c->examples[e].line; e++)
            ck_assert_msg(strstr(help, c->examples[e].line), "%s: example missing", c->name);
        for (size_t f = 0; c->code->flags && c->code->flags[f].name; f++) {
            const cli_flag *fl = &c->code->flags[f];
            char want[80];
            snprintf(want, sizeof want, "--%s", fl->name);
            ck_assert_msg(strstr(help, want), "%s --help does not show %s", c->name, want);
            ck_assert_msg(fl->help && *fl->help && strstr(help, fl->help),
                          "%s --help does not describe %s", c->name, want);
            ck_assert_msg(fl->value || fl->kind == CLI_VALUE_ANY,
                          "%s: switch %s has a value kind", c->name, want);
            ck_assert_msg(fl->kind != CLI_VALUE_WORDS || fl->words, "%s: %s lists no words",
                          c->name, want);
            /* no clash with a global flag or another of its own */
            ck_assert_msg(!cli_flag_find(cli_global_flags, fl->name, 0),
                          "%s: %s is also a global flag", c->name, want);
            ck_assert_msg(!fl->letter || !cli_flag_find(cli_global_flags, NULL, fl->letter),
                          "%s: -%c is also a global flag", c->name, fl->letter);
            for (size_t g = 0; g < f; g++) {
                ck_assert_msg(strcmp(c->code->flags[g].name, fl->name) != 0, "%s: %s twice", c->name, want);
                ck_assert_msg(c->code->flags[g].id != fl->id, "%s: two flags share id %d", c->name, fl->id);
            }
        }
        free(help);
    }
}
END_TEST

typedef struct {
    char line[512];
    char *argv[64];
    int argc;
    int rc;
    cli_parsed p;
} parse_run;

static void run_parse(void *ud)
{
    parse_run *r = ud;
    cli_globals g = {0};
    r->rc = cli_parse_args(r->argc, r->argv, &g, &r->p);
}

/* Parse "ecsdeploy LINE" (split at spaces); stderr's text returned (free it). */
static char *parse_line(parse_run *r, const char *line)
{
    snprintf(r->line, sizeof r->line, "%s", line);
    r->argc = 0;
    r->argv[r->argc++] = (char *)"ecsdeploy";
    for (char *w = strtok(r->line, " "); w && r->argc < 63; w = strtok(NULL, " "))
        r->argv[r->argc++] = w;
    r->argv[r->argc] = NULL;
    return capture_stderr(run_parse, r);
}

static void parsed_free(parse_run *r)
{
    free(r->p.state);
    free(r->p.args);
}

START_TEST(every_example_parses)
{
    for (size_t i = 0; cli_commands[i]; i++) {
        const cli_command *c = cli_commands[i];
        for (size_t e = 0; c->examples && c->examples[e].line; e++) {
            parse_run r;
            char *err = parse_line(&r, c->examples[e].line);
            ck_assert_msg(r.rc == EXIT_OK, "example '%s' does not parse: %s", c->examples[e].line, err);
            ck_assert_msg(r.p.cmd == c, "example '%s' is not of %s", c->examples[e].line, c->name);
            free(err);
            parsed_free(&r);
        }
    }
}
END_TEST

static void expect_refused(const char *line, const char *needle)
{
    parse_run r;
    char *err = parse_line(&r, line);
    ck_assert_msg(r.rc == EXIT_USAGE, "'%s' was accepted", line);
    ck_assert_msg(strstr(err, needle), "'%s': '%s' not in: %s", line, needle, err);
    ck_assert_msg(strchr(err, '\n') == err + strlen(err) - 1, "'%s': not one line: %s", line, err);
    free(err);
    parsed_free(&r);
}

START_TEST(mistakes_are_named_with_a_suggestion)
{
    expect_refused("deplyo web", "unknown command 'deplyo' (did you mean 'deploy'?)");
    expect_refused("stauts", "did you mean 'status'?");
    expect_refused("--outptu json status", "unknown flag '--outptu' (did you mean '--output'?)");
    expect_refused("status --outptu json", "unknown flag '--outptu' (did you mean '--output'?)");
    expect_refused("deploy web --tga 1", "did you mean '--tag'?");
    expect_refused("status --tag 1", "it is a flag of 'deploy'");
    expect_refused("logs web --since", "--since needs a value");
    expect_refused("logs web --since --follow", "--since needs a value (WHEN), but the next word is the flag '--follow'");
    expect_refused("exec web --task -- ls", "--task needs a value");
    expect_refused("-f", "-f needs a value");
    expect_refused("up --yes=1", "--yes takes no value");
    expect_refused("--yes", "no command is named");
    expect_refused("exec web -x -- ls", "unknown flag '-x'");
}
END_TEST

START_TEST(flags_stand_anywhere_before_the_double_dash)
{
    parse_run r;
    free(parse_line(&r, "--region eu-west-1 exec web -it --task=abc -- ls -la --tag"));
    ck_assert_int_eq(r.rc, EXIT_OK);
    ck_assert_str_eq(r.p.cmd->name, "exec");
    ck_assert_int_eq(r.p.nargs, 4);
    ck_assert_str_eq(r.p.args[0], "web");
    ck_assert_str_eq(r.p.args[1], "ls");
    ck_assert_str_eq(r.p.args[3], "--tag");
    parsed_free(&r);
    free(parse_line(&r, "--no-wait up")); /* a command's flag before its name */
    ck_assert_int_eq(r.rc, EXIT_OK);
    ck_assert_str_eq(r.p.cmd->name, "up");
    parsed_free(&r);
    free(parse_line(&r, "--timeout 5m up")); /* its value is not taken for the command */
    ck_assert_int_eq(r.rc, EXIT_OK);
    ck_assert_str_eq(r.p.cmd->name, "up");
    parsed_free(&r);
}
END_TEST

UNIT_SUITE(cli_table, 0, every_parsed_flag_is_in_the_table,
           help_describes_every_flag_with_an_example, every_example_parses,
           mistakes_are_named_with_a_suggestion, flags_stand_anywhere_before_the_double_dash)
