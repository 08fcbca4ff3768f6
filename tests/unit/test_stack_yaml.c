/* The YAML loader: positions, limits, and refusal of what a stack file never needs. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xalloc.h"
#include "../../src/stack/stack_internal.h"
#include "unit_suite.h"

static stack_node *parse(const char *text, stack_diags *d)
{
    memset(d, 0, sizeof *d);
    return stack_yaml_parse(text, strlen(text), d);
}

/* The text in `b` (freed here) is refused: no tree, and problems (exactly `count` of them
 * when count > 0); the first problem's message (owned). */
static char *refused(buf *b, size_t count)
{
    stack_diags d;
    stack_node *n = parse(buf_str(b), &d);
    buf_free(b);
    ck_assert_ptr_null(n);
    if (count)
        ck_assert_uint_eq(d.n, count);
    else
        ck_assert_uint_ge(d.n, 1);
    char *msg = xstrdup(d.items[0].message);
    stack_diags_free(&d);
    return msg;
}

/* n copies of c at the end of b: the brackets of a deep nesting. */
static void put_times(buf *b, char c, int n)
{
    for (int i = 0; i < n; i++)
        buf_putc(b, c);
}

/* The only problem, as "LINE:COL: message". Caller frees. */
static char *only_problem(stack_diags *d)
{
    ck_assert_uint_eq(d->n, 1);
    buf b = BUF_INIT;
    buf_printf(&b, "%d:%d: %s", d->items[0].loc.line, d->items[0].loc.col, d->items[0].message);
    return buf_detach(&b);
}

START_TEST(positions_of_nodes)
{
    stack_diags d;
    stack_node *n = parse("stack: demo\nservices:\n  web:\n    image: \"nginx\"\n", &d);
    ck_assert_ptr_nonnull(n);
    ck_assert_int_eq(n->kind, STACK_NODE_MAP);
    const stack_node *img = stack_node_get(stack_node_get(stack_node_get(n, "services"), "web"), "image");
    ck_assert_ptr_nonnull(img);
    ck_assert_str_eq(img->str, "nginx");
    ck_assert_int_eq(img->loc.line, 4);
    ck_assert_int_eq(img->loc.col, 12);
    ck_assert_int_eq(img->plain, 0);
    ck_assert_int_eq(n->keys[1]->loc.line, 2);
    ck_assert_int_eq(n->keys[1]->loc.col, 1);
    stack_node_free(n);
    stack_diags_free(&d);
}
END_TEST

START_TEST(json_is_yaml)
{
    stack_diags d;
    stack_node *n = parse("{\"stack\": \"demo\", \"services\": {\"web\": {\"image\": \"nginx\", \"port\": 80}}}", &d);
    ck_assert_ptr_nonnull(n);
    const stack_node *port = stack_node_get(stack_node_get(stack_node_get(n, "services"), "web"), "port");
    ck_assert_str_eq(port->str, "80");
    ck_assert_int_eq(port->plain, 1);
    stack_node_free(n);
    stack_diags_free(&d);
}
END_TEST

START_TEST(null_values_are_absent)
{
    stack_diags d;
    stack_node *n = parse("a:\nb: ~\nc: null\nd: ''\n", &d);
    ck_assert_ptr_null(stack_node_get(n, "a"));
    ck_assert_ptr_null(stack_node_get(n, "b"));
    ck_assert_ptr_null(stack_node_get(n, "c"));
    ck_assert_ptr_nonnull(stack_node_get(n, "d"));
    stack_node_free(n);
    stack_diags_free(&d);
}
END_TEST

START_TEST(duplicate_keys)
{
    stack_diags d;
    stack_node *n = parse("a: 1\nb: 2\na: 3\n", &d);
    char *p = only_problem(&d);
    ck_assert_str_eq(p, "3:1: duplicate key 'a' (first given at line 1)");
    free(p);
    stack_node_free(n);
    stack_diags_free(&d);
}
END_TEST

START_TEST(aliases_expand)
{
    stack_diags d;
    stack_node *n = parse("base: &b { image: nginx }\nweb: *b\n", &d);
    ck_assert_uint_eq(d.n, 0);
    ck_assert_str_eq(stack_node_get(stack_node_get(n, "web"), "image")->str, "nginx");
    ck_assert_int_eq(stack_node_get(n, "web")->loc.line, 2);
    stack_node_free(n);
    stack_diags_free(&d);
}
END_TEST

START_TEST(billion_laughs_is_bounded)
{
    buf b = BUF_INIT;
    buf_puts(&b, "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < 10; i++) {
        buf_printf(&b, "a%d: &a%d [", i, i);
        for (int k = 0; k < 10; k++)
            buf_printf(&b, "%s*a%d", k ? ", " : "", i - 1);
        buf_puts(&b, "]\n");
    }
    char *msg = refused(&b, 1);
    ck_assert_ptr_nonnull(strstr(msg, "too large once its aliases are expanded"));
    free(msg);
}
END_TEST

START_TEST(deep_nesting_is_refused)
{
    buf b = BUF_INIT;
    put_times(&b, '[', 200);
    put_times(&b, ']', 200);
    char *msg = refused(&b, 0);
    ck_assert_ptr_nonnull(strstr(msg, "nesting is deeper than 64 levels"));
    free(msg);
}
END_TEST

START_TEST(alias_depth_is_bounded)
{
    /* each anchor nests the previous one 40 levels deeper */
    buf b = BUF_INIT;
    buf_puts(&b, "a0: &a0 x\n");
    for (int i = 1; i < 5; i++) {
        buf_printf(&b, "a%d: &a%d ", i, i);
        put_times(&b, '[', 40);
        buf_printf(&b, "*a%d", i - 1);
        put_times(&b, ']', 40);
        buf_putc(&b, '\n');
    }
    char *msg = refused(&b, 1);
    ck_assert_str_eq(msg, "nesting is deeper than 64 levels once aliases are expanded");
    free(msg);
}
END_TEST

START_TEST(text_must_be_utf8)
{
    const char *bad[] = {"a: \xc3\x28\n", "a: \xed\xa0\x80\n", "a: \xf5\x80\x80\x80\n", "a: \xe2\x82\n", "\xc0\xaf: x\n"};
    const char *want[] = {"1:4: invalid UTF-8 (byte 0xc3); save the file as UTF-8",
                          "1:4: invalid UTF-8 (byte 0xed); save the file as UTF-8",
                          "1:4: invalid UTF-8 (byte 0xf5); save the file as UTF-8",
                          "1:4: invalid UTF-8 (byte 0xe2); save the file as UTF-8",
                          "1:1: invalid UTF-8 (byte 0xc0); save the file as UTF-8"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        stack_diags d;
        ck_assert_ptr_null(parse(bad[i], &d));
        char *p = only_problem(&d);
        ck_assert_str_eq(p, want[i]);
        free(p);
        stack_diags_free(&d);
    }
    stack_diags d;
    memset(&d, 0, sizeof d);
    ck_assert_ptr_null(stack_yaml_parse("a: b\0c", 6, &d));
    char *p = only_problem(&d);
    ck_assert_str_eq(p, "1:5: the file contains a NUL byte; a stack file is text");
    free(p);
    stack_diags_free(&d);
    ck_assert_ptr_null(parse("\xff\xfe" "a\0", &d));
    stack_diags_free(&d);
    stack_node *bom = parse("\xef\xbb\xbf" "a: 1\r\nb: 2\r\n", &d);
    ck_assert_ptr_nonnull(bom);
    ck_assert_int_eq(stack_node_get(bom, "b")->loc.line, 2);
    ck_assert_int_eq(stack_node_get(bom, "a")->loc.col, 4);
    stack_node_free(bom);
    stack_diags_free(&d);
    stack_node *ok = parse("name: \"caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\xa6\x86\"\n", &d);
    ck_assert_ptr_nonnull(ok);
    stack_node_free(ok);
    stack_diags_free(&d);
}
END_TEST

START_TEST(escaped_nul_is_refused)
{
    stack_diags d;
    ck_assert_ptr_null(parse("a: \"x\\0y\"\n", &d));
    char *p = only_problem(&d);
    ck_assert_str_eq(p, "1:4: text may not contain a NUL character");
    free(p);
    stack_diags_free(&d);
}
END_TEST

START_TEST(size_cap)
{
    size_t n = STACK_MAX_FILE_SIZE + 10;
    char *big = malloc(n);
    memset(big, '#', n);
    stack_diags d;
    memset(&d, 0, sizeof d);
    stack_model *s = NULL;
    ck_assert_int_eq(stack_load_buffer("big.yml", big, n, NULL, &s, &d), -1);
    ck_assert_ptr_null(s);
    ck_assert_uint_eq(d.n, 1);
    ck_assert_str_eq(d.items[0].message, "the file is larger than 1024 KiB; a stack file is far smaller");
    free(big);
    stack_diags_free(&d);
}
END_TEST

START_TEST(edit_distance_and_suggestions)
{
    ck_assert_uint_eq(util_edit_distance("memory", "memroy"), 1);
    ck_assert_uint_eq(util_edit_distance("kitten", "sitting"), 3);
    ck_assert_uint_eq(util_edit_distance("", "abc"), 3);
    const char *keys[] = {"image", "memory", "services", "cpu", NULL};
    ck_assert_str_eq(util_suggest("imag", keys), "image");
    ck_assert_str_eq(util_suggest("servcies", keys), "services");
    ck_assert_ptr_null(util_suggest("colour", keys));
    ck_assert_ptr_null(util_suggest("cpu", keys)); /* exact: no suggestion */
}
END_TEST

START_TEST(diags_sorted_and_capped)
{
    stack_diags d;
    memset(&d, 0, sizeof d);
    stack_loc a = {3, 1}, b = {1, 5}, none = {0, 0};
    stack_diag_add(&d, a, "third");
    stack_diag_add(&d, b, "second");
    stack_diag_add(&d, none, "first");
    stack_diag_add(&d, b, "second");
    stack_diags_sort(&d);
    ck_assert_uint_eq(d.n, 3);
    ck_assert_str_eq(d.items[0].message, "first");
    ck_assert_str_eq(d.items[2].message, "third");
    d.file = strdup("f.yml");
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    stack_diags_print(&d, f, 2);
    fclose(f);
    ck_assert_str_eq(out, "f.yml: first\nf.yml:1:5: second\nf.yml: and 1 more problem\n");
    free(out);
    stack_diags_free(&d);
}
END_TEST

UNIT_SUITE(stack_yaml, 0, positions_of_nodes, json_is_yaml, null_values_are_absent, duplicate_keys,
           aliases_expand, billion_laughs_is_bounded, deep_nesting_is_refused,
           alias_depth_is_bounded, text_must_be_utf8, escaped_nul_is_refused, size_cap,
           edit_distance_and_suggestions, diags_sorted_and_capped)
