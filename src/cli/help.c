/* `ecsdeploy help [COMMAND]`, `--help`: everything from the tables of cli_internal.h. */
#include "cli_internal.h"

#include <string.h>

#include "buf.h"

/* "  -f, --file FILE" as shown in the left column. */
static void flag_left(const cli_flag *f, buf *b)
{
    buf_reset(b);
    if (f->letter)
        buf_printf(b, "  -%c, --%s", f->letter, f->name);
    else
        buf_printf(b, "      --%s", f->name);
    if (f->value)
        buf_printf(b, " %s", f->value);
}

static void print_flags(const cli_flag *flags, FILE *out)
{
    buf b = BUF_INIT;
    size_t width = 0;
    for (size_t i = 0; flags[i].name; i++) {
        flag_left(&flags[i], &b);
        if (b.len > width)
            width = b.len;
    }
    if (width > 30)
        width = 30;
    for (size_t i = 0; flags[i].name; i++) {
        flag_left(&flags[i], &b);
        if (b.len > width)
            fprintf(out, "%s\n%*s  %s\n", buf_str(&b), (int)width, "", flags[i].help);
        else
            fprintf(out, "%-*s  %s\n", (int)width, buf_str(&b), flags[i].help);
    }
    buf_free(&b);
}

void cli_print_help(FILE *out)
{
    fprintf(out,
            "ecsdeploy %s - deploy a whole application to AWS ECS Fargate, calling AWS directly\n\n"
            "Usage: ecsdeploy [FLAGS] COMMAND [ARGUMENTS]\n\nCommands:\n",
            ECSDEPLOY_VERSION);
    for (size_t i = 0; cli_commands[i]; i++)
        fprintf(out, "  %-11s %s\n", cli_commands[i]->name, cli_commands[i]->summary);
    fprintf(out, "\nGlobal flags (before or after the command):\n");
    print_flags(cli_global_flags, out);
    fprintf(out, "\nSee 'ecsdeploy help COMMAND' (or 'ecsdeploy COMMAND --help') for a command's "
                 "own flags and examples,\nand man ecsdeploy(1).\n");
}

void cli_print_command_help(const cli_command *cmd, FILE *out)
{
    const cli_flag *flags = cmd->code->flags;
    const cli_example *examples = cmd->examples;
    int has_flags = flags && flags[0].name;
    fprintf(out, "Usage: ecsdeploy %s%s%s%s\n\n", cmd->name, cmd->args ? " " : "",
            cmd->args ? cmd->args : "", has_flags ? " [FLAGS]" : "");
    fprintf(out, "%c%s.\n", cmd->summary[0] >= 'a' && cmd->summary[0] <= 'z'
                                ? cmd->summary[0] - 'a' + 'A' : cmd->summary[0],
            cmd->summary + 1);
    if (cmd->about)
        fprintf(out, "\n%s\n", cmd->about);
    if (has_flags) {
        fprintf(out, "\nFlags:\n");
        print_flags(flags, out);
    }
    if (examples && examples[0].line) {
        fprintf(out, "\nExamples:\n");
        for (size_t i = 0; examples[i].line; i++)
            fprintf(out, "  ecsdeploy %s\n      %s\n", examples[i].line, examples[i].says);
    }
    fprintf(out, "\nGlobal flags:\n");
    print_flags(cli_global_flags, out);
}

/* `ecsdeploy help [COMMAND]`. */
static int run_help(const cli_globals *g, void *state, int argc, char **argv)
{
    (void)g;
    (void)state;
    if (argc > 1)
        return cli_usage_error("help takes at most one COMMAND, got '%s' too", argv[1]);
    if (argc == 0) {
        cli_print_help(stdout);
        return EXIT_OK;
    }
    const cli_command *cmd = cli_command_find(argv[0]);
    if (!cmd)
        return cli_unknown_command(argv[0]);
    cli_print_command_help(cmd, stdout);
    return EXIT_OK;
}

const cli_command_code cli_code_help = {.run = run_help};
