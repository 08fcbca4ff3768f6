"""Pieces of the fake's SSM (services/ssm.py): Parameter Store queries, Session Manager
sessions."""
