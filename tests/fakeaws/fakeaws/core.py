"""The contract every part of the fake shares: errors, the clock, the world, services.

A service module (fakeaws/services/<name>.py) defines one subclass of Service whose
methods are named exactly like the AWS operations they answer (CreateVpc, DescribeVpcs,
...). A handler receives the request already decoded from the wire into the shape a
boto3 client call takes (a dict of input members) and returns the output as the dict a
boto3 client call returns (without ResponseMetadata). The server owns the wire: it
decodes requests, validates them against the service model, serialises outputs and
errors in the protocol of the service. Handlers never see bytes.

All state lives in one World behind one lock; the server holds it for the whole call,
so handlers need no locking of their own.

Time: asynchronous lifecycles are computed lazily from the clock. A resource records
`ready_at = world.clock.after(90)` (90 real-world seconds scaled by --time-scale) and
its state is derived whenever it is read: `world.clock.reached(ready_at)`. No threads.
"""

import random
import threading
import time
import uuid

ACCOUNT_ID = "000000000000"


class AwsError(Exception):
    """An error AWS would answer. code is the AWS error code ("DependencyViolation"),
    status the HTTP status, sender_fault False for 5xx-style server faults."""

    def __init__(self, code, message, status=400, sender_fault=True, extra=None):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.sender_fault = sender_fault
        self.extra = extra              # more error fields (S3: BucketName, ...), optional


class Clock:
    """Real time, with a scale for the durations of simulated lifecycles."""

    def __init__(self, scale=1.0):
        self.scale = scale

    def now(self):
        """Epoch seconds (float), real time."""
        return time.time()

    def after(self, seconds):
        """The epoch time at which `seconds` of simulated AWS time will have passed."""
        return time.time() + seconds * self.scale

    def reached(self, deadline):
        return deadline is not None and time.time() >= deadline


class RequestContext:
    """What a handler knows of the call it answers."""

    def __init__(self, world, service, operation, region, access_key, request_id, host=None):
        self.world = world
        self.service = service          # botocore service name, e.g. "ec2"
        self.operation = operation      # e.g. "CreateVpc"
        self.region = region            # from the SigV4 credential scope
        self.access_key = access_key
        self.account = ACCOUNT_ID
        self.request_id = request_id
        self.host = host                # "127.0.0.1:PORT" as the client addressed us


class Service:
    """Base class of one AWS service. Subclasses set `name` (the botocore service name,
    also the folder under aws-models/) and define one method per operation."""

    name = None

    def __init__(self, world):
        self.world = world
        self.reset()

    def reset(self):
        """Forget all state (POST /_fake/reset)."""

    def resources(self):
        """Every live resource of this service for GET /_fake/resources:
        {"kind": [ {"id": ..., ...}, ... ], ...}. Deleted things are not listed."""
        return {}

    def handler(self, operation):
        fn = getattr(self, operation, None)
        if fn is None or not operation[:1].isupper():
            return None
        return fn


class World:
    """All services, the clock, the random source and the single lock."""

    def __init__(self, time_scale=1.0, seed=None):
        self.clock = Clock(time_scale)
        self.random = random.Random(seed)
        self.lock = threading.RLock()
        self.services = {}
        # Set by the server (fakeaws/server.py): fault rules (faults.Faults, see
        # exec_decide()/exec_rules() for the data channel) and the SigV4 key ring
        # (signing.Keyring; STS adds its temporary keys there).
        self.faults = None
        self.keyring = None

    def add(self, service_class):
        svc = service_class(self)
        self.services[svc.name] = svc
        return svc

    def svc(self, name):
        """Another service, for cross-service behaviour (ECS tasks making ENIs in EC2,
        registering targets in ELBv2, instances in Cloud Map, ...)."""
        return self.services[name]

    def reset(self):
        with self.lock:
            for svc in self.services.values():
                svc.reset()

    def new_id(self, prefix, hexlen=17):
        """An EC2-style id: prefix + '-' + hex (vpc-0a1b2c...)."""
        return prefix + "-" + "".join(self.random.choice("0123456789abcdef") for _ in range(hexlen))

    def new_uuid(self):
        return str(uuid.UUID(int=self.random.getrandbits(128), version=4))

    def arn(self, service, region, resource, account=ACCOUNT_ID):
        return f"arn:aws:{service}:{region}:{account}:{resource}"
