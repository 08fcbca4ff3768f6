#!/usr/bin/python3
"""Fault injection: throttling in each protocol's own error, HTTP 500/503, dropped
connections (before and after the call ran), latency, slow responses, count/skip,
seeded reproducibility, data-channel rules, and refusal of bad fault documents."""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("FAKEAWS_CHECK_OUTPUT", "strict")     # every answer must fit the model
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from fakelib import Fake, Report  # noqa: E402


def codes(fn, n):
    from botocore.exceptions import ClientError
    out = []
    for _ in range(n):
        try:
            fn()
            out.append("ok")
        except ClientError as e:
            out.append(e.response["Error"]["Code"])
    return out


def main():
    r = Report()
    with Fake() as f:
        sts, sm, s3, logs = f.client("sts"), f.client("secretsmanager"), f.client("s3"), f.client("logs")
        ec2 = f.client("ec2")

        # throttling, per protocol
        st, _ = f.control("POST", "/_fake/faults", {"rules": [{"action": "throttle"}]})
        r.eq(st, 200, "set a throttle-everything rule")
        r.error_code(sts.get_caller_identity, "Throttling", "query throttling code")
        r.error_code(sm.list_secrets, "ThrottlingException", "json throttling code")
        r.error_code(s3.list_buckets, "SlowDown", "S3 throttling code")
        r.error_code(ec2.describe_vpcs, "RequestLimitExceeded", "EC2 throttling code")
        try:
            s3.list_buckets()
        except Exception as e:
            r.eq(e.response["ResponseMetadata"]["HTTPStatusCode"], 503, "SlowDown is HTTP 503")

        # per service / operation, count and skip
        f.control("POST", "/_fake/faults", {"rules": [{"service": "logs", "operation": "DescribeLogGroups",
                                                       "action": "throttle", "skip": 1, "count": 2}]})
        r.eq(codes(logs.describe_log_groups, 5), ["ok", "ThrottlingException", "ThrottlingException", "ok", "ok"],
             "skip 1, count 2 on one operation")
        r.eq(codes(sts.get_caller_identity, 2), ["ok", "ok"], "other services untouched")

        # seeded rate: the same seed gives the same sequence
        seqs = []
        for _ in range(2):
            f.control("POST", "/_fake/faults", {"seed": 42, "rules": [{"service": "sts", "action": "throttle", "rate": 0.5}]})
            seqs.append(codes(sts.get_caller_identity, 20))
        r.eq(seqs[0], seqs[1], "same seed, same throttling sequence")
        r.check(0 < seqs[0].count("Throttling") < 20, f"rate 0.5 throttles some, not all: {seqs[0]}")

        # 500 and 503
        f.control("POST", "/_fake/faults", {"rules": [{"service": "secretsmanager", "action": "error", "status": 503}]})
        r.error_code(sm.list_secrets, "ServiceUnavailable", "HTTP 503 fault")
        f.control("POST", "/_fake/faults", {"rules": [{"service": "iam", "action": "error", "status": 500}]})
        try:
            f.client("iam").list_roles()
            r.check(False, "500 fault not raised")
        except Exception as e:
            r.eq(e.response["ResponseMetadata"]["HTTPStatusCode"], 500, "HTTP 500 fault")

        # dropped connection before the call: nothing happens
        from botocore.exceptions import ConnectionClosedError, EndpointConnectionError
        dropped = (ConnectionClosedError, EndpointConnectionError)
        f.control("POST", "/_fake/faults", {"rules": [{"service": "secretsmanager", "operation": "CreateSecret",
                                                       "action": "drop", "count": 1}]})
        try:
            sm.create_secret(Name="dropped-before", SecretString="x")
            r.check(False, "dropped connection not seen by the client")
        except dropped:
            r.check(True, "connection dropped")
        r.error_code(lambda: sm.describe_secret(SecretId="dropped-before"), "ResourceNotFoundException",
                     "a call dropped before running did nothing")
        # dropped after the call: it ran, the client did not hear
        f.control("POST", "/_fake/faults", {"rules": [{"service": "secretsmanager", "operation": "CreateSecret",
                                                       "action": "drop", "phase": "after", "count": 1}]})
        try:
            sm.create_secret(Name="dropped-after", SecretString="x", ClientRequestToken="t" * 32)
            r.check(False, "dropped-after connection not seen")
        except dropped:
            r.check(True, "connection dropped after the call")
        out = sm.create_secret(Name="dropped-after", SecretString="x", ClientRequestToken="t" * 32)
        r.eq(out["VersionId"], "t" * 32, "retry with the same ClientRequestToken returns the first result")

        # latency and slow responses
        f.control("POST", "/_fake/faults", {"rules": [{"service": "sts", "action": "latency", "latency_ms": 300}]})
        t = time.time()
        sts.get_caller_identity()
        r.check(time.time() - t >= 0.3, "latency rule delays the answer")
        f.control("POST", "/_fake/faults", {"latency_ms": 150, "rules": []})
        t = time.time()
        logs.describe_log_groups()
        r.check(time.time() - t >= 0.15, "document-wide latency_ms")
        f.control("POST", "/_fake/faults", {"rules": [{"service": "sts", "action": "slow", "slow_ms": 400}]})
        t = time.time()
        ident = sts.get_caller_identity()
        r.check(time.time() - t >= 0.35 and ident["Account"] == "000000000000", "slow response still arrives whole")

        # the state shows what fired
        st, doc = f.control("GET", "/_fake/faults")
        r.eq(doc["rules"][0]["applied"], 1, "GET /_fake/faults counts applications")
        calls = f.control("GET", "/_fake/calls")[1]["calls"]
        r.check(any(c.get("fault") == "slow" for c in calls), "calls log marks faulted calls")

        # bad documents are refused with a reason
        for bad, why in [({"rules": [{"action": "explode"}]}, "action"),
                         ({"rules": [{"action": "throttle", "rate": 2}]}, "rate"),
                         ({"rules": [{"action": "throttle", "colour": 1}]}, "colour"),
                         ({"rules": [{"action": "error", "status": 404}]}, "status"),
                         ({"exec": [{"action": "drop", "direction": "sideways"}]}, "direction"),
                         ({"rulez": []}, "rulez")]:
            st, doc = f.control("POST", "/_fake/faults", bad)
            r.check(st == 400 and why in doc.get("error", ""), f"bad fault document {bad} -> {st} {doc}")
        f.control("POST", "/_fake/reset")
        r.eq(codes(sts.get_caller_identity, 1), ["ok"], "reset clears the rules")

    # data-channel rules, as the exec part reads them
    from fakeaws.faults import Faults, FaultSpecError
    decisions = []
    for _ in range(2):
        fl = Faults(seed=7)
        fl.set({"exec": [{"action": "drop", "rate": 0.3, "direction": "to_client"},
                         {"action": "duplicate", "count": 2, "message_type": "output_stream_data"}]})
        decisions.append([fl.exec_decide("to_client", "output_stream_data") for _ in range(30)])
    r.eq(decisions[0], decisions[1], "exec decisions are seeded")
    r.check("drop" in decisions[0] and decisions[0].count("duplicate") == 2, f"exec rules fire: {decisions[0]}")
    fl = Faults(seed=1)
    fl.set({"exec": [{"action": "reorder", "direction": "from_client"}]})
    r.eq((fl.exec_decide("to_client"), fl.exec_decide("from_client")), (None, "reorder"), "exec direction filter")
    r.eq(fl.exec_rule_list()[0]["applied"], 1, "exec_rule_list() reports applications")
    fl.set({"exec": [{"action": "drop", "rate": 0.25}, {"action": "duplicate", "rate": 0.5}]})
    r.eq(fl.exec_rules(), {"drop": 0.25, "duplicate": 0.5, "reorder": 0.0}, "exec_rules() gives the rates")
    # hold: writes only, after a skip; released by new rules
    import threading
    fl = Faults(seed=1)
    fl.set({"rules": [{"action": "hold", "writes": True, "skip": 1}]})
    r.eq([x.action for x in fl.for_call("ec2", "DescribeVpcs")], [], "writes: true leaves reads alone")
    r.eq([x.action for x in fl.for_call("ec2", "CreateVpc")], [], "the first write is skipped")
    r.eq([x.action for x in fl.for_call("ec2", "CreateSubnet")], ["hold"], "the next write is held")
    t = threading.Thread(target=fl.hold)
    t.start()
    for _ in range(200):
        if fl.state()["held"] == 1:
            break
        threading.Event().wait(0.01)
    r.eq(fl.state()["held"], 1, "a held call is counted")
    fl.set({"rules": []})
    t.join(5)
    r.check(not t.is_alive() and fl.state()["held"] == 0, "new rules let held calls go")
    fl.set({"rules": [{"action": "hold", "service": "ecs", "operation": "DescribeServices",
                       "after": "UpdateService"}]})
    r.eq([x.action for x in fl.for_call("ecs", "DescribeServices")], [], "after: nothing before the operation")
    r.eq([x.action for x in fl.for_call("ecs", "UpdateService")], [], "after: not the operation itself")
    r.eq([x.action for x in fl.for_call("ecs", "DescribeServices")], ["hold"], "after: the calls that follow it")
    try:
        fl.set({"rules": [{"action": "hold", "writes": "yes"}]})
        r.check(False, "writes must be a boolean")
    except FaultSpecError:
        r.check(True, "writes must be a boolean")
    fl.set({"exec": [{"action": "flood"}]})
    r.eq(fl.exec_hostile(), {"action": "flood"}, "a flood rule (hostile agent) is seen by the exec part")
    fl.set({"exec": [{"action": "close", "message": "bye"}]})
    r.eq(fl.exec_hostile(), {"action": "close", "message": "bye"}, "a close rule, with its message")
    r.finish()


if __name__ == "__main__":
    main()
