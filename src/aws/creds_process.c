/* credential_process: run the profile's command and read its JSON (Version 1) answer. */
#include "aws_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "buf.h"
#include "xalloc.h"

#define MAX_OUTPUT (1u << 20)

static int run(const char *command, buf *out, int *status)
{
    fflush(NULL);
    FILE *p = popen(command, "r");
    if (!p)
        return -1;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
        if (out->len < MAX_OUTPUT)
            buf_append(out, chunk, n);
    *status = pclose(p);
    return 0;
}

int aws_creds_process(const char *command, const char *profile, aws_credentials *out,
                      aws_error *err)
{
    memset(out, 0, sizeof *out);
    buf b = BUF_INIT;
    int status = 0;
    if (run(command, &b, &status) != 0) {
        aws_error_set(err, AWS_ERR_CREDENTIALS, "CredentialProcessFailed",
                      "profile '%s': cannot start credential_process", profile);
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
    cJSON_Delete(root);
    return rc;
}
