"""The commission's page: marks per expert, the chair for anyone, the mean finishes the attempt, isolation."""
from __future__ import annotations

from decimal import Decimal

import pytest
from practice_kit import CHAIR, COK, EXPERT, OTHER_COK, OUTSIDER, VENUE, hand_in, practice  # noqa: F401

from core.audit import AuditRecord
from core.models import Application, ApplicationStatusChange, ExamAttempt, PracticeMark
from core.services import attempts
from core.workflow import Status


@pytest.fixture
def handed_in(practice):
    """A started practice group; the candidate opened the task and handed in a report."""
    group, member, station, attempt = practice.at_task()
    hand_in(station)
    return group, member, attempt


def url(attempt) -> str:
    return f"/p/practice_portfolio/attempts/{attempt.id}"


def marks(c1, c2, c3, **extra) -> dict:
    return {"mark-c1": c1, "mark-c2": c2, "mark-c3": c3, **extra}


def status_of(member) -> str:
    return Application.get_by_id(member.application_id).status


def test_two_experts_mark_and_the_mean_passes(practice, handed_in):
    group, member, attempt = handed_in
    expert = practice.browser(EXPERT)
    page = expert.get(url(attempt))
    assert page.status_code == 200 and "Оценка профессиональных рисков на участке сварки" in page.text
    assert "отчёт.pdf" in page.text and "Оценки эксперта: Зайцева Ольга Игоревна" in page.text
    assert "Ввести оценки за эксперта" not in page.text  # only the chair enters marks for others
    assert AuditRecord.select().where((AuditRecord.action == "view") & (AuditRecord.entity == "exam_attempt")
                                      & (AuditRecord.entity_id == str(attempt.id))).exists()
    saved = expert.post(url(attempt), marks("3", "2,5", "1.5", **{"comment-c1": "Все опасности названы"},
                                            expert_id=str(practice.expert.id)))
    assert saved.status_code == 303
    assert "Оценки сохранены" in expert.get(saved.headers["location"]).text
    rows = {m.criterion_id: m for m in PracticeMark.select().where(PracticeMark.expert == practice.expert.id)}
    assert {k: v.points for k, v in rows.items()} == {"c1": Decimal("3"), "c2": Decimal("2.5"), "c3": Decimal("1.5")}
    assert rows["c1"].comment == "Все опасности названы" and rows["c2"].comment is None
    assert status_of(member) == Status.THEORY_PASSED.value and ExamAttempt.get_by_id(attempt.id).finished_at is None
    # The group page shows how far the marking is.
    cok = practice.browser(COK)
    group_page = cok.get(f"/cabinet/cok/practice/{group.id}")
    assert "Оценили 1 из 2 экспертов" in group_page.text and url(attempt) in group_page.text
    chair = practice.browser(CHAIR)
    chair.get(url(attempt))
    done = chair.post(url(attempt), marks("2", "2", "1", expert_id=str(practice.chair.id)))
    assert done.status_code == 303 and "notice=scored" in done.headers["location"]
    finished = ExamAttempt.get_by_id(attempt.id)
    # means: c1 (3+2)/2 = 2.5, c2 (2.5+2)/2 = 2.25, c3 (1.5+1)/2 = 1.25 → 6.00 of 8, pass at 5
    assert finished.finish_reason == "scored" and finished.points == Decimal("6.00") and finished.passed
    assert finished.score_details["criteria"] == {"c1": "2.50", "c2": "2.25", "c3": "1.25"}
    assert status_of(member) == Status.PRACTICE_PASSED.value
    change = ApplicationStatusChange.select().order_by(ApplicationStatusChange.id.desc()).first()
    assert change.to_status == Status.PRACTICE_PASSED.value and change.actor_id == practice.chair.id
    page = chair.get(url(attempt))
    assert "6 из 8" in page.text and "сдано" in page.text and "Сохранить оценки" not in page.text
    assert "2,25" in page.text and "Все опасности названы" in page.text
    late = expert.post(url(attempt), marks("0", "0", "0", expert_id=str(practice.expert.id)))
    assert late.status_code == 422 and "Оценивание завершено" in late.text
    assert PracticeMark.get((PracticeMark.expert == practice.expert.id) & (PracticeMark.criterion_id == "c1")
                            ).points == Decimal("3")
    group_page = cok.get(f"/cabinet/cok/practice/{group.id}")
    assert "Оценено комиссией" in group_page.text and "6 из 8 — сдано" in group_page.text


def test_chair_enters_marks_for_an_expert_and_low_marks_fail(practice, handed_in):
    _, member, attempt = handed_in
    chair = practice.browser(CHAIR)
    page = chair.get(f"{url(attempt)}?expert={practice.expert.id}")
    assert "Ввести оценки за эксперта" in page.text and "Оценки эксперта: Зайцева Ольга Игоревна" in page.text
    assert chair.post(url(attempt), marks("1", "1", "0.5", expert_id=str(practice.expert.id))).status_code == 303
    by_chair = PracticeMark.select().where(PracticeMark.expert == practice.expert.id).count()
    assert by_chair == 3
    assert AuditRecord.select().where(AuditRecord.action == "marks_by_chair").exists()
    # The chair corrects the expert's mark, then marks themself: 3.5 of 8 → fail.
    assert chair.post(url(attempt), marks("1", "1.5", "0.5", expert_id=str(practice.expert.id))).status_code == 303
    assert chair.post(url(attempt), marks("1", "1", "1", expert_id=str(practice.chair.id))).status_code == 303
    finished = ExamAttempt.get_by_id(attempt.id)
    assert finished.points == Decimal("3.00") and finished.passed is False
    assert status_of(member) == Status.PRACTICE_FAILED.value


def test_an_expert_cannot_mark_for_another(practice, handed_in):
    _, _, attempt = handed_in
    expert = practice.browser(EXPERT)
    expert.get(url(attempt))
    page = expert.post(url(attempt), marks("1", "1", "1", expert_id=str(practice.chair.id)))
    assert page.status_code == 403 and not PracticeMark.select().exists()
    page = expert.post(url(attempt), marks("1", "1", "1", expert_id=str(practice.outsider.id)))
    assert page.status_code == 404 and not PracticeMark.select().exists()


@pytest.mark.parametrize("c1, message", [
    ("", "Поставьте оценку по этому критерию"),
    ("5", "Оценка должна быть от 0 до 3"),
    ("-1", "Оценка должна быть от 0 до 3"),
    ("1,3", "с шагом 0,5"),
    ("три", "Оценка — число от 0 до 3"),
])
def test_bad_marks_are_shown_next_to_the_field_and_typing_is_kept(practice, handed_in, c1, message):
    _, _, attempt = handed_in
    expert = practice.browser(EXPERT)
    expert.get(url(attempt))
    page = expert.post(url(attempt), marks(c1, "2,5", "1", **{"comment-c2": "Обоснование"},
                                           expert_id=str(practice.expert.id)))
    assert page.status_code == 422 and message in page.text
    assert 'id="mark-c1-error"' in page.text and 'value="2,5"' in page.text and "Обоснование" in page.text
    assert not PracticeMark.select().exists()


def test_staff_of_the_group_read_only(practice, handed_in):
    _, _, attempt = handed_in
    for email in (COK, VENUE):
        web = practice.browser(email)
        page = web.get(url(attempt))
        assert page.status_code == 200 and "отчёт.pdf" in page.text and "Сохранить оценки" not in page.text
        assert "доступна для просмотра" in page.text
        file_id = attempt.files.get().id
        download = web.get(f"{url(attempt)}/files/{file_id}")
        assert download.status_code == 200 and download.content.startswith(b"%PDF")
        assert download.headers["content-type"] == "application/pdf"
        assert web.post(url(attempt), marks("1", "1", "1", expert_id=str(practice.chair.id))).status_code == 403
    assert not PracticeMark.select().exists()
    assert AuditRecord.select().where((AuditRecord.action == "download")
                                      & (AuditRecord.entity == "attempt_file")).count() == 2


@pytest.mark.parametrize("email", [OUTSIDER, OTHER_COK])
def test_others_get_404(practice, handed_in, email):
    _, _, attempt = handed_in
    web = practice.browser(email)
    file_id = attempt.files.get().id
    for path in (url(attempt), f"{url(attempt)}/files/{file_id}", f"{url(attempt)}/portfolio"):
        page = web.get(path)
        assert page.status_code == 404 and "Соколов Дмитрий" not in page.text
    web.get("/")
    assert web.post(url(attempt), marks("1", "1", "1", expert_id=str(practice.chair.id))).status_code == 404
    assert not PracticeMark.select().exists()


def test_anonymous_is_sent_to_login_and_theory_attempts_are_not_here(practice, handed_in):
    _, _, attempt = handed_in
    page = practice.browser().get(url(attempt))
    assert page.status_code == 303 and page.headers["location"].startswith("/login")
    _, (member,) = practice.exam.started_group("Белова Анна Сергеевна")
    theory = attempts.start_attempt(member, practice.plugins)
    assert practice.browser(CHAIR).get(url(theory)).status_code == 404


def test_portfolio_defence_is_marked_the_same_way(practice):
    member = practice.with_portfolio()
    attempt = attempts.start_attempt(member, practice.plugins)
    chair = practice.browser(CHAIR)
    page = chair.get(url(attempt))
    assert "Требования к портфолио" in page.text and f"{url(attempt)}/portfolio" in page.text
    portfolio = chair.get(f"{url(attempt)}/portfolio")
    assert portfolio.status_code == 200 and portfolio.content.startswith(b"%PDF")
    for expert in (practice.expert, practice.chair):
        assert chair.post(url(attempt), {"mark-p1": "3", "mark-p2": "1", "expert_id": str(expert.id)}
                          ).status_code == 303
    assert ExamAttempt.get_by_id(attempt.id).points == Decimal("4.00")
    assert status_of(member) == Status.PRACTICE_PASSED.value
