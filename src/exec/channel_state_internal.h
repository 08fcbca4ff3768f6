/* Shared by src/exec/channel.c and src/exec/handshake.c only. */
#ifndef ECSDEPLOY_EXEC_CHANNEL_STATE_INTERNAL_H
#define ECSDEPLOY_EXEC_CHANNEL_STATE_INTERNAL_H

#include "channel_internal.h"

typedef struct {
    int64_t seq;
    unsigned char *frame;
    size_t len;
    double last_sent;
    double interval;
} exec_chan_pending;

typedef struct {
    int64_t seq;
    uint32_t ptype;
    unsigned char *payload;
    size_t len;
} exec_chan_early;

struct exec_chan {
    exec_chan_ops ops;
    char *client_version;
    int port_session;          /* the agent must offer SessionType "Port" (and only that) */
    int64_t out_seq;
    exec_chan_pending *unacked;
    size_t n_unacked;
    int64_t expected;
    exec_chan_early *early;
    size_t n_early;
    size_t early_bytes;        /* their payloads in all (bounded by REORDER_MAX_BYTES) */
    int closed, ready, failed, encrypted;
    char *close_output;
    char *error;
    unsigned char enc_key[32]; /* ours: the second half of the data key */
    unsigned char dec_key[32]; /* the agent's: the first half */
    exec_chan_stats stats;
};

/* An in-order stream payload: output, or a handshake step. 0 or -1. */
int exec_chan_deliver(exec_chan *c, uint32_t ptype, const unsigned char *p, size_t len,
                      double now);
/* Record the first failure (fmt has one %s for arg). */
void exec_chan_fail(exec_chan *c, const char *fmt, const char *arg);

#endif
