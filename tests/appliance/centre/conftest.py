"""ЦОК/venue web fixtures: `world` (qualifications, offers, a foreign СПК with its ЦОК and venue) and
`signed_in(email)` browsers."""
from __future__ import annotations

import pytest

from centre_world import CentreWorld
from core.testing import TEST_PASSWORD


@pytest.fixture
def world(orgs, people, factory):
    return CentreWorld(orgs, people, factory)


@pytest.fixture
def signed_in(new_web, world):
    """`signed_in(email)`: a browser signed in as that user."""

    def make(email):
        web = new_web()
        page = web.login(email, TEST_PASSWORD)
        assert page.status_code == 303, page.text
        return web

    return make
