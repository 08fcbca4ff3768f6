#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "aws.h"
#include "aws_xml.h"
#include "unit_suite.h"

static cJSON *conv(const char *xml, aws_xml_style style, const char *const *lists, char *rid)
{
    cJSON *out = NULL;
    char err[200];
    char ridbuf[128];
    ck_assert_int_eq(aws_xml_to_json(xml, strlen(xml), style, lists, &out, rid ? rid : ridbuf,
                                     128, err, sizeof err),
                     0);
    return out;
}

static char *print(const cJSON *j)
{
    return cJSON_PrintUnformatted(j);
}

/* xml converted in `style` (lists: the names to read as lists; rid: where the request id
 * goes, or NULL) prints as the JSON `want`. */
static void converts_to(const char *xml, aws_xml_style style, const char *const *lists, char *rid,
                        const char *want)
{
    cJSON *o = conv(xml, style, lists, rid);
    char *s = print(o);
    ck_assert_str_eq(s, want);
    free(s);
    cJSON_Delete(o);
}

START_TEST(query_result_unwrapped_with_request_id)
{
    char rid[128];
    converts_to("<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                "<GetCallerIdentityResult><Arn>arn:aws:iam::1:user/a</Arn>"
                "<UserId>AID</UserId><Account>000000000000</Account>"
                "</GetCallerIdentityResult><ResponseMetadata><RequestId>r-1</RequestId>"
                "</ResponseMetadata></GetCallerIdentityResponse>",
                AWS_XML_QUERY, NULL, rid,
                "{\"Arn\":\"arn:aws:iam::1:user/a\",\"UserId\":\"AID\","
                "\"Account\":\"000000000000\"}");
    ck_assert_str_eq(rid, "r-1");
}
END_TEST

START_TEST(member_list_of_one_is_an_array)
{
    converts_to("<ListRolesResponse><ListRolesResult><Roles><member><RoleName>r</RoleName>"
                "</member></Roles><IsTruncated>false</IsTruncated></ListRolesResult>"
                "</ListRolesResponse>",
                AWS_XML_QUERY, NULL, NULL,
                "{\"Roles\":[{\"RoleName\":\"r\"}],\"IsTruncated\":\"false\"}");
}
END_TEST

START_TEST(empty_list_needs_hint)
{
    static const char *const lists[] = {"Roles", NULL};
    const char *xml = "<ListRolesResponse><ListRolesResult><Roles/><IsTruncated>false"
                      "</IsTruncated></ListRolesResult></ListRolesResponse>";
    converts_to(xml, AWS_XML_QUERY, lists, NULL, "{\"Roles\":[],\"IsTruncated\":\"false\"}");
    cJSON *o = conv(xml, AWS_XML_QUERY, NULL, NULL); /* without the hint: an empty string */
    ck_assert_str_eq(cJSON_GetObjectItem(o, "Roles")->valuestring, "");
    cJSON_Delete(o);
}
END_TEST

START_TEST(empty_result_is_empty_object)
{
    cJSON *o = conv("<DeleteRoleResponse><ResponseMetadata><RequestId>x</RequestId>"
                    "</ResponseMetadata></DeleteRoleResponse>",
                    AWS_XML_QUERY, NULL, NULL);
    ck_assert(cJSON_IsObject(o));
    ck_assert_ptr_null(o->child);
    cJSON_Delete(o);
}
END_TEST

START_TEST(ec2_items_and_request_id)
{
    char rid[128];
    converts_to("<DescribeVpcsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
                "<requestId>ec2-r</requestId><vpcSet><item><vpcId>vpc-1</vpcId>"
                "<tagSet><item><key>Name</key><value>a</value></item></tagSet></item>"
                "</vpcSet></DescribeVpcsResponse>",
                AWS_XML_EC2, NULL, rid,
                "{\"vpcSet\":[{\"vpcId\":\"vpc-1\",\"tagSet\":[{\"key\":\"Name\","
                "\"value\":\"a\"}]}]}");
    ck_assert_str_eq(rid, "ec2-r");
}
END_TEST

START_TEST(ec2_empty_set)
{
    static const char *const lists[] = {"vpcSet", NULL};
    converts_to("<DescribeVpcsResponse><requestId>r</requestId><vpcSet/>"
                "</DescribeVpcsResponse>",
                AWS_XML_EC2, lists, NULL, "{\"vpcSet\":[]}");
}
END_TEST

START_TEST(s3_flattened_and_wrapped)
{
    static const char *const lists[] = {"Contents", "CommonPrefixes", "TagSet/Tag", NULL};
    converts_to("<ListBucketResult><Name>b</Name><IsTruncated>false</IsTruncated>"
                "<Contents><Key>one</Key><Size>3</Size></Contents></ListBucketResult>",
                AWS_XML_REST, lists, NULL,
                "{\"Name\":\"b\",\"IsTruncated\":\"false\",\"Contents\":[{\"Key\":"
                "\"one\",\"Size\":\"3\"}]}");
    converts_to("<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>",
                AWS_XML_REST, lists, NULL, "{\"TagSet\":[{\"Key\":\"k\",\"Value\":\"v\"}]}");
    converts_to("<Tagging><TagSet></TagSet></Tagging>", AWS_XML_REST, lists, NULL,
                "{\"TagSet\":[]}");
}
END_TEST

/* Flattened lists of text (S3's CORS rules: repeated <AllowedMethod>) are strings. */
START_TEST(s3_flattened_text)
{
    static const char *const lists[] = {"CORSRule", "AllowedMethod", NULL};
    converts_to("<CORSConfiguration><CORSRule><AllowedMethod>GET</AllowedMethod>"
                "<AllowedMethod>HEAD</AllowedMethod></CORSRule><CORSRule><AllowedMethod>PUT"
                "</AllowedMethod></CORSRule></CORSConfiguration>",
                AWS_XML_REST, lists, NULL,
                "{\"CORSRule\":[{\"AllowedMethod\":[\"GET\",\"HEAD\"]},"
                "{\"AllowedMethod\":[\"PUT\"]}]}");
}
END_TEST

START_TEST(repeated_siblings_without_hint)
{
    converts_to("<R><V><K>a</K></V><V><K>b</K></V><V><K>c</K></V></R>", AWS_XML_REST, NULL, NULL,
                "{\"V\":[{\"K\":\"a\"},{\"K\":\"b\"},{\"K\":\"c\"}]}");
}
END_TEST

START_TEST(query_map_entries)
{
    converts_to("<XResponse><XResult><Attrs><entry><key>a</key><value>1</value></entry>"
                "<entry><key>b</key><value>2</value></entry></Attrs></XResult></XResponse>",
                AWS_XML_QUERY, NULL, NULL, "{\"Attrs\":{\"a\":\"1\",\"b\":\"2\"}}");
}
END_TEST

START_TEST(escapes_decoded)
{
    cJSON *o = conv("<R><A>a&amp;b&lt;c&gt;&quot;</A></R>", AWS_XML_REST, NULL, NULL);
    ck_assert_str_eq(cJSON_GetObjectItem(o, "A")->valuestring, "a&b<c>\"");
    cJSON_Delete(o);
}
END_TEST

START_TEST(malformed_refused)
{
    cJSON *o = (cJSON *)1;
    char err[200];
    ck_assert_int_eq(aws_xml_to_json("<a><b></a>", 10, AWS_XML_REST, NULL, &o, NULL, 0, err,
                                     sizeof err),
                     -1);
    ck_assert_ptr_null(o);
    ck_assert_ptr_nonnull(strstr(err, "XML"));
    ck_assert_int_eq(aws_xml_to_json("", 0, AWS_XML_REST, NULL, &o, NULL, 0, err, sizeof err), -1);
}
END_TEST

START_TEST(no_entity_expansion)
{
    const char *xml = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM "
                      "\"file:///etc/passwd\">]><r><a>&x;</a></r>";
    cJSON *o = NULL;
    char err[200];
    if (aws_xml_to_json(xml, strlen(xml), AWS_XML_REST, NULL, &o, NULL, 0, err, sizeof err) == 0) {
        const char *a = cJSON_GetStringValue(cJSON_GetObjectItem(o, "a"));
        ck_assert(!a || !strstr(a, "root:"));
    }
    cJSON_Delete(o);
}
END_TEST

START_TEST(error_bodies)
{
    aws_xml_error e;
    const char *q = "<ErrorResponse><Error><Type>Sender</Type><Code>NoSuchEntity</Code>"
                    "<Message>Role x not found</Message></Error><RequestId>q1</RequestId>"
                    "</ErrorResponse>";
    ck_assert_int_eq(aws_xml_parse_error(q, strlen(q), &e), 0);
    ck_assert_str_eq(e.code, "NoSuchEntity");
    ck_assert_str_eq(e.message, "Role x not found");
    ck_assert_str_eq(e.request_id, "q1");
    const char *ec2 = "<Response><Errors><Error><Code>InvalidVpcID.NotFound</Code><Message>"
                      "nope</Message></Error></Errors><RequestID>e1</RequestID></Response>";
    ck_assert_int_eq(aws_xml_parse_error(ec2, strlen(ec2), &e), 0);
    ck_assert_str_eq(e.code, "InvalidVpcID.NotFound");
    ck_assert_str_eq(e.request_id, "e1");
    const char *s3 = "<Error><Code>NoSuchBucket</Code><Message>m</Message><RequestId>s1"
                     "</RequestId></Error>";
    ck_assert_int_eq(aws_xml_parse_error(s3, strlen(s3), &e), 0);
    ck_assert_str_eq(e.code, "NoSuchBucket");
    ck_assert_str_eq(e.request_id, "s1");
    ck_assert_int_eq(aws_xml_parse_error("<x/>", 4, &e), -1);
    ck_assert_int_eq(aws_xml_parse_error("junk", 4, &e), -1);
}
END_TEST

START_TEST(json_to_xml)
{
    cJSON *in = cJSON_Parse("{\"Object\":[{\"Key\":\"a&b\"},{\"Key\":\"c\",\"VersionId\":\"v\"}],"
                            "\"Quiet\":true,\"N\":5}");
    char *x = aws_xml_from_json("Delete", "http://s3.amazonaws.com/doc/2006-03-01/", in);
    ck_assert_str_eq(x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Delete xmlns=\"http://"
                        "s3.amazonaws.com/doc/2006-03-01/\"><Object><Key>a&amp;b</Key></Object>"
                        "<Object><Key>c</Key><VersionId>v</VersionId></Object><Quiet>true"
                        "</Quiet><N>5</N></Delete>");
    free(x);
    cJSON_Delete(in);
}
END_TEST

/* Numbers in answers that no long long can hold: the default, never undefined behaviour
 * (issue 16; the sanitizer build checks float-cast-overflow). */
START_TEST(json_int_out_of_range)
{
    cJSON *o = cJSON_Parse("{\"big\":1e300,\"neg\":-1e300,\"edge\":9.3e18,\"ok\":-42,"
                           "\"max\":9.2e18,\"s\":\"99999999999999999999\"}");
    ck_assert(aws_json_int(o, "big", 7) == 7);
    ck_assert(aws_json_int(o, "neg", 7) == 7);
    ck_assert(aws_json_int(o, "edge", 7) == 7);
    ck_assert(aws_json_int(o, "ok", 7) == -42);
    ck_assert(aws_json_int(o, "max", 7) == 9200000000000000000LL);
    ck_assert(aws_json_int(o, "s", 7) == 7);
    cJSON_Delete(o);
}
END_TEST

UNIT_SUITE(aws_xml, 0, query_result_unwrapped_with_request_id, member_list_of_one_is_an_array,
           empty_list_needs_hint, empty_result_is_empty_object, ec2_items_and_request_id,
           ec2_empty_set, s3_flattened_and_wrapped, s3_flattened_text,
           repeated_siblings_without_hint, query_map_entries, escapes_decoded, malformed_refused,
           no_entity_expansion, error_bodies, json_to_xml, json_int_out_of_range)
