/* The data channel's sequencing, acknowledgements, reordering and resends. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <openssl/crypto.h>

#include "aws.h"
#include "buf.h"
#include "channel_internal.h"
#include "channel_state_internal.h"
#include "msg_internal.h"
#include "xalloc.h"

#define RESEND_FIRST 0.2
#define RESEND_MAX 1.0
#define REORDER_MAX 4096
#define REORDER_MAX_BYTES (4u << 20) /* what early messages may hold in all */

static void wipe_free(void *p, size_t n)
{
    if (p) {
        OPENSSL_cleanse(p, n);
        free(p);
    }
}

void exec_chan_set_port_session(exec_chan *c)
{
    c->port_session = 1;
}

exec_chan *exec_chan_new(const exec_chan_ops *ops, const char *client_version)
{
    exec_chan *c = xcalloc(1, sizeof *c);
    c->ops = *ops;
    c->client_version = xstrdup(client_version ? client_version : "1.0");
    c->close_output = xstrdup("");
    c->error = xstrdup("");
    return c;
}

void exec_chan_free(exec_chan *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n_unacked; i++)
        wipe_free(c->unacked[i].frame, c->unacked[i].len);
    free(c->unacked);
    for (size_t i = 0; i < c->n_early; i++)
        wipe_free(c->early[i].payload, c->early[i].len);
    free(c->early);
    OPENSSL_cleanse(c->enc_key, sizeof c->enc_key);
    OPENSSL_cleanse(c->dec_key, sizeof c->dec_key);
    free(c->client_version);
    free(c->close_output);
    free(c->error);
    free(c);
}

void exec_chan_fail(exec_chan *c, const char *fmt, const char *arg)
{
    if (c->error[0])
        return;
    free(c->error);
    c->error = xasprintf(fmt, arg ? arg : "");
    c->failed = 1;
}

static int send_ack(exec_chan *c, const exec_msg *m)
{
    char id[37];
    exec_uuid_format(m->id, id);
    char body[256];
    int n = snprintf(body, sizeof body,
                     "{\"AcknowledgedMessageType\":\"%s\",\"AcknowledgedMessageId\":\"%s\","
                     "\"AcknowledgedMessageSequenceNumber\":%lld,\"IsSequentialMessage\":true}",
                     m->type, id, (long long)m->seq);
    buf b = BUF_INIT;
    exec_msg_encode(&b, "acknowledge", 0, EXEC_FLAG_SYN | EXEC_FLAG_FIN, 0, NULL, 0, body,
                    (size_t)n);
    int rc = c->ops.send(c->ops.ctx, (unsigned char *)b.data, b.len);
    buf_free(&b);
    if (rc != 0)
        exec_chan_fail(c, "could not send an acknowledgement%s", "");
    return rc;
}

int exec_chan_send_input(exec_chan *c, uint32_t ptype, const void *p, size_t len, double now)
{
    unsigned char *sealed = NULL;
    size_t sealed_len = 0;
    if (c->encrypted && ptype == EXEC_PT_OUTPUT) {
        if (exec_gcm_seal(c->enc_key, p, len, &sealed, &sealed_len) != 0) {
            exec_chan_fail(c, "could not encrypt input%s", "");
            return -1;
        }
        p = sealed;
        len = sealed_len;
    }
    buf b = BUF_INIT;
    exec_msg_encode(&b, "input_stream_data", c->out_seq, 0, ptype, NULL, 0, p, len);
    free(sealed);
    c->unacked = xrealloc(c->unacked, (c->n_unacked + 1) * sizeof *c->unacked);
    exec_chan_pending *e = &c->unacked[c->n_unacked++];
    e->seq = c->out_seq++;
    e->len = b.len;
    e->frame = (unsigned char *)buf_detach(&b);
    e->last_sent = now;
    e->interval = RESEND_FIRST;
    if (c->ops.send(c->ops.ctx, e->frame, e->len) != 0) {
        exec_chan_fail(c, "could not send input%s", "");
        return -1;
    }
    return 0;
}

int exec_chan_tick(exec_chan *c, double now)
{
    for (size_t i = 0; i < c->n_unacked; i++) {
        exec_chan_pending *e = &c->unacked[i];
        if (now - e->last_sent + 1e-9 < e->interval)
            continue;
        e->last_sent = now;
        e->interval = e->interval * 2 > RESEND_MAX ? RESEND_MAX : e->interval * 2;
        c->stats.resent++;
        if (c->ops.send(c->ops.ctx, e->frame, e->len) != 0) {
            exec_chan_fail(c, "could not resend input%s", "");
            return -1;
        }
    }
    return c->failed ? -1 : 0;
}

double exec_chan_next_due(const exec_chan *c, double now)
{
    double best = -1;
    for (size_t i = 0; i < c->n_unacked; i++) {
        double d = c->unacked[i].last_sent + c->unacked[i].interval - now;
        if (d < 0)
            d = 0;
        if (best < 0 || d < best)
            best = d;
    }
    return best;
}

size_t exec_chan_unacked(const exec_chan *c)
{
    return c->n_unacked;
}

static void on_ack(exec_chan *c, const exec_msg *m)
{
    cJSON *j = cJSON_ParseWithLength((const char *)m->payload, m->payload_len);
    const cJSON *s = cJSON_GetObjectItem(j, "AcknowledgedMessageSequenceNumber");
    long long seq;
    if (cJSON_IsNumber(s) && aws_double_to_ll(s->valuedouble, &seq) == 0) {
        for (size_t i = 0; i < c->n_unacked; i++) {
            if (c->unacked[i].seq != seq)
                continue;
            wipe_free(c->unacked[i].frame, c->unacked[i].len);
            c->unacked[i] = c->unacked[--c->n_unacked];
            break;
        }
    }
    cJSON_Delete(j);
}

static void on_closed(exec_chan *c, const exec_msg *m)
{
    cJSON *j = cJSON_ParseWithLength((const char *)m->payload, m->payload_len);
    const char *out = cJSON_GetStringValue(cJSON_GetObjectItem(j, "Output"));
    free(c->close_output);
    c->close_output = xstrdup(out ? out : "");
    c->closed = 1;
    cJSON_Delete(j);
}

static int early_index(const exec_chan *c, int64_t seq)
{
    for (size_t i = 0; i < c->n_early; i++)
        if (c->early[i].seq == seq)
            return (int)i;
    return -1;
}

/* Deliver the in-order message and whatever buffered now follows it. */
static int deliver_run(exec_chan *c, uint32_t ptype, const unsigned char *p, size_t len,
                       double now)
{
    if (exec_chan_deliver(c, ptype, p, len, now) != 0)
        return -1;
    c->expected++;
    int i;
    while ((i = early_index(c, c->expected)) >= 0) {
        exec_chan_early e = c->early[i];
        c->early[i] = c->early[--c->n_early];
        c->early_bytes -= e.len;
        int rc = exec_chan_deliver(c, e.ptype, e.payload, e.len, now);
        wipe_free(e.payload, e.len);
        if (rc != 0)
            return -1;
        c->expected++;
    }
    return 0;
}

static int on_stream(exec_chan *c, const exec_msg *m, double now)
{
    c->stats.received++;
    if (m->seq < c->expected || early_index(c, m->seq) >= 0) {
        c->stats.duplicates++;
        return send_ack(c, m);
    }
    if (m->seq > c->expected) {
        if (c->n_early >= REORDER_MAX || c->early_bytes + m->payload_len > REORDER_MAX_BYTES)
            return 0; /* not acked: the agent sends it again later */
        c->early = xrealloc(c->early, (c->n_early + 1) * sizeof *c->early);
        exec_chan_early *e = &c->early[c->n_early++];
        e->seq = m->seq;
        e->ptype = m->payload_type;
        e->len = m->payload_len;
        c->early_bytes += e->len;
        e->payload = xmalloc(m->payload_len + 1);
        memcpy(e->payload, m->payload, m->payload_len);
        c->stats.buffered++;
        return send_ack(c, m);
    }
    if (send_ack(c, m) != 0)
        return -1;
    return deliver_run(c, m->payload_type, m->payload, m->payload_len, now);
}

int exec_chan_receive(exec_chan *c, const unsigned char *p, size_t len, double now)
{
    exec_msg m;
    if (c->failed)
        return -1;
    if (exec_msg_decode(p, len, &m) != 0)
        return 0; /* not a message we can read: ignored */
    if (strcmp(m.type, "start_publication") == 0 || strcmp(m.type, "pause_publication") == 0)
        return 0;
    int known = strcmp(m.type, "output_stream_data") == 0 || strcmp(m.type, "acknowledge") == 0 ||
                strcmp(m.type, "channel_closed") == 0;
    if (!known)
        return 0;
    if (!m.digest_ok) {
        c->stats.bad_digest++;
        return 0; /* dropped unacknowledged: the agent resends it */
    }
    if (strcmp(m.type, "acknowledge") == 0)
        on_ack(c, &m);
    else if (strcmp(m.type, "channel_closed") == 0)
        on_closed(c, &m);
    else if (on_stream(c, &m, now) != 0)
        return -1;
    return c->failed ? -1 : 0;
}

int exec_chan_closed(const exec_chan *c)
{
    return c->closed;
}

const char *exec_chan_close_output(const exec_chan *c)
{
    return c->close_output;
}

int exec_chan_ready(const exec_chan *c)
{
    return c->ready;
}

const char *exec_chan_error(const exec_chan *c)
{
    return c->error;
}

exec_chan_stats exec_chan_get_stats(const exec_chan *c)
{
    return c->stats;
}
