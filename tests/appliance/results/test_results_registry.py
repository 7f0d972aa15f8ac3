"""What came back from the registry on «Результаты экзаменов»: the document with its PDF, and the deadline
for «Отправить в СПК» (Постановление № 1204 п. 15, or the СПК's own term)."""
import html
import io
import re

import pytest
from pypdf import PdfReader

from core.models import Role
from federation.reference_apply import apply_snapshot
from federation.testing_reference import ReferenceWorld

URL = "/cabinet/cok/results"
NUMBER = "40.05400.01.00000001.26"


@pytest.fixture
def ref(services, factory):
    services.db.connect(reuse_if_open=True)
    return ReferenceWorld(factory, plugins=services.plugins)


def row_of(page, name: str) -> str:
    return html.unescape(page.text.split(name, 1)[1].split("</tr>", 1)[0])


def test_case_shows_the_certificate_and_the_centre_and_venue_download_it(ref, services, signed_in):
    app = ref.sent_to_spk("Иванов Пётр Сергеевич")
    row = ref.result(app, "issued", issued=True, number=NUMBER)
    apply_snapshot(services, *ref.snapshot(version=1))
    public_id = row["documents"][0]["public_id"]

    web = signed_in(ref.admin)
    page = web.get(f"{URL}/{app.id}")
    body = html.unescape(page.text)
    assert f"Свидетельство о квалификации № {NUMBER}" in body and "Выдан" in body
    assert 'data-testid="status">Свидетельство выдано' in body
    link = f"{URL}/{app.id}/registry-documents/{public_id}"
    assert link in page.text and f"https://registry.spk-ot.ru/verify/{public_id}" in page.text
    listing = web.get(URL)
    assert f"Свидетельство о квалификации № {NUMBER}" in row_of(listing, "Иванов Пётр Сергеевич")

    pdf = web.get(link)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert PdfReader(io.BytesIO(pdf.content)).metadata.title == f"Документ {NUMBER}"
    venue = signed_in(ref.venue_admin).get(f"/cabinet/venue/results/{app.id}/registry-documents/{public_id}")
    assert venue.status_code == 200 and venue.content == pdf.content


def test_another_centre_cannot_download(ref, services, signed_in):
    app = ref.sent_to_spk("Иванов Пётр Сергеевич")
    row = ref.result(app, "issued", issued=True, number=NUMBER)
    apply_snapshot(services, *ref.snapshot(version=1))
    public_id = row["documents"][0]["public_id"]
    assert signed_in(ref.stranger).get(f"{URL}/{app.id}/registry-documents/{public_id}").status_code == 404
    other = ref.sent_to_spk("Белова Анна Сергеевна")  # our own application, but the id of another's document
    assert signed_in(ref.admin).get(f"{URL}/{other.id}/registry-documents/{public_id}").status_code == 404


def test_awaiting_number_is_said_and_has_no_download(ref, services, signed_in):
    app = ref.sent_to_spk("Белова Анна Сергеевна", passed=False)
    row = ref.result(app, "in_protocol")
    apply_snapshot(services, *ref.snapshot(version=1))
    page = signed_in(ref.admin).get(f"{URL}/{app.id}")
    body = html.unescape(page.text)
    assert "Заключение о прохождении профессионального экзамена — ожидает номера НАРК" in body
    assert "Ожидает регистрационного номера НАРК" in body and "Утверждено СПК" in body
    assert "registry-documents" not in page.text and row["documents"][0]["verify_url"] in page.text


def test_overdue_sending_to_the_spk_is_highlighted_and_a_fresh_one_is_not(ref, signed_in):
    late = ref.decided("Колиниченко Михаил Андреевич", days_ago=10)
    fresh = ref.decided("Иванов Пётр Сергеевич", days_ago=1)
    sent = ref.sent_to_spk("Белова Анна Сергеевна", days_ago=10)
    web = signed_in(ref.admin)
    listing = web.get(URL)
    late_row = listing.text.split("Колиниченко Михаил Андреевич", 1)[1].split("</tr>", 1)[0]
    assert 'class="deadline overdue"' in late_row and "Срок отправки в СПК истёк" in html.unescape(late_row)
    fresh_row = row_of(listing, "Иванов Пётр Сергеевич")
    assert "Отправить в СПК — до" in fresh_row and "overdue" not in fresh_row
    assert "Срок отправки" not in row_of(listing, "Белова Анна Сергеевна")
    assert re.search(r'<tr class="overdue-row">\s*<td><a href="[^"]+/' + str(late.id), listing.text)

    case = html.unescape(web.get(f"{URL}/{late.id}").text)
    assert 'class="deadline overdue" data-testid="spk-deadline">Срок отправки в СПК истёк' in case
    assert 'data-testid="spk-deadline"' not in web.get(f"{URL}/{sent.id}").text
    assert "Отправить в СПК — до" in html.unescape(web.get(f"{URL}/{fresh.id}").text)


def test_the_spks_own_term_counts(ref, services, signed_in, factory):
    apply_snapshot(services, *ref.snapshot(version=1))  # the СПК gives 5 days instead of 7
    ref.decided("Колиниченко Михаил Андреевич", days_ago=6)
    operator = factory.user(Role.OPERATOR, ref.cok)
    assert "Срок отправки в СПК истёк" in row_of(signed_in(operator).get(URL), "Колиниченко Михаил Андреевич")
