"""«Результаты экзаменов» of the СПК cabinet: list, filters, the result page, «Оценка», «Сформировать протокол»."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from central.models import CentralResult, ResultDocument, ResultStatus, SpkProtocol, VideoPart
from core.models import OrgKind, Role
from core.testing import count_queries

RESULTS = "/cabinet/spk/results"
TODAY = dt.date.today().isoformat()


@pytest.fixture
def admin(spk_world, central_signed_in):
    return central_signed_in(spk_world.admin)


def rows_of(page) -> list[str]:
    """ФИО in the table, in order."""
    table = page.text.split('data-testid="results"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<a href="/cabinet/spk/results/\d+">([^<]+)</a>', table)


def test_list_shows_results_with_terms_and_overdue_rows(spk_world, admin):
    today = dt.date.today()
    fresh = spk_world.add_result(full_name="Иванов Иван Иванович", exam_date=today - dt.timedelta(days=2))
    late = spk_world.add_result(full_name="Петрова Анна Сергеевна", exam_date=today - dt.timedelta(days=20),
                                cok=spk_world.coks[1])
    page = admin.get(RESULTS)
    assert page.status_code == 200
    text = page.text
    for words in ("Результаты экзаменов", "Поиск по ФИО", "Квалификация", "Статус записи", "ЦОК", "Только просроченные",
                  "Применить", "Сбросить фильтрацию", "Сформировать протокол", "Номер протокола", "Дата протокола",
                  "Соискатели", "Протоколы", "Дата экзамена", "Срок", "Передано в СПК", "ЦОК «Юг»"):
        assert words in text, words
    assert rows_of(page) == ["Иванов Иван Иванович", "Петрова Анна Сергеевна"]
    late_row = text.split(f'data-testid="result-{late.id}"', 1)[1].split("</tr>", 1)[0]
    fresh_row = text.split(f'data-testid="result-{fresh.id}"', 1)[1].split("</tr>", 1)[0]
    assert 'class="overdue"' in text.split(f'data-testid="result-{late.id}"', 1)[0].rsplit("<tr", 1)[1]
    assert "Просрочено на 6 дн." in late_row and "Решение СПК — до" in late_row
    assert "Просрочено" not in fresh_row and "Осталось 12 дн." in fresh_row
    assert f'name="result" value="{late.id}"' in late_row


def test_filters_narrow_the_list(spk_world, admin):
    today = dt.date.today()
    spk_world.add_result(full_name="Иванов Иван Иванович", exam_date=today - dt.timedelta(days=2))
    spk_world.add_result(full_name="Петрова Анна Сергеевна", exam_date=today - dt.timedelta(days=20),
                         cok=spk_world.coks[1], qualification=spk_world.qualifications[1])
    spk_world.add_result(full_name="Сидоров Пётр Ильич", exam_date=today - dt.timedelta(days=1),
                         status=ResultStatus.IN_PROTOCOL)
    assert rows_of(admin.get(RESULTS, params={"query": "петрова"})) == ["Петрова Анна Сергеевна"]
    assert rows_of(admin.get(RESULTS, params={"qualification": str(spk_world.qualifications[1].id)})) == [
        "Петрова Анна Сергеевна"]
    assert rows_of(admin.get(RESULTS, params={"cok": str(spk_world.coks[0].id)})) == [
        "Сидоров Пётр Ильич", "Иванов Иван Иванович"]
    assert rows_of(admin.get(RESULTS, params={"status": ResultStatus.IN_PROTOCOL})) == ["Сидоров Пётр Ильич"]
    assert rows_of(admin.get(RESULTS, params={"overdue": "1"})) == ["Петрова Анна Сергеевна"]
    kept = admin.get(RESULTS, params={"query": "Петрова", "overdue": "1"}).text
    assert 'value="Петрова"' in kept and 'name="overdue" value="1" checked' in kept


def test_list_queries_do_not_grow_with_rows(spk_world, admin):
    spk_world.add_result(full_name="Иванов Иван Иванович")
    with count_queries(spk_world.services.db) as few:
        admin.get(RESULTS)
    for n in range(6):
        spk_world.add_result(full_name=f"Соискатель {n} Петрович", cok=spk_world.coks[n % 2])
    with count_queries(spk_world.services.db) as many:
        assert len(rows_of(admin.get(RESULTS))) == 7
    assert few and len(many) == len(few)


def test_bad_filter_is_refused_in_russian(spk_world, admin):
    spk_world.add_result(full_name="Иванов Иван Иванович")
    page = admin.get(RESULTS, params={"qualification": "abc", "status": "nonsense"})
    assert page.status_code == 422
    assert "Выберите" in page.text and "Исправьте фильтр" in page.text
    assert rows_of(page) == []


def test_pages_of_a_long_list(spk_world, admin):
    for n in range(53):
        spk_world.add_result(full_name=f"Соискатель {n:02d} Тестович", exam_date=dt.date.today() - dt.timedelta(days=1))
    first = admin.get(RESULTS, params={"query": "Тестович"})
    assert len(rows_of(first)) == 50 and "Найдено: 53" in first.text
    assert "?query=%D0%A2%D0%B5%D1%81%D1%82%D0%BE%D0%B2%D0%B8%D1%87&amp;page=2" in first.text
    assert len(rows_of(admin.get(RESULTS, params={"query": "Тестович", "page": "2"}))) == 3


def test_anonymous_goes_to_login_and_other_spk_sees_nothing(spk_world, central_web, central_signed_in, factory):
    result = spk_world.add_result(full_name="Иванов Иван Иванович")
    for path in (RESULTS, f"{RESULTS}/{result.id}"):
        page = central_web.get(path)
        assert page.status_code == 303 and page.headers["location"].startswith("/login?next=")
    other = factory.org(OrgKind.SPK, full_name="СПК в области сварки", short_name="СПК Сварка")
    stranger = central_signed_in(factory.user(Role.ADMIN, other, email="admin@weld.test"))
    assert rows_of(stranger.get(RESULTS)) == []
    missing = stranger.get(f"{RESULTS}/{result.id}")
    assert missing.status_code == 404 and "Результат экзамена не найден" in missing.text
    assert stranger.post(f"{RESULTS}/{result.id}/decision", {"decision": "failed"}).status_code == 404
    assert CentralResult.get_by_id(result.id).decision == "passed"


def test_result_page_shows_everything_the_spk_checks(spk_world, admin):
    result = spk_world.add_result(full_name="Иванов Иван Иванович")
    blobs = spk_world.services.blobs
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    doc = ResultDocument.create(result=result, part_name="protocol.pdf", title="Протокол экспертной комиссии",
                                content_type="application/pdf", blob_digest=blobs.put(pdf).digest, size=len(pdf))
    page = admin.get(f"{RESULTS}/{result.id}")
    assert page.status_code == 200
    for words in ("Иванов Иван Иванович", "112-233-445 95", "12 апреля 1985 г.", "Специалист по охране труда",
                  "ООО «Центр оценки квалификаций «Профи»", "Экзаменационная площадка «Север»",
                  "Теоретический этап", "42 из 50", "Кузнецова Анна Сергеевна", "(председатель)",
                  "Протокол экспертной комиссии", f"№ ЭК-{result.source_application_id}", "Оценка", "Сохранить",
                  "Решение СПК — до", "Видеозаписей нет", "Результат ещё не включён в протокол СПК"):
        assert words in page.text, words
    download = admin.get(f"{RESULTS}/{result.id}/documents/{doc.id}")
    assert download.status_code == 200 and download.content == pdf
    assert download.headers["content-type"] == "application/pdf"
    assert "attachment" in download.headers["content-disposition"]
    assert admin.get(f"{RESULTS}/{result.id}/documents/{doc.id + 99}").status_code == 404


def test_video_parts_that_arrived(spk_world, admin):
    data = b"\x1a\x45\xdf\xa3" + b"v" * 5000
    complete = VideoPart.create(appliance=spk_world.appliance, part_id="a" * 64, title="Веб-камера, 10:00–10:01",
                                total_size=len(data), received_size=len(data),
                                blob_digest=spk_world.services.blobs.put(data).digest)
    VideoPart.create(appliance=spk_world.appliance, part_id="b" * 64, title="Экран, 10:00–10:01",
                     total_size=4 * 1024 * 1024, received_size=1024 * 1024)
    result = spk_world.add_result(full_name="Иванов Иван Иванович")
    import json
    doc = json.loads(spk_world.services.blobs.read(result.payload_digest))
    doc["video"] = [{"part_id": "a" * 64, "size": len(data), "title": "Веб-камера, 10:00–10:01"},
                    {"part_id": "b" * 64, "size": 4 * 1024 * 1024, "title": "Экран, 10:00–10:01"}]
    result.payload_digest = spk_world.services.blobs.put(json.dumps(doc, ensure_ascii=False).encode()).digest
    result.save()
    page = admin.get(f"{RESULTS}/{result.id}").text
    assert "Получена полностью" in page and "Получено 1,0 МБ (25 %)" in page and "4,0 МБ" in page
    video = admin.get(f"{RESULTS}/{result.id}/videos/{complete.part_id}")
    assert video.status_code == 200 and video.content == data
    assert admin.get(f"{RESULTS}/{result.id}/videos/{'b' * 64}").status_code == 404


def test_decision_is_changed_and_checked(spk_world, admin):
    result = spk_world.add_result(full_name="Иванов Иван Иванович")
    url = f"{RESULTS}/{result.id}/decision"
    assert admin.post(url, {"decision": "failed"}, csrf=False).status_code == 403
    bad = admin.post(url, {"decision": "maybe"})
    assert bad.status_code == 422 and "Выберите оценку" in bad.text
    done = admin.post(url, {"decision": "failed"})
    assert done.status_code == 303 and done.headers["location"] == f"{RESULTS}/{result.id}?notice=decision"
    stored = CentralResult.get_by_id(result.id)
    assert stored.decision == "failed" and stored.decision_changed_by_id == spk_world.admin.id
    page = admin.get(done.headers["location"]).text
    assert "Оценка сохранена." in page and '<option value="failed" selected>' in page
    stored.status = ResultStatus.IN_PROTOCOL
    stored.save()
    page = admin.get(f"{RESULTS}/{result.id}").text
    assert "Сохранить" not in page and "пока результат в статусе «Передано в СПК»" in page
    refused = admin.post(url, {"decision": "passed"})
    assert refused.status_code == 422 and CentralResult.get_by_id(result.id).decision == "failed"


def test_form_protocol_from_selected_rows(spk_world, admin):
    first = spk_world.add_result(full_name="Иванов Иван Иванович")
    second = spk_world.add_result(full_name="Петрова Анна Сергеевна", verdict="failed")
    admin.get(RESULTS)
    none = admin.post(f"{RESULTS}/protocol", {"protocol_number": "15", "protocol_date": TODAY})
    assert none.status_code == 422 and "Отметьте соискателей" in none.text
    assert '<details class="protocol-form" open' in none.text
    nameless = admin.post(f"{RESULTS}/protocol", {"result": [first.id], "protocol_date": TODAY})
    assert nameless.status_code == 422 and "Укажите номер протокола" in nameless.text
    assert f'value="{first.id}" aria-label="Выбрать: Иванов Иван Иванович" checked' in nameless.text
    bad_date = admin.post(f"{RESULTS}/protocol", {"result": [first.id], "protocol_number": "15",
                                                  "protocol_date": "20.13.2026"})
    assert bad_date.status_code == 422 and "Неверная дата" in bad_date.text
    assert admin.post(f"{RESULTS}/protocol", {"result": [first.id], "protocol_number": "15",
                                              "protocol_date": TODAY}, csrf=False).status_code == 403
    done = admin.post(f"{RESULTS}/protocol", {"result": [first.id, second.id], "protocol_number": "15",
                                              "protocol_date": TODAY})
    assert done.status_code == 303, done.text[:3000]
    protocol = SpkProtocol.get(SpkProtocol.number == "15")
    assert done.headers["location"] == f"/cabinet/spk/protocols/{protocol.id}?notice=formed"
    assert protocol.protocol_date == dt.date.today() and protocol.spk_id == spk_world.spk.id
    assert {r.status for r in CentralResult.select()} == {ResultStatus.IN_PROTOCOL}
    again = admin.post(f"{RESULTS}/protocol", {"result": [first.id], "protocol_number": "16",
                                               "protocol_date": TODAY})
    assert again.status_code == 422 and "уже" in again.text
    third = spk_world.add_result(full_name="Сидоров Пётр Ильич")
    taken = admin.post(f"{RESULTS}/protocol", {"result": [third.id], "protocol_number": "15", "protocol_date": TODAY})
    assert taken.status_code == 422 and "Протокол СПК № 15 уже есть" in taken.text
    assert 'id="protocol_number-error"' in taken.text
