"""Экзаменационная ведомость: read back from the PDF, every value matches the stored attempts."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from core.documents.exam_sheet import format_duration, format_points, render_exam_sheet_pdf, theory_rows, to_local
from core.documents.testing import pdf_text
from core.exceptions import ValidationError
from core.models import Admission, ExamAttempt, FinishReason, GroupMember, OrgKind
from core.models.exams import GROUP_PRACTICE
from core.services import attempts, exam_groups
from core.testing_exam import ExamDayWorld, right_answer

T0 = dt.datetime(2026, 3, 2, 7, 0, 0)  # UTC



@pytest.fixture
def world(sqlcipher_db, factory):
    spk = factory.org(OrgKind.SPK)
    cok = factory.org(OrgKind.COK, parent=spk, full_name="ООО «Центр оценки квалификаций «Охрана труда»",
                      short_name="ООО «ЦОК «Охрана труда»")
    venue = factory.org(OrgKind.VENUE, parent=cok, full_name="Экзаменационный центр «Нижегородская»",
                        legal_address="109052, г. Москва, Нижегородская ул., д. 32, корп. 4")
    return ExamDayWorld(factory, cok, venue)


def take(member, plugins, n_right, n_answered, seconds, started=T0):
    """Answer the first `n_answered` questions, the first `n_right` of them right (the rest «неверно»), finish."""
    attempt = attempts.start_attempt(member, plugins, now=started)
    for i, q in enumerate(attempt.data["questions"][:n_answered]):
        value = right_answer(q) if i < n_right else ("неверно" if q["type"] != "matching" else {"p1": "p3"})
        attempts.save_answer(attempt, q["id"], value, now=started + dt.timedelta(seconds=1))
    attempts.finish_attempt(attempt, plugins, FinishReason.SUBMITTED, now=started + dt.timedelta(seconds=seconds))
    return ExamAttempt.get_by_id(attempt.id)


def stamp(moment: dt.datetime) -> str:
    local = moment.replace(tzinfo=dt.timezone.utc).astimezone().replace(tzinfo=None)
    return local.strftime("%d.%m.%Y %H:%M")


def test_sheet_rows_match_the_attempts(world, builtin_plugins):
    group, members = world.started_group("Баринова Маргарита Петровна", "Андреев Илья Сергеевич",
                                         "Волкова Дарья Игоревна", "Гусев Олег Петрович")
    barinova, andreev, volkova, gusev = members
    passed = take(barinova, builtin_plugins, n_right=5, n_answered=6, seconds=196)
    failed = take(andreev, builtin_plugins, n_right=2, n_answered=4, seconds=3725, started=T0 + dt.timedelta(minutes=1))
    gusev.admission, gusev.refusal_reason = Admission.REFUSED, "Не предъявлен паспорт"
    gusev.save()
    everyone = exam_groups.members_of(group)
    by_member = {passed.member_id: passed, failed.member_id: failed}
    pdf = render_exam_sheet_pdf(group, everyone, by_member)
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert page.mediabox.width > page.mediabox.height  # A4 landscape
    assert round(float(page.mediabox.width)) == 842
    fonts = {str(f["/BaseFont"]) for f in page["/Resources"]["/Font"].values()}
    assert fonts and all("DejaVu-Sans" in f for f in fonts), fonts
    text = pdf_text(pdf)
    for expected in (
        "ООО «Центр оценки квалификаций «Охрана труда»",
        "Экзаменационная ведомость теоретического этапа профессионального экзамена",
        "Специалист по охране труда (6 уровень квалификации), код " + world.qual.code,
        "Экзаменационный центр «Нижегородская», 109052, г. Москва, Нижегородская ул., д. 32, корп. 4",
        "Версия КОС: 2026.1", "Пороговое значение: 4 балл.",
        # Andreev: 4 answered, 2 right, 1 h 02 min 05 s
        f"1 Андреев Илья Сергеевич {andreev.application.number} {stamp(failed.started_at)} {stamp(failed.finished_at)} "
        "1 ч 02 мин 05 с 4 из 6 2 2 из 6 4 Теория не сдана не допущен",
        f"2 Баринова Маргарита Петровна {barinova.application.number} {stamp(passed.started_at)} "
        f"{stamp(passed.finished_at)} 3 мин 16 с 6 из 6 5 5 из 6 4 Теория сдана допущен",
        "3 Волкова Дарья Игоревна", "Не приступал к тестированию",
        "Председатель экспертной комиссии Волков П. А.", "Член экспертной комиссии Зайцева О. И.",
    ):
        assert expected in text, expected
    assert "Гусев" not in text  # refused admission: not on the sheet
    # the numbers come from the stored scores, not from the template
    assert failed.score_details["answered"] == 4 and failed.score_details["correct"] == 2 and failed.points == 2
    assert passed.points == 5 and passed.passed and not failed.passed


def test_running_attempt_shows_time_left(world, builtin_plugins):
    group, (member,) = world.started_group("Баринова Маргарита Петровна")
    started = attempts.utcnow() - dt.timedelta(minutes=12, seconds=30)
    attempt = attempts.start_attempt(member, builtin_plugins, now=started)
    first = attempt.data["questions"][0]
    attempts.save_answer(attempt, first["id"], right_answer(first), now=started + dt.timedelta(seconds=1))
    attempts.save_answer(attempt, attempt.data["questions"][1]["id"], "  ", now=started + dt.timedelta(seconds=2))
    (row,) = theory_rows([member], {member.id: attempt}).values()
    assert row.in_progress and row.remaining_minutes == 18 and row.answered == 1 and row.total == 6
    assert row.result == "Идёт экзамен, осталось 18 мин" and row.admission == "—"
    text = pdf_text(render_exam_sheet_pdf(group, [member], {member.id: attempt}))
    assert "Идёт экзамен, осталось 18 мин" in text and "1 из 6" in text


def test_only_a_started_theory_group_has_a_sheet(world, builtin_plugins):
    group, (member,) = world.started_group("Баринова Маргарита Петровна")
    group.started_at = None
    with pytest.raises(ValidationError, match="ещё не начат"):
        render_exam_sheet_pdf(group, [member], {})
    practice, members = world.started_group("Андреев Илья Сергеевич", kind=GROUP_PRACTICE)
    with pytest.raises(ValidationError, match="по теоретическому этапу"):
        render_exam_sheet_pdf(practice, members, {})
    refused, (nobody,) = world.started_group("Гусев Олег Петрович")
    GroupMember.update(admission=Admission.REFUSED).where(GroupMember.id == nobody.id).execute()
    with pytest.raises(ValidationError, match="нет допущенных"):
        render_exam_sheet_pdf(refused, [GroupMember.get_by_id(nobody.id)], {})


def test_formatting_helpers():
    assert format_points("2.50") == "2,5" and format_points(4) == "4" and format_points(None) == "—"
    assert format_duration(196) == "3 мин 16 с" and format_duration(3725) == "1 ч 02 мин 05 с"
    assert format_duration(None) == "—"
    utc = dt.datetime(2026, 6, 5, 9, 33)
    assert to_local(utc) == utc.replace(tzinfo=dt.timezone.utc).astimezone().replace(tzinfo=None)
    assert to_local(None) is None
