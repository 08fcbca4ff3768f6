"""Shared pieces of the fake's network services (EC2, ELBv2, Cloud Map)."""
