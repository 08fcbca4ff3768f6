/*
 * The SDKs' "standard" retry mode, made patient enough for a deployment: which failures
 * are retried, how long to wait, and a client-wide retry quota (a token bucket shared by
 * all threads) so that a storm of failures does not multiply traffic.
 *
 * Where ecsdeploy differs from the SDKs' defaults, and why: a deployment makes hundreds of
 * calls and one unlucky call must not fail the whole `up`, so
 *  - a call gets up to 10 attempts by default (SDKs: 3), still overridable with
 *    AWS_MAX_ATTEMPTS / max_attempts;
 *  - the backoff one call may spend waiting is bounded in time (AWS_RETRY_MAX_WAIT): the
 *    last delay is shortened to what is left, then the call fails;
 *  - a call that succeeds gives back all the quota its retries took (SDKs: the last
 *    retry's), so the quota only drains through calls that end in failure — a long run
 *    with steady throttling cannot starve it, a real outage still empties it.
 */
#ifndef ECSDEPLOY_AWS_RETRY_H
#define ECSDEPLOY_AWS_RETRY_H

#include <pthread.h>

#include "aws_config.h"
#include "aws_error.h"

#define AWS_RETRY_DEFAULT_ATTEMPTS 10
#define AWS_RETRY_MAX_WAIT 60.0   /* seconds of backoff one call may spend in all */
#define AWS_RETRY_MAX_BACKOFF 20.0   /* seconds */
#define AWS_RETRY_QUOTA 500
#define AWS_RETRY_COST 5
#define AWS_RETRY_TIMEOUT_COST 10
#define AWS_RETRY_SUCCESS_REFILL 1
/* Attempts for a call that could not even connect (name not resolved, connection
 * refused): the request never left, and more tries rarely help. */
#define AWS_RETRY_UNREACHABLE_ATTEMPTS 3
/* The error code of such a failure (kind AWS_ERR_NETWORK). */
#define AWS_CONNECT_FAILED "ConnectFailed"
/* Every call, attempts and backoff together, ends within this many seconds (an endpoint
 * that accepts the connection and never answers would otherwise hold a call for 10
 * attempts of AWS_RETRY_ATTEMPT_TIMEOUT each). ECSDEPLOY_CALL_DEADLINE overrides it. */
#define AWS_CALL_DEADLINE_DEFAULT 120.0
#define AWS_CALL_DEADLINE_MAX 1800.0
/* One attempt's bound when nothing else is configured (seconds). */
#define AWS_RETRY_ATTEMPT_TIMEOUT 60.0

typedef enum {
    AWS_RETRY_NO = 0,     /* not retryable */
    AWS_RETRY_THROTTLE,   /* throttling code or HTTP 429 */
    AWS_RETRY_TRANSIENT,  /* 5xx, transient codes, connection errors */
    AWS_RETRY_TIMEOUT,    /* connect/read timeouts: cost more quota */
    AWS_RETRY_CLOCK_SKEW  /* signature rejected as too old/new: retry after correcting */
} aws_retry_class;

/* Classify a failed attempt. */
aws_retry_class aws_retry_classify(const aws_error *e);
/* 1 when a failed attempt may still have taken effect on the server: the connection broke
 * or timed out after the request was sent, or the service answered a server error. A
 * throttled or refused call did not happen. */
int aws_retry_answer_lost(const aws_error *e);
/* 1 when the attempt could not connect at all (AWS_CONNECT_FAILED): nothing was sent. */
int aws_retry_never_sent(const aws_error *e);

typedef struct {
    int max_attempts;
    double backoff_scale; /* factor on every delay and on AWS_RETRY_MAX_WAIT; 1 but in tests */
    pthread_mutex_t lock;
    int available;        /* quota tokens left, 0..AWS_RETRY_QUOTA */
} aws_retry_state;

/* backoff_scale from ECSDEPLOY_RETRY_BACKOFF_SCALE (a number in (0, 1]; anything else: 1):
 * tests against the fake, whose clock runs 100 times faster, shrink the waits with it. */
void aws_retry_init(aws_retry_state *r, int max_attempts);
void aws_retry_destroy(aws_retry_state *r);

/*
 * Max attempts from AWS_MAX_ATTEMPTS, else the profile's max_attempts, else
 * AWS_RETRY_DEFAULT_ATTEMPTS. -1 with
 * err (kind AWS_ERR_CONFIG) when the value is not a whole number from 1 to 50.
 */
int aws_retry_max_attempts(const aws_config *cfg, int *out, aws_error *err);

/*
 * The per-call deadline in seconds: ECSDEPLOY_CALL_DEADLINE ("90", "90s", "2m"; 1 s to
 * 30 min) or AWS_CALL_DEADLINE_DEFAULT. -1 with err (AWS_ERR_CONFIG) when it is invalid.
 */
int aws_retry_call_deadline(double *out, aws_error *err);

/* Delay before retry number `retry` (1 for the first retry): rand01 * 2^(retry-1),
 * capped at AWS_RETRY_MAX_BACKOFF. rand01 in [0, 1). */
double aws_retry_delay(int retry, double rand01);

/*
 * The per-call part of the policy: after attempt number `attempt` (1 for the first) failed
 * with a retryable error, having already waited `waited` seconds in backoff, how long to
 * wait before the next attempt: aws_retry_delay, shortened to what is left of
 * AWS_RETRY_MAX_WAIT. -1 when the call must stop (attempts or waiting time used up).
 */
double aws_retry_next_delay(const aws_retry_state *r, int attempt, double waited,
                            double rand01);

/* Take the quota for a retry of class c. Returns the cost taken, or -1 when the quota
 * is exhausted (then do not retry). */
int aws_retry_quota_acquire(aws_retry_state *r, aws_retry_class c);
/* A call succeeded: refund `cost` (all its retries took) or, when it was not retried
 * (cost 0), add AWS_RETRY_SUCCESS_REFILL; never above AWS_RETRY_QUOTA. */
void aws_retry_quota_release(aws_retry_state *r, int cost);
/* Tokens left (for tests and --debug). */
int aws_retry_quota_available(aws_retry_state *r);

#endif
