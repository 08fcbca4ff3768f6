/* The stack's mark against the local fake (lock.h): every release leaves it, a finished
 * `down` removes it, and lock_quiet_since trusts an earlier reading only when no other run
 * can have ended since. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "fakeaws_fixture.h"
#include "lock.h"
#include "s3.h"

#define BUCKET "ecsdeploy-locks-000000000000-us-east-1"

/* 1 when STACK.last-run is in the lock bucket, 0 when not (nor the bucket). */
static int mark_there(aws_client *c, const char *stack)
{
    char key[128];
    snprintf(key, sizeof key, "%s.last-run", stack);
    s3_object obj;
    aws_error err;
    if (s3_get_object_meta(c, BUCKET, key, NULL, &obj, &err) != 0) {
        ck_assert_msg(aws_error_is(&err, AWS_IS_NOT_FOUND), "reading the mark: %s", err.message);
        return 0;
    }
    s3_object_free(&obj);
    return 1;
}

static lock_handle *take(aws_client *c, const char *stack, const char *service)
{
    lock_handle *h = NULL;
    lock_info held;
    aws_error err;
    ck_assert_msg(lock_take(c, stack, service, "up", NULL, NULL, &h, &held, NULL, &err) == 0,
                  "taking the lock: %s", err.message);
    return h;
}

static int quiet(lock_handle *h, double seconds, int empty)
{
    aws_error err;
    int q = lock_quiet_since(h, seconds, empty, &err);
    ck_assert_msg(q >= 0, "lock_quiet_since: %s", err.message);
    return q;
}

START_TEST(no_mark_trusts_only_an_empty_reading)
{
    aws_client *c = fake_reset_client();
    lock_handle *h = take(c, "shop", NULL); /* makes the bucket */
    ck_assert_int_eq(quiet(h, 0.5, 1), 1); /* nothing found, no run ever ended: stands */
    ck_assert_int_eq(quiet(h, 0.5, 0), 0); /* something found, and no mark to date it */
    aws_error err;
    ck_assert_int_eq(lock_release(h, 0, &err), 0);
    ck_assert_int_eq(mark_there(c, "shop"), 1);
    aws_client_free(c);
}
END_TEST

START_TEST(a_recent_mark_means_read_again)
{
    aws_client *c = fake_reset_client();
    aws_error err;
    double read_at = util_now(); /* this run reads the stack, then another run ends */
    ck_assert_int_eq(lock_release(take(c, "shop", NULL), 0, &err), 0);
    lock_handle *h = take(c, "shop", NULL);
    ck_assert_int_eq(quiet(h, util_now() - read_at, 1), 0); /* it ended after the reading */
    ck_assert_int_eq(quiet(h, 60.0, 0), 0); /* and within the last minute */
    ck_assert_int_eq(lock_release(h, 0, &err), 0);
    sleep(4); /* S3's clock counts whole seconds: 4 s are at least 3 */
    h = take(c, "shop", NULL);
    ck_assert_int_eq(quiet(h, 0.5, 0), 1); /* the last run ended before this one read */
    ck_assert_int_eq(quiet(h, 30.0, 0), 0);
    ck_assert_int_eq(lock_release(h, 0, &err), 0);
    aws_client_free(c);
}
END_TEST

START_TEST(a_deploy_leaves_the_stacks_mark)
{
    aws_client *c = fake_reset_client();
    aws_error err;
    ck_assert_int_eq(lock_release(take(c, "shop", NULL), 1, &err), 0); /* a finished down */
    ck_assert_int_eq(mark_there(c, "shop"), 0);
    double read_at = util_now();
    ck_assert_int_eq(lock_release(take(c, "shop", "web"), 0, &err), 0); /* a deploy of web */
    ck_assert_int_eq(mark_there(c, "shop"), 1);
    lock_handle *h = take(c, "shop", NULL);
    ck_assert_int_eq(quiet(h, util_now() - read_at, 1), 0); /* even a reading that found nothing */
    ck_assert_int_eq(lock_release(h, 1, &err), 0); /* down: the mark goes, then the bucket */
    ck_assert_int_eq(mark_there(c, "shop"), 0);
    cJSON *doc = fake_resources();
    char *text = cJSON_PrintUnformatted(doc);
    ck_assert_ptr_null(strstr(text, BUCKET)); /* nothing else was in it */
    free(text);
    cJSON_Delete(doc);
    aws_client_free(c);
}
END_TEST

START_TEST(a_contended_take_is_never_quiet)
{
    aws_client *c = fake_reset_client();
    aws_error err;
    /* the lock object of a run that is gone: not renewed for its whole time to live */
    lock_release(take(c, "shop", NULL), 0, &err); /* makes the bucket */
    s3_condition none = {0};
    ck_assert_int_eq(s3_put_object_if(c, BUCKET, "shop.lock",
                                      "{\"run\":\"gone\",\"ttl_seconds\":2}", &none, NULL, &err), 0);
    sleep(4); /* and no mark newer than that run either */
    lock_handle *h = NULL;
    lock_info held;
    int took_over = 0;
    ck_assert_int_eq(lock_take(c, "shop", NULL, "up", NULL, NULL, &h, &held, &took_over, &err), 0);
    lock_info_free(&held);
    ck_assert_int_eq(took_over, 1);
    ck_assert_int_eq(quiet(h, 0.5, 1), 0); /* a takeover: the gone run may have changed anything */
    ck_assert_int_eq(lock_release(h, 0, &err), 0);
    aws_client_free(c);
}
END_TEST

/* 1 when a wire log holds a request line with `method` and `what` in it. */
static int logged(const char *log, const char *method, const char *what)
{
    for (const char *line = log; line && *line;) {
        const char *end = strchr(line, '\n');
        size_t n = end ? (size_t)(end - line) : strlen(line);
        char one[512];
        snprintf(one, sizeof one, "%.*s", (int)(n < sizeof one ? n : sizeof one - 1), line);
        if (strstr(one, "request") && strstr(one, method) && strstr(one, what))
            return 1;
        line = end ? end + 1 : NULL;
    }
    return 0;
}

/* A run that made the lock bucket knows no mark nor any service's lock can be in it: it
 * does not ask; a run that found the bucket there does. */
START_TEST(a_bucket_this_run_made_is_not_asked_for_a_mark)
{
    aws_client *c = fake_reset_client();
    char *log = NULL;
    size_t len = 0;
    FILE *f = NULL;
    aws_client *dc = fake_debug_client(&log, &len, &f);
    lock_handle *h = take(dc, "shop", NULL); /* makes the bucket */
    ck_assert_int_eq(quiet(h, 0.5, 1), 1);
    ck_assert_int_eq(quiet(h, 0.5, 0), 0);
    aws_error err;
    ck_assert_int_eq(lock_release(h, 0, &err), 0);
    h = take(c, "shop", NULL); /* the bucket is there, and the mark the release left */
    ck_assert_int_eq(quiet(h, 60, 1), 0);
    ck_assert_int_eq(lock_release(h, 0, &err), 0);
    aws_client_free(dc);
    fclose(f);
    ck_assert_msg(!logged(log, ": GET ", "shop.last-run") && !logged(log, ": HEAD ", "shop.last-run"),
                  "the new bucket was asked for a mark");
    ck_assert_msg(!logged(log, ": GET ", "versions"), "the new bucket was listed for services' locks");
    free(log);
    aws_client_free(c);
}
END_TEST

FAKE_SUITE(lock_mark, NULL, NULL, 30, no_mark_trusts_only_an_empty_reading,
           a_bucket_this_run_made_is_not_asked_for_a_mark,
           a_recent_mark_means_read_again, a_deploy_leaves_the_stacks_mark,
           a_contended_take_is_never_quiet)
