"""Capacity providers and cluster settings as ECS checks them: the Fargate providers a
cluster has, strategies (a cluster's default, a service's own), the launch type that a
strategy replaces, and the containerInsights values. A mixin of the ECS service."""

import copy

from fakeaws.core import AwsError

FARGATE_PROVIDERS = ("FARGATE", "FARGATE_SPOT")
INSIGHTS = ("enabled", "disabled", "enhanced")
MAX_STRATEGY = 20

BOTH_MSG = ("Specifying both a launch type and capacity provider strategy is not supported. "
            "Remove one and try again.")
NOT_ASSOCIATED_MSG = ("The specified capacity provider strategy cannot contain a capacity provider that is not "
                      "associated with the cluster. Associate the capacity provider with the cluster or specify "
                      "a valid capacity provider and try again.")
FORCE_MSG = ("When switching from launch type to capacity provider strategy on an existing service, or making "
             "a change to a capacity provider strategy on a service that is already using one, you must force "
             "a new deployment.")


def invalid(msg):
    return AwsError("InvalidParameterException", msg)


def normalised(strategy):
    """A strategy with ECS's defaults filled in (weight 0, base 0): what ECS shows."""
    return [{"capacityProvider": s.get("capacityProvider"), "weight": s.get("weight") or 0,
             "base": s.get("base") or 0} for s in strategy or []]


class Capacity:

    def check_strategy(self, strategy, associated):
        """Raise as ECS does for a strategy the cluster cannot serve."""
        if len(strategy) > MAX_STRATEGY:
            raise invalid(f"The capacity provider strategy can contain at most {MAX_STRATEGY} capacity providers.")
        seen = set()
        for s in strategy:
            cp = s.get("capacityProvider")
            if cp in seen:
                raise invalid(f"The capacity provider strategy contains a duplicate capacity provider: {cp}.")
            seen.add(cp)
            if cp not in associated:
                raise invalid(NOT_ASSOCIATED_MSG)
        if sum(1 for s in strategy if (s.get("base") or 0) > 0) > 1:
            raise invalid("Only one capacity provider in a capacity provider strategy can have a base defined.")
        if len(strategy) > 1 and not any((s.get("weight") or 0) > 0 for s in strategy):
            raise invalid("At least one capacity provider in a capacity provider strategy must have a weight "
                          "greater than 0.")

    def check_cluster_capacity(self, providers, default):
        for cp in providers:
            if cp not in FARGATE_PROVIDERS:
                raise invalid(f"The specified capacity provider {cp} was not found.")
        if len(set(providers)) != len(providers):
            raise invalid("The capacity providers list contains duplicates.")
        self.check_strategy(default or [], providers)

    def check_settings(self, settings):
        for s in settings or []:
            if s.get("name") == "containerInsights" and s.get("value") not in INSIGHTS:
                raise invalid(f"The value '{s.get('value')}' is not valid for the setting containerInsights. "
                              "Valid values are enabled, disabled and enhanced.")

    def providers_in_use(self, cluster):
        used = set()
        for s in self.services_by_arn.values():
            if s["clusterArn"] == cluster["arn"] and s["status"] in ("ACTIVE", "DRAINING"):
                used |= {x.get("capacityProvider") for x in s.get("capacityProviderStrategy") or []}
        return used

    def new_service_capacity(self, cluster, req, svc):
        """CreateService: a launch type or a strategy, never both; neither takes the
        cluster's default strategy (copied into the service, as ECS shows it), or EC2."""
        if req.get("launchType") and req.get("capacityProviderStrategy"):
            raise invalid(BOTH_MSG)
        if req.get("capacityProviderStrategy"):
            self.check_strategy(req["capacityProviderStrategy"], cluster.get("capacityProviders") or [])
            svc["capacityProviderStrategy"] = normalised(req["capacityProviderStrategy"])
        elif not req.get("launchType"):
            if cluster.get("defaultCapacityProviderStrategy"):
                svc["capacityProviderStrategy"] = copy.deepcopy(cluster["defaultCapacityProviderStrategy"])
            else:
                svc["launchType"] = "EC2"

    def update_service_capacity(self, cluster, svc, req, new):
        """UpdateService: a changed strategy (or one in place of the launch type) needs
        forceNewDeployment; an empty one returns the service to its launch type."""
        want = req.get("capacityProviderStrategy")
        if want is None:
            return
        have = svc.get("capacityProviderStrategy") or []
        if normalised(want) == normalised(have):
            return
        if not req.get("forceNewDeployment"):
            raise invalid(FORCE_MSG)
        if want:
            self.check_strategy(want, cluster.get("capacityProviders") or [])
            if svc.get("launchType"):
                new["launchTypeBefore"] = svc["launchType"]
            new["launchType"] = None  # `new` updates the service: None, not a missing key
            new["capacityProviderStrategy"] = normalised(want)
        else:
            new["capacityProviderStrategy"] = None
            new["launchType"] = svc.get("launchTypeBefore") or "FARGATE"
