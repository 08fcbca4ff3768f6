/*
 * The program: global flags, then the command's run. Global flags may stand before or
 * after the command name (`ecsdeploy --region eu-west-1 up` and `ecsdeploy up --region
 * eu-west-1` are the same); each command adds its own (see cli_command in cli_internal.h).
 */
#include "cli_internal.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "res.h"
#include "xalloc.h"

enum {
    OPT_PROFILE = 1,
    OPT_REGION,
    OPT_ENDPOINT,
    OPT_DEBUG,
    OPT_OUTPUT,
    OPT_NO_COLOR,
    OPT_FILE,
    OPT_SET,
    OPT_SET_FILE,
    OPT_ENV,
    OPT_HELP,
    OPT_VERSION
};

const cli_flag cli_global_flags[] = {
    {"file", 'f', "FILE", OPT_FILE, "stack file (default: ecsdeploy.yml)", CLI_VALUE_FILE, NULL},
    {"set", 0, "NAME=VALUE", OPT_SET, "set a stack parameter (repeatable)", CLI_VALUE_ANY, NULL},
    {"set-file", 0, "NAME=PATH", OPT_SET_FILE, "set a parameter from a file's contents",
     CLI_VALUE_ANY, NULL},
    /* One flag, two uses told apart by '=' (an environment's name cannot hold one): the
     * issue asks for a global --env NAME, and `deploy --env K=V` predates it. */
    {"env", 0, "NAME", OPT_ENV,
     "the stack file's environment (default: ECSDEPLOY_ENV); deploy: K=V sets a variable",
     CLI_VALUE_ANY, NULL},
    {"profile", 0, "NAME", OPT_PROFILE, "AWS profile (default: AWS_PROFILE, else default)",
     CLI_VALUE_ANY, NULL},
    {"region", 0, "REGION", OPT_REGION,
     "AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile's)", CLI_VALUE_ANY, NULL},
    {"endpoint-url", 0, "URL", OPT_ENDPOINT, "send every AWS call to URL (e.g. the local fake)",
     CLI_VALUE_ANY, NULL},
    {"output", 0, "FORMAT", OPT_OUTPUT, "text for people (default) or json for scripts",
     CLI_VALUE_WORDS, "text json"},
    {"no-color", 0, NULL, OPT_NO_COLOR, "no colour, even on a terminal (also: NO_COLOR)",
     CLI_VALUE_ANY, NULL},
    {"debug", 0, NULL, OPT_DEBUG, "print each AWS request and response on stderr, secrets redacted",
     CLI_VALUE_ANY, NULL},
    {"help", 'h', NULL, OPT_HELP, "help for ecsdeploy or for one command", CLI_VALUE_ANY, NULL},
    {"version", 0, NULL, OPT_VERSION, "print the version", CLI_VALUE_ANY, NULL},
    {0}};

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

void cli_print_json(cJSON *o, int pretty)
{
    char *text = pretty ? cJSON_Print(o) : cJSON_PrintUnformatted(o);
    printf("%s\n", text);
    free(text);
    cJSON_Delete(o);
}

void cli_json_str(cJSON *o, const char *k, const char *v)
{
    if (v)
        cJSON_AddStringToObject(o, k, v);
    else
        cJSON_AddNullToObject(o, k);
}

int cli_read_answer(char *line, size_t size)
{
    if (!fgets(line, (int)size, stdin)) {
        line[0] = '\0';
        return -1;
    }
    line[strcspn(line, "\r\n")] = '\0';
    return 0;
}

const cli_command *cli_command_find(const char *name)
{
    for (size_t i = 0; cli_commands[i]; i++)
        if (strcmp(cli_commands[i]->name, name) == 0)
            return cli_commands[i];
    return NULL;
}

/* Called by the parser for each global flag: 0, or EXIT_USAGE after printing why. */
int cli_set_global(cli_globals *g, cli_parsed *p, int id, const char *arg)
{
    switch (id) {
    case OPT_PROFILE: g->profile = arg; return 0;
    case OPT_REGION: g->region = arg; return 0;
    case OPT_ENDPOINT: g->endpoint_url = arg; return 0;
    case OPT_DEBUG: g->debug = 1; return 0;
    case OPT_NO_COLOR: g->color = 0; return 0;
    case OPT_FILE: g->stack_file = arg; return 0;
    case OPT_HELP: p->help = 1; return 0;
    case OPT_VERSION: p->version = 1; return 0;
    case OPT_ENV:
        if (strchr(arg, '=')) { /* K=V: deploy's container variable */
            if (arg[0] == '=')
                return cli_usage_error("--env wants NAME (an environment of the stack file) or, "
                                       "for deploy, NAME=VALUE; got '%s'", arg);
            if (g->nenv_vars >= CLI_MAX_SETS)
                return cli_usage_error("too many --env options (at most %d)", CLI_MAX_SETS);
            g->env_vars[g->nenv_vars++] = arg;
            return 0;
        }
        if (!*arg)
            return cli_usage_error("--env wants the name of an environment of the stack file");
        g->environment = arg;
        g->environment_flag = 1;
        return 0;
    case OPT_OUTPUT: { /* its words are "text json", in output_mode's order */
        int w = cli_flag_word(cli_flag_find(cli_global_flags, "output", 0), arg);
        if (w < 0)
            return EXIT_USAGE;
        g->output = (output_mode)w;
        return 0;
    }
    case OPT_SET:
    case OPT_SET_FILE: {
        const char **list = id == OPT_SET ? g->sets : g->set_files;
        int *n = id == OPT_SET ? &g->nsets : &g->nset_files;
        const char *flag = id == OPT_SET ? "--set" : "--set-file";
        const char *eq = strchr(arg, '=');
        if (!eq || eq == arg)
            return cli_usage_error("%s wants NAME=%s, got '%s'", flag,
                                   id == OPT_SET ? "VALUE" : "PATH", arg);
        if (*n >= CLI_MAX_SETS)
            return cli_usage_error("too many %s options (at most %d)", flag, CLI_MAX_SETS);
        list[(*n)++] = arg;
        return 0;
    }
    }
    return CLI_NOT_MINE;
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
    cli_parsed p;
    int rc = cli_parse_args(argc, argv, &g, &p);
    if (rc != EXIT_OK) {
    } else if (p.version) {
        printf("ecsdeploy %s\n", ECSDEPLOY_VERSION);
    } else if (p.help) {
        if (p.cmd)
            cli_print_command_help(p.cmd, stdout);
        else
            cli_print_help(stdout);
    } else if (!p.cmd) {
        cli_print_help(stderr);
        rc = EXIT_USAGE;
    } else if (g.nenv_vars && strcmp(p.cmd->name, "deploy") != 0) {
        rc = cli_usage_error("--env %s sets a container variable, which only deploy does; "
                             "--env NAME selects an environment of the stack file", g.env_vars[0]);
    } else if (p.cmd->no_args && p.nargs > 0) {
        rc = cli_usage_error("%s takes no arguments, got '%s'", p.cmd->name, p.args[0]);
    } else {
        const char *e = getenv("ECSDEPLOY_ENV");
        if (!g.environment && e && *e)
            g.environment = e;
        rc = p.cmd->code->run(&g, p.state, p.nargs, p.args);
    }
    free(p.state);
    free(p.args);
    return rc;
}
