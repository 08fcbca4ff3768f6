"""DNS names as Route 53 keeps them: lower case, absolute (a trailing dot), special
characters given as \\ooo octal escapes on the way in and answered that way on the way
out (a wildcard record lists as \\052.example.com.)."""

import re

from fakeaws.core import AwsError

_ESCAPE = re.compile(r"\\([0-7]{3})")
_PLAIN = set("abcdefghijklmnopqrstuvwxyz0123456789-_.")


def canonical(name):
    """The stored form of a name a caller gave: escapes decoded, lower case, final dot."""
    name = _ESCAPE.sub(lambda m: chr(int(m.group(1), 8)), name or "").lower()
    return name if name.endswith(".") else name + "."


def wire(name):
    """The answered form of a stored name: characters other than a-z, 0-9, '-', '_' and
    '.' as \\ooo escapes."""
    return "".join(c if c in _PLAIN else "\\%03o" % ord(c) for c in name)


def check(name, what="domain name"):
    """Refuse what Route 53 refuses in a zone or record name (InvalidDomainName): empty
    labels, a label over 63 bytes, a name over 255, characters outside printable ASCII."""
    bare = name[:-1] if name.endswith(".") else name
    if not bare or len(name) > 255 or any(not 0x21 <= ord(c) <= 0x7e for c in bare):
        raise AwsError("InvalidDomainName", f"{wire(name)} is not a valid {what}.")
    for label in bare.split("."):
        if not label or len(label) > 63:
            raise AwsError("InvalidDomainName", f"{wire(name)} is not a valid {what}.")


def within(name, zone):
    """True when name is zone itself or a name below it (both canonical)."""
    return name == zone or name.endswith("." + zone)


def sort_key(name):
    """ListResourceRecordSets and ListHostedZonesByName order: labels reversed, as
    'com.example.www.' compares in ASCII."""
    labels = wire(name).rstrip(".").split(".")
    return ".".join(reversed(labels)) + "."
