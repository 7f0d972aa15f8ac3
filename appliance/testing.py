"""Pytest fixtures of the web app under test (registered as plugin `nok_appliance`, next to `core.testing`).

Our tests and the test kits of plugins drive the real app over a real SQLCipher file, like a
browser (cookies, CSRF: `core.testing.WebClient`); they share these fixtures instead of each kit
opening the services again. A kit that needs the app with other plugins overrides `web_plugins`.
"""
from __future__ import annotations

from typing import Callable, Iterator

import pytest

from core.testing import TEST_PASSWORD, WebClient


@pytest.fixture
def web_plugins(builtin_plugins):
    """The plugins the app under test runs with: every built-in one."""
    return builtin_plugins


@pytest.fixture
def services(nok_config, web_plugins) -> Iterator:
    """The appliance's services (migrated database, blob store, mailer) over `nok_config`."""
    from appliance.bootstrap import open_services

    svc = open_services(nok_config, web_plugins)
    yield svc
    svc.db.close()


@pytest.fixture
def app(services):
    from appliance.web.app import create_app

    return create_app(services)


@pytest.fixture
def web(app) -> WebClient:
    return WebClient(app)


@pytest.fixture
def new_web(app) -> Callable[[], WebClient]:
    """Open another independent browser."""
    return lambda: WebClient(app)


def login(client: WebClient, who, password: str = TEST_PASSWORD) -> WebClient:
    """Sign `client` in as `who` (a user or an e-mail); the sign-in must succeed."""
    page = client.login(getattr(who, "email", who), password)
    assert page.status_code == 303, page.text[:2000]
    return client


@pytest.fixture
def signed_in(new_web) -> Callable[..., WebClient]:
    """`signed_in(user or e-mail)` → a new browser signed in as that user."""
    return lambda who: login(new_web(), who)
