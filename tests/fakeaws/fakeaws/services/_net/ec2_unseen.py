"""EC2's eventual consistency, on request (part of the EC2 class).

AWS documents that a resource just made may not be visible yet to the next calls that
name it: "if you run a command to modify or describe the resource that you just created,
its ID might not have propagated throughout the system, and you will get an error
responding that the resource does not exist" (InvalidVpcID.NotFound,
InvalidSubnetID.NotFound, InvalidGroup.NotFound after CreateSecurityGroup); it advises
describing with backoff, or waiting, before the next command. The fake answers at once by
default; POST /_fake/ec2/unseen {"kinds": [...], "calls": N} makes every VPC, subnet or
security group (of the kinds listed) made from then on unseen by the first N calls that
name its id (not in a filter: a filter that cannot see it just does not match), which get
its NotFound error, as AWS would answer them. Describe calls count, so a caller that
waits by describing sees it after N looks."""

from fakeaws.core import AwsError

# kind -> (create operation, where the answer holds the new id, not-found code, message,
#          the Describe answer's list and its items' id member)
UNSEEN_KINDS = {
    "vpc": ("CreateVpc", ("Vpc", "VpcId"), "InvalidVpcID.NotFound", "The vpc ID '{}' does not exist",
            "Vpcs", "VpcId"),
    "subnet": ("CreateSubnet", ("Subnet", "SubnetId"), "InvalidSubnetID.NotFound",
               "The subnet ID '{}' does not exist", "Subnets", "SubnetId"),
    "sg": ("CreateSecurityGroup", ("GroupId",), "InvalidGroup.NotFound",
           "The security group '{}' does not exist", "SecurityGroups", "GroupId"),
}
# request members that do not name a resource to look up
_NOT_NAMES = ("Filters", "TagSpecifications", "Tags")


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, dict):
        for k, v in value.items():
            if k not in _NOT_NAMES:
                yield from _strings(v)


class UnseenMixin:
    def reset_unseen(self):
        self.unseen_kinds, self.unseen_calls = set(), 0
        self.unseen = {}          # id -> (kind, calls still refused)

    def control(self, method, segs, doc):
        usage = ('ec2 control: POST /_fake/ec2/unseen {"kinds": [KIND, ...], "calls": N} '
                 '(kinds among ' + ", ".join(UNSEEN_KINDS) + '; calls 0 ends it)')
        if method != "POST" or segs != ["unseen"] or not isinstance(doc, dict) \
                or set(doc) != {"kinds", "calls"} or not isinstance(doc["kinds"], list) \
                or not all(k in UNSEEN_KINDS for k in doc["kinds"]) \
                or not isinstance(doc["calls"], int) or isinstance(doc["calls"], bool) \
                or doc["calls"] < 0:
            return 404, {"error": usage}
        self.unseen_kinds, self.unseen_calls = set(doc["kinds"]), doc["calls"]
        if not self.unseen_calls:
            self.unseen = {}
        return 200, {"kinds": sorted(self.unseen_kinds), "calls": self.unseen_calls}

    def refuse_unseen(self, operation, req):
        """Before an operation: a call naming an id not seen yet gets its NotFound."""
        if not self.unseen:
            return
        for s in _strings(req):
            kind, left = self.unseen.get(s, (None, 0))
            if left <= 0:
                continue
            self.unseen[s] = (kind, left - 1)
            _, _, code, message, _, _ = UNSEEN_KINDS[kind]
            raise AwsError(code, message.format(s))

    def note_unseen(self, operation, answer):
        """After an operation: the id a create of a kind switched on answered with
        becomes unseen; a Describe (by filters: one naming it was refused) leaves out
        what is unseen still. Returns the answer."""
        for kind in self.unseen_kinds:
            create, path, _, _, _, _ = UNSEEN_KINDS[kind]
            if operation != create:
                continue
            value = answer
            for key in path:
                value = value.get(key) if isinstance(value, dict) else None
            if isinstance(value, str):
                self.unseen[value] = (kind, self.unseen_calls)
        if not self.unseen or not operation.startswith("Describe"):
            return answer
        hidden = {i for i, (_, left) in self.unseen.items() if left > 0}
        out = dict(answer)
        for _, _, _, _, member, key in UNSEEN_KINDS.values():
            if isinstance(out.get(member), list):
                out[member] = [r for r in out[member] if r.get(key) not in hidden]
        return out
