/* exec_run: ExecuteCommand, the WebSocket, and the data channel's event loop. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <openssl/crypto.h>

#include "clock.h"
#include "ecs.h"
#include "exec.h"
#include "channel_internal.h"
#include "session_internal.h"
#include "msg_internal.h"
#include "ws_internal.h"
#include "kms.h"
#include "xalloc.h"

typedef struct {
    aws_client *aws;
    const exec_run_opts *o;
    int line_open;            /* the last input byte sent did not end a line */
    exec_ws *ws;
    const char *session_id;
    const char *client_version;
    int port;                  /* a port forwarding session */
    aws_error send_err;
    int send_failed;
} run_ctx;

/* What a client announces decides what the agent speaks. Commands: 1.2.0.0. Ports: a
 * version before 1.1.70, the first for which the agent multiplexes connections (smux)
 * over the channel: this client speaks the plain stream of one connection per session. */
#define CLIENT_VERSION_COMMANDS "1.2.0.0"
#define CLIENT_VERSION_PORTS "1.1.61.0"

static int chan_send(void *ctx, const unsigned char *p, size_t len)
{
    run_ctx *r = ctx;
    if (exec_ws_send(r->ws, EXEC_WS_BINARY, p, len, 10000, &r->send_err) != 0) {
        r->send_failed = 1;
        return -1;
    }
    return 0;
}

static void chan_output(void *ctx, const unsigned char *p, size_t len)
{
    run_ctx *r = ctx;
    if (r->o->output)
        r->o->output(r->o->ctx, p, len);
}

static int chan_data_key(void *ctx, const char *key_id, unsigned char key[64],
                         unsigned char **blob, size_t *blob_len, char *errmsg, size_t errlen)
{
    run_ctx *r = ctx;
    const exec_target *t = r->o->target;
    char *target = xasprintf("ecs:%s_%s_%s", t->cluster_name, t->task_id,
                             t->runtime_id ? t->runtime_id : "");
    svc_tag tags[2] = {{(char *)"aws:ssm:SessionId", (char *)r->session_id},
                       {(char *)"aws:ssm:TargetId", target}};
    svc_tags context = {tags, 2};
    kms_data_key dk = {0};
    aws_error e;
    int rc = -1;
    if (kms_generate_data_key(r->aws, key_id, 64, &context, &dk, &e) != 0) {
        char line[1024];
        snprintf(errmsg, errlen, "KMS GenerateDataKey failed: %s",
                 aws_error_format(&e, line, sizeof line));
    } else if (dk.plaintext_len != 64) {
        snprintf(errmsg, errlen, "KMS returned a data key of %zu bytes, not 64",
                 dk.plaintext_len);
    } else {
        memcpy(key, dk.plaintext, 64);
        *blob = xmalloc(dk.ciphertext_len + 1);
        memcpy(*blob, dk.ciphertext, dk.ciphertext_len);
        *blob_len = dk.ciphertext_len;
        rc = 0;
    }
    kms_data_key_free(&dk);
    free(target);
    return rc;
}

/* The first (text) frame: the token opens the data channel. */
static int open_channel(run_ctx *r, const char *token, aws_error *err)
{
    unsigned char a[16], b[16];
    char req[37], client[37];
    exec_uuid_v4(a);
    exec_uuid_v4(b);
    exec_uuid_format(a, req);
    exec_uuid_format(b, client);
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "MessageSchemaVersion", "1.0");
    cJSON_AddStringToObject(j, "RequestId", req);
    cJSON_AddStringToObject(j, "TokenValue", token);
    cJSON_AddStringToObject(j, "ClientId", client);
    cJSON_AddStringToObject(j, "ClientVersion", r->client_version);
    char *text = cJSON_PrintUnformatted(j);
    int rc = exec_ws_send(r->ws, EXEC_WS_TEXT, text, strlen(text), 10000, err);
    OPENSSL_cleanse(text, strlen(text));
    free(text);
    cJSON *tv = cJSON_GetObjectItem(j, "TokenValue");
    if (tv && tv->valuestring)
        OPENSSL_cleanse(tv->valuestring, strlen(tv->valuestring));
    cJSON_Delete(j);
    return rc;
}

static int send_size(run_ctx *r, exec_chan *ch)
{
    int cols = 0, rows = 0;
    if (!r->o->window_size || r->o->window_size(r->o->ctx, &cols, &rows) != 0)
        return 0;
    char body[64];
    int n = snprintf(body, sizeof body, "{\"cols\":%d,\"rows\":%d}", cols, rows);
    return exec_chan_send_input(ch, EXEC_PT_SIZE, body, (size_t)n, util_now());
}

/* Keystrokes from input_fd. 0, 1 at end of input, -1 on failure. */
static int pump_input(run_ctx *r, exec_chan *ch)
{
    unsigned char in[1024];
    ssize_t n = read(r->o->input_fd, in, sizeof in);
    if (n < 0)
        return errno == EINTR || errno == EAGAIN ? 0 : -1;
    if (n == 0) {
        if (!r->o->eof_as_ctrl_d)
            return 1;
        static const unsigned char eof[] = "\n\x04";
        int off = r->line_open ? 0 : 1;
        return exec_chan_send_input(ch, EXEC_PT_OUTPUT, eof + off, (size_t)(2 - off), util_now()) < 0
                   ? -1 : 1;
    }
    r->line_open = in[n - 1] != '\n' && in[n - 1] != '\r';
    int rc = exec_chan_send_input(ch, EXEC_PT_OUTPUT, in, (size_t)n, util_now());
    OPENSSL_cleanse(in, sizeof in);
    return rc;
}

/* A port session whose local connection closed: the agent closes its own (Flag
 * DisconnectToPort) and ends the session (Flag TerminateSession). */
static int end_port_session(run_ctx *r, exec_chan *ch)
{
    static const unsigned char disconnect[4] = {0, 0, 0, 1}, terminate[4] = {0, 0, 0, 2};
    double now = util_now();
    if (exec_chan_send_input(ch, EXEC_PT_FLAG, disconnect, sizeof disconnect, now) != 0)
        return -1;
    return r->send_failed ? -1 : exec_chan_send_input(ch, EXEC_PT_FLAG, terminate, sizeof terminate, now);
}

/* Messages one pump handles before the loop looks at the clock, Ctrl-C and keystrokes
 * again: a peer that never pauses must not hold the session past its --timeout. */
#define PUMP_BUDGET 512

/* Messages already received (at most PUMP_BUDGET); 1 when the channel is over, -1 on
 * failure. */
static int pump_ws(run_ctx *r, exec_chan *ch, aws_error *err)
{
    for (int handled = 0; handled < PUMP_BUDGET; handled++) {
        int op;
        const unsigned char *d;
        size_t n;
        int rc = exec_ws_next(r->ws, 0, &op, &d, &n, err);
        if (rc == EXEC_WS_TIMEOUT)
            return 0;
        if (rc == EXEC_WS_ERROR)
            return -1;
        if (rc == EXEC_WS_CLOSED) {
            if (exec_chan_closed(ch))
                return 1;
            aws_error_set(err, AWS_ERR_NETWORK, "ExecSessionFailed",
                          "the data channel closed before the session ended");
            return -1;
        }
        if (op != EXEC_WS_BINARY)
            continue;
        if (exec_chan_receive(ch, d, n, util_now()) != 0)
            return -1;
        if (exec_chan_closed(ch))
            return 1;
    }
    return 0;
}

static int channel_error(run_ctx *r, exec_chan *ch, aws_error *err)
{
    if (r->send_failed) {
        *err = r->send_err;
        return -1;
    }
    const char *why = exec_chan_error(ch);
    int kms = strstr(why, "KMS") != NULL || strstr(why, "encrypt") != NULL;
    aws_error_set(err, AWS_ERR_SERVICE, kms ? "ExecEncryption" : "ExecSessionFailed", "%s",
                  why[0] ? why : "the data channel failed");
    return -1;
}

static int loop(run_ctx *r, exec_chan *ch, double deadline, aws_error *err)
{
    int sized = 0, input_open = r->o->input_fd >= 0;
    for (;;) {
        int rc = pump_ws(r, ch, err);
        if (rc == 1)
            return 0;
        if (rc < 0)
            return exec_chan_error(ch)[0] || r->send_failed ? channel_error(r, ch, err) : -1;
        if (exec_chan_tick(ch, util_now()) != 0)
            return channel_error(r, ch, err);
        if (exec_chan_ready(ch) && r->o->window_size &&
            (!sized || (r->o->resized && *r->o->resized))) {
            if (r->o->resized)
                *r->o->resized = 0;
            sized = 1;
            if (send_size(r, ch) != 0)
                return channel_error(r, ch, err);
        }
        if (cancel_requested(r->o->cancel)) {
            aws_error_set(err, AWS_ERR_INPUT, "Cancelled", "interrupted");
            return -1;
        }
        double now = util_now(), wait = deadline - now, due = exec_chan_next_due(ch, now);
        if (wait <= 0) {
            aws_error_set(err, AWS_ERR_TIMEOUT, "ExecTimeout",
                          "the command did not finish within %.0f s (raise it with --timeout)",
                          r->o->timeout_s > 0 ? r->o->timeout_s : 300);
            return -1;
        }
        if (due >= 0 && due < wait)
            wait = due;
        if (wait > 0.1)
            wait = 0.1;
        /* a port session takes data only once its handshake is complete (the agent does
         * not acknowledge earlier data, and would wait on it for ever) */
        int take_input = input_open && (!r->port || exec_chan_ready(ch));
        struct pollfd p[2] = {{.fd = exec_ws_fd(r->ws), .events = POLLIN},
                              {.fd = take_input ? r->o->input_fd : -1, .events = POLLIN}};
        if (poll(p, 2, (int)(wait * 1000) + 1) < 0 && errno != EINTR) {
            aws_error_set(err, AWS_ERR_NETWORK, "ExecSessionFailed", "poll: %s", strerror(errno));
            return -1;
        }
        if (take_input && (p[1].revents & (POLLIN | POLLHUP))) {
            int in = pump_input(r, ch);
            if (in < 0)
                return channel_error(r, ch, err);
            if (in == 1)
                input_open = 0;
            if (in == 1 && r->port && end_port_session(r, ch) != 0)
                return channel_error(r, ch, err);
        }
    }
}

/* Ask the agent to end the command (Flag TerminateSession) before we leave early. */
static void terminate_session(run_ctx *r, exec_chan *ch)
{
    static const unsigned char terminate[4] = {0, 0, 0, 2};
    if (!r->send_failed)
        exec_chan_send_input(ch, EXEC_PT_FLAG, terminate, sizeof terminate, util_now());
}

/* 1 when the task's definition names no task role (read only to explain a failure). */
static int lacks_task_role(aws_client *aws, const exec_target *t)
{
    ecs_task_definition td;
    aws_error e;
    if (!t->task_definition_arn ||
        ecs_describe_task_definition(aws, t->task_definition_arn, &td, &e) != 0)
        return 0;
    const char *role = cJSON_GetStringValue(cJSON_GetObjectItem(td.doc, "taskRoleArn"));
    int none = !role || !role[0];
    ecs_task_definition_free(&td);
    return none;
}

/* ECS could not reach the agent: say why, the task role being the usual cause. */
static void explain_execute_error(aws_client *aws, const exec_target *t, aws_error *err)
{
    if (aws_error_is(err, AWS_IS_NOT_RUNNING) && lacks_task_role(aws, t)) {
        aws_error_set(err, AWS_ERR_INPUT, "NoTaskRole",
                      "task %s has no task role; ECS Exec needs one allowing "
                      "ssmmessages:CreateControlChannel, CreateDataChannel, OpenControlChannel "
                      "and OpenDataChannel (set `exec: true` and run `ecsdeploy up`)", t->task_id);
    } else if (aws_error_is(err, AWS_IS_NOT_RUNNING)) {
        char *was = xstrdup(err->message);
        aws_error_set(err, AWS_ERR_SERVICE, "TaskRoleMissingSsmmessages",
                      "ECS could not reach the exec agent in task %s (%s). The usual cause: the "
                      "task role does not allow ssmmessages:CreateControlChannel, "
                      "ssmmessages:CreateDataChannel, ssmmessages:OpenControlChannel and "
                      "ssmmessages:OpenDataChannel (ecsdeploy adds them when the service sets "
                      "`exec: true`; run `ecsdeploy up`, then start new tasks).",
                      t->task_id, was);
        free(was);
    }
}

int exec_session_run_(aws_client *aws, const exec_run_opts *o, const char *session_id,
                      const char *stream_url, const char *token, int port, double deadline,
                      aws_error *err)
{
    const exec_target *t = o->target;
    run_ctx r = {.aws = aws, .o = o, .session_id = session_id, .port = port,
                 .client_version = port ? CLIENT_VERSION_PORTS : CLIENT_VERSION_COMMANDS};
    long connect_ms = (long)((deadline - util_now()) * 1000);
    connect_ms = connect_ms > 15000 ? 15000 : connect_ms < 1000 ? 1000 : connect_ms;
    int rc = exec_ws_connect(stream_url ? stream_url : "", connect_ms, &r.ws, err);
    if (rc == 0)
        rc = open_channel(&r, token ? token : "", err);
    if (rc == 0) {
        if (o->debug)
            fprintf(stderr, "exec: session %s open on task %s container %s\n", session_id,
                    t->task_id, t->container);
        exec_chan_ops ops = {.ctx = &r, .send = chan_send, .output = chan_output,
                             .data_key = chan_data_key};
        exec_chan *ch = exec_chan_new(&ops, r.client_version);
        if (port)
            exec_chan_set_port_session(ch);
        rc = loop(&r, ch, deadline, err);
        if (rc != 0 && aws_error_is(err, AWS_IS_TIMED_OUT | AWS_IS_CANCELLED))
            terminate_session(&r, ch);
        if (rc == 0 && exec_chan_close_output(ch)[0]) {
            aws_error_set(err, AWS_ERR_SERVICE, "ExecSessionFailed", "the exec agent ended the session: %s",
                          exec_chan_close_output(ch));
            rc = -1;
        }
        if (o->debug) {
            exec_chan_stats st = exec_chan_get_stats(ch);
            fprintf(stderr, "exec: channel done: %lu messages, %lu duplicates, %lu early, "
                    "%lu resent\n", st.received, st.duplicates, st.buffered, st.resent);
        }
        exec_chan_free(ch);
        exec_ws_close(r.ws, 1000);
    }
    exec_ws_free(r.ws);
    return rc;
}

int exec_run(aws_client *aws, const exec_run_opts *o, aws_error *err)
{
    aws_error_clear(err);
    const exec_target *t = o->target;
    double timeout = o->timeout_s > 0 ? o->timeout_s : 300;
    double deadline = util_now() + timeout;
    ecs_exec_session s;
    if (ecs_execute_command(aws, t->cluster, t->task_arn, t->container, o->command, 1, &s,
                            err) != 0) {
        explain_execute_error(aws, t, err);
        return -1;
    }
    int rc = exec_session_run_(aws, o, s.session_id, s.stream_url, s.token, 0, deadline, err);
    ecs_exec_session_free(&s);
    return rc;
}
