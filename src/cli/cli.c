/*
 * Argument parsing and dispatch. Global options may stand before or after the command
 * name (`ecsdeploy --region eu-west-1 up` and `ecsdeploy up --region eu-west-1` are
 * the same); each command adds its own options to the global ones.
 */
#include "cli_internal.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "res.h"
#include "xalloc.h"

enum {
    OPT_PROFILE = 1000,
    OPT_REGION,
    OPT_ENDPOINT,
    OPT_DEBUG,
    OPT_OUTPUT,
    OPT_NO_COLOR,
    OPT_SET,
    OPT_SET_FILE,
    OPT_HELP,
    OPT_VERSION,
    OPT_FILE = 'f'
};

static const struct option global_options[] = {
    {"profile", required_argument, NULL, OPT_PROFILE},
    {"region", required_argument, NULL, OPT_REGION},
    {"endpoint-url", required_argument, NULL, OPT_ENDPOINT},
    {"debug", no_argument, NULL, OPT_DEBUG},
    {"output", required_argument, NULL, OPT_OUTPUT},
    {"no-color", no_argument, NULL, OPT_NO_COLOR},
    {"file", required_argument, NULL, OPT_FILE},
    {"set", required_argument, NULL, OPT_SET},
    {"set-file", required_argument, NULL, OPT_SET_FILE},
    {"help", no_argument, NULL, OPT_HELP},
    {"version", no_argument, NULL, OPT_VERSION},
    {0, 0, 0, 0}};

static const char global_help[] =
    "Global options (before or after the command):\n"
    "  -f, --file FILE        stack file (default: ecsdeploy.yml)\n"
    "      --set NAME=VALUE   set a stack parameter (repeatable)\n"
    "      --set-file NAME=PATH  set a parameter from a file's contents\n"
    "      --profile NAME     AWS profile (default: AWS_PROFILE, else default)\n"
    "      --region REGION    AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, profile)\n"
    "      --endpoint-url URL send every AWS call to URL (e.g. the local fake)\n"
    "      --output text|json output for people (default) or for scripts\n"
    "      --no-color         no colour, even on a terminal (also: NO_COLOR)\n"
    "      --debug            print each AWS request and response on stderr, secrets redacted\n"
    "  -h, --help             help for ecsdeploy or for one command\n"
    "      --version          print the version\n";

int cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("ecsdeploy: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return EXIT_USAGE;
}

static const cli_command *find_command(const char *name)
{
    for (size_t i = 0; cli_commands[i]; i++)
        if (strcmp(cli_commands[i]->name, name) == 0)
            return cli_commands[i];
    return NULL;
}

static int takes_value(const struct option *opts, const char *arg)
{
    if (arg[0] != '-')
        return 0;
    if (arg[1] != '-')
        return arg[1] == 'f' && arg[2] == '\0';
    if (strchr(arg, '='))
        return 0;
    for (size_t i = 0; opts[i].name; i++)
        if (strcmp(opts[i].name, arg + 2) == 0)
            return opts[i].has_arg == required_argument;
    return 0;
}

/* Index of the command name in argv, or 0 when there is none. */
static int command_index(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            return 0;
        if (argv[i][0] == '-' && argv[i][1] != '\0') {
            if (takes_value(global_options, argv[i]))
                i++;
            continue;
        }
        return i;
    }
    return 0;
}

static void print_help(FILE *out)
{
    fprintf(out,
            "ecsdeploy %s - deploy a whole application to AWS ECS Fargate, calling AWS directly\n\n"
            "Usage: ecsdeploy [options] COMMAND [arguments]\n\nCommands:\n",
            ECSDEPLOY_VERSION);
    for (size_t i = 0; cli_commands[i]; i++)
        fprintf(out, "  %-10s %s\n", cli_commands[i]->name, cli_commands[i]->summary);
    fprintf(out, "\n%s\nSee 'ecsdeploy COMMAND --help' and man ecsdeploy(1).\n", global_help);
}

static void print_command_help(const cli_command *cmd, FILE *out)
{
    fprintf(out, "Usage: ecsdeploy %s\n\n%s\n\n%s", cmd->usage, cmd->summary, global_help);
}

static int set_global(cli_globals *g, int opt, const char *arg)
{
    switch (opt) {
    case OPT_PROFILE: g->profile = arg; return 0;
    case OPT_REGION: g->region = arg; return 0;
    case OPT_ENDPOINT: g->endpoint_url = arg; return 0;
    case OPT_DEBUG: g->debug = 1; return 0;
    case OPT_NO_COLOR: g->color = 0; return 0;
    case OPT_FILE: g->stack_file = arg; return 0;
    case OPT_OUTPUT:
        if (strcmp(arg, "text") == 0)
            g->output = OUTPUT_TEXT;
        else if (strcmp(arg, "json") == 0)
            g->output = OUTPUT_JSON;
        else
            return cli_usage_error("--output must be text or json, not '%s'", arg);
        return 0;
    case OPT_SET:
    case OPT_SET_FILE: {
        const char **list = opt == OPT_SET ? g->sets : g->set_files;
        int *n = opt == OPT_SET ? &g->nsets : &g->nset_files;
        const char *flag = opt == OPT_SET ? "--set" : "--set-file";
        const char *eq = strchr(arg, '=');
        if (!eq || eq == arg)
            return cli_usage_error("%s wants NAME=%s, got '%s'", flag,
                                   opt == OPT_SET ? "VALUE" : "PATH", arg);
        if (*n >= CLI_MAX_SETS)
            return cli_usage_error("too many %s options (at most %d)", flag, CLI_MAX_SETS);
        list[(*n)++] = arg;
        return 0;
    }
    }
    return -1;
}

/* All options: the global ones followed by the command's own. Caller frees. */
static struct option *merged_options(const cli_command *cmd)
{
    size_t ng = sizeof global_options / sizeof global_options[0] - 1, nc = 0;
    while (cmd && cmd->options && cmd->options[nc].name)
        nc++;
    struct option *all = xcalloc(ng + nc + 1, sizeof *all);
    memcpy(all, global_options, ng * sizeof *all);
    if (nc)
        memcpy(all + ng, cmd->options, nc * sizeof *all);
    return all;
}

int cli_main(int argc, char **argv)
{
    cli_globals g;
    memset(&g, 0, sizeof g);
    g.color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
    char bad[256];
    if (res_registry_check(bad, sizeof bad) != 0) {
        fprintf(stderr, "ecsdeploy: internal error in the table of resource kinds: %s\n", bad);
        return EXIT_AWS;
    }

    int ci = command_index(argc, argv);
    const cli_command *cmd = NULL;
    if (ci) {
        cmd = find_command(argv[ci]);
        if (!cmd)
            return cli_usage_error("unknown command '%s' (see 'ecsdeploy --help')", argv[ci]);
        /* Drop the command name; getopt permutes the rest. */
        memmove(argv + ci, argv + ci + 1, (size_t)(argc - ci - 1) * sizeof *argv);
        argc--;
    }

    struct option *opts = merged_options(cmd);
    char shortopts[64];
    snprintf(shortopts, sizeof shortopts, ":hf:%s", cmd && cmd->shortopts ? cmd->shortopts : "");
    void *state = cmd && cmd->state_size ? xcalloc(1, cmd->state_size) : NULL;
    int rc = -1, opt, want_help = 0, want_version = 0;

    opterr = 0;
    optind = 1;
    while (rc < 0 && (opt = getopt_long(argc, argv, shortopts, opts, NULL)) != -1) {
        if (opt == '?') {
            char shown[64];
            const char *bad = argv[optind - 1];
            if (optopt > 0 && optopt < 256)
                snprintf(shown, sizeof shown, "-%c", optopt);
            else
                snprintf(shown, sizeof shown, "%.*s", (int)strcspn(bad, "="), bad);
            rc = cli_usage_error("unknown option '%s' (see 'ecsdeploy %s%s--help')", shown,
                                 cmd ? cmd->name : "", cmd ? " " : "");
        } else if (opt == ':') {
            rc = cli_usage_error("option '%s' needs a value", argv[optind - 1]);
        } else if (opt == 'h' || opt == OPT_HELP) {
            want_help = 1;
        } else if (opt == OPT_VERSION) {
            want_version = 1;
        } else if (opt >= OPT_PROFILE && opt <= OPT_SET_FILE) {
            if (set_global(&g, opt, optarg) != 0)
                rc = EXIT_USAGE;
        } else if (opt == OPT_FILE) {
            set_global(&g, opt, optarg);
        } else if (cmd && cmd->parse) {
            if (cmd->parse(state, opt, optarg) != 0)
                rc = EXIT_USAGE;
        } else {
            rc = cli_usage_error("unexpected option '%s'", argv[optind - 1]);
        }
    }

    if (rc < 0) {
        if (want_version) {
            printf("ecsdeploy %s\n", ECSDEPLOY_VERSION);
            rc = EXIT_OK;
        } else if (want_help) {
            if (cmd)
                print_command_help(cmd, stdout);
            else
                print_help(stdout);
            rc = EXIT_OK;
        } else if (!cmd) {
            if (optind < argc)
                rc = cli_usage_error("unexpected argument '%s' (see 'ecsdeploy --help')", argv[optind]);
            else {
                print_help(stderr);
                rc = EXIT_USAGE;
            }
        } else {
            rc = cmd->run(&g, state, argc - optind, argv + optind);
        }
    }
    free(state);
    free(opts);
    return rc;
}
