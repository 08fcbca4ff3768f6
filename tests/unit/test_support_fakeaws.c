/* The fake-AWS fixture for C tests (see fakeaws_fixture.h). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>
#include <curl/curl.h>

#include "aws.h"
#include "buf.h"
#include "ec2.h"

#include "fakeaws_fixture.h"
#include "xalloc.h"
#include "unit_suite.h"

static char url[256];
static pid_t fake_pid;
static pid_t owner_pid;

static void stop_fake(void)
{
    if (fake_pid > 0 && getpid() == owner_pid) {
        kill(fake_pid, SIGTERM);
        waitpid(fake_pid, NULL, 0);
        fake_pid = 0;
    }
}

static void point_environment_at_fake(void)
{
    setenv("AWS_ENDPOINT_URL", url, 1);
    setenv("AWS_ACCESS_KEY_ID", "test", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "test", 1);
    unsetenv("AWS_SESSION_TOKEN");
    unsetenv("AWS_PROFILE");
    setenv("AWS_REGION", "us-east-1", 1);
    setenv("AWS_CONFIG_FILE", "/dev/null", 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null", 1);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
}

const char *fake_url(void)
{
    return url[0] ? url : NULL;
}

const char *fake_start(void)
{
    if (url[0])
        return url;
    const char *top = getenv("TOP");
    char run[4096];
    snprintf(run, sizeof run, "%s/tests/fakeaws/run", top ? top : ".");
    int pipefd[2];
    if (pipe(pipefd) != 0)
        return NULL;
    pid_t pid = fork();
    if (pid < 0)
        return NULL;
    if (pid == 0) {
        dup2(pipefd[1], STDOUT_FILENO);
        close(pipefd[0]);
        close(pipefd[1]);
        execl("/usr/bin/python3", "python3", run, "--port", "0", "--time-scale", "0.01",
              "--seed", "7", (char *)NULL);
        _exit(127);
    }
    close(pipefd[1]);
    FILE *in = fdopen(pipefd[0], "r");
    char line[256] = "";
    const char *prefix = "fakeaws listening on ";
    if (!in || !fgets(line, sizeof line, in) || strncmp(line, prefix, strlen(prefix)) != 0) {
        fprintf(stderr, "fakeaws fixture: %s did not start (first line: '%s')\n", run, line);
        if (in)
            fclose(in);
        kill(pid, SIGTERM);
        waitpid(pid, NULL, 0);
        return NULL;
    }
    fclose(in); /* the fake prints nothing more on stdout */
    snprintf(url, sizeof url, "%s", line + strlen(prefix));
    url[strcspn(url, "\r\n")] = '\0';
    fake_pid = pid;
    owner_pid = getpid();
    atexit(stop_fake);
    point_environment_at_fake();
    return url;
}

void fake_setup(void)
{
    if (!fake_start()) {
        fprintf(stderr, "fakeaws fixture: cannot run tests that need the fake\n");
        exit(EXIT_FAILURE);
    }
}

static size_t discard(char *p, size_t size, size_t n, void *ud)
{
    (void)p;
    (void)ud;
    return size * n;
}

int fake_control(const char *path, const char *json_body)
{
    if (!url[0])
        return -1;
    char full[512];
    snprintf(full, sizeof full, "%s%s", url, path);
    CURL *h = curl_easy_init();
    if (!h)
        return -1;
    curl_easy_setopt(h, CURLOPT_URL, full);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, json_body ? json_body : "{}");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
    struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    long status = 0;
    CURLcode rc = curl_easy_perform(h);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(hdr);
    curl_easy_cleanup(h);
    return rc == CURLE_OK && status >= 200 && status < 300 ? 0 : -1;
}

static size_t collect(char *p, size_t size, size_t n, void *ud)
{
    buf_append(ud, p, size * n);
    return size * n;
}

cJSON *fake_resources(void)
{
    char full[512];
    snprintf(full, sizeof full, "%s/_fake/resources", url);
    CURL *h = curl_easy_init();
    buf b = BUF_INIT;
    curl_easy_setopt(h, CURLOPT_URL, full);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
    ck_assert_int_eq(curl_easy_perform(h), CURLE_OK);
    curl_easy_cleanup(h);
    cJSON *doc = cJSON_Parse(buf_str(&b));
    ck_assert_ptr_nonnull(doc);
    buf_free(&b);
    return doc;
}

void fake_lose_next(const char *service, const char *operation, const char *action)
{
    char doc[400];
    snprintf(doc, sizeof doc,
             "{\"rules\": [{\"service\": \"%s\", \"operation\": \"%s\", \"action\": \"%s\", "
             "\"phase\": \"after\", \"count\": 1}]}",
             service, operation, action);
    ck_assert_int_eq(fake_control("/_fake/faults", doc), 0);
}

void fake_no_faults(void)
{
    ck_assert_int_eq(fake_control("/_fake/faults", "{\"rules\": []}"), 0);
}

struct aws_client *fake_client(void)
{
    aws_client_options o = {0};
    aws_client *c = NULL;
    aws_error err;
    ck_assert_msg(aws_client_new(&o, &c, &err) == 0, "cannot make a client: %s", err.message);
    return c;
}

TCase *fake_tcase(const char *name, void (*setup)(void), void (*teardown)(void), int timeout,
                  const TTest *const *tests)
{
    TCase *tc = unit_tcase(name, timeout, tests);
    tcase_add_unchecked_fixture(tc, fake_setup, NULL);
    if (setup || teardown)
        tcase_add_checked_fixture(tc, setup, teardown);
    return tc;
}

Suite *fake_suite(const char *name, void (*setup)(void), void (*teardown)(void), int timeout,
                  const TTest *const *tests)
{
    Suite *s = suite_create(name);
    suite_add_tcase(s, fake_tcase(name, setup, teardown, timeout, tests));
    return s;
}

void fake_net_make(struct aws_client *c, int n, int igw, const char *const *zones, fake_net *out)
{
    aws_error err;
    memset(out, 0, sizeof *out);
    char cidr[32];
    snprintf(cidr, sizeof cidr, "10.%d.0.0/16", n);
    ec2_vpc v;
    OK(ec2_create_vpc(c, cidr, NULL, &v, &err));
    out->vpc = xstrdup(v.id);
    ec2_vpc_free(&v);
    if (igw) {
        ec2_igw g;
        OK(ec2_create_internet_gateway(c, NULL, &g, &err));
        OK(ec2_attach_internet_gateway(c, g.id, out->vpc, &err));
        ec2_igw_free(&g);
    }
    for (int i = 0; zones && zones[i]; i++) {
        ck_assert_int_lt(i, FAKE_NET_SUBNETS);
        snprintf(cidr, sizeof cidr, "10.%d.%d.0/24", n, i);
        ec2_subnet s;
        OK(ec2_create_subnet(c, out->vpc, cidr, zones[i], NULL, &s, &err));
        out->subnets[i] = xstrdup(s.id);
        ec2_subnet_free(&s);
    }
}

void fake_net_free(fake_net *net)
{
    free(net->vpc);
    for (int i = 0; net->subnets[i]; i++)
        free(net->subnets[i]);
    memset(net, 0, sizeof *net);
}

void fake_wait_progress(void *ud, const char *what, const char *state, int checks, double waited)
{
    fake_wait_seen *s = ud;
    (void)waited;
    if (s->want_what)
        ck_assert_ptr_nonnull(strstr(what, s->want_what));
    s->calls = checks;
    snprintf(s->last, sizeof s->last, "%s", state);
    size_t n = strlen(s->states);
    if (!strstr(s->states, state))
        snprintf(s->states + n, sizeof s->states - n, "%s ", state);
}

struct aws_client *fake_reset_client(void)
{
    ck_assert_int_eq(fake_control("/_fake/reset", "{}"), 0);
    return fake_client();
}

void fake_check_tag_calls(aws_client *c, const fake_tag_calls *calls, const char *arn,
                          const char *stack, const char *key, const char *value)
{
    aws_error err;
    svc_tags got;
    if (stack) {
        OK(calls->list(c, arn, &got, &err));
        ck_assert_str_eq(svc_tags_get(&got, "ecsdeploy:stack"), stack);
        svc_tags_free(&got);
    }
    svc_tags more = {0};
    svc_tags_add(&more, key, value);
    OK(calls->tag(c, arn, &more, &err));
    svc_tags_free(&more);
    if (calls->untag) {
        const char *const keys[] = {"ecsdeploy:stack", NULL};
        OK(calls->untag(c, arn, keys, &err));
    } else {
        svc_strings keys = {0};
        svc_strings_add(&keys, "ecsdeploy:stack");
        OK(calls->untag_strings(c, arn, &keys, &err));
        svc_strings_free(&keys);
    }
    OK(calls->list(c, arn, &got, &err));
    ck_assert_uint_eq(got.n, 1);
    ck_assert_str_eq(svc_tags_get(&got, key), value);
    svc_tags_free(&got);
}

aws_client *fake_debug_client(char **log, size_t *len, FILE **f)
{
    *f = open_memstream(log, len);
    aws_client_options o = {.debug = 1, .debug_out = *f};
    aws_client *c;
    aws_error err;
    ck_assert_msg(aws_client_new(&o, &c, &err) == 0, "%s", err.message);
    return c;
}
