/*
 * What the stack file said, remembered in AWS for the values `ecsdeploy deploy` changes
 * (see "What the file said" in res.h). A record is a tag whose value lists short hashes
 * (12 hex digits of SHA-256) of the values the file held before each deploy of that value,
 * oldest first, at most RES_FILE_RECORD_MAX of them: the file's own values are never
 * stored, only enough to tell whether the file still says one of them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "res.h"
#include "sigv4.h"
#include "xalloc.h"

/* Characters a tag key may hold that need no hashing (AWS allows more, but not '#'). */
static int plain(const char *s)
{
    return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") ==
           strlen(s);
}

char *res_file_tag_key(const char *container, const char *field, const char *name)
{
    char *key = container ? xasprintf("%s%s:%s%s%s", RES_FILE_TAG_PREFIX, container, field,
                                      name ? ":" : "", name ? name : "")
                          : xasprintf("%s%s", RES_FILE_TAG_PREFIX, field);
    if (strlen(key) <= 128 && plain(container ? container : "") && plain(name ? name : ""))
        return key;
    /* too long, or characters a tag key may not hold: the key's own hash stands for it */
    char hex[65];
    sigv4_sha256_hex(key, strlen(key), hex);
    free(key);
    return xasprintf("%sh:%.24s", RES_FILE_TAG_PREFIX, hex);
}

/* The hash a record holds for value (NULL: the value is absent). */
static void res_file_hash(const char *value, char out[RES_FILE_HASH_LEN + 1])
{
    if (!value) { /* absent: a mark no hash can be */
        snprintf(out, RES_FILE_HASH_LEN + 1, "%s", "-");
        return;
    }
    char hex[65];
    sigv4_sha256_hex(value, strlen(value), hex);
    snprintf(out, RES_FILE_HASH_LEN + 1, "%.*s", RES_FILE_HASH_LEN, hex);
}

int res_file_record_has(const char *record, const char *value)
{
    char h[RES_FILE_HASH_LEN + 1];
    res_file_hash(value, h);
    size_t len = strlen(h);
    for (const char *p = record; p && *p;) {
        size_t n = strcspn(p, " ");
        if (n == len && strncmp(p, h, len) == 0)
            return 1;
        p += n;
        p += strspn(p, " ");
    }
    return 0;
}

char *res_file_record_add(const char *record, const char *value)
{
    if (record && res_file_record_has(record, value))
        return xstrdup(record);
    char h[RES_FILE_HASH_LEN + 1];
    res_file_hash(value, h);
    /* the oldest hashes go first when the record is full */
    const char *p = record ? record : "";
    p += strspn(p, " ");
    size_t count = 0;
    for (const char *q = p; *q; q += strspn(q, " "))
        count++, q += strcspn(q, " ");
    while (count >= RES_FILE_RECORD_MAX) {
        p += strcspn(p, " ");
        p += strspn(p, " ");
        count--;
    }
    return *p ? xasprintf("%s %s", p, h) : xstrdup(h);
}

cJSON *res_file_records_of(const svc_tags *tags)
{
    cJSON *o = cJSON_CreateObject();
    size_t plen = strlen(RES_FILE_TAG_PREFIX);
    for (size_t i = 0; tags && i < tags->n; i++)
        if (tags->items[i].key && !strncmp(tags->items[i].key, RES_FILE_TAG_PREFIX, plen))
            cJSON_AddStringToObject(o, tags->items[i].key, tags->items[i].value ? tags->items[i].value : "");
    return o;
}
