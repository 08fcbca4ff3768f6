/* The command line: global options, the command table, exit codes. */
#ifndef ECSDEPLOY_CLI_INTERNAL_H
#define ECSDEPLOY_CLI_INTERNAL_H

#include <getopt.h>
#include <stdio.h>

/* Exit codes, the same for every command. */
enum {
    EXIT_OK = 0,
    EXIT_AWS = 1,         /* an AWS or runtime failure */
    EXIT_USAGE = 2,       /* invalid input (file, flags, credentials config); no call made */
    EXIT_ROLLED_BACK = 3, /* a deployment failed and was rolled back */
    EXIT_CHANGES = 4      /* plan --detailed-exitcode found changes */
};

typedef enum { OUTPUT_TEXT, OUTPUT_JSON } output_mode;

#define CLI_MAX_SETS 64

/* Options every command accepts, before or after the command name. */
typedef struct {
    const char *profile;
    const char *region;
    const char *endpoint_url;
    const char *stack_file; /* -f; NULL means ecsdeploy.yml */
    int debug;
    int color;              /* 1 on a terminal unless --no-color or NO_COLOR */
    output_mode output;
    const char *sets[CLI_MAX_SETS];      /* --set name=value, in order */
    int nsets;
    const char *set_files[CLI_MAX_SETS]; /* --set-file name=path */
    int nset_files;
    const char *environment; /* --env NAME, else ECSDEPLOY_ENV: the stack file's environment */
    int environment_flag;    /* it came from --env (not the environment variable) */
    const char *env_vars[CLI_MAX_SETS]; /* deploy: --env K=V (a container variable) */
    int nenv_vars;
} cli_globals;

/*
 * The command line is described by tables, and the tables alone drive parsing, help and
 * shell completion: a flag cannot be parsed without being documented, or the reverse.
 *
 * To add a flag to a command: one row in its `flags` table, one case in its `parse`
 * (the row's id), one line in README.md and man/ecsdeploy.1. Nothing else: the parser,
 * `ecsdeploy CMD --help`, "did you mean", and the bash, zsh and fish completions all read
 * the row. tests/unit/test_cli_table.c fails when parse and table disagree.
 *
 * To add a command: its row in commands.c (its words and examples) and its file, which
 * defines its flags, parse, state and run and exports them as CLI_COMMAND_CODE.
 */

/* What completes a flag's value, or a command's arguments, in the shell. */
typedef enum {
    CLI_VALUE_ANY = 0,  /* free text: nothing to offer */
    CLI_VALUE_FILE,     /* a path */
    CLI_VALUE_SERVICE,  /* a service of the stack file */
    CLI_VALUE_SECRET,   /* a secret of the stack file */
    CLI_VALUE_COMMAND,  /* an ecsdeploy command */
    CLI_VALUE_WORDS     /* one of the space-separated `words` */
} cli_value_kind;

typedef struct {
    const char *name;     /* long form without the dashes: "timeout" */
    char letter;          /* short form ('f' for -f), or 0 */
    const char *value;    /* placeholder of its value ("D", "NAME"); NULL for a switch */
    int id;               /* what the command's parse receives for it */
    const char *help;     /* one line: what it does, its default */
    cli_value_kind kind;  /* what completes its value */
    const char *words;    /* CLI_VALUE_WORDS: the choices, e.g. "text json" */
} cli_flag;

/* Rows several commands share: one wording of the same flag everywhere. */
#define CLI_FLAG_CLUSTER(id)                                                                  \
    {"cluster", 0, "NAME", id, "the cluster (default: the stack file's); no file needed",     \
     CLI_VALUE_ANY, NULL}
#define CLI_FLAG_YES(id)                                                                      \
    {"yes", 'y', NULL, id, "do not ask (needed when not on a terminal)", CLI_VALUE_ANY, NULL}
/* up and down: the bound on each wait of the plan's actions */
#define CLI_FLAG_WAIT_TIMEOUT(id)                                                             \
    {"timeout", 0, "D", id, "bound every wait, e.g. 15m (default 15m; RDS 1h)", CLI_VALUE_ANY, \
     NULL}
/* deploy and rollback: the bound on watching the deployment */
#define CLI_FLAG_DEPLOY_TIMEOUT(id)                                                           \
    {"timeout", 0, "D", id, "give up waiting after D (default 30m)", CLI_VALUE_ANY, NULL}

/* One example in a command's help: the line after "ecsdeploy ", and what it does. */
typedef struct {
    const char *line;
    const char *says;
} cli_example;

/* A command's parse returns this for an id that is not one of its flags. */
#define CLI_NOT_MINE (-2)

/* What a command's own file defines (CLI_COMMAND_CODE): its flags, how it reads them into
 * its state, and what it does. Its words live in commands.c. */
typedef struct {
    const cli_flag *flags; /* its own flags, ended by a zero row; NULL: none */
    /* Receives each of its flags as met (arg NULL for a switch): 0, -1 after printing why
     * the value is bad, or CLI_NOT_MINE for an id not in `flags`. */
    int (*parse)(void *state, int id, const char *arg);
    size_t state_size;
    /* Runs with the positional arguments left after options. Returns an exit code. */
    int (*run)(const cli_globals *g, void *state, int argc, char **argv);
} cli_command_code;

/* A row of the table of commands (commands.c): the words help and completion show, and
 * the command's code. */
typedef struct cli_command {
    const char *name;
    const char *args;      /* what follows the name, flags aside: "SERVICE [--follow]"; NULL */
    const char *summary;   /* one line, for `ecsdeploy help` */
    const char *about;     /* more lines for the command's own help, or NULL */
    cli_value_kind args_kind;    /* what completes its first positional argument */
    const char *args_words;      /* CLI_VALUE_WORDS: e.g. "list get put" */
    cli_value_kind more_kind;    /* what completes the arguments after the first */
    int no_args;           /* 1: takes no positional argument (refused before run) */
    const cli_example *examples; /* at least one, ended by a zero row; each one parses */
    const cli_command_code *code;
} cli_command;

/* The code of a command with flags: the pieces its file defines under these names, its
 * `flags` table, its `parse` and `run`, and its state. */
#define CLI_COMMAND_CODE(state_type)                                                          \
    {.flags = flags, .parse = parse, .state_size = sizeof(state_type), .run = run}
/* The same, for a cli_command row written in the command's own file (with its `examples`). */
#define CLI_COMMAND_PARTS(state_type)                                                         \
    .examples = examples, .code = &(const cli_command_code)CLI_COMMAND_CODE(state_type)

/* The global flags (cli.c), ended by a zero row. */
extern const cli_flag cli_global_flags[];

/* The result of reading a command line (args.c). */
typedef struct {
    const cli_command *cmd; /* NULL: none named */
    void *state;            /* cmd's state, filled by its parse; free() it */
    char **args;            /* positional arguments after the command, in order; free() */
    int nargs;
    int help, version;
} cli_parsed;

/* Read argv (global flags before or after the command, the command's flags anywhere
 * before "--") into *g and *p. EXIT_OK, or EXIT_USAGE after printing one line that says
 * what is wrong (unknown command or flag with "did you mean", a missing value). */
int cli_parse_args(int argc, char **argv, cli_globals *g, cli_parsed *p);

/* Apply one global flag (cli.c): 0, EXIT_USAGE after printing why, or CLI_NOT_MINE. */
int cli_set_global(cli_globals *g, cli_parsed *p, int id, const char *arg);

/* The flag of `flags` with that long name or letter (letter 0: by name), or NULL. */
const cli_flag *cli_flag_find(const cli_flag *flags, const char *name, char letter);
/* The index of arg among the words of f (a CLI_VALUE_WORDS flag), or -1 after printing
 * "--NAME must be A, B or C, not 'ARG'". */
int cli_flag_word(const cli_flag *f, const char *arg);

/* Help (help.c): the list of commands and global flags, or one command's flags and
 * examples. */
void cli_print_help(FILE *out);
void cli_print_command_help(const cli_command *cmd, FILE *out);
/* Print "unknown command 'W' (did you mean ...)" and return EXIT_USAGE. */
int cli_unknown_command(const char *word);
/* The command of that name, or NULL. */
const cli_command *cli_command_find(const char *name);

int cli_main(int argc, char **argv);

/* First thing in main(): core dumps off (RLIMIT_CORE 0), the process not dumpable, and
 * freed memory of libcurl and OpenSSL zeroed. 0, or -1 when a setting was refused. */
int cli_harden_process(void);

/* Print "ecsdeploy: " + message + newline on stderr. Returns EXIT_USAGE for convenience. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print o on stdout, indented (pretty) or on one line, then a newline; o is deleted. */
struct cJSON;
void cli_print_json(struct cJSON *o, int pretty);
/* Add member k to o: the string v, or null when v is NULL. */
void cli_json_str(struct cJSON *o, const char *k, const char *v);

/* Load and validate the stack file named by -f (default ecsdeploy.yml) with the --set and
 * --set-file options. On success returns 0 and *out (free with stack_free). Otherwise
 * prints every problem as FILE:LINE:COLUMN: message on stderr and returns EXIT_USAGE. */
struct stack_model;
int cli_load_stack(const cli_globals *g, struct stack_model **out);

/* The stack has no service `name`: print so, with the closest name it has and the list,
 * and return EXIT_USAGE. `hint` (or NULL) ends the message, e.g. "or name the cluster". */
int cli_no_such_service(const struct stack_model *st, const char *name, const char *hint);

/* "90", "90s", "15m", "1h30m", "1d" into seconds (0 < d <= 7 days): 0, or -1 when
 * invalid (strictly: digits, an optional fraction, units s m h d; "0x10" is refused). */
int cli_parse_duration(const char *text, double *seconds);
/* An RFC 3339 time ("2024-05-01T12:00:00Z", "...T14:00:00.5+02:00") into seconds since the
 * epoch: 0, or -1 when it is not one (the offset is required, the date must exist). */
int cli_parse_rfc3339(const char *text, double *epoch);
/* --since: a duration before `now` (any length) or an RFC 3339 time, into *start. */
int cli_parse_since(const char *text, double now, double *start);

/* SIGINT, SIGTERM and SIGHUP to handler (which should only set a flag), SIGPIPE ignored:
 * for the commands that stop on Ctrl-C by themselves (run, exec, exec --port-forward). */
void cli_catch_interrupts(void (*handler)(int));

/* --timeout D of up, down, deploy, rollback, run and exec (cli_parse_duration): 0, or prints
 * why and returns EXIT_USAGE. */
int cli_parse_timeout(const char *arg, double *out);

/* One line of an answer from stdin into line, without its line end: 0, or -1 at the end of
 * the input (line then ""). */
int cli_read_answer(char *line, size_t size);

/* --parallel N (1..64): 0, or prints why and returns EXIT_USAGE. */
int cli_parse_parallel(const char *arg, int *out);

/* The table of commands (commands.c). */
extern const cli_command *const cli_commands[];

#endif
