"""Theory results on the group page and «Экзаменационная ведомость (PDF)», through HTTP."""
from __future__ import annotations

import datetime as dt
import html
import io
import re

import pytest
from pypdf import PdfReader

from core.models import Application, AuditRecord, ExamAttempt, FinishReason
from core.models.exams import GROUP_PRACTICE
from core.services import attempts
from core.testing_exam import ExamDayWorld, right_answer
from core.workflow import Status

T0 = dt.datetime(2026, 3, 2, 7, 0, 0)  # UTC


def wrong(q):
    return {"p1": "p2", "p2": "p1"} if q["type"] == "matching" else "неверно"


def local(moment: dt.datetime) -> str:
    return moment.replace(tzinfo=dt.timezone.utc).astimezone().strftime("%H:%M:%S")


@pytest.fixture
def world(services, orgs, people, factory):
    """The exam-day world at the ЦОК «Профи»; `people` are the staff the tests sign in as."""
    return ExamDayWorld(factory, orgs["cok"], orgs["venue"])


def take(member, plugins, n_right, n_answered, *, started=T0, seconds=260, finish=True) -> ExamAttempt:
    attempt = attempts.start_attempt(member, plugins, now=started)
    for i, q in enumerate(attempt.data["questions"][:n_answered]):
        attempts.save_answer(attempt, q["id"], right_answer(q) if i < n_right else wrong(q),
                             now=started + dt.timedelta(seconds=2))
    if finish:
        attempts.finish_attempt(attempt, plugins, FinishReason.SUBMITTED, now=started + dt.timedelta(seconds=seconds))
    return ExamAttempt.get_by_id(attempt.id)


def result_rows(page_text: str) -> dict[str, list[str]]:
    """ФИО → the cells of its row in «Результаты теоретического этапа»."""
    table = page_text.split('data-testid="theory-results"', 1)[1].split("</table>", 1)[0]
    rows = {}
    for row in re.findall(r'<tr id="result-\d+">(.*?)</tr>', table, re.S):
        cells = [" ".join(html.unescape(re.sub(r"<[^>]+>", "", c)).split()) for c in re.findall(r"<td[^>]*>(.*?)</td>",
                                                                                              row, re.S)]
        rows[cells[0]] = cells
    return rows


@pytest.fixture
def exam(world, services):
    plugins = services.plugins
    group, members = world.started_group("Баринова Маргарита Петровна", "Андреев Илья Сергеевич",
                                         "Волкова Дарья Игоревна", "Гусев Олег Петрович", "Дёмина Анна Павловна")
    barinova, andreev, volkova, gusev, demina = members
    now = attempts.utcnow()
    return {
        "group": group, "members": members,
        "passed": take(barinova, plugins, 5, 6, seconds=196),
        "failed": take(andreev, plugins, 2, 4, seconds=3725),
        "running": take(volkova, plugins, 3, 3, started=now - dt.timedelta(minutes=7, seconds=30), finish=False),
        "expired": take(gusev, plugins, 4, 5, started=now - dt.timedelta(minutes=31), finish=False),
        "absent": demina,
    }


def test_group_page_shows_each_candidates_theory_result(exam, signed_in):
    group = exam["group"]
    page = signed_in("operator@cok.ru").get(f"/cabinet/cok/theory/{group.id}")
    assert page.status_code == 200
    assert "Результаты теоретического этапа" in page.text
    assert f'href="/cabinet/cok/theory/{group.id}/sheet.pdf"' in page.text
    assert "Экзаменационная ведомость (PDF)" in page.text
    rows = result_rows(page.text)
    passed, failed = exam["passed"], exam["failed"]
    assert rows["Баринова Маргарита Петровна"] == [
        "Баринова Маргарита Петровна", local(passed.started_at), local(passed.finished_at), "3 мин 16 с", "6 из 6", "5",
        "5 из 6 / 4", "Теория сдана", "Ответы"]
    assert rows["Андреев Илья Сергеевич"] == [
        "Андреев Илья Сергеевич", local(failed.started_at), local(failed.finished_at), "1 ч 02 мин 05 с", "4 из 6", "2",
        "2 из 6 / 4", "Теория не сдана", "Ответы"]
    running = rows["Волкова Дарья Игоревна"]
    assert running[2:7] == ["—", "—", "3 из 6", "—", "— / 4"]
    assert running[7] == "Идёт экзамен, осталось 23 мин"
    assert rows["Дёмина Анна Павловна"][1:] == ["—"] * 6 + ["Не приступал к тестированию", "—"]
    for key in ("passed", "failed", "running", "expired"):
        assert f'href="/p/theory_exam/attempts/{exam[key].id}"' in page.text


def test_out_of_time_attempt_is_finished_when_the_operator_opens_the_page(exam, signed_in):
    expired = exam["expired"]
    assert expired.finished_at is None
    page = signed_in("operator@cok.ru").get(f"/cabinet/cok/theory/{exam['group'].id}")
    done = ExamAttempt.get_by_id(expired.id)
    assert done.finish_reason == FinishReason.TIMEOUT and done.finished_at == done.deadline_at
    assert done.points == 4 and done.passed
    row = result_rows(page.text)["Гусев Олег Петрович"]
    assert row[2] == local(done.deadline_at) and row[3] == "30 мин 00 с"
    assert row[4:8] == ["5 из 6", "4", "4 из 6 / 4", "Теория сдана"]
    # the status column was read after finishing: it already says «Теория сдана»
    assert Application.get_by_id(exam["members"][3].application_id).status == Status.THEORY_PASSED.value
    member_row = page.text.split(f'id="member-{exam["members"][3].id}"', 1)[1].split("</tr>", 1)[0]
    assert Status.THEORY_PASSED.title in member_row


def test_sheet_pdf_matches_the_stored_attempts(exam, signed_in):
    group = exam["group"]
    response = signed_in("operator@cok.ru").get(f"/cabinet/cok/theory/{group.id}/sheet.pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert "exam-sheet-" in response.headers["content-disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    passed, failed = exam["passed"], exam["failed"]
    barinova = exam["members"][0].application.number
    start = passed.started_at.replace(tzinfo=dt.timezone.utc).astimezone().strftime("%d.%m.%Y %H:%M")
    end = passed.finished_at.replace(tzinfo=dt.timezone.utc).astimezone().strftime("%d.%m.%Y %H:%M")
    assert (f"Баринова Маргарита Петровна {barinova} {start} {end} 3 мин 16 с 6 из 6 5 5 из 6 4 Теория сдана допущен"
            in text)
    assert "Андреев Илья Сергеевич" in text and "Теория не сдана не допущен" in text
    assert "Идёт экзамен, осталось" in text and "Не приступал к тестированию" in text
    assert f"{exam['passed'].kos.version}" in text and "Председатель экспертной комиссии Волков П. А." in text
    record = AuditRecord.select().where(AuditRecord.entity == "exam_sheet").order_by(AuditRecord.seq.desc()).first()
    assert record.action == "download" and record.entity_id == str(group.id)


def test_venue_downloads_other_organisations_do_not(exam, signed_in):
    group = exam["group"]
    assert signed_in("admin@venue.ru").get(f"/cabinet/venue/theory/{group.id}/sheet.pdf").status_code == 200
    stranger = signed_in("admin@yug.ru").get(f"/cabinet/cok/theory/{group.id}/sheet.pdf")
    assert stranger.status_code == 404 and "Баринова" not in stranger.text
    assert signed_in("admin@yug.ru").get(f"/cabinet/cok/theory/{group.id}").status_code == 404
    expert = signed_in("expert@spk.ru").get(f"/cabinet/cok/theory/{group.id}/sheet.pdf")
    assert expert.status_code in (403, 404) and "Баринова" not in expert.text


def test_practice_group_shows_no_theory_results(world, services, signed_in):
    group, (member,) = world.started_group("Баринова Маргарита Петровна", kind=GROUP_PRACTICE)
    page = signed_in("operator@cok.ru").get(f"/cabinet/cok/practice/{group.id}")
    assert page.status_code == 200 and "Результаты теоретического этапа" not in page.text
    assert "sheet.pdf" not in page.text
    assert signed_in("operator@cok.ru").get(f"/cabinet/cok/theory/{group.id}/sheet.pdf").status_code == 404


def test_sheet_of_a_group_not_started_is_refused_in_russian(world, signed_in):
    group, _ = world.started_group("Баринова Маргарита Петровна")
    group.started_at = None
    group.save()
    response = signed_in("operator@cok.ru").get(f"/cabinet/cok/theory/{group.id}/sheet.pdf")
    assert response.status_code == 400 and "Экзамен ещё не начат" in response.text
    page = signed_in("operator@cok.ru").get(f"/cabinet/cok/theory/{group.id}")
    assert "Результаты теоретического этапа" not in page.text
