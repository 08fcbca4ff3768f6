"""ECS task definitions: validation as RegisterTaskDefinition does it, and the stored shape."""

import copy
import re

from fakeaws.core import AwsError


def client_error(msg):
    return AwsError("ClientException", msg)


# Fargate cpu -> allowed memory (MiB), as documented by AWS.
_FARGATE_MEMORY = {
    256: (512, 1024, 2048),
    512: range(1024, 4096 + 1, 1024),
    1024: range(2048, 8192 + 1, 1024),
    2048: range(4096, 16384 + 1, 1024),
    4096: range(8192, 30720 + 1, 1024),
    8192: range(16384, 61440 + 1, 4096),
    16384: range(32768, 122880 + 1, 8192),
}


def _fargate_memory(cpu):
    return list(_FARGATE_MEMORY.get(cpu, ()))


def parse_cpu(text):
    """"256", "0.25 vCPU", "1 vcpu" -> CPU units (int) or None."""
    return _task_size(text, "cpu", "vcpu", r"^(\d+)$")


def parse_memory(text):
    """"512", "1 GB", "2gb" -> MiB (int) or None."""
    return _task_size(text, "memory", "gb", r"^(\d+)\s*(mb|mib)?$")


def _task_size(text, setting, big_unit, plain):
    """A task's cpu or memory: a number of `big_unit`s (case aside) times 1024, or a whole
    number matching `plain` as it is; None when not given, else a ClientException."""
    if text is None:
        return None
    t = str(text).strip().lower()
    m = re.match(r"^(\d+(?:\.\d+)?)\s*" + big_unit + "$", t)
    if m:
        return int(round(float(m.group(1)) * 1024))
    m = re.match(plain, t)
    if m:
        return int(m.group(1))
    raise client_error(f"Invalid '{setting}' setting for task: {text}")


def secret_base_arn(value_from):
    """valueFrom may be a Secrets Manager ARN with a JSON key suffix
    (arn:...:secret:NAME-AbCdEf:key:stage:version), a plain name, or an SSM parameter.
    Returns (secret id, json key or None)."""
    parts = value_from.split(":")
    if value_from.startswith("arn:") and len(parts) >= 7 and parts[2] == "secretsmanager":
        key = parts[7] if len(parts) > 7 and parts[7] else None
        return ":".join(parts[:7]), key
    return value_from, None


FAMILY_RE = re.compile(r"^[A-Za-z0-9_-]{1,255}$")
CONTAINER_NAME_RE = re.compile(r"^[A-Za-z0-9_-]{1,255}$")
PORT_NAME_RE = re.compile(r"^[a-z0-9_][a-z0-9_-]{0,63}$")


def validate(req):
    """Raise ClientException the way RegisterTaskDefinition does; return the normalised
    (cpu, memory) strings."""
    family = req["family"]
    if not FAMILY_RE.match(family):
        raise client_error("Family contains invalid characters. Up to 255 letters (uppercase and "
                           "lowercase), numbers, hyphens, and underscores are allowed.")
    containers = req.get("containerDefinitions") or []
    if not containers:
        raise client_error("Container list cannot be empty.")
    compat = req.get("requiresCompatibilities") or []
    fargate = "FARGATE" in compat
    names = set()
    for c in containers:
        name = c.get("name")
        if not name:
            raise client_error("Container.name should not be null or empty.")
        if not CONTAINER_NAME_RE.match(name):
            raise client_error(f"Container.name contains invalid characters: {name}")
        if name in names:
            raise client_error(f"Duplicate container name '{name}' in task definition.")
        names.add(name)
        if not c.get("image"):
            raise client_error("Container.image should not be null or empty.")
    port_names = set()
    if not any(c.get("essential", True) for c in containers):
        raise client_error("Task definition must have at least one essential container.")
    windows = (req.get("runtimePlatform") or {}).get("operatingSystemFamily", "LINUX").startswith("WINDOWS")
    for c in containers:
        _check_container_settings(c, windows)
    for c in containers:
        for d in c.get("dependsOn") or []:
            if d.get("containerName") not in names:
                raise client_error(f"Container '{c['name']}' depends on container "
                                   f"'{d.get('containerName')}', which is not defined in the task definition.")
        for pm in c.get("portMappings") or []:
            pname = pm.get("name")
            if pname is None:
                continue
            if not PORT_NAME_RE.match(pname):
                raise client_error(f"Port mapping name '{pname}' is invalid: up to 64 lowercase letters, "
                                   "numbers, underscores and hyphens, not starting with a hyphen.")
            if pname in port_names:
                raise client_error(f"Port mapping name '{pname}' is used more than once in the task "
                                   "definition; port names must be unique.")
            port_names.add(pname)
        if req.get("networkMode") == "awsvpc" or fargate:
            for pm in c.get("portMappings") or []:
                if pm.get("hostPort") not in (None, 0) and pm.get("containerPort") is not None \
                        and pm["hostPort"] != pm["containerPort"]:
                    raise client_error("When networkMode=awsvpc, the host ports and container ports "
                                       "in port mappings must match.")
        if c.get("secrets") and not req.get("executionRoleArn"):
            raise client_error("When you are specifying container secrets, you must also specify a "
                               "value for 'executionRoleArn'.")
        log = c.get("logConfiguration") or {}
        if fargate and log.get("logDriver") == "awslogs" and not req.get("executionRoleArn"):
            raise client_error("Fargate requires task definition to have execution role ARN to "
                               "support log driver awslogs.")
        if fargate and log.get("logDriver") not in (None, "awslogs", "splunk", "awsfirelens"):
            raise client_error(f"Fargate does not support log driver {log.get('logDriver')}.")
    for v in req.get("volumes") or []:
        _check_volume(v)
    vol_names = {v.get("name") for v in req.get("volumes") or []}
    for c in containers:
        for mp in c.get("mountPoints") or []:
            if mp.get("sourceVolume") not in vol_names:
                raise client_error(f"Invalid 'mountPoints' in container '{c['name']}': unknown volume "
                                   f"'{mp.get('sourceVolume')}'.")
    cpu = parse_cpu(req.get("cpu"))
    mem = parse_memory(req.get("memory"))
    if fargate:
        if req.get("networkMode") != "awsvpc":
            raise client_error("Fargate only supports network mode 'awsvpc'.")
        if cpu is None:
            raise client_error("Fargate requires that 'cpu' be defined at the task level.")
        if mem is None:
            raise client_error("Fargate requires that 'memory' be defined at the task level.")
        if mem not in _fargate_memory(cpu):
            raise client_error(f"No Fargate configuration exists for given values: {cpu} CPU, "
                               f"{mem} memory. Please review the documentation for supported values.")
        os_family = (req.get("runtimePlatform") or {}).get("operatingSystemFamily", "LINUX")
        if os_family != "LINUX" and cpu < 1024:
            raise client_error(f"No Fargate configuration exists for given values: {cpu} CPU, "
                               f"{mem} memory on {os_family}.")
        total = sum(c.get("memory") or c.get("memoryReservation") or 0 for c in containers)
        if total > mem:
            raise client_error(f"The sum of all container memory reservations ({total} MiB) is greater "
                               f"than the task memory ({mem} MiB).")
    return (str(cpu) if cpu is not None else None, str(mem) if mem is not None else None)


HEALTH_RANGES = (("interval", 5, 300), ("timeout", 2, 60), ("retries", 1, 10), ("startPeriod", 0, 300))


def _check_container_settings(c, windows):
    """What ECS refuses in one container: Linux-only settings on Windows, a health check
    out of its ranges or without CMD / CMD-SHELL / NONE, a ulimit given twice."""
    name = c["name"]
    if windows:
        for key in ("readonlyRootFilesystem", "ulimits", "user"):
            if c.get(key):
                raise client_error(f"Container '{name}': {key} is not supported for Windows containers.")
    hc = c.get("healthCheck")
    if hc:
        cmd = hc.get("command") or []
        if not cmd or cmd[0] not in ("CMD", "CMD-SHELL", "NONE"):
            raise client_error(f"Invalid 'healthCheck' setting for container '{name}': the command must start "
                               "with CMD, CMD-SHELL or NONE.")
        for key, lo, hi in HEALTH_RANGES:
            v = hc.get(key)
            if v is not None and not lo <= v <= hi:
                raise client_error(f"Invalid 'healthCheck' setting for container '{name}': {key} must be between "
                                   f"{lo} and {hi}.")
    names = [u.get("name") for u in c.get("ulimits") or []]
    if len(names) != len(set(names)):
        raise client_error(f"Container '{name}': a ulimit name may be given only once.")


VOLUME_KINDS = ("host", "dockerVolumeConfiguration", "efsVolumeConfiguration",
                "s3filesVolumeConfiguration", "fsxWindowsFileServerVolumeConfiguration", "configuredAtLaunch")


def _check_volume(v):
    """One kind of volume each; EFS access points and IAM authorization need transit
    encryption, and an access point fixes the root directory."""
    if sum(1 for k in VOLUME_KINDS if v.get(k)) > 1:
        raise client_error("When the volume parameter is specified, only one volume configuration "
                           "type should be used.")
    efs = v.get("efsVolumeConfiguration")
    if not efs:
        return
    auth = efs.get("authorizationConfig") or {}
    transit = efs.get("transitEncryption") == "ENABLED"
    if auth.get("iam") == "ENABLED" and not transit:
        raise client_error("Invalid request provided: Create TaskDefinition: Transit encryption "
                           "must be enabled when IAM authorization is used for an EFS volume.")
    if auth.get("accessPointId"):
        if not transit:
            raise client_error("Invalid request provided: Create TaskDefinition: Transit encryption "
                               "must be enabled when an EFS access point is used.")
        if efs.get("rootDirectory") not in (None, "", "/"):
            raise client_error("Invalid request provided: Create TaskDefinition: When using an EFS "
                               "access point, the root directory must either be set to \"/\" or be "
                               "omitted.")
    if efs.get("transitEncryptionPort") is not None and not transit:
        raise client_error("Invalid request provided: Create TaskDefinition: A transit encryption "
                           "port can only be given with transit encryption enabled.")


def build(req, arn, revision, now_dt, account):
    """The stored task definition (as DescribeTaskDefinition returns it)."""
    cpu, mem = validate(req)
    containers = []
    for c in copy.deepcopy(req["containerDefinitions"]):
        c.setdefault("cpu", 0)
        c.setdefault("essential", True)
        c.setdefault("environment", [])
        c.setdefault("mountPoints", [])
        c.setdefault("volumesFrom", [])
        c.setdefault("portMappings", [])
        for pm in c["portMappings"]:
            pm.setdefault("protocol", "tcp")
            if req.get("networkMode") == "awsvpc" and "containerPort" in pm:
                pm.setdefault("hostPort", pm["containerPort"])
        if c.get("healthCheck"):
            hc = c["healthCheck"]
            hc.setdefault("interval", 30)
            hc.setdefault("timeout", 5)
            hc.setdefault("retries", 3)
            hc.setdefault("startPeriod", 0)
        c.setdefault("systemControls", [])
        containers.append(c)
    td = {
        "taskDefinitionArn": arn,
        "containerDefinitions": containers,
        "family": req["family"],
        "revision": revision,
        "volumes": _stored_volumes(req.get("volumes")),
        "status": "ACTIVE",
        "placementConstraints": copy.deepcopy(req.get("placementConstraints") or []),
        "compatibilities": ["EC2", "FARGATE"] if req.get("networkMode") == "awsvpc" else ["EC2"],
        "requiresAttributes": _requires(req),
        "registeredAt": now_dt,
        "registeredBy": f"arn:aws:iam::{account}:root",
    }
    for k in ("taskRoleArn", "executionRoleArn", "networkMode", "requiresCompatibilities",
              "runtimePlatform", "pidMode", "ipcMode", "proxyConfiguration",
              "inferenceAccelerators", "ephemeralStorage", "enableFaultInjection"):
        if req.get(k) is not None:
            td[k] = copy.deepcopy(req[k])
    if cpu is not None:
        td["cpu"] = cpu
    if mem is not None:
        td["memory"] = mem
    return td


def _stored_volumes(volumes):
    """As DescribeTaskDefinition shows them: ECS fills in an EFS volume's root directory."""
    out = copy.deepcopy(volumes or [])
    for v in out:
        if v.get("efsVolumeConfiguration"):
            v["efsVolumeConfiguration"].setdefault("rootDirectory", "/")
    return out


def _requires(req):
    out = [{"name": "com.amazonaws.ecs.capability.docker-remote-api.1.18"}]
    if req.get("networkMode") == "awsvpc":
        out.append({"name": "ecs.capability.task-eni"})
    if req.get("taskRoleArn"):
        out.append({"name": "com.amazonaws.ecs.capability.task-iam-role"})
    for c in req.get("containerDefinitions") or []:
        if (c.get("logConfiguration") or {}).get("logDriver") == "awslogs":
            out.append({"name": "com.amazonaws.ecs.capability.logging-driver.awslogs"})
            out.append({"name": "ecs.capability.execution-role-awslogs"})
            break
    if any(c.get("secrets") for c in req.get("containerDefinitions") or []):
        out.append({"name": "ecs.capability.secrets.asm.environment-variables"})
    efs = [v["efsVolumeConfiguration"] for v in req.get("volumes") or [] if v.get("efsVolumeConfiguration")]
    if efs:
        out.append({"name": "ecs.capability.efs"})
    if any((e.get("authorizationConfig") or {}).get("iam") == "ENABLED" for e in efs):
        out.append({"name": "ecs.capability.efsAuth"})
    if any(c.get("healthCheck") for c in req.get("containerDefinitions") or []):
        out.append({"name": "ecs.capability.container-health-check"})
    if any(c.get("dependsOn") for c in req.get("containerDefinitions") or []):
        out.append({"name": "ecs.capability.container-ordering"})
    return out
