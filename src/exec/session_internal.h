/* Shared by the files of src/exec: the data channel of a session already opened. */
#ifndef ECSDEPLOY_EXEC_SESSION_INTERNAL_H
#define ECSDEPLOY_EXEC_SESSION_INTERNAL_H

#include "exec.h"

/* Connect to stream_url, open the channel with token and run it until it ends (o: output,
 * input_fd, window size, cancel, debug; o->target names the task in messages), or until
 * deadline (util_now() seconds). port: a port forwarding session (SessionType Port, the
 * plain stream of one connection, ended with DisconnectToPort and TerminateSession when
 * input_fd reaches its end). 0, or -1 with err as exec_run. */
int exec_session_run_(aws_client *aws, const exec_run_opts *o, const char *session_id,
                      const char *stream_url, const char *token, int port, double deadline,
                      aws_error *err);

#endif
