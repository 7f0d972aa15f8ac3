"""Routes of the kiosk area (filled in by its pages)."""
from __future__ import annotations

import falcon

from core.context import Services


def add_routes(app: falcon.App, services: Services) -> None:
    """Register this area's resources on `app`."""
