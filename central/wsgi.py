"""Gunicorn entry point of the registry: `gunicorn 'central.wsgi:application()'` (config from NOK_CONFIG)."""
from __future__ import annotations

import falcon

from central.bootstrap import open_central_services
from central.web.app import create_app
from core.config import load_config


def application() -> falcon.App:
    """Build the app once per worker; `nok central serve` migrated the database before."""
    return create_app(open_central_services(load_config()))
