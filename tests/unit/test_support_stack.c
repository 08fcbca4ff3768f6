/* test_load_stack, test_stack_problems (see stack_fixture.h). */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "stack_fixture.h"

stack_model *test_load_stack(const char *text, const stack_options *o)
{
    stack_diags d = {0};
    stack_model *s = NULL;
    int rc = stack_load_buffer("t.yml", text, strlen(text), o, &s, &d);
    if (rc != 0)
        stack_diags_print(&d, stderr, 50);
    ck_assert_int_eq(rc, 0);
    ck_assert_ptr_nonnull(s);
    stack_diags_free(&d);
    return s;
}

char *test_stack_problems(const stack_diags *d)
{
    buf b = BUF_INIT;
    for (size_t i = 0; i < d->n; i++)
        buf_printf(&b, "%d:%d: %s\n", d->items[i].loc.line, d->items[i].loc.col, d->items[i].message);
    return buf_detach(&b);
}
