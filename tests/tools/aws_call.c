/*
 * Drive the AWS runtime from scripted tests:
 *   aws_call [--region R] [--endpoint-url U] [--profile P] [--debug] [--no-sleep]
 *            [--repeat N] [--lists a,b] [--timeout-ms MS] KIND SERVICE OPERATION [INPUT-JSON]
 * KIND: json | query | ec2 | s3 (OPERATION is the method; INPUT-JSON may hold
 * "bucket", "key", "query", "body", "md5") | creds (resolve credentials only).
 * Prints one JSON line per call: {"ok":true,"output":...,"attempts":N} or
 * {"ok":false,"error":{...}}; with --no-sleep, backoff delays are recorded, not slept,
 * and printed as "sleeps"; "quota" is the retry quota left. Exit 0 if the last call
 * succeeded, 1 if not, 2 for bad usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/aws/aws_internal.h"
#include "xalloc.h"

typedef struct {
    double sleeps[64];
    int n;
} sleep_log;

static void record_sleep(double s, void *ctx)
{
    sleep_log *l = ctx;
    if (l->n < 64)
        l->sleeps[l->n++] = s;
}

static char **split_lists(const char *s)
{
    char **v = xcalloc(33, sizeof *v);
    int n = 0;
    char *copy = xstrdup(s), *save = NULL;
    for (char *t = strtok_r(copy, ",", &save); t && n < 32; t = strtok_r(NULL, ",", &save))
        v[n++] = xstrdup(t);
    free(copy);
    return v;
}

static int call(aws_client *c, const char *kind, const char *svc, const char *op, cJSON *in,
                const char *const *lists, cJSON **out, aws_error *err)
{
    if (strcmp(kind, "json") == 0)
        return aws_json_call(c, svc, op, in, out, err);
    if (strcmp(kind, "query") == 0)
        return aws_query_call(c, svc, op, in, NULL, lists, out, err);
    if (strcmp(kind, "ec2") == 0)
        return aws_ec2_call(c, op, in, lists, out, err);
    if (strcmp(kind, "s3") == 0) {
        const char *body = aws_json_str(in, "body");
        aws_s3_request r = {.method = op, .bucket = aws_json_str(in, "bucket"),
                            .key = aws_json_str(in, "key"), .query = aws_json_str(in, "query"),
                            .body = body, .body_len = body ? strlen(body) : 0,
                            .content_md5 = aws_json_bool(in, "md5", 0), .lists = lists};
        return aws_s3_call(c, &r, out, err);
    }
    aws_credentials cr;
    if (aws_client_credentials(c, &cr, err) != 0)
        return -1;
    *out = cJSON_CreateObject();
    cJSON_AddStringToObject(*out, "AccessKeyId", cr.access_key_id);
    cJSON_AddBoolToObject(*out, "HasSessionToken", cr.session_token != NULL);
    cJSON_AddNumberToObject(*out, "Expiration", (double)cr.expiration);
    cJSON_AddStringToObject(*out, "Source", cr.source);
    aws_credentials_free(&cr);
    return 0;
}

static void report(int rc, cJSON *out, const aws_error *err, const sleep_log *sl, aws_client *c)
{
    cJSON *r = cJSON_CreateObject();
    cJSON_AddBoolToObject(r, "ok", rc == 0);
    if (rc == 0) {
        cJSON_AddItemToObject(r, "output", out);
    } else {
        cJSON *e = cJSON_AddObjectToObject(r, "error");
        cJSON_AddStringToObject(e, "kind", aws_error_kind_name(err->kind));
        cJSON_AddStringToObject(e, "code", err->code);
        cJSON_AddStringToObject(e, "message", err->message);
        cJSON_AddNumberToObject(e, "status", (double)err->http_status);
        cJSON_AddStringToObject(e, "request_id", err->request_id);
    }
    cJSON_AddNumberToObject(r, "attempts", err->attempts ? err->attempts : 1);
    cJSON *s = cJSON_AddArrayToObject(r, "sleeps");
    for (int i = 0; i < sl->n; i++)
        cJSON_AddItemToArray(s, cJSON_CreateNumber(sl->sleeps[i]));
    cJSON_AddNumberToObject(r, "quota", aws_retry_quota_available(&c->retry));
    char *p = cJSON_PrintUnformatted(r);
    printf("%s\n", p);
    fflush(stdout);
    free(p);
    cJSON_Delete(r);
}

int main(int argc, char **argv)
{
    aws_client_options o = {0};
    int no_sleep = 0, repeat = 1, i = 1;
    char **lists = NULL;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        if (strcmp(argv[i], "--debug") == 0) o.debug = 1;
        else if (strcmp(argv[i], "--no-sleep") == 0) no_sleep = 1;
        else if (i + 1 >= argc) break;
        else if (strcmp(argv[i], "--region") == 0) o.region = argv[++i];
        else if (strcmp(argv[i], "--endpoint-url") == 0) o.endpoint_url = argv[++i];
        else if (strcmp(argv[i], "--profile") == 0) o.profile = argv[++i];
        else if (strcmp(argv[i], "--repeat") == 0) repeat = atoi(argv[++i]);
        else if (strcmp(argv[i], "--timeout-ms") == 0) o.timeout_ms = atol(argv[++i]);
        else if (strcmp(argv[i], "--lists") == 0) lists = split_lists(argv[++i]);
        else break;
    }
    if (argc - i < 3) {
        fprintf(stderr, "usage: aws_call [options] KIND SERVICE OPERATION [INPUT-JSON]\n");
        return 2;
    }
    const char *kind = argv[i], *svc = argv[i + 1], *op = argv[i + 2];
    cJSON *in = argc - i > 3 ? cJSON_Parse(argv[i + 3]) : NULL;
    aws_client *c;
    aws_error err;
    if (aws_client_new(&o, &c, &err) != 0) {
        printf("{\"ok\":false,\"error\":{\"kind\":\"%s\",\"code\":\"%s\"},\"stage\":\"client\"}\n",
               aws_error_kind_name(err.kind), err.code);
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    sleep_log sl = {{0}, 0};
    if (no_sleep)
        aws_client_set_hooks(c, NULL, NULL, NULL, record_sleep, NULL, &sl);
    int rc = 0;
    for (int n = 0; n < repeat; n++) {
        cJSON *out = NULL;
        sl.n = 0;
        rc = call(c, kind, svc, op, in, (const char *const *)lists, &out, &err);
        report(rc, out, &err, &sl, c);
    }
    cJSON_Delete(in);
    for (int k = 0; lists && lists[k]; k++)
        free(lists[k]);
    free(lists);
    aws_client_free(c);
    return rc == 0 ? 0 : 1;
}
