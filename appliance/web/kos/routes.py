"""Routes of the kos area: `/cabinet/{cok|venue}/qualifications/<id>/kos…` (see `pages`)."""
from __future__ import annotations

import falcon

from appliance.web.kos import pages
from core.context import Services


def add_routes(app: falcon.App, services: Services) -> None:
    """Register this area's resources on `app`."""
    for path, resource in pages.routes().items():
        app.add_route(path, resource(services))
