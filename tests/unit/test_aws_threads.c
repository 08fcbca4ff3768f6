/* One client shared by many threads against the fake: every call succeeds, and the
 * credentials are resolved once for all of them. */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aws.h"
#include "fakeaws_fixture.h"

#define THREADS 8
#define CALLS 15

/* One call a thread makes: 0 when it succeeded, else -1 and *err says why. */
typedef int (*thread_call)(aws_client *c, aws_error *err);

typedef struct {
    aws_client *c;
    thread_call call;
    int calls, ok;
    char last_error[1200];
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    for (int i = 0; i < w->calls; i++) {
        aws_error err;
        if (w->call(w->c, &err) == 0)
            w->ok++;
        else
            aws_error_format(&err, w->last_error, sizeof w->last_error);
    }
    return NULL;
}

/* THREADS threads at once on the one client c, each making `calls` calls of `call`: every
 * call must succeed. */
static void run_threads(aws_client *c, thread_call call, int calls)
{
    pthread_t t[THREADS];
    worker w[THREADS];
    for (int i = 0; i < THREADS; i++) {
        w[i] = (worker){c, call, calls, 0, ""};
        pthread_create(&t[i], NULL, work, &w[i]);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        ck_assert_msg(w[i].ok == calls, "thread %d: %d of %d calls, last error %s", i, w[i].ok,
                      calls, w[i].last_error);
    }
}

static int whoami(aws_client *c, aws_error *err)
{
    cJSON *out = NULL;
    int rc = aws_query_call(c, "sts", "GetCallerIdentity", NULL, NULL, NULL, &out, err);
    if (rc == 0 && !aws_json_str(out, "Account")) {
        aws_error_set(err, AWS_ERR_SERVICE, "NoAccount", "GetCallerIdentity named no account");
        rc = -1;
    }
    cJSON_Delete(out);
    return rc;
}

START_TEST(threads_share_one_client)
{
    char dir[] = "/tmp/aws-threads-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char cfg[256], script[256], count[256];
    snprintf(cfg, sizeof cfg, "%s/config", dir);
    snprintf(script, sizeof script, "%s/creds.sh", dir);
    snprintf(count, sizeof count, "%s/count", dir);
    FILE *f = fopen(script, "w");
    fprintf(f, "sleep 0.2; echo x >> %s\n"
               "echo '{\"Version\":1,\"AccessKeyId\":\"test\",\"SecretAccessKey\":\"test\"}'\n",
            count);
    fclose(f);
    f = fopen(cfg, "w");
    fprintf(f, "[default]\ncredential_process = /bin/sh %s\n", script);
    fclose(f);
    setenv("AWS_CONFIG_FILE", cfg, 1);
    unsetenv("AWS_ACCESS_KEY_ID");
    unsetenv("AWS_SECRET_ACCESS_KEY");

    aws_client_options o = {0};
    aws_client *c;
    aws_error err;
    ck_assert_int_eq(aws_client_new(&o, &c, &err), 0);
    run_threads(c, whoami, CALLS);
    aws_client_free(c);
    f = fopen(count, "r");
    ck_assert_ptr_nonnull(f);
    int lines = 0, ch;
    while ((ch = fgetc(f)) != EOF)
        lines += ch == '\n';
    fclose(f);
    ck_assert_int_eq(lines, 1); /* the process ran once for all threads */
    unlink(count);
    unlink(script);
    unlink(cfg);
    rmdir(dir);
}
END_TEST

static int read_vpcs(aws_client *c, aws_error *err)
{
    cJSON *out = NULL;
    int rc = aws_ec2_call(c, "DescribeVpcs", NULL, NULL, &out, err);
    cJSON_Delete(out);
    return rc;
}

/* Shared reads (aws_client_share_reads): threads asking the same at once get one answer,
 * sent once. The fake fails every DescribeVpcs after the first, without retries. */
START_TEST(threads_share_one_read)
{
    ck_assert_int_eq(fake_control("/_fake/faults", "{\"rules\": [{\"service\": \"ec2\", "
                                  "\"operation\": \"DescribeVpcs\", \"action\": \"error\", "
                                  "\"status\": 503, \"skip\": 1}]}"), 0);
    setenv("AWS_MAX_ATTEMPTS", "1", 1);
    aws_client *c = fake_client();
    unsetenv("AWS_MAX_ATTEMPTS");
    aws_client_share_reads(c, 1);
    run_threads(c, read_vpcs, 1);
    aws_client_share_reads(c, 0);
    cJSON *out = NULL;
    aws_error err;
    ck_assert_int_eq(aws_ec2_call(c, "DescribeVpcs", NULL, NULL, &out, &err), -1); /* sent */
    aws_client_free(c);
    fake_no_faults();
}
END_TEST

FAKE_SUITE(aws_threads, NULL, NULL, 60, threads_share_one_client, threads_share_one_read)
