/* Waiter loop and response readers shared by the network clients (see netsvc.h). */
#include "netsvc.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "aws.h"
#include "xalloc.h"

static void sleep_seconds(double s)
{
    if (s <= 0)
        return;
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int netsvc_wait(const netsvc_wait_opts *o, int def_attempts, double def_delay, const char *what,
                netsvc_poll_fn poll, void *pctx, aws_error *err)
{
    int max = o && o->max_attempts > 0 ? o->max_attempts : def_attempts;
    double delay = o && o->delay_s > 0 ? o->delay_s : def_delay;
    double deadline = o && o->timeout_s > 0 ? now_seconds() + o->timeout_s : 0;
    char state[256] = "";
    int attempt;
    aws_error_clear(err);
    for (attempt = 1; attempt <= max; attempt++) {
        state[0] = '\0';
        int rc = poll(pctx, state, sizeof state, err);
        if (rc == 1)
            return 0;
        if (rc < 0) {
            aws_error_prefix(err, "waiting for %s: ", what);
            return -1;
        }
        if (o && o->progress)
            o->progress(o->ctx, what, state, attempt);
        if (attempt == max || (deadline > 0 && now_seconds() + delay > deadline))
            break;
        sleep_seconds(delay);
    }
    aws_error_set(err, AWS_ERR_TIMEOUT, "WaiterTimeout",
                  "gave up waiting for %s after %d checks %.3g s apart; last state: %s", what,
                  attempt > max ? max : attempt, delay, state[0] ? state : "(none seen)");
    return -1;
}

char *netsvc_dup(const cJSON *obj, const char *name)
{
    const char *s = aws_json_str(obj, name);
    return xstrdup(s ? s : "");
}

char *netsvc_dup2(const cJSON *obj, const char *a, const char *b)
{
    return netsvc_dup(cJSON_GetObjectItemCaseSensitive(obj, a), b);
}

void netsvc_strings(const cJSON *obj, const char *name, const char *field, svc_strings *out)
{
    const cJSON *arr = aws_json_array(obj, name), *e;
    cJSON_ArrayForEach(e, arr)
    {
        const char *s = field ? aws_json_str(e, field) : (cJSON_IsString(e) ? e->valuestring : NULL);
        if (s)
            svc_strings_add(out, s);
    }
}

void netsvc_tags(const cJSON *obj, const char *name, const char *kname, const char *vname,
                 svc_tags *out)
{
    const cJSON *arr = aws_json_array(obj, name), *e;
    cJSON_ArrayForEach(e, arr)
    {
        const char *k = aws_json_str(e, kname);
        if (k)
            svc_tags_add(out, k, aws_json_str(e, vname));
    }
}

cJSON *netsvc_tags_json(const svc_tags *t, const char *kname, const char *vname)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; t && i < t->n; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, kname, t->items[i].key);
        cJSON_AddStringToObject(o, vname, t->items[i].value ? t->items[i].value : "");
        cJSON_AddItemToArray(arr, o);
    }
    return arr;
}

size_t netsvc_count(const char *const *list)
{
    size_t n = 0;
    while (list && list[n])
        n++;
    return n;
}
