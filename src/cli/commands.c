/* The table of commands, in the order --help lists them. */
#include "cli.h"

const cli_command *const cli_commands[] = {
    NULL};
