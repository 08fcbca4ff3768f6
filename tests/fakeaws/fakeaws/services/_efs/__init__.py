"""Pieces of the fake's EFS (services/efs.py)."""
