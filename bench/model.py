"""What AWS does after each call and how long it takes, in AWS's own seconds: the one model
the bench applies the same way to ecsdeploy's run, the AWS CLI script, a CloudFormation-
ordering model of the stack and a lower bound from AWS's own constraints (project.py,
cli_model.py). Every number here is stated with its source in bench/README.md.

Durations are the local fake's (tests/fakeaws), which follow docs/aws-behaviour.md; where
the fake draws from a range, the model takes the middle ("typical") and can be asked for
either end ("low", "high"). Times are in AWS seconds unless a caller scales them.
"""
import math

# name: (low, typical, high, where the number comes from)
DURATIONS = {
    "alb_active": (60, 105, 150, "fake elb_lb.py LB_ACTIVE_RANGE, provisioning -> active; "
                                 "aws-behaviour.md: 1-3 min"),
    "namespace": (30, 45, 60, "fake servicediscovery.py NAMESPACE_OP_RANGE, create and delete "
                              "operations; aws-behaviour.md: 30-90 s"),
    "nat_available": (60, 90, 120, "fake ec2_nat.py NAT_READY_RANGE; aws-behaviour.md: 1-2 min"),
    "nat_deleted": (45, 45, 45, "fake ec2_nat.py NAT_DELETE_SECONDS"),
    "task_provision": (8, 8, 8, "fake ecs_tasks.py PROVISION_S (ENI attach)"),
    "image_pull": (15, 15, 15, "fake ecs_tasks.py PULL_S"),
    "container_start": (3, 3, 3, "fake ecs_tasks.py START_S"),
    "exec_agent": (5, 5, 5, "fake ecs_tasks.py AGENT_START_S (ECS Exec agent after RUNNING)"),
    "no_lb_healthy": (40, 40, 40, "fake ecs_tasks.py NO_HC_GRACE_S (a task with no health "
                                  "check counts as healthy this long after RUNNING)"),
    "task_stopping": (5, 5, 5, "fake ecs_tasks.py STOPPING_S (SIGTERM to exit)"),
    "task_deprovision": (10, 10, 10, "fake ecs_tasks.py DEPROVISION_S (ENI detach)"),
    "task_eni_linger": (180, 180, 180, "fake ecs_tasks.py ENI_LINGER_S; aws-behaviour.md: "
                                       "ENIs linger for minutes"),
    "alb_eni_linger": (240, 240, 240, "fake elb_lb.py LB_ENI_LINGER"),
    "role_assumable": (8, 8, 8, "fake iam.py ASSUME_DELAY (IAM eventual consistency)"),
    "cloudmap_instance": (5, 5, 5, "fake servicediscovery.py INSTANCE_OP_SECONDS"),
}

# What AWS uses where nothing is set (CreateTargetGroup, CreateService API references).
AWS_DEFAULTS = {"hc_interval": 30, "hc_healthy": 5, "dereg": 300, "min_healthy": 100,
                "max_percent": 200}

# How often each tool looks (AWS seconds): a wait ends on average half a look late.
POLL = {
    "ecsdeploy": 5.0,         # src/cli/session.c ctx.poll_s, deploy_output.c t->poll_s
    "cli_waiter": 15.0,       # botocore waiters-2.json: ServicesStable, ServicesInactive,
                              # LoadBalancerAvailable, TargetInService, LoadBalancersDeleted
    "cli_poll": 5.0,          # bench/aws-cli.sh POLL (its own loops and retries)
    "cloudformation": 0.0,    # not published: counted as reacting at once (in its favour)
}


def durations(variant="typical", scale=1.0, overrides=None):
    """{name: seconds} for one end of the ranges, times `scale`; overrides (AWS seconds)
    replace single entries, e.g. the ALB time the fake really drew in a run."""
    col = {"low": 0, "typical": 1, "high": 2}[variant]
    d = {k: v[col] for k, v in DURATIONS.items()}
    d.update(overrides or {})
    d = {k: v * scale for k, v in d.items()}
    d["settings_scale"] = scale    # health-check and deregistration settings scale alike
    return d


def task_start(d):
    return d["task_provision"] + d["image_pull"] + d["container_start"]


def wait_done(first_look, ready, poll):
    """When a waiter that first looks at `first_look` sees something ready at `ready`:
    at once when it already is, else on average half a poll after it became so."""
    return first_look if ready <= first_look else ready + poll / 2.0


# ---------------------------------------------------------------- stack settings

def _dig(doc, *path):
    for p in path:
        if not isinstance(doc, dict) or p not in doc:
            return None
        doc = doc[p]
    return doc


def service_settings(resolved, raw=None, aws_defaults=False):
    """Per service: {lb, desired, hc_interval, hc_healthy, dereg, min_healthy, max_percent,
    private} from the stack as `validate --output json` resolves it (ecsdeploy's defaults
    applied). With aws_defaults, every setting the file itself (raw, the parsed stack
    file; None when unknown) does not name takes AWS's default instead: what a template
    writer gets."""
    out = {}
    for name, s in sorted((_dig(resolved, "services") or {}).items()):
        lb = s.get("load_balancer") or None
        hc = (lb or {}).get("health_check") or {}
        dep = s.get("deployment") or {}
        v = {"lb": lb.get("name") if lb else None,
             "desired": int(s.get("desired_count", 1) or 1),
             "hc_interval": hc.get("interval", AWS_DEFAULTS["hc_interval"]),
             "hc_healthy": hc.get("healthy_threshold", AWS_DEFAULTS["hc_healthy"]),
             "dereg": (lb or {}).get("deregistration_delay", AWS_DEFAULTS["dereg"]) if lb else 0,
             "min_healthy": dep.get("min_healthy_percent", AWS_DEFAULTS["min_healthy"]),
             "max_percent": dep.get("max_percent", AWS_DEFAULTS["max_percent"]),
             "private": s.get("subnets") == "private"}
        if aws_defaults and lb:
            mine = _dig(raw, "services", name) or {}
            given = {"hc_interval": _dig(mine, "load_balancer", "health_check", "interval"),
                     "hc_healthy": _dig(mine, "load_balancer", "health_check", "healthy_threshold"),
                     "dereg": _dig(mine, "load_balancer", "deregistration_delay"),
                     "min_healthy": _dig(mine, "deployment", "min_healthy_percent"),
                     "max_percent": _dig(mine, "deployment", "max_percent")}
            for key, value in given.items():
                if value is None:
                    v[key] = AWS_DEFAULTS[key]
        out[name] = v
    return out


# ---------------------------------------------------------------- the stack's shape

def kind(rid):
    return rid.split("/", 1)[0]


def name(rid):
    return rid.split("/", 1)[1] if "/" in rid else rid


class Topology:
    """What the bench needs to know of the stack's resources, from the `depends_on`
    edges of a plan taken before the fresh `up` ({id: [ids it needs]})."""

    def __init__(self, edges):
        self.edges = {r: list(d) for r, d in edges.items()}
        self.nodes = sorted(self.edges)

    def deps(self, rid):
        return self.edges.get(rid, [])

    def dependents(self, rid):
        return [r for r in self.nodes if rid in self.edges[r]]

    def forwarded_services(self, rid):
        """Services whose target group a listener or rule forwards to."""
        groups = [d for d in self.deps(rid) if kind(d) == "target_group"]
        return sorted({name(s) for g in groups for s in self.dependents(g) if kind(s) == "service"})

    def service_of(self, rid):
        """The service a bootstrap step runs in (its first service dependency)."""
        return next((name(d) for d in self.deps(rid) if kind(d) == "service"), None)

    def roles_of(self, rid):
        """The IAM roles a service's CreateService names: its own (the infrastructure
        role) and its task definition's (execution and task roles)."""
        near = self.deps(rid) + [x for d in self.deps(rid) if kind(d) == "task_def" for x in self.deps(d)]
        return sorted({r for r in near if kind(r) == "role"})

    def eni_users(self, sg):
        """ALBs and services whose network interfaces carry security group sg."""
        return [r for r in self.dependents(sg) if kind(r) in ("alb", "service")]


# ---------------------------------------------------------------- AWS's side

class Aws:
    """AWS's asynchronous work, in one tool-independent account: each method is a call
    that starts something, and returns (or records) when AWS has finished it."""

    def __init__(self, d, settings):
        self.d, self.s = d, settings
        self.alb_active, self.alb_enis_gone, self.alb_deleted = {}, {}, {}
        self.forwarded, self.unforwarded = {}, {}
        self.running, self.stopped, self.task_enis_gone = {}, {}, {}
        self.role_usable = {}

    # -- creating
    def create_role(self, role, t):
        """CreateRole answered at t: ECS can assume the role once IAM has spread it."""
        self.role_usable[role] = t + self.d["role_assumable"]

    def roles_usable(self, roles):
        """When ECS accepts a service naming these roles (it refuses a role it cannot
        assume yet: InvalidParameterException)."""
        return max([0.0] + [self.role_usable.get(r, 0.0) for r in roles])

    def create_alb(self, lb, t):
        self.alb_active[lb] = t + self.d.get("alb_active_" + lb, self.d["alb_active"])
        return self.alb_active[lb]

    def forward(self, svc, t):
        """A listener or rule forwarding to svc's target group exists from t on."""
        self.forwarded[svc] = min(self.forwarded.get(svc, math.inf), t)

    def healthy_at(self, svc, running):
        """When ECS counts the new task healthy. Health checks begin when the target is
        registered (task RUNNING), its group is forwarded to and the ALB is active; the
        load balancer calls it healthy after interval x healthy threshold. ECS first looks
        that long after RUNNING and, while the load balancer does not agree yet, again
        every interval (fake ecs_tasks.py _elb_agrees): it sees the health at the first of
        those looks at or after the load balancer's."""
        s = self.s.get(svc) or {}
        if not s.get("lb"):
            return running + self.d["no_lb_healthy"]
        start = max(running, self.alb_active.get(s["lb"], 0.0), self.forwarded.get(svc, running))
        checks = self.d.get("new_target_checks") or s["hc_healthy"]
        interval = s["hc_interval"] * self.d.get("settings_scale", 1.0)
        elb = start + interval * checks
        first = running + interval * checks
        if elb <= first + 1e-9 or interval <= 0:
            return max(elb, first)
        return first + math.ceil((elb - first) / interval - 1e-9) * interval

    def health_cause(self, svc):
        """"alb/NAME" when svc's health checks waited for its ALB to become active."""
        lb = (self.s.get(svc) or {}).get("lb")
        if lb and lb in self.alb_active and self.alb_active[lb] > self.running.get(svc, 0.0):
            return "alb/" + lb
        return None

    def create_service(self, svc, t, egress_ready=0.0):
        """CreateService at t: tasks RUNNING (after the NAT when they pull through one),
        then healthy; returns when ECS calls the rollout complete."""
        d = self.d
        pull_from = max(t + d["task_provision"], egress_ready)
        self.running[svc] = pull_from + d["image_pull"] + d["container_start"]
        return self.healthy_at(svc, self.running[svc])

    def roll(self, svc, t):
        """UpdateService at t with a new task definition (rolling): the new task starts and
        becomes healthy; the old one is deregistered, drains for the deregistration delay
        and stops, at once when the minimum healthy percent allows, else once the new one
        is healthy. Returns when the rollout is complete (old task stopped)."""
        s, d = self.s[svc], self.d
        running = t + task_start(d)
        self.running[svc] = running
        healthy = self.healthy_at(svc, running)
        keep = math.ceil(s["desired"] * s["min_healthy"] / 100.0)
        old_from = t if keep < s["desired"] else healthy
        drain = s["dereg"] * d.get("settings_scale", 1.0) if s.get("lb") else 0
        stopped = old_from + drain + d["task_stopping"] + d["task_deprovision"]
        return max(healthy, stopped)

    def agent_ready(self, svc):
        return self.running.get(svc, 0.0) + self.d["exec_agent"]

    # -- deleting
    def attached(self, svc, t):
        """Whether svc's target group is still forwarded to by a live ALB at t (only then
        do deregistered targets drain)."""
        s = self.s.get(svc) or {}
        if not s.get("lb"):
            return False
        return self.unforwarded.get(svc, math.inf) > t and self.alb_deleted.get(s["lb"], math.inf) > t

    def delete_service(self, svc, t):
        """Scale to zero and delete at t: tasks drain (when attached), stop, and their
        network interfaces linger. Returns when the tasks are stopped."""
        s, d = self.s.get(svc) or {}, self.d
        drain = s.get("dereg", 0) * d.get("settings_scale", 1.0) if self.attached(svc, t) else 0
        self.stopped[svc] = t + drain + d["task_stopping"] + d["task_deprovision"]
        self.task_enis_gone[svc] = self.stopped[svc] + d["task_eni_linger"]
        return self.stopped[svc]

    def unforward(self, svc, t):
        self.unforwarded[svc] = min(self.unforwarded.get(svc, math.inf), t)

    def delete_alb(self, lb, t):
        self.alb_deleted[lb] = t
        self.alb_enis_gone[lb] = t + self.d["alb_eni_linger"]

    def enis_gone(self, users):
        """When the network interfaces of these resources (alb/X, service/Y) are gone."""
        times = [0.0]
        for rid in users:
            if kind(rid) == "alb":
                times.append(self.alb_enis_gone.get(name(rid), 0.0))
            elif kind(rid) == "service":
                times.append(self.task_enis_gone.get(name(rid), 0.0))
        return max(times)

    def all_enis_gone(self):
        return max([0.0] + list(self.alb_enis_gone.values()) + list(self.task_enis_gone.values()))
