"""Web fixtures of the expert's cabinet: the commission world of the service tests
(`core.testing_exam.CommissionWorld`), over the web app.
"""
from __future__ import annotations

import base64
import io

import pytest

from core.documents.testing import sample_facsimile_png
from core.testing_exam import CommissionWorld

RESULTS = "/cabinet/expert/results"


@pytest.fixture
def world(services, factory):
    services.db.connect(reuse_if_open=True)
    return CommissionWorld(factory, plugins=services.plugins)


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
