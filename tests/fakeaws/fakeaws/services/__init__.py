"""One module per AWS service; each exposes SERVICE = its core.Service subclass."""
