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
} cli_globals;

/* One command. `options` lists its own long options (terminated by a zero entry);
 * `parse` receives each of them as getopt_long returns it. */
typedef struct cli_command {
    const char *name;
    const char *usage;   /* "plan [--detailed-exitcode]" */
    const char *summary; /* one line for --help */
    const struct option *options;
    const char *shortopts; /* short options of the command, getopt syntax, or NULL */
    int (*parse)(void *state, int opt, const char *arg);
    size_t state_size;
    /* Runs with the positional arguments left after options. Returns an exit code. */
    int (*run)(const cli_globals *g, void *state, int argc, char **argv);
} cli_command;

int cli_main(int argc, char **argv);

/* First thing in main(): core dumps off (RLIMIT_CORE 0), the process not dumpable, and
 * freed memory of libcurl and OpenSSL zeroed. 0, or -1 when a setting was refused. */
int cli_harden_process(void);

/* Print "ecsdeploy: " + message + newline on stderr. Returns EXIT_USAGE for convenience. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Load and validate the stack file named by -f (default ecsdeploy.yml) with the --set and
 * --set-file options. On success returns 0 and *out (free with stack_free). Otherwise
 * prints every problem as FILE:LINE:COLUMN: message on stderr and returns EXIT_USAGE. */
struct stack_model;
int cli_load_stack(const cli_globals *g, struct stack_model **out);

/* "90", "90s", "15m", "1h30m" into seconds (0 < d <= 7 days): 0, or -1 when invalid. */
int cli_parse_duration(const char *text, double *seconds);

/* --parallel N (1..64): 0, or prints why and returns EXIT_USAGE. */
int cli_parse_parallel(const char *arg, int *out);

/* The table of commands (commands.c). */
extern const cli_command *const cli_commands[];

#endif
