/* `ecsdeploy whoami`: who the credentials belong to, in which region, from which source. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "aws.h"
#include "cli_internal.h"
#include "session_internal.h"
#include "sts.h"
#include "text.h"

static int fail(const aws_error *err)
{
    cli_print_aws_error(NULL, err);
    return cli_aws_error_exit(err);
}

static const char *or_empty(const char *s)
{
    return s ? s : "";
}

static void print_text(const sts_identity *id, const char *region, const char *profile,
                       const aws_credentials *cr)
{
    text_printf(stdout, "Account:     %s\n", or_empty(id->account));
    text_printf(stdout, "ARN:         %s\n", or_empty(id->arn));
    text_printf(stdout, "User ID:     %s\n", or_empty(id->user_id));
    printf("Region:      %s\n", region);
    printf("Profile:     %s\n", profile);
    printf("Credentials: %s\n", cr->source);
}

static void print_json(const sts_identity *id, const char *region, const char *profile,
                       const aws_credentials *cr)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "Account", or_empty(id->account));
    cJSON_AddStringToObject(o, "Arn", or_empty(id->arn));
    cJSON_AddStringToObject(o, "UserId", or_empty(id->user_id));
    cJSON_AddStringToObject(o, "Region", region);
    cJSON_AddStringToObject(o, "Profile", profile);
    cJSON_AddStringToObject(o, "CredentialSource", cr->source);
    if (cr->expiration) {
        char when[32];
        struct tm tm;
        gmtime_r(&cr->expiration, &tm);
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
        cJSON_AddStringToObject(o, "CredentialsExpire", when);
    }
    cli_print_json(o, 1);
}

static int run(const cli_globals *g, void *state, int argc, char **argv)
{
    (void)state;
    (void)argc;
    (void)argv;
    aws_client *c;
    int rc = cli_aws_connect(g, NULL, 0, &c);
    if (rc != EXIT_OK)
        return rc;
    aws_error err;
    aws_credentials cr = {0};
    sts_identity id = {0};
    if (aws_client_credentials(c, &cr, &err) != 0 || sts_get_caller_identity(c, &id, &err) != 0) {
        rc = fail(&err);
    } else if (g->output == OUTPUT_JSON) {
        print_json(&id, aws_client_region(c), aws_client_profile(c), &cr);
    } else {
        print_text(&id, aws_client_region(c), aws_client_profile(c), &cr);
    }
    sts_identity_free(&id);
    aws_credentials_free(&cr);
    aws_client_free(c);
    return rc;
}

const cli_command_code cli_code_whoami = {.run = run};
