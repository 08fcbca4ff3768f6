"""The AWS managed policy ARNs the fake knows, for tests."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from fakeaws.services.iam_policies import MANAGED, managed_arn  # noqa: E402

MANAGED_NAMES = [managed_arn(n) for n in sorted(MANAGED)]
