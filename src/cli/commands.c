/*
 * The table of commands, in the order --help lists them: each command's words (what help
 * and the shell completions show: its summary, more about it, its examples) and its code,
 * which its own file defines.
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
extern const cli_command_code cli_code_up;

const cli_command *const cli_commands[] = {
    &(const cli_command){
        .name = "init",
        .no_args = 1,
        .summary = "write a commented starter stack file (never overwrites one)",
        .examples = (const cli_example[]){
            {"init", "write ecsdeploy.yml for the current directory"},
            {"init --name shop --image ghcr.io/acme/shop:1.4.2 --port 8080", "a named stack with its image"},
            {"-f prod.yml init", "write prod.yml instead"},
            {0}},
        .code = &cli_code_init},
    &(const cli_command){
        .name = "validate",
        .summary = "check the stack file offline and summarise it (exit 2 on any problem)",
        .examples = (const cli_example[]){
            {"validate", "check ecsdeploy.yml offline and summarise it"},
            {"-f examples/dbward.yml validate --set alb=true", "another file, with a parameter set"},
            {"validate --output json", "the resolved model (or the problems) as JSON"},
            {0}},
        .code = &cli_code_validate},
    &(const cli_command){
        .name = "plan",
        .no_args = 1,
        .summary = "show what `up` would create, update, replace and delete",
        .examples = (const cli_example[]){
            {"plan", "what up would create, update, replace and delete, field by field"},
            {"plan --detailed-exitcode", "in CI: exit 4 when the account differs from the file"},
            {"plan --take-file web", "what up --take-file web would put back from the file"},
            {"plan --env staging", "the stack file's environment staging (its own stack)"},
            {"plan --output json", "the same changes as JSON ({\"path\", \"from\", \"to\", \"replaces\"})"},
            {0}},
        .code = &cli_code_plan},
    &(const cli_command){
        .name = "graph",
        .no_args = 1,
        .summary = "print the stack's resource graph (what each resource needs) as DOT or Mermaid",
        .examples = (const cli_example[]){
            {"graph --format dot", "Graphviz DOT (pipe it to `dot -Tsvg` for a picture)"},
            {"graph --format mermaid", "a Mermaid flowchart to paste into Markdown"},
            {0}},
        .code = &cli_code_graph},
    &(const cli_command){
        .name = "up",
        .no_args = 1,
        .summary = "create or update everything the stack file describes",
        .examples = (const cli_example[]){
            {"up", "create or update everything, then wait until the services are steady"},
            {"up --yes --output json", "in a script: no question, one JSON object per event"},
            {"-f prod.yml up --set image=ghcr.io/acme/shop:1.5 --timeout 20m",
             "another stack file, a parameter, a longer bound on waits"},
            {"up --timeline up.svg", "draw where the time went"},
            {"up --take-file web", "put web back on the stack file's image (and environment, "
                                   "count) after a deploy"},
            {"up --env staging", "the stack file's environment staging: its values, its own stack"},
            {0}},
        .code = &cli_code_up},
    &(const cli_command){
        .name = "status",
        .args = "[SERVICE]",
        .summary = "show the stack's services (tasks, revision, image, health) and infrastructure",
        .args_kind = CLI_VALUE_SERVICE,
        .examples = (const cli_example[]){
            {"status", "services first, one line each, then the infrastructure"},
            {"status web", "one service in detail: tasks, revision, images, rollout, events"},
            {"status --check", "in CI: exit 1 unless everything is there and healthy"},
            {"status --cluster prod --output json", "a cluster's services without the stack file, as JSON"},
            {0}},
        .code = &cli_code_status},
    &(const cli_command){
        .name = "down",
        .no_args = 1,
        .summary = "delete everything the stack owns (kept buckets, secrets and databases stay unless --purge)",
        .examples = (const cli_example[]){
            {"down", "asks for the stack name, then deletes all but kept buckets, secrets and databases"},
            {"down --yes --purge", "in a script: delete everything, kept data too"},
            {0}},
        .code = &cli_code_down},
    &(const cli_command){
        .name = "unlock",
        .args = "[STACK]",
        .summary = "remove the stack's lock that a killed run left (asks first; --yes for scripts)",
        .about = "Only for a run that is gone (killed, or its machine lost): a live run renews its\n"
                 "lock, and the lock of one that died expires by itself (ecsdeploy(1), ONE RUN PER\n"
                 "STACK). It removes only the lock it showed.",
        .examples = (const cli_example[]){
            {"unlock", "shows who holds the stack's lock, asks for the stack name, removes it"},
            {"unlock shop-staging --yes", "in a script: remove the lock of stack shop-staging"},
            {0}},
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
        .examples = (const cli_example[]){
            {"deploy web --tag 1.4.2", "keep web's repository, run tag 1.4.2, watch it to the end"},
            {"deploy web api --image ghcr.io/acme/app:1.4.2 --env LOG_LEVEL=debug",
             "two services at once, with one environment variable changed"},
            {"deploy web --count 4", "scale web to 4 tasks; a later 'up' keeps 4 while the file's count "
             "is unchanged"},
            {"deploy web --tag 1.4.2 --env prod",
             "in the stack file's environment prod (its own stack, STACK-prod)"},
            {"deploy --all --image ghcr.io/acme/app:1.4.2", "every service using that repository"},
            {"deploy web --tag 1.4.2 --cluster prod", "in CI without the stack file"},
            {"deploy web --tag 1.4.2 --strategy canary --canary-percent 20 --bake-minutes 10",
             "20% of the traffic first, then all of it; the old revision kept 10 minutes"},
            {0}},
        .code = &cli_code_deploy},
    &(const cli_command){
        .name = "rollback",
        .args = "SERVICE",
        .summary = "roll a service back to its last good release (or --to a revision), saying which and why",
        .args_kind = CLI_VALUE_SERVICE,
        .examples = (const cli_example[]){
            {"rollback web", "back to web's last good release: the newest that succeeded before the one "
             "running, failed and rolled-back ones skipped"},
            {"rollback web --to 7", "back to revision 7 of web's family (also web:7 or an ARN)"},
            {"rollback web --cluster prod --timeout 10m", "without the stack file, waiting at most 10 minutes"},
            {0}},
        .code = &cli_code_rollback},
    &(const cli_command){
        .name = "history",
        .args = "SERVICE",
        .summary = "list a service's recent deployments: when, revision, image, strategy, outcome",
        .args_kind = CLI_VALUE_SERVICE,
        .examples = (const cli_example[]){
            {"history web", "web's last 10 deployments: when, revision, strategy, outcome, image"},
            {"history web --limit 3 --output json", "the last 3, as JSON"},
            {0}},
        .code = &cli_code_history},
    &(const cli_command){
        .name = "whoami",
        .no_args = 1,
        .summary = "show the AWS account, identity, region and credential source in use",
        .examples = (const cli_example[]){
            {"whoami", "account, identity, region, and where the credentials came from"},
            {"whoami --profile dev --output json", "the same for a profile, as JSON"},
            {0}},
        .code = &cli_code_whoami},
    &(const cli_command){
        .name = "exec",
        .args = "SERVICE -- COMMAND [ARG...]",
        .summary = "run a command in a running task of a service (ECS Exec, no plugin needed)",
        .about = "With --port-forward LOCAL:REMOTE[@HOST] and no command, exec forwards a local port\n"
                 "through the task's ECS Exec agent (no session-manager plugin) until Ctrl-C.",
        .args_kind = CLI_VALUE_SERVICE,
        .examples = (const cli_example[]){
            {"exec web -- cat /var/lib/app/agent-token", "the output on stdout, byte for byte"},
            {"exec web -- sh -c 'exit 7'", "exits 7: the remote exit status is ecsdeploy's"},
            {"exec web -it -- sh", "an interactive shell (from a terminal)"},
            {"exec web --port-forward 8080:80", "localhost:8080 reaches port 80 of a task of web, until Ctrl-C"},
            {"exec web --port-forward 5432:5432@db.internal", "a database the task reaches, without a bastion"},
            {"exec --cluster other api --task 0123abcd -- ls /tmp", "a task of another cluster, no stack file"},
            {0}},
        .code = &cli_code_exec},
    &(const cli_command){
        .name = "run",
        .args = "SERVICE -- COMMAND [ARG...]",
        .summary = "run a one-off task of a service (e.g. a migration), stream its output, exit with its code",
        .about = "One argument after '--' that holds spaces or shell characters runs through sh -c;\n"
                 "several are the command's arguments as they are. Ctrl-C stops the task.",
        .args_kind = CLI_VALUE_SERVICE,
        .examples = (const cli_example[]){
            {"run web -- ./manage.py migrate", "a migration in web's task definition and network; its "
             "exit code is ecsdeploy's"},
            {"run web -- sh -c 'exit 5'", "exits 5"},
            {"run web --timeout 10m --container app -- bin/rake db:seed",
             "another container of the task, stopped after 10 minutes"},
            {"run --cluster prod api -- ls /tmp", "a service of another cluster, no stack file"},
            {0}},
        .code = &cli_code_run},
    &(const cli_command){
        .name = "logs",
        .args = "SERVICE",
        .summary = "show a service's log events in time order (default: the last hour), or follow them",
        .args_kind = CLI_VALUE_SERVICE,
        .examples = (const cli_example[]){
            {"logs web", "the last hour of web's events, each with its task and container"},
            {"logs web --follow --since 10m", "the last 10 minutes, then new events as they come, until Ctrl-C"},
            {"logs web --since 2d --filter ERROR --limit 50", "the last 50 events with ERROR of two days"},
            {"logs web --since 2024-05-01T12:00:00Z --output json",
             "from that time on, one JSON object per line (time, stream, task, container, message)"},
            {0}},
        .code = &cli_code_logs},
    &(const cli_command){
        .name = "secret",
        .args = "list | get NAME | put NAME",
        .summary = "list the stack's secrets, print one's value, or store a new value read from stdin",
        .about = "NAME is a secret of the stack file, or any secret's ARN (then no stack file is needed).",
        .args_kind = CLI_VALUE_WORDS,
        .args_words = "list get put",
        .more_kind = CLI_VALUE_SECRET,
        .examples = (const cli_example[]){
            {"secret list", "the stack's secrets: name, state, creation date, ARN"},
            {"secret get api-key", "print one's value (the only command that prints a secret)"},
            {"secret put api-key < key.txt", "store a new value read from stdin (never from the command line)"},
            {0}},
        .code = &cli_code_secret},
    &(const cli_command){
        .name = "completion",
        .args = "bash|zsh|fish",
        .summary = "print a shell completion script (commands, flags, the stack's service names)",
        .args_kind = CLI_VALUE_WORDS,
        .args_words = "bash zsh fish",
        .examples = (const cli_example[]){
            {"completion bash > /etc/bash_completion.d/ecsdeploy", "bash, for every user"},
            {"completion zsh > \"${fpath[1]}/_ecsdeploy\"", "zsh (then restart the shell)"},
            {"completion fish > ~/.config/fish/completions/ecsdeploy.fish", "fish"},
            {"completion --list services", "the names the scripts offer after 'status', 'logs', ..."},
            {0}},
        .code = &cli_code_completion},
    &(const cli_command){
        .name = "help",
        .args = "[COMMAND]",
        .summary = "list the commands, or describe one command's flags with examples",
        .args_kind = CLI_VALUE_COMMAND,
        .examples = (const cli_example[]){
            {"help", "list the commands and the global flags"},
            {"help deploy", "the flags of deploy, with examples (the same as 'ecsdeploy deploy --help')"},
            {0}},
        .code = &cli_code_help},
    NULL};
