/*
 * SigV4 against AWS's known answers: every case of both suites in
 * ../shared/testdata/sigv4/ (see its README for the layout and the traps).
 *   aws4_testsuite/              34 cases, header signing: .creq, .sts, .authz
 *   aws-signing-test-suite/v4/   38 cases, header and query signing: canonical request,
 *                                string to sign, signature, and the signed request
 * When ../shared is absent the tests pass after saying "skipped" on stderr.
 */
#include <check.h>
#include <cjson/cJSON.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "buf.h"
#include "sigv4.h"
#include "unit_suite.h"
#include "xalloc.h"

#define SUITE1 "aws4_testsuite"
#define SUITE2 "aws-signing-test-suite/v4"

typedef struct {
    char *method, *path, *query;
    sigv4_header headers[32];
    size_t nheaders;
    char *body;
    size_t body_len;
} raw_request;

/* ../shared/testdata/sigv4, from $TOP or the current directory; NULL when absent. */
static char *suite_root(void)
{
    const char *top = getenv("TOP");
    char *dir = xasprintf("%s/../shared/testdata/sigv4", top && *top ? top : ".");
    struct stat st;
    if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
        return dir;
    free(dir);
    return NULL;
}

static char *slurp_must(const char *dir, const char *name)
{
    char *path = xasprintf("%s/%s", dir, name);
    char *s = test_read_file(path, NULL);
    ck_assert_msg(s != NULL, "cannot read %s", path);
    free(path);
    return s;
}

/* Split the request line "METHOD target HTTP/1.1" (the target may hold spaces). */
static void parse_request_line(raw_request *r, const char *line, size_t len)
{
    const char *sp1 = memchr(line, ' ', len);
    const char *sp2 = line + len;
    while (sp2 > line && sp2[-1] != ' ')
        sp2--;
    ck_assert_msg(sp1 && sp2 - 1 > sp1, "bad request line: %.*s", (int)len, line);
    r->method = xstrndup(line, (size_t)(sp1 - line));
    char *target = xstrndup(sp1 + 1, (size_t)(sp2 - 1 - (sp1 + 1)));
    char *q = strchr(target, '?');
    r->query = xstrdup(q ? q + 1 : "");
    if (q)
        *q = '\0';
    r->path = target;
}

/* Parse a raw HTTP request file: request line, "Name:value" headers (lines starting
 * with a space continue the previous value, kept with their line break), body. */
static void parse_request(raw_request *r, const char *text)
{
    memset(r, 0, sizeof *r);
    const char *p = text;
    size_t len = strcspn(p, "\n");
    parse_request_line(r, p, len);
    p += len + (p[len] == '\n');
    while (*p && *p != '\n') {
        len = strcspn(p, "\n");
        if ((*p == ' ' || *p == '\t') && r->nheaders) {
            sigv4_header *h = &r->headers[r->nheaders - 1];
            char *joined = xasprintf("%s\n%.*s", h->value, (int)len, p);
            free((char *)h->value);
            h->value = joined;
        } else {
            const char *colon = memchr(p, ':', len);
            ck_assert_msg(colon != NULL, "header without ':': %.*s", (int)len, p);
            ck_assert_uint_lt(r->nheaders, 32);
            r->headers[r->nheaders].name = xstrndup(p, (size_t)(colon - p));
            r->headers[r->nheaders].value = xstrndup(colon + 1, len - (size_t)(colon + 1 - p));
            r->nheaders++;
        }
        p += len + (p[len] == '\n');
    }
    if (*p == '\n')
        p++;
    r->body = xstrdup(p);
    r->body_len = strlen(p);
}

static void free_request(raw_request *r)
{
    free(r->method);
    free(r->path);
    free(r->query);
    for (size_t i = 0; i < r->nheaders; i++) {
        free((char *)r->headers[i].name);
        free((char *)r->headers[i].value);
    }
    free(r->body);
}

static sigv4_request as_request(const raw_request *r)
{
    sigv4_request req = {r->method, r->path, r->query, r->headers, r->nheaders,
                         r->body, r->body_len};
    return req;
}

/* Case directories under root/sub, sorted; returns the count. Directories holding no
 * case file (like normalize-path/) are searched one level deeper. */
static size_t list_cases(const char *dir, const char *marker_ext, char ***out, size_t n)
{
    struct dirent **ents = NULL;
    int m = scandir(dir, &ents, NULL, alphasort);
    for (int i = 0; i < m; i++) {
        const char *name = ents[i]->d_name;
        char *sub = xasprintf("%s/%s", dir, name);
        struct stat st;
        if (name[0] != '.' && stat(sub, &st) == 0 && S_ISDIR(st.st_mode)) {
            char *marker = marker_ext[0] == '.' ? xasprintf("%s/%s%s", sub, name, marker_ext)
                                                : xasprintf("%s/%s", sub, marker_ext);
            if (stat(marker, &st) == 0) {
                *out = xrealloc(*out, (n + 1) * sizeof **out);
                (*out)[n++] = sub;
                sub = NULL;
            } else {
                n = list_cases(sub, marker_ext, out, n);
            }
            free(marker);
        }
        free(sub);
        free(ents[i]);
    }
    free(ents);
    return n;
}

static void free_cases(char **cases, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(cases[i]);
    free(cases);
}

static const char *case_name(const char *dir)
{
    const char *slash = strrchr(dir, '/');
    return slash ? slash + 1 : dir;
}

static const sigv4_header *find_added(const sigv4_result *res, const char *name)
{
    for (size_t i = 0; i < res->nadd; i++)
        if (strcasecmp(res->add[i].name, name) == 0)
            return &res->add[i];
    return NULL;
}

/* ---- set 1: botocore's aws4_testsuite -------------------------------------------- */

static const char *const akid = "AKIDEXAMPLE";
static const char *const secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
static const time_t when_2015 = 1440938160; /* 2015-08-30T12:36:00Z */

/* As botocore's harness: the session token, if any, is the one the .creq signs. */
static char *token_from_creq(const char *creq)
{
    const char *p = strstr(creq, "\nx-amz-security-token:");
    if (!p)
        return NULL;
    p += strlen("\nx-amz-security-token:");
    return xstrndup(p, strcspn(p, "\n"));
}

static void check_set1_case(const char *dir)
{
    const char *name = case_name(dir);
    char *file = xasprintf("%s.req", name), *text = slurp_must(dir, file);
    free(file);
    file = xasprintf("%s.creq", name);
    char *creq = slurp_must(dir, file);
    free(file);
    file = xasprintf("%s.sts", name);
    char *sts = slurp_must(dir, file);
    free(file);
    file = xasprintf("%s.authz", name);
    char *authz = slurp_must(dir, file);
    free(file);

    raw_request r;
    parse_request(&r, text);
    char *token = token_from_creq(creq);
    sigv4_credentials cred = {akid, secret, token};
    sigv4_params params = {.region = "us-east-1", .service = "service", .when = when_2015};
    sigv4_request req = as_request(&r);
    sigv4_result res;
    char err[256] = "";
    ck_assert_msg(sigv4_sign_headers(&req, &cred, &params, &res, err, sizeof err) == 0,
                  "%s: %s", name, err);
    ck_assert_msg(strcmp(res.canonical_request, creq) == 0,
                  "%s: canonical request\n--- got\n%s\n--- want\n%s", name,
                  res.canonical_request, creq);
    ck_assert_msg(strcmp(res.string_to_sign, sts) == 0, "%s: string to sign\n%s\n%s", name,
                  res.string_to_sign, sts);
    const sigv4_header *auth = find_added(&res, "Authorization");
    ck_assert_msg(auth && strcmp(auth->value, authz) == 0, "%s: authorization %s", name,
                  auth ? auth->value : "(none)");
    sigv4_result_free(&res);
    free_request(&r);
    free(token);
    free(text);
    free(creq);
    free(sts);
    free(authz);
}


/* ---- set 2: aws-c-auth's v4 suite ------------------------------------------------ */

typedef struct {
    sigv4_credentials cred;
    sigv4_params params;
    cJSON *json;
} context;

static void load_context(const char *dir, context *c)
{
    char *text = slurp_must(dir, "context.json");
    memset(c, 0, sizeof *c);
    c->json = cJSON_Parse(text);
    free(text);
    ck_assert_msg(c->json != NULL, "%s: bad context.json", dir);
    cJSON *cr = cJSON_GetObjectItem(c->json, "credentials");
    c->cred.access_key_id = cJSON_GetStringValue(cJSON_GetObjectItem(cr, "access_key_id"));
    c->cred.secret_access_key =
        cJSON_GetStringValue(cJSON_GetObjectItem(cr, "secret_access_key"));
    c->cred.session_token = cJSON_GetStringValue(cJSON_GetObjectItem(cr, "token"));
    c->params.region = cJSON_GetStringValue(cJSON_GetObjectItem(c->json, "region"));
    c->params.service = cJSON_GetStringValue(cJSON_GetObjectItem(c->json, "service"));
    struct tm tm = {0};
    const char *ts = cJSON_GetStringValue(cJSON_GetObjectItem(c->json, "timestamp"));
    ck_assert_ptr_nonnull(ts);
    ck_assert_ptr_nonnull(strptime(ts, "%Y-%m-%dT%H:%M:%SZ", &tm));
    c->params.when = timegm(&tm);
    c->params.expires =
        (long)cJSON_GetNumberValue(cJSON_GetObjectItem(c->json, "expiration_in_seconds"));
    /* normalize=false is the S3 behaviour: no dot-segment removal, encode once. */
    c->params.s3 = !cJSON_IsTrue(cJSON_GetObjectItem(c->json, "normalize"));
    c->params.content_sha256 = cJSON_IsTrue(cJSON_GetObjectItem(c->json, "sign_body"));
    c->params.omit_session_token =
        cJSON_IsTrue(cJSON_GetObjectItem(c->json, "omit_session_token"));
}

static void expect_file(const char *dir, const char *file, const char *got, const char *what)
{
    char *want = slurp_must(dir, file);
    ck_assert_msg(strcmp(got, want) == 0, "%s: %s\n--- got\n%s\n--- want\n%s",
                  case_name(dir), what, got, want);
    free(want);
}

/* Every header we add appears, with its value, in the expected signed request, and
 * that request has exactly the original headers plus ours. */
static void expect_signed_headers(const char *dir, const raw_request *r,
                                  const sigv4_result *res)
{
    char *text = slurp_must(dir, "header-signed-request.txt");
    raw_request want;
    parse_request(&want, text);
    ck_assert_msg(want.nheaders == r->nheaders + res->nadd, "%s: %zu headers, want %zu",
                  case_name(dir), r->nheaders + res->nadd, want.nheaders);
    for (size_t i = 0; i < res->nadd; i++) {
        int found = 0;
        for (size_t k = 0; k < want.nheaders && !found; k++)
            found = strcasecmp(want.headers[k].name, res->add[i].name) == 0 &&
                    strcmp(want.headers[k].value, res->add[i].value) == 0;
        ck_assert_msg(found, "%s: added header %s not in the signed request",
                      case_name(dir), res->add[i].name);
    }
    free_request(&want);
    free(text);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The '&'-separated pieces of a query, sorted, joined by newlines (order-free compare). */
static char *sorted_pieces(const char *query)
{
    char *copy = xstrdup(query), *save = NULL, *pieces[64];
    size_t n = 0;
    for (char *t = strtok_r(copy, "&", &save); t && n < 64; t = strtok_r(NULL, "&", &save))
        pieces[n++] = t;
    qsort(pieces, n, sizeof *pieces, cmp_str);
    buf b = BUF_INIT;
    for (size_t i = 0; i < n; i++)
        buf_printf(&b, "%s\n", pieces[i]);
    free(copy);
    return buf_detach(&b);
}

static void expect_signed_query(const char *dir, const sigv4_result *res)
{
    char *text = slurp_must(dir, "query-signed-request.txt");
    raw_request want;
    parse_request(&want, text);
    char *a = sorted_pieces(res->query), *b = sorted_pieces(want.query);
    ck_assert_msg(strcmp(a, b) == 0, "%s: presigned query\n--- got\n%s--- want\n%s",
                  case_name(dir), a, b);
    free(a);
    free(b);
    free_request(&want);
    free(text);
}

/* The three files of one way of signing (`how`: "header" or "query") against `res`:
 * HOW-canonical-request.txt, HOW-string-to-sign.txt, HOW-signature.txt. */
static void expect_signing_files(const char *dir, const char *how, const sigv4_result *res)
{
    static const char *const names[] = {"canonical-request", "string-to-sign", "signature"};
    const char *got[] = {res->canonical_request, res->string_to_sign, res->signature};
    for (size_t i = 0; i < 3; i++) {
        char file[64], what[64];
        snprintf(file, sizeof file, "%s-%s.txt", how, names[i]);
        snprintf(what, sizeof what, "%s %s", how, names[i]);
        for (char *p = what; *p; p++)
            if (*p == '-')
                *p = ' ';
        expect_file(dir, file, got[i], what);
    }
}

static void check_set2_case(const char *dir)
{
    context c;
    load_context(dir, &c);
    char *text = slurp_must(dir, "request.txt");
    raw_request r;
    parse_request(&r, text);
    sigv4_request req = as_request(&r);
    sigv4_result res;
    char err[256] = "";

    ck_assert_msg(sigv4_sign_headers(&req, &c.cred, &c.params, &res, err, sizeof err) == 0,
                  "%s: %s", case_name(dir), err);
    expect_signing_files(dir, "header", &res);
    expect_signed_headers(dir, &r, &res);
    sigv4_result_free(&res);

    ck_assert_msg(sigv4_presign(&req, &c.cred, &c.params, &res, err, sizeof err) == 0,
                  "%s: %s", case_name(dir), err);
    expect_signing_files(dir, "query", &res);
    expect_signed_query(dir, &res);
    sigv4_result_free(&res);

    free_request(&r);
    free(text);
    cJSON_Delete(c.json);
}

/* Every case of the suite in folder `name` (found by a file ending in `marker`; there must
 * be `want` of them) through check_case; says how many were checked (`what`: of what). */
static void check_suite(const char *name, const char *marker, size_t want,
                        void (*check_case)(const char *), const char *what)
{
    char *root = suite_root();
    if (!root) {
        fprintf(stderr, "sigv4 suites: skipped: ../shared not found "
                        "(set TOP or run from the repository top)\n");
        return;
    }
    char *dir = xasprintf("%s/%s", root, name);
    char **cases = NULL;
    size_t n = list_cases(dir, marker, &cases, 0);
    ck_assert_uint_eq(n, want);
    for (size_t i = 0; i < n; i++)
        check_case(cases[i]);
    fprintf(stderr, "sigv4 suites: %s: %zu %s\n", name, n, what);
    free_cases(cases, n);
    free(dir);
    free(root);
}

START_TEST(aws4_testsuite_all)
{
    check_suite(SUITE1, ".req", 34, check_set1_case,
                "cases checked (canonical request, string to sign, Authorization)");
}
END_TEST

START_TEST(aws_c_auth_v4_all)
{
    check_suite(SUITE2, "context.json", 38, check_set2_case,
                "cases x2 (header and query signing) checked");
}
END_TEST

UNIT_SUITE(sigv4_suite, 0, aws4_testsuite_all, aws_c_auth_v4_all)
