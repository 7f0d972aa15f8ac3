"""«Личные дела» of the СПК cabinet: the list, one личное дело (audited), its documents."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from central.models import CertificateKind, ResultDocument
from central.reports.testing import OtherSpk, make_certificate
from central.testing import person_key
from core.audit import AuditRecord
from core.models import Role

PAGE = "/cabinet/spk/persons"
ANNA = "111-111-111 45"


@pytest.fixture
def admin(spk_world, central_signed_in):
    return central_signed_in(spk_world.admin)


@pytest.fixture
def anna(spk_world):
    first = spk_world.add_result(full_name="Иванова Анна Сергеевна", snils=ANNA, exam_date=dt.date(2026, 3, 1))
    make_certificate(first, issued_on=dt.date(2026, 3, 20), registration_number="40.05400.01.00000001.26")
    digest = spk_world.services.blobs.put(b"%PDF-1.4 passport").digest
    document = ResultDocument.create(result=first, part_name="doc-01.pdf", title="Паспорт",
                                     content_type="application/pdf", blob_digest=digest, size=17)
    second = spk_world.add_result(full_name="Петрова Анна Сергеевна", snils=ANNA, exam_date=dt.date(2026, 5, 1),
                                  verdict="failed", cok=spk_world.coks[1])
    make_certificate(second, kind=CertificateKind.CONCLUSION, issued_on=None, status="awaiting")
    return {"first": first, "second": second, "document": document, "key": person_key(ANNA, "", None)}


def _rows(text: str) -> list[list[str]]:
    body = text.split('data-testid="persons"', 1)[1].split("</tbody>", 1)[0]
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body.split("<tbody>", 1)[1], re.S)]


def test_list_and_search(spk_world, admin, anna):
    spk_world.add_result(full_name="Борисов Борис Борисович", snils="222-222-222 90", exam_date=dt.date(2026, 4, 1))
    page = admin.get(PAGE)
    assert page.status_code == 200
    for words in ("Личные дела", "Поиск по ФИО", "Число экзаменов", "Последний экзамен", "Последний результат",
                  "Документы", "Применить", "Сбросить фильтрацию"):
        assert words in page.text, words
    assert _rows(page.text) == [["Борисов Борис Борисович", "1", "1 апреля 2026 г.", "Сдал", "0"],
                                ["Петрова Анна Сергеевна", "2", "1 мая 2026 г.", "Не сдал", "1"]]
    assert f'href="{PAGE}/{anna["key"]}"' in page.text
    found = admin.get(PAGE, params={"name": "иванова"})
    assert [row[0] for row in _rows(found.text)] == ["Петрова Анна Сергеевна"]
    assert "Личных дел не найдено." in admin.get(PAGE, params={"name": "Сидоров"}).text
    too_long = admin.get(PAGE, params={"name": "я" * 101})
    assert too_long.status_code == 422 and "ФИО для поиска — не более 100 символов." in too_long.text


def test_person_file_is_audited(spk_world, admin, anna):
    before = AuditRecord.select().where(AuditRecord.entity == "personal_file").count()
    page = admin.get(f"{PAGE}/{anna['key']}")
    assert page.status_code == 200
    for words in ("Личное дело: Петрова Анна Сергеевна", "Иванова Анна Сергеевна", "ЦОК «Юг»", "ЦОК «Профи»",
                  "Свидетельство о квалификации", "40.05400.01.00000001.26", "20 марта 2026 г.", "Выдан",
                  "Заключение о прохождении профессионального экзамена", "Ожидает регистрационного номера НАРК",
                  "Паспорт", "Документы, присланные ЦОК"):
        assert words in page.text, words
    assert f'href="/cabinet/spk/results/{anna["first"].id}"' in page.text
    assert f'href="/cabinet/spk/results/{anna["second"].id}"' in page.text
    records = list(AuditRecord.select().where(AuditRecord.entity == "personal_file").order_by(AuditRecord.seq))
    assert len(records) == before + 1
    assert records[-1].action == "view" and records[-1].entity_id == anna["key"]
    assert records[-1].actor_id == spk_world.admin.id


def test_document_download_is_audited(spk_world, admin, anna):
    url = f"{PAGE}/{anna['key']}/documents/{anna['document'].id}"
    answer = admin.get(url)
    assert answer.status_code == 200 and answer.content == b"%PDF-1.4 passport"
    assert "attachment" in answer.headers["content-disposition"]
    assert AuditRecord.select().where(AuditRecord.action == "download", AuditRecord.entity == "result_document",
                                      AuditRecord.entity_id == str(anna["document"].id)).count() == 1


def test_another_spk_cannot_open_the_file(spk_world, central_signed_in, factory, anna):
    other = OtherSpk(factory)
    stranger = central_signed_in(factory.user(Role.ADMIN, other.spk, email="admin@other.test"))
    assert stranger.get(f"{PAGE}/{anna['key']}").status_code == 404
    assert stranger.get(f"{PAGE}/{anna['key']}/documents/{anna['document'].id}").status_code == 404
    assert "Петрова" not in stranger.get(PAGE).text
    assert central_signed_in(spk_world.admin).get(f"{PAGE}/{'0' * 64}").status_code == 404
    cok_user = central_signed_in(factory.user(Role.ADMIN, spk_world.coks[0], email="cok@profi.test"))
    assert cok_user.get(PAGE).status_code == 403
