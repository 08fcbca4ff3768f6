/*
 * A bounded, deterministic random run of the AWS parser fuzz targets
 * (tests/fuzz/fuzz_aws_xml.c, tests/fuzz/fuzz_aws_response.c: whole answers through the
 * decoders calls use, and the error reader) inside `make check`, under ASan and UBSan:
 * seed documents of every response style, mutated (byte flips, insertions of markup characters,
 * deletions, splices), plus raw random bytes. Longer, coverage-guided runs:
 * tests/fuzz/run.sh (make fuzz).
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit_suite.h"

#include "../fuzz/fuzz_aws_xml.c"
#include "../fuzz/fuzz_aws_response.c"

#define FUZZ_RUNS 12000

static const char *const seeds[] = {
    "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>a</Arn></GetCallerIdentityResult>"
    "<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>",
    "<DescribeVpcsResponse><requestId>r</requestId><vpcSet><item><vpcId>v</vpcId><tagSet><item>"
    "<key>k</key><value>v</value></item></tagSet></item></vpcSet></DescribeVpcsResponse>",
    "<ListBucketResult><Contents><Key>k</Key></Contents><Contents><Key>j</Key></Contents>"
    "<IsTruncated>true</IsTruncated></ListBucketResult>",
    "<ErrorResponse><Error><Code>Throttling</Code><Message>m</Message></Error><RequestId>q"
    "</RequestId></ErrorResponse>",
    "<Response><Errors><Error><Code>X</Code><Message>m</Message></Error></Errors><RequestID>e"
    "</RequestID></Response>",
    "<Error><Code>NoSuchKey</Code><Message>m</Message></Error>",
    "<R><M><entry><key>a</key><value>1</value></entry></M><Roles/></R>",
    "{\"__type\":\"a#B:c\",\"message\":\"m\",\"SecretString\":\"s\"}",
    "{\"Id\":\"fs-1\",\"Key\":\"a/b c\",\"Max\":10,\"Keys\":[\"x\",\"y\"],\"Token\":\"t\","
    "\"Body\":{\"n\":[1,2.5,true,null]}}",
    "{\"ErrorCode\":\"FileSystemNotFound\",\"Message\":\"m\",\"FileSystemId\":\"fs-1\"}",
    "[default]\nregion = x\ns3 =\n  a = b\n",
    "<ErrorResponse><Errors><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>m"
    "</Message></Error></Errors><RequestId>r</RequestId></ErrorResponse>",
    "{\"services\":[{\"serviceName\":\"web\",\"deployments\":[{\"status\":\"PRIMARY\"}]}],"
    "\"failures\":[]}",
    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"s3:*\"}]}",
    "<html><body>502 Bad Gateway</body></html>",
    "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY e \"xx\">]><r>&e;&amp;</r>",
};

static uint64_t rng;

static uint32_t next(void)
{
    return (uint32_t)(test_xorshift(&rng) >> 11);
}

static size_t mutate(uint8_t *buf, size_t len, size_t cap)
{
    static const char markup[] = "<></>&;=\"'[]{}:#\n member item entry key value Error Code";
    int rounds = 1 + (int)(next() % 6);
    for (int r = 0; r < rounds; r++) {
        uint32_t op = next() % 4, pos = len ? next() % (uint32_t)len : 0;
        if (op == 0 && len) {
            buf[pos] = (uint8_t)next();
        } else if (op == 1 && len + 8 < cap) {
            size_t n = 1 + next() % 8;
            memmove(buf + pos + n, buf + pos, len - pos);
            for (size_t k = 0; k < n; k++)
                buf[pos + k] = (uint8_t)markup[next() % (sizeof markup - 1)];
            len += n;
        } else if (op == 2 && len) {
            size_t n = 1 + next() % 16;
            if (pos + n > len)
                n = len - pos;
            memmove(buf + pos, buf + pos + n, len - pos - n);
            len -= n;
        } else if (len) { /* splice: repeat a chunk (deep nesting, repeated siblings) */
            size_t n = next() % 32;
            if (pos + n > len)
                n = len - pos;
            if (len + n < cap) {
                memmove(buf + pos + n, buf + pos, len - pos);
                len += n;
            }
        }
    }
    return len;
}

START_TEST(fuzz_target_random_run)
{
    rng = 0xD1B54A32D192ED03ull;
    uint8_t data[2048];
    size_t total = 0, nseeds = sizeof seeds / sizeof seeds[0];
    for (int i = 0; i < FUZZ_RUNS; i++) {
        size_t len;
        data[0] = (uint8_t)next();
        if (i % 8 == 7) {
            len = 1 + next() % 200;
            for (size_t k = 1; k < len; k++)
                data[k] = (uint8_t)next();
        } else {
            const char *s = seeds[next() % nseeds];
            len = 1 + strlen(s);
            memcpy(data + 1, s, len - 1);
            len = 1 + mutate(data + 1, len - 1, sizeof data - 1);
        }
        ck_assert_int_eq(aws_fuzz_xml_one(data, len), 0);
        ck_assert_int_eq(aws_fuzz_response_one(data, len), 0);
        total += len;
    }
    /* Pathological nesting is refused, not recursed into without bound. */
    static char deep[2048];
    size_t n = 1;
    deep[0] = 0;
    for (int d = 0; d < 150; d++)
        n += (size_t)snprintf(deep + n, sizeof deep - n, "<a>");
    for (int d = 0; d < 150; d++)
        n += (size_t)snprintf(deep + n, sizeof deep - n, "</a>");
    cJSON *o = NULL;
    char why[128];
    ck_assert_int_eq(aws_xml_to_json(deep + 1, n - 1, AWS_XML_REST, NULL, &o, NULL, 0, why,
                                     sizeof why), -1);
    ck_assert_ptr_nonnull(strstr(why, "nested"));
    ck_assert_int_eq(aws_fuzz_xml_one((const uint8_t *)deep, n), 0);
    fprintf(stderr, "aws fuzz: %d inputs (%zu bytes) through the response parsers and "
                    "decoders\n", FUZZ_RUNS, total);
}
END_TEST

UNIT_SUITE(aws_fuzz, 300, fuzz_target_random_run)
