#!/usr/bin/python3
"""SSM Parameter Store of the fake, driven through its handlers: types, versions,
selectors, tiers and their limits, KMS keys, tags, labels, paths, filters, pages, the
refusals, and that a SecureString value never leaves except decrypted on request."""

import json
import sys

from test_net_common import Net, expect, run_tests

SECRET = "s3cr3t-VALUE"


def setup():
    return Net(services=("kms", "ssm", "iam"))


def put(n, name, value, **kw):
    return n.call("ssm", "PutParameter", Name=name, Value=value, **kw)


def test_types_versions_and_overwrite():
    n = setup()
    expect(put(n, "/app/port", "8080", Type="String", Description="port") == {"Version": 1, "Tier": "Standard"})
    e = n.fails("ParameterAlreadyExists", "ssm", "PutParameter", Name="/app/port", Value="9", Type="String")
    expect("overwrite" in e.message)
    expect(put(n, "/app/port", "9090", Overwrite=True)["Version"] == 2, "Type may be left out on overwrite")
    expect(put(n, "/app/port", "9090", Overwrite=True)["Version"] == 3, "the same value is a new version too")
    p = n.call("ssm", "GetParameter", Name="/app/port")["Parameter"]
    expect(p["Value"] == "9090" and p["Version"] == 3 and p["Type"] == "String" and p["DataType"] == "text")
    expect(p["ARN"] == "arn:aws:ssm:us-east-1:000000000000:parameter/app/port")
    old = n.call("ssm", "GetParameter", Name="/app/port:1")["Parameter"]
    expect(old["Value"] == "8080" and old["Selector"] == ":1" and old["Name"] == "/app/port")
    n.fails("ParameterVersionNotFound", "ssm", "GetParameter", Name="/app/port:9")
    n.fails("HierarchyTypeMismatchException", "ssm", "PutParameter", Name="/app/port", Value="x",
            Type="SecureString", Overwrite=True)
    n.fails("ValidationException", "ssm", "PutParameter", Name="/app/new", Value="x")
    expect(put(n, "plain", "a,b,c", Type="StringList")["Version"] == 1)
    by_arn = n.call("ssm", "GetParameter", Name="arn:aws:ssm:us-east-1:000000000000:parameter/plain")
    expect(by_arn["Parameter"]["Value"] == "a,b,c")
    meta = n.call("ssm", "DescribeParameters", ParameterFilters=[{"Key": "Name", "Values": ["/app/port"]}])
    expect(meta["Parameters"][0]["Description"] == "port", "the description stays when not given again")
    hist = n.call("ssm", "GetParameterHistory", Name="/app/port")["Parameters"]
    expect([h["Version"] for h in hist] == [1, 2, 3] and hist[0]["Value"] == "8080")


def test_names():
    n = setup()
    for bad in ("aws-thing", "/ssm/x", "SSMx", "/a b", "a/b", "/a//b", "/a/"):
        n.fails("ValidationException", "ssm", "PutParameter", Name=bad, Value="v", Type="String")
    n.fails("HierarchyLevelLimitExceededException", "ssm", "PutParameter",
            Name="/" + "/".join(f"l{i}" for i in range(16)), Value="v", Type="String")
    put(n, "/" + "/".join(f"l{i}" for i in range(15)), "v", Type="String")
    n.fails("ParameterNotFound", "ssm", "GetParameter", Name="/missing")
    n.fails("ParameterNotFound", "ssm", "GetParameter", Name="arn:aws:ssm:eu-west-1:000000000000:parameter/x")


def test_secure_strings_and_keys():
    n = setup()
    put(n, "/app/db", SECRET, Type="SecureString")
    enc = n.call("ssm", "GetParameter", Name="/app/db")["Parameter"]["Value"]
    expect(enc != SECRET and SECRET not in enc, "without WithDecryption: the ciphertext")
    dec = n.call("ssm", "GetParameter", Name="/app/db", WithDecryption=True)["Parameter"]["Value"]
    expect(dec == SECRET)
    meta = n.call("ssm", "DescribeParameters")["Parameters"][0]
    expect(meta["KeyId"] == "alias/aws/ssm")
    from fakeaws.core import RequestContext
    ctx = RequestContext(n.world, "kms", "x", "us-east-1", "test", "r", "h")
    key = n.kms.CreateKey({}, ctx)["KeyMetadata"]["KeyId"]
    n.fails("InvalidKeyId", "ssm", "PutParameter", Name="/app/k", Value="v", Type="SecureString",
            KeyId="alias/not-there")
    n.fails("ValidationException", "ssm", "PutParameter", Name="/app/k", Value="v", Type="String", KeyId=key)
    put(n, "/app/k", SECRET, Type="SecureString", KeyId=key)
    n.kms.DisableKey({"KeyId": key}, ctx)
    n.fails("InvalidKeyId", "ssm", "GetParameter", Name="/app/k", WithDecryption=True)
    expect(n.call("ssm", "GetParameter", Name="/app/k")["Parameter"]["Value"] != SECRET)
    ssm = n.world.svc("ssm")
    listing = json.dumps(ssm.resources())
    expect(SECRET not in listing and "/app/db" in listing, "resources never show a SecureString value")
    n.kms.EnableKey({"KeyId": key}, ctx)
    got = ssm.parameter_for_task("us-east-1", "000000000000", "/app/k")
    expect(got["value"] == SECRET and got["customer_key"].endswith(key))
    expect(ssm.parameter_for_task("us-east-1", "000000000000", "/app/db")["customer_key"] is None,
           "the AWS managed key needs no kms:Decrypt grant")
    e = n.fails("ParameterPatternMismatchException", "ssm", "PutParameter", Name="/app/p", Value=SECRET,
                Type="SecureString", AllowedPattern="^[0-9]+$")
    expect(SECRET not in e.message, "a refusal never repeats the value")
    n.fails("InvalidAllowedPatternException", "ssm", "PutParameter", Name="/app/p", Value="1",
            Type="String", AllowedPattern="([")


def test_tiers_and_sizes():
    n = setup()
    n.fails("ValidationException", "ssm", "PutParameter", Name="/big", Value="x" * 4097, Type="String")
    put(n, "/edge", "é" * 2048, Type="String")                      # 4096 bytes
    n.fails("ValidationException", "ssm", "PutParameter", Name="/edge2", Value="é" * 2048 + "x", Type="String")
    expect(put(n, "/big", "x" * 8192, Type="String", Tier="Advanced")["Tier"] == "Advanced")
    n.fails("ValidationException", "ssm", "PutParameter", Name="/big2", Value="x" * 8193, Type="String",
            Tier="Advanced")
    n.fails("ValidationException", "ssm", "PutParameter", Name="/big", Value="x", Tier="Standard", Overwrite=True)
    expect(put(n, "/big", "x", Overwrite=True)["Tier"] == "Advanced", "an advanced parameter stays advanced")
    expect(put(n, "/auto", "x" * 5000, Type="String", Tier="Intelligent-Tiering")["Tier"] == "Advanced")
    expect(put(n, "/auto2", "x", Type="String", Tier="Intelligent-Tiering")["Tier"] == "Standard")
    n.fails("ValidationException", "ssm", "PutParameter", Name="/empty", Value="", Type="String")
    n.fails("IncompatiblePolicyException", "ssm", "PutParameter", Name="/pol", Value="x", Type="String",
            Policies=json.dumps([{"Type": "Expiration", "Version": "1.0",
                                  "Attributes": {"Timestamp": "2030-01-01T00:00:00Z"}}]))
    put(n, "/pol", "x", Type="String", Tier="Advanced", Policies=json.dumps(
        [{"Type": "Expiration", "Version": "1.0", "Attributes": {"Timestamp": "2030-01-01T00:00:00Z"}}]))
    meta = n.call("ssm", "DescribeParameters", ParameterFilters=[{"Key": "Name", "Values": ["/pol"]}])
    expect(meta["Parameters"][0]["Policies"][0]["PolicyType"] == "Expiration")


def test_hundred_versions_and_labels():
    n = setup()
    put(n, "/v", "0", Type="String")
    for i in range(1, 100):
        put(n, "/v", str(i), Overwrite=True)
    lab = n.call("ssm", "LabelParameterVersion", Name="/v", ParameterVersion=1, Labels=["first", "9bad", "aws-x"])
    expect(lab == {"InvalidLabels": ["9bad", "aws-x"], "ParameterVersion": 1})
    n.fails("ParameterMaxVersionLimitExceeded", "ssm", "PutParameter", Name="/v", Value="100", Overwrite=True)
    n.call("ssm", "LabelParameterVersion", Name="/v", ParameterVersion=50, Labels=["first"])
    expect(n.call("ssm", "GetParameter", Name="/v:first")["Parameter"]["Version"] == 50, "the label moved")
    expect(put(n, "/v", "100", Overwrite=True)["Version"] == 101)
    n.fails("ParameterVersionNotFound", "ssm", "GetParameter", Name="/v:1")
    n.call("ssm", "LabelParameterVersion", Name="/v", Labels=[f"l{i}" for i in range(9)])
    n.fails("ParameterVersionLabelLimitExceeded", "ssm", "LabelParameterVersion", Name="/v",
            Labels=["l9", "l10"])


def test_get_parameters_and_paths():
    n = setup()
    for name in ("/app/a", "/app/b", "/app/sub/c", "/other/d"):
        put(n, name, name.upper(), Type="SecureString" if name.endswith("c") else "String")
    got = n.call("ssm", "GetParameters", Names=["/app/a", "/nope", "/app/sub/c", "/app/a:7"],
                 WithDecryption=True)
    expect([p["Name"] for p in got["Parameters"]] == ["/app/a", "/app/sub/c"])
    expect(got["InvalidParameters"] == ["/nope", "/app/a:7"])
    one = n.call("ssm", "GetParametersByPath", Path="/app")["Parameters"]
    expect([p["Name"] for p in one] == ["/app/a", "/app/b"], "one level by default")
    names = [p["Name"] for p in n.pages("ssm", "GetParametersByPath", "Parameters", Path="/app/",
                                        Recursive=True, MaxResults=2)]
    expect(names == ["/app/a", "/app/b", "/app/sub/c"], names)
    typed = n.call("ssm", "GetParametersByPath", Path="/", Recursive=True,
                   ParameterFilters=[{"Key": "Type", "Values": ["SecureString"]}])["Parameters"]
    expect([p["Name"] for p in typed] == ["/app/sub/c"])
    n.fails("InvalidFilterKey", "ssm", "GetParametersByPath", Path="/app",
            ParameterFilters=[{"Key": "Name", "Values": ["x"]}])
    n.fails("InvalidNextToken", "ssm", "GetParametersByPath", Path="/app", NextToken="bogus")
    n.fails("ValidationException", "ssm", "GetParametersByPath", Path="app")
    n.call("ssm", "LabelParameterVersion", Name="/app/b", Labels=["prod"])
    lab = n.call("ssm", "GetParametersByPath", Path="/app",
                 ParameterFilters=[{"Key": "Label", "Values": ["prod"]}])["Parameters"]
    expect([(p["Name"], p.get("Selector")) for p in lab] == [("/app/b", ":prod")])


def test_describe_filters():
    n = setup()
    put(n, "/app/a", "1", Type="String", Tags=[{"Key": "stack", "Value": "demo"}])
    put(n, "/app/b", "2", Type="SecureString")
    put(n, "/app/x/c", "3", Type="String", Tier="Advanced")
    put(n, "loose", "4", Type="String")

    def names(**kw):
        return [p["Name"] for p in n.call("ssm", "DescribeParameters", **kw)["Parameters"]]
    expect(names(ParameterFilters=[{"Key": "tag:stack", "Values": ["demo"]}]) == ["/app/a"])
    expect(names(ParameterFilters=[{"Key": "tag:stack"}]) == ["/app/a"])
    expect(names(ParameterFilters=[{"Key": "Path", "Values": ["/app"]}]) == ["/app/a", "/app/b"])
    expect(names(ParameterFilters=[{"Key": "Path", "Option": "Recursive", "Values": ["/app"]}])
           == ["/app/a", "/app/b", "/app/x/c"])
    expect(names(ParameterFilters=[{"Key": "Name", "Option": "Contains", "Values": ["oos"]}]) == ["loose"])
    expect(names(ParameterFilters=[{"Key": "Tier", "Values": ["Advanced"]}]) == ["/app/x/c"])
    expect(names(Filters=[{"Key": "Type", "Values": ["SecureString"]}]) == ["/app/b"])
    expect(names(Filters=[{"Key": "Name", "Values": ["/app/"]}]) == ["/app/a", "/app/b", "/app/x/c"])
    n.fails("ValidationException", "ssm", "DescribeParameters", Filters=[{"Key": "Type", "Values": ["String"]}],
            ParameterFilters=[{"Key": "Type", "Values": ["String"]}])
    n.fails("InvalidFilterOption", "ssm", "DescribeParameters",
            ParameterFilters=[{"Key": "Type", "Option": "Contains", "Values": ["String"]}])
    n.fails("InvalidFilterValue", "ssm", "DescribeParameters",
            ParameterFilters=[{"Key": "Path", "Values": ["app"]}])
    n.fails("InvalidFilterKey", "ssm", "DescribeParameters", ParameterFilters=[{"Key": "Label", "Values": ["x"]}])
    page = n.call("ssm", "DescribeParameters", MaxResults=3)
    expect(len(page["Parameters"]) == 3 and page["NextToken"])
    rest = n.call("ssm", "DescribeParameters", MaxResults=3, NextToken=page["NextToken"])
    expect([p["Name"] for p in rest["Parameters"]] == ["loose"] and "NextToken" not in rest)


def test_tags_and_deletes():
    n = setup()
    put(n, "/t/a", "1", Type="String", Tags=[{"Key": "k", "Value": "v"}])
    n.fails("ValidationException", "ssm", "PutParameter", Name="/t/a", Value="2", Type="String",
            Overwrite=True, Tags=[{"Key": "k", "Value": "w"}])
    n.call("ssm", "AddTagsToResource", ResourceType="Parameter", ResourceId="/t/a",
           Tags=[{"Key": "k", "Value": "w"}, {"Key": "other", "Value": "x"}])
    tags = n.call("ssm", "ListTagsForResource", ResourceType="Parameter", ResourceId="/t/a")["TagList"]
    expect({t["Key"]: t["Value"] for t in tags} == {"k": "w", "other": "x"})
    n.call("ssm", "RemoveTagsFromResource", ResourceType="Parameter", ResourceId="/t/a", TagKeys=["k"])
    expect(len(n.call("ssm", "ListTagsForResource", ResourceType="Parameter", ResourceId="/t/a")["TagList"]) == 1)
    n.fails("InvalidResourceId", "ssm", "ListTagsForResource", ResourceType="Parameter", ResourceId="/none")
    n.fails("InvalidResourceType", "ssm", "ListTagsForResource", ResourceType="Document", ResourceId="/t/a")
    n.fails("TooManyTagsError", "ssm", "AddTagsToResource", ResourceType="Parameter", ResourceId="/t/a",
            Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    put(n, "/t/b", "2", Type="String")
    out = n.call("ssm", "DeleteParameters", Names=["/t/b", "/t/none"])
    expect(out == {"DeletedParameters": ["/t/b"], "InvalidParameters": ["/t/none"]})
    n.call("ssm", "DeleteParameter", Name="/t/a")
    n.fails("ParameterNotFound", "ssm", "DeleteParameter", Name="/t/a")
    expect(n.call("ssm", "DescribeParameters")["Parameters"] == [])


if __name__ == "__main__":
    sys.exit(run_tests(globals()))
