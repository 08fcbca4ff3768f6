#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "aws_form.h"
#include "unit_suite.h"

static char *enc(aws_protocol p, const char *json, const char *const *maps)
{
    cJSON *in = json ? cJSON_Parse(json) : NULL;
    aws_error err;
    char *s = aws_form_encode(p, "Act", "2011-06-15", in, maps, &err);
    ck_assert_ptr_nonnull(s);
    cJSON_Delete(in);
    return s;
}

START_TEST(query_scalars_and_structs)
{
    char *s = enc(AWS_PROTO_QUERY, "{\"RoleName\":\"a b/c\",\"Max\":10,\"On\":true,"
                                   "\"Nested\":{\"X\":\"y\"},\"Skip\":null}", NULL);
    ck_assert_str_eq(s, "Action=Act&Version=2011-06-15&RoleName=a%20b%2Fc&Max=10&On=true&"
                        "Nested.X=y");
    free(s);
}
END_TEST

START_TEST(query_lists_one_and_empty)
{
    char *s = enc(AWS_PROTO_QUERY, "{\"Arns\":[\"a\"],\"Tags\":[{\"Key\":\"k\",\"Value\":\"v\"},"
                                   "{\"Key\":\"k2\",\"Value\":\"v2\"}],\"Empty\":[]}", NULL);
    ck_assert_str_eq(s, "Action=Act&Version=2011-06-15&Arns.member.1=a&Tags.member.1.Key=k&"
                        "Tags.member.1.Value=v&Tags.member.2.Key=k2&Tags.member.2.Value=v2&"
                        "Empty=");
    free(s);
}
END_TEST

START_TEST(query_maps)
{
    static const char *const maps[] = {"Attributes", NULL};
    char *s = enc(AWS_PROTO_QUERY, "{\"Attributes\":{\"a\":\"1\",\"b\":\"2\"}}", maps);
    ck_assert_str_eq(s, "Action=Act&Version=2011-06-15&Attributes.entry.1.key=a&"
                        "Attributes.entry.1.value=1&Attributes.entry.2.key=b&"
                        "Attributes.entry.2.value=2");
    free(s);
}
END_TEST

/* RDS and ElastiCache name their list elements: "Tags/Tag" gives Tags.Tag.N. */
START_TEST(query_named_list_members)
{
    static const char *const hints[] = {"Tags/Tag", "Filters/Filter", "Values/Value",
                                        "Attributes", NULL};
    char *s = enc(AWS_PROTO_QUERY,
                  "{\"Tags\":[{\"Key\":\"k\",\"Value\":\"v\"}],\"TagKeys\":[\"a\"],"
                  "\"Filters\":[{\"Name\":\"engine\",\"Values\":[\"postgres\",\"mysql\"]}],"
                  "\"Attributes\":{\"x\":\"1\"},\"Empty\":[]}",
                  hints);
    ck_assert_str_eq(s, "Action=Act&Version=2011-06-15&Tags.Tag.1.Key=k&Tags.Tag.1.Value=v&"
                        "TagKeys.member.1=a&Filters.Filter.1.Name=engine&"
                        "Filters.Filter.1.Values.Value.1=postgres&"
                        "Filters.Filter.1.Values.Value.2=mysql&Attributes.entry.1.key=x&"
                        "Attributes.entry.1.value=1&Empty=");
    free(s);
}
END_TEST

START_TEST(ec2_flattened_lists)
{
    char *s = enc(AWS_PROTO_EC2,
                  "{\"VpcId\":[\"vpc-1\"],\"Filter\":[{\"Name\":\"tag:a\",\"Value\":[\"x\",\"y\"]}],"
                  "\"TagSpecification\":[{\"ResourceType\":\"vpc\",\"Tag\":[{\"Key\":\"k\","
                  "\"Value\":\"v\"}]}]}",
                  NULL);
    ck_assert_str_eq(s, "Action=Act&Version=2011-06-15&VpcId.1=vpc-1&Filter.1.Name=tag%3Aa&"
                        "Filter.1.Value.1=x&Filter.1.Value.2=y&TagSpecification.1.ResourceType=vpc&"
                        "TagSpecification.1.Tag.1.Key=k&TagSpecification.1.Tag.1.Value=v");
    free(s);
}
END_TEST

START_TEST(no_input_and_unicode)
{
    char *s = enc(AWS_PROTO_QUERY, NULL, NULL);
    ck_assert_str_eq(s, "Action=Act&Version=2011-06-15");
    free(s);
    s = enc(AWS_PROTO_QUERY, "{\"D\":\"caf\\u00e9 ~*\"}", NULL);
    ck_assert_str_eq(s, "Action=Act&Version=2011-06-15&D=caf%C3%A9%20~%2A");
    free(s);
}
END_TEST

START_TEST(escape_and_unescape)
{
    char *e = aws_form_escape("a b/c~{}");
    ck_assert_str_eq(e, "a%20b%2Fc~%7B%7D");
    free(e);
    /* IAM's URL-encoded policy documents: '+' stays, broken escapes stay as they are */
    char *d = aws_form_unescape("%7B%22a%22%3A1%7D+%zz%4");
    ck_assert_str_eq(d, "{\"a\":1}+%zz%4");
    free(d);
    d = aws_form_unescape("");
    ck_assert_str_eq(d, "");
    free(d);
}
END_TEST

START_TEST(bad_input_refused)
{
    aws_error err;
    cJSON *arr = cJSON_Parse("[1]");
    ck_assert_ptr_null(aws_form_encode(AWS_PROTO_QUERY, "Act", "v", arr, NULL, &err));
    ck_assert_int_eq(err.kind, AWS_ERR_INPUT);
    cJSON_Delete(arr);
    cJSON *deep = cJSON_CreateObject(), *cur = deep;
    for (int i = 0; i < 40; i++)
        cur = cJSON_AddObjectToObject(cur, "A");
    cJSON_AddStringToObject(cur, "B", "x");
    ck_assert_ptr_null(aws_form_encode(AWS_PROTO_QUERY, "Act", "v", deep, NULL, &err));
    ck_assert_ptr_nonnull(strstr(err.message, "nests"));
    cJSON_Delete(deep);
}
END_TEST

UNIT_SUITE(aws_form, 0, query_scalars_and_structs, query_lists_one_and_empty, query_maps,
           query_named_list_members, ec2_flattened_lists, no_input_and_unicode, escape_and_unescape,
           bad_input_refused)
