"""What IAM authorizes for each call: the actions, the resources (ARNs) and the condition
keys of the request, following AWS's Service Authorization Reference for the operations
ecsdeploy makes. A call is a list of (action, resource, per-resource keys) plus keys of the
whole request:
  - aws:RequestTag/K and aws:TagKeys from the tags a create sends, aws:ResourceTag/K from
    the tags the named resource has now;
  - ec2:CreateAction on the ec2:CreateTags a create with TagSpecifications also needs;
  - iam:PassedToService on the iam:PassRole a call implies (a task definition's roles pass
    to ecs-tasks.amazonaws.com, a service's infrastructure role to ecs.amazonaws.com);
  - iam:AWSServiceName, iam:PolicyARN, s3:prefix where IAM has them.
Describe/List calls that AWS does not scope are on "*". Creates are authorized on the ARN
the new resource will have with "*" for the part AWS picks (an id). A service or operation
not listed here answers None: the caller cannot be judged (enforcement refuses it)."""

from ..util import as_list


class Call:
    def __init__(self):
        self.items = []          # (action, resource, {key: [values]})
        self.context = {}        # keys of the whole request

    def add(self, action, resource):
        self.items.append((action, resource, {}))
        return self

    def add_ctx(self, action, resource, keys):
        """keys: {condition key: [values]} of this resource only"""
        self.items.append((action, resource, {k: as_list(v) for k, v in keys.items()}))
        return self

    def request_tags(self, tags):
        """tags: {key: value}"""
        if tags:
            for k, v in tags.items():
                self.context[f"aws:RequestTag/{k}"] = [v]
            self.context["aws:TagKeys"] = sorted(tags)
        return self


def resource_tags(tags):
    return {f"aws:ResourceTag/{k}": [v] for k, v in (tags or {}).items()}


def _kv(tags, key="Key", value="Value"):
    return {t[key]: t.get(value, "") for t in tags or [] if isinstance(t, dict) and key in t}


# ---- EC2 ----------------------------------------------------------------------------------

_EC2_TYPES = {"vpc": "vpc", "subnet": "subnet", "igw": "internet-gateway", "rtb": "route-table",
              "sg": "security-group", "eni": "network-interface", "nat": "natgateway",
              "eipalloc": "elastic-ip"}
_EC2_CREATES = {"CreateVpc": "vpc", "CreateSubnet": "subnet", "CreateInternetGateway": "internet-gateway",
                "CreateRouteTable": "route-table", "AllocateAddress": "elastic-ip",
                "CreateNatGateway": "natgateway", "CreateSecurityGroup": "security-group"}
# the ids (request members) each change names, in the order IAM lists its resources
_EC2_IDS = {
    "CreateSubnet": ["VpcId"], "CreateRouteTable": ["VpcId"], "CreateSecurityGroup": ["VpcId"],
    "CreateNatGateway": ["SubnetId", "AllocationId"],
    "ModifyVpcAttribute": ["VpcId"], "DeleteVpc": ["VpcId"], "ModifySubnetAttribute": ["SubnetId"],
    "DeleteSubnet": ["SubnetId"], "AttachInternetGateway": ["InternetGatewayId", "VpcId"],
    "DetachInternetGateway": ["InternetGatewayId", "VpcId"], "DeleteInternetGateway": ["InternetGatewayId"],
    "CreateRoute": ["RouteTableId"], "ReplaceRoute": ["RouteTableId"], "DeleteRoute": ["RouteTableId"],
    "AssociateRouteTable": ["RouteTableId", "SubnetId"], "DeleteRouteTable": ["RouteTableId"],
    "ReleaseAddress": ["AllocationId"], "DeleteNatGateway": ["NatGatewayId"],
    "DeleteSecurityGroup": ["GroupId"], "AuthorizeSecurityGroupIngress": ["GroupId"],
    "RevokeSecurityGroupIngress": ["GroupId"], "AuthorizeSecurityGroupEgress": ["GroupId"],
    "RevokeSecurityGroupEgress": ["GroupId"],
}


def _ec2_arn(ctx, rid):
    rtype = _EC2_TYPES.get(rid.split("-", 1)[0], "unknown")
    return f"arn:aws:ec2:{ctx.region}:{ctx.account}:{rtype}/{rid}"


def _ec2_tags(world, rid):
    try:
        return dict(world.services["ec2"]._tagged(rid).get("tags") or {})
    except Exception:
        return {}


def ec2(world, op, req, ctx):
    c = Call()
    if op.startswith("Describe"):
        return c.add(f"ec2:{op}", "*")
    ids = [req.get(k) for k in _EC2_IDS.get(op, []) if req.get(k)]
    if op == "DisassociateRouteTable":
        for rtb in world.services["ec2"].rtbs.values():
            if req.get("AssociationId") in rtb["assocs"]:
                ids = [rtb["id"], rtb["assocs"][req["AssociationId"]]]
    if op in ("CreateTags", "DeleteTags"):
        ids = list(req.get("Resources") or [])
        c.request_tags(_kv(req.get("Tags")))
    if op in _EC2_CREATES:
        rtype = _EC2_CREATES[op]
        c.add(f"ec2:{op}", f"arn:aws:ec2:{ctx.region}:{ctx.account}:{rtype}/*")
        tags = {}
        for spec in req.get("TagSpecifications") or []:
            tags.update(_kv(spec.get("Tags")))
        c.request_tags(tags)
        if req.get("TagSpecifications"):
            c.add_ctx("ec2:CreateTags", f"arn:aws:ec2:{ctx.region}:{ctx.account}:{rtype}/*",
                      {"ec2:CreateAction": [op]})
    elif op not in _EC2_IDS and op not in ("DisassociateRouteTable", "CreateTags", "DeleteTags"):
        return None
    for rid in ids:
        c.add_ctx(f"ec2:{op}", _ec2_arn(ctx, rid), resource_tags(_ec2_tags(world, rid)))
    return c


# ---- S3 -----------------------------------------------------------------------------------

_S3_ACTIONS = {
    "HeadBucket": "ListBucket", "ListObjectsV2": "ListBucket", "ListObjects": "ListBucket",
    "ListObjectVersions": "ListBucketVersions", "GetBucketEncryption": "GetEncryptionConfiguration",
    "PutBucketEncryption": "PutEncryptionConfiguration", "DeleteBucketEncryption": "PutEncryptionConfiguration",
    "GetPublicAccessBlock": "GetBucketPublicAccessBlock", "PutPublicAccessBlock": "PutBucketPublicAccessBlock",
    "DeletePublicAccessBlock": "PutBucketPublicAccessBlock",
    "GetBucketLifecycleConfiguration": "GetLifecycleConfiguration",
    "PutBucketLifecycleConfiguration": "PutLifecycleConfiguration", "DeleteBucketLifecycle": "PutLifecycleConfiguration",
    "GetBucketCors": "GetBucketCORS", "PutBucketCors": "PutBucketCORS", "DeleteBucketCors": "PutBucketCORS",
    "DeleteBucketTagging": "PutBucketTagging",
}
_S3_BUCKET_OPS = {"CreateBucket", "DeleteBucket", "GetBucketTagging", "PutBucketTagging", "GetBucketPolicy",
                  "PutBucketPolicy", "DeleteBucketPolicy", "GetBucketVersioning", "PutBucketVersioning",
                  "GetBucketLocation"} | set(_S3_ACTIONS)
_S3_OBJECT_OPS = {"PutObject", "GetObject", "DeleteObject", "HeadObject"}


def s3(world, op, req, ctx):
    c = Call()
    if op == "ListBuckets":
        return c.add("s3:ListAllMyBuckets", "*")
    bucket = req.get("Bucket")
    if op == "DeleteObjects":
        for o in (req.get("Delete") or {}).get("Objects") or []:
            c.add("s3:DeleteObjectVersion" if o.get("VersionId") else "s3:DeleteObject",
                  f"arn:aws:s3:::{bucket}/{o.get('Key')}")
        return c
    if op in _S3_OBJECT_OPS:
        action = "GetObject" if op == "HeadObject" else op
        return c.add(f"s3:{action}", f"arn:aws:s3:::{bucket}/{req.get('Key')}")
    if op in _S3_BUCKET_OPS:
        keys = {}
        if op in ("ListObjectsV2", "ListObjects", "ListObjectVersions"):
            keys["s3:prefix"] = [req.get("Prefix") or ""]
        return c.add_ctx(f"s3:{_S3_ACTIONS.get(op, op)}", f"arn:aws:s3:::{bucket}", keys)
    return None


# ---- IAM and STS ----------------------------------------------------------------------------

def _role_arn(world, ctx, name, path=None):
    r = world.services["iam"].roles.get(name)
    if r is not None:
        return r["Arn"], _kv(r["Tags"])
    return f"arn:aws:iam::{ctx.account}:role{path or '/'}{name}", {}


_IAM_ANY = {"ListRoles", "ListPolicies", "ListOpenIDConnectProviders", "GetAccountSummary"}


def iam(world, op, req, ctx):
    c = Call()
    if op in _IAM_ANY:
        return c.add(f"iam:{op}", "*")
    if op == "CreateServiceLinkedRole":
        svc = req.get("AWSServiceName", "")
        return c.add_ctx("iam:CreateServiceLinkedRole",
                         f"arn:aws:iam::{ctx.account}:role/aws-service-role/{svc}/*",
                         {"iam:AWSServiceName": [svc]})
    if "RoleName" in req:
        arn, tags = _role_arn(world, ctx, req["RoleName"], req.get("Path"))
        keys = resource_tags(tags)
        if op in ("AttachRolePolicy", "DetachRolePolicy"):
            keys["iam:PolicyARN"] = [req.get("PolicyArn", "")]
        if op in ("CreateRole", "TagRole"):
            c.request_tags(_kv(req.get("Tags")))
        return c.add_ctx(f"iam:{op}", arn, keys)
    if op == "CreatePolicy":
        c.request_tags(_kv(req.get("Tags")))
        return c.add(f"iam:{op}", f"arn:aws:iam::{ctx.account}:policy{req.get('Path') or '/'}{req['PolicyName']}")
    if "PolicyArn" in req:
        return c.add(f"iam:{op}", req["PolicyArn"])
    if op == "CreateOpenIDConnectProvider":
        url = req.get("Url", "").split("://", 1)[-1].rstrip("/")
        c.request_tags(_kv(req.get("Tags")))
        return c.add(f"iam:{op}", f"arn:aws:iam::{ctx.account}:oidc-provider/{url}")
    if "OpenIDConnectProviderArn" in req:
        return c.add(f"iam:{op}", req["OpenIDConnectProviderArn"])
    return None


def sts(world, op, req, ctx):
    if op == "GetCallerIdentity":
        return Call()       # needs no permission
    if op in ("AssumeRole",):
        return Call().add(f"sts:{op}", req.get("RoleArn", ""))
    return None


# ---- ELBv2 ----------------------------------------------------------------------------------

def _elb_tags(world, arn):
    return dict(world.services["elbv2"].tags.get(arn) or {})


def _elb_arn(ctx, kind, rest):
    return f"arn:aws:elasticloadbalancing:{ctx.region}:{ctx.account}:{kind}/{rest}"


def elbv2(world, op, req, ctx):
    c = Call()
    a = f"elasticloadbalancing:{op}"
    if op.startswith("Describe"):
        return c.add(a, "*")
    tags = _kv(req.get("Tags"))
    if op == "CreateLoadBalancer":
        arn = _elb_arn(ctx, "loadbalancer", f"{'net' if req.get('Type') == 'network' else 'app'}/{req['Name']}/*")
    elif op == "CreateTargetGroup":
        arn = _elb_arn(ctx, "targetgroup", f"{req['Name']}/*")
    elif op == "CreateListener":
        arn = req["LoadBalancerArn"].replace(":loadbalancer/", ":listener/") + "/*"
        c.add_ctx(a, req["LoadBalancerArn"], resource_tags(_elb_tags(world, req["LoadBalancerArn"])))
    elif op == "CreateRule":
        arn = req["ListenerArn"].replace(":listener/", ":listener-rule/") + "/*"
        c.add_ctx(a, req["ListenerArn"], resource_tags(_elb_tags(world, req["ListenerArn"])))
    else:
        arns = []
        for k in ("LoadBalancerArn", "TargetGroupArn", "ListenerArn", "RuleArn"):
            if req.get(k):
                arns.append(req[k])
        arns += list(req.get("ResourceArns") or [])
        arns += [r["RuleArn"] for r in req.get("RulePriorities") or [] if r.get("RuleArn")]
        if not arns:
            return None
        if op == "AddTags":
            c.request_tags(tags)
        for r in arns:
            c.add_ctx(a, r, resource_tags(_elb_tags(world, r)))
        return c
    c.request_tags(tags)
    c.add(a, arn)
    if tags:                # tags on creation need AddTags too
        c.add("elasticloadbalancing:AddTags", arn)
    return c


# ---- ECS ------------------------------------------------------------------------------------

_ECS_ANY = {"DescribeClusters", "ListClusters", "ListServices", "DescribeServices", "ListTasks", "DescribeTasks",
            "ListTaskDefinitionFamilies", "ListTaskDefinitions", "DescribeTaskDefinition",
            "RegisterTaskDefinition", "DeregisterTaskDefinition", "ListServiceDeployments",
            "DescribeServiceDeployments", "DescribeServiceRevisions", "ListTagsForResource"}


def _ecs_tags(world, ctx, arn):
    try:
        return _kv(world.services["ecs"]._tags_of(ctx, arn), "key", "value")
    except Exception:
        return {}


def _ecs_cluster(ctx, name):
    name = (name or "default").rsplit("/", 1)[-1]
    return f"arn:aws:ecs:{ctx.region}:{ctx.account}:cluster/{name}"


def _pass(c, role, service):
    if role:
        c.add_ctx("iam:PassRole", role, {"iam:PassedToService": [service]})


def _ecs_infra_roles(req):
    roles = [v.get("managedEBSVolume", {}).get("roleArn") for v in req.get("volumeConfigurations") or []]
    roles += [(lb.get("advancedConfiguration") or {}).get("roleArn") for lb in req.get("loadBalancers") or []]
    roles += [h.get("roleArn") for h in (req.get("deploymentConfiguration") or {}).get("lifecycleHooks") or []]
    return [r for r in roles if r]


def ecs(world, op, req, ctx):
    c = Call()
    a = f"ecs:{op}"
    if op in _ECS_ANY:
        c.add(a, "*")
        if op == "RegisterTaskDefinition":
            c.request_tags(_kv(req.get("tags"), "key", "value"))
            _pass(c, req.get("taskRoleArn"), "ecs-tasks.amazonaws.com")
            _pass(c, req.get("executionRoleArn"), "ecs-tasks.amazonaws.com")
        return c
    if op in ("CreateCluster", "DeleteCluster", "UpdateCluster"):
        arn = _ecs_cluster(ctx, req.get("clusterName") or req.get("cluster"))
        c.request_tags(_kv(req.get("tags"), "key", "value"))
        return c.add_ctx(a, arn, resource_tags(_ecs_tags(world, ctx, arn)) if op != "CreateCluster" else {})
    if op in ("CreateService", "UpdateService", "DeleteService", "StopServiceDeployment"):
        cluster = _ecs_cluster(ctx, req.get("cluster")).rsplit("/", 1)[-1]
        name = req.get("serviceName") or req.get("service") or ""
        arn = name if name.startswith("arn:") else f"arn:aws:ecs:{ctx.region}:{ctx.account}:service/{cluster}/{name}"
        c.request_tags(_kv(req.get("tags"), "key", "value"))
        c.add_ctx(a, arn, resource_tags(_ecs_tags(world, ctx, arn)) if op != "CreateService" else {})
        for role in _ecs_infra_roles(req):
            _pass(c, role, "ecs.amazonaws.com")
        return c
    if op in ("TagResource", "UntagResource"):
        arn = req.get("resourceArn", "")
        c.request_tags(_kv(req.get("tags"), "key", "value"))
        return c.add_ctx(a, arn, resource_tags(_ecs_tags(world, ctx, arn)))
    if op == "ExecuteCommand":
        cluster = _ecs_cluster(ctx, req.get("cluster"))
        task = req.get("task", "")
        if not task.startswith("arn:"):
            task = f"arn:aws:ecs:{ctx.region}:{ctx.account}:task/{cluster.rsplit('/', 1)[-1]}/{task}"
        return c.add(a, cluster).add(a, task)
    return None


# ---- CloudWatch Logs, Secrets Manager, Cloud Map --------------------------------------------

def logs(world, op, req, ctx):
    c = Call()
    a = f"logs:{op}"
    if op == "DescribeLogGroups":
        return c.add(a, "*")
    name = req.get("logGroupName")
    if not name and req.get("resourceArn"):
        name = req["resourceArn"].split(":log-group:", 1)[-1].rstrip("*").rstrip(":")
    if not name:
        return None
    g = world.services["logs"].groups.get((ctx.region, name))
    c.request_tags(req.get("tags") if isinstance(req.get("tags"), dict) else {})
    return c.add_ctx(a, f"arn:aws:logs:{ctx.region}:{ctx.account}:log-group:{name}:*",
                     resource_tags(g["tags"]) if g else {})


def secretsmanager(world, op, req, ctx):
    c = Call()
    a = f"secretsmanager:{op}"
    if op in ("ListSecrets", "GetRandomPassword"):
        return c.add(a, "*")
    sid = req.get("SecretId") or req.get("Name")
    if not sid:
        return None
    found = world.services["secretsmanager"]._find(sid, ctx.region) if op != "CreateSecret" else None
    if found:
        return c.add_ctx(a, found["ARN"], resource_tags(_kv(found.get("Tags"))))
    c.request_tags(_kv(req.get("Tags")))
    arn = sid if sid.startswith("arn:") else f"arn:aws:secretsmanager:{ctx.region}:{ctx.account}:secret:{sid}"
    return c.add(a, arn)


def servicediscovery(world, op, req, ctx):
    c = Call()
    a = f"servicediscovery:{op}"
    sd = world.services["servicediscovery"]
    if op in ("ListNamespaces", "ListServices", "GetOperation", "ListOperations"):
        return c.add(a, "*")
    if op in ("CreatePrivateDnsNamespace", "CreateHttpNamespace", "CreatePublicDnsNamespace"):
        c.request_tags(_kv(req.get("Tags")))
        return c.add(a, "*")
    if op == "CreateService":
        ns = sd.namespaces.get(req.get("NamespaceId"))
        c.request_tags(_kv(req.get("Tags")))
        if ns is None:
            return c.add(a, "*")
        return c.add_ctx(a, ns["arn"], resource_tags(sd.tags.get(ns["arn"])))
    if op in ("ListTagsForResource", "TagResource", "UntagResource"):
        arn = req.get("ResourceARN", "")
        return c.add_ctx(a, arn, resource_tags(sd.tags.get(arn)))
    rid = req.get("Id") or req.get("ServiceId") or req.get("NamespaceId")
    obj = sd.namespaces.get(rid) or sd.services.get(rid)
    if obj is None:
        return c.add(a, "*")
    return c.add_ctx(a, obj["arn"], resource_tags(sd.tags.get(obj["arn"])))


# ---- CloudFront -----------------------------------------------------------------------------

def cloudfront(world, op, req, ctx):
    c = Call()
    a = f"cloudfront:{op}"
    cf = world.services["cloudfront"]
    base = f"arn:aws:cloudfront::{ctx.account}:"
    if op in ("ListDistributions", "ListOriginAccessControls", "ListResponseHeadersPolicies"):
        return c.add(a, "*")
    if op in ("CreateDistribution", "CreateDistributionWithTags"):
        tags = {}
        if op == "CreateDistributionWithTags":
            tags = _kv(((req.get("DistributionConfigWithTags") or {}).get("Tags") or {}).get("Items"))
        c.request_tags(tags)
        c.add("cloudfront:CreateDistribution", base + "distribution/*")
        if tags:
            c.add("cloudfront:TagResource", base + "distribution/*")
        return c
    if op == "CreateOriginAccessControl":
        return c.add(a, base + "origin-access-control/*")
    if "OriginAccessControl" in op:
        return c.add(a, base + f"origin-access-control/{req.get('Id')}")
    if op == "CreateResponseHeadersPolicy":
        return c.add(a, base + "response-headers-policy/*")
    if "ResponseHeadersPolicy" in op:
        return c.add(a, base + f"response-headers-policy/{req.get('Id')}")
    if op in ("TagResource", "UntagResource", "ListTagsForResource"):
        arn = req.get("Resource", "")
        d = cf.distributions.get(arn.rsplit("/", 1)[-1])
        if op == "TagResource":
            c.request_tags(_kv((req.get("Tags") or {}).get("Items")))
        return c.add_ctx(a, arn, resource_tags(d["tags"]) if d else {})
    did = req.get("Id") or req.get("DistributionId")
    if did:
        d = cf.distributions.get(did)
        return c.add_ctx(a, base + f"distribution/{did}", resource_tags(d["tags"]) if d else {})
    return None


# ---- EFS and Parameter Store --------------------------------------------------------------

_EFS_ANY = {"DescribeFileSystems", "DescribeMountTargets", "DescribeAccessPoints"}


def efs(world, op, req, ctx):
    c = Call()
    a = f"elasticfilesystem:{op}"
    svc = world.services["efs"]
    if op in _EFS_ANY and not req.get("FileSystemId") and not req.get("AccessPointId"):
        return c.add(a, "*")
    fs_base = f"arn:aws:elasticfilesystem:{ctx.region}:{ctx.account}:file-system/"
    if op == "CreateFileSystem":
        c.request_tags(_kv(req.get("Tags")))
        return c.add(a, fs_base + "*")
    rid = req.get("ResourceId") or req.get("AccessPointId") or req.get("FileSystemId")
    if op in ("DeleteMountTarget", "DescribeMountTargetSecurityGroups", "ModifyMountTargetSecurityGroups"):
        m = svc.mount_targets.get(req.get("MountTargetId"))
        rid = m["fs_id"] if m else rid
    if not rid:
        return None
    if op == "CreateAccessPoint":
        c.request_tags(_kv(req.get("Tags")))
    if op in ("TagResource",):
        c.request_tags(_kv(req.get("Tags")))
    rec = svc.access_points.get(rid) if rid.startswith("fsap-") else svc.file_systems.get(rid)
    kind = "access-point" if rid.startswith("fsap-") else "file-system"
    arn = rec["arn"] if rec else f"arn:aws:elasticfilesystem:{ctx.region}:{ctx.account}:{kind}/{rid}"
    return c.add_ctx(a, arn, resource_tags(rec["tags"]) if rec else {})


def ssm(world, op, req, ctx):
    c = Call()
    a = f"ssm:{op}"
    if op == "DescribeParameters":
        return c.add(a, "*")
    base = f"arn:aws:ssm:{ctx.region}:{ctx.account}:parameter"

    def arn(name):
        return base + ("" if str(name).startswith("/") else "/") + str(name)

    params = world.services["ssm"].params
    if op in ("GetParameters", "DeleteParameters"):
        for name in req.get("Names") or []:
            p = params.get((ctx.region, name))
            c.add_ctx(a, arn(name), resource_tags(p["tags"]) if p else {})
        return c
    if op == "GetParametersByPath":
        return c.add(a, arn(str(req.get("Path", "")).rstrip("/")))
    name = req.get("Name") or req.get("ResourceId")
    if not name:
        return None
    if op in ("PutParameter", "AddTagsToResource"):
        c.request_tags(_kv(req.get("Tags")))
    p = params.get((ctx.region, name))
    return c.add_ctx(a, arn(name), resource_tags(p["tags"]) if p else {})


# ---- Route 53 and ACM -------------------------------------------------------------------

_R53_ANY = {"ListHostedZones", "ListHostedZonesByName", "CreateHostedZone", "GetHostedZoneCount"}


def _r53_names(batch):
    """route53:ChangeResourceRecordSetsNormalizedRecordNames: lower case, no final dot."""
    out = []
    for ch in (batch or {}).get("Changes") or []:
        name = str((ch.get("ResourceRecordSet") or {}).get("Name", "")).lower().rstrip(".")
        out.append(name.replace("\\052", "*"))
    return out


def route53(world, op, req, ctx):
    c = Call()
    a = f"route53:{op}"
    if op in _R53_ANY:
        return c.add(a, "*")
    if op == "GetChange":
        return c.add(a, "arn:aws:route53:::change/" + str(req.get("Id", "")).rsplit("/", 1)[-1])
    if op == "ListTagsForResources":
        for rid in req.get("ResourceIds") or []:
            c.add(a, "arn:aws:route53:::hostedzone/" + str(rid).rsplit("/", 1)[-1])
        return c
    zid = req.get("Id") or req.get("HostedZoneId") or req.get("ResourceId")
    if not zid:
        return None
    arn = "arn:aws:route53:::hostedzone/" + str(zid).rsplit("/", 1)[-1]
    if op == "ChangeResourceRecordSets":
        return c.add_ctx(a, arn, {"route53:ChangeResourceRecordSetsNormalizedRecordNames":
                                  _r53_names(req.get("ChangeBatch"))})
    return c.add(a, arn)


def acm(world, op, req, ctx):
    c = Call()
    a = f"acm:{op}"
    if op == "ListCertificates":
        return c.add(a, "*")
    if op == "RequestCertificate":
        c.request_tags(_kv(req.get("Tags")))
        return c.add(a, f"arn:aws:acm:{ctx.region}:{ctx.account}:certificate/*")
    arn = req.get("CertificateArn")
    if not arn:
        return None
    if op == "AddTagsToCertificate":
        c.request_tags(_kv(req.get("Tags")))
    cert = world.services["acm"].certs.get(arn)
    return c.add_ctx(a, arn, resource_tags(cert["tags"]) if cert else {})


# ---- RDS and ElastiCache -------------------------------------------------------------------

_RDS_ANY = {"DescribeDBInstances", "DescribeDBSubnetGroups", "DescribeDBSnapshots"}
_RDS_TYPES = {"DBInstanceIdentifier": "db", "DBSubnetGroupName": "subgrp",
              "DBSnapshotIdentifier": "snapshot", "FinalDBSnapshotIdentifier": "snapshot"}


def rds(world, op, req, ctx):
    """Each identifier a call names is a resource IAM judges (CreateDBInstance: the instance
    and its subnet group; DeleteDBInstance: the instance and its final snapshot)."""
    c = Call()
    a = f"rds:{op}"
    if op in _RDS_ANY and not req.get("DBInstanceIdentifier"):
        return c.add(a, "*")
    if op in ("AddTagsToResource", "ListTagsForResource", "RemoveTagsFromResource"):
        if op == "AddTagsToResource":
            c.request_tags(_kv(req.get("Tags")))
        return c.add(a, req.get("ResourceName", ""))
    if op.startswith("Create"):
        c.request_tags(_kv(req.get("Tags")))
    for member, kind in _RDS_TYPES.items():
        if req.get(member):
            rid = str(req[member]).lower() if kind != "snapshot" else str(req[member])
            c.add("rds:CreateDBSnapshot" if member == "FinalDBSnapshotIdentifier" else a,
                  f"arn:aws:rds:{ctx.region}:{ctx.account}:{kind}:{rid}")
    return c if c.items else None


def elasticache(world, op, req, ctx):
    if op.startswith("Describe"):
        return Call().add(f"elasticache:{op}", "*")
    return None


# ---- Application Auto Scaling --------------------------------------------------------------

def application_autoscaling(world, op, req, ctx):
    """Describe calls on "*"; changes on the scalable target (AWS's ARN names a random id, so
    policies name scalable-target/* with the service in the request)."""
    c = Call()
    a = f"application-autoscaling:{op}"
    if op.startswith("Describe"):
        return c.add(a, "*")
    if op == "TagResource":
        c.request_tags(req.get("Tags") or {})
    return c.add(a, f"arn:aws:application-autoscaling:{ctx.region}:{ctx.account}:scalable-target/*")


SERVICES = {"ec2": ec2, "s3": s3, "iam": iam, "sts": sts, "elbv2": elbv2, "ecs": ecs, "logs": logs,
            "secretsmanager": secretsmanager, "servicediscovery": servicediscovery,
            "cloudfront": cloudfront, "efs": efs, "ssm": ssm, "route53": route53, "acm": acm,
            "rds": rds, "elasticache": elasticache,
            "application-autoscaling": application_autoscaling}


def call_of(world, service, op, req, ctx):
    """The Call IAM judges, or None when this fake does not model the operation."""
    fn = SERVICES.get(service)
    return fn(world, op, req or {}, ctx) if fn else None
