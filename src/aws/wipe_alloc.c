/*
 * Memory that held a secret is zeroed before it is given back. Our own buffers do it
 * themselves (buf.wipe, aws_json_delete_wiped); these allocators do it for libcurl,
 * OpenSSL and cJSON, whose receive buffers, TLS records and parsed trees hold every answer
 * in clear (a GetSecretValue, a credentials endpoint's keys) and would otherwise leave
 * copies in freed memory for a core dump or a swap file to keep. Installed once by main(),
 * before any of them allocates anything.
 */
#include "aws.h"
#include "http_internal.h"

#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <openssl/crypto.h>

static void wipe_free(void *p)
{
    if (!p)
        return;
    explicit_bzero(p, malloc_usable_size(p));
    free(p);
}

/* Never realloc in place: a block that moves would leave its old bytes behind. */
static void *wipe_realloc(void *p, size_t n)
{
    if (!p)
        return malloc(n);
    if (!n) {
        wipe_free(p);
        return NULL;
    }
    size_t old = malloc_usable_size(p);
    void *q = malloc(n);
    if (!q)
        return NULL;
    memcpy(q, p, old < n ? old : n);
    wipe_free(p);
    return q;
}

static char *wipe_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

static void *ossl_malloc(size_t n, const char *file, int line)
{
    (void)file;
    (void)line;
    return malloc(n);
}

static void *ossl_realloc(void *p, size_t n, const char *file, int line)
{
    (void)file;
    (void)line;
    return wipe_realloc(p, n);
}

static void ossl_free(void *p, const char *file, int line)
{
    (void)file;
    (void)line;
    wipe_free(p);
}

void aws_wipe_string_free(char *s)
{
    if (s) {
        explicit_bzero(s, strlen(s));
        free(s);
    }
}

static void wipe_tree(cJSON *j)
{
    for (; j; j = j->next) {
        if (j->valuestring)
            explicit_bzero(j->valuestring, strlen(j->valuestring));
        if (j->string)
            explicit_bzero(j->string, strlen(j->string));
        j->valuedouble = 0;
        wipe_tree(j->child);
    }
}

void aws_json_delete_wiped(cJSON *j)
{
    if (!j)
        return;
    cJSON *next = j->next; /* only j and what hangs under it */
    j->next = NULL;
    wipe_tree(j);
    j->next = next;
    cJSON_Delete(j);
}

int aws_wipe_allocators_install(void)
{
    /* cJSON: every parsed answer and printed request (with these hooks cJSON grows its
     * print buffers by malloc+copy+free, never realloc in place) */
    cJSON_Hooks hooks = {malloc, wipe_free};
    cJSON_InitHooks(&hooks);
    /* Refused (0) when OpenSSL has already allocated: then its memory is not wiped. */
    int ossl = CRYPTO_set_mem_functions(ossl_malloc, ossl_realloc, ossl_free);
    CURLcode rc = curl_global_init_mem(CURL_GLOBAL_DEFAULT, malloc, wipe_free, wipe_realloc,
                                       wipe_strdup, calloc);
    return ossl == 1 && rc == CURLE_OK ? 0 : -1;
}
