/* The table of commands, in the order --help lists them. */
#include "cli.h"

extern const cli_command cli_cmd_init;
extern const cli_command cli_cmd_validate;
extern const cli_command cli_cmd_whoami;

const cli_command *const cli_commands[] = {
    &cli_cmd_init,
    &cli_cmd_validate,
    &cli_cmd_whoami,
    NULL};
