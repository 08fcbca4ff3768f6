/* CloudWatch Logs client against the local fake. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fakeaws_fixture.h"
#include "logs.h"

START_TEST(groups_retention_tags)
{
    aws_client *c = fake_client();
    aws_error err;
    svc_tags tags = {0};
    svc_tags_add(&tags, "ecsdeploy:stack", "demo");
    ck_assert_int_eq(logs_create_log_group(c, "/svclogs/a/app", &tags, NULL, &err), 0);
    ck_assert_int_eq(logs_create_log_group(c, "/svclogs/a/app", NULL, NULL, &err), -1);
    ck_assert_str_eq(err.code, "ResourceAlreadyExistsException");
    ck_assert_int_eq(logs_put_retention_policy(c, "/svclogs/a/app", 30, &err), 0);
    logs_groups g;
    ck_assert_int_eq(logs_describe_log_groups(c, "/svclogs/a/", 0, &g, &err), 0);
    ck_assert_uint_eq(g.n, 1);
    ck_assert_str_eq(g.items[0].name, "/svclogs/a/app");
    ck_assert_int_eq(g.items[0].retention_days, 30);
    ck_assert_ptr_nonnull(g.items[0].arn);
    ck_assert(strstr(g.items[0].arn, ":*") == NULL);
    char *arn = strdup(g.items[0].arn);
    logs_groups_free(&g);
    svc_tags got;
    ck_assert_int_eq(logs_list_tags_for_resource(c, arn, &got, &err), 0);
    ck_assert_uint_eq(got.n, 1);
    ck_assert_str_eq(svc_tags_get(&got, "ecsdeploy:stack"), "demo");
    svc_tags_free(&got);
    svc_tags_free(&tags);
    const fake_tag_calls logs_tags = {.list = logs_list_tags_for_resource,
                                      .tag = logs_tag_resource,
                                      .untag_strings = logs_untag_resource};
    fake_check_tag_calls(c, &logs_tags, arn, NULL, "ecsdeploy:id", "logs.app");
    free(arn);
    ck_assert_int_eq(logs_delete_retention_policy(c, "/svclogs/a/app", &err), 0);
    ck_assert_int_eq(logs_delete_log_group(c, "/svclogs/a/app", &err), 0);
    ck_assert_int_eq(logs_delete_log_group(c, "/svclogs/a/app", &err), -1);
    ck_assert_str_eq(err.code, "ResourceNotFoundException");
    ck_assert_int_eq(logs_describe_log_groups(c, "/svclogs/a/", 0, &g, &err), 0);
    ck_assert_uint_eq(g.n, 0);
    logs_groups_free(&g);
    aws_client_free(c);
}
END_TEST

START_TEST(groups_paged)
{
    aws_client *c = fake_client();
    aws_error err;
    char name[64];
    for (int i = 0; i < 7; i++) {
        snprintf(name, sizeof name, "/svclogs/p/g%d", i);
        ck_assert_int_eq(logs_create_log_group(c, name, NULL, NULL, &err), 0);
    }
    logs_groups g;
    ck_assert_int_eq(logs_describe_log_groups(c, "/svclogs/p/", 3, &g, &err), 0);
    ck_assert_uint_eq(g.n, 7);
    ck_assert_str_eq(g.items[6].name, "/svclogs/p/g6");
    logs_groups_free(&g);
    aws_client_free(c);
}
END_TEST

/* A client, and in the fake the log group grp with the stream `stream` in it. */
static aws_client *client_with_stream(const char *grp, const char *stream)
{
    aws_client *c = fake_client();
    aws_error err;
    ck_assert_int_eq(logs_create_log_group(c, grp, NULL, NULL, &err), 0);
    ck_assert_int_eq(logs_create_log_stream(c, grp, stream, &err), 0);
    return c;
}

/* FilterLogEvents with f finds n events. */
static void filter_finds(aws_client *c, const logs_filter_input *f, size_t n)
{
    aws_error err;
    logs_events out = {0};
    ck_assert_int_eq(logs_filter_log_events(c, f, &out, &err), 0);
    ck_assert_uint_eq(out.n, n);
    logs_events_free(&out);
}

START_TEST(events_filter_and_get)
{
    aws_error err;
    const char *grp = "/svclogs/e/app";
    aws_client *c = client_with_stream(grp, "app/web/t1");
    ck_assert_int_eq(logs_create_log_stream(c, grp, "other/t2", &err), 0);
    long long now = (long long)time(NULL) * 1000;
    logs_event ev[5];
    char msg[5][32];
    for (int i = 0; i < 5; i++) {
        snprintf(msg[i], sizeof msg[i], "line %d", i);
        ev[i] = (logs_event){.timestamp = now - 5000 + i * 1000, .message = msg[i]};
    }
    ck_assert_msg(logs_put_log_events(c, grp, "app/web/t1", ev, 5, &err) == 0, "%s",
                  err.message);
    ck_assert_int_eq(logs_put_log_events(c, grp, "other/t2", ev, 1, &err), 0);
    logs_events out = {0};
    logs_filter_input f = {.group = grp, .stream_prefix = "app/", .limit = 2};
    ck_assert_int_eq(logs_filter_log_events(c, &f, &out, &err), 0);
    ck_assert_uint_eq(out.n, 5);
    ck_assert_str_eq(out.items[4].message, "line 4");
    ck_assert_str_eq(out.items[0].stream, "app/web/t1");
    ck_assert_ptr_nonnull(out.items[0].event_id);
    logs_events_free(&out);
    f = (logs_filter_input){.group = grp, .start_time = now - 2000};
    filter_finds(c, &f, 2);
    f.stream_prefix = "nothing";
    filter_finds(c, &f, 0);
    ck_assert_int_eq(logs_get_log_events(c, grp, "app/web/t1", 0, NULL, 2, &out, &err), 0);
    ck_assert_uint_eq(out.n, 5);
    ck_assert_str_eq(out.items[0].message, "line 0");
    ck_assert_ptr_nonnull(out.next_token);
    char *tok = strdup(out.next_token);
    logs_events_free(&out);
    /* resuming from the forward token gives only what came since */
    ck_assert_int_eq(logs_put_log_events(c, grp, "app/web/t1", ev + 4, 1, &err), 0);
    ck_assert_int_eq(logs_get_log_events(c, grp, "app/web/t1", 0, tok, 0, &out, &err), 0);
    ck_assert_uint_eq(out.n, 1);
    logs_events_free(&out);
    free(tok);
    f = (logs_filter_input){.group = "/svclogs/none"};
    ck_assert_int_eq(logs_filter_log_events(c, &f, &out, &err), -1);
    ck_assert_str_eq(err.code, "ResourceNotFoundException");
    logs_events_free(&out);
    aws_client_free(c);
}
END_TEST

START_TEST(follow_returns_each_event_once)
{
    aws_error err;
    const char *grp = "/svclogs/f/app";
    aws_client *c = client_with_stream(grp, "s");
    long long now = (long long)time(NULL) * 1000;
    logs_event a[] = {{.timestamp = now - 3000, .message = "one"},
                      {.timestamp = now - 2000, .message = "two"}};
    ck_assert_int_eq(logs_put_log_events(c, grp, "s", a, 2, &err), 0);
    logs_cursor cur = {0};
    logs_events out = {0};
    logs_filter_input f = {.group = grp, .limit = 1};
    ck_assert_int_eq(logs_follow(c, &f, &cur, &out, &err), 0);
    ck_assert_uint_eq(out.n, 2);
    ck_assert_int_eq(cur.since, now - 2000);
    logs_events_free(&out);
    ck_assert_int_eq(logs_follow(c, &f, &cur, &out, &err), 0);
    ck_assert_uint_eq(out.n, 0);
    /* a new event in the same millisecond as the last one seen, and a later one */
    logs_event b[] = {{.timestamp = now - 2000, .message = "two-bis"},
                      {.timestamp = now - 1000, .message = "three"}};
    ck_assert_int_eq(logs_put_log_events(c, grp, "s", b, 2, &err), 0);
    ck_assert_int_eq(logs_follow(c, &f, &cur, &out, &err), 0);
    ck_assert_msg(out.n == 2, "%zu: %s", out.n, out.n ? out.items[0].message : "");
    ck_assert_str_eq(out.items[0].message, "two-bis");
    ck_assert_str_eq(out.items[1].message, "three");
    logs_events_free(&out);
    f.max_pages = 1;
    logs_cursor fresh = {0};
    ck_assert_int_eq(logs_follow(c, &f, &fresh, &out, &err), 0);
    ck_assert_uint_eq(out.n, 1);
    logs_events_free(&out);
    logs_cursor_free(&fresh);
    logs_cursor_free(&cur);
    aws_client_free(c);
}
END_TEST

FAKE_SUITE(svc_logs, NULL, NULL, 0, groups_retention_tags, groups_paged, events_filter_and_get,
           follow_returns_each_event_once)
