/*
 * The table of commands, in the order --help lists them: each command's words (what help
 * and the shell completions show) and its code, which its own file defines.
 */
#include "cli_internal.h"

extern const cli_command_code cli_code_init;
extern const cli_command_code cli_code_validate;
extern const cli_command_code cli_code_plan;
extern const cli_command_code cli_code_graph;
extern const cli_command_code cli_code_status;
extern const cli_command_code cli_code_down;
extern const cli_command_code cli_code_unlock;
extern const cli_command_code cli_code_deploy;
extern const cli_command_code cli_code_rollback;
extern const cli_command_code cli_code_history;
extern const cli_command_code cli_code_whoami;
extern const cli_command_code cli_code_exec;
extern const cli_command_code cli_code_run;
extern const cli_command_code cli_code_logs;
extern const cli_command_code cli_code_secret;
extern const cli_command_code cli_code_completion;
extern const cli_command_code cli_code_help;
extern const cli_command cli_cmd_up;

const cli_command *const cli_commands[] = {
    &(const cli_command){
        .name = "init",
        .no_args = 1,
        .summary = "write a commented starter stack file (never overwrites one)",
        .code = &cli_code_init},
    &(const cli_command){
        .name = "validate",
        .summary = "check the stack file offline and summarise it (exit 2 on any problem)",
        .code = &cli_code_validate},
    &(const cli_command){
        .name = "plan",
        .no_args = 1,
        .summary = "show what `up` would create, update, replace and delete",
        .code = &cli_code_plan},
    &(const cli_command){
        .name = "graph",
        .no_args = 1,
        .summary = "print the stack's resource graph (what each resource needs) as DOT or Mermaid",
        .code = &cli_code_graph},
    &cli_cmd_up, /* its row is still in cmd_up.c */
    &(const cli_command){
        .name = "status",
        .args = "[SERVICE]",
        .summary = "show the stack's services (tasks, revision, image, health) and infrastructure",
        .args_kind = CLI_VALUE_SERVICE,
        .code = &cli_code_status},
    &(const cli_command){
        .name = "down",
        .no_args = 1,
        .summary = "delete everything the stack owns (kept buckets, secrets and databases stay unless --purge)",
        .code = &cli_code_down},
    &(const cli_command){
        .name = "unlock",
        .args = "[STACK]",
        .summary = "remove the stack's lock that a killed run left (asks first; --yes for scripts)",
        .about = "Only for a run that is gone (killed, or its machine lost): a live run renews its\n"
                 "lock, and the lock of one that died expires by itself (ecsdeploy(1), ONE RUN PER\n"
                 "STACK). It removes only the lock it showed.",
        .code = &cli_code_unlock},
    &(const cli_command){
        .name = "deploy",
        .args = "SERVICE... (--image REF | --tag TAG)",
        .summary = "roll out a new image (or tag, environment, count) to services and watch it to the end",
        .about = "--env K=V (repeatable, with --image or --tag) sets an environment variable of the\n"
                 "container; --env NAME, without '=', is the global flag that picks the stack\n"
                 "file's environment. Both may be given: --env prod --env LOG_LEVEL=debug.\n"
                 "A later 'up' keeps what deploy rolled out (image, variables, count) while the\n"
                 "stack file's own value has not changed since; see 'ecsdeploy up --help'.",
        .args_kind = CLI_VALUE_SERVICE,
        .more_kind = CLI_VALUE_SERVICE,
        .code = &cli_code_deploy},
    &(const cli_command){
        .name = "rollback",
        .args = "SERVICE",
        .summary = "roll a service back to its last good release (or --to a revision), saying which and why",
        .args_kind = CLI_VALUE_SERVICE,
        .code = &cli_code_rollback},
    &(const cli_command){
        .name = "history",
        .args = "SERVICE",
        .summary = "list a service's recent deployments: when, revision, image, strategy, outcome",
        .args_kind = CLI_VALUE_SERVICE,
        .code = &cli_code_history},
    &(const cli_command){
        .name = "whoami",
        .no_args = 1,
        .summary = "show the AWS account, identity, region and credential source in use",
        .code = &cli_code_whoami},
    &(const cli_command){
        .name = "exec",
        .args = "SERVICE -- COMMAND [ARG...]",
        .summary = "run a command in a running task of a service (ECS Exec, no plugin needed)",
        .about = "With --port-forward LOCAL:REMOTE[@HOST] and no command, exec forwards a local port\n"
                 "through the task's ECS Exec agent (no session-manager plugin) until Ctrl-C.",
        .args_kind = CLI_VALUE_SERVICE,
        .code = &cli_code_exec},
    &(const cli_command){
        .name = "run",
        .args = "SERVICE -- COMMAND [ARG...]",
        .summary = "run a one-off task of a service (e.g. a migration), stream its output, exit with its code",
        .about = "One argument after '--' that holds spaces or shell characters runs through sh -c;\n"
                 "several are the command's arguments as they are. Ctrl-C stops the task.",
        .args_kind = CLI_VALUE_SERVICE,
        .code = &cli_code_run},
    &(const cli_command){
        .name = "logs",
        .args = "SERVICE",
        .summary = "show a service's log events in time order (default: the last hour), or follow them",
        .args_kind = CLI_VALUE_SERVICE,
        .code = &cli_code_logs},
    &(const cli_command){
        .name = "secret",
        .args = "list | get NAME | put NAME",
        .summary = "list the stack's secrets, print one's value, or store a new value read from stdin",
        .about = "NAME is a secret of the stack file, or any secret's ARN (then no stack file is needed).",
        .args_kind = CLI_VALUE_WORDS,
        .args_words = "list get put",
        .more_kind = CLI_VALUE_SECRET,
        .code = &cli_code_secret},
    &(const cli_command){
        .name = "completion",
        .args = "bash|zsh|fish",
        .summary = "print a shell completion script (commands, flags, the stack's service names)",
        .args_kind = CLI_VALUE_WORDS,
        .args_words = "bash zsh fish",
        .code = &cli_code_completion},
    &(const cli_command){
        .name = "help",
        .args = "[COMMAND]",
        .summary = "list the commands, or describe one command's flags with examples",
        .args_kind = CLI_VALUE_COMMAND,
        .code = &cli_code_help},
    NULL};
