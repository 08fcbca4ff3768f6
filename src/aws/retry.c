/* Standard retry mode: classification, backoff and the retry quota (see aws_retry.h). */
#include "aws_retry.h"

#include <stdlib.h>
#include <string.h>

static const char *const throttle_codes[] = {
    "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
    "TooManyRequestsException", "ProvisionedThroughputExceededException",
    "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
    "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
    "EC2ThrottledException", NULL};

static const char *const transient_codes[] = {
    "RequestTimeout", "RequestTimeoutException", "InternalError", "InternalFailure",
    "InternalServerError", "ServiceUnavailable", "ServiceUnavailableException",
    "ServerException", "IDPCommunicationError", "IDPCommunicationErrorException", NULL};

static const char *const skew_codes[] = {
    "RequestTimeTooSkewed", "RequestExpired", "RequestInTheFuture", "InvalidSignatureException",
    "SignatureDoesNotMatch", "AuthFailure", NULL};

static int in_list(const char *const *list, const char *code)
{
    for (size_t i = 0; list[i]; i++)
        if (strcmp(list[i], code) == 0)
            return 1;
    return 0;
}

aws_retry_class aws_retry_classify(const aws_error *e)
{
    switch (e->kind) {
    case AWS_ERR_NETWORK: return AWS_RETRY_TRANSIENT;
    case AWS_ERR_TIMEOUT: return AWS_RETRY_TIMEOUT;
    case AWS_ERR_SERVICE: break;
    default: return AWS_RETRY_NO;
    }
    if (in_list(throttle_codes, e->code) || e->http_status == 429)
        return AWS_RETRY_THROTTLE;
    if (in_list(transient_codes, e->code))
        return AWS_RETRY_TRANSIENT;
    if (in_list(skew_codes, e->code))
        return AWS_RETRY_CLOCK_SKEW;
    if (e->http_status == 500 || e->http_status == 502 || e->http_status == 503 ||
        e->http_status == 504)
        return AWS_RETRY_TRANSIENT;
    return AWS_RETRY_NO;
}

int aws_retry_answer_lost(const aws_error *e)
{
    if (aws_retry_never_sent(e))
        return 0;
    aws_retry_class k = aws_retry_classify(e);
    return k == AWS_RETRY_TRANSIENT || k == AWS_RETRY_TIMEOUT;
}

void aws_retry_init(aws_retry_state *r, int max_attempts)
{
    r->max_attempts = max_attempts > 0 ? max_attempts : AWS_RETRY_DEFAULT_ATTEMPTS;
    r->available = AWS_RETRY_QUOTA;
    r->backoff_scale = 1;
    const char *v = getenv("ECSDEPLOY_RETRY_BACKOFF_SCALE");
    char *end = NULL;
    double f = v && *v ? strtod(v, &end) : 0;
    if (f > 0 && f <= 1 && *end == '\0')
        r->backoff_scale = f;
    pthread_mutex_init(&r->lock, NULL);
}

void aws_retry_destroy(aws_retry_state *r)
{
    pthread_mutex_destroy(&r->lock);
}

int aws_retry_max_attempts(const aws_config *cfg, int *out, aws_error *err)
{
    const char *v = getenv("AWS_MAX_ATTEMPTS"), *from = "AWS_MAX_ATTEMPTS";
    if (!v || !*v) {
        v = cfg ? aws_config_get(cfg, "max_attempts") : NULL;
        from = "the profile's max_attempts";
    }
    if (!v || !*v) {
        *out = AWS_RETRY_DEFAULT_ATTEMPTS;
        return 0;
    }
    char *end;
    long n = strtol(v, &end, 10);
    if (*end || end == v || n < 1 || n > 50) {
        aws_error_set(err, AWS_ERR_CONFIG, "InvalidMaxAttempts",
                      "%s is '%s'; it must be a whole number of attempts from 1 to 50", from, v);
        return -1;
    }
    *out = (int)n;
    return 0;
}

int aws_retry_call_deadline(double *out, aws_error *err)
{
    const char *v = getenv("ECSDEPLOY_CALL_DEADLINE");
    *out = AWS_CALL_DEADLINE_DEFAULT;
    if (!v || !*v)
        return 0;
    char *end;
    double n = strtod(v, &end);
    if (end != v && (strcmp(end, "m") == 0 || strcmp(end, "min") == 0))
        n *= 60;
    else if (end != v && strcmp(end, "s") == 0)
        end += 1;
    if (end == v || (*end && strcmp(end, "m") != 0 && strcmp(end, "min") != 0) || !(n >= 1) ||
        n > AWS_CALL_DEADLINE_MAX) {
        aws_error_set(err, AWS_ERR_CONFIG, "InvalidCallDeadline",
                      "ECSDEPLOY_CALL_DEADLINE is '%s'; it must be a duration like 90s or 3m, "
                      "from 1 second to 30 minutes", v);
        return -1;
    }
    *out = n;
    return 0;
}

double aws_retry_delay(int retry, double rand01)
{
    if (rand01 < 0 || rand01 >= 1)
        rand01 = 0;
    double cap = 1;
    for (int i = 1; i < retry && cap < AWS_RETRY_MAX_BACKOFF; i++)
        cap *= 2;
    if (cap > AWS_RETRY_MAX_BACKOFF)
        cap = AWS_RETRY_MAX_BACKOFF;
    return rand01 * cap;
}

double aws_retry_next_delay(const aws_retry_state *r, int attempt, double waited,
                            double rand01)
{
    if (attempt >= r->max_attempts)
        return -1;
    double left = AWS_RETRY_MAX_WAIT * r->backoff_scale - waited;
    if (left <= 0)
        return -1;
    double d = aws_retry_delay(attempt, rand01) * r->backoff_scale;
    return d < left ? d : left;
}

int aws_retry_quota_acquire(aws_retry_state *r, aws_retry_class c)
{
    int cost = c == AWS_RETRY_TIMEOUT ? AWS_RETRY_TIMEOUT_COST : AWS_RETRY_COST;
    pthread_mutex_lock(&r->lock);
    int ok = r->available >= cost;
    if (ok)
        r->available -= cost;
    pthread_mutex_unlock(&r->lock);
    return ok ? cost : -1;
}

void aws_retry_quota_release(aws_retry_state *r, int cost)
{
    pthread_mutex_lock(&r->lock);
    r->available += cost > 0 ? cost : AWS_RETRY_SUCCESS_REFILL;
    if (r->available > AWS_RETRY_QUOTA)
        r->available = AWS_RETRY_QUOTA;
    pthread_mutex_unlock(&r->lock);
}

int aws_retry_quota_available(aws_retry_state *r)
{
    pthread_mutex_lock(&r->lock);
    int n = r->available;
    pthread_mutex_unlock(&r->lock);
    return n;
}

int aws_retry_never_sent(const aws_error *e)
{
    return e->kind == AWS_ERR_NETWORK && strcmp(e->code, AWS_CONNECT_FAILED) == 0;
}
