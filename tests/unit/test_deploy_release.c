/* deploy_pick_release: which release `rollback` returns to, from ECS's deployment history
 * (newest first), and deploy_result_story: the failure told within a bound. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "deploy.h"
#include "../../src/deploy/deploy_internal.h"
#include "unit_suite.h"

#define TD "arn:aws:ecs:us-east-1:000000000000:task-definition/web:"

static deploy_history_item item(const char *status, const char *rev, double at)
{
    deploy_history_item x = {0};
    x.status = (char *)status;
    x.task_definition = rev ? (char *)rev : NULL;
    x.created_at = at;
    return x;
}

static int pick(deploy_history_item *items, size_t n, const char *current, size_t *index,
                char **why)
{
    deploy_history h = {items, n};
    return deploy_pick_release(&h, current, NULL, NULL, index, why);
}

START_TEST(rolled_back_deploy_skipped)
{
    /* 1.5 (:2) deployed after :1; a crash-looping :3 rolled back by ECS to :2 */
    deploy_history_item h[] = {item("ROLLBACK_SUCCESSFUL", TD "3", 30),
                               item("SUCCESSFUL", TD "2", 20), item("SUCCESSFUL", TD "1", 10)};
    size_t i = 99;
    char *why = NULL;
    ck_assert_int_eq(pick(h, 3, TD "2", &i, &why), 0);
    ck_assert_uint_eq(i, 2);
    ck_assert_msg(strstr(why, "before web:2") && strstr(why, "web:3 (ROLLBACK_SUCCESSFUL)"), "%s", why);
    free(why);
}
END_TEST

START_TEST(failed_and_stopped_between_skipped)
{
    deploy_history_item h[] = {item("SUCCESSFUL", TD "5", 50), item("STOPPED", TD "4", 40),
                               item("ROLLBACK_FAILED", TD "3", 30), item("SUCCESSFUL", TD "5", 25),
                               item("SUCCESSFUL", TD "2", 20)};
    size_t i = 99;
    char *why = NULL;
    ck_assert_int_eq(pick(h, 5, TD "5", &i, &why), 0);
    ck_assert_uint_eq(i, 4); /* not the same release deployed again (index 3) */
    ck_assert_msg(strstr(why, "web:4 (STOPPED)") && strstr(why, "web:3 (ROLLBACK_FAILED)"), "%s", why);
    free(why);
}
END_TEST

START_TEST(rollback_twice_toggles)
{
    /* a rollback is a release too: the one before it is the release it left */
    deploy_history_item h[] = {item("SUCCESSFUL", TD "1", 30), item("SUCCESSFUL", TD "2", 20),
                               item("SUCCESSFUL", TD "1", 10)};
    size_t i = 99;
    char *why = NULL;
    ck_assert_int_eq(pick(h, 3, TD "1", &i, &why), 0);
    ck_assert_uint_eq(i, 1);
    free(why);
}
END_TEST

START_TEST(nothing_to_roll_back_to)
{
    deploy_history_item one[] = {item("SUCCESSFUL", TD "1", 10)};
    size_t i = 99;
    char *why = NULL;
    ck_assert_int_eq(pick(one, 1, TD "1", &i, &why), -1);
    ck_assert_msg(strstr(why, "no release succeeded before web:1"), "%s", why);
    free(why);
    /* the revision running is not in the history at all */
    deploy_history_item other[] = {item("SUCCESSFUL", TD "2", 10)};
    ck_assert_int_eq(pick(other, 1, TD "7", &i, &why), -1);
    ck_assert_msg(strstr(why, "no successful deployment of the revision it runs, web:7"), "%s", why);
    free(why);
    ck_assert_int_eq(pick(NULL, 0, TD "7", &i, &why), -1);
    free(why);
}
END_TEST

static int not_two(void *ud, const char *td)
{
    (void)ud;
    return strcmp(td, TD "2") != 0;
}

START_TEST(deregistered_release_skipped)
{
    deploy_history_item h[] = {item("SUCCESSFUL", TD "3", 30), item("SUCCESSFUL", TD "2", 20),
                               item("SUCCESSFUL", TD "1", 10)};
    deploy_history hist = {h, 3};
    size_t i = 99;
    char *why = NULL;
    ck_assert_int_eq(deploy_pick_release(&hist, TD "3", not_two, NULL, &i, &why), 0);
    ck_assert_uint_eq(i, 2);
    ck_assert_msg(strstr(why, "web:2 (deregistered)"), "%s", why);
    free(why);
}
END_TEST

START_TEST(story_fits_its_bound)
{
    deploy_result r = {0};
    r.message = strdup("deployment of web:3 failed: ECS deployment circuit breaker");
    deploy_result_add_reason(&r, "3 tasks stopped: Essential container in task exited (app: exit code 3)");
    char *lines[] = {strdup("first"), strdup("second"), strdup("third")};
    r.log_lines = malloc(sizeof lines);
    memcpy(r.log_lines, lines, sizeof lines);
    r.nlog_lines = 3;
    r.log_source = strdup("app (task 1234abcd, /ecsdeploy/s/app)");
    char *all = deploy_result_story(&r, 0);
    ck_assert_msg(strstr(all, "\n  3 tasks stopped") && strstr(all, "\n    first\n    second\n    third"),
                  "%s", all);
    size_t whole = strlen(all);
    free(all);
    char *cut = deploy_result_story(&r, whole - 3); /* the oldest log line goes first */
    ck_assert_msg(strlen(cut) < whole - 3 && !strstr(cut, "first") && strstr(cut, "third"), "%s", cut);
    free(cut);
    char *tiny = deploy_result_story(&r, 20); /* only the headline, cut */
    ck_assert_msg(strlen(tiny) < 20 && !strchr(tiny, '\n'), "%s", tiny);
    free(tiny);
    deploy_result_free(&r);
}
END_TEST

START_TEST(secret_values_redacted_from_log_lines)
{
    cJSON *def = cJSON_Parse("{\"name\":\"app\",\"secrets\":[{\"name\":\"API_KEY\",\"valueFrom\":\"arn\"},"
                             "{\"name\":\"DB_PASSWORD\",\"valueFrom\":\"arn2\"}]}");
    const char *cases[][2] = {
        {"starting with API_KEY=abc123 and DB_PASSWORD: hunter2 ok",
         "starting with API_KEY=**REDACTED** and DB_PASSWORD: **REDACTED** ok"},
        {"API_KEY='q w' API_KEY=x,y DB_PASSWORD=\"p\"", "API_KEY='**REDACTED**' API_KEY=**REDACTED**,y DB_PASSWORD=\"**REDACTED**\""},
        {"no secret here; API_KEYS=1 and API_KEY is unset", "no secret here; API_KEYS=1 and API_KEY is unset"},
        {"", ""}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = deploy_redact_secrets_(cases[i][0], def);
        ck_assert_msg(strcmp(got, cases[i][1]) == 0, "%s: got %s", cases[i][0], got);
        free(got);
    }
    cJSON_Delete(def);
}
END_TEST

UNIT_SUITE(deploy_release, 0, rolled_back_deploy_skipped, failed_and_stopped_between_skipped,
           rollback_twice_toggles, nothing_to_roll_back_to, deregistered_release_skipped,
           story_fits_its_bound, secret_values_redacted_from_log_lines)
