/*
 * ECS Exec without the session-manager-plugin: pick a task and check the preconditions
 * (exec_find_target), open a session (ecs:ExecuteCommand) and run its data channel over
 * our own WebSocket (exec_run), or run one command and capture what it prints together
 * with its exit status (exec_capture, used by `ecsdeploy exec` and by bootstrap steps).
 * Output may be secret: it never reaches a log, and exec_capture's buffer is wiped by
 * exec_buf_wipe.
 */
#ifndef ECSDEPLOY_EXEC_H
#define ECSDEPLOY_EXEC_H

#include <signal.h>
#include <stddef.h>

#include "aws.h"
#include "cancel.h"
#include "buf.h"

/* Where to exec: the task and container, after the checks. Strings owned
 * (exec_target_free). */
typedef struct {
    char *cluster;       /* as given (name or ARN) */
    char *cluster_name;  /* the name part */
    char *task_arn;
    char *task_id;
    char *container;     /* the container's name */
    char *runtime_id;    /* the container's runtimeId (KMS encryption context) */
    char *task_definition_arn; /* read only should ECS not reach the agent (exec_run) */
} exec_target;

void exec_target_free(exec_target *t);

/*
 * A RUNNING task of `service` in `cluster` (task: an id or ARN to use instead of the
 * first one, or NULL) and its container (NULL: the container named like the service,
 * else the task's only or first one), with every precondition checked: the service and
 * the task started with exec enabled, the ExecuteCommandAgent RUNNING in the container,
 * platform 1.4.0 or newer (a task role is looked for by exec_run only when ECS cannot
 * reach the agent: "NoTaskRole" then). service may be NULL when task is given.
 * 0 with *out, or -1 with err: err->code "ExecNotEnabled", "ExecAgentNotRunning",
 * "PlatformTooOld", "NoRunningTask", "ServiceNotFound", "TaskNotFound",
 * "ContainerNotFound" and a message saying what to do, or an AWS error.
 */
int exec_find_target(aws_client *aws, const char *cluster, const char *service,
                     const char *task, const char *container, exec_target *out,
                     aws_error *err);

typedef struct {
    const exec_target *target;
    const char *command;      /* one string, split shell-style by the agent */
    double timeout_s;         /* overall bound; 0: 300 s */
    /* The command's output as it arrives (pty bytes, "\r\n" line ends). */
    void (*output)(void *ctx, const unsigned char *p, size_t len);
    void *ctx;
    /* Interactive sessions: bytes read from input_fd (-1: none) are sent as keystrokes;
     * window size (may be NULL) is sent when the session is ready and whenever *resized
     * is set (the caller's SIGWINCH handler sets it; it is cleared here). */
    int input_fd;
    /* At the end of input_fd's bytes send Ctrl-D (after a newline when the last line was
     * not ended), as a terminal does, so that a remote shell fed from a pipe exits. */
    int eof_as_ctrl_d;
    int (*window_size)(void *ctx, int *cols, int *rows);
    volatile sig_atomic_t *resized;
    /* When set (e.g. by a signal handler) the session ends early: -1 with "Cancelled". */
    cancel_flag *cancel;
    int debug;                /* a few lines about the channel on stderr (never data) */
} exec_run_opts;

/*
 * ExecuteCommand and the data channel until the agent closes it. 0 when the session ended
 * normally; -1 with err otherwise: "ExecTimeout" (err->kind AWS_ERR_TIMEOUT), the
 * agent's reason from channel_closed ("ExecSessionFailed"), a KMS problem
 * ("ExecEncryption"), a WebSocket or AWS error. A task role without the ssmmessages
 * permissions is explained ("TaskRoleMissingSsmmessages").
 */
int exec_run(aws_client *aws, const exec_run_opts *o, aws_error *err);

/* ---- port forwarding --------------------------------------------------------- */

typedef struct {
    const exec_target *target;    /* the task (exec_find_target) whose agent forwards */
    int local_port;               /* on 127.0.0.1; 0: any free port (see ready) */
    int remote_port;              /* on the task, or on remote_host */
    const char *remote_host;      /* a host the task can reach, or NULL: the task itself */
    cancel_flag *cancel;          /* set (Ctrl-C): stop, ending every connection */
    void (*ready)(void *ud, int local_port); /* listening (the port bound) */
    void (*note)(void *ud, const char *msg); /* a connection that failed, for people */
    void *ud;
    int debug;
} exec_forward_opts;

/*
 * Listen on 127.0.0.1:local_port until *cancel, forwarding each connection through its
 * own Session Manager session (SSM StartSession, AWS-StartPortForwardingSession or
 * AWS-StartPortForwardingSessionToRemoteHost) and data channel: no session-manager-plugin.
 * A connection that cannot be forwarded is closed and noted; the others go on. 0 when
 * stopped, -1 with err when it cannot listen ("LocalPortUnavailable") or poll fails.
 */
int exec_forward(aws_client *aws, const exec_forward_opts *o, aws_error *err);

/* ---- exit codes through a wrapper ---- */

/* A unique marker ("ECSDEPLOY_EXIT_" + 16 hex + "_"; 32 characters + NUL). */
void exec_new_marker(char out[33]);
/* The command line that runs `command` through sh and prints "\n<marker><status>\n"
 * at the end. New string (free). */
char *exec_wrap_command(const char *command, const char *marker);
/* A command line from argv: one argument is taken as a command line as is; several are
 * each quoted so that the agent's shell-style split gives them back. New string. */
char *exec_join_argv(int argc, char *const *argv);

/* Turns pty output back into plain bytes ("\r\n" → "\n", across chunk boundaries) and,
 * with a marker, holds back and strips the wrapper's exit-status line. */
typedef struct {
    void (*sink)(void *ctx, const unsigned char *p, size_t len);
    void *ctx;
    const char *marker;       /* NULL: nothing to strip */
    int raw;                  /* for a terminal: "\r\n" kept, bytes passed on at once but a
                               * tail that may begin the marker line (exec_filter_init_raw) */
    int pending_cr;
    buf hold;                 /* tail that may be the start of the marker line */
    int exit_code;            /* -1 until the marker line was seen */
} exec_filter;

void exec_filter_init(exec_filter *f, const char *marker,
                      void (*sink)(void *ctx, const unsigned char *p, size_t len), void *ctx);
/* The same for an interactive session shown on a terminal (raw). */
void exec_filter_init_raw(exec_filter *f, const char *marker,
                          void (*sink)(void *ctx, const unsigned char *p, size_t len), void *ctx);
/* Feed pty bytes (an exec_run_opts.output callback with ctx = the filter). */
void exec_filter_feed(void *filter, const unsigned char *p, size_t len);
/* The end: flush what was held back, strip the marker line; f->exit_code is set when it
 * was found. Wipes and frees the filter's memory. */
void exec_filter_finish(exec_filter *f);

/*
 * Run `command` in the target and capture its output: line ends restored, exit status
 * recovered through `sh -c` (the container must have sh). *output (zero it first) holds
 * the bytes, NUL-terminated; release with exec_buf_wipe. *exit_code: the command's
 * status, or -1 when unknown. 0, or -1 with err (then *output is empty).
 */
int exec_capture(aws_client *aws, const exec_target *target, const char *command,
                 double timeout_s, buf *output, int *exit_code, aws_error *err);

/* exec_find_target (a RUNNING task of service, container NULL: the main one) followed by
 * exec_capture: what a bootstrap step needs. Same outputs and errors as those two. */
int exec_capture_service(aws_client *aws, const char *cluster, const char *service,
                         const char *container, const char *command, double timeout_s,
                         buf *output, int *exit_code, aws_error *err);

/* Wipe (OPENSSL_cleanse) and free a buffer that may hold a secret. */
void exec_buf_wipe(buf *b);

#endif
