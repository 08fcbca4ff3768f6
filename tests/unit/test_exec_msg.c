/* The data channel: byte-exact message header, digest, the UUID half swap, and the
 * channel's acks, reorder buffer, duplicates, resend timing, handshake and encryption. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <openssl/evp.h>

#include "exec.h"
#include "../../src/exec/channel_internal.h"
#include "../../src/exec/msg_internal.h"
#include "unit_suite.h"

static const unsigned char ID[16] = {0xdd, 0x01, 0xe5, 0x6b, 0xff, 0x48, 0x48, 0x3e,
                                     0xa5, 0x08, 0xb5, 0xf0, 0x73, 0xf3, 0x1b, 0x16};

START_TEST(header_bytes)
{
    buf b = BUF_INIT;
    exec_msg_encode(&b, "acknowledge", 5, 3, 7, ID, 0x0102030405060708ULL, "abc", 3);
    ck_assert_uint_eq(b.len, 123);
    const unsigned char *d = (const unsigned char *)b.data;
    static const unsigned char len116[] = {0, 0, 0, 116};
    ck_assert_int_eq(memcmp(d, len116, 4), 0);
    ck_assert_int_eq(memcmp(d + 4, "acknowledge                     ", 32), 0);
    static const unsigned char rest[] = {
        0, 0, 0, 1,                                   /* schema */
        1, 2, 3, 4, 5, 6, 7, 8,                       /* created */
        0, 0, 0, 0, 0, 0, 0, 5,                       /* seq */
        0, 0, 0, 0, 0, 0, 0, 3,                       /* flags */
        0xa5, 0x08, 0xb5, 0xf0, 0x73, 0xf3, 0x1b, 0x16, /* id, halves swapped */
        0xdd, 0x01, 0xe5, 0x6b, 0xff, 0x48, 0x48, 0x3e,
        /* SHA-256("abc") */
        0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae,
        0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61,
        0xf2, 0x00, 0x15, 0xad,
        0, 0, 0, 7,                                   /* payload type */
        0, 0, 0, 3, 'a', 'b', 'c'};
    ck_assert_int_eq(memcmp(d + 36, rest, sizeof rest), 0);

    exec_msg m;
    ck_assert_int_eq(exec_msg_decode(d, b.len, &m), 0);
    ck_assert_str_eq(m.type, "acknowledge");
    ck_assert(m.seq == 5 && m.flags == 3 && m.payload_type == 7 && m.digest_ok);
    ck_assert_int_eq(memcmp(m.id, ID, 16), 0);
    ck_assert(m.created_ms == 0x0102030405060708ULL);
    /* a changed payload byte: the digest no longer matches */
    b.data[120] = 'x';
    ck_assert_int_eq(exec_msg_decode(d, b.len, &m), 0);
    ck_assert(!m.digest_ok);
    /* too short, wrong header length, payload length past the end */
    ck_assert_int_eq(exec_msg_decode(d, 100, &m), -1);
    ck_assert_int_eq(exec_msg_decode(d, 122, &m), -1);
    b.data[3] = 117;
    ck_assert_int_eq(exec_msg_decode(d, b.len, &m), -1);
    buf_free(&b);
}
END_TEST

START_TEST(uuids)
{
    char s[37];
    exec_uuid_format(ID, s);
    ck_assert_str_eq(s, "dd01e56b-ff48-483e-a508-b5f073f31b16");
    unsigned char back[16];
    ck_assert_int_eq(exec_uuid_parse(s, back), 0);
    ck_assert_int_eq(memcmp(back, ID, 16), 0);
    ck_assert_int_eq(exec_uuid_parse("dd01e56b-ff48-483e-a508-b5f073f31b1", back), -1);
    ck_assert_int_eq(exec_uuid_parse("dd01e56b+ff48-483e-a508-b5f073f31b16", back), -1);
    unsigned char v4[16];
    exec_uuid_v4(v4);
    ck_assert_int_eq(v4[6] >> 4, 4);
    ck_assert_int_eq(v4[8] & 0xc0, 0x80);
}
END_TEST

/* ---- the channel with scripted peers ---- */

typedef struct {
    buf sent[64];
    int n_sent;
    buf output;
    int key_calls;
} peer;

static int p_send(void *ctx, const unsigned char *p, size_t len)
{
    peer *q = ctx;
    ck_assert_int_lt(q->n_sent, 64);
    buf_append(&q->sent[q->n_sent++], p, len);
    return 0;
}

static void p_output(void *ctx, const unsigned char *p, size_t len)
{
    buf_append(&((peer *)ctx)->output, p, len);
}

static unsigned char KEY[64];

static int p_key(void *ctx, const char *key_id, unsigned char key[64], unsigned char **blob,
                 size_t *blob_len, char *errmsg, size_t errlen)
{
    (void)errmsg;
    (void)errlen;
    peer *q = ctx;
    q->key_calls++;
    ck_assert_str_eq(key_id, "arn:aws:kms:us-east-1:000000000000:key/k1");
    memcpy(key, KEY, 64);
    *blob = malloc(4);
    memcpy(*blob, "BLOB", 4);
    *blob_len = 4;
    return 0;
}

static void peer_free(peer *q)
{
    for (int i = 0; i < 64; i++)
        buf_free(&q->sent[i]);
    buf_free(&q->output);
}

/* A channel (client version `version`) whose peer is *q, zeroed here; with a KMS data key
 * callback when `kms`. Free it with exec_chan_free() and *q with peer_free(). */
static exec_chan *chan_to(peer *q, const char *version, int kms)
{
    memset(q, 0, sizeof *q);
    exec_chan_ops ops = {.ctx = q, .send = p_send, .output = p_output, .data_key = kms ? p_key : NULL};
    return exec_chan_new(&ops, version);
}

/* The agent acknowledges with `payload` (JSON) at `now`; the channel takes it. */
static void acknowledge(exec_chan *c, const char *payload, double now)
{
    buf b = BUF_INIT;
    exec_msg_encode(&b, "acknowledge", 0, 3, 0, NULL, 0, payload, strlen(payload));
    ck_assert_int_eq(exec_chan_receive(c, (unsigned char *)b.data, b.len, now), 0);
    buf_free(&b);
}

static void feed(exec_chan *c, const char *type, int64_t seq, uint32_t pt, const char *payload,
                 size_t len, double now)
{
    buf b = BUF_INIT;
    exec_msg_encode(&b, type, seq, 0, pt, NULL, 0, payload, len);
    ck_assert_int_eq(exec_chan_receive(c, (unsigned char *)b.data, b.len, now), 0);
    buf_free(&b);
}

/* The n-th message we sent, decoded. */
static exec_msg sent(peer *q, int i)
{
    exec_msg m;
    ck_assert_int_lt(i, q->n_sent);
    ck_assert_int_eq(exec_msg_decode((unsigned char *)q->sent[i].data, q->sent[i].len, &m), 0);
    ck_assert(m.digest_ok);
    return m;
}

static long long acked_seq(peer *q, int i)
{
    exec_msg m = sent(q, i);
    ck_assert_str_eq(m.type, "acknowledge");
    ck_assert(m.flags == 3 && m.seq == 0 && m.payload_type == 0);
    cJSON *j = cJSON_ParseWithLength((const char *)m.payload, m.payload_len);
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(j, "AcknowledgedMessageType")),
                     "output_stream_data");
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(j, "IsSequentialMessage")));
    long long s = (long long)cJSON_GetObjectItem(j, "AcknowledgedMessageSequenceNumber")->valuedouble;
    cJSON_Delete(j);
    return s;
}

START_TEST(reorder_duplicates_acks)
{
    peer q;
    exec_chan *c = chan_to(&q, "t", 0);
    feed(c, "start_publication", 0, 0, "{}", 2, 0);
    ck_assert_int_eq(q.n_sent, 0);
    feed(c, "output_stream_data", 2, 1, "C", 1, 0);
    feed(c, "output_stream_data", 1, 1, "B", 1, 0);
    ck_assert_uint_eq(q.output.len, 0);
    feed(c, "output_stream_data", 2, 1, "C", 1, 0); /* duplicate of a buffered one */
    feed(c, "output_stream_data", 0, 1, "A", 1, 0);
    feed(c, "output_stream_data", 1, 1, "B", 1, 0); /* duplicate of a delivered one */
    feed(c, "some_future_type", 3, 1, "Z", 1, 0);
    ck_assert_str_eq(buf_str(&q.output), "ABC");
    ck_assert_int_eq(q.n_sent, 5);
    long long want[] = {2, 1, 2, 0, 1};
    for (int i = 0; i < 5; i++)
        ck_assert_int_eq(acked_seq(&q, i), want[i]);
    /* a wrong digest: dropped, not acknowledged */
    buf b = BUF_INIT;
    exec_msg_encode(&b, "output_stream_data", 3, 0, 1, NULL, 0, "D", 1);
    b.data[b.len - 1] = 'E';
    ck_assert_int_eq(exec_chan_receive(c, (unsigned char *)b.data, b.len, 0), 0);
    buf_free(&b);
    ck_assert_int_eq(q.n_sent, 5);
    exec_chan_stats st = exec_chan_get_stats(c);
    ck_assert_uint_eq(st.duplicates, 2);
    ck_assert_uint_eq(st.buffered, 2);
    ck_assert_uint_eq(st.bad_digest, 1);
    ck_assert(!exec_chan_closed(c));
    feed(c, "channel_closed", 0, 0, "{\"Output\":\"task stopped\"}", 25, 0);
    ck_assert(exec_chan_closed(c));
    ck_assert_str_eq(exec_chan_close_output(c), "task stopped");
    exec_chan_free(c);
    peer_free(&q);
}
END_TEST

START_TEST(resend_timing)
{
    peer q;
    exec_chan *c = chan_to(&q, "t", 0);
    ck_assert(exec_chan_next_due(c, 0) < 0);
    ck_assert_int_eq(exec_chan_send_input(c, EXEC_PT_OUTPUT, "ls\r", 3, 10.0), 0);
    ck_assert_int_eq(exec_chan_send_input(c, EXEC_PT_SIZE, "{\"cols\":80,\"rows\":24}", 22, 10.0), 0);
    exec_msg m = sent(&q, 0);
    ck_assert_str_eq(m.type, "input_stream_data");
    ck_assert(m.seq == 0 && m.payload_type == EXEC_PT_OUTPUT);
    ck_assert_int_eq(sent(&q, 1).seq, 1);
    /* resends at +0.2, then +0.4, +0.8, then every 1 s */
    double at[] = {10.19, 10.2, 10.5, 10.6, 11.39, 11.4, 12.4, 13.4};
    int want[] = {2, 4, 4, 6, 6, 8, 10, 12};
    for (int i = 0; i < 8; i++) {
        ck_assert_int_eq(exec_chan_tick(c, at[i]), 0);
        ck_assert_msg(q.n_sent == want[i], "at %.2f: %d sent, wanted %d", at[i], q.n_sent, want[i]);
    }
    exec_msg again = sent(&q, 11);
    ck_assert_int_eq(again.seq, 1);
    /* the ack for seq 0 stops its resends */
    acknowledge(c, "{\"AcknowledgedMessageType\":\"input_stream_data\",\"AcknowledgedMessageId\":"
                   "\"dd01e56b-ff48-483e-a508-b5f073f31b16\",\"AcknowledgedMessageSequenceNumber\":0,"
                   "\"IsSequentialMessage\":true}", 13.5);
    ck_assert_uint_eq(exec_chan_unacked(c), 1);
    ck_assert_int_eq(exec_chan_tick(c, 14.4), 0);
    ck_assert_int_eq(q.n_sent, 13);
    ck_assert_int_eq(sent(&q, 12).seq, 1);
    ck_assert_uint_eq(exec_chan_get_stats(c).resent, 11);
    /* sequence numbers no integer can hold: ignored, nothing undefined (issue 16) */
    const char *huge[] = {"1e300", "-1e300", "9.3e18", "1e19"};
    for (int i = 0; i < 4; i++) {
        char bad[256];
        snprintf(bad, sizeof bad, "{\"AcknowledgedMessageType\":\"input_stream_data\","
                 "\"AcknowledgedMessageSequenceNumber\":%s}", huge[i]);
        acknowledge(c, bad, 14.5);
    }
    ck_assert_uint_eq(exec_chan_unacked(c), 1);
    exec_chan_free(c);
    peer_free(&q);
}
END_TEST

START_TEST(session_type_handshake)
{
    peer q;
    exec_chan *c = chan_to(&q, "9.9", 0);
    const char *req = "{\"AgentVersion\":\"3\",\"RequestedClientActions\":[{\"ActionType\":"
                      "\"SessionType\",\"ActionParameters\":{\"SessionType\":"
                      "\"InteractiveCommands\"}},{\"ActionType\":\"Teleport\"}]}";
    feed(c, "output_stream_data", 0, EXEC_PT_HS_REQUEST, req, strlen(req), 0);
    ck_assert_int_eq(q.n_sent, 2); /* the ack, then our response */
    exec_msg m = sent(&q, 1);
    ck_assert(m.seq == 0 && m.payload_type == EXEC_PT_HS_RESPONSE);
    cJSON *j = cJSON_ParseWithLength((const char *)m.payload, m.payload_len);
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(j, "ClientVersion")), "9.9");
    cJSON *acts = cJSON_GetObjectItem(j, "ProcessedClientActions");
    ck_assert_int_eq(cJSON_GetArraySize(acts), 2);
    ck_assert_int_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(acts, 0), "ActionStatus")->valueint, 1);
    ck_assert_int_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(acts, 1), "ActionStatus")->valueint, 3);
    cJSON_Delete(j);
    ck_assert(!exec_chan_ready(c));
    feed(c, "output_stream_data", 1, EXEC_PT_HS_COMPLETE, "{}", 2, 0);
    ck_assert(exec_chan_ready(c));
    exec_chan_free(c);
    peer_free(&q);
}
END_TEST

START_TEST(kms_handshake)
{
    for (int i = 0; i < 64; i++)
        KEY[i] = (unsigned char)(i * 3 + 1);
    peer q;
    exec_chan *c = chan_to(&q, "t", 1);
    const char *req = "{\"RequestedClientActions\":[{\"ActionType\":\"KMSEncryption\","
                      "\"ActionParameters\":{\"KMSKeyId\":\"arn:aws:kms:us-east-1:000000000000:key/k1\"}}]}";
    feed(c, "output_stream_data", 0, EXEC_PT_HS_REQUEST, req, strlen(req), 0);
    ck_assert_int_eq(q.key_calls, 1);
    exec_msg m = sent(&q, 1);
    cJSON *j = cJSON_ParseWithLength((const char *)m.payload, m.payload_len);
    cJSON *a = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "ProcessedClientActions"), 0);
    ck_assert_int_eq(cJSON_GetObjectItem(a, "ActionStatus")->valueint, 1);
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(a, "ActionResult"),
                                                              "KMSCipherTextKey")), "QkxPQg==");
    cJSON_Delete(j);
    /* the agent encrypts with the first half; we answer the challenge with the second */
    unsigned char *ct, *pt;
    size_t ct_len, pt_len;
    ck_assert_int_eq(exec_gcm_seal(KEY, (const unsigned char *)"challenge!", 10, &ct, &ct_len), 0);
    char b64[128];
    EVP_EncodeBlock((unsigned char *)b64, ct, (int)ct_len);
    free(ct);
    char body[256];
    snprintf(body, sizeof body, "{\"Challenge\":\"%s\"}", b64);
    feed(c, "output_stream_data", 1, EXEC_PT_ENC_CHALLENGE_REQUEST, body, strlen(body), 0);
    m = sent(&q, 3);
    ck_assert_int_eq(m.payload_type, EXEC_PT_ENC_CHALLENGE_RESPONSE);
    j = cJSON_ParseWithLength((const char *)m.payload, m.payload_len);
    const char *resp = cJSON_GetStringValue(cJSON_GetObjectItem(j, "Challenge"));
    unsigned char raw[128];
    int n = EVP_DecodeBlock(raw, (const unsigned char *)resp, (int)strlen(resp));
    n -= (resp[strlen(resp) - 1] == '=') + (resp[strlen(resp) - 2] == '=');
    ck_assert_int_eq(exec_gcm_open(KEY + 32, raw, (size_t)n, &pt, &pt_len), 0);
    ck_assert(pt_len == 10 && memcmp(pt, "challenge!", 10) == 0);
    free(pt);
    ck_assert_int_eq(exec_gcm_open(KEY, raw, (size_t)n, &pt, &pt_len), -1);
    cJSON_Delete(j);
    /* encrypted output is decrypted; our keystrokes go out encrypted */
    ck_assert_int_eq(exec_gcm_seal(KEY, (const unsigned char *)"secret out", 10, &ct, &ct_len), 0);
    feed(c, "output_stream_data", 2, EXEC_PT_OUTPUT, (const char *)ct, ct_len, 0);
    free(ct);
    ck_assert_str_eq(buf_str(&q.output), "secret out");
    ck_assert_int_eq(exec_chan_send_input(c, EXEC_PT_OUTPUT, "ls\r", 3, 0), 0);
    m = sent(&q, q.n_sent - 1);
    ck_assert_int_eq(exec_gcm_open(KEY + 32, m.payload, m.payload_len, &pt, &pt_len), 0);
    ck_assert(pt_len == 3 && memcmp(pt, "ls\r", 3) == 0);
    free(pt);
    exec_chan_free(c);
    peer_free(&q);

    /* without a KMS callback the session fails naming the key */
    peer q2;
    c = chan_to(&q2, "t", 0);
    buf b = BUF_INIT;
    exec_msg_encode(&b, "output_stream_data", 0, 0, EXEC_PT_HS_REQUEST, NULL, 0, req, strlen(req));
    ck_assert_int_eq(exec_chan_receive(c, (unsigned char *)b.data, b.len, 0), -1);
    ck_assert_ptr_nonnull(strstr(exec_chan_error(c), "key/k1"));
    buf_free(&b);
    exec_chan_free(c);
    peer_free(&q2);
}
END_TEST

/* ---- the exit-status wrapper and pty line ends ---- */

static void to_buf(void *ctx, const unsigned char *p, size_t len)
{
    buf_append(ctx, p, len);
}

START_TEST(filter_and_wrapper)
{
    const char *marker = "ECSDEPLOY_EXIT_0123456789abcdef_";
    char *w = exec_wrap_command("cat '/x y'", marker);
    ck_assert_str_eq(w, "sh -c 'cat '\\''/x y'\\''\nprintf \"\\nECSDEPLOY_EXIT_0123456789abcdef_%d\\n\" $?'");
    free(w);
    char *argv1[] = {"sh", "-c", "exit 7"}, *argv2[] = {"cat /etc/hostname"};
    char *j = exec_join_argv(3, argv1);
    ck_assert_str_eq(j, "sh -c 'exit 7'");
    free(j);
    j = exec_join_argv(1, argv2);
    ck_assert_str_eq(j, "cat /etc/hostname");
    free(j);

    /* "\r\n" split across chunks, a lone "\r" kept, the marker line stripped */
    buf out = BUF_INIT;
    exec_filter f;
    exec_filter_init(&f, marker, to_buf, &out);
    const char *chunks[] = {"a\r", "\nb\rc\r\n\r", "\nECSDEPLOY_EXIT_0123456789abcdef_", "42\r\n"};
    for (int i = 0; i < 4; i++)
        exec_filter_feed(&f, (const unsigned char *)chunks[i], strlen(chunks[i]));
    exec_filter_finish(&f);
    ck_assert_str_eq(buf_str(&out), "a\nb\rc\n");
    ck_assert_int_eq(f.exit_code, 42);
    buf_free(&out);

    /* big output passes through; no marker: exit code unknown, nothing lost */
    exec_filter_init(&f, marker, to_buf, &out);
    for (int i = 0; i < 3000; i++)
        exec_filter_feed(&f, (const unsigned char *)"0123456789\r\n", 12);
    exec_filter_finish(&f);
    ck_assert_uint_eq(out.len, 33000);
    ck_assert_int_eq(f.exit_code, -1);
    buf_free(&out);
}
END_TEST

static void feed_text(exec_filter *f, const char *text)
{
    exec_filter_feed(f, (const unsigned char *)text, strlen(text));
}

/* For a terminal: bytes go out at once (a person is typing), "\r\n" kept, only a tail that
 * may be the marker line held back, and the status read from it at the end. */
START_TEST(raw_filter_for_a_terminal)
{
    const char *marker = "ECSDEPLOY_EXIT_0123456789abcdef_";
    buf out = BUF_INIT;
    exec_filter f;
    exec_filter_init_raw(&f, marker, to_buf, &out);
    feed_text(&f, "# ");
    ck_assert_str_eq(buf_str(&out), "# "); /* the prompt is shown before the session ends */
    feed_text(&f, "exit 3\r\n\r");
    ck_assert_str_eq(buf_str(&out), "# exit 3\r\n"); /* "\r" may begin the marker line */
    feed_text(&f, "\nECSDEPLOY_EXIT_0123");
    feed_text(&f, "456789abcdef_3\r\n");
    exec_filter_finish(&f);
    ck_assert_str_eq(buf_str(&out), "# exit 3\r\n");
    ck_assert_int_eq(f.exit_code, 3);
    buf_free(&out);

    /* something that only starts like the marker is passed on; no marker: status unknown */
    exec_filter_init_raw(&f, marker, to_buf, &out);
    feed_text(&f, "a\r\nECSDEPLOY_EXIT_x\r\n");
    exec_filter_finish(&f);
    ck_assert_str_eq(buf_str(&out), "a\r\nECSDEPLOY_EXIT_x\r\n");
    ck_assert_int_eq(f.exit_code, -1);
    buf_free(&out);
}
END_TEST

UNIT_SUITE(exec_msg, 0, header_bytes, uuids, reorder_duplicates_acks, resend_timing,
           session_type_handshake, kms_handshake, filter_and_wrapper, raw_filter_for_a_terminal)
