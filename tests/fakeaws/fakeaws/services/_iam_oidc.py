"""IAM OpenID Connect providers (a mixin of the IAM service): create/get/list/delete,
client ids, thumbprints, tags; and the check that a trust policy's Federated principal
names a provider that exists, as IAM makes it ("Invalid principal in policy")."""

import re

from ..core import AwsError
from ..util import as_list, map_to_tags, must_get, policy_statements, tags_to_map, utcnow

MAX_CLIENT_IDS = 100
MAX_THUMBPRINTS = 5
_URL_RX = re.compile(r"https://([A-Za-z0-9.-]+(/[A-Za-z0-9._~/-]*)?)")


def _no_provider(arn):
    return AwsError("NoSuchEntity", f"OpenIDConnect Provider not found for arn {arn}", 404)


def tag_entity(entity, tags, quota):
    """IAM's Tag* operations: `tags` merged into the entity's (a key given again takes the
    new value); more than 50 refused with the quota's name (TagsPer<quota>)."""
    m = tags_to_map(entity["Tags"])
    m.update(tags_to_map(tags))
    if len(m) > 50:
        raise AwsError("LimitExceeded", f"Cannot exceed quota for TagsPer{quota}: 50", 409)
    entity["Tags"] = map_to_tags(m)
    return {}


def untag_entity(entity, keys):
    """IAM's Untag* operations."""
    drop = set(keys)
    entity["Tags"] = [t for t in entity["Tags"] if t["Key"] not in drop]
    return {}


class OidcProviders:
    def reset_oidc(self):
        self.oidc = {}              # provider ARN -> record

    def oidc_resources(self):
        return [{"id": a, "url": p["Url"], "clients": list(p["ClientIDList"]), "tags": tags_to_map(p["Tags"])}
                for a, p in self.oidc.items()]

    def _provider(self, arn):
        return must_get(self.oidc, arn, lambda: _no_provider(arn))

    @staticmethod
    def _thumbprints(prints):
        prints = list(prints or [])
        if len(prints) > MAX_THUMBPRINTS:
            raise AwsError("LimitExceeded", f"Cannot exceed quota for ThumbprintsPerOpenIdConnectProvider: "
                                            f"{MAX_THUMBPRINTS}", 409)
        for t in prints:
            if not re.fullmatch(r"[0-9A-Fa-f]{40}", t):
                raise AwsError("InvalidInput", f"Thumbprint {t} is not a 40-character hex string", 400)
        return prints

    def CreateOpenIDConnectProvider(self, req, ctx):
        m = _URL_RX.fullmatch(req["Url"])
        if not m:
            raise AwsError("InvalidInput", f"Invalid OpenID Connect provider URL {req['Url']}: it must begin with "
                                           "https:// and have no port, query or fragment", 400)
        url = m.group(1).rstrip("/") or m.group(1)
        arn = f"arn:aws:iam::{ctx.account}:oidc-provider/{url}"
        if arn in self.oidc:
            raise AwsError("EntityAlreadyExists", f"Provider with url https://{url} already exists.", 409)
        clients = list(dict.fromkeys(req.get("ClientIDList") or []))
        if len(clients) > MAX_CLIENT_IDS:
            raise AwsError("LimitExceeded", f"Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: "
                                            f"{MAX_CLIENT_IDS}", 409)
        tags = list(req.get("Tags") or [])
        if len(tags) > 50:
            raise AwsError("LimitExceeded", "Cannot exceed quota for TagsPerOpenIdConnectProvider: 50", 409)
        self.oidc[arn] = {"Url": url, "ClientIDList": clients, "ThumbprintList": self._thumbprints(
            req.get("ThumbprintList")), "CreateDate": utcnow(self.world), "Tags": tags}
        return {"OpenIDConnectProviderArn": arn, "Tags": sorted(tags, key=lambda t: t["Key"]) or None}

    def GetOpenIDConnectProvider(self, req, ctx):
        p = self._provider(req["OpenIDConnectProviderArn"])
        return {"Url": p["Url"], "ClientIDList": list(p["ClientIDList"]), "ThumbprintList": list(p["ThumbprintList"]),
                "CreateDate": p["CreateDate"], "Tags": list(p["Tags"]) or None}

    def ListOpenIDConnectProviders(self, req, ctx):
        return {"OpenIDConnectProviderList": [{"Arn": a} for a in sorted(self.oidc)
                                              if a.startswith(f"arn:aws:iam::{ctx.account}:")]}

    def DeleteOpenIDConnectProvider(self, req, ctx):
        self._provider(req["OpenIDConnectProviderArn"])
        del self.oidc[req["OpenIDConnectProviderArn"]]
        return {}

    def AddClientIDToOpenIDConnectProvider(self, req, ctx):
        p = self._provider(req["OpenIDConnectProviderArn"])
        if req["ClientID"] not in p["ClientIDList"]:
            if len(p["ClientIDList"]) >= MAX_CLIENT_IDS:
                raise AwsError("LimitExceeded", f"Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: "
                                                f"{MAX_CLIENT_IDS}", 409)
            p["ClientIDList"].append(req["ClientID"])
        return {}

    def RemoveClientIDFromOpenIDConnectProvider(self, req, ctx):
        p = self._provider(req["OpenIDConnectProviderArn"])
        if req["ClientID"] in p["ClientIDList"]:
            p["ClientIDList"].remove(req["ClientID"])
        return {}

    def UpdateOpenIDConnectProviderThumbprint(self, req, ctx):
        p = self._provider(req["OpenIDConnectProviderArn"])
        p["ThumbprintList"] = self._thumbprints(req["ThumbprintList"])
        return {}

    def TagOpenIDConnectProvider(self, req, ctx):
        return tag_entity(self._provider(req["OpenIDConnectProviderArn"]), req["Tags"], "OpenIdConnectProvider")

    def UntagOpenIDConnectProvider(self, req, ctx):
        return untag_entity(self._provider(req["OpenIDConnectProviderArn"]), req["TagKeys"])

    def ListOpenIDConnectProviderTags(self, req, ctx):
        p = self._provider(req["OpenIDConnectProviderArn"])
        return self._page(list(p["Tags"]), req, "Tags")

    def check_federated(self, doc, account):
        """A trust policy's Federated principals that are OIDC providers of this account
        must exist (MalformedPolicyDocument otherwise, as IAM answers)."""
        for st in policy_statements(doc):
            pr = st.get("Principal") if isinstance(st, dict) else None
            if not isinstance(pr, dict):
                continue
            for f in as_list(pr.get("Federated")):
                if isinstance(f, str) and f.startswith(f"arn:aws:iam::{account}:oidc-provider/") \
                        and f not in self.oidc:
                    raise AwsError("MalformedPolicyDocument", f'Invalid principal in policy: "Federated":"{f}"', 400)
