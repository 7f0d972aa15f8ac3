"""«Связь с СПК» fixtures: the app with this area's routes, a ЦОК appliance with examined candidates.

Until the lead lists `appliance.web.registry.routes` in `appliance.web.app.AREA_MODULES`, the app
under test gets it added here (the list is restored after each test).
"""
from __future__ import annotations

import pytest

REGISTRY_MODULE = "appliance.web.registry.routes"


@pytest.fixture
def app(services, monkeypatch):
    import appliance.web.app as web_app

    if REGISTRY_MODULE not in web_app.AREA_MODULES:
        monkeypatch.setattr(web_app, "AREA_MODULES", [*web_app.AREA_MODULES, REGISTRY_MODULE])
    return web_app.create_app(services)


@pytest.fixture
def ref(services, factory):
    from federation.testing_reference import ReferenceWorld

    services.db.connect(reuse_if_open=True)
    return ReferenceWorld(factory, plugins=services.plugins)


@pytest.fixture
def bare(services, factory):
    """The same world before `nok federation enroll`."""
    from federation.testing_reference import ReferenceWorld

    services.db.connect(reuse_if_open=True)
    return ReferenceWorld(factory, plugins=services.plugins, enrolled=False)
