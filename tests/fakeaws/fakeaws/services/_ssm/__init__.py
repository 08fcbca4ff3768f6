"""Pieces of the fake's SSM Parameter Store (services/ssm.py)."""
