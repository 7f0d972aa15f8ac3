"""«Результаты» of the Соискатель: statuses from the registry, the certificate's PDF, only one's own."""
import html
import io

import pytest
from pypdf import PdfReader

from federation.reference_apply import apply_snapshot
from federation.testing_reference import ReferenceWorld

BASE = "/cabinet/applicant"
NUMBER = "40.05400.01.00000007.26"


@pytest.fixture
def ref(services, factory):
    services.db.connect(reuse_if_open=True)
    return ReferenceWorld(factory, plugins=services.plugins)


def test_statuses_reach_the_applicant_with_the_certificate(ref, services, signed_in):
    app = ref.sent_to_spk("Иванов Пётр Сергеевич")
    web = signed_in(app.applicant)
    waiting = html.unescape(web.get(f"{BASE}/results").text)
    assert "Передано в СПК" in waiting and "появится здесь после решения СПК" in waiting

    ref.result(app, "in_protocol")
    apply_snapshot(services, *ref.snapshot(version=1))
    page = html.unescape(web.get(f"{BASE}/applications/{app.id}").text)
    assert '<strong data-testid="status">Утверждено СПК</strong>' in page
    assert '<li class="current" aria-current="step"><strong>Утверждено СПК</strong> ← сейчас</li>' in page
    assert "Протокол СПК № 15" in page  # the history line of the step

    row = ref.result(app, "issued", issued=True, number=NUMBER)
    apply_snapshot(services, *ref.snapshot(version=2))
    results = web.get(f"{BASE}/results")
    body = html.unescape(results.text)
    assert '<strong data-testid="status">Свидетельство выдано</strong>' in body
    assert f"Свидетельство о квалификации № {NUMBER}" in body and "Действует до" in body
    public_id = row["documents"][0]["public_id"]
    assert f'href="{BASE}/results/{public_id}"' in results.text
    assert f"https://registry.spk-ot.ru/verify/{public_id}" in results.text
    assert 'data-testid="results-link"' in web.get(f"{BASE}/applications/{app.id}").text

    pdf = web.get(f"{BASE}/results/{public_id}")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert NUMBER in pdf.headers["content-disposition"]
    assert PdfReader(io.BytesIO(pdf.content)).metadata.title == f"Документ {NUMBER}"


def test_another_applicant_sees_and_downloads_nothing(ref, services, signed_in):
    mine = ref.sent_to_spk("Иванов Пётр Сергеевич")
    theirs = ref.sent_to_spk("Белова Анна Сергеевна")
    row = ref.result(mine, "issued", issued=True, number=NUMBER)
    apply_snapshot(services, *ref.snapshot(version=1))
    public_id = row["documents"][0]["public_id"]

    other = signed_in(theirs.applicant)
    assert other.get(f"{BASE}/results/{public_id}").status_code == 404
    page = html.unescape(other.get(f"{BASE}/results").text)
    assert NUMBER not in page and "Иванов" not in page and "Передано в СПК" in page
    assert other.get(f"{BASE}/results/{'0' * 32}").status_code == 404
    assert signed_in(ref.admin).get(f"{BASE}/results/{public_id}").status_code == 403


def test_no_results_yet(ref, signed_in):
    from core.workflow import Status

    app = ref.application("Иванов Пётр Сергеевич", Status.SUBMITTED)
    page = signed_in(app.applicant).get(f"{BASE}/results")
    assert page.status_code == 200 and 'data-testid="no-results"' in page.text
