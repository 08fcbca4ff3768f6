/* credential_process: run the profile's command and read its JSON (Version 1) answer. */
#include "aws_internal.h"

#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "xalloc.h"

#define MAX_OUTPUT (1u << 20)

extern char **environ;

void aws_argv_free(char **argv)
{
    for (size_t i = 0; argv && argv[i]; i++)
        free(argv[i]);
    free(argv);
}

/*
 * The command line into words as botocore does it on POSIX (compat_shell_split, i.e.
 * Python's shlex.split): words end at space, tab, CR and LF; '...' keeps everything
 * literally; "..." keeps everything but \" and \\ (a backslash before any other character
 * stays); outside quotes a backslash takes the next character literally; quoted parts join
 * the word around them, and "" is an empty word. No variables, globs, pipes or ';': the
 * words go to the program as they are, with no shell in between.
 */
int aws_split_command(const char *s, char ***out, char *why, size_t whylen)
{
    char **argv = xcalloc(1, sizeof *argv);
    size_t n = 0;
    buf word = BUF_INIT;
    int in_word = 0;
    char quote = 0;
    for (const char *p = s;; p++) {
        char c = *p;
        if (quote) {
            if (!c) {
                snprintf(why, whylen, "a %s quotation is not closed",
                         quote == '"' ? "double" : "single");
                goto fail;
            }
            if (c == quote) {
                quote = 0;
            } else if (quote == '"' && c == '\\' && (p[1] == '"' || p[1] == '\\')) {
                buf_putc(&word, *++p);
            } else {
                buf_putc(&word, c);
            }
            continue;
        }
        if (!c || c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            if (in_word) {
                argv = xrealloc(argv, (n + 2) * sizeof *argv);
                argv[n++] = buf_detach(&word);
                argv[n] = NULL;
                in_word = 0;
            }
            if (!c)
                break;
            continue;
        }
        in_word = 1;
        if (c == '\'' || c == '"') {
            quote = c;
        } else if (c == '\\') {
            if (!p[1]) {
                snprintf(why, whylen, "it ends with a backslash that escapes nothing");
                goto fail;
            }
            buf_putc(&word, *++p);
        } else {
            buf_putc(&word, c);
        }
    }
    if (n == 0) {
        snprintf(why, whylen, "it names no program");
        goto fail;
    }
    *out = argv;
    return 0;
fail:
    buf_free(&word);
    aws_argv_free(argv);
    *out = NULL;
    return -1;
}

/* Run argv (searched in PATH, no shell) with its standard output read into out (at most
 * MAX_OUTPUT bytes kept); its standard error goes where ours does. */
static int run(char **argv, buf *out, int *status, char *why, size_t whylen)
{
    int fds[2];
    if (pipe(fds) != 0) {
        snprintf(why, whylen, "pipe: %s", strerror(errno));
        return -1;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    posix_spawn_file_actions_addclose(&fa, fds[1]);
    fflush(NULL);
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (rc != 0) {
        close(fds[0]);
        snprintf(why, whylen, "cannot run '%s': %s", argv[0], strerror(rc));
        return -1;
    }
    char chunk[4096];
    ssize_t k;
    while ((k = read(fds[0], chunk, sizeof chunk)) != 0) {
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            break;
        if (out->len < MAX_OUTPUT)
            buf_append(out, chunk, (size_t)k);
    }
    explicit_bzero(chunk, sizeof chunk);
    close(fds[0]);
    while (waitpid(pid, status, 0) < 0)
        if (errno != EINTR) {
            *status = -1;
            break;
        }
    return 0;
}

int aws_creds_process(const char *command, const char *profile, aws_credentials *out,
                      aws_error *err)
{
    memset(out, 0, sizeof *out);
    buf b = BUF_INIT_WIPE;
    int status = 0;
    char **argv = NULL;
    char why[256];
    if (aws_split_command(command, &argv, why, sizeof why) != 0) {
        aws_error_set(err, AWS_ERR_CREDENTIALS, "CredentialProcessFailed",
                      "profile '%s': credential_process cannot be read: %s (it is split into "
                      "words as a shell would, with quotes and backslashes, but never run by "
                      "one)", profile, why);
        return -1;
    }
    int started = run(argv, &b, &status, why, sizeof why);
    aws_argv_free(argv);
    if (started != 0) {
        aws_error_set(err, AWS_ERR_CREDENTIALS, "CredentialProcessFailed",
                      "profile '%s': credential_process: %s", profile, why);
        buf_free(&b);
        return -1;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        aws_error_set(err, AWS_ERR_CREDENTIALS, "CredentialProcessFailed",
                      "profile '%s': credential_process '%s' failed (exit status %d); see its "
                      "messages above",
                      profile, command, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        buf_free(&b);
        return -1;
    }
    cJSON *root = cJSON_ParseWithLength(b.data ? b.data : "", b.len);
    buf_free(&b);
    const cJSON *ver = cJSON_GetObjectItemCaseSensitive(root, "Version");
    int rc = -1;
    if (!cJSON_IsObject(root)) {
        aws_error_set(err, AWS_ERR_CREDENTIALS, "CredentialProcessFailed",
                      "profile '%s': credential_process did not print a JSON object", profile);
    } else if (!cJSON_IsNumber(ver) || ver->valuedouble != 1) {
        aws_error_set(err, AWS_ERR_CREDENTIALS, "CredentialProcessFailed",
                      "profile '%s': credential_process output needs \"Version\": 1", profile);
    } else {
        char *source = xasprintf("profile %s (credential_process)", profile);
        rc = aws_creds_from_object(root, source, out, err);
        free(source);
    }
    aws_json_delete_wiped(root);
    return rc;
}
