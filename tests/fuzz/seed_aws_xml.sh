#!/bin/sh
# Seeds for fuzz_aws_xml: one document per protocol shape (first byte picks the parser).
printf '\001<ListRolesResponse><ListRolesResult><Roles><member><RoleName>r</RoleName></member></Roles></ListRolesResult></ListRolesResponse>' >"$1/query"
printf '\005<DescribeVpcsResponse><requestId>r</requestId><vpcSet><item><vpcId>v</vpcId></item></vpcSet></DescribeVpcsResponse>' >"$1/ec2"
printf '\006<ListBucketResult><Contents><Key>k</Key></Contents></ListBucketResult>' >"$1/s3"
printf '\000<ErrorResponse><Error><Code>Throttling</Code><Message>m</Message></Error></ErrorResponse>' >"$1/error"
printf '\000{"__type":"a#B","message":"m"}' >"$1/json"
printf '\000{"Id":"fs-1","Key":"a/b","Max":3,"Keys":["k"],"Token":"t","Body":{"n":1}}' >"$1/restjson"
printf '\010{"ErrorCode":"FileSystemNotFound","Message":"m"}' >"$1/restjson-error"
