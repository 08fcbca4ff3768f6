/* One run per stack: the lock object, its renewal, takeover and release (see lock.h). */
#include "lock.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "clock.h"
#include "s3.h"
#include "sts.h"
#include "xalloc.h"

#define TAKE_ATTEMPTS 8

/* Where the lock of a stack lives, and who asks. */
typedef struct {
    char *bucket, *key, *account, *arn;
} lock_place;

static void place_free(lock_place *p)
{
    free(p->bucket);
    free(p->key);
    free(p->account);
    free(p->arn);
    memset(p, 0, sizeof *p);
}

/* The key of a stack's lock, or of one service's (deploy). */
static char *key_of(const char *stack, const char *service)
{
    return service ? xasprintf("%s/services/%s.lock", stack, service)
                   : xasprintf("%s.lock", stack);
}

/* The client's memo of a lock bucket lock_record_kinds found missing (its name). */
#define NO_BUCKET_MEMO "lock:missing-bucket"

/* The key of a stack's mark: written by every run that held a lock of it, as it ends. */
static char *mark_key_of(const char *stack)
{
    return xasprintf("%s.last-run", stack);
}

static int place_of(aws_client *c, const char *stack, const char *service, lock_place *p,
                    aws_error *err)
{
    memset(p, 0, sizeof *p);
    sts_identity id = {0};
    if (sts_get_caller_identity(c, &id, err) != 0) {
        aws_error_prefix(err, "finding the stack lock (who am I): ");
        return -1;
    }
    p->account = xstrdup(id.account ? id.account : "");
    p->arn = xstrdup(id.arn ? id.arn : "");
    p->bucket = xasprintf("ecsdeploy-locks-%s-%s", p->account, aws_client_region(c));
    p->key = key_of(stack, service);
    sts_identity_free(&id);
    return 0;
}

/* The lock's TTL for runs of this process: ECSDEPLOY_LOCK_TTL, or LOCK_TTL_DEFAULT. */
static int lock_ttl(void)
{
    const char *v = getenv("ECSDEPLOY_LOCK_TTL");
    char *end;
    long n = v && *v ? strtol(v, &end, 10) : 0;
    return v && *v && !*end && n >= 2 && n <= 3600 ? (int)n : LOCK_TTL_DEFAULT;
}

static void iso_now(char out[32])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- the object ------------------------------------------------------------------- */

struct lock_handle {
    aws_client *aws;
    lock_place place;
    char *stack, *command, *run, *since, *etag;
    long renewals;
    int ttl_s;
    lock_lost_fn on_lost;
    void *ud;
    atomic_int lost;
    pthread_t renewer;
    int renewing;
    pthread_mutex_t mu;
    pthread_cond_t wake;
    int stop;
    int quiet_take;  /* taken at the first try, or at the first try after making the bucket */
    int made_bucket; /* this run's CreateBucket of the lock bucket succeeded: it was
                        missing a call before (us-east-1 answers 200 for a bucket the
                        account owns), so no other run's lock or mark is in it */
    int marks;       /* a whole take: its release leaves the stack's mark */
    int kinds_noted; /* lock_note_kinds was called: the mark lists kinds */
    svc_strings kinds;
};

static char *body_of(const lock_handle *h)
{
    char host[256] = "", now[32];
    gethostname(host, sizeof host - 1);
    iso_now(now);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "stack", h->stack);
    cJSON_AddStringToObject(o, "holder", h->place.arn);
    cJSON_AddStringToObject(o, "host", host);
    cJSON_AddNumberToObject(o, "pid", (double)getpid());
    cJSON_AddStringToObject(o, "command", h->command);
    cJSON_AddStringToObject(o, "since", h->since);
    cJSON_AddStringToObject(o, "renewed", now);
    cJSON_AddNumberToObject(o, "renewals", (double)h->renewals); /* every write differs */
    cJSON_AddStringToObject(o, "run", h->run);
    cJSON_AddNumberToObject(o, "ttl_seconds", h->ttl_s);
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return s;
}

/* The string member of the lock's body, "?" when it has none. */
static const char *member(const cJSON *o, const char *name)
{
    const char *v = aws_json_str(o, name);
    return v ? v : "?";
}

/* What an object read says. The TTL is the holder's own (it may have set another). */
static void info_from(const s3_object *obj, const char *key, lock_info *out)
{
    memset(out, 0, sizeof *out);
    out->key = xstrdup(key);
    cJSON *o = out->body = cJSON_Parse(obj->body ? obj->body : "");
    out->holder = member(o, "holder");
    out->host = member(o, "host");
    out->command = member(o, "command");
    out->since = member(o, "since");
    out->run = member(o, "run");
    out->pid = (long)aws_json_int(o, "pid", 0);
    long long ttl = aws_json_int(o, "ttl_seconds", LOCK_TTL_DEFAULT);
    out->ttl_s = ttl >= 2 && ttl <= 3600 ? (int)ttl : LOCK_TTL_DEFAULT;
    out->age_s = obj->server_date >= 0 && obj->last_modified >= 0
                     ? (long)(obj->server_date - obj->last_modified) : -1;
    out->etag = xstrdup(obj->etag ? obj->etag : "");
}

void lock_info_free(lock_info *i)
{
    cJSON_Delete(i->body);
    free(i->etag);
    free(i->key);
    memset(i, 0, sizeof *i);
}

void lock_describe(const lock_info *i, char *out, size_t size)
{
    char age[64] = "";
    if (i->age_s >= 0)
        snprintf(age, sizeof age, ", last renewed %ld s ago", i->age_s);
    snprintf(out, size, "%s on %s (pid %ld, `ecsdeploy %s`) since %s%s", i->holder, i->host,
             i->pid, i->command, i->since, age);
}

/* A lock that S3's clock says was not renewed for its whole TTL: its holder is gone. */
static int expired(const lock_info *i)
{
    return i->age_s >= 0 && i->age_s >= i->ttl_s;
}

/* ---- renewal ---------------------------------------------------------------------- */

static void lose(lock_handle *h, const char *why)
{
    if (atomic_exchange(&h->lost, 1) == 0 && h->on_lost)
        h->on_lost(h->ud, why);
}

/* One renewal: 0 renewed, 1 lost (someone else's now, or gone), -1 not reached. */
static int renew_once(lock_handle *h)
{
    h->renewals++;
    char *body = body_of(h);
    s3_condition cond = {.if_match = h->etag, .expected_owner = h->place.account};
    char *etag = NULL;
    aws_error err;
    int rc = s3_put_object_if(h->aws, h->place.bucket, h->place.key, body, &cond, &etag, &err);
    free(body);
    if (rc == 0) {
        free(h->etag);
        h->etag = etag;
        return 0;
    }
    if (!aws_error_is(&err, AWS_IS_EXISTS | AWS_IS_NOT_FOUND))
        return -1;
    /* our own write whose answer was lost looks the same: check the run id */
    s3_object obj;
    if (s3_get_object_meta(h->aws, h->place.bucket, h->place.key, h->place.account, &obj,
                           &err) != 0)
        return aws_error_is(&err, AWS_IS_NOT_FOUND) ? 1 : -1;
    lock_info now;
    info_from(&obj, h->place.key, &now);
    int ours = strcmp(now.run, h->run) == 0;
    if (ours) {
        free(h->etag);
        h->etag = xstrdup(now.etag);
    }
    lock_info_free(&now);
    s3_object_free(&obj);
    return ours ? 0 : 1;
}

static void *renew_loop(void *arg)
{
    lock_handle *h = arg;
    double period = h->ttl_s / 4.0, last_ok = util_now();
    pthread_mutex_lock(&h->mu);
    while (!h->stop) {
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        double at = (double)until.tv_sec + (double)until.tv_nsec / 1e9 + period;
        until.tv_sec = (time_t)at;
        until.tv_nsec = (long)((at - (double)until.tv_sec) * 1e9);
        pthread_cond_timedwait(&h->wake, &h->mu, &until);
        if (h->stop)
            break;
        pthread_mutex_unlock(&h->mu);
        int rc = renew_once(h);
        if (rc == 0)
            last_ok = util_now();
        else if (rc > 0)
            lose(h, "another run took it over, or `ecsdeploy unlock` removed it");
        else if (util_now() - last_ok >= h->ttl_s)
            lose(h, "it could not be renewed for its whole time to live (is S3 reachable?)");
        pthread_mutex_lock(&h->mu);
        if (atomic_load(&h->lost))
            break;
    }
    pthread_mutex_unlock(&h->mu);
    return NULL;
}

/* ---- take, release, read, break ---------------------------------------------------- */

static char *new_run_id(void)
{
    unsigned char r[8];
    if (RAND_bytes(r, sizeof r) != 1)
        memset(r, 0, sizeof r);
    char *s = xmalloc(17);
    for (int i = 0; i < 8; i++)
        snprintf(s + 2 * i, 3, "%02x", r[i]);
    return s;
}

/* The lock bucket, the first time an account uses it in a region. S3 blocks all public
 * access to a new bucket (since 2023), so creating it is all it takes. */
static int make_bucket(lock_handle *h, aws_error *err)
{
    if (s3_create_bucket(h->aws, h->place.bucket, err) == 0) {
        h->made_bucket = 1;
        return 0;
    }
    if (!aws_error_is(err, AWS_IS_EXISTS)) {
        aws_error_prefix(err, "the stack lock bucket %s: ", h->place.bucket);
        return -1;
    }
    aws_error_clear(err);
    return 0;
}

static lock_handle *handle_new(aws_client *c, const char *stack, const char *command,
                               lock_lost_fn on_lost, void *ud)
{
    lock_handle *h = xcalloc(1, sizeof *h);
    char now[32];
    iso_now(now);
    h->aws = c;
    h->stack = xstrdup(stack);
    h->command = xstrdup(command);
    h->run = new_run_id();
    h->since = xstrdup(now);
    h->ttl_s = lock_ttl();
    h->on_lost = on_lost;
    h->ud = ud;
    pthread_mutex_init(&h->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&h->wake, &ca);
    pthread_condattr_destroy(&ca);
    return h;
}

static void handle_free(lock_handle *h)
{
    place_free(&h->place);
    free(h->stack);
    free(h->command);
    free(h->run);
    free(h->since);
    free(h->etag);
    svc_strings_free(&h->kinds);
    pthread_mutex_destroy(&h->mu);
    pthread_cond_destroy(&h->wake);
    free(h);
}

/* One step of taking it, after a 412: 0 ours now, 1 held by a live run (*held), 2 try
 * again, -1 error. */
static int contend(lock_handle *h, lock_info *held, int *took_over, aws_error *err)
{
    s3_object obj;
    if (s3_get_object_meta(h->aws, h->place.bucket, h->place.key, h->place.account, &obj,
                           err) != 0)
        return aws_error_is(err, AWS_IS_NOT_FOUND) ? 2 : -1; /* released meanwhile */
    lock_info i;
    info_from(&obj, h->place.key, &i);
    s3_object_free(&obj);
    if (strcmp(i.run, h->run) == 0) { /* our own write, whose answer was lost */
        h->etag = xstrdup(i.etag);
        lock_info_free(&i);
        return 0;
    }
    if (!expired(&i)) {
        *held = i;
        return 1;
    }
    /* the holder is gone: take it over, if nobody else did first */
    char *body = body_of(h);
    s3_condition cond = {.if_match = i.etag, .expected_owner = h->place.account};
    int rc = s3_put_object_if(h->aws, h->place.bucket, h->place.key, body, &cond, &h->etag,
                              err);
    free(body);
    if (rc == 0) {
        if (took_over)
            *took_over = 1;
        *held = i;
        return 0;
    }
    lock_info_free(&i);
    return aws_error_is(err, AWS_IS_EXISTS | AWS_IS_NOT_FOUND | AWS_IS_BUSY) ? 2 : -1;
}

/* A live lock of the other scope (a stack's against its services', a service's against
 * its stack's): 1 with *held, 0 none, -1 error. Each scope writes its own lock first and
 * reads the other's after: of two runs that start together, at least one sees the other
 * (S3 reads are strongly consistent). */
static int other_scope(lock_handle *h, const char *service, lock_info *held, aws_error *err)
{
    s3_object_versions keys = {0};
    if (service) {
        keys.items = xcalloc(1, sizeof *keys.items);
        keys.items[0].key = key_of(h->stack, NULL);
        keys.n = 1;
    } else {
        char *prefix = xasprintf("%s/services/", h->stack);
        int rc = s3_list_object_versions(h->aws, h->place.bucket, prefix, 0, &keys, err);
        free(prefix);
        if (rc != 0) {
            s3_object_versions_free(&keys);
            return -1;
        }
    }
    int found = 0;
    for (size_t i = 0; i < keys.n && !found; i++) {
        if (keys.items[i].delete_marker)
            continue;
        s3_object obj;
        if (s3_get_object_meta(h->aws, h->place.bucket, keys.items[i].key, h->place.account,
                               &obj, err) != 0) {
            if (!aws_error_is(err, AWS_IS_NOT_FOUND)) {
                found = -1;
                break;
            }
            continue;
        }
        lock_info i2;
        info_from(&obj, keys.items[i].key, &i2);
        s3_object_free(&obj);
        if (!expired(&i2)) {
            *held = i2;
            found = 1;
        } else {
            lock_info_free(&i2);
        }
    }
    s3_object_versions_free(&keys);
    return found;
}

int lock_take(aws_client *c, const char *stack, const char *service, const char *command,
              lock_lost_fn on_lost, void *ud, lock_handle **out, lock_info *held,
              int *took_over, aws_error *err)
{
    *out = NULL;
    memset(held, 0, sizeof *held);
    if (took_over)
        *took_over = 0;
    lock_handle *h = handle_new(c, stack, command, on_lost, ud);
    if (place_of(c, stack, service, &h->place, err) != 0) {
        handle_free(h);
        return -1;
    }
    int rc = -1, made_bucket = 0; /* the first try found no lock bucket, and this run made it */
    /* lock_record_kinds found no lock bucket: make it before the first try, which would
     * only be refused (should that fail, the tries below meet it again and say why) */
    char *missing = aws_client_memo_get(c, NO_BUCKET_MEMO);
    if (missing && strcmp(missing, h->place.bucket) == 0 && make_bucket(h, err) != 0)
        aws_error_clear(err);
    free(missing);
    for (int attempt = 1; attempt <= TAKE_ATTEMPTS; attempt++) {
        char *body = body_of(h);
        s3_condition cond = {.if_none_match = 1, .expected_owner = h->place.account};
        rc = s3_put_object_if(c, h->place.bucket, h->place.key, body, &cond, &h->etag, err);
        free(body);
        if (rc == 0) {
            h->quiet_take = attempt == 1 || (attempt == 2 && made_bucket);
            break;
        }
        if (aws_error_is(err, AWS_IS_NOT_FOUND)) { /* no lock bucket yet */
            rc = make_bucket(h, err);
            made_bucket = attempt == 1;
        } else if (aws_error_is(err, AWS_IS_EXISTS)) {
            rc = contend(h, held, took_over, err);
            if (rc == 0 || rc == 1 || rc < 0)
                break;
        } else if (aws_error_is(err, AWS_IS_BUSY)) { /* 409: a conflicting write; again */
            usleep(100000 * (useconds_t)attempt);
            rc = 2;
        } else {
            break;
        }
        if (rc < 0)
            break;
        rc = -1;
        aws_error_set(err, AWS_ERR_SERVICE, "LockContended",
                      "could not take the lock of stack %s in %d attempts (other runs keep "
                      "writing it)", stack, TAKE_ATTEMPTS);
    }
    if (rc != 0) {
        if (rc < 0 && aws_error_is(err, AWS_IS_DENIED))
            aws_error_prefix(err, "the stack lock s3://%s/%s (needs s3:PutObject, "
                                  "s3:GetObject, s3:DeleteObject there, s3:CreateBucket on "
                                  "it): ",
                             h->place.bucket, h->place.key);
        handle_free(h);
        return rc == 1 ? 1 : -1;
    }
    lock_info other;
    memset(&other, 0, sizeof other);
    /* a stack's run that made the bucket: no service's lock can be in it (a run of another
     * scope would have had to start and write between two calls of this one) */
    rc = h->made_bucket && !service ? 0 : other_scope(h, service, &other, err);
    if (rc != 0) { /* a deploy of one of its services, or an up of its stack, runs */
        aws_error e;
        lock_release(h, 0, &e);
        if (rc > 0) {
            lock_info_free(held);
            *held = other;
        }
        return rc > 0 ? 1 : -1;
    }
    h->renewing = pthread_create(&h->renewer, NULL, renew_loop, h) == 0;
    h->marks = 1;
    *out = h;
    return 0;
}

int lock_lost(lock_handle *h)
{
    return h && atomic_load(&h->lost);
}

/* Before the lock goes: the stack's mark says a run ended now (lock_quiet_since), and
 * which kinds of resource the stack may have (lock_record_kinds). A `down` that finished
 * removes it instead (the stack is gone; the bucket may go too), unless it kept some. */
static int leave_mark(lock_handle *h, int remove_bucket, aws_error *err)
{
    char *key = mark_key_of(h->stack);
    int rc;
    if (remove_bucket && h->kinds.n == 0) {
        s3_condition cond = {.expected_owner = h->place.account};
        rc = s3_delete_object_if(h->aws, h->place.bucket, key, &cond, err);
        if (rc != 0 && aws_error_is(err, AWS_IS_NOT_FOUND))
            rc = 0;
    } else {
        char now[32];
        iso_now(now);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "stack", h->stack);
        cJSON_AddStringToObject(o, "command", h->command);
        cJSON_AddStringToObject(o, "run", h->run);
        cJSON_AddStringToObject(o, "ended", now);
        if (h->kinds_noted) {
            cJSON *k = cJSON_AddArrayToObject(o, "kinds");
            for (size_t i = 0; i < h->kinds.n; i++)
                cJSON_AddItemToArray(k, cJSON_CreateString(h->kinds.items[i]));
        }
        char *body = cJSON_PrintUnformatted(o);
        cJSON_Delete(o);
        s3_condition cond = {.expected_owner = h->place.account};
        rc = s3_put_object_if(h->aws, h->place.bucket, key, body, &cond, NULL, err);
        free(body);
    }
    if (rc != 0)
        aws_error_prefix(err, "the stack's mark s3://%s/%s: ", h->place.bucket, key);
    free(key);
    return rc;
}

void lock_note_kinds(lock_handle *h, const svc_strings *kinds)
{
    if (!h)
        return;
    svc_strings_free(&h->kinds);
    for (size_t i = 0; i < kinds->n; i++)
        svc_strings_add(&h->kinds, kinds->items[i]);
    h->kinds_noted = 1;
}

/* The kinds a mark lists: 1 with them added to *kinds, 0 when it lists none (an older
 * mark, or one another command left). */
static int kinds_of_mark(const char *body, svc_strings *kinds)
{
    cJSON *o = cJSON_Parse(body ? body : "");
    const cJSON *list = cJSON_GetObjectItem(o, "kinds"), *k;
    int known = cJSON_IsArray(list);
    cJSON_ArrayForEach(k, list)
    {
        if (cJSON_IsString(k))
            svc_strings_add(kinds, k->valuestring);
        else
            known = 0;
    }
    cJSON_Delete(o);
    if (!known)
        svc_strings_free(kinds);
    return known;
}

int lock_record_kinds(aws_client *c, const char *stack, svc_strings *kinds)
{
    memset(kinds, 0, sizeof *kinds);
    lock_place p;
    aws_error err;
    if (place_of(c, stack, NULL, &p, &err) != 0)
        return 0;
    /* the lock and the mark side by side: "STACK.lock", "STACK.last-run" */
    char *prefix = xasprintf("%s.", stack), *mark = mark_key_of(stack);
    s3_object_versions keys = {0};
    int known = 0;
    if (s3_list_object_versions(c, p.bucket, prefix, 0, &keys, &err) != 0) {
        /* no lock bucket: no run of any stack has held a lock in this account and region
         * (and lock_take makes it first) */
        known = aws_error_is(&err, AWS_IS_NOT_FOUND);
        if (known)
            aws_client_memo_put(c, NO_BUCKET_MEMO, p.bucket);
    } else {
        int locked = 0, marked = 0;
        for (size_t i = 0; i < keys.n; i++) {
            const s3_object_version *v = &keys.items[i];
            if (!v->is_latest || v->delete_marker)
                continue;
            locked |= strcmp(v->key, p.key) == 0;
            marked |= strcmp(v->key, mark) == 0;
        }
        s3_object obj;
        /* a lock there: its run (alive, or killed) may have made anything */
        if (!locked && marked &&
            s3_get_object_meta(c, p.bucket, mark, p.account, &obj, &err) == 0) {
            known = kinds_of_mark(obj.body, kinds);
            s3_object_free(&obj);
        }
    }
    s3_object_versions_free(&keys);
    free(prefix);
    free(mark);
    place_free(&p);
    return known;
}

int lock_release(lock_handle *h, int remove_bucket, aws_error *err)
{
    aws_error_clear(err);
    if (!h)
        return 0;
    pthread_mutex_lock(&h->mu);
    h->stop = 1;
    pthread_cond_signal(&h->wake);
    pthread_mutex_unlock(&h->mu);
    if (h->renewing)
        pthread_join(h->renewer, NULL);
    int rc = 0;
    if (!atomic_load(&h->lost) && h->marks && leave_mark(h, remove_bucket, err) != 0)
        rc = -1; /* without the mark the lock must stay: it expires, and the next run reads again */
    if (rc == 0 && !atomic_load(&h->lost)) {
        s3_condition cond = {.if_match = h->etag, .expected_owner = h->place.account};
        if (s3_delete_object_if(h->aws, h->place.bucket, h->place.key, &cond, err) != 0 &&
            !aws_error_is(err, AWS_IS_NOT_FOUND | AWS_IS_EXISTS))
            rc = -1;
    }
    if (rc == 0 && remove_bucket) {
        aws_error e;
        /* another stack's lock in it: it stays (BucketNotEmpty), as it should */
        s3_delete_bucket(h->aws, h->place.bucket, &e);
        aws_error_clear(err);
    }
    handle_free(h);
    return rc;
}

int lock_quiet_since(lock_handle *h, double seconds, int stack_was_empty, aws_error *err)
{
    aws_error_clear(err);
    if (!h->quiet_take)
        return 0; /* another run had it, or took it first: it may have changed anything */
    /* The bucket was missing a call before this run made it: no run has left a mark in it
     * since (a whole run in that window is not a case) */
    if (h->made_bucket)
        return stack_was_empty;
    char *key = mark_key_of(h->stack);
    s3_object obj;
    int rc = s3_get_object_meta(h->aws, h->place.bucket, key, h->place.account, &obj, err);
    free(key);
    if (rc != 0) {
        if (!aws_error_is(err, AWS_IS_NOT_FOUND))
            return -1;
        aws_error_clear(err);
        return stack_was_empty;
    }
    /* S3's clock on both sides, each to the second: the mark must be older than the
     * reading by a second of rounding and a second of skew between AWS's hosts */
    int quiet = obj.server_date >= 0 && obj.last_modified >= 0 &&
                (double)(obj.server_date - obj.last_modified) >= seconds + 2.0;
    s3_object_free(&obj);
    return quiet;
}

int lock_read(aws_client *c, const char *stack, lock_info *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    lock_place p;
    if (place_of(c, stack, NULL, &p, err) != 0)
        return -1;
    s3_object obj;
    int rc = s3_get_object_meta(c, p.bucket, p.key, p.account, &obj, err);
    if (rc == 0) {
        info_from(&obj, p.key, out);
        s3_object_free(&obj);
    } else if (aws_error_is(err, AWS_IS_NOT_FOUND)) {
        aws_error_clear(err);
        rc = 1;
    }
    place_free(&p);
    return rc;
}

int lock_break(aws_client *c, const char *stack, const lock_info *seen, aws_error *err)
{
    lock_place p;
    if (place_of(c, stack, NULL, &p, err) != 0)
        return -1;
    free(p.key);
    p.key = xstrdup(seen->key);
    s3_condition cond = {.if_match = seen->etag, .expected_owner = p.account};
    int rc = s3_delete_object_if(c, p.bucket, p.key, &cond, err);
    if (rc != 0 && aws_error_is(err, AWS_IS_EXISTS | AWS_IS_NOT_FOUND)) {
        aws_error_clear(err);
        rc = 1;
    }
    place_free(&p);
    return rc;
}
