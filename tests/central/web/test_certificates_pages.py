"""«Свидетельства» of the СПК cabinet: the tabs, search, one document, its PDF, «Выдать дубликат», «Аннулировать»."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from central.models import Certificate, CertificateKind, CertificateStatus
from core.models import OrgKind, Role
from core.testing import count_queries
from core.web.render import date_ru
from spk_pages_kit import attach_and_send, form_protocol, number_for, pdf_text, register_by_hand

CERTIFICATES = "/cabinet/spk/certificates"


@pytest.fixture
def admin(spk_world, central_signed_in):
    return central_signed_in(spk_world.admin)


@pytest.fixture
def issued(spk_world, admin):
    """A certificate (Иванов, passed) and a conclusion (Петрова, failed), issued with numbers entered by hand."""
    passed = spk_world.add_result(full_name="Иванов Иван Иванович")
    failed = spk_world.add_result(full_name="Петрова Анна Сергеевна", verdict="failed", cok=spk_world.coks[1])
    protocol = form_protocol(admin, [passed, failed], "15")
    attach_and_send(admin, protocol)
    code = spk_world.qualifications[0].code
    register_by_hand(admin, protocol, [number_for(code, 1), number_for(code, 2)])
    certificate = Certificate.get((Certificate.result == passed) & (Certificate.kind == CertificateKind.CERTIFICATE))
    conclusion = Certificate.get((Certificate.result == failed) & (Certificate.kind == CertificateKind.CONCLUSION))
    return certificate, conclusion


def listed(page) -> list[str]:
    table = page.text.split('data-testid="certificates"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<tr data-testid="certificate-\d+">\s*<td><a [^>]+>[^<]+</a>[^<]*'
                      r'(?:<span[^>]*>[^<]*</span>)?</td>\s*<td>([^<]+)</td>', table)


def test_tabs_search_and_status_filter(spk_world, admin, issued):
    certificate, conclusion = issued
    page = admin.get(CERTIFICATES)
    assert page.status_code == 200
    for words in ("Свидетельства", "Заключения", "Поиск по ФИО или номеру", "Статус", "Применить", "Действительно до",
                  certificate.registration_number, "Выдан"):
        assert words in page.text, words
    assert listed(page) == ["Иванов Иван Иванович"]
    conclusions = admin.get(CERTIFICATES, params={"kind": "conclusion"})
    assert listed(conclusions) == ["Петрова Анна Сергеевна"] and "Действительно до" not in conclusions.text
    ivanov = ["Иванов Иван Иванович"]
    assert listed(admin.get(CERTIFICATES, params={"kind": "certificate", "query": "иванов"})) == ivanov
    assert listed(admin.get(CERTIFICATES, params={"query": certificate.registration_number})) == ivanov
    assert listed(admin.get(CERTIFICATES, params={"query": "Сидоров"})) == []
    assert listed(admin.get(CERTIFICATES, params={"status": CertificateStatus.REVOKED})) == []
    assert listed(admin.get(CERTIFICATES, params={"status": CertificateStatus.ISSUED})) == ["Иванов Иван Иванович"]
    bad = admin.get(CERTIFICATES, params={"status": "lost"})
    assert bad.status_code == 422 and "Выберите статус из списка" in bad.text


def test_list_queries_do_not_grow_with_rows(spk_world, admin, issued):
    with count_queries(spk_world.services.db) as few:
        admin.get(CERTIFICATES, params={"status": CertificateStatus.ISSUED})
    results = [spk_world.add_result(full_name=f"Соискатель {n} Петрович", cok=spk_world.coks[n % 2]) for n in range(4)]
    protocol = form_protocol(admin, results, "16")
    attach_and_send(admin, protocol)
    code = spk_world.qualifications[0].code
    register_by_hand(admin, protocol, [number_for(code, n) for n in range(10, 14)])
    with count_queries(spk_world.services.db) as many:
        assert len(listed(admin.get(CERTIFICATES, params={"status": CertificateStatus.ISSUED}))) == 5
    assert few and len(many) == len(few)


def test_certificate_page_and_pdf(spk_world, admin, issued):
    certificate, conclusion = issued
    url = f"{CERTIFICATES}/{certificate.id}"
    page = admin.get(url)
    assert page.status_code == 200
    for words in ("Свидетельство о квалификации", certificate.registration_number, "Иванов Иван Иванович",
                  "Специалист по охране труда", "ООО «Центр оценки квалификаций «Профи»",
                  f"№ 15 от {date_ru(dt.date.today())}",
                  "Действительно до", "Скачать PDF", "Выдать дубликат", "Дата заявления", "Аннулировать",
                  "Причина аннулирования", f"http://registry.test/verify/{certificate.public_id}",
                  f'href="/verify/{certificate.public_id}"'):
        assert words in page.text, words
    assert certificate.valid_until.year == certificate.issued_on.year + 3  # the qualification's validity
    pdf = admin.get(f"{url}/pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "Иванов Иван Иванович" in text and certificate.registration_number in text
    conclusion_page = admin.get(f"{CERTIFICATES}/{conclusion.id}").text
    assert "Заключение о прохождении профессионального экзамена" in conclusion_page
    assert "Действительно до" not in conclusion_page
    assert "Петрова Анна Сергеевна" in pdf_text(admin.get(f"{CERTIFICATES}/{conclusion.id}/pdf").content)


def test_duplicate_is_requested_with_a_date(spk_world, admin, issued):
    certificate, _ = issued
    url = f"{CERTIFICATES}/{certificate.id}"
    admin.get(url)
    assert admin.post(f"{url}/duplicate", {"requested_on": dt.date.today().isoformat()}, csrf=False).status_code == 403
    empty = admin.post(f"{url}/duplicate", {"requested_on": ""})
    assert empty.status_code == 422 and "Укажите дату заявления" in empty.text
    future = admin.post(f"{url}/duplicate", {"requested_on": (dt.date.today() + dt.timedelta(days=2)).isoformat()})
    assert future.status_code == 422 and "не может быть позже сегодняшней" in future.text
    assert Certificate.select().where(Certificate.is_duplicate).count() == 0
    done = admin.post(f"{url}/duplicate", {"requested_on": dt.date.today().isoformat()})
    assert done.status_code == 303, done.text[:2000]
    duplicate = Certificate.get(Certificate.is_duplicate)
    assert done.headers["location"] == f"{CERTIFICATES}/{duplicate.id}?notice=duplicate"
    assert duplicate.duplicate_of_id == certificate.id and duplicate.status == CertificateStatus.AWAITING_NUMBER
    page = admin.get(done.headers["location"]).text
    assert "Дубликат оформлен" in page and "Ожидает регистрационного номера НАРК" in page and "(дубликат)" in page
    assert "Дубликаты" in admin.get(url).text


def test_revoke_needs_a_reason(spk_world, admin, issued):
    certificate, _ = issued
    url = f"{CERTIFICATES}/{certificate.id}"
    admin.get(url)
    empty = admin.post(f"{url}/revoke", {"reason": "  "})
    assert empty.status_code == 422 and "Укажите причину аннулирования" in empty.text
    assert Certificate.get_by_id(certificate.id).status == CertificateStatus.ISSUED
    done = admin.post(f"{url}/revoke", {"reason": "Решение апелляционной комиссии № 3"})
    assert done.status_code == 303
    stored = Certificate.get_by_id(certificate.id)
    assert stored.status == CertificateStatus.REVOKED and stored.revoked_reason == "Решение апелляционной комиссии № 3"
    page = admin.get(done.headers["location"]).text
    assert "Документ аннулирован." in page and "Решение апелляционной комиссии № 3" in page
    assert "Причина аннулирования" not in page and "Выдать дубликат</button>" not in page


def test_other_spk_and_anonymous_get_nothing(spk_world, admin, issued, central_web, central_signed_in, factory):
    certificate, _ = issued
    url = f"{CERTIFICATES}/{certificate.id}"
    assert central_web.get(url).status_code == 303
    other = factory.org(OrgKind.SPK, full_name="СПК в области сварки", short_name="СПК Сварка")
    stranger = central_signed_in(factory.user(Role.ADMIN, other, email="admin@weld.test"))
    assert listed(stranger.get(CERTIFICATES)) == []
    assert stranger.get(url).status_code == 404 and stranger.get(f"{url}/pdf").status_code == 404
    assert stranger.post(f"{url}/revoke", {"reason": "чужой"}).status_code == 404
    assert Certificate.get_by_id(certificate.id).status == CertificateStatus.ISSUED
