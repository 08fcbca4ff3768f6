/* Stack files in tests: load one that must load, or collect the problems of one that
 * must not. */
#ifndef ECSDEPLOY_TEST_STACK_FIXTURE_H
#define ECSDEPLOY_TEST_STACK_FIXTURE_H

#include "stack.h"

/* Load `text` (with options `o`, may be NULL); when it does not load, print its problems
 * and fail the test. The caller frees the model with stack_free(). */
stack_model *test_load_stack(const char *text, const stack_options *o);

/* The problems of `d`, one "LINE:COL: message" a line. The caller frees the string. */
char *test_stack_problems(const stack_diags *d);

#endif
