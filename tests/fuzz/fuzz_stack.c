/*
 * libFuzzer target for the stack-file loader: any bytes, as a stack file, must give either
 * a model or problems, never a crash, a leak or undefined behaviour.
 *
 *   make fuzz      (clang -fsanitize=fuzzer,address,undefined; see tests/fuzz/run.sh)
 *
 * tests/unit/test_stack_fuzz.c also runs this entry point on a bounded, seeded set of
 * mutations of the examples inside `make check`.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fuzz_resolve(const stack_ref *r, void *ud, char **value)
{
    (void)ud;
    if (r->kind == STACK_REF_SECRET)
        return -1;
    size_t n = strlen(r->name) + strlen(r->attr) + 2;
    *value = malloc(n);
    if (!*value)
        return -1;
    snprintf(*value, n, "%s.%s", r->name, r->attr);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const sets[] = {"image=nginx:1", "arch=ARM64"};
    stack_options opts = {sets, 2, NULL, 0, NULL};
    stack_diags d;
    memset(&d, 0, sizeof d);
    stack_model *s = NULL;
    if (stack_load_buffer("fuzz.yml", (const char *)data, size, size % 2 ? &opts : NULL, &s, &d) == 0) {
        char *js = stack_to_json(s);
        free(js);
        for (size_t i = 0; i < s->noutputs; i++) {
            char *unresolved = NULL;
            char *v = stack_template_resolve(s->outputs[i].value, fuzz_resolve, NULL, &unresolved);
            free(v);
            free(unresolved);
        }
        for (size_t i = 0; i < s->nrefs; i++)
            free(stack_ref_static_value(s, &s->refs[i]));
        stack_free(s);
    } else {
        FILE *null = fopen("/dev/null", "w");
        if (null) {
            stack_diags_print(&d, null, STACK_DIAG_PRINT_CAP);
            fclose(null);
        }
    }
    stack_diags_free(&d);
    return 0;
}
