#!/usr/bin/python3
"""`egress:`, ingress from CIDRs (IPv4 and IPv6) and `network.ipv6` end to end against the
fake, through create, update, removal, `down` and a failed first `up` rolled back, with
lost answers of the new creates.

1. A stack whose api service restricts egress (HTTPS out, DNS to the VPC, its worker),
   with the answers of the first AuthorizeSecurityGroupEgress and RevokeSecurityGroupEgress
   lost: exit 0; api's group holds exactly the file's egress (no allow-all), the load
   balancer's group only reaches its targets, the worker (no `egress:`) keeps AWS's
   allow-all; the worker admits api and the CIDRs of its `allow_from`. `plan` exits 0.
2. `network.ipv6: true` added in place, with the answers of AssociateVpcCidrBlock,
   AssociateSubnetCidrBlock and CreateEgressOnlyInternetGateway lost once each: one /56 on
   the VPC, one /64 on each subnet (assigned to new interfaces), one egress-only gateway,
   ::/0 routes (internet gateway for public, egress-only gateway for private), a
   dual-stack load balancer open to ::/0, and an IPv6 egress rule; `plan` exits 0.
3. `egress:` removed from the file: AWS's allow-all is back on api and on the load
   balancer's group.
4. `down` leaves nothing (the egress-only gateway neither); a fresh dual-stack stack with
   egress rules whose first `up` fails at CreateService leaves nothing.
5. dbward's shape: a server on EFS restricted to HTTPS, NFS to its file system and DNS, an
   agent reaching it through Service Connect: no group of the stack allows all egress (the
   file system's group sends nothing), `plan` exits 0, `down --purge` leaves nothing.
"""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import stackworld as sw  # noqa: E402

STACK = "e2eegress"

BASE = """\
stack: {stack}
network:
  vpc: {{ cidr: 10.64.0.0/16 }}
  zones: 2
  nat: single
{ipv6}load_balancers:
  web: {{ listeners: [ {{ port: 80 }} ] }}
services:
  api:
    image: nginx:1.27
    port: 8080
    load_balancer: {{ name: web }}
{egress}  worker:
    image: nginx:1.27
    port: 9000
    allow_from: [ api, 203.0.113.0/24, "2001:DB8::/32" ]
"""

EGRESS = """\
    egress:
      - { port: 443, to: 0.0.0.0/0 }
      - { port: 53, protocol: udp, to: vpc }
      - { port: 9000, to: worker }
"""
EGRESS6 = EGRESS + "      - { port: 443, to: \"::/0\" }\n"


def write(work, name, stack=STACK, ipv6=False, egress=EGRESS):
    path = os.path.join(work, name)
    with open(path, "w") as f:
        f.write(BASE.format(stack=stack, ipv6="  ipv6: true\n" if ipv6 else "", egress=egress))
    return path


def group_id(fake, stack, name):
    groups = fake.client("ec2").describe_security_groups(
        Filters=[{"Name": "group-name", "Values": [f"{stack}-{name}"]}])["SecurityGroups"]
    return groups[0]["GroupId"] if groups else None


def rules(fake, stack, name, egress):
    """The group's rules in one direction as a set of 'proto from-to peer' texts; peers
    that are groups of the stack are named by their group name."""
    ec2 = fake.client("ec2")
    gid = group_id(fake, stack, name)
    names = {g["GroupId"]: g["GroupName"] for g in ec2.describe_security_groups()["SecurityGroups"]}
    got = set()
    for r in ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [gid]}])["SecurityGroupRules"]:
        if r["IsEgress"] != egress:
            continue
        peer = (r.get("CidrIpv4") or r.get("CidrIpv6") or r.get("PrefixListId") or
                names.get(r.get("ReferencedGroupInfo", {}).get("GroupId"), "?"))
        got.add(f"{r['IpProtocol']} {r['FromPort']}-{r['ToPort']} {peer}")
    return got


def vpc_of(fake, stack):
    vpcs = fake.client("ec2").describe_vpcs(Filters=[{"Name": "tag:ecsdeploy:stack", "Values": [stack]}])["Vpcs"]
    return vpcs[0] if len(vpcs) == 1 else None


def eigws(fake, stack):
    doc = sw.resources(fake).get("ec2", {})
    return [g for g in doc.get("egress_only_internet_gateways", [])
            if (g.get("tags") or {}).get("ecsdeploy:stack") == stack]


def restricted(rep, fake, work):
    path = write(work, "v4.yml")
    sw.set_faults(fake, [{"service": "ec2", "operation": op, "action": "drop", "phase": "after", "count": 1}
                         for op in ("AuthorizeSecurityGroupEgress", "RevokeSecurityGroupEgress")])
    rc, out, err = sw.run(fake, path, "up")
    sw.set_faults(fake, [])
    if not rep.eq(rc, 0, f"the first up, egress answers lost ({err.strip()[-600:]})"):
        rep.finish()
    rep.eq(rules(fake, STACK, "api", True),
           {"tcp 443-443 0.0.0.0/0", "udp 53-53 10.64.0.0/16", f"tcp 9000-9000 {STACK}-worker"},
           "api's egress is the file's, no allow-all")
    rep.eq(rules(fake, STACK, "lb-web", True), {f"tcp 8080-8080 {STACK}-api"},
           "the load balancer's group reaches only its targets")
    rep.eq(rules(fake, STACK, "worker", True), {"-1 -1--1 0.0.0.0/0"}, "the worker keeps AWS's allow-all")
    rep.eq(rules(fake, STACK, "worker", False),
           {f"tcp 9000-9000 {STACK}-api", "tcp 9000-9000 203.0.113.0/24", "tcp 9000-9000 2001:db8::/32"},
           "the worker admits api and the CIDRs (the IPv6 one normalised)")
    rc, out, err = sw.run(fake, path, "plan", "--detailed-exitcode")
    rep.eq(rc, 0, f"plan after up ({out.strip()[-600:]})")


def dual_stack(rep, fake, work):
    path = write(work, "v6.yml", ipv6=True, egress=EGRESS6)
    rc, out, err = sw.run(fake, path, "plan", "--detailed-exitcode")
    rep.eq(rc, 4, "plan sees the IPv6 change")
    for line in ("update   vpc/main", "create   eigw/main", "update   subnet/private-0", "update   sg_egress/api"):
        rep.check(line in out, f"plan shows {line!r}: {out[-1500:]}")
    sw.set_faults(fake, [{"service": "ec2", "operation": op, "action": "drop", "phase": "after", "count": 1}
                         for op in ("AssociateVpcCidrBlock", "AssociateSubnetCidrBlock",
                                    "CreateEgressOnlyInternetGateway")])
    rc, out, err = sw.run(fake, path, "up")
    _, faults = fake.control("GET", "/_fake/faults")
    sw.set_faults(fake, [])
    rep.eq(rc, 0, f"up to dual-stack, answers lost ({err.strip()[-600:]})")
    rep.check(all(r.get("applied") == 1 for r in (faults or {}).get("rules", [])),
              f"every lost answer happened: {faults}")
    vpc = vpc_of(fake, STACK)
    blocks = [b for b in (vpc or {}).get("Ipv6CidrBlockAssociationSet", [])
              if b["Ipv6CidrBlockState"]["State"] == "associated"]
    rep.check(len(blocks) == 1 and blocks[0]["Ipv6CidrBlock"].endswith("/56"), f"one /56 on the VPC: {blocks}")
    ec2 = fake.client("ec2")
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["Subnets"]
    rep.check(len(subnets) == 4 and all(
        len([b for b in s.get("Ipv6CidrBlockAssociationSet", []) if b["Ipv6CidrBlockState"]["State"] == "associated"]) == 1
        and s.get("AssignIpv6AddressOnCreation") for s in subnets),
        f"one /64 on each of the 4 subnets, assigned on creation: {subnets}")
    gws = eigws(fake, STACK)
    rep.eq(len(gws), 1, "one egress-only internet gateway")
    tables = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["RouteTables"]
    v6 = {}
    for t in tables:
        tid = {x["Key"]: x["Value"] for x in t.get("Tags", [])}.get("ecsdeploy:id")
        for r in t["Routes"]:
            if r.get("DestinationIpv6CidrBlock") == "::/0":
                v6[tid] = r.get("EgressOnlyInternetGatewayId") or r.get("GatewayId", "")
    rep.check(v6.get("route_table/public", "").startswith("igw-") and
              v6.get("route_table/private") == (gws[0]["id"] if gws else None),
              f"::/0 through the internet gateway (public) and the egress-only one (private): {v6}")
    lbs = fake.client("elbv2").describe_load_balancers(Names=[f"{STACK}-web"])["LoadBalancers"]
    rep.eq(lbs[0].get("IpAddressType"), "dualstack", "the load balancer is dual-stack")
    rep.check("tcp 80-80 ::/0" in rules(fake, STACK, "lb-web", False), "and admits ::/0")
    rep.check("tcp 443-443 ::/0" in rules(fake, STACK, "api", True), "api may reach HTTPS over IPv6")
    rc, out, err = sw.run(fake, path, "plan", "--detailed-exitcode")
    rep.eq(rc, 0, f"plan after the dual-stack up ({out.strip()[-800:]})")
    return path


def unrestricted(rep, fake, work):
    path = write(work, "open.yml", ipv6=True, egress="")
    rc, out, err = sw.run(fake, path, "up")
    rep.eq(rc, 0, f"up without egress rules ({err.strip()[-400:]})")
    everything = {"-1 -1--1 0.0.0.0/0", "-1 -1--1 ::/0"}
    rep.eq(rules(fake, STACK, "api", True), everything, "api has AWS's allow-all back (IPv4 and IPv6)")
    rep.eq(rules(fake, STACK, "lb-web", True), everything, "the load balancer's group too")
    rc, out, err = sw.run(fake, path, "plan", "--detailed-exitcode")
    rep.eq(rc, 0, f"plan after removing egress ({out.strip()[-600:]})")
    return path


def first_up_rolled_back(rep, fake, work):
    stack = "e2eegress2"
    path = write(work, "fresh.yml", stack=stack, ipv6=True, egress=EGRESS6)
    sw.first_up_refused(rep, fake, path, stack)
    rep.eq(eigws(fake, stack), [], "no egress-only gateway is left")


DBWARD = """\
stack: e2edbward
network: { vpc: { cidr: 10.66.0.0/16 }, zones: 2, nat: none }
service_connect: { namespace: e2edbward.local }
file_systems:
  state: { access_points: { server: { path: /server, uid: 10001, gid: 10001, permissions: "0750" } } }
services:
  server:
    image: nginx:1.27
    port: 3000
    volumes: [ { path: /var/lib/dbward, efs: { file_system: state, access_point: server } } ]
    service_connect: { aliases: [ "server:3000" ] }
    allow_from: [ agent ]
    egress:
      - { port: 443, to: 0.0.0.0/0 }
      - { port: 2049, to: file_systems.state }
      - { port: 53, protocol: udp, to: vpc }
      - { port: 53, to: vpc }
  agent:
    image: nginx:1.27
    service_connect: { client_only: true }
    egress: [ { port: 3000, to: server }, { port: 443, to: 0.0.0.0/0 }, { port: 53, protocol: udp, to: vpc } ]
"""


def dbward_shape(rep, fake, work):
    stack = "e2edbward"
    path = os.path.join(work, "dbward.yml")
    with open(path, "w") as f:
        f.write(DBWARD)
    rc, out, err = sw.run(fake, path, "up")
    rep.eq(rc, 0, f"up of the dbward shape ({err.strip()[-600:]})")
    ec2 = fake.client("ec2")
    groups = ec2.describe_security_groups(Filters=[{"Name": "tag:ecsdeploy:stack", "Values": [stack]}])["SecurityGroups"]
    rep.eq(sorted(g["GroupName"] for g in groups), [f"{stack}-agent", f"{stack}-efs-state", f"{stack}-server"],
           "the stack's groups")
    for g in groups:
        name = g["GroupName"][len(stack) + 1:]
        out_rules = rules(fake, stack, name, True)
        rep.check(not any(r.startswith("-1 ") for r in out_rules), f"{name} does not allow all egress: {out_rules}")
    rep.eq(rules(fake, stack, "server", True),
           {"tcp 443-443 0.0.0.0/0", f"tcp 2049-2049 {stack}-efs-state", "udp 53-53 10.66.0.0/16",
            "tcp 53-53 10.66.0.0/16"}, "the server's egress")
    rep.eq(rules(fake, stack, "efs-state", True), set(), "the file system's group sends nothing")
    rep.eq(rules(fake, stack, "efs-state", False), {f"tcp 2049-2049 {stack}-server"},
           "and admits NFS from the server only")
    rc, out, err = sw.run(fake, path, "plan", "--detailed-exitcode")
    rep.eq(rc, 0, f"plan after up ({out.strip()[-600:]})")
    rc, out, err = sw.run(fake, path, "down", "--yes", "--purge")
    rep.eq(rc, 0, f"down --purge ({err.strip()[-400:]})")
    left = ec2.describe_security_groups(Filters=[{"Name": "tag:ecsdeploy:stack", "Values": [stack]}])["SecurityGroups"]
    rep.eq(left, [], "no group is left")


def main():
    rep = sw.Report()
    work = tempfile.mkdtemp()
    with sw.Fake() as fake:
        restricted(rep, fake, work)
        dual_stack(rep, fake, work)
        path = unrestricted(rep, fake, work)
        rc, out, err = sw.run(fake, path, "down", "--yes")
        rep.eq(rc, 0, f"down ({err.strip()[-300:]})")
        rep.eq(sw.inventory(sw.resources(fake), STACK).get("ec2.vpcs"), None, "down removes the VPC")
        rep.eq(eigws(fake, STACK), [], "and the egress-only gateway")
        first_up_rolled_back(rep, fake, work)
        dbward_shape(rep, fake, work)
    rep.finish()


if __name__ == "__main__":
    main()
