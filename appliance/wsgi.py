"""Gunicorn entry point: `gunicorn 'appliance.wsgi:application()'` reads the config from NOK_CONFIG."""
from __future__ import annotations

import falcon

from appliance.bootstrap import components, open_services
from appliance.web.app import create_app
from core.config import load_config
from core.exceptions import MigrationError
from core.migrations import pending


def application() -> falcon.App:
    """Build the app once per worker (gunicorn's factory syntax).

    `nok serve` migrates before gunicorn starts; workers only check, so two workers
    never race to migrate the same file.
    """
    services = open_services(load_config(), run_migrations=False)
    left = pending(services.db, components(services.plugins))
    if left:
        raise MigrationError("Схема базы данных устарела: выполните «nok migrate». Ожидают: " + ", ".join(left))
    return create_app(services)
