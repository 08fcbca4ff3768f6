/*
 * Start the local AWS fake once for the whole test run, from C tests.
 *
 * fake_start() launches tests/fakeaws/run on a free port (time scale 0.01), waits for its
 * "fakeaws listening on URL" line, and points the AWS environment at it:
 * AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID=test, AWS_SECRET_ACCESS_KEY=test,
 * AWS_REGION=us-east-1, AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE=/dev/null.
 * It returns the URL (owned by the fixture), or NULL when the fake cannot start (the
 * reason is printed). Later calls return the same URL. The fake stops when the process
 * that started it exits (forked Check children never stop it).
 *
 * Use it from a suite-level unchecked fixture:
 *     tcase_add_unchecked_fixture(tc, fake_setup, NULL);
 * and in each test: `if (!fake_url()) return;` is not needed — fake_setup aborts the
 * run with a clear message when the fake does not start.
 */
#ifndef ECSDEPLOY_TEST_FAKEAWS_FIXTURE_H
#define ECSDEPLOY_TEST_FAKEAWS_FIXTURE_H

#include <check.h>
#include <stdio.h>

#include "svc.h"
#include "unit_suite.h"

const char *fake_start(void);
/* The URL once started, else NULL. */
const char *fake_url(void);
/* For tcase_add_unchecked_fixture: start or exit the runner with a message. */
void fake_setup(void);
/* POST a JSON body to a control path ("/_fake/reset", "/_fake/faults"); 0 on HTTP 2xx. */
int fake_control(const char *path, const char *json_body);

/* A suite `name` of one test case (of the same name) against the fake: fake_setup once,
 * setup and teardown (may be NULL) around each test, `timeout` seconds each (0: Check's
 * default). tests: a NULL-terminated list of the START_TEST names. */
Suite *fake_suite(const char *name, void (*setup)(void), void (*teardown)(void), int timeout,
                  const TTest *const *tests);
/* Define `Suite *NAME_suite(void)` as fake_suite(NAME, ...) of the START_TEST names listed
 * (see UNIT_SUITE in unit_suite.h). */
#define FAKE_SUITE(name, setup, teardown, timeout, ...)                                   \
    Suite *name##_suite(void)                                                              \
    {                                                                                      \
        const TTest *const tests_[] = {__VA_ARGS__, NULL};                                 \
        return fake_suite(#name, setup, teardown, timeout, tests_);                        \
    }
/* The test case of fake_suite alone, for a suite that has others beside it. */
TCase *fake_tcase(const char *name, void (*setup)(void), void (*teardown)(void), int timeout,
                  const TTest *const *tests);
/* The next call of operation (service: botocore's name) happens and then its answer is
 * lost: the connection closes (action "drop") or HTTP 500 comes instead ("error").
 * Replaces the fault rules in force; fails the test when the fake refuses the rule. */
void fake_lose_next(const char *service, const char *operation, const char *action);
/* No fault rules in force any more; fails the test when the fake refuses. */
void fake_no_faults(void);

/* What the fake holds (GET /_fake/resources); fails the test when it cannot be read.
 * The caller frees it with cJSON_Delete(). */
struct cJSON *fake_resources(void);

struct aws_client;
/* A client with default options (environment pointed at the fake); fails the test when it
 * cannot be made. The caller frees it with aws_client_free(). */
struct aws_client *fake_client(void);
/* A client like fake_client() that writes its --debug wire log to a memory stream, *f:
 * *log (freed by the caller) holds the log once fclose(*f) follows aws_client_free(). */
struct aws_client *fake_debug_client(char **log, size_t *len, FILE **f);
/* The fake emptied (POST /_fake/reset), then fake_client(): a test's setup. */
struct aws_client *fake_reset_client(void);

/* A network made in the fake beforehand, for a client test: a VPC 10.N.0.0/16, with an
 * internet gateway attached when `igw`, and a subnet 10.N.i.0/24 in each zone of `zones`
 * (NULL-terminated, at most FAKE_NET_SUBNETS; NULL: none). Fails the test when a call
 * fails. fake_net_free() frees the strings. */
#define FAKE_NET_SUBNETS 3
typedef struct {
    char *vpc;
    char *subnets[FAKE_NET_SUBNETS + 1]; /* NULL-terminated */
} fake_net;
void fake_net_make(struct aws_client *c, int n, int igw, const char *const *zones, fake_net *out);
void fake_net_free(fake_net *net);

/* What a waiter reported to its progress callback: aws_wait_opts.progress =
 * fake_wait_progress, .progress_ud = a fake_wait_seen (zeroed, with `want_what` set when
 * every report must name it): the checks made, the last state, each state once. */
typedef struct {
    const char *want_what; /* when set, each report's `what` must contain it */
    int calls;
    char last[256];
    char states[512]; /* each state once, "a b " */
} fake_wait_seen;
void fake_wait_progress(void *ud, const char *what, const char *state, int checks, double waited);

/* A service's generic tag calls (ListTagsForResource, TagResource, UntagResource), whose
 * untag takes its keys either NULL-terminated (untag) or as svc_strings (untag_strings). */
typedef struct {
    int (*list)(struct aws_client *c, const char *arn, svc_tags *out, aws_error *err);
    int (*tag)(struct aws_client *c, const char *arn, const svc_tags *tags, aws_error *err);
    int (*untag)(struct aws_client *c, const char *arn, const char *const *keys, aws_error *err);
    int (*untag_strings)(struct aws_client *c, const char *arn, const svc_strings *keys,
                         aws_error *err);
} fake_tag_calls;
/* The calls on `arn`, a resource made with the tag ecsdeploy:stack=`stack` (NULL: not
 * checked first): tagged key=value, then untagged ecsdeploy:stack; only key=value is left.
 * Fails the test otherwise. */
void fake_check_tag_calls(struct aws_client *c, const fake_tag_calls *calls, const char *arn,
                          const char *stack, const char *key, const char *value);

/* Assertions on a client call, for tests that keep an `aws_error err` in scope: OK(call)
 * wants 0; FAILS_WITH(call, "Code") wants -1 with that AWS error code. */
#define OK(x) ck_assert_msg((x) == 0, "%s failed: %s: %s", #x, err.code, err.message)
#define FAILS_WITH(x, c)                                                                  \
    do {                                                                                  \
        ck_assert_msg((x) == -1, "%s should have failed", #x);                            \
        ck_assert_msg(strcmp(err.code, (c)) == 0, "%s: code %s (%s), wanted %s", #x,      \
                      err.code, err.message, (c));                                        \
    } while (0)

#endif
