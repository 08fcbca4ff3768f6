/*
 * Fuzz target for the AWS response parsers: XML to cJSON in the three styles (query,
 * ec2, rest-xml) with list hints, the XML error reader, the uniform error reader for
 * every protocol (JSON bodies too), rest-json answers and requests (a body read back, and
 * read as an input to encode), the --debug redactor and the shared-config parser.
 * The first input byte picks the style and a header value; the rest is the body.
 * Properties checked (abort on failure, which the fuzzer reports):
 *   - a successful conversion yields a JSON object that prints;
 *   - an error read from any body has a non-empty code and message;
 *   - redaction never returns NULL;
 *   - a rest-json answer is read as an object or refused with a parse error; an object
 *     input encodes (a path starting with '/') or is refused as bad input.
 * libFuzzer entry point when built with -DAWS_FUZZ_LIBFUZZER (tests/fuzz/run.sh (make fuzz));
 * a bounded random run inside `make check` calls aws_fuzz_xml_one (tests/unit/test_aws_fuzz.c).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws_error.h"
#include "aws_ini.h"
#include "../../src/aws/restjson_internal.h"
#include "../../src/aws/wirelog_internal.h"
#include "aws_xml.h"

static const char *const fuzz_lists[] = {"Contents", "TagSet/Tag", "Roles", "vpcSet",
                                         "Version", "a", "b/c", NULL};

static void fuzz_check(int cond)
{
    if (!cond)
        abort();
}

static void fuzz_restjson(const char *body, size_t len)
{
    static const aws_rest_binding bindings[] = {{"Max", AWS_REST_QUERY, "max"},
                                                {"Keys", AWS_REST_QUERY, "tagKeys"},
                                                {"Token", AWS_REST_HEADER, "x-amz-token"},
                                                {NULL, 0, NULL}};
    static const aws_rest_op op = {"Fuzz", "PUT", "/v1/{Id}/items/{Key+}?mode=x", bindings};
    cJSON *out = NULL;
    aws_error e;
    if (aws_rest_json_decode(body, len, &out, &e) == 0) {
        fuzz_check(cJSON_IsObject(out));
        aws_rest_json_request rq;
        if (aws_rest_json_encode(&op, out, &rq, &e) == 0) {
            fuzz_check(rq.path[0] == '/' && rq.body != NULL);
            aws_rest_json_request_free(&rq);
        } else {
            fuzz_check(e.kind == AWS_ERR_INPUT && e.message[0] != '\0');
        }
        cJSON_Delete(out);
    } else {
        fuzz_check(out == NULL && e.kind == AWS_ERR_PARSE);
    }
}

static int aws_fuzz_xml_one(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    uint8_t sel = data[0];
    const char *body = (const char *)data + 1;
    size_t len = size - 1;
    cJSON *out = NULL;
    char rid[64], err[128];
    aws_xml_style style = (aws_xml_style)(sel % 3);
    if (aws_xml_to_json(body, len, style, (sel & 4) ? fuzz_lists : NULL, &out, rid, sizeof rid,
                        err, sizeof err) == 0) {
        fuzz_check(cJSON_IsObject(out));
        char *p = cJSON_PrintUnformatted(out);
        fuzz_check(p != NULL);
        free(p);
        cJSON_Delete(out);
    } else {
        fuzz_check(out == NULL && err[0] != '\0');
    }
    aws_xml_error xe;
    if (aws_xml_parse_error(body, len, &xe) == 0)
        fuzz_check(xe.code[0] != '\0');
    for (int proto = AWS_PROTO_JSON; proto <= AWS_PROTO_RESTJSON; proto++) {
        aws_error e;
        aws_error_from_response(&e, (aws_protocol)proto, 400 + (sel % 200), body, len,
                                (sel & 8) ? "Fuzz:http://x" : NULL, (sel & 16) ? "rid" : NULL);
        fuzz_check(e.code[0] != '\0' && e.message[0] != '\0' && e.kind == AWS_ERR_SERVICE);
    }
    fuzz_restjson(body, len);
    char *red = aws_wirelog_redact_body(body, len);
    fuzz_check(red != NULL);
    free(red);
    char *text = malloc(len + 1);
    memcpy(text, body, len);
    text[len] = '\0';
    aws_ini *ini = NULL;
    aws_error ie;
    if (aws_ini_parse(text, "fuzz", &ini, &ie) == 0)
        aws_ini_free(ini);
    else
        fuzz_check(ie.kind == AWS_ERR_CONFIG);
    free(text);
    return 0;
}

#ifdef AWS_FUZZ_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return aws_fuzz_xml_one(data, size);
}
#endif
