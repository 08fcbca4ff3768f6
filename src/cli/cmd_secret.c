/* `ecsdeploy secret list|get NAME|put NAME`: the stack's secrets in Secrets Manager. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <openssl/crypto.h>

#include "exec.h"
#include "client_internal.h"
#include "session_internal.h"
#include "secretsmanager.h"
#include "stack_names.h"
#include "xalloc.h"
#include "text.h"

#define SECRET_MAX 65536 /* Secrets Manager's limit for a SecretString */

/* The Secrets Manager id of a secret named on the command line: an ARN as is, else a
 * logical name of the stack. NULL after printing why (then *rc is the exit code). */
static char *secret_id(const cli_client *c, const char *name, const stack_secret **decl)
{
    *decl = NULL;
    if (strncmp(name, "arn:", 4) == 0)
        return xstrdup(name);
    const stack_secret *s = stack_find_secret(c->stack, name);
    if (!s) {
        buf names = BUF_INIT;
        for (size_t i = 0; i < c->stack->nsecrets; i++)
            buf_printf(&names, "%s%s", i ? ", " : "", c->stack->secrets[i].name);
        cli_usage_error("the stack %s has no secret '%s' (%s%s); name another secret by its ARN",
                        c->stack->name, name, names.len ? "it has: " : "it declares none",
                        buf_str(&names));
        buf_free(&names);
        return NULL;
    }
    *decl = s;
    if (s->source == STACK_SECRET_EXISTING && s->existing)
        return xstrdup(s->existing);
    return stack_name_secret(c->stack->name, s->name);
}

static int do_get(cli_client *c, const char *name)
{
    const stack_secret *decl;
    char *id = secret_id(c, name, &decl);
    if (!id)
        return EXIT_USAGE;
    char *value = NULL;
    aws_error err;
    int rc = EXIT_OK;
    if (secretsmanager_get_secret_value(c->aws, id, &value, &err) != 0) {
        if (aws_error_is(&err, AWS_IS_NOT_FOUND))
            fprintf(stderr, "ecsdeploy: secret %s does not exist yet (create it with `ecsdeploy "
                            "secret put %s` or `ecsdeploy up`)\n", id, name);
        else
            cli_client_fail("secret get", &err);
        rc = EXIT_AWS;
    } else {
        size_t n = strlen(value);
        fwrite(value, 1, n, stdout);
        if (!n || value[n - 1] != '\n')
            fputc('\n', stdout);
        fflush(stdout);
        secretsmanager_secret_free(value);
    }
    free(id);
    return rc;
}

/* The value from stdin (never argv): at most SECRET_MAX bytes, one trailing newline
 * dropped; on a terminal read without echo. New string (wipe), or NULL after printing. */
static char *read_value(const char *name)
{
    struct termios old, quiet;
    int tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
    if (tty) {
        fprintf(stderr, "Value for %s (not shown; end with Enter): ", name);
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    buf b = BUF_INIT_WIPE; /* a secret: growing leaves no copy behind */
    char chunk[4096];
    size_t n;
    while (b.len <= SECRET_MAX && (n = fread(chunk, 1, tty ? 1 : sizeof chunk, stdin)) > 0) {
        buf_append(&b, chunk, n);
        if (tty && chunk[0] == '\n')
            break;
    }
    OPENSSL_cleanse(chunk, sizeof chunk);
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fputc('\n', stderr);
    }
    if (b.len && b.data[b.len - 1] == '\n')
        b.data[--b.len] = '\0';
    if (b.len && b.data[b.len - 1] == '\r')
        b.data[--b.len] = '\0';
    if (b.len > SECRET_MAX || b.len == 0 || memchr(b.data, '\0', b.len)) {
        cli_usage_error(b.len ? "the value for %s is binary or longer than 65536 bytes"
                              : "no value for %s on stdin: pipe it in, e.g. `printf %%s \"$TOKEN\" | "
                                "ecsdeploy secret put NAME`", name);
        exec_buf_wipe(&b);
        return NULL;
    }
    return buf_detach(&b);
}

static int do_put(cli_client *c, const char *name)
{
    const stack_secret *decl;
    char *id = secret_id(c, name, &decl);
    if (!id)
        return EXIT_USAGE;
    if (decl && decl->source == STACK_SECRET_EXISTING) {
        free(id);
        return cli_usage_error("secret %s is an existing secret the stack only reads; change it "
                               "where it is managed, or name it by ARN", name);
    }
    char *value = read_value(name);
    if (!value) {
        free(id);
        return EXIT_USAGE;
    }
    lock_handle *lock = NULL; /* a secret of the stack: one run at a time */
    if (c->stack && cli_lock_take(c->aws, c->stack->name, NULL, "secret put", &lock) != EXIT_OK) {
        secretsmanager_secret_free(value);
        free(id);
        return EXIT_AWS;
    }
    aws_error err;
    int rc = EXIT_OK;
    char *version = NULL;
    if (secretsmanager_put_secret_value(c->aws, id, value, NULL, &version, &err) == 0) {
        fprintf(stderr, "ecsdeploy: secret %s: new version stored\n", id);
    } else if (aws_error_is(&err, AWS_IS_NOT_FOUND) && decl) {
        char *node = xasprintf("secret/%s", name);
        svc_tag tags[2] = {{(char *)"ecsdeploy:stack", c->stack->name}, {(char *)"ecsdeploy:id", node}};
        svc_tags t = {tags, 2};
        secretsmanager_create_input in = {.name = id, .secret_string = value, .tags = &t,
                                          .description = "managed by ecsdeploy"};
        if (secretsmanager_create_secret(c->aws, &in, NULL, &version, &err) == 0)
            fprintf(stderr, "ecsdeploy: secret %s created\n", id);
        else
            rc = cli_client_fail("secret put", &err);
        free(node);
    } else {
        rc = cli_client_fail("secret put", &err);
    }
    free(version);
    secretsmanager_secret_free(value);
    free(id);
    cli_lock_release(lock, 0);
    return rc;
}

static void list_one(cli_client *c, const char *logical, const char *id, cJSON *arr,
                     int json, int *failed)
{
    secretsmanager_secret s = {0};
    aws_error err;
    const char *state = "present";
    char created[32] = "";
    if (secretsmanager_describe_secret(c->aws, id, &s, &err) != 0) {
        if (aws_error_is(&err, AWS_IS_NOT_FOUND)) {
            state = "missing";
        } else {
            cli_client_fail("secret list", &err);
            *failed = 1;
            return;
        }
    } else if (s.deleted_date) {
        state = "scheduled for deletion";
    }
    if (s.created_date) {
        struct tm tm;
        gmtime_r(&s.created_date, &tm);
        strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &tm);
    }
    if (json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", logical);
        cJSON_AddStringToObject(o, "secret", s.arn ? s.arn : id);
        cJSON_AddStringToObject(o, "state", state);
        if (created[0])
            cJSON_AddStringToObject(o, "created", created);
        cJSON_AddItemToArray(arr, o);
    } else {
        text_printf(stdout, "%-24s %-10s %-20s %s\n", logical, state, created[0] ? created : "-",
                    s.arn ? s.arn : id);
    }
    secretsmanager_secret_info_free(&s);
}

static int do_list(cli_client *c, int json)
{
    cJSON *arr = cJSON_CreateArray();
    int failed = 0;
    if (!json)
        printf("%-24s %-10s %-20s %s\n", "NAME", "STATE", "CREATED", "SECRET");
    for (size_t i = 0; i < c->stack->nsecrets && !failed; i++) {
        const stack_secret *s = &c->stack->secrets[i];
        char *id = s->source == STACK_SECRET_EXISTING && s->existing
                       ? xstrdup(s->existing) : stack_name_secret(c->stack->name, s->name);
        list_one(c, s->name, id, arr, json, &failed);
        free(id);
    }
    if (json && !failed)
        cli_print_json(arr, 1);
    else
        cJSON_Delete(arr);
    return failed ? EXIT_AWS : EXIT_OK;
}

static int run(const cli_globals *g, void *state, int argc, char **argv)
{
    (void)state;
    if (argc < 1)
        return cli_usage_error("secret needs an action: secret list | secret get NAME | secret put NAME");
    const char *action = argv[0];
    int is_list = strcmp(action, "list") == 0;
    if (!is_list && strcmp(action, "get") != 0 && strcmp(action, "put") != 0)
        return cli_usage_error("unknown secret action '%s' (list, get NAME or put NAME)", action);
    if (is_list && argc != 1)
        return cli_usage_error("secret list takes no arguments");
    if (!is_list && argc != 2)
        return cli_usage_error("secret %s takes one NAME (a secret of the stack, or an ARN)%s", action,
                               strcmp(action, "put") == 0 ? "; the value comes from stdin" : "");
    int by_arn = !is_list && strncmp(argv[1], "arn:", 4) == 0;
    cli_client c;
    int rc = cli_client_open(g, !by_arn, &c);
    if (rc == EXIT_OK) {
        if (is_list)
            rc = do_list(&c, g->output == OUTPUT_JSON);
        else if (strcmp(action, "get") == 0)
            rc = do_get(&c, argv[1]);
        else
            rc = do_put(&c, argv[1]);
    }
    cli_client_close(&c);
    return rc;
}

const cli_command_code cli_code_secret = {.run = run};
