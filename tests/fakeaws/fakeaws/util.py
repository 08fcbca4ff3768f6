"""Small helpers the core services share."""

import datetime
import fnmatch
import json

UTC = datetime.timezone.utc


def utcnow(world):
    return datetime.datetime.fromtimestamp(world.clock.now(), UTC)


def rand_chars(world, n, alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"):
    return "".join(world.random.choice(alphabet) for _ in range(n))


def tags_to_map(tags, key="Key", value="Value"):
    return {t[key]: t.get(value, "") for t in (tags or [])}


def map_to_tags(m, key="Key", value="Value"):
    return [{key: k, value: v} for k, v in m.items()]


def must_get(table, key, not_found):
    """table[key]; raises not_found() (the service's NotFound error) when it holds none."""
    item = table.get(key)
    if item is None:
        raise not_found()
    return item


def untag(tags, keys):
    """Remove each of `keys` from the tag map `tags`; a key it does not hold is no error,
    as in every AWS untag call."""
    for k in keys:
        tags.pop(k, None)


def policy_statements(doc):
    """The statements of an IAM policy document (str or dict); [] when unreadable."""
    if isinstance(doc, str):
        try:
            doc = json.loads(doc)
        except ValueError:
            return []
    if not isinstance(doc, dict):
        return []
    st = doc.get("Statement", [])
    return st if isinstance(st, list) else [st]


def as_list(x):
    if x is None:
        return []
    return x if isinstance(x, list) else [x]


def action_matches(pattern, action):
    return fnmatch.fnmatchcase(action.lower(), pattern.lower())


def paginate(items, token, limit, default_limit=100):
    """(page, next_token) with the token an opaque offset string."""
    start = 0
    if token:
        try:
            start = int(token)
        except ValueError:
            start = -1
    limit = limit or default_limit
    if start < 0 or start > len(items):
        return None, None
    page = items[start:start + limit]
    nxt = str(start + limit) if start + limit < len(items) else None
    return page, nxt
