"""Routes of the kiosk area: the station sign-in; plugin exam pages use `services.require_kiosk`."""
from __future__ import annotations

import falcon

from appliance.web.kiosk.guard import require_kiosk
from appliance.web.kiosk.pages import LogoutResource, SignInResource
from core.context import Services


def add_routes(app: falcon.App, services: Services) -> None:
    """Register this area's resources on `app` and give plugins the station guard."""
    services.require_kiosk = require_kiosk
    app.add_route("/kiosk", SignInResource(services))
    app.add_route("/kiosk/logout", LogoutResource(services))
