/* Environments of a stack file: the selected one's parameters and overrides, the stack
 * name it gives, and every environment checked with FILE:LINE:COL messages. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "stack.h"
#include "unit_suite.h"
#include "stack_fixture.h"

static const char base[] =
    "stack: shop\n"                                        /* 1 */
    "parameters:\n"                                        /* 2 */
    "  image: { default: \"example/shop:1\" }\n"           /* 3 */
    "  count: { default: \"1\" }\n"                        /* 4 */
    "network: { vpc: default }\n"                          /* 5 */
    "environments:\n"                                      /* 6 */
    "  staging:\n"                                         /* 7 */
    "    parameters: { image: \"example/shop:staging\" }\n" /* 8 */
    "  production:\n"                                      /* 9 */
    "    parameters: { count: \"3\" }\n"                   /* 10 */
    "    overrides:\n"                                     /* 11 */
    "      region: eu-west-1\n"                            /* 12 */
    "      services:\n"                                    /* 13 */
    "        web: { cpu: 512, memory: 1024, environment: { MODE: prod }, command: [serve, --prod] }\n"
    "services:\n"                                          /* 15 */
    "  web:\n"                                             /* 16 */
    "    image: ${image}\n"                                /* 17 */
    "    desired_count: ${count}\n"                        /* 18 */
    "    port: 8080\n"                                     /* 19 */
    "    command: [serve]\n"                               /* 20 */
    "    environment: { MODE: dev, LOG: info }\n";         /* 21 */

static stack_model *load(const char *text, const stack_options *o, char **problems)
{
    stack_diags d;
    memset(&d, 0, sizeof d);
    stack_model *s = NULL;
    int rc = stack_load_buffer("t.yml", text, strlen(text), o, &s, &d);
    *problems = test_stack_problems(&d);
    stack_diags_free(&d);
    ck_assert_int_eq(rc == 0, s != NULL);
    return s;
}

static const char *env_value(const stack_container *k, const char *name)
{
    for (size_t i = 0; i < k->nenvironment; i++)
        if (!strcmp(k->environment[i].name, name))
            return k->environment[i].value;
    return NULL;
}

START_TEST(no_environment_selected)
{
    char *p;
    stack_model *s = load(base, NULL, &p);
    ck_assert_msg(s, "%s", p);
    ck_assert_str_eq(s->name, "shop");
    ck_assert_ptr_null(s->environment);
    ck_assert_uint_eq(s->nenvironments, 2);
    ck_assert_str_eq(s->services[0].containers[0].image, "example/shop:1");
    ck_assert_int_eq(s->services[0].desired_count, 1);
    stack_free(s);
    free(p);
}
END_TEST

START_TEST(parameters_and_overrides_applied)
{
    char *p;
    stack_options o = {.environment = "production"};
    stack_model *s = load(base, &o, &p);
    ck_assert_msg(s, "%s", p);
    ck_assert_str_eq(s->name, "shop-production");
    ck_assert_str_eq(s->base_name, "shop");
    ck_assert_str_eq(s->environment, "production");
    ck_assert_str_eq(s->region, "eu-west-1");
    const stack_service *w = &s->services[0];
    ck_assert_int_eq(w->desired_count, 3);
    ck_assert_int_eq(w->cpu, 512);
    ck_assert_int_eq(w->memory, 1024);
    /* mappings merge key by key, lists are replaced */
    ck_assert_str_eq(env_value(&w->containers[0], "MODE"), "prod");
    ck_assert_str_eq(env_value(&w->containers[0], "LOG"), "info");
    ck_assert_uint_eq(w->containers[0].ncommand, 2);
    ck_assert_str_eq(w->containers[0].command[1], "--prod");
    stack_free(s);
    free(p);
    /* --set wins over the environment's value */
    const char *sets[] = {"count=5"};
    stack_options o2 = {.sets = sets, .nsets = 1, .environment = "production"};
    s = load(base, &o2, &p);
    ck_assert_int_eq(s->services[0].desired_count, 5);
    stack_free(s);
    free(p);
    stack_options o3 = {.environment = "staging"};
    s = load(base, &o3, &p);
    ck_assert_str_eq(s->name, "shop-staging");
    ck_assert_str_eq(s->services[0].containers[0].image, "example/shop:staging");
    stack_free(s);
    free(p);
}
END_TEST

START_TEST(unknown_environment)
{
    char *p;
    stack_options o = {.environment = "prod"};
    ck_assert_ptr_null(load(base, &o, &p));
    ck_assert_msg(strstr(p, "7:3: --env prod: no such environment (did you mean 'production'?); "
                            "the file declares: staging, production"), "%s", p);
    free(p);
    stack_options none = {.environment = "staging"};
    ck_assert_ptr_null(load("stack: a\nservices: { web: { image: nginx } }\n", &none, &p));
    ck_assert_msg(strstr(p, "the stack file declares no environments"), "%s", p);
    free(p);
}
END_TEST

START_TEST(every_environment_checked)
{
    char *p;
    /* a broken override of production fails the file whichever environment is used */
    char *text = strdup(base);
    char *at = strstr(text, "cpu: 512");
    memcpy(at, "cpu: 999", 8);
    ck_assert_ptr_null(load(text, NULL, &p));
    ck_assert_msg(strstr(p, "14:21: (environment production) services.web.cpu: 999 is not a Fargate cpu size"),
                  "%s", p);
    free(p);
    stack_options st = {.environment = "staging"};
    ck_assert_ptr_null(load(text, &st, &p));
    ck_assert_msg(strstr(p, "14:21: (environment production) services.web.cpu: 999"), "%s", p);
    free(p);
    stack_options o = {.environment = "production"};
    ck_assert_ptr_null(load(text, &o, &p));
    ck_assert_msg(strstr(p, "14:21: services.web.cpu: 999"), "%s", p);
    free(p);
    free(text);
    const char *bad = "stack: shop\n"
                      "parameters: { image: { default: nginx } }\n"
                      "environments:\n"
                      "  Prod:\n"
                      "    parametrs: { image: x }\n"
                      "  dev:\n"
                      "    parameters: { imag: x }\n"
                      "    overrides: { stack: other, servics: {} }\n"
                      "services: { web: { image: \"${image}\" } }\n";
    ck_assert_ptr_null(load(bad, NULL, &p));
    ck_assert_msg(strstr(p, "4:3: environments.Prod: 'Prod' must start with a lowercase letter") &&
                  strstr(p, "5:5: environments.Prod: unknown key 'parametrs' (did you mean 'parameters'?)") &&
                  strstr(p, "8:18: environments.dev.overrides: unknown key 'stack'") &&
                  strstr(p, "8:32: environments.dev.overrides: unknown key 'servics' (did you mean 'services'?)"),
                  "%s", p);
    free(p);
    const char *param = "stack: shop\n"
                        "parameters: { image: { default: nginx } }\n"
                        "environments: { dev: { parameters: { imag: x } } }\n"
                        "services: { web: { image: \"${image}\" } }\n";
    ck_assert_ptr_null(load(param, NULL, &p));
    ck_assert_msg(strstr(p, "3:38: environments.dev.parameters.imag: the file declares no parameter 'imag' "
                            "(did you mean 'image'?)"), "%s", p);
    free(p);
}
END_TEST

START_TEST(stack_name_with_environment_checked)
{
    char *p;
    char text[512];
    snprintf(text, sizeof text, "stack: %s\nenvironments: { staging: {} }\nservices: { web: { image: nginx } }\n",
             "a23456789012345678901234567890123456789012345678901234567");
    stack_options o = {.environment = "staging"};
    ck_assert_ptr_null(load(text, &o, &p));
    ck_assert_msg(strstr(p, "(the stack of environment staging) must be 1 to 63 characters"), "%s", p);
    free(p);
}
END_TEST

UNIT_SUITE(stack_env, 0, no_environment_selected, parameters_and_overrides_applied,
           unknown_environment, every_environment_checked, stack_name_with_environment_checked)
