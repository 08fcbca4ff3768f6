/* The field-by-field diff: paths into documents (containers by name, name/value lists by
 * name, ports by containerPort), plain lists as added/removed values, order-only changes,
 * exact documents against desired-only properties, references, odd names, and the rule
 * that the walk finds a change exactly when the documents differ. Also the text plan's
 * lines: "+"/"-" for added/removed, long values cut, control characters escaped. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "plan.h"
#include "xalloc.h"
#include "../../src/resources/task_def_internal.h"
#include "unit_suite.h"

static const char *const documents[] = {"doc", NULL};
static const char *const replace_on[] = {"fixed", NULL};
static const res_kind kind = {.name = "test", .title = "test", .documents = documents,
                              .replace_on = replace_on};

/* Diff two JSON texts; every change as "path|from|to" lines ("~" for absent). */
static char *diff_text(const char *desired, const char *actual)
{
    cJSON *d = cJSON_Parse(desired), *a = cJSON_Parse(actual);
    ck_assert_msg(d != NULL, "bad desired JSON: %s", desired);
    ck_assert_msg(a != NULL, "bad actual JSON: %s", actual);
    res_changes c;
    res_diff(&kind, d, a, &c);
    buf b = BUF_INIT;
    for (size_t i = 0; i < c.n; i++)
        buf_printf(&b, "%s|%s|%s\n", c.items[i].path, c.items[i].from ? c.items[i].from : "~",
                   c.items[i].to ? c.items[i].to : "~");
    res_changes_free(&c);
    cJSON_Delete(d);
    cJSON_Delete(a);
    return buf_detach(&b);
}

#define EXPECT_DIFF(desired, actual, want)                                 \
    do {                                                                   \
        char *got_ = diff_text(desired, actual);                           \
        ck_assert_msg(strcmp(got_, want) == 0, "got:\n%swant:\n%s", got_, want); \
        free(got_);                                                        \
    } while (0)

#define TD_ACTUAL                                                                              \
    "{\"doc\":{\"cpu\":\"256\",\"containerDefinitions\":["                                     \
    "{\"name\":\"web\",\"image\":\"nginx:1.27\",\"portMappings\":[{\"containerPort\":8080}],"   \
    "\"environment\":[{\"name\":\"LOG_LEVEL\",\"value\":\"info\"},{\"name\":\"OLD\",\"value\":\"1\"}]," \
    "\"secrets\":[{\"name\":\"KEY\",\"valueFrom\":\"arn:s:1\"}]},"                               \
    "{\"name\":\"side\",\"image\":\"busybox\"}]}}"

START_TEST(containers_by_name_environment_by_name)
{
    EXPECT_DIFF("{\"doc\":{\"cpu\":\"512\",\"containerDefinitions\":["
                "{\"name\":\"web\",\"image\":\"nginx:1.28\",\"portMappings\":[{\"containerPort\":8080},"
                "{\"containerPort\":9090,\"protocol\":\"udp\"}],"
                "\"environment\":[{\"name\":\"LOG_LEVEL\",\"value\":\"debug\"},{\"name\":\"NEW\",\"value\":\"x\"}],"
                "\"secrets\":[{\"name\":\"KEY\",\"valueFrom\":\"arn:s:2\"}]},"
                "{\"name\":\"side\",\"image\":\"busybox\"}]}}",
                TD_ACTUAL,
                "cpu|256|512\n"
                "containerDefinitions[web].image|nginx:1.27|nginx:1.28\n"
                "containerDefinitions[web].portMappings[9090]|~|{\"containerPort\":9090,\"protocol\":\"udp\"}\n"
                "containerDefinitions[web].environment.LOG_LEVEL|info|debug\n"
                "containerDefinitions[web].environment.NEW|~|x\n"
                "containerDefinitions[web].environment.OLD|1|~\n"
                "containerDefinitions[web].secrets.KEY|arn:s:1|arn:s:2\n");
    /* equal documents: nothing */
    EXPECT_DIFF(TD_ACTUAL, TD_ACTUAL, "");
    /* a container added and one removed, whole */
    EXPECT_DIFF("{\"doc\":{\"containerDefinitions\":[{\"name\":\"new\",\"image\":\"x\"}]}}",
                "{\"doc\":{\"containerDefinitions\":[{\"name\":\"old\",\"image\":\"x\"}]}}",
                "containerDefinitions[new]|~|{\"name\":\"new\",\"image\":\"x\"}\n"
                "containerDefinitions[old]|{\"name\":\"old\",\"image\":\"x\"}|~\n");
}
END_TEST

START_TEST(order_only_and_exactness)
{
    /* the same containers in another order: one change, the key order */
    EXPECT_DIFF("{\"doc\":{\"c\":[{\"name\":\"b\",\"x\":1},{\"name\":\"a\",\"x\":2}]}}",
                "{\"doc\":{\"c\":[{\"name\":\"a\",\"x\":2},{\"name\":\"b\",\"x\":1}]}}",
                "c[*].name|[\"a\",\"b\"]|[\"b\",\"a\"]\n");
    /* in a document, a member only AWS has is a removal; numbers compare by value */
    EXPECT_DIFF("{\"doc\":{\"cpu\":\"256\",\"n\":30}}",
                "{\"doc\":{\"cpu\":\"256\",\"n\":30.0,\"taskRoleArn\":\"arn:r\"}}",
                "taskRoleArn|arn:r|~\n");
    /* in other properties only desired members count ... */
    EXPECT_DIFF("{\"hc\":{\"path\":\"/\"}}", "{\"hc\":{\"path\":\"/\",\"added_by_aws\":1}}", "");
    EXPECT_DIFF("{\"hc\":{\"path\":\"/ready\"}}", "{\"hc\":{\"path\":\"/\"}}", "hc.path|/|/ready\n");
    /* ... but list elements are compared whole, both sides */
    EXPECT_DIFF("{\"l\":[{\"name\":\"a\"}]}", "{\"l\":[{\"name\":\"a\",\"extra\":1}]}",
                "l[a].extra|1|~\n");
    /* a document missing on the actual side: one change */
    EXPECT_DIFF("{\"doc\":{\"a\":1}}", "{}", "doc|~|{\"a\":1}\n");
}
END_TEST

START_TEST(plain_and_unkeyed_lists)
{
    /* plain values: each added or removed under the list's path */
    EXPECT_DIFF("{\"rules\":[\"tcp 80 from a\",\"tcp 90 from 10.2.0.0/16\"]}",
                "{\"rules\":[\"tcp 80 from a\",\"tcp 90 from 10.1.0.0/16\"]}",
                "rules|~|tcp 90 from 10.2.0.0/16\n"
                "rules|tcp 90 from 10.1.0.0/16|~\n");
    /* a repeated value counts twice */
    EXPECT_DIFF("{\"c\":[\"x\",\"x\"]}", "{\"c\":[\"x\"]}", "c|~|x\n");
    /* the same values in another order: the whole list */
    EXPECT_DIFF("{\"cmd\":[\"b\",\"a\"]}", "{\"cmd\":[\"a\",\"b\"]}", "cmd|[\"a\",\"b\"]|[\"b\",\"a\"]\n");
    /* objects without a key, same length: element by element */
    EXPECT_DIFF("{\"trust\":{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"s3:Get\",\"s3:Put\"]}]}}",
                "{\"trust\":{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"s3:Get\"]}]}}",
                "trust.Statement[0].Action|~|s3:Put\n");
    /* ... equal elements found wherever they are, the rest compared in order */
    EXPECT_DIFF("{\"s\":[{\"e\":1},{\"e\":2,\"r\":[\"x\",\"y\"]},{\"e\":3}]}",
                "{\"s\":[{\"e\":3},{\"e\":1},{\"e\":2,\"r\":[\"x\"]}]}",
                "s[1].r|~|y\n");
    /* ... another count left over: each one added or removed, with its position */
    EXPECT_DIFF("{\"s\":[{\"e\":1},{\"e\":2},{\"e\":4}]}", "{\"s\":[{\"e\":3},{\"e\":1}]}",
                "s[1]|~|{\"e\":2}\n"
                "s[2]|~|{\"e\":4}\n"
                "s[0]|{\"e\":3}|~\n");
    /* ... only moved: the whole list */
    EXPECT_DIFF("{\"s\":[{\"e\":2},{\"e\":1}]}", "{\"s\":[{\"e\":1},{\"e\":2}]}",
                "s|[{\"e\":1},{\"e\":2}]|[{\"e\":2},{\"e\":1}]\n");
    /* a key repeated is no key */
    EXPECT_DIFF("{\"s\":[{\"name\":\"a\",\"v\":1},{\"name\":\"a\",\"v\":3}]}",
                "{\"s\":[{\"name\":\"a\",\"v\":1},{\"name\":\"a\",\"v\":2}]}",
                "s[1].v|2|3\n");
}
END_TEST

START_TEST(references_and_odd_names)
{
    /* an unresolved reference is a change at its own path, and replace_on marks it */
    res_changes c;
    cJSON *d = cJSON_Parse("{\"fixed\":{\"x\":1},\"doc\":{\"env\":[{\"name\":\"URL\","
                           "\"value\":{\"concat\":[\"http://\",{\"ref\":\"alb/a\",\"attr\":\"dns_name\"}]}}]}}");
    cJSON *a = cJSON_Parse("{\"fixed\":{\"x\":2},\"doc\":{\"env\":[{\"name\":\"URL\",\"value\":\"http://old\"}]}}");
    res_diff(&kind, d, a, &c);
    ck_assert_uint_eq(c.n, 2);
    ck_assert_str_eq(c.items[0].path, "fixed.x");
    ck_assert_int_eq(c.items[0].replaces, 1);
    ck_assert_str_eq(c.items[1].path, "env.URL");
    ck_assert_str_eq(c.items[1].from, "http://old");
    ck_assert_str_eq(c.items[1].to, "(known after create)");
    ck_assert_int_eq(c.items[1].replaces, 0);
    res_changes_free(&c);
    cJSON_Delete(d);
    cJSON_Delete(a);
    /* names that look like path syntax are quoted; an empty key too */
    EXPECT_DIFF("{\"doc\":{\"env\":[{\"name\":\"a.b\",\"value\":\"2\"}],\"o\":{\"x y\":2},"
                "\"lc\":[{\"prefix\":\"\",\"days\":2}]}}",
                "{\"doc\":{\"env\":[{\"name\":\"a.b\",\"value\":\"1\"}],\"o\":{\"x y\":1},"
                "\"lc\":[{\"prefix\":\"\",\"days\":1}]}}",
                "env[\"a.b\"]|1|2\n"
                "o[\"x y\"]|1|2\n"
                "lc[\"\"].days|1|2\n");
}
END_TEST

/* The task definition kind: its canonical documents compared exactly, shown without the
 * "canonical." prefix; ECS's defaults on the described side never show. */
START_TEST(task_definition_canonical_documents)
{
    const res_kind *td = res_kind_by_name("task_def");
    ck_assert_ptr_nonnull(td);
    cJSON *input = cJSON_Parse(
        "{\"family\":\"s-web\",\"cpu\":\"256\",\"memory\":\"512\",\"containerDefinitions\":["
        "{\"name\":\"web\",\"image\":\"nginx:1.28\",\"essential\":true,"
        "\"portMappings\":[{\"containerPort\":80,\"protocol\":\"tcp\"}],"
        "\"environment\":[{\"name\":\"B\",\"value\":\"2\"},{\"name\":\"A\",\"value\":\"1\"}]}]}");
    cJSON *described = cJSON_Parse(
        "{\"family\":\"s-web\",\"cpu\":\"256\",\"memory\":\"512\",\"revision\":3,"
        "\"enableFaultInjection\":false,\"volumes\":[],\"placementConstraints\":[],"
        "\"ephemeralStorage\":{\"sizeInGiB\":30},\"containerDefinitions\":["
        "{\"name\":\"web\",\"image\":\"nginx:1.27\",\"cpu\":0,\"essential\":true,\"mountPoints\":[],"
        "\"portMappings\":[{\"containerPort\":80,\"hostPort\":80,\"protocol\":\"tcp\"}],"
        "\"environment\":[{\"name\":\"A\",\"value\":\"1\"},{\"name\":\"B\",\"value\":\"2\"}]}]}");
    cJSON *d = cJSON_CreateObject(), *a = cJSON_CreateObject();
    cJSON_AddItemToObject(d, "canonical", ecs_taskdef_canonical(input));
    cJSON_AddItemToObject(a, "canonical", ecs_taskdef_canonical(described));
    res_changes c;
    res_diff(td, d, a, &c);
    ck_assert_uint_eq(c.n, 2);
    ck_assert_str_eq(c.items[0].path, "containerDefinitions[web].image");
    ck_assert_str_eq(c.items[0].from, "nginx:1.27");
    ck_assert_str_eq(c.items[0].to, "nginx:1.28");
    ck_assert_str_eq(c.items[1].path, "ephemeralStorage");
    ck_assert_ptr_null(c.items[1].to);
    res_changes_free(&c);
    cJSON_Delete(d);
    cJSON_Delete(a);
    cJSON_Delete(input);
    cJSON_Delete(described);
}
END_TEST

/* A small deterministic generator for the property test. */
static unsigned rng_state;
static unsigned rnd(unsigned n)
{
    rng_state = rng_state * 1103515245u + 12345u;
    return (rng_state >> 16) % n;
}

/* One random edit somewhere in the tree: change a value, drop a member or element, swap
 * two elements, or add a member. */
static void mutate(cJSON *v)
{
    int n = cJSON_GetArraySize(v);
    if (n == 0 || (!cJSON_IsObject(v) && !cJSON_IsArray(v)))
        return;
    cJSON *child = cJSON_GetArrayItem(v, (int)rnd((unsigned)n));
    switch (rnd(6)) {
    case 0:
        if (cJSON_IsObject(child) || cJSON_IsArray(child)) {
            mutate(child);
            return;
        }
        /* fall through */
    case 1:
        if (cJSON_IsArray(v))
            cJSON_ReplaceItemInArray(v, (int)rnd((unsigned)n), cJSON_CreateString("changed"));
        else
            cJSON_ReplaceItemInObjectCaseSensitive(v, child->string, cJSON_CreateNumber(7));
        return;
    case 2:
        cJSON_Delete(cJSON_DetachItemViaPointer(v, child));
        return;
    case 3:
        if (cJSON_IsArray(v) && n > 1) {
            cJSON *first = cJSON_DetachItemFromArray(v, 0);
            cJSON_AddItemToArray(v, first);
        }
        return;
    case 4:
        if (cJSON_IsObject(v) && !cJSON_GetObjectItemCaseSensitive(v, "added"))
            cJSON_AddStringToObject(v, "added", "y");
        return;
    default:
        mutate(child);
    }
}

START_TEST(changes_exactly_when_documents_differ)
{
    cJSON *base = cJSON_Parse(TD_ACTUAL);
    ck_assert_ptr_nonnull(base);
    cJSON *doc = cJSON_GetObjectItem(base, "doc");
    cJSON_AddItemToObject(doc, "st", cJSON_Parse("[{\"e\":1,\"a\":[\"x\",\"y\"]},{\"e\":2},{\"e\":1}]"));
    cJSON_AddItemToObject(doc, "cmd", cJSON_Parse("[\"a\",\"b\",\"a\",1]"));
    for (unsigned seed = 1; seed <= 1000; seed++) {
        rng_state = seed;
        cJSON *other = cJSON_Duplicate(base, 1);
        for (unsigned k = 0, edits = rnd(3); k < edits; k++)
            mutate(cJSON_GetObjectItem(other, "doc"));
        res_changes c, back;
        res_diff(&kind, other, base, &c);
        res_diff(&kind, base, other, &back);
        int equal = cJSON_Compare(base, other, 1);
        ck_assert_msg((c.n == 0) == equal, "seed %u: %zu changes, documents %s", seed, c.n,
                      equal ? "equal" : "different");
        ck_assert_msg((back.n == 0) == equal, "seed %u (reversed)", seed);
        for (size_t i = 0; i < c.n; i++)
            ck_assert_msg(c.items[i].from || c.items[i].to, "seed %u: an empty change", seed);
        res_changes_free(&c);
        res_changes_free(&back);
        cJSON_Delete(other);
    }
    cJSON_Delete(base);
}
END_TEST

START_TEST(text_lines)
{
    res_node n = {.kind = &kind, .id = "test/a", .physical_id = "p-1", .action = RES_UPDATE};
    res_node *nodes[] = {&n};
    res_graph g = {.nodes = nodes, .n = 1};
    char *long_value = xmalloc(501);
    memset(long_value, 'v', 500);
    long_value[500] = '\0';
    cJSON *d = cJSON_CreateObject(), *a = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "added", "x");
    cJSON_AddStringToObject(a, "script", "line 1\nline 2");
    cJSON_AddStringToObject(d, "script", "");
    cJSON_AddStringToObject(a, "long", "short");
    cJSON_AddStringToObject(d, "long", long_value);
    cJSON *doc = cJSON_AddObjectToObject(a, "doc");
    cJSON_AddStringToObject(doc, "gone", "y");
    cJSON_AddObjectToObject(d, "doc");
    res_diff(&kind, d, a, &n.changes);
    char *text = plan_render_text(&g, 0);
    ck_assert_msg(strstr(text, "\n        + added: x\n") != NULL, "%s", text);
    ck_assert_msg(strstr(text, "\n        script: line 1\\nline 2 -> \"\"\n") != NULL, "%s", text);
    ck_assert_msg(strstr(text, "\n        - gone: y\n") != NULL, "%s", text);
    ck_assert_msg(strstr(text, "long: short -> vvvv") != NULL, "%s", text);
    ck_assert_msg(strstr(text, "v… (360 more characters)\n") != NULL, "%s", text);
    ck_assert_msg(strstr(text, long_value) == NULL, "the long value is whole: %s", text);
    free(text);
    /* the JSON plan has it whole */
    cJSON *j = plan_render_json(&g);
    char *json = cJSON_PrintUnformatted(j);
    ck_assert_msg(strstr(json, long_value) != NULL, "%s", json);
    ck_assert_msg(strstr(json, "{\"path\":\"gone\",\"from\":\"y\",\"replaces\":false}") != NULL, "%s", json);
    free(json);
    cJSON_Delete(j);
    res_changes_free(&n.changes);
    cJSON_Delete(d);
    cJSON_Delete(a);
    free(long_value);
}
END_TEST

UNIT_SUITE(res_diff_walk, 0, containers_by_name_environment_by_name, order_only_and_exactness,
           plain_and_unkeyed_lists, references_and_odd_names, task_definition_canonical_documents,
           changes_exactly_when_documents_differ, text_lines)
