"""CloudWatch Logs: log groups with retention and tags, streams, events, filtering."""

from ..core import AwsError, Service
from ..util import untag

RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192,
                  2557, 2922, 3288, 3653]
DAY_MS = 86400 * 1000


def _no_group():
    return AwsError("ResourceNotFoundException", "The specified log group does not exist.", 400)


def _no_stream():
    return AwsError("ResourceNotFoundException", "The specified log stream does not exist.", 400)


class Logs(Service):
    name = "logs"

    def reset(self):
        self.groups = {}            # (region, name) -> record
        self.event_seq = 0

    def resources(self):
        return {"log_groups": [{"id": g["arn"], "name": g["name"], "region": g["region"],
                                "retention_days": g["retention"], "tags": dict(g["tags"]),
                                "streams": len(g["streams"]),
                                "events": sum(len(s["events"]) for s in g["streams"].values())}
                               for g in self.groups.values()]}

    def _now_ms(self):
        return int(self.world.clock.now() * 1000)

    def _group(self, ctx, name=None, ident=None):
        if ident and not name:
            name = ident.split(":log-group:", 1)[1].split(":")[0] if ":log-group:" in ident else ident
        if name is None:
            raise AwsError("InvalidParameterException", "Either logGroupName or logGroupIdentifier "
                           "must be specified.", 400)
        g = self.groups.get((ctx.region, name))
        if g is None:
            raise _no_group()
        return g

    def _by_arn(self, ctx, arn):
        if ":log-group:" not in arn:
            raise AwsError("InvalidParameterException", f"Invalid resource ARN {arn}", 400)
        name = arn.split(":log-group:", 1)[1]
        if name.endswith(":*"):
            name = name[:-2]
        g = self.groups.get((ctx.region, name))
        if g is None:
            raise AwsError("ResourceNotFoundException", f"The specified resource does not exist: {arn}", 400)
        return g

    # -- groups --------------------------------------------------------------------------
    def CreateLogGroup(self, req, ctx):
        name = req["logGroupName"]
        if name.startswith("aws/"):
            raise AwsError("InvalidParameterException", "Log group names can't start with the string aws/.", 400)
        if (ctx.region, name) in self.groups:
            raise AwsError("ResourceAlreadyExistsException", "The specified log group already exists", 400)
        if len(req.get("tags") or {}) > 50:
            raise AwsError("InvalidParameterException", "Too many tags (at most 50).", 400)
        arn = self.world.arn("logs", ctx.region, f"log-group:{name}", ctx.account)
        self.groups[(ctx.region, name)] = {
            "name": name, "region": ctx.region, "arn": arn, "created": self._now_ms(),
            "retention": None, "tags": dict(req.get("tags") or {}), "kms": req.get("kmsKeyId"),
            "streams": {}, "class": req.get("logGroupClass") or "STANDARD"}
        return {}

    def DeleteLogGroup(self, req, ctx):
        g = self._group(ctx, req["logGroupName"])
        del self.groups[(ctx.region, g["name"])]
        return {}

    def _out_group(self, g):
        return {"logGroupName": g["name"], "creationTime": g["created"], "retentionInDays": g["retention"],
                "metricFilterCount": 0, "arn": g["arn"] + ":*", "logGroupArn": g["arn"],
                "storedBytes": sum(len(m) for s in g["streams"].values() for _, m, _ in s["events"]),
                "kmsKeyId": g["kms"], "logGroupClass": g["class"]}

    def DescribeLogGroups(self, req, ctx):
        prefix = req.get("logGroupNamePrefix")
        pattern = req.get("logGroupNamePattern")
        if prefix and pattern:
            raise AwsError("InvalidParameterException", "LogGroup name prefix and LogGroup name pattern "
                           "are mutually exclusive parameters.", 400)
        items = [g for (r, n), g in sorted(self.groups.items()) if r == ctx.region and
                 (not prefix or n.startswith(prefix)) and (not pattern or pattern in n)]
        page, nxt = self._page(items, req.get("nextToken"), req.get("limit"), 50)
        return {"logGroups": [self._out_group(g) for g in page], "nextToken": nxt}

    def _page(self, items, token, limit, default):
        start = 0
        if token:
            try:
                start = int(token.rpartition("/")[2])
            except ValueError:
                raise AwsError("InvalidParameterException", "The specified nextToken is invalid.", 400)
        limit = limit or default
        page = items[start:start + limit]
        return page, (f"n/{start + limit}" if start + limit < len(items) else None)

    def PutRetentionPolicy(self, req, ctx):
        days = req["retentionInDays"]
        if days not in RETENTION_DAYS:
            raise AwsError("InvalidParameterException", f"1 validation error detected: Value '{days}' at "
                           "'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: "
                           "[" + ", ".join(map(str, RETENTION_DAYS)) + "]", 400)
        self._group(ctx, req["logGroupName"])["retention"] = days
        return {}

    def DeleteRetentionPolicy(self, req, ctx):
        self._group(ctx, req["logGroupName"])["retention"] = None
        return {}

    # -- tags ----------------------------------------------------------------------------
    def TagLogGroup(self, req, ctx):
        self._group(ctx, req["logGroupName"])["tags"].update(req["tags"])
        return {}

    def UntagLogGroup(self, req, ctx):
        g = self._group(ctx, req["logGroupName"])
        untag(g["tags"], req["tags"])
        return {}

    def ListTagsLogGroup(self, req, ctx):
        return {"tags": dict(self._group(ctx, req["logGroupName"])["tags"])}

    def TagResource(self, req, ctx):
        g = self._by_arn(ctx, req["resourceArn"])
        g["tags"].update(req["tags"])
        if len(g["tags"]) > 50:
            raise AwsError("TooManyTagsException", "A resource can have no more than 50 tags.", 400)
        return {}

    def UntagResource(self, req, ctx):
        g = self._by_arn(ctx, req["resourceArn"])
        untag(g["tags"], req["tagKeys"])
        return {}

    def ListTagsForResource(self, req, ctx):
        return {"tags": dict(self._by_arn(ctx, req["resourceArn"])["tags"])}

    # -- streams and events --------------------------------------------------------------
    def CreateLogStream(self, req, ctx):
        g = self._group(ctx, req["logGroupName"])
        name = req["logStreamName"]
        if name in g["streams"]:
            raise AwsError("ResourceAlreadyExistsException", "The specified log stream already exists", 400)
        self._new_stream(g, name)
        return {}

    def _new_stream(self, g, name):
        s = {"name": name, "created": self._now_ms(), "events": [], "last_ingest": None}
        g["streams"][name] = s
        return s

    def DeleteLogStream(self, req, ctx):
        g = self._group(ctx, req["logGroupName"])
        if req["logStreamName"] not in g["streams"]:
            raise _no_stream()
        del g["streams"][req["logStreamName"]]
        return {}

    def DescribeLogStreams(self, req, ctx):
        g = self._group(ctx, req.get("logGroupName"), req.get("logGroupIdentifier"))
        prefix = req.get("logStreamNamePrefix")
        order = req.get("orderBy") or "LogStreamName"
        if prefix and order == "LastEventTime":
            raise AwsError("InvalidParameterException", "Cannot order by LastEventTime with a logStreamNamePrefix.", 400)
        items = [s for n, s in sorted(g["streams"].items()) if not prefix or n.startswith(prefix)]
        if order == "LastEventTime":
            items.sort(key=lambda s: s["events"][-1][0] if s["events"] else 0)
        if req.get("descending"):
            items.reverse()
        page, nxt = self._page(items, req.get("nextToken"), req.get("limit"), 50)
        out = []
        for s in page:
            d = {"logStreamName": s["name"], "creationTime": s["created"],
                 "arn": f"{g['arn']}:log-stream:{s['name']}", "storedBytes": 0}
            if s["events"]:
                d["firstEventTimestamp"] = min(e[0] for e in s["events"])
                d["lastEventTimestamp"] = max(e[0] for e in s["events"])
                d["lastIngestionTime"] = s["last_ingest"]
                d["uploadSequenceToken"] = str(len(s["events"]))
            out.append(d)
        return {"logStreams": out, "nextToken": nxt}

    def PutLogEvents(self, req, ctx):
        g = self._group(ctx, req["logGroupName"])
        s = g["streams"].get(req["logStreamName"])
        if s is None:
            raise _no_stream()
        events = req["logEvents"]
        ts = [e["timestamp"] for e in events]
        if ts != sorted(ts):
            raise AwsError("InvalidParameterException", "Log events in a single PutLogEvents request must "
                           "be in chronological order.", 400)
        if ts and ts[-1] - ts[0] > DAY_MS:
            raise AwsError("InvalidParameterException", "The batch of log events in a single PutLogEvents "
                           "request cannot span more than 24 hours.", 400)
        if sum(len(e["message"].encode()) + 26 for e in events) > 1048576:
            raise AwsError("InvalidParameterException", "Upload too large: the batch exceeds 1,048,576 bytes.", 400)
        now = self._now_ms()
        old_limit = now - 14 * DAY_MS
        if g["retention"]:
            old_limit = max(old_limit, now - g["retention"] * DAY_MS)
        rejected = {}
        for i, e in enumerate(events):
            if e["timestamp"] < old_limit:
                rejected["tooOldLogEventEndIndex"] = i + 1
            elif e["timestamp"] > now + 2 * 3600 * 1000:
                rejected.setdefault("tooNewLogEventStartIndex", i)
            else:
                self._append(s, e["timestamp"], e["message"], now)
        out = {"nextSequenceToken": str(len(s["events"])).rjust(56, "4")}
        if rejected:
            out["rejectedLogEventsInfo"] = rejected
        return out

    def _append(self, s, ts, msg, now):
        self.event_seq += 1
        s["events"].append((ts, msg, now))
        s["last_ingest"] = now

    def GetLogEvents(self, req, ctx):
        g = self._group(ctx, req.get("logGroupName"), req.get("logGroupIdentifier"))
        s = g["streams"].get(req["logStreamName"])
        if s is None:
            raise _no_stream()
        evs = [e for e in sorted(s["events"], key=lambda e: e[0])
               if (req.get("startTime") is None or e[0] >= req["startTime"]) and
               (req.get("endTime") is None or e[0] < req["endTime"])]
        limit = req.get("limit") or 10000
        token = req.get("nextToken")
        if token:
            kind, _, idx = token.partition("/")
            try:
                idx = int(idx)
            except ValueError:
                raise AwsError("InvalidParameterException", "The specified nextToken is invalid.", 400)
            if kind == "f":
                lo, hi = idx, min(len(evs), idx + limit)
            elif kind == "b":
                lo, hi = max(0, idx - limit), idx
            else:
                raise AwsError("InvalidParameterException", "The specified nextToken is invalid.", 400)
        elif req.get("startFromHead"):
            lo, hi = 0, min(len(evs), limit)
        else:
            lo, hi = max(0, len(evs) - limit), len(evs)
        page = evs[lo:hi]
        return {"events": [{"timestamp": t, "message": m, "ingestionTime": i} for t, m, i in page],
                "nextForwardToken": f"f/{hi}",
                "nextBackwardToken": f"b/{lo}"}

    def FilterLogEvents(self, req, ctx):
        g = self._group(ctx, req.get("logGroupName"), req.get("logGroupIdentifier"))
        names = req.get("logStreamNames")
        prefix = req.get("logStreamNamePrefix")
        if names and prefix:
            raise AwsError("InvalidParameterException", "logStreamNames and logStreamNamePrefix are "
                           "mutually exclusive.", 400)
        streams = [s for n, s in sorted(g["streams"].items())
                   if (not names or n in names) and (not prefix or n.startswith(prefix))]
        matches = _pattern(req.get("filterPattern"))
        evs = []
        for s in streams:
            for t, m, i in s["events"]:
                if req.get("startTime") is not None and t < req["startTime"]:
                    continue
                if req.get("endTime") is not None and t > req["endTime"]:
                    continue
                if matches(m):
                    evs.append((t, s["name"], m, i))
        evs.sort(key=lambda e: (e[0], e[1]))
        page, nxt = self._page(evs, req.get("nextToken"), req.get("limit"), 10000)
        return {"events": [{"logStreamName": n, "timestamp": t, "message": m, "ingestionTime": i,
                            "eventId": f"{t:020d}{k:016d}"} for k, (t, n, m, i) in enumerate(page)],
                "searchedLogStreams": [{"logStreamName": s["name"], "searchedCompletely": True} for s in streams],
                "nextToken": nxt}

    # -- cross-service -------------------------------------------------------------------
    def append_events(self, group_name, stream_name, events, region=None):
        """events: [(timestamp_ms, message)]; creates the stream when needed."""
        g = None
        for (r, n), grp in self.groups.items():
            if n == group_name and (region is None or r == region):
                g = grp
                break
        if g is None:
            raise _no_group()
        s = g["streams"].get(stream_name) or self._new_stream(g, stream_name)
        now = self._now_ms()
        for ts, msg in events:
            self._append(s, int(ts), msg, now)


def _bad_pattern(why):
    return AwsError("InvalidParameterException", f"Invalid filter pattern: {why}", 400)


def _pattern(p):
    """A filter pattern for unstructured events, as CloudWatch Logs reads it: terms that
    must all occur (case-sensitive), "quoted phrases", ?terms of which one must occur, and
    -terms that must not. A bare term is letters, digits and '_' (anything else needs
    quotes); an empty phrase is refused. JSON ({...}), space-delimited ([...]) and regular
    expression (%...%) patterns are refused here: the fake does not evaluate them.
    Returns a function message -> bool."""
    p = (p or "").strip()
    if not p:
        return lambda m: True
    if p.startswith("{") and not p.endswith("}"):
        raise _bad_pattern("If a filter pattern starts with '{' it must end with '}'")
    if p[0] in "{[%":
        raise AwsError("InvalidParameterException", "the fake evaluates only term patterns, "
                       "not JSON, space-delimited or regular-expression ones", 400)
    must, any_of, never = [], [], []
    i = 0
    while i < len(p):
        if p[i] == " ":
            i += 1
            continue
        kind = must
        if p[i] in "?-":
            kind = any_of if p[i] == "?" else never
            i += 1
        if i < len(p) and p[i] == '"':
            end = p.find('"', i + 1)
            if end < 0:
                raise _bad_pattern(f"Unbalanced quotes in '{p}'")
            term = p[i + 1:end]
            if not term:
                raise _bad_pattern("Invalid character(s) in term '\"\"'")
            i = end + 1
        else:
            end = p.find(" ", i)
            end = len(p) if end < 0 else end
            term = p[i:end]
            if not term or not all(c.isalnum() or c == "_" for c in term):
                raise _bad_pattern(f"Invalid character(s) in term '{term}'")
            i = end
        kind.append(term)
    return lambda m: (all(t in m for t in must) and not any(t in m for t in never)
                      and (not any_of or any(t in m for t in any_of)))


SERVICE = Logs
