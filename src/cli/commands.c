/* The table of commands, in the order --help lists them. */
#include "cli_internal.h"

extern const cli_command cli_cmd_init;
extern const cli_command cli_cmd_validate;
extern const cli_command cli_cmd_plan;
extern const cli_command cli_cmd_graph;
extern const cli_command cli_cmd_up;
extern const cli_command cli_cmd_status;
extern const cli_command cli_cmd_down;
extern const cli_command cli_cmd_whoami;
extern const cli_command cli_cmd_deploy;
extern const cli_command cli_cmd_rollback;
extern const cli_command cli_cmd_history;
extern const cli_command cli_cmd_exec;
extern const cli_command cli_cmd_run;
extern const cli_command cli_cmd_secret;
extern const cli_command cli_cmd_logs;
extern const cli_command cli_cmd_unlock;
extern const cli_command cli_cmd_help;
extern const cli_command cli_cmd_completion;

const cli_command *const cli_commands[] = {
    &cli_cmd_init,
    &cli_cmd_validate,
    &cli_cmd_plan,
    &cli_cmd_graph,
    &cli_cmd_up,
    &cli_cmd_status,
    &cli_cmd_down,
    &cli_cmd_unlock,
    &cli_cmd_deploy,
    &cli_cmd_rollback,
    &cli_cmd_history,
    &cli_cmd_whoami,
    &cli_cmd_exec,
    &cli_cmd_run,
    &cli_cmd_logs,
    &cli_cmd_secret,
    &cli_cmd_completion,
    &cli_cmd_help,
    NULL};
