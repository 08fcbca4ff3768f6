/* The process-wide client: configuration, region, endpoints, transport, retry state. */
#include "aws_internal.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "xalloc.h"

static int default_transport(void *ctx, const aws_http_request *req, aws_http_response *resp,
                             aws_error *err)
{
    return aws_http_send(ctx, req, resp, err);
}

static double default_rand(void *ctx)
{
    (void)ctx;
    unsigned int r;
    static __thread unsigned int seed;
    if (!seed)
        seed = (unsigned int)time(NULL) ^ (unsigned int)getpid() ^ (unsigned int)(size_t)&r;
    r = (unsigned int)rand_r(&seed);
    return (double)r / ((double)RAND_MAX + 1.0);
}

static void default_sleep(double seconds, void *ctx)
{
    (void)ctx;
    util_sleep(seconds, NULL);
}

static time_t default_now(void *ctx)
{
    (void)ctx;
    return time(NULL);
}

static double default_mono(void *ctx)
{
    (void)ctx;
    return util_now();
}

int aws_client_new(const aws_client_options *o, aws_client **out, aws_error *err)
{
    aws_client *c = xcalloc(1, sizeof *c);
    int attempts;
    aws_error_clear(err);
    if (aws_config_load(&c->cfg, o->profile, err) != 0) {
        free(c);
        return -1;
    }
    c->region = aws_region_resolve(o->region, &c->cfg, err);
    if (!c->region && o->region_optional && strcmp(err->code, "NoRegion") == 0) {
        aws_error_clear(err);
        c->region = xstrdup("");
    }
    if (!c->region || aws_retry_max_attempts(&c->cfg, &attempts, err) != 0 ||
        aws_retry_call_deadline(&c->deadline_s, err) != 0) {
        aws_config_free(&c->cfg);
        free(c->region);
        free(c);
        return -1;
    }
    aws_endpoint_settings_load(&c->eps, o->endpoint_url, &c->cfg);
    aws_retry_init(&c->retry, attempts);
    c->http = aws_http_new();
    c->debug = o->debug;
    c->debug_out = o->debug_out ? o->debug_out : stderr;
    c->connect_timeout_ms = o->connect_timeout_ms;
    c->timeout_ms = o->timeout_ms;
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->shared_cond, NULL);
    pthread_cond_init(&c->creds_cond, NULL);
    c->transport = default_transport;
    c->transport_ctx = c->http;
    c->rand01 = default_rand;
    c->sleep = default_sleep;
    c->now = default_now;
    c->opt_profile = xstrdup_or_null(o->profile);
    c->opt_endpoint_url = xstrdup_or_null(o->endpoint_url);
    c->mono = default_mono;
    *out = c;
    return 0;
}

aws_client *aws_client_in_region(aws_client *c, const char *region, aws_error *err)
{
    if (!region || !*region || strcmp(region, c->region) == 0)
        return c;
    pthread_mutex_lock(&c->lock);
    aws_client *k = NULL;
    for (size_t i = 0; i < c->nothers && !k; i++)
        if (strcmp(c->others[i]->region, region) == 0)
            k = c->others[i];
    if (!k) {
        aws_client_options o = {.profile = c->opt_profile, .region = region,
                                .endpoint_url = c->opt_endpoint_url, .debug = c->debug,
                                .debug_out = c->debug_out,
                                .connect_timeout_ms = c->connect_timeout_ms,
                                .timeout_ms = c->timeout_ms};
        if (aws_client_new(&o, &k, err) == 0) {
            aws_client_set_hooks(k, c->transport, c->transport_ctx, c->rand01, c->sleep, c->now,
                                 c->hook_ctx);
            if (c->transport == default_transport) /* its own connections, not c's */
                k->transport_ctx = k->http;
            c->others = xrealloc(c->others, (c->nothers + 1) * sizeof *c->others);
            c->others[c->nothers++] = k;
        } else {
            k = NULL;
        }
    }
    pthread_mutex_unlock(&c->lock);
    return k;
}

void aws_client_free(aws_client *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nothers; i++)
        aws_client_free(c->others[i]);
    free(c->others);
    free(c->opt_profile);
    free(c->opt_endpoint_url);
    aws_credentials_free(&c->creds);
    aws_http_free(c->http);
    aws_retry_destroy(&c->retry);
    pthread_mutex_destroy(&c->lock);
    pthread_cond_destroy(&c->creds_cond);
    aws_config_free(&c->cfg);
    cJSON_Delete(c->memo);
    aws_share_free(c);
    pthread_cond_destroy(&c->shared_cond);
    free(c->region);
    free(c);
}

char *aws_client_memo_get(aws_client *c, const char *key)
{
    pthread_mutex_lock(&c->lock);
    const char *v = aws_json_str(c->memo, key);
    char *copy = v ? xstrdup(v) : NULL;
    pthread_mutex_unlock(&c->lock);
    return copy;
}

void aws_client_memo_put(aws_client *c, const char *key, const char *value)
{
    pthread_mutex_lock(&c->lock);
    if (!c->memo)
        c->memo = cJSON_CreateObject();
    cJSON_DeleteItemFromObjectCaseSensitive(c->memo, key);
    cJSON_AddStringToObject(c->memo, key, value);
    pthread_mutex_unlock(&c->lock);
}

const char *aws_client_region(const aws_client *c)
{
    return c->region;
}

const char *aws_client_profile(const aws_client *c)
{
    return c->cfg.profile;
}

void aws_client_set_hooks(aws_client *c, aws_transport_fn transport, void *transport_ctx,
                          double (*rand01)(void *), void (*sleep)(double, void *),
                          time_t (*now)(void *), void *hook_ctx)
{
    if (transport) {
        c->transport = transport;
        c->transport_ctx = transport_ctx;
    }
    if (rand01)
        c->rand01 = rand01;
    if (sleep)
        c->sleep = sleep;
    if (now)
        c->now = now;
    c->hook_ctx = hook_ctx;
}

void aws_client_set_mono_clock(aws_client *c, double (*mono)(void *))
{
    c->mono = mono ? mono : default_mono;
}
