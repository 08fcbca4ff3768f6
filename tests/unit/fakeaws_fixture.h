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
/* The test case of fake_suite alone, for a suite that has others beside it. */
TCase *fake_tcase(const char *name, void (*setup)(void), void (*teardown)(void), int timeout,
                  const TTest *const *tests);
/* The next call of operation (service: botocore's name) happens and then its answer is
 * lost: the connection closes (action "drop") or HTTP 500 comes instead ("error").
 * Replaces the fault rules in force; 0 on success. */
int fake_lose_next(const char *service, const char *operation, const char *action);

struct aws_client;
/* A client with default options (environment pointed at the fake); fails the test when it
 * cannot be made. The caller frees it with aws_client_free(). */
struct aws_client *fake_client(void);

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
