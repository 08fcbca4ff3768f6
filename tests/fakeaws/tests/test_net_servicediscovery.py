#!/usr/bin/python3
"""Cloud Map of the fake, driven through its handlers: namespace operations and their
lifecycle, idempotency, services, instances, refusals, tags, cross-service methods."""

import sys

from test_net_common import Net, expect, run_tests


def setup():
    n = Net(services=("ec2", "servicediscovery"))
    vid, _ = n.vpc(igw=False)
    return n, vid


def op_status(n, oid):
    return n.call("servicediscovery", "GetOperation", OperationId=oid)["Operation"]["Status"]


def make_ns(n, vid, name="demo.local", creator="req-1"):
    oid = n.call("servicediscovery", "CreatePrivateDnsNamespace", Name=name, Vpc=vid,
                 CreatorRequestId=creator,
                 Tags=[{"Key": "app", "Value": "demo"}])["OperationId"]
    n.wait(61)
    op = n.call("servicediscovery", "GetOperation", OperationId=oid)["Operation"]
    expect(op["Status"] == "SUCCESS", op)
    return op["Targets"]["NAMESPACE"]


def test_namespace_operation_lifecycle():
    n, vid = setup()
    n.fails("InvalidInput", "servicediscovery", "CreatePrivateDnsNamespace", Name="x.local",
            Vpc="vpc-0000")
    n.fails("InvalidInput", "servicediscovery", "CreatePrivateDnsNamespace", Name="bad..name",
            Vpc=vid)
    oid = n.call("servicediscovery", "CreatePrivateDnsNamespace", Name="demo.local", Vpc=vid,
                 CreatorRequestId="c-1")["OperationId"]
    expect(op_status(n, oid) == "SUBMITTED")
    again = n.call("servicediscovery", "CreatePrivateDnsNamespace", Name="demo.local", Vpc=vid,
                   CreatorRequestId="c-1")["OperationId"]
    expect(again == oid, "the same CreatorRequestId must give the same operation")
    e = n.fails("DuplicateRequest", "servicediscovery", "CreatePrivateDnsNamespace",
                Name="demo.local", Vpc=vid, CreatorRequestId="c-2")
    expect(e.extra == {"DuplicateOperationId": oid})
    op = n.call("servicediscovery", "GetOperation", OperationId=oid)["Operation"]
    ns_id = op["Targets"]["NAMESPACE"]
    expect(op["Type"] == "CREATE_NAMESPACE" and ns_id.startswith("ns-"))
    n.fails("NamespaceNotFound", "servicediscovery", "GetNamespace", Id=ns_id)
    expect(n.call("servicediscovery", "ListNamespaces")["Namespaces"] == [])
    n.wait(3)
    expect(op_status(n, oid) == "PENDING")
    n.wait(60)
    expect(op_status(n, oid) == "SUCCESS")
    ns = n.call("servicediscovery", "GetNamespace", Id=ns_id)["Namespace"]
    expect(ns["Name"] == "demo.local" and ns["Type"] == "DNS_PRIVATE" and ns["ServiceCount"] == 0)
    expect(ns["CreatorRequestId"] == "c-1" and
           ns["Properties"]["DnsProperties"]["HostedZoneId"].startswith("Z"))
    e = n.fails("NamespaceAlreadyExists", "servicediscovery", "CreatePrivateDnsNamespace",
                Name="demo.local", Vpc=vid, CreatorRequestId="c-3")
    expect(e.extra["NamespaceId"] == ns_id)
    listed = n.call("servicediscovery", "ListNamespaces", Filters=[
        {"Name": "TYPE", "Values": ["DNS_PRIVATE"], "Condition": "EQ"}])["Namespaces"]
    expect([x["Id"] for x in listed] == [ns_id])
    expect(n.call("servicediscovery", "ListNamespaces", Filters=[
        {"Name": "NAME", "Values": ["other.local"]}])["Namespaces"] == [])
    n.fails("OperationNotFound", "servicediscovery", "GetOperation", OperationId="nope")


def test_services_instances_and_refusals():
    n, vid = setup()
    ns_id = make_ns(n, vid)
    n.fails("NamespaceNotFound", "servicediscovery", "CreateService", Name="api",
            NamespaceId="ns-0000000000000000")
    n.fails("InvalidInput", "servicediscovery", "CreateService", Name="api", NamespaceId=ns_id,
            HealthCheckConfig={"Type": "HTTP", "ResourcePath": "/"})
    dns = {"RoutingPolicy": "MULTIVALUE", "DnsRecords": [{"Type": "A", "TTL": 10}]}
    svc = n.call("servicediscovery", "CreateService", Name="api", NamespaceId=ns_id,
                 CreatorRequestId="s-1", DnsConfig=dns,
                 HealthCheckCustomConfig={"FailureThreshold": 1})["Service"]
    expect(svc["Type"] == "DNS_HTTP" and svc["DnsConfig"]["NamespaceId"] == ns_id, svc)
    expect(svc["HealthCheckCustomConfig"] == {"FailureThreshold": 1})
    same = n.call("servicediscovery", "CreateService", Name="api", NamespaceId=ns_id,
                  CreatorRequestId="s-1", DnsConfig=dns)["Service"]
    expect(same["Id"] == svc["Id"])
    e = n.fails("ServiceAlreadyExists", "servicediscovery", "CreateService", Name="api",
                NamespaceId=ns_id, DnsConfig=dns)
    expect(e.extra["ServiceId"] == svc["Id"])
    expect(n.call("servicediscovery", "GetNamespace", Id=ns_id)["Namespace"]["ServiceCount"] == 1)
    n.fails("ResourceInUse", "servicediscovery", "DeleteNamespace", Id=ns_id)
    n.fails("InvalidInput", "servicediscovery", "RegisterInstance", ServiceId=svc["Id"],
            InstanceId="task-0", Attributes={"AWS_INSTANCE_PORT": "80"})
    oid = n.call("servicediscovery", "RegisterInstance", ServiceId=svc["Id"], InstanceId="task-1",
                 Attributes={"AWS_INSTANCE_IPV4": "10.0.0.5"})["OperationId"]
    expect(op_status(n, oid) in ("SUBMITTED", "PENDING"))
    n.sd.register_instance(svc["Id"], "task-2", {"AWS_INSTANCE_IPV4": "10.0.0.6"})
    expect(n.sd.service_by_arn(svc["Arn"])["InstanceCount"] == 2)
    inst = n.call("servicediscovery", "ListInstances", ServiceId=svc["Id"])["Instances"]
    expect(sorted(i["Id"] for i in inst) == ["task-1", "task-2"])
    n.call("servicediscovery", "UpdateInstanceCustomHealthStatus", ServiceId=svc["Id"],
           InstanceId="task-2", Status="UNHEALTHY")
    found = n.call("servicediscovery", "DiscoverInstances", NamespaceName="demo.local",
                   ServiceName="api")["Instances"]
    expect([i["InstanceId"] for i in found] == ["task-1"], found)
    found = n.call("servicediscovery", "DiscoverInstances", NamespaceName="demo.local",
                   ServiceName="api", HealthStatus="ALL")["Instances"]
    expect(len(found) == 2)
    got = n.call("servicediscovery", "GetInstance", ServiceId=svc["Id"], InstanceId="task-1")
    expect(got["Instance"]["Attributes"] == {"AWS_INSTANCE_IPV4": "10.0.0.5"})
    n.fails("InstanceNotFound", "servicediscovery", "GetInstance", ServiceId=svc["Id"],
            InstanceId="task-9")
    n.fails("ResourceInUse", "servicediscovery", "DeleteService", Id=svc["Id"])
    n.call("servicediscovery", "DeregisterInstance", ServiceId=svc["Id"], InstanceId="task-1")
    n.fails("InstanceNotFound", "servicediscovery", "DeregisterInstance", ServiceId=svc["Id"],
            InstanceId="task-1")
    n.sd.deregister_instance(svc["Id"], "task-2")
    n.call("servicediscovery", "DeleteService", Id=svc["Id"])
    n.fails("ServiceNotFound", "servicediscovery", "GetService", Id=svc["Id"])
    oid = n.call("servicediscovery", "DeleteNamespace", Id=ns_id)["OperationId"]
    n.fails("DuplicateRequest", "servicediscovery", "DeleteNamespace", Id=ns_id)
    expect(n.call("servicediscovery", "GetNamespace", Id=ns_id)["Namespace"]["Id"] == ns_id)
    n.wait(61)
    expect(op_status(n, oid) == "SUCCESS")
    n.fails("NamespaceNotFound", "servicediscovery", "GetNamespace", Id=ns_id)
    ops = n.call("servicediscovery", "ListOperations", Filters=[
        {"Name": "NAMESPACE_ID", "Values": [ns_id], "Condition": "EQ"}])["Operations"]
    expect(len(ops) == 2 and all(o["Status"] == "SUCCESS" for o in ops), ops)
    types = n.call("servicediscovery", "ListOperations", Filters=[
        {"Name": "TYPE", "Values": ["REGISTER_INSTANCE", "DEREGISTER_INSTANCE"],
         "Condition": "IN"}])["Operations"]
    expect(len(types) == 3, types)   # two registrations (API and ECS), one deregistration


def test_dns_config_rules_and_tags():
    n, vid = setup()
    ns_id = make_ns(n, vid)
    n.fails("InvalidInput", "servicediscovery", "CreateService", Name="c", NamespaceId=ns_id,
            DnsConfig={"DnsRecords": [{"Type": "CNAME", "TTL": 10}, {"Type": "A", "TTL": 10}]})
    n.fails("InvalidInput", "servicediscovery", "CreateService", Name="c", NamespaceId=ns_id,
            DnsConfig={"DnsRecords": [{"Type": "A", "TTL": 10}, {"Type": "A", "TTL": 20}]})
    svc = n.call("servicediscovery", "CreateService", Name="web", NamespaceId=ns_id,
                 DnsConfig={"DnsRecords": [{"Type": "A", "TTL": 60}]},
                 Tags=[{"Key": "k", "Value": "v"}])["Service"]
    n.call("servicediscovery", "UpdateService", Id=svc["Id"], Service={
        "DnsConfig": {"DnsRecords": [{"Type": "A", "TTL": 30}]}})
    got = n.call("servicediscovery", "GetService", Id=svc["Id"])["Service"]
    expect(got["DnsConfig"]["DnsRecords"] == [{"Type": "A", "TTL": 30}])
    n.fails("CustomHealthNotFound", "servicediscovery", "UpdateInstanceCustomHealthStatus",
            ServiceId=svc["Id"], InstanceId="x", Status="HEALTHY")
    n.call("servicediscovery", "TagResource", ResourceARN=svc["Arn"],
           Tags=[{"Key": "env", "Value": "t"}])
    n.call("servicediscovery", "UntagResource", ResourceARN=svc["Arn"], TagKeys=["k"])
    tags = n.call("servicediscovery", "ListTagsForResource", ResourceARN=svc["Arn"])["Tags"]
    expect(tags == [{"Key": "env", "Value": "t"}], tags)
    ns_arn = n.call("servicediscovery", "GetNamespace", Id=ns_id)["Namespace"]["Arn"]
    expect(n.call("servicediscovery", "ListTagsForResource", ResourceARN=ns_arn)["Tags"] ==
           [{"Key": "app", "Value": "demo"}])
    n.fails("ResourceNotFoundException", "servicediscovery", "ListTagsForResource",
            ResourceARN=ns_arn + "x")
    listed = n.call("servicediscovery", "ListServices", Filters=[
        {"Name": "NAMESPACE_ID", "Values": [ns_id], "Condition": "EQ"}])["Services"]
    expect([s["Id"] for s in listed] == [svc["Id"]])
    res = n.sd.resources()
    expect(len(res["namespaces"]) == 1 and res["services"][0]["name"] == "web")


if __name__ == "__main__":
    sys.exit(run_tests(dict(globals())))
