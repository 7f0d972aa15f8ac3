"""URLs of «Связь с СПК» in the ЦОК and venue cabinets (listed in `appliance.web.app.AREA_MODULES`).

Registered per cabinet, like «Результаты экзаменов»: the literal segment wins over the shared
`/cabinet/{cabinet}/{section}` placeholder page.
"""
from __future__ import annotations

import falcon

from appliance.web.registry.pages import RegistryPageResource, RetryResource
from core.context import Services

REGISTRY_CABINETS = ("cok", "venue")


def add_routes(app: falcon.App, services: Services) -> None:
    """Register this area's resources on `app`."""
    for cabinet in REGISTRY_CABINETS:
        app.add_route(f"/cabinet/{cabinet}/registry", RegistryPageResource(services, cabinet))
        app.add_route(f"/cabinet/{cabinet}/registry/retry", RetryResource(services, cabinet))
