/*
 * ECS Exec data-channel messages (../shared/docs/ecs-exec-protocol.md, section 4): the
 * 116-byte big-endian header, the SHA-256 payload digest, message ids with their two
 * 8-byte halves swapped on the wire, and UUID helpers. Pure functions.
 */
#ifndef ECSDEPLOY_EXEC_MSG_INTERNAL_H
#define ECSDEPLOY_EXEC_MSG_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define EXEC_MSG_HEADER_LEN 116

enum {
    EXEC_PT_OUTPUT = 1, EXEC_PT_ERROR = 2, EXEC_PT_SIZE = 3, EXEC_PT_PARAMETER = 4,
    EXEC_PT_HS_REQUEST = 5, EXEC_PT_HS_RESPONSE = 6, EXEC_PT_HS_COMPLETE = 7,
    EXEC_PT_ENC_CHALLENGE_REQUEST = 8, EXEC_PT_ENC_CHALLENGE_RESPONSE = 9, EXEC_PT_FLAG = 10,
    EXEC_PT_STDERR = 11, EXEC_PT_EXIT_CODE = 12
};

#define EXEC_FLAG_SYN 1u
#define EXEC_FLAG_FIN 2u

typedef struct {
    char type[33];              /* trimmed of spaces and NULs */
    uint32_t schema;
    uint64_t created_ms;
    int64_t seq;
    uint64_t flags;
    unsigned char id[16];       /* canonical byte order (as the UUID string reads) */
    uint32_t payload_type;
    const unsigned char *payload; /* points into the decoded bytes */
    size_t payload_len;
    int digest_ok;              /* the header's digest matches the payload */
} exec_msg;

/* Append one message to out. id in canonical order (NULL: a fresh UUIDv4);
 * created_ms 0: now. */
void exec_msg_encode(buf *out, const char *type, int64_t seq, uint64_t flags,
                     uint32_t payload_type, const unsigned char *id, uint64_t created_ms,
                     const void *payload, size_t len);
/* Decode; 0, or -1 when too short, the header length is not 116 or the payload length
 * runs past the data. The digest is checked into m->digest_ok, not enforced here. */
int exec_msg_decode(const unsigned char *data, size_t len, exec_msg *m);

/* A random (version 4) UUID. */
void exec_uuid_v4(unsigned char id[16]);
/* "dd01e56b-ff48-483e-a508-b5f073f31b16" (36 characters + NUL). */
void exec_uuid_format(const unsigned char id[16], char out[37]);
/* Parse the canonical text form; 0 or -1. */
int exec_uuid_parse(const char *s, unsigned char id[16]);

#endif
