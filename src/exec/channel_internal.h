/*
 * The ECS Exec data channel as a state machine over whole messages (no I/O of its own):
 * sequence numbers, acknowledgements, in-order delivery with a reorder buffer, duplicate
 * suppression, resending our unacknowledged input (first after 200 ms, the interval
 * doubling up to 1 s), start/pause_publication and unknown types ignored, the handshake
 * (SessionType, KMSEncryption with AES-256-GCM), and channel_closed.
 * The caller feeds received WebSocket messages and the time, and calls exec_chan_tick.
 */
#ifndef ECSDEPLOY_EXEC_CHANNEL_INTERNAL_H
#define ECSDEPLOY_EXEC_CHANNEL_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    void *ctx;
    /* Send one binary WebSocket message: 0, or -1 (the channel fails). */
    int (*send)(void *ctx, const unsigned char *p, size_t len);
    /* The command's output (Output and StdErr payloads), decrypted, in order. */
    void (*output)(void *ctx, const unsigned char *p, size_t len);
    /* KMS GenerateDataKey of 64 bytes under key_id: 0 with key and *blob (the
     * ciphertext, malloc'd, the channel frees it), or -1 with a reason in errmsg.
     * NULL: KMS-encrypted sessions are refused with a clear message. */
    int (*data_key)(void *ctx, const char *key_id, unsigned char key[64],
                    unsigned char **blob, size_t *blob_len, char *errmsg, size_t errlen);
} exec_chan_ops;

typedef struct exec_chan exec_chan;

typedef struct {
    unsigned long received;    /* stream messages received (with duplicates) */
    unsigned long duplicates;  /* dropped as already delivered or buffered */
    unsigned long buffered;    /* arrived early and were held */
    unsigned long resent;      /* our input messages sent again */
    unsigned long bad_digest;  /* dropped for a wrong digest */
} exec_chan_stats;

/* New channel (exec_chan_free). client_version names us in the handshake. */
exec_chan *exec_chan_new(const exec_chan_ops *ops, const char *client_version);
/* Frees; key material and buffered payloads are wiped. */
void exec_chan_free(exec_chan *c);
/* A port forwarding session: the handshake accepts SessionType "Port" and refuses the
 * others (by default it is the other way round). */
void exec_chan_set_port_session(exec_chan *c);

/* One received binary message at time now (seconds, any monotonic origin). 0, or -1
 * when the channel cannot go on (exec_chan_error says why). */
int exec_chan_receive(exec_chan *c, const unsigned char *p, size_t len, double now);
/* Send input (EXEC_PT_OUTPUT keystrokes, EXEC_PT_SIZE, EXEC_PT_FLAG ...) with the next
 * sequence number; kept until acknowledged. Output payloads are encrypted when the
 * session is. 0 or -1. */
int exec_chan_send_input(exec_chan *c, uint32_t payload_type, const void *p, size_t len,
                         double now);
/* Resend what is due. 0 or -1. */
int exec_chan_tick(exec_chan *c, double now);
/* Seconds until the next resend is due (0: now), or -1 when nothing waits for an ack. */
double exec_chan_next_due(const exec_chan *c, double now);
size_t exec_chan_unacked(const exec_chan *c);

/* channel_closed arrived. Its Output text (the agent's error, "" when none): owned. */
int exec_chan_closed(const exec_chan *c);
const char *exec_chan_close_output(const exec_chan *c);
/* The first Output or HandshakeComplete arrived (Size may be sent from now on). */
int exec_chan_ready(const exec_chan *c);
/* Why the channel failed, or "". */
const char *exec_chan_error(const exec_chan *c);
exec_chan_stats exec_chan_get_stats(const exec_chan *c);

/* ---- AES-256-GCM as the data channel lays it out: nonce(12) || ciphertext || tag(16) */

/* Seal into a new buffer (*out malloc'd, *out_len). 0 or -1. */
int exec_gcm_seal(const unsigned char key[32], const unsigned char *p, size_t len,
                  unsigned char **out, size_t *out_len);
/* Open; -1 when too short or the tag does not verify. */
int exec_gcm_open(const unsigned char key[32], const unsigned char *p, size_t len,
                  unsigned char **out, size_t *out_len);

#endif
