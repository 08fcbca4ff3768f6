/* exec --port-forward: parse LOCAL:REMOTE[@HOST] and forward until Ctrl-C. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec_forward_internal.h"

static int port_of(const char *s, size_t len, int zero_ok, int *out)
{
    char buf[8];
    if (len == 0 || len >= sizeof buf || strspn(s, "0123456789") < len)
        return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    long v = strtol(buf, NULL, 10);
    if (v > 65535 || (v == 0 && !zero_ok))
        return -1;
    *out = (int)v;
    return 0;
}

int cli_parse_port_forward(const char *arg, cli_port_forward *out)
{
    memset(out, 0, sizeof *out);
    const char *colon = strchr(arg, ':'), *at = strchr(arg, '@');
    size_t rlen = colon ? (at ? (size_t)(at - colon - 1) : strlen(colon + 1)) : 0;
    if (!colon || (at && at < colon) || port_of(arg, (size_t)(colon - arg), 1, &out->local) != 0 ||
        port_of(colon + 1, rlen, 0, &out->remote) != 0)
        return cli_usage_error("--port-forward wants LOCAL:REMOTE or LOCAL:REMOTE@HOST (ports 1-65535, "
                               "LOCAL 0 for any free port), e.g. 8080:80 or 5432:5432@db.internal; "
                               "got '%s'", arg);
    if (at) {
        const char *h = at + 1;
        size_t n = strlen(h);
        if (n == 0 || n >= sizeof out->host ||
            strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:") != n ||
            h[0] == '.' || h[0] == '-')
            return cli_usage_error("--port-forward %s: '%s' is not a host name or address", arg, h);
        memcpy(out->host, h, n + 1);
    }
    return 0;
}

static cancel_flag stop;

static void on_signal(int sig)
{
    (void)sig;
    atomic_store(&stop, 1);
}

typedef struct {
    const exec_target *t;
    const cli_port_forward *pf;
} shown;

static void ready(void *ud, int port)
{
    const shown *s = ud;
    if (s->pf->host[0])
        fprintf(stderr, "ecsdeploy: forwarding 127.0.0.1:%d to %s:%d through task %s "
                        "(Ctrl-C to stop)\n", port, s->pf->host, s->pf->remote, s->t->task_id);
    else
        fprintf(stderr, "ecsdeploy: forwarding 127.0.0.1:%d to port %d of task %s (Ctrl-C to "
                        "stop)\n", port, s->pf->remote, s->t->task_id);
}

static void note(void *ud, const char *msg)
{
    (void)ud;
    fprintf(stderr, "ecsdeploy: %s\n", msg);
}

int cli_exec_forward(cli_client *c, const exec_target *t, const cli_port_forward *pf, int debug)
{
    cli_catch_interrupts(on_signal);
    shown s = {t, pf};
    exec_forward_opts o = {.target = t, .local_port = pf->local, .remote_port = pf->remote,
                           .remote_host = pf->host[0] ? pf->host : NULL, .cancel = &stop,
                           .ready = ready, .note = note, .ud = &s, .debug = debug};
    aws_error err;
    if (exec_forward(c->aws, &o, &err) != 0)
        return cli_client_fail("exec --port-forward", &err);
    fprintf(stderr, "ecsdeploy: port forwarding stopped\n");
    return EXIT_OK;
}
