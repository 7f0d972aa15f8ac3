"""Area «verify» of the registry's web app (being built)."""
from __future__ import annotations


def add_routes(app, services) -> None:
    """No pages yet."""
