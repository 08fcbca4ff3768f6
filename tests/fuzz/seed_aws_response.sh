#!/bin/sh
# Seeds for fuzz_aws_response: AWS-shaped answers (first byte: status class, Content-Type,
# operations; see the target), successes and errors of every protocol.
d=$1
printf '\003{"services":[{"serviceName":"web","desiredCount":1,"deployments":[{"status":"PRIMARY"}]}],"failures":[]}' >"$d/json"
printf '\003{"__type":"com.amazonaws.ecs#ClusterNotFoundException:http://internal.amazon.com/","message":"Cluster not found."}' >"$d/json-error"
printf '\002<GetRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetRoleResult><Role><RoleName>r</RoleName><Tags><member><Key>k</Key><Value>v</Value></member></Tags></Role></GetRoleResult><ResponseMetadata><RequestId>q</RequestId></ResponseMetadata></GetRoleResponse>' >"$d/query"
printf '\042<ErrorResponse><Errors><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>m</Message></Error></Errors><RequestId>r</RequestId></ErrorResponse>' >"$d/query-errors"
printf '\042<ErrorResponse><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>m</Message></Error><RequestId>r</RequestId></ErrorResponse>' >"$d/query-error"
printf '\001<DescribeVpcsResponse><requestId>r</requestId><vpcSet><item><vpcId>vpc-1</vpcId><tagSet><item><key>k</key><value>v</value></item></tagSet></item></vpcSet></DescribeVpcsResponse>' >"$d/ec2"
printf '\101<Response><Errors><Error><Code>InvalidVpcID.NotFound</Code><Message>m</Message></Error></Errors><RequestID>r</RequestID></Response>' >"$d/ec2-error"
printf '\011<ListBucketResult><Name>b</Name><Contents><Key>a</Key><Size>1</Size></Contents><IsTruncated>false</IsTruncated></ListBucketResult>' >"$d/s3-list"
printf '\201<Error><Code>NoSuchBucketPolicy</Code><Message>The bucket policy does not exist</Message><BucketName>b</BucketName></Error>' >"$d/s3-error"
printf '\021{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*"}]}' >"$d/s3-policy"
printf '\005<html><body>502 Bad Gateway</body></html>' >"$d/html"
printf '\000' >"$d/empty"
