/*
 * The SDKs' "standard" retry mode: which failures are retried, how long to wait, and a
 * client-wide retry quota (a token bucket shared by all threads) so that a storm of
 * failures does not multiply traffic.
 */
#ifndef ECSDEPLOY_AWS_RETRY_H
#define ECSDEPLOY_AWS_RETRY_H

#include <pthread.h>

#include "aws_config.h"
#include "aws_error.h"

#define AWS_RETRY_DEFAULT_ATTEMPTS 3
#define AWS_RETRY_MAX_BACKOFF 20.0   /* seconds */
#define AWS_RETRY_QUOTA 500
#define AWS_RETRY_COST 5
#define AWS_RETRY_TIMEOUT_COST 10
#define AWS_RETRY_SUCCESS_REFILL 1

typedef enum {
    AWS_RETRY_NO = 0,     /* not retryable */
    AWS_RETRY_THROTTLE,   /* throttling code or HTTP 429 */
    AWS_RETRY_TRANSIENT,  /* 5xx, transient codes, connection errors */
    AWS_RETRY_TIMEOUT,    /* connect/read timeouts: cost more quota */
    AWS_RETRY_CLOCK_SKEW  /* signature rejected as too old/new: retry after correcting */
} aws_retry_class;

/* Classify a failed attempt. */
aws_retry_class aws_retry_classify(const aws_error *e);
/* 1 when code is one of the throttling codes. */
int aws_retry_is_throttle_code(const char *code);

typedef struct {
    int max_attempts;
    pthread_mutex_t lock;
    int available;        /* quota tokens left, 0..AWS_RETRY_QUOTA */
} aws_retry_state;

void aws_retry_init(aws_retry_state *r, int max_attempts);
void aws_retry_destroy(aws_retry_state *r);

/*
 * Max attempts from AWS_MAX_ATTEMPTS, else the profile's max_attempts, else 3. -1 with
 * err (kind AWS_ERR_CONFIG) when the value is not a whole number from 1 to 50.
 */
int aws_retry_max_attempts(const aws_config *cfg, int *out, aws_error *err);

/* Delay before retry number `retry` (1 for the first retry): rand01 * 2^(retry-1),
 * capped at AWS_RETRY_MAX_BACKOFF. rand01 in [0, 1). */
double aws_retry_delay(int retry, double rand01);

/* Take the quota for a retry of class c. Returns the cost taken, or -1 when the quota
 * is exhausted (then do not retry). */
int aws_retry_quota_acquire(aws_retry_state *r, aws_retry_class c);
/* A call succeeded: refund `cost` (what its last retry took) or, when it was not
 * retried (cost 0), add AWS_RETRY_SUCCESS_REFILL; never above AWS_RETRY_QUOTA. */
void aws_retry_quota_release(aws_retry_state *r, int cost);
/* Tokens left (for tests and --debug). */
int aws_retry_quota_available(aws_retry_state *r);

#endif
