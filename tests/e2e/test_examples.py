#!/usr/bin/python3
"""End to end on the five stack files of examples/, one fake, reset between them. Each runs
as its header says: with no --set and no environment variable, on a fake that holds only
the public hosted zone example.com and what the example's seed makes beforehand (dbward:
its database-url secret; news-api: its RDS instance, Redis cache and Parameter Store keys,
each behind a security group of its own). For each: `up`; what the example's issue asks
of it (records, an ISSUED certificate, the database; the state on EFS, the configuration
from Parameter Store, no group of the stack allowing all egress, Service Connect); a second
`up` that says "No changes" and makes only read calls; `plan --detailed-exitcode` 0;
`status`, `status --check` and `status --output json`; `down --yes` (what is kept listed
and still there: buckets, file systems, databases, zones; nothing else of the stack left)
and `down --yes --purge` (buckets with objects and versions emptied); then GET
/_fake/resources is exactly what it was before `up` but for a database's final snapshot:
the things made beforehand are all that remain, untouched (no rule left in an existing
group, an existing secret's value unchanged).
Besides: `up` refuses, before any write, while what the example needs from outside is
missing (the zone, a secret, a database or cache); an optional part switched on and off
again (dbward's ALB, fdk's sidecar); drift repaired with only the writes it needs
(canardstack); no secret value in any output."""
import json
import hashlib
import os
import subprocess
import sys
import tempfile
import time

TOP = os.environ.get("TOP", os.getcwd())
ECSDEPLOY = os.environ.get("ECSDEPLOY", os.path.join(TOP, "bin", "ecsdeploy"))
sys.path.insert(0, os.path.join(TOP, "tests", "fakeaws", "tests"))
from fakelib import Fake, Report  # noqa: E402
from stackworld import Delegator  # noqa: E402

R = Report()
READ_PREFIXES = ("Describe", "Get", "List", "Head")
PRINTED = []                     # everything ecsdeploy printed for the current example
ZONE = "example.com"             # the one thing every example may find made beforehand
# variables an example reads when they are set ("given, else generated"): never set here
GIVEN = ("CANARDSTACK_API_KEY", "CANARDSTACK_ADMIN_API_KEY", "CANARDSTACK_QUACK_TOKEN", "ECSDEPLOY_ENV")


def run(f, example, *args, cwd=TOP, env=None):
    """Run ecsdeploy -f examples/EXAMPLE ARGS against the fake: (exit code, stdout, stderr)."""
    e = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k not in GIVEN}
    e.update(AWS_ENDPOINT_URL=f.url, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test",
             AWS_REGION="us-east-1", AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null",
             AWS_EC2_METADATA_DISABLED="true", ECSDEPLOY_POLL_SECONDS="0.05")
    e.update(env or {})
    path = os.path.join(TOP, "examples", example + ".yml")
    p = subprocess.run([ECSDEPLOY, "-f", path] + list(args), cwd=cwd, env=e,
                       capture_output=True, text=True, timeout=300)
    PRINTED.append(p.stdout + p.stderr)
    return p.returncode, p.stdout, p.stderr


def default_bucket(stack, bucket, region="us-east-1"):
    """The default S3 name of a bucket without `name:`: STACK-BUCKET and a hash of the
    fake's account, the region, the stack and the bucket."""
    h = hashlib.sha256(f"000000000000:{region}:{stack}:{bucket}".encode()).hexdigest()[:10]
    return f"{stack}-{bucket}-{h}"


def resources(f):
    """/_fake/resources without what AWS itself makes and keeps: service-linked roles, and
    the AWS-managed keys (alias/aws/ssm, alias/aws/elasticfilesystem, ...) a service makes
    in the account on first use and never deletes."""
    d = f.control("GET", "/_fake/resources")[1]
    d["iam"]["roles"] = [r for r in d["iam"]["roles"] if "/aws-service-role/" not in r["id"]]
    d["kms"]["keys"] = [k for k in d["kms"]["keys"]
                        if not any(a.startswith("alias/aws/") for a in k.get("aliases", []))]
    return d


def without_snapshots(d):
    """A /_fake/resources document without RDS snapshots (a database's final snapshot is
    what down --purge leaves on purpose), and the snapshots."""
    d = json.loads(json.dumps(d))
    snaps = d.get("rds", {}).pop("db_snapshots", [])
    return d, snaps


def tagged(d, stack):
    """Every resource in a /_fake/resources document tagged ecsdeploy:stack=STACK."""
    found = []

    def walk(v):
        if isinstance(v, dict):
            if (v.get("tags") or {}).get("ecsdeploy:stack") == stack:
                found.append(v.get("id") or v.get("name") or v.get("arn"))
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)
    walk(d)
    return found


def diff(before, after, path=""):
    """Readable differences between two JSON documents (for the failure message)."""
    if isinstance(before, dict) and isinstance(after, dict):
        out = []
        for k in sorted(set(before) | set(after)):
            out += diff(before.get(k), after.get(k), f"{path}.{k}")
        return out
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        out = []
        for i, (b, a) in enumerate(zip(before, after)):
            out += diff(b, a, f"{path}[{i}]")
        return out
    return [] if before == after else [f"{path}: before {json.dumps(before)[:300]}, after {json.dumps(after)[:300]}"]


def writes_since(f, seq):
    """The calls that changed something, leaving out the stack lock's own (its bucket:
    ecsdeploy-locks-*, see README "One run per stack")."""
    calls = f.calls(seq)
    return [f'{c["service"]}:{c["operation"]}' for c in calls if not c["operation"].startswith(READ_PREFIXES)
            and not (c.get("bucket") or "").startswith("ecsdeploy-locks-")]


def wait_for(what, fn, tries=600):
    for _ in range(tries):
        v = fn()
        if v:
            return v
        time.sleep(0.05)
    R.check(False, f"timed out waiting for {what}")
    return None


# ---- what each example expects to exist already --------------------------------------

class Example:
    """One example: its name and region, what it keeps on `down`, the final snapshots
    `down --purge` leaves, and the checks of the things made before `up`."""

    def __init__(self, f, name, region="us-east-1"):
        self.f, self.name, self.region = f, name, region
        self.args, self.env, self.cwd = [], {}, TOP
        self.kept = []               # ids `down` without --purge leaves
        self.buckets = []            # kept buckets to fill before --purge
        self.snapshots = 0           # final snapshots down --purge leaves
        self.secrets_before = {}     # existing secret id -> value
        self.groups_before = {}      # existing group id -> its rules
        self.toggle = []             # a parameter switched on, then back off
        self.ec2 = f.client("ec2", region=region)
        self.sm = f.client("secretsmanager", region=region)
        self.ec2.describe_vpcs()     # the region's default VPC exists before the baseline

    def client(self, service):
        return self.f.client(service, region=self.region)

    def existing_secret(self, name, value):
        arn = self.sm.create_secret(Name=name, SecretString=value)["ARN"]
        self.secrets_before[arn] = value
        return arn

    def existing_group(self, name, port):
        vpc = [v for v in self.ec2.describe_vpcs()["Vpcs"] if v.get("IsDefault")][0]["VpcId"]
        gid = self.ec2.create_security_group(GroupName=name, Description=f"existing {name}", VpcId=vpc)["GroupId"]
        self.ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=[{
            "IpProtocol": "tcp", "FromPort": port, "ToPort": port,
            "IpRanges": [{"CidrIp": "10.9.0.0/16", "Description": "the office"}]}])
        self.groups_before[gid] = self.rules(gid)
        return gid

    def rules(self, gid):
        g = self.ec2.describe_security_groups(GroupIds=[gid])["SecurityGroups"][0]
        return g["IpPermissions"], g["IpPermissionsEgress"]

    def check_externals(self, when, stack_up=False):
        """The existing secrets keep their value; the existing groups keep their rules and,
        while the stack is up, have exactly one more: from the stack's group."""
        for arn, value in self.secrets_before.items():
            got = self.sm.get_secret_value(SecretId=arn)["SecretString"]
            R.check(got == value, f"{self.name}: {when}: the existing secret {arn} changed")
        for gid, (ingress, egress) in self.groups_before.items():
            now_in, now_eg = self.rules(gid)
            R.eq(now_eg, egress, f"{self.name}: {when}: the egress rules of the existing group {gid}")
            if not stack_up:
                R.eq(now_in, ingress, f"{self.name}: {when}: the rules of the existing group {gid}")
                continue
            pairs = [p for r in now_in for p in r["UserIdGroupPairs"]]
            ours = [p for p in pairs if p.get("Description", "").startswith(f"ecsdeploy:{self.name}:")]
            ranges = [(r["FromPort"], q) for r in now_in for q in r["IpRanges"]]
            R.check(len(pairs) == 1 and len(ours) == 1, f"{self.name}: {when}: one rule of ours in {gid}: {now_in}")
            R.eq(ranges, [(r["FromPort"], q) for r in ingress for q in r["IpRanges"]],
                 f"{self.name}: {when}: the existing rules of {gid} unchanged")


def make_zone(f):
    """The public hosted zone example.com, in sync (as an account that has it)."""
    r53 = f.client("route53")
    made = r53.create_hosted_zone(Name=ZONE, CallerReference="examples-example.com")
    change = made["ChangeInfo"]["Id"]
    status, doc = f.control("POST", "/_fake/route53/registrar", {   # the domain's registrar names it
        "name": ZONE, "name_servers": made["DelegationSet"]["NameServers"]})
    R.eq(status, 200, f"example.com is registered: {doc}")
    wait_for("the zone example.com in sync",
             lambda: r53.get_change(Id=change)["ChangeInfo"]["Status"] == "INSYNC")


def news_api_externals(f, x):
    """Sections 4 and 5 of news-api's chapter: its RDS instance and Redis cache cluster, each
    behind a group of its own that lets the office in, and its keys in Parameter Store."""
    db_sg = x.existing_group("news-api-db", 5432)
    cache_sg = x.existing_group("news-api-cache", 6379)
    x.client("rds").create_db_instance(
        DBInstanceIdentifier="news-api-db", DBInstanceClass="db.t3.micro", Engine="postgres",
        AllocatedStorage=20, MasterUsername="newsadmin", MasterUserPassword="YourSecurePassword123",
        VpcSecurityGroupIds=[db_sg], PubliclyAccessible=False)
    st, body = f.control("POST", "/_fake/elasticache/caches", {"region": x.region, "cache_clusters": [
        {"id": "news-api-cache", "security_groups": [cache_sg], "engine": "redis", "nodes": 1}]})
    R.check(st == 200, f"news-api: the cache made beforehand: {st} {body}")
    ssm = x.client("ssm")
    for name, value in (("database-url", "postgresql://newsadmin:YourSecurePassword123@news-api-db/postgres"),
                        ("newsapi-key", "newsapi-key-4f1c"), ("guardian-key", "guardian-key-9a2e")):
        ssm.put_parameter(Name=f"/news-api/{name}", Type="SecureString", Value=value)
        x.secrets_before_ssm = getattr(x, "secrets_before_ssm", []) + [value]
    rds = x.client("rds")
    wait_for("news-api-db available", lambda: rds.describe_db_instances(
        DBInstanceIdentifier="news-api-db")["DBInstances"][0]["DBInstanceStatus"] == "available")


def prepare(f, name, work):
    """Make what examples/NAME.yml expects to exist; return its Example."""
    if name == "canardstack":
        x = Example(f, name)
        x.kept = ["secret/api-key", "secret/admin-api-key", "secret/quack-token", "bucket/data"]
        x.buckets = [default_bucket("canardstack", "data")]
    elif name == "dbward":
        x = Example(f, name)
        x.existing_secret("dbward/database-url", "postgres://dbward@meta/dbward")
        x.kept = ["bucket/results", "file_system/data", "access_point/data.server", "parameter/server-config"]
        x.buckets = [default_bucket("dbward", "results")]
        x.toggle = ["--set", "alb=true"]
    elif name == "dekart":
        x = Example(f, name, region="eu-west-1")
        x.kept = ["bucket/output", "database/db", "db_subnets/db", "sg/db-db", "subnet/private-0",
                  "subnet/private-1", "vpc/main"]       # a kept database keeps what it stands on
        x.buckets = [default_bucket("dekart", "output", "eu-west-1")]
        x.snapshots = 1
    elif name == "fdk":
        x = Example(f, name, region="ap-southeast-2")
        x.kept = ["zone/main", "bucket/wasm", "database/db", "db_subnets/db", "sg/db-db", "subnet/private-0",
                  "subnet/private-1", "vpc/main"]
        x.buckets = [default_bucket("fdk", "wasm", "ap-southeast-2")]
        x.snapshots = 1
        x.toggle = ["--set", "monitoring=true"]
    elif name == "news-api":
        x = Example(f, name)
        x.kept = ["secret/admin-api-key"]
        news_api_externals(f, x)
    else:
        raise ValueError(name)
    make_zone(f)
    return x


def fill_buckets(f, x):
    """Objects in each kept bucket (in a versioned one: two versions and a delete marker
    besides), so --purge must empty it of every version before deleting it."""
    s3 = f.client("s3", region=x.region)
    for b in x.buckets:
        for key, body in (("data/file.txt", b"one"), ("data/file.txt", b"two"), ("data/other.txt", b"x")):
            s3.put_object(Bucket=b, Key=key, Body=body)
        s3.delete_object(Bucket=b, Key="data/file.txt")


# ---- what each example's issue asks of it once it is up -------------------------------

DOMAINS = {"dekart": ["dekart.example.com"], "fdk": ["fdk.example.com"], "news-api": ["news-api.example.com"]}
DATABASES = {"dekart": "dekart-db", "fdk": "fdk-db"}
SITE_DOMAINS = {"fdk": ["app.fdk.example.com"]}


def task_definitions(f, x):
    """{service: its task definition} as ECS has them, and the services."""
    ecs = x.client("ecs")
    svcs = ecs.describe_services(cluster=x.name, services=ecs.list_services(cluster=x.name)["serviceArns"])["services"]
    return {s["serviceName"]: ecs.describe_task_definition(taskDefinition=s["taskDefinition"])["taskDefinition"]
            for s in svcs}, svcs


def check_domains(f, x):
    """An alias A record for each domain of the example, to its ALB; an ISSUED certificate
    on its HTTPS listener."""
    if x.name not in DOMAINS:
        return
    r53 = f.client("route53")
    zones = r53.list_hosted_zones()["HostedZones"]
    lb = x.client("elbv2").describe_load_balancers()["LoadBalancers"][0]
    for name in DOMAINS.get(x.name, []):
        found = []
        for z in zones:
            sets = r53.list_resource_record_sets(HostedZoneId=z["Id"])["ResourceRecordSets"]
            found += [r for r in sets if r["Name"] == name + "." and r["Type"] == "A"]
        target = found[0].get("AliasTarget", {}).get("DNSName", "").rstrip(".").lower() if found else ""
        R.check(len(found) == 1 and target.removeprefix("dualstack.") == lb["DNSName"].lower(),
                f"{x.name}: one alias A record {name} to the ALB: {found}")
    acm = x.client("acm")
    certs = acm.list_certificates()["CertificateSummaryList"]
    issued = [c["CertificateArn"] for c in certs if c.get("Status") == "ISSUED"]
    elb = x.client("elbv2")
    https = [ln for ln in elb.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]
             if ln["Protocol"] == "HTTPS"]
    used = [c["CertificateArn"] for ln in https for c in ln.get("Certificates", [])]
    R.check(https and used and all(u in issued for u in used),
            f"{x.name}: the HTTPS listener has an ISSUED certificate: {used} {certs}")
    for name in SITE_DOMAINS.get(x.name, []):
        check_site_domain(f, x, zones, name)


def check_site_domain(f, x, zones, name):
    """A site's own name: A and AAAA aliases to its distribution, which serves it with an
    ISSUED certificate of us-east-1."""
    cf = f.client("cloudfront")
    dists = [d for d in cf.list_distributions()["DistributionList"].get("Items", [])
             if name in d["Aliases"].get("Items", [])]
    R.eq(len(dists), 1, f"{x.name}: one distribution has the alias {name}")
    if not dists:
        return
    r53 = f.client("route53")
    found = []
    for z in zones:
        sets = r53.list_resource_record_sets(HostedZoneId=z["Id"])["ResourceRecordSets"]
        found += [r["Type"] for r in sets if r["Name"] == name + "." and
                  r.get("AliasTarget", {}).get("DNSName", "").rstrip(".") == dists[0]["DomainName"]]
    R.eq(sorted(found), ["A", "AAAA"], f"{x.name}: {name} is an alias to its distribution")
    arn = dists[0]["ViewerCertificate"].get("ACMCertificateArn", "")
    cert = f.client("acm", region="us-east-1").describe_certificate(CertificateArn=arn)["Certificate"] \
        if arn.startswith("arn:aws:acm:us-east-1:") else {}
    R.check(cert.get("Status") == "ISSUED" and name in cert.get("SubjectAlternativeNames", []),
            f"{x.name}: {name} is served with an ISSUED certificate of us-east-1: {arn} {cert.get('Status')}")
    policy_id = cf.get_distribution_config(Id=dists[0]["Id"])["DistributionConfig"]["DefaultCacheBehavior"] \
        .get("ResponseHeadersPolicyId", "")
    policy = [p for p in resources(f)["cloudfront"]["response_headers_policies"] if p["id"] == policy_id]
    R.check(policy and policy[0]["headers"] == {"Cross-Origin-Embedder-Policy": "require-corp",
                                                "Cross-Origin-Opener-Policy": "same-origin"},
            f"{x.name}: {name} answers with the cross-origin isolation headers: {policy}")


def check_database(f, x):
    """The example's RDS PostgreSQL: available, encrypted, private, its password kept by RDS."""
    ident = DATABASES.get(x.name)
    if not ident:
        return
    db = x.client("rds").describe_db_instances(DBInstanceIdentifier=ident)["DBInstances"][0]
    R.check(db["DBInstanceStatus"] == "available" and db["StorageEncrypted"] and not db["PubliclyAccessible"]
            and db["Engine"] == "postgres", f"{x.name}: the database {ident} as its seed has it: {db}")
    # the fake's own view: the system's botocore may predate RDS's MasterUserSecret
    kept = [i for i in resources(f)["rds"]["db_instances"] if i["id"] == ident]
    R.check(kept and kept[0]["master_secret"], f"{x.name}: RDS keeps {ident}'s password: {kept}")


def check_dbward(f, x):
    """dbward (issue 14): its state on EFS, its configuration from Parameter Store, its
    services on Service Connect, and no security group of the stack allowing all egress."""
    if x.name != "dbward":
        return
    tds, svcs = task_definitions(f, x)
    efs = [v.get("efsVolumeConfiguration", {}) for v in tds["server"].get("volumes", [])]
    R.check(len(efs) == 1 and efs[0].get("transitEncryption") == "ENABLED"
            and efs[0].get("authorizationConfig", {}).get("iam") == "ENABLED",
            f"dbward: the server's state on EFS with TLS and IAM: {tds['server'].get('volumes')}")
    secrets = {s["name"]: s["valueFrom"] for c in tds["server"]["containerDefinitions"] for s in c.get("secrets", [])}
    R.check(":ssm:" in secrets.get("DBWARD_CONFIG_TOML", "") and "parameter/dbward/server-config" in secrets["DBWARD_CONFIG_TOML"],
            f"dbward: the server's configuration from Parameter Store: {secrets}")
    for s in svcs:
        sc = (s.get("deployments") or [{}])[0].get("serviceConnectConfiguration", {})
        R.check(sc.get("enabled"), f"dbward: {s['serviceName']} is on Service Connect: {sc}")
    ec2 = x.ec2
    groups = ec2.describe_security_groups(Filters=[{"Name": "tag:ecsdeploy:stack", "Values": ["dbward"]}])["SecurityGroups"]
    open_ = [g["GroupName"] for g in groups for r in g["IpPermissionsEgress"]
             if r["IpProtocol"] == "-1" and any(q.get("CidrIp") == "0.0.0.0/0" for q in r.get("IpRanges", []))]
    R.check(groups and not open_, f"dbward: no group of the stack allows all egress: {open_}")


def verify(f, x):
    check_domains(f, x)
    check_database(f, x)
    check_dbward(f, x)


# ---- the run of one example -----------------------------------------------------------

def up_twice(f, x):
    n = x.name
    rc, out, err = run(f, n, *x.args, "up", cwd=x.cwd, env=x.env)
    if not R.check(rc == 0 and f"Stack {n} is up" in out, f"{n}: up exits 0: {rc}\n{out[-3000:]}\n{err[-3000:]}"):
        return False
    x.check_externals("after up", stack_up=True)
    R.check(tagged(resources(f), n), f"{n}: up made resources tagged with the stack")
    seq = f.last_seq()
    # a first value from the environment is read at creation only: not needed any more
    rc, out, err = run(f, n, *x.args, "up", cwd=x.cwd)
    R.check(rc == 0 and "No changes" in out, f"{n}: a second up says No changes: {rc}\n{out[-3000:]}\n{err[-2000:]}")
    rc, out, err = run(f, n, *x.args, "plan", "--detailed-exitcode", cwd=x.cwd)
    R.check(rc == 0, f"{n}: plan --detailed-exitcode after up: {rc}\n{out[-3000:]}{err[-1000:]}")
    w = writes_since(f, seq)
    R.check(not w, f"{n}: the second up and plan made only read calls, not {w}")
    return True


def no_secret_printed(f, x):
    """No value of a secret of the stack (generated, from a file or the environment,
    filled by a bootstrap step, or existing) appears in anything ecsdeploy printed."""
    sm = f.client("secretsmanager", region=x.region)
    values = list(x.secrets_before.values()) + list(x.env.values()) + getattr(x, "secrets_before_ssm", [])
    for s in sm.list_secrets()["SecretList"]:
        v = sm.get_secret_value(SecretId=s["ARN"])["SecretString"]
        values.append(v)
        if v.startswith("{"):            # RDS keeps {"username": …, "password": …}
            values += [p for p in json.loads(v).values() if isinstance(p, str) and len(p) >= 8]
    printed = "\n".join(PRINTED)
    leaked = [v[:4] + "…" for v in values if v.strip() and v.strip() in printed]
    R.check(not leaked, f"{x.name}: secret values printed: {leaked}")


def shape(f, x):
    """(load balancer names, {service: (its load balancers, its containers)}) as AWS has them."""
    ecs = f.client("ecs", region=x.region)
    lbs = [lb["LoadBalancerName"] for lb in f.client("elbv2", region=x.region).describe_load_balancers()["LoadBalancers"]]
    svcs = {}
    for s in ecs.describe_services(cluster=x.name, services=ecs.list_services(cluster=x.name)["serviceArns"])["services"]:
        td = ecs.describe_task_definition(taskDefinition=s["taskDefinition"])["taskDefinition"]
        svcs[s["serviceName"]] = (len(s["loadBalancers"]), sorted(c["name"] for c in td["containerDefinitions"]))
    return lbs, svcs


def toggle(f, x):
    """The example's optional part on (`up`, then nothing to do), then off again: AWS is
    back to what the default made (no load balancer left attached, no sidecar)."""
    n, on = x.name, x.args + x.toggle
    default = shape(f, x)
    for args, what in ((on, " ".join(x.toggle)), (x.args, "back to the default")):
        rc, out, err = run(f, n, *args, "up", cwd=x.cwd, env=x.env)
        R.check(rc == 0 and f"Stack {n} is up" in out, f"{n}: up {what}: {rc}\n{out[-3000:]}\n{err[-2000:]}")
        rc, out, err = run(f, n, *args, "plan", "--detailed-exitcode", cwd=x.cwd, env=x.env)
        R.check(rc == 0, f"{n}: plan after up {what}: {rc}\n{out[-3000:]}{err[-1000:]}")
        if args is on:
            R.check(shape(f, x) != default, f"{n}: {what} changed nothing: {default}")
    R.eq(shape(f, x), default, f"{n}: load balancers, and per service its load balancers and containers")


def drift(f, x):
    """canardstack: a log group deleted by hand and the bucket policy removed: `up` makes
    the log group again and puts the policy back, and neither registers a task definition
    nor updates a service (the name the task definition refers to is the same)."""
    if x.name != "canardstack":
        return
    f.client("logs").delete_log_group(logGroupName="/ecs/canardstack-catalog")
    f.client("s3").delete_bucket_policy(Bucket=default_bucket("canardstack", "data"))
    seq = f.last_seq()
    rc, out, err = run(f, x.name, "up")
    R.check(rc == 0 and "log_group/catalog: ok" in out, f"canardstack: up after drift: {rc}\n{out[-3000:]}\n{err[-2000:]}")
    R.eq(sorted(set(writes_since(f, seq))), ["logs:CreateLogGroup", "logs:PutRetentionPolicy", "s3:PutBucketPolicy"],
         "canardstack: what up after drift changed")
    rc, out, err = run(f, x.name, "plan", "--detailed-exitcode")
    R.check(rc == 0, f"canardstack: plan after the drift is repaired: {rc}\n{out[-2000:]}")


def status(f, x):
    n = x.name
    seq = f.last_seq()
    rc, out, err = run(f, n, *x.args, "status", cwd=x.cwd)
    R.check(rc == 0 and f"Stack {n}" in out and "\nSERVICE " in out and "Infrastructure:" in out,
            f"{n}: status: {rc}\n{out[-2000:]}{err[-1000:]}")
    rc, out, err = run(f, n, *x.args, "status", "--check", cwd=x.cwd)
    R.check(rc == 0, f"{n}: status --check on steady services: {rc}\n{out[-2000:]}{err[-1000:]}")
    rc, out, err = run(f, n, *x.args, "status", "--output", "json", cwd=x.cwd)
    try:
        d = json.loads(out)
    except ValueError as e:
        R.check(False, f"{n}: status --output json does not parse ({e}): {out[:500]}")
        return
    R.check(rc == 0 and d.get("healthy") is True, f"{n}: status --output json says healthy: {rc} {out[:500]}")
    svcs = [r for r in d.get("resources", []) if r.get("id", "").startswith("service/")]
    R.check(svcs and all(s.get("healthy") and s.get("running") == s.get("desired") for s in svcs),
            f"{n}: every service steady in status json: {svcs}")
    bad = [(r.get("id"), r.get("state")) for r in d.get("resources", [])
           if r.get("state") in ("missing", None) or "not found" in r.get("state", "")]
    R.check(not bad, f"{n}: every resource found: {bad}")
    w = writes_since(f, seq)
    R.check(not w, f"{n}: status made only read calls, not {w}")


def down(f, x, baseline):
    """down --yes: the kept resources listed and all that is left of the stack; then
    down --yes --purge removes them: but for a database's final snapshot, the fake is as
    it was before `up`."""
    n = x.name
    rc, out, err = run(f, n, *x.args, "down", "--yes", cwd=x.cwd)
    R.check(rc == 0 and f"Stack {n} is down" in out, f"{n}: down --yes: {rc}\n{out[-2000:]}{err[-2000:]}")
    kept_part = out.split("Kept", 1)[1] if "Kept" in out else ""
    listed = [ln.split()[0] for ln in kept_part.splitlines()[1:] if ln.startswith("  ")]
    R.eq(sorted(listed), sorted(x.kept), f"{n}: what down lists as kept")
    left = [r for r in tagged(resources(f), n) if not str(r).startswith("rds:")]   # RDS's automated backups
    R.eq(len(left), len(x.kept), f"{n}: only the kept resources remain after down ({left})")
    x.check_externals("after down")
    fill_buckets(f, x)
    rc, out, err = run(f, n, *x.args, "down", "--yes", "--purge", cwd=x.cwd)
    want = f"Stack {n} is down" if x.kept else "Nothing to delete"
    R.check(rc == 0 and want in out, f"{n}: down --yes --purge says {want}: {rc}\n{out[-2000:]}{err[-2000:]}")
    R.check("Kept" not in out, f"{n}: --purge keeps nothing: {out[-800:]}")
    rc, out, err = run(f, n, *x.args, "down", "--yes", cwd=x.cwd)
    R.check(rc == 0 and "Nothing to delete" in out, f"{n}: a second down has nothing to do: {rc} {out[-800:]}{err}")
    remove_delegations(f)
    after, snapshots = without_snapshots(resources(f))
    R.eq(tagged(after, n), [], f"{n}: nothing tagged with the stack after down --purge")
    final = [s for s in snapshots if s.get("type") != "automated"]    # RDS's own backups aside
    R.eq(len(final), x.snapshots, f"{n}: the final snapshots down --purge leaves: {snapshots}")
    R.check(all(s["instance"] == f"{n}-db" for s in final), f"{n}: the final snapshot is the database's: {final}")
    d = diff(without_snapshots(baseline)[0], after)
    R.check(not d, f"{n}: the fake after down is not as before up:\n  " + "\n  ".join(d[:20]))
    x.check_externals("after down --purge")


def remove_delegations(f):
    """What the person who delegated the stack's zone by hand (fdk's) undoes by hand once
    the zone is gone: the NS records below example.com in it."""
    r53 = f.client("route53")
    for z in r53.list_hosted_zones()["HostedZones"]:
        if z["Name"] != ZONE + ".":
            continue
        sets = r53.list_resource_record_sets(HostedZoneId=z["Id"])["ResourceRecordSets"]
        gone = [r for r in sets if r["Type"] == "NS" and r["Name"] != ZONE + "."]
        if gone:
            r53.change_resource_record_sets(HostedZoneId=z["Id"], ChangeBatch={"Changes": [
                {"Action": "DELETE", "ResourceRecordSet": r} for r in gone]})


def refusals(f, name):
    """What the example needs from outside missing, `up` refuses before any write, naming
    it: the existing secret (dbward), the zone that holds its domain (dekart), the database
    and the cache (news-api). fdk makes its own zone and needs nothing."""
    want = {"dbward": "dbward/database-url",
            "dekart": "dekart.example.com",
            "news-api": "news-api-db"}.get(name)
    if not want:
        return
    seq = f.last_seq()
    rc, out, err = run(f, name, "up")
    R.check(rc != 0 and want in err and "nothing was changed" in err,
            f"{name}: up without what it needs from outside: {rc} {out[-500:]} {err}")
    R.eq(writes_since(f, seq), [], f"{name}: the refused up made no write call")


def one(f, name):
    t0 = time.time()
    f.control("POST", "/_fake/reset")
    PRINTED.clear()
    seq = f.last_seq()
    rc, out, err = run(f, name, "validate")
    R.check(rc == 0 and f"stack {name} is valid" in out, f"{name}: validate: {rc}\n{out[-1000:]}{err[-2000:]}")
    R.eq(f.last_seq(), seq, f"{name}: validate sent nothing to AWS")
    refusals(f, name)
    with tempfile.TemporaryDirectory() as work:
        x = prepare(f, name, work)
        baseline = resources(f)
        if up_twice(f, x):
            verify(f, x)
            status(f, x)
            if x.toggle:
                toggle(f, x)
            drift(f, x)
        no_secret_printed(f, x)
        down(f, x, baseline)
    print(f"{name}: {time.time() - t0:.1f} s", flush=True)


def main():
    names = sorted(p[:-4] for p in os.listdir(os.path.join(TOP, "examples")) if p.endswith(".yml"))
    R.eq(names, ["canardstack", "dbward", "dekart", "fdk", "news-api"], "the five examples")
    only = sys.argv[1:] or names
    with Fake(time_scale=0.01) as f, Delegator(f):   # fdk's zone delegated by hand, as its header says
        for name in only:
            one(f, name)
    R.finish()


if __name__ == "__main__":
    main()
