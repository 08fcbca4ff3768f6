#!/usr/bin/python3
"""Helpers for the network-service tests of the fake (EC2, ELBv2, Cloud Map), and,
run as a script, tests of the shared pieces: filters, pagination, CIDRs, zones.

The other test_net_*.py files import this module: `Net` drives handlers directly
through a World, without the server, and `run_tests` runs every test_* function."""

import os
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from fakeaws.core import AwsError, RequestContext, World  # noqa: E402
from fakelib import ManualClock  # noqa: E402


class Net:
    """A World with the network services, and helpers to call their handlers."""

    def __init__(self, time_scale=0.001, region="us-east-1", seed=7,
                 services=("ec2", "elbv2", "servicediscovery")):
        import importlib
        self.world = World(time_scale=time_scale, seed=seed)
        self.world.clock = ManualClock(time_scale)
        for name in services:
            mod = importlib.import_module("fakeaws.services." + name)
            setattr(self, {"servicediscovery": "sd"}.get(name, name), self.world.add(mod.SERVICE))
        self.region = region

    def call(self, service, op, region=None, **req):
        """Call a handler as the server would: the request must pass the model (the
        server refuses it otherwise), and the answer must fit the model's output shape."""
        svc = self.world.svc(service)
        fn = svc.handler(op)
        if fn is None:
            raise AssertionError(f"{service} has no handler for {op}")
        opm = MODELS.operation(service, op)
        if opm is not None and opm.input_shape is not None:
            from fakeaws.validate import validate
            problems = validate(req, opm.input_shape, MODELS.protocol(service))
            if problems:
                raise AssertionError(f"{op}: the test sent what the model refuses: "
                                     + "; ".join(p.coral() for p in problems))
        ctx = RequestContext(self.world, service, op, region or self.region, "test",
                             "req-1", "127.0.0.1:1")
        with self.world.lock:
            out = fn(req, ctx)
        if opm is not None:
            bad = check_output(out, opm.output_shape, op)
            if bad:
                raise AssertionError(f"{op}: answer does not fit the model: " + "; ".join(bad))
        return out

    def fails(self, code, service, op, **req):
        """Call and expect AwsError `code`; returns the error."""
        try:
            out = self.call(service, op, **req)
        except AwsError as e:
            if e.code != code:
                raise AssertionError(f"{op}: expected {code}, got {e.code}: {e.message}")
            return e
        raise AssertionError(f"{op}: expected {code}, but it succeeded: {out}")

    def pages(self, service, op, key, token="NextToken", next_token=None, **req):
        """Every item under `key` in the pages of op, the first asked with `req`; the next
        page asked with `token` set to the answer's `next_token` (the same name if None)."""
        items, marker = [], None
        while True:
            page = self.call(service, op, **(dict(req, **{token: marker}) if marker else req))
            items += page[key]
            marker = page.get(next_token or token)
            if not marker:
                return items

    def wait(self, aws_seconds):
        """Let `aws_seconds` of simulated time pass (at once: the clock is manual)."""
        self.world.clock.advance(aws_seconds * self.world.clock.scale)

    # -- building blocks ----------------------------------------------------
    def vpc(self, cidr="10.0.0.0/16", igw=True, name=None):
        tags = [{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": name}]}] if name else []
        vid = self.call("ec2", "CreateVpc", CidrBlock=cidr, TagSpecifications=tags)["Vpc"]["VpcId"]
        gid = None
        if igw:
            gid = self.call("ec2", "CreateInternetGateway")["InternetGateway"]["InternetGatewayId"]
            self.call("ec2", "AttachInternetGateway", InternetGatewayId=gid, VpcId=vid)
        return vid, gid

    def subnet(self, vpc_id, cidr, zone="us-east-1a"):
        return self.call("ec2", "CreateSubnet", VpcId=vpc_id, CidrBlock=cidr,
                         AvailabilityZone=zone)["Subnet"]["SubnetId"]

    def sg(self, vpc_id, name="web"):
        return self.call("ec2", "CreateSecurityGroup", VpcId=vpc_id, GroupName=name,
                         Description="test group")["GroupId"]


class _Models:
    """The current service models (../shared/aws-models, which the network services are
    written against), if present. Without them (botocore's older models only) requests
    and answers are not checked against shapes: the answers carry newer members."""

    def __init__(self):
        self.models = None
        try:
            from fakeaws.models import Models, models_dir
            root = models_dir()
            if root and os.path.isdir(os.path.join(root, "ec2")):
                self.models = Models()
        except Exception:
            pass

    def _info(self, service):
        return self.models.get(service) if self.models else None

    def operation(self, service, op):
        info = self._info(service)
        return info.operation(op) if info else None

    def protocol(self, service):
        return self._info(service).protocol


MODELS = _Models()


def _known_quirk(where, value):
    """Values AWS really answers that the model's enum lacks: EC2 reports internet
    gateway attachments as "available"."""
    return where.endswith("Attachments[0].State") and "InternetGateway" in where and \
        value == "available"


def check_output(value, shape, where):
    """Problems of a handler's answer against the output shape: unknown members, wrong
    container types, enum values the model does not know."""
    import datetime
    bad = []
    if shape is None:
        return [] if not value else [f"{where}: output given, the model has none"]
    t = shape.type_name
    if t == "structure":
        if not isinstance(value, dict):
            return [f"{where}: want a structure, got {type(value).__name__}"]
        for k, v in value.items():
            if k not in shape.members:
                bad.append(f"{where}.{k}: not a member of {shape.name}")
            elif v is not None:
                bad += check_output(v, shape.members[k], f"{where}.{k}")
    elif t == "list":
        if not isinstance(value, list):
            return [f"{where}: want a list, got {type(value).__name__}"]
        for i, v in enumerate(value):
            bad += check_output(v, shape.member, f"{where}[{i}]")
    elif t == "map":
        if not isinstance(value, dict):
            return [f"{where}: want a map"]
    elif t == "string":
        if not isinstance(value, str):
            bad.append(f"{where}: want a string, got {value!r}")
        elif shape.enum and value not in shape.enum and not _known_quirk(where, value):
            bad.append(f"{where}: {value!r} is not one of the model's values")
    elif t in ("integer", "long"):
        if not isinstance(value, int) or isinstance(value, bool):
            bad.append(f"{where}: want an integer, got {value!r}")
    elif t == "boolean":
        if not isinstance(value, bool):
            bad.append(f"{where}: want a boolean, got {value!r}")
    elif t == "timestamp":
        if not isinstance(value, (datetime.datetime, int, float)):
            bad.append(f"{where}: want a timestamp, got {value!r}")
    return bad


def expect(cond, msg="expectation failed"):
    if not cond:
        raise AssertionError(msg)


def run_tests(namespace):
    """Run every test_* function of a module namespace; print a summary; exit code."""
    tests = [(n, f) for n, f in sorted(namespace.items())
             if n.startswith("test_") and callable(f)]
    passed = failed = 0
    for name, fn in tests:
        start = time.time()
        try:
            fn()
        except Exception:
            failed += 1
            print(f"FAIL {name}")
            traceback.print_exc(file=sys.stdout)
        else:
            passed += 1
            print(f"ok   {name} ({time.time() - start:.3f}s)")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


# ---- tests of the shared helpers --------------------------------------------

def test_filters_wildcards_and_tags():
    from fakeaws.services._net.common import match_filters
    res = {"id": "vpc-1", "cidr": "10.0.0.0/16"}
    fields = {"vpc-id": lambda r: r["id"], "cidr": lambda r: r["cidr"]}
    tags = {"Name": "prod-net", "team": "a"}
    expect(match_filters([{"Name": "vpc-id", "Values": ["vpc-1"]}], res, fields, tags))
    expect(not match_filters([{"Name": "vpc-id", "Values": ["vpc-2"]}], res, fields, tags))
    expect(match_filters([{"Name": "tag:Name", "Values": ["prod-*"]}], res, fields, tags))
    expect(not match_filters([{"Name": "tag:Name", "Values": ["Prod-*"]}], res, fields, tags))
    expect(match_filters([{"Name": "tag-key", "Values": ["team"]}], res, fields, tags))
    expect(not match_filters([{"Name": "tag:missing", "Values": ["*"]}], res, fields, tags))
    try:
        match_filters([{"Name": "bogus", "Values": ["x"]}], res, fields, tags)
    except AwsError as e:
        expect(e.code == "InvalidParameterValue")
    else:
        raise AssertionError("unknown filter accepted")


def test_pagination_round_trip():
    from fakeaws.services._net.common import paginate
    items = list(range(12))
    seen, req = [], {"MaxResults": 5}
    while True:
        page = paginate(items, req, "Items")
        seen.extend(page["Items"])
        if "NextToken" not in page:
            break
        req = {"MaxResults": 5, "NextToken": page["NextToken"]}
    expect(seen == items, seen)
    try:
        paginate(items, {"NextToken": "garbage"}, "Items")
    except AwsError as e:
        expect(e.code == "InvalidParameterValue")
    else:
        raise AssertionError("bad token accepted")


def test_cidr_and_zones():
    from fakeaws.services._net.common import parse_cidr, zones, region_code
    expect(str(parse_cidr("10.0.0.0/16")) == "10.0.0.0/16")
    for bad in ("10.0.0.1/16", "10.0.0.0", "300.0.0.0/16", "x"):
        try:
            parse_cidr(bad)
        except AwsError as e:
            expect(e.code == "InvalidParameterValue")
        else:
            raise AssertionError(f"{bad} accepted")
    expect(region_code("us-east-1") == "use1")
    expect(zones("us-east-1")[0] == ("us-east-1a", "use1-az1"))
    expect(len(zones("eu-west-1")) == 3)


if __name__ == "__main__":
    sys.exit(run_tests(dict(globals())))
