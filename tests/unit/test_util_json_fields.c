/* The field-table JSON writer (json_fields.h): each row type's rule for writing or leaving
 * out a member, member order, nested objects and arrays of structs. */
#include <check.h>
#include <cjson/cJSON.h>
#include <stdlib.h>

#include "json_fields.h"
#include "unit_suite.h"

typedef struct {
    char *s;
    int i;
    double d;
    char **list;
    size_t nlist;
} sample;

/* One member of each type, written from a struct with its field set and with it unset. */
static const struct {
    util_json_type type;
    size_t off;
    const char *set, *unset;
} rules[] = {
    {UTIL_JSON_STR, offsetof(sample, s), "{\"v\":\"x\"}", "{}"},
    {UTIL_JSON_STR_NULL, offsetof(sample, s), "{\"v\":\"x\"}", "{\"v\":null}"},
    {UTIL_JSON_INT, offsetof(sample, i), "{\"v\":3}", "{\"v\":0}"},
    {UTIL_JSON_INT_SET, offsetof(sample, i), "{\"v\":3}", "{}"},
    {UTIL_JSON_INT_OPT, offsetof(sample, i), "{\"v\":3}", "{}"},
    {UTIL_JSON_DOUBLE, offsetof(sample, d), "{\"v\":1.5}", "{\"v\":0}"},
    {UTIL_JSON_DOUBLE_SET, offsetof(sample, d), "{\"v\":1.5}", "{}"},
    {UTIL_JSON_BOOL, offsetof(sample, i), "{\"v\":true}", "{\"v\":false}"},
    {UTIL_JSON_STRS, offsetof(sample, list), "{\"v\":[\"a\",\"b\"]}", "{\"v\":[]}"},
};

static char *written(const util_json_field *fields, const sample *x)
{
    cJSON *o = cJSON_CreateObject();
    util_json_write(o, fields, x);
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return text;
}

START_TEST(each_rule)
{
    char *list[] = {"a", "b"};
    const sample set = {"x", 3, 1.5, list, 2};
    const sample unset = {NULL, 0, 0, NULL, 0}, negative = {NULL, -1, 0, NULL, 0};
    for (size_t k = 0; k < sizeof rules / sizeof rules[0]; k++) {
        const util_json_field fields[] = {{"v", rules[k].type, rules[k].off, offsetof(sample, nlist)},
                                          UTIL_JF_END};
        char *t = written(fields, &set);
        ck_assert_str_eq(t, rules[k].set);
        free(t);
        t = written(fields, rules[k].type == UTIL_JSON_INT_OPT ? &negative : &unset);
        ck_assert_str_eq(t, rules[k].unset);
        free(t);
    }
    /* INT_OPT leaves out only a negative value: 0 is written */
    const util_json_field opt[] = {UTIL_JF("v", INT_OPT, sample, i), UTIL_JF_END};
    char *t = written(opt, &unset);
    ck_assert_str_eq(t, "{\"v\":0}");
    free(t);
    /* the rows in their order */
    const util_json_field two[] = {UTIL_JF("b", INT, sample, i), UTIL_JF("a", STR, sample, s),
                                   UTIL_JF_END};
    t = written(two, &set);
    ck_assert_str_eq(t, "{\"b\":3,\"a\":\"x\"}");
    free(t);
}
END_TEST

START_TEST(objects_and_arrays)
{
    sample items[] = {{.s = "one", .i = 1}, {.s = "two", .i = 2}};
    static const util_json_field few[] = {UTIL_JF("s", STR, sample, s), UTIL_JF("i", INT, sample, i),
                                          UTIL_JF_END};
    cJSON *o = cJSON_CreateObject();
    cJSON *x = util_json_object(o, "first", few, &items[0]);
    ck_assert_ptr_eq(x, cJSON_GetObjectItem(o, "first"));
    util_json_array(o, "all", few, items, sizeof *items, 2);
    util_json_array(o, "none", few, NULL, sizeof *items, 0);
    cJSON *bare = cJSON_AddArrayToObject(o, "bare");
    util_json_items(bare, few, &items[1], sizeof *items, 1);
    char *t = cJSON_PrintUnformatted(o);
    ck_assert_str_eq(t, "{\"first\":{\"s\":\"one\",\"i\":1},\"all\":[{\"s\":\"one\",\"i\":1},"
                        "{\"s\":\"two\",\"i\":2}],\"none\":[],\"bare\":[{\"s\":\"two\",\"i\":2}]}");
    free(t);
    cJSON_Delete(o);
}
END_TEST

/* The rules of a request's optional members (svc_write's): a number not above 0 is not
 * given, a switch is written (true) when not 0, a tri-state only when not 0; a path makes
 * the object on its way, and only when a member goes into it. */
typedef struct {
    int i, tri;
    long l;
    long long ll;
    double d;
    char *s;
} input;

START_TEST(request_rules)
{
    static const util_json_field fields[] = {
        UTIL_JF("I", INT_POS, input, i),
        UTIL_JF("L", LONG_POS, input, l),
        UTIL_JF("LL", LLONG_POS, input, ll),
        UTIL_JF("D", DOUBLE_POS, input, d),
        UTIL_JF("B", BOOL_SET, input, i),
        UTIL_JF("T", TRI, input, tri),
        UTIL_JF("Outer.S", STR, input, s),
        UTIL_JF_END};
    static const struct {
        input in;
        const char *json;
    } cases[] = {
        {{0, 0, 0, 0, 0, NULL}, "{}"},
        {{-2, -1, -3, -4, -0.5, NULL}, "{\"B\":true,\"T\":false}"},
        {{2, 1, 3, 5000000000LL, 0.5, "x"},
         "{\"I\":2,\"L\":3,\"LL\":5000000000,\"D\":0.5,\"B\":true,\"T\":true,"
         "\"Outer\":{\"S\":\"x\"}}"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        cJSON *o = cJSON_CreateObject();
        util_json_write(o, fields, &cases[k].in);
        char *t = cJSON_PrintUnformatted(o);
        ck_assert_str_eq(t, cases[k].json);
        free(t);
        cJSON_Delete(o);
    }
}
END_TEST

UNIT_SUITE(util_json_fields, 0, each_rule, objects_and_arrays, request_rules)
