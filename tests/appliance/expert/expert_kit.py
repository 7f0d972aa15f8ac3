"""Web fixtures of the expert's cabinet: the commission world of the service tests, over the web app.

`CommissionWorld` lives next to the service tests (tests/core/services/commission_kit.py);
it is loaded from there instead of being copied, so both suites build the same worlds.
"""
from __future__ import annotations

import base64
import io
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "core" / "services"))
from commission_kit import CommissionWorld  # noqa: E402

from core.documents.testing import sample_facsimile_png  # noqa: E402
from core.testing import TEST_PASSWORD  # noqa: E402

RESULTS = "/cabinet/expert/results"


@pytest.fixture
def world(services, factory):
    services.db.connect(reuse_if_open=True)
    built = CommissionWorld(factory)
    built.plugins = services.plugins
    return built


@pytest.fixture
def signed_in(world, new_web):
    """`signed_in(user)` → a browser signed in as that user."""
    def sign_in(user):
        web = new_web()
        response = web.login(user.email, TEST_PASSWORD)
        assert response.status_code == 303, response.text[:300]
        return web
    return sign_in


def facsimile_data_url() -> str:
    return "data:image/png;base64," + base64.b64encode(sample_facsimile_png()).decode()


def pdf_of(response) -> str:
    from core.documents.testing import pdf_text

    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    return pdf_text(response.content)


def docx_text(response) -> str:
    from docx import Document

    document = Document(io.BytesIO(response.content))
    return "\n".join([p.text for p in document.paragraphs]
                     + [c.text for t in document.tables for row in t.rows for c in row.cells])
