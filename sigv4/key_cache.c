/* SigV4 signing-key derivation with a small thread-safe cache.
 *
 * Deriving the key costs four HMACs; the runtime signs many requests with the same
 * credentials, day, region and service. Entries are found by a SHA-256 of the secret, so
 * the cache never holds the secret itself, and the derived keys are wiped when evicted. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "sigv4.h"
#include "sigv4_int.h"

#define CACHE_SLOTS 16
#define CACHE_NAME_MAX 64

typedef struct {
    int used;
    unsigned long stamp; /* last use, for least-recently-used eviction */
    unsigned char secret_hash[32];
    char date[9];
    char region[CACHE_NAME_MAX];
    char service[CACHE_NAME_MAX];
    unsigned char key[32];
} cache_entry;

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static cache_entry cache[CACHE_SLOTS];
static unsigned long clock_tick, hits, misses;

static void derive(const char *secret, const char *date, const char *region,
                   const char *service, unsigned char key[32])
{
    size_t slen = strlen(secret);
    unsigned char kdate[32], kregion[32], kservice[32];
    char *k = OPENSSL_malloc(slen + 5);
    if (!k)
        abort();
    memcpy(k, "AWS4", 4);
    memcpy(k + 4, secret, slen + 1);
    sigv4_hmac(k, slen + 4, date, strlen(date), kdate);
    OPENSSL_clear_free(k, slen + 5);
    sigv4_hmac(kdate, 32, region, strlen(region), kregion);
    sigv4_hmac(kregion, 32, service, strlen(service), kservice);
    sigv4_hmac(kservice, 32, "aws4_request", 12, key);
    OPENSSL_cleanse(kdate, 32);
    OPENSSL_cleanse(kregion, 32);
    OPENSSL_cleanse(kservice, 32);
}

static int matches(const cache_entry *e, const unsigned char hash[32], const char *date,
                   const char *region, const char *service)
{
    return e->used && memcmp(e->secret_hash, hash, 32) == 0 && strcmp(e->date, date) == 0 &&
           strcmp(e->region, region) == 0 && strcmp(e->service, service) == 0;
}

/* The slot to use for a new entry: a free one, else the least recently used. */
static cache_entry *victim(void)
{
    cache_entry *best = &cache[0];
    for (size_t i = 0; i < CACHE_SLOTS; i++) {
        if (!cache[i].used)
            return &cache[i];
        if (cache[i].stamp < best->stamp)
            best = &cache[i];
    }
    return best;
}

void sigv4_signing_key(const char *secret, const char *date, const char *region,
                       const char *service, unsigned char key[32])
{
    if (strlen(date) != 8 || strlen(region) >= CACHE_NAME_MAX ||
        strlen(service) >= CACHE_NAME_MAX) {
        derive(secret, date, region, service, key); /* too odd to be worth caching */
        return;
    }
    unsigned char hash[32];
    sigv4_sha256(secret, strlen(secret), hash);
    pthread_mutex_lock(&cache_lock);
    for (size_t i = 0; i < CACHE_SLOTS; i++) {
        if (matches(&cache[i], hash, date, region, service)) {
            cache[i].stamp = ++clock_tick;
            memcpy(key, cache[i].key, 32);
            hits++;
            pthread_mutex_unlock(&cache_lock);
            return;
        }
    }
    misses++;
    pthread_mutex_unlock(&cache_lock);

    derive(secret, date, region, service, key); /* outside the lock: it is the slow part */

    pthread_mutex_lock(&cache_lock);
    for (size_t i = 0; i < CACHE_SLOTS; i++) {
        if (matches(&cache[i], hash, date, region, service)) { /* another thread won */
            pthread_mutex_unlock(&cache_lock);
            return;
        }
    }
    cache_entry *e = victim();
    OPENSSL_cleanse(e, sizeof *e);
    e->used = 1;
    e->stamp = ++clock_tick;
    memcpy(e->secret_hash, hash, 32);
    memcpy(e->date, date, 9);
    memcpy(e->region, region, strlen(region) + 1);
    memcpy(e->service, service, strlen(service) + 1);
    memcpy(e->key, key, 32);
    pthread_mutex_unlock(&cache_lock);
}

void sigv4_key_cache_stats(unsigned long *h, unsigned long *m)
{
    pthread_mutex_lock(&cache_lock);
    if (h)
        *h = hits;
    if (m)
        *m = misses;
    pthread_mutex_unlock(&cache_lock);
}

void sigv4_key_cache_clear(void)
{
    pthread_mutex_lock(&cache_lock);
    OPENSSL_cleanse(cache, sizeof cache);
    hits = misses = 0;
    pthread_mutex_unlock(&cache_lock);
}
