#!/usr/bin/python3
"""The ec2 and rest-xml (S3) wire protocols, and ELBv2's query, against the local fake:
EC2 flattened lists (Filter.N.Value.M, TagSpecification.N.Tag.M), item wrappers as arrays
(one element and none), S3 bucket operations, path-style addressing, Content-MD5,
versioned listing and batch delete, HEAD errors without a body."""
import json

from awscall import last_result, run_tool, tool_env  # noqa: E402 (also: fakelib on the path)
from fakelib import Fake, Report  # noqa: E402

r = Report()


def call(fake, *args, inp=None):
    argv = list(args) + ([json.dumps(inp)] if inp is not None else [])
    return last_result(*run_tool(argv, tool_env(AWS_ENDPOINT_URL=fake.url)))


def out(res, what):
    r.check(res.get("ok"), f"{what}: {res.get('error')}")
    return res.get("output", {})


XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/"

with Fake() as f:
    # ---- EC2 ----
    o = out(call(f, "ec2", "ec2", "CreateVpc", inp={
        "CidrBlock": "10.1.0.0/16",
        "TagSpecification": [{"ResourceType": "vpc", "Tag": [{"Key": "ecsdeploy:stack", "Value": "s"},
                                                             {"Key": "Name", "Value": "s-vpc"}]}]}), "CreateVpc")
    vpc = o.get("vpc", {}).get("vpcId", "")
    r.check(vpc.startswith("vpc-"), f"CreateVpc returns the id: {o}")
    r.eq(sorted(t["key"] for t in o.get("vpc", {}).get("tagSet", [])), ["Name", "ecsdeploy:stack"],
         "TagSpecification.1.Tag.N reached the fake")
    o = out(call(f, "--lists", "vpcSet", "ec2", "ec2", "DescribeVpcs",
                 inp={"Filter": [{"Name": "tag:ecsdeploy:stack", "Value": ["x", "s"]}]}), "DescribeVpcs")
    r.eq([v.get("vpcId") for v in o.get("vpcSet", [])], [vpc], "Filter.1.Value.2 matches; one VPC is an array")
    o = out(call(f, "--lists", "vpcSet", "ec2", "ec2", "DescribeVpcs",
                 inp={"Filter": [{"Name": "tag:ecsdeploy:stack", "Value": ["none"]}]}), "DescribeVpcs empty")
    r.eq(o.get("vpcSet"), [], "no match is an empty array")
    res = call(f, "ec2", "ec2", "DescribeVpcs", inp={"VpcId": ["vpc-0123456789abcdef0"]})
    r.eq(res.get("error", {}).get("code"), "InvalidVpcID.NotFound", "EC2 error code")
    r.check(res.get("error", {}).get("request_id"), "EC2 error request id")

    # ---- ELBv2 (query) ----
    o = out(call(f, "--lists", "LoadBalancers", "query", "elbv2", "DescribeLoadBalancers"), "DescribeLoadBalancers")
    r.eq(o.get("LoadBalancers"), [], "ELBv2 empty list")
    res = call(f, "query", "elbv2", "DescribeLoadBalancers", inp={"Names": ["nope"]})
    r.eq(res.get("error", {}).get("code"), "LoadBalancerNotFound", "ELBv2 error code")

    # ---- S3 ----
    create = (f"<CreateBucketConfiguration xmlns=\"{XMLNS}\"><LocationConstraint>eu-west-1"
              "</LocationConstraint></CreateBucketConfiguration>")
    o = out(call(f, "s3", "s3", "PUT", inp={"bucket": "ecsd-data", "body": create}), "CreateBucket")
    r.check("location" in o.get("Headers", {}), f"CreateBucket headers: {o}")
    tagging = "<Tagging><TagSet><Tag><Key>ecsdeploy:stack</Key><Value>s</Value></Tag></TagSet></Tagging>"
    out(call(f, "s3", "s3", "PUT", inp={"bucket": "ecsd-data", "query": "tagging", "md5": True,
                                         "body": tagging}), "PutBucketTagging")
    o = out(call(f, "--lists", "TagSet/Tag", "s3", "s3", "GET", inp={"bucket": "ecsd-data", "query": "tagging"}),
            "GetBucketTagging")
    r.eq(o.get("TagSet"), [{"Key": "ecsdeploy:stack", "Value": "s"}], "a one-tag TagSet is an array")
    out(call(f, "s3", "s3", "PUT", inp={"bucket": "ecsd-data", "query": "versioning", "md5": True, "body":
                                         f"<VersioningConfiguration xmlns=\"{XMLNS}\"><Status>Enabled</Status>"
                                         "</VersioningConfiguration>"}), "PutBucketVersioning")
    for key in ("a b/c.txt", "a b/c.txt", "d+e&f.txt"):
        out(call(f, "s3", "s3", "PUT", inp={"bucket": "ecsd-data", "key": key, "body": "x"}), f"PutObject {key}")
    o = out(call(f, "--lists", "Version,DeleteMarker", "s3", "s3", "GET",
                 inp={"bucket": "ecsd-data", "query": "versions"}), "ListObjectVersions")
    versions = o.get("Version", [])
    r.eq(sorted(v["Key"] for v in versions), ["a b/c.txt", "a b/c.txt", "d+e&f.txt"],
         "versions listed under their keys (special characters kept)")
    objs = "".join(f"<Object><Key>{v['Key'].replace('&', '&amp;')}</Key><VersionId>{v['VersionId']}</VersionId></Object>"
                   for v in versions)
    o = out(call(f, "--lists", "Deleted,Error", "s3", "s3", "POST",
                 inp={"bucket": "ecsd-data", "query": "delete", "md5": True,
                      "body": f"<Delete xmlns=\"{XMLNS}\">{objs}<Quiet>false</Quiet></Delete>"}), "DeleteObjects")
    r.eq(len(o.get("Deleted", [])), 3, "batch delete of every version")
    r.eq(o.get("Error", []), [], "no per-object errors")
    res = call(f, "s3", "s3", "POST", inp={"bucket": "ecsd-data", "query": "delete",
                                           "body": f"<Delete xmlns=\"{XMLNS}\">{objs}</Delete>"})
    r.check(not res.get("ok"), "DeleteObjects without Content-MD5 is refused")
    o = out(call(f, "--lists", "Version,DeleteMarker", "s3", "s3", "GET",
                 inp={"bucket": "ecsd-data", "query": "versions"}), "ListObjectVersions empty")
    r.eq((o.get("Version", []), o.get("DeleteMarker", [])), ([], []), "bucket empty")
    out(call(f, "s3", "s3", "DELETE", inp={"bucket": "ecsd-data"}), "DeleteBucket")
    res = call(f, "s3", "s3", "HEAD", inp={"bucket": "ecsd-data"})
    r.eq((res.get("error", {}).get("code"), res.get("error", {}).get("status")), ("NotFound", 404),
         "HEAD of a deleted bucket: 404 without a body")
    res = call(f, "s3", "s3", "GET", inp={"bucket": "ecsd-data", "query": "tagging"})
    r.eq(res.get("error", {}).get("code"), "NoSuchBucket", "S3 error body read")

r.finish()
