"""«Ответы соискателя» through HTTP: what the page shows, who may open it, the audit of each view."""
from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from theory_results_kit import browser, first_n_right, results, wrong_answer  # noqa: F401
from core.models import AuditRecord, FinishReason, Role
from core.models.exams import GROUP_PRACTICE
from core.services import attempts
from core.testing_exam import SMALL_KOS, right_answer

BANK = {q["id"]: q for s in SMALL_KOS["theory"]["sections"] for q in s["questions"]}


def questions_of(page_text: str) -> dict[str, str]:
    """question id → the HTML of its card, in page order."""
    cards = re.findall(r'<section class="card" id="q-([^"]+)" data-testid="question">(.*?)</section>', page_text, re.S)
    return dict(cards)


def rows_of(card: str) -> list[list[str]]:
    body = card.split("<tbody>", 1)[1] if "<tbody>" in card else ""
    return [[html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


@pytest.fixture
def taken(results):
    group, (member, other) = results.world.started_group("Баринова Маргарита Петровна", "Соколов Дмитрий Олегович")
    attempt = results.take(member, first_n_right(4), seconds=196)
    return group, member, other, attempt


def test_staff_sees_every_question_in_the_candidates_order(taken, results, browser):
    group, member, other, attempt = taken
    page = browser("operator@cok.ru").get(f"/p/theory_exam/attempts/{attempt.id}")
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert "Ответы соискателя: Баринова Маргарита Петровна" in text
    assert "4 из 6, пороговое значение 4" in text and "Теория сдана" in text
    assert "3 мин 16 с" in text and "Завершено соискателем".lower() in text
    assert "Отвечено</dt><dd>6 из 6" in text
    shown = attempt.data["questions"]
    cards = questions_of(page.text)
    assert list(cards) == [q["id"] for q in shown]  # the candidate's order
    for number, q in enumerate(shown, start=1):
        card = html.unescape(cards[q["id"]])
        assert f"Вопрос {number} " in card and q["text"] in card
        right = number <= 4
        assert ("Верно</strong>: 1 из 1 балл." if right else "Неверно</strong>: 0 из 1 балл.") in card
        given = right_answer(q) if right else wrong_answer(q)
        if q["type"] in ("single", "multiple"):
            rows = rows_of(cards[q["id"]])
            assert [r[0] for r in rows] == [o["text"] for o in q["options"]]  # as shown, not as in the bank
            chosen = {given} if q["type"] == "single" else set(given)
            correct = {q["key"]["correct"]} if q["type"] == "single" else set(q["key"]["correct"])
            for option, row in zip(q["options"], rows):
                assert (row[1] == "✔ выбран") is (option["id"] in chosen)
                assert (row[2] == "✔ верный") is (option["id"] in correct)
        elif q["type"] == "matching":
            rows = rows_of(cards[q["id"]])
            pairs = {p["id"]: p for p in BANK[q["id"]]["pairs"]}
            assert [r[0] for r in rows] == [left["text"] for left in q["left"]]
            for left, row in zip(q["left"], rows):
                assert row[1].startswith(pairs[given[left["id"]]]["right"])
                assert row[2] == pairs[left["id"]]["right"]
        elif q["type"] == "ordering":
            rows = rows_of(cards[q["id"]])
            texts = {i["id"]: i["text"] for i in q["items"]}
            assert [r[1] for r in rows] == [texts[i] for i in given]
            assert [r[2] for r in rows] == [texts[i] for i in q["key"]["order"]]
        else:
            assert f"Ответ соискателя</dt><dd>{given}</dd>" in card
    assert "Соколов" not in text  # only this candidate


def test_view_is_audited(taken, browser, results):
    _, _, _, attempt = taken
    before = AuditRecord.select().where((AuditRecord.entity == "exam_attempt") & (AuditRecord.action == "view")).count()
    browser("operator@cok.ru").get(f"/p/theory_exam/attempts/{attempt.id}")
    record = (AuditRecord.select().where((AuditRecord.entity == "exam_attempt") & (AuditRecord.action == "view"))
              .order_by(AuditRecord.seq.desc()).first())
    assert record.entity_id == str(attempt.id) and record.actor_id == results.staff["cok"].id
    assert AuditRecord.select().where((AuditRecord.entity == "exam_attempt")
                                      & (AuditRecord.action == "view")).count() == before + 1


def test_commission_and_venue_may_open_it(taken, results, browser):
    _, _, _, attempt = taken
    for email in (results.world.chair.email, results.world.expert.email, "admin@venue.ru"):
        page = browser(email).get(f"/p/theory_exam/attempts/{attempt.id}")
        assert page.status_code == 200, email
        assert "Баринова Маргарита Петровна" in page.text


@pytest.mark.parametrize("who", ["other_cok", "other_venue", "outsider_expert", "spk"])
def test_others_get_not_found(taken, results, browser, who):
    _, _, _, attempt = taken
    page = browser(results.staff[who].email).get(f"/p/theory_exam/attempts/{attempt.id}")
    assert page.status_code == 404
    assert "Баринова" not in page.text


def test_applicant_and_anonymous(taken, results, browser, new_web):
    group, member, _, attempt = taken
    page = browser(member.application.applicant.email).get(f"/p/theory_exam/attempts/{attempt.id}")
    assert page.status_code == 404 and "Баринова Маргарита" not in page.text.split("</header>")[-1]
    anonymous = new_web().get(f"/p/theory_exam/attempts/{attempt.id}")
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
    assert browser("operator@cok.ru").get("/p/theory_exam/attempts/999999").status_code == 404


def test_practice_commission_of_the_same_candidate_sees_the_theory(taken, results, browser, factory):
    """The practice commission decides on the whole exam, so it reads the theory answers too."""
    from core.models import CommissionMember, ExamGroup, GroupMember
    group, member, _, attempt = taken
    practice_chair = results.world.certify(factory.user(Role.EXPERT, results.spk, email="practice@experts.ru"))
    practice = ExamGroup.create(kind=GROUP_PRACTICE, cok=results.cok, venue=results.venue,
                                qualification=results.world.qual, starts_at=dt.datetime.now(), seats=2)
    CommissionMember.create(group=practice, expert=practice_chair, is_chair=True)
    assert browser("practice@experts.ru").get(f"/p/theory_exam/attempts/{attempt.id}").status_code == 404
    GroupMember.create(group=practice, application=member.application, admission="admitted")
    assert browser("practice@experts.ru").get(f"/p/theory_exam/attempts/{attempt.id}").status_code == 200


def test_practice_attempt_is_not_shown_here(results, browser):
    _, (member,) = results.world.started_group("Петрова Наталья Валентиновна", kind=GROUP_PRACTICE)
    practice = attempts.start_attempt(member, results.plugins)
    assert browser("operator@cok.ru").get(f"/p/theory_exam/attempts/{practice.id}").status_code == 404


def test_running_attempt_shows_answers_so_far_and_time_left(results, browser):
    _, (member,) = results.world.started_group("Баринова Маргарита Петровна")
    started = attempts.utcnow() - dt.timedelta(minutes=10)
    attempt = results.take(member, first_n_right(2), started=started, finish=False)
    first, second, third = attempt.data["questions"][:3]
    attempts.save_answer(attempt, third["id"], None, now=started + dt.timedelta(seconds=30))  # cleared
    page = browser("operator@cok.ru").get(f"/p/theory_exam/attempts/{attempt.id}")
    text = html.unescape(page.text)
    assert page.status_code == 200
    assert "Идёт экзамен, осталось 20 мин" in text and "предварительные" in text
    assert "Отвечено</dt><dd>5 из 6" in text
    cards = questions_of(page.text)
    assert "<strong>Верно</strong>, стоимость вопроса 1 балл." in html.unescape(cards[first["id"]])
    assert "<strong>Нет ответа</strong>" in html.unescape(cards[third["id"]])


def test_out_of_time_attempt_is_finished_when_opened(results, browser):
    _, (member,) = results.world.started_group("Баринова Маргарита Петровна")
    started = attempts.utcnow() - dt.timedelta(minutes=45)
    attempt = results.take(member, first_n_right(6), started=started, finish=False)
    page = browser("operator@cok.ru").get(f"/p/theory_exam/attempts/{attempt.id}")
    assert "Теория сдана" in html.unescape(page.text) and "истекло время" in page.text
    done = attempts.get_attempt(attempt.id)
    assert done.finish_reason == FinishReason.TIMEOUT and done.finished_at == done.deadline_at
    assert done.points == 6
