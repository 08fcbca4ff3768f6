#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "aws_retry.h"
#include "unit_suite.h"

static aws_error svc(long status, const char *code)
{
    aws_error e;
    aws_error_clear(&e);
    e.kind = AWS_ERR_SERVICE;
    e.http_status = status;
    strcpy(e.code, code);
    return e;
}

START_TEST(classification)
{
    const char *throttles[] = {"Throttling", "ThrottlingException", "RequestLimitExceeded",
                               "TooManyRequestsException", "RequestThrottled", "SlowDown",
                               "PriorRequestNotComplete", NULL};
    for (int i = 0; throttles[i]; i++) {
        aws_error e = svc(400, throttles[i]);
        ck_assert_int_eq(aws_retry_classify(&e), AWS_RETRY_THROTTLE);
    }
    const char *transient[] = {"RequestTimeout", "InternalError", "ServiceUnavailable", NULL};
    for (int i = 0; transient[i]; i++) {
        aws_error e = svc(400, transient[i]);
        ck_assert_int_eq(aws_retry_classify(&e), AWS_RETRY_TRANSIENT);
    }
    long statuses[] = {500, 502, 503, 504};
    for (int i = 0; i < 4; i++) {
        aws_error e = svc(statuses[i], "Whatever");
        ck_assert_int_eq(aws_retry_classify(&e), AWS_RETRY_TRANSIENT);
    }
    aws_error e = svc(429, "Whatever");
    ck_assert_int_eq(aws_retry_classify(&e), AWS_RETRY_THROTTLE);
    e = svc(400, "ValidationException");
    ck_assert_int_eq(aws_retry_classify(&e), AWS_RETRY_NO);
    e = svc(404, "NoSuchEntity");
    ck_assert_int_eq(aws_retry_classify(&e), AWS_RETRY_NO);
    e = svc(403, "RequestTimeTooSkewed");
    ck_assert_int_eq(aws_retry_classify(&e), AWS_RETRY_CLOCK_SKEW);
    aws_error_set(&e, AWS_ERR_NETWORK, "ConnectionError", "reset");
    ck_assert_int_eq(aws_retry_classify(&e), AWS_RETRY_TRANSIENT);
    aws_error_set(&e, AWS_ERR_TIMEOUT, "RequestTimeout", "slow");
    ck_assert_int_eq(aws_retry_classify(&e), AWS_RETRY_TIMEOUT);
    aws_error_set(&e, AWS_ERR_CONFIG, "X", "y");
    ck_assert_int_eq(aws_retry_classify(&e), AWS_RETRY_NO);
}
END_TEST

START_TEST(backoff_bounds)
{
    ck_assert(aws_retry_delay(1, 0.0) == 0.0);
    ck_assert(aws_retry_delay(1, 0.5) == 0.5);
    ck_assert(aws_retry_delay(2, 0.5) == 1.0);
    ck_assert(aws_retry_delay(3, 0.5) == 2.0);
    ck_assert(aws_retry_delay(5, 0.999) < 16.0);
    /* capped at 20 s however many retries */
    for (int r = 1; r < 200; r++) {
        double d = aws_retry_delay(r, 0.999999);
        ck_assert(d >= 0 && d <= AWS_RETRY_MAX_BACKOFF);
    }
    ck_assert(aws_retry_delay(10, 0.5) == 10.0);
    ck_assert(aws_retry_delay(2, 7.0) == 0.0); /* out-of-range jitter is ignored */
}
END_TEST

START_TEST(quota_bucket)
{
    aws_retry_state r;
    aws_retry_init(&r, 3);
    ck_assert_int_eq(aws_retry_quota_available(&r), 500);
    ck_assert_int_eq(aws_retry_quota_acquire(&r, AWS_RETRY_THROTTLE), 5);
    ck_assert_int_eq(aws_retry_quota_acquire(&r, AWS_RETRY_TIMEOUT), 10);
    ck_assert_int_eq(aws_retry_quota_available(&r), 485);
    aws_retry_quota_release(&r, 5); /* a retried call succeeded */
    ck_assert_int_eq(aws_retry_quota_available(&r), 490);
    int taken = 0;
    while (aws_retry_quota_acquire(&r, AWS_RETRY_TRANSIENT) > 0)
        taken++;
    ck_assert_int_eq(taken, 98);
    ck_assert_int_eq(aws_retry_quota_available(&r), 0);
    ck_assert_int_eq(aws_retry_quota_acquire(&r, AWS_RETRY_THROTTLE), -1);
    aws_retry_quota_release(&r, 0); /* a first-try success adds 1 */
    ck_assert_int_eq(aws_retry_quota_available(&r), 1);
    for (int i = 0; i < 1000; i++)
        aws_retry_quota_release(&r, 10);
    ck_assert_int_eq(aws_retry_quota_available(&r), 500);
    aws_retry_destroy(&r);
}
END_TEST

START_TEST(max_attempts_setting)
{
    int n;
    aws_error err;
    unsetenv("AWS_MAX_ATTEMPTS");
    ck_assert_int_eq(aws_retry_max_attempts(NULL, &n, &err), 0);
    ck_assert_int_eq(n, 10);
    setenv("AWS_MAX_ATTEMPTS", "7", 1);
    ck_assert_int_eq(aws_retry_max_attempts(NULL, &n, &err), 0);
    ck_assert_int_eq(n, 7);
    setenv("AWS_MAX_ATTEMPTS", "0", 1);
    ck_assert_int_eq(aws_retry_max_attempts(NULL, &n, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.message, "AWS_MAX_ATTEMPTS"));
    setenv("AWS_MAX_ATTEMPTS", "three", 1);
    ck_assert_int_eq(aws_retry_max_attempts(NULL, &n, &err), -1);
}
END_TEST

START_TEST(waiting_is_bounded)
{
    aws_retry_state r;
    unsetenv("ECSDEPLOY_RETRY_BACKOFF_SCALE");
    aws_retry_init(&r, 10);
    ck_assert(aws_retry_next_delay(&r, 1, 0, 0.5) == 0.5);
    ck_assert(aws_retry_next_delay(&r, 6, 0, 0.5) == 10.0);
    ck_assert(aws_retry_next_delay(&r, 10, 0, 0.5) == -1); /* attempts used up */
    ck_assert(aws_retry_next_delay(&r, 6, 55.0, 0.5) == 5.0); /* shortened to what is left */
    ck_assert(aws_retry_next_delay(&r, 2, AWS_RETRY_MAX_WAIT, 0.5) == -1);
    /* a whole call never waits more than AWS_RETRY_MAX_WAIT, at any jitter */
    aws_retry_state many;
    aws_retry_init(&many, 50);
    double waited = 0, d;
    int attempt = 1;
    while ((d = aws_retry_next_delay(&many, attempt, waited, 0.999)) >= 0) {
        waited += d;
        attempt++;
        ck_assert(d > 0 || waited >= AWS_RETRY_MAX_WAIT);
        if (waited >= AWS_RETRY_MAX_WAIT)
            break;
    }
    ck_assert(waited <= AWS_RETRY_MAX_WAIT + 1e-9);
    ck_assert_int_lt(attempt, 50);
    aws_retry_destroy(&many);
    aws_retry_destroy(&r);
    setenv("ECSDEPLOY_RETRY_BACKOFF_SCALE", "0.01", 1);
    aws_retry_init(&r, 10);
    ck_assert(aws_retry_next_delay(&r, 3, 0, 0.5) == 0.02);
    ck_assert(aws_retry_next_delay(&r, 3, 0.7, 0.5) == -1); /* the budget scales too */
    aws_retry_destroy(&r);
    setenv("ECSDEPLOY_RETRY_BACKOFF_SCALE", "7", 1); /* out of range: ignored */
    aws_retry_init(&r, 10);
    ck_assert(aws_retry_next_delay(&r, 3, 0, 0.5) == 2.0);
    aws_retry_destroy(&r);
    unsetenv("ECSDEPLOY_RETRY_BACKOFF_SCALE");
}
END_TEST

START_TEST(lost_answers)
{
    aws_error e = svc(500, "InternalFailure");
    ck_assert(aws_retry_answer_lost(&e));
    e = svc(503, "ServiceUnavailable");
    ck_assert(aws_retry_answer_lost(&e));
    aws_error_set(&e, AWS_ERR_NETWORK, "ConnectionError", "closed");
    ck_assert(aws_retry_answer_lost(&e));
    aws_error_set(&e, AWS_ERR_TIMEOUT, "RequestTimeout", "slow");
    ck_assert(aws_retry_answer_lost(&e));
    /* a throttled or refused call did not happen */
    e = svc(400, "ThrottlingException");
    ck_assert(!aws_retry_answer_lost(&e));
    e = svc(503, "SlowDown");
    ck_assert(!aws_retry_answer_lost(&e));
    e = svc(400, "ValidationException");
    ck_assert(!aws_retry_answer_lost(&e));
}
END_TEST

UNIT_SUITE(aws_retry, 0, classification, backoff_bounds, quota_bucket, max_attempts_setting,
           waiting_is_bounded, lost_answers)
