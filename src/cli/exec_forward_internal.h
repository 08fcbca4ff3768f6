/* `ecsdeploy exec SERVICE --port-forward LOCAL:REMOTE[@HOST]` (exec_forward.c), called by
 * cmd_exec.c. */
#ifndef ECSDEPLOY_CLI_EXEC_FORWARD_INTERNAL_H
#define ECSDEPLOY_CLI_EXEC_FORWARD_INTERNAL_H

#include "client_internal.h"
#include "exec.h"

typedef struct {
    int local;          /* 0: any free port */
    int remote;
    char host[254];     /* "" : the task itself */
} cli_port_forward;

/* LOCAL:REMOTE[@HOST] into *out: 0, or prints why and returns EXIT_USAGE. */
int cli_parse_port_forward(const char *arg, cli_port_forward *out);
/* Forward until Ctrl-C (exec_forward), saying where it listens. An exit code. */
int cli_exec_forward(cli_client *c, const exec_target *t, const cli_port_forward *pf, int debug);

#endif
