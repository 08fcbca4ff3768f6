/* `ecsdeploy unlock`: remove the stack's lock that a run left behind (see lock.h). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "session_internal.h"
#include "client_internal.h"
#include "lock.h"
#include "text.h"

typedef struct {
    int yes;
} unlock_opts;

enum { OPT_YES = 2400 };

static const cli_flag flags[] = {
    CLI_FLAG_YES(OPT_YES),
    {0}};

static int parse(void *state, int opt, const char *arg)
{
    (void)arg;
    if (opt != OPT_YES)
        return CLI_NOT_MINE;
    ((unlock_opts *)state)->yes = 1;
    return 0;
}

/* On a terminal, ask for the stack's name; elsewhere demand --yes. 1 to go ahead. */
static int confirm(const char *stack)
{
    if (!isatty(STDIN_FILENO)) {
        fprintf(stderr, "ecsdeploy: pass --yes to remove the lock when not on a terminal\n");
        return 0;
    }
    fprintf(stderr, "Remove it? Only if that run is gone: a live run would go on changing the "
                    "stack alongside the next one. Type the stack name to confirm: ");
    char line[256];
    if (cli_read_answer(line, sizeof line) != 0)
        return 0;
    if (strcmp(line, stack) != 0) {
        fprintf(stderr, "ecsdeploy: not confirmed; the lock stays\n");
        return 0;
    }
    return 1;
}

static int unlock(cli_client *c, const char *stack, int yes)
{
    lock_info held;
    aws_error err;
    int rc = lock_read(c->aws, stack, &held, &err);
    if (rc < 0)
        return cli_client_fail("reading the stack's lock", &err);
    if (rc > 0) {
        printf("Stack %s is not locked.\n", stack);
        return EXIT_OK;
    }
    char who[1024];
    lock_describe(&held, who, sizeof who);
    text_printf(stderr, "Stack %s is locked by %s.\n", stack, who);
    if (!yes && !confirm(stack)) {
        lock_info_free(&held);
        return EXIT_USAGE;
    }
    rc = lock_break(c->aws, stack, &held, &err);
    lock_info_free(&held);
    if (rc < 0)
        return cli_client_fail("removing the stack's lock", &err);
    if (rc > 0) {
        fprintf(stderr, "ecsdeploy: the lock changed since it was read (its run renewed it, or "
                        "another run took it): nothing was removed; look again with `ecsdeploy "
                        "unlock`\n");
        return EXIT_AWS;
    }
    printf("Lock of stack %s removed.\n", stack);
    return EXIT_OK;
}

static int run(const cli_globals *g, void *state, int argc, char **argv)
{
    unlock_opts *o = state;
    if (argc > 1)
        return cli_usage_error("unlock takes at most one STACK name, got '%s'", argv[1]);
    cli_client c;
    int rc = cli_client_open(g, argc == 0, &c);
    if (rc == EXIT_OK)
        rc = unlock(&c, argc ? argv[0] : c.stack->name, o->yes);
    cli_client_close(&c);
    return rc;
}

const cli_command_code cli_code_unlock = CLI_COMMAND_CODE(unlock_opts);
