"""Exam day end to end in real Chromium against real gunicorn: three stations, the ЦОК, two experts.

A started theory group of three: they sign in at the kiosk at the same time; A answers every
question right through each kind of widget, B reloads mid-way (answers and the server's timer
survive) and finishes with mistakes, C answers once and runs out of time (the page ends the
exam by itself). The ЦОК sees the results and the ведомость (PDF checked against the stored
answers), forms the practice group of A and B through its pages and starts it; A and B hand
in a report at the station; both experts mark it, decide in their cabinet, draw their
facsimiles, and the chair signs both protocols (read back). The ЦОК sends A's result to the СПК.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from browser_exam_day_kit import (PASS_POINTS, build_exam_day, database, download, draw_signature, exam_time_ahead,
                                  expected_row, give_answer, new_page, notice, question_form, result_report_pdf,
                                  right_answer, same_answer, sheet_line, sheet_row_pattern, shown_answer, sign_in,
                                  submit, wrong_answer)
from core.config import CONFIG_ENV
from core.testing_browser import form_and_sign_order
from core.documents.testing import pdf_text
from core.models import AttemptAnswer, ExamAttempt, FinishReason, SpkSubmission, Verdict
from core.services.attempts import THEORY, utcnow
from core.testing import chromium_browser, running_gunicorn

pytestmark = pytest.mark.browser

PRACTICE_ORDER = "31-НОК"
PRACTICE_PROTOCOL, THEORY_PROTOCOL = "5-ЭК", "4-ЭК"
# Marks per criterion of the task (c1 ≤ 3, c2 ≤ 3, c3 ≤ 2; pass 5): A 3 + 2,75 + 2 = 7,75; B 1,75 + 1,75 + 1 = 4,5.
MARKS = {"A": {"member": ("3", "2,5", "2"), "chair": ("3", "3", "2")},
         "B": {"member": ("1,5", "2", "1"), "chair": ("2", "1,5", "1")}}


def theory_attempt(services, member_id: int) -> ExamAttempt:
    with database(services):
        return ExamAttempt.get((ExamAttempt.member == member_id) & (ExamAttempt.stage == THEORY))


def stored_answers(services, attempt_id: int) -> dict:
    with database(services):
        rows = AttemptAnswer.select().where(AttemptAnswer.attempt == attempt_id)
        return {a.question_id: json.loads(a.value) for a in rows}


# --- 1. three stations at once ---------------------------------------------------------------------

def sign_in_together(browser, base, day, problems, dialogs):
    """Type all three codes, press «Начать экзамен» on all three without waiting, then wait for the tests."""
    for letter, candidate in day.candidates.items():
        page = candidate.page = new_page(browser, f"станция {letter}", problems, dialogs.setdefault(letter, []))
        page.goto(f"{base}/kiosk")
        page.get_by_label("Код доступа").fill(candidate.code.lower())
    for candidate in day.candidates.values():
        candidate.page.get_by_role("button", name="Начать экзамен").click(no_wait_after=True)
    for candidate in day.candidates.values():
        candidate.page.wait_for_url(f"{base}/p/theory_exam/take")
        expect(candidate.page.get_by_test_id("candidate")).to_have_text(candidate.name)


# --- 2-4. the theory test ---------------------------------------------------------------------------

def finish(page, dialogs, unanswered: int):
    submit(page, page.locator("[data-finish]").get_by_role("button", name="Завершить экзамен"))
    assert dialogs[-1].startswith(f"Без ответа вопросов: {unanswered}. Завершить экзамен?"), dialogs
    expect(page.locator("h1")).to_have_text("Экзамен завершён")


def candidate_a_answers_everything_right(services, day, dialogs):
    a = day.candidates["A"]
    questions = theory_attempt(services, a.member_id).data["questions"]
    assert {q["type"] for q in questions} == {"single", "multiple", "matching", "ordering", "text", "number"}
    for q in questions:
        give_answer(a.page, q, right_answer(q))
    assert a.page.locator("[data-nav].unanswered").count() == 0
    finish(a.page, dialogs["A"], 0)
    assert a.page.inner_text("[data-testid=answered]") == f"{len(questions)} из {len(questions)}"
    assert a.page.inner_text("[data-testid=points]") == f"8 из 8 (проходной балл: {PASS_POINTS})"
    assert a.page.inner_text("[data-testid=verdict]") == "Теория сдана"


def candidate_b_reloads_midway(services, day, dialogs):
    b = day.candidates["B"]
    attempt = theory_attempt(services, b.member_id)
    questions = attempt.data["questions"]
    intended = {q["id"]: right_answer(q) for q in questions[:4]}
    for q in questions[:4]:
        give_answer(b.page, q, intended[q["id"]])
    # The test simulates the clock: B has been at it for 11 minutes (start and deadline moved back
    # in the database), so a reload that reset the timer would show 30 minutes again.
    with database(services):
        shift = dt.timedelta(minutes=11)
        deadline = attempt.deadline_at - shift
        ExamAttempt.update(started_at=attempt.started_at - shift, deadline_at=deadline) \
            .where(ExamAttempt.id == attempt.id).execute()
    b.page.reload()
    server_left = (deadline - utcnow()).total_seconds()
    page_left = int(b.page.get_attribute("[data-exam]", "data-remaining"))
    assert abs(page_left - server_left) <= 3 and page_left < 19 * 60 + 5, (page_left, server_left)
    minutes, seconds = map(int, b.page.inner_text("[data-timer]").split(":"))
    assert abs(minutes * 60 + seconds - server_left) <= 3, b.page.inner_text("[data-timer]")
    for q in questions:
        state = question_form(b.page, q).locator("[data-save-state]")
        if q["id"] in intended:
            assert same_answer(q, shown_answer(b.page, q), intended[q["id"]]), q
            expect(state).to_have_text("Сохранено")
        else:
            expect(state).to_have_text("Нет ответа")
    for index, q in enumerate(questions[4:]):
        intended[q["id"]] = right_answer(q) if index < 2 else wrong_answer(q)
        give_answer(b.page, q, intended[q["id"]])
    finish(b.page, dialogs["B"], 0)
    stored = stored_answers(services, attempt.id)
    assert all(same_answer(q, stored[q["id"]], intended[q["id"]]) for q in questions), stored
    assert b.page.inner_text("[data-testid=verdict]") == "Теория сдана", b.page.inner_text("main")


def candidate_c_runs_out_of_time(services, day):
    c = day.candidates["C"]
    attempt = theory_attempt(services, c.member_id)
    first = attempt.data["questions"][0]
    # The test simulates the clock: the deadline is moved to a few seconds from now in the database.
    # The answer's reply resynchronises the page's timer with the server; at zero the page reloads
    # and the server finishes the attempt by its clock.
    with database(services):
        ExamAttempt.update(deadline_at=utcnow() + dt.timedelta(seconds=8)).where(ExamAttempt.id == attempt.id).execute()
    give_answer(c.page, first, right_answer(first))
    expect(c.page.locator("h1")).to_have_text("Экзамен завершён", timeout=20_000)
    assert "Истекло время" in c.page.inner_text("main")
    assert c.page.inner_text("[data-testid=answered]") == "1 из 8"
    assert c.page.inner_text("[data-testid=verdict]") == "Теория не сдана"
    with database(services):
        finished = ExamAttempt.get_by_id(attempt.id)
    assert finished.finish_reason == FinishReason.TIMEOUT and finished.finished_at == finished.deadline_at
    assert stored_answers(services, attempt.id) == {first["id"]: right_answer(first)}


# --- 5. the ЦОК: results and the ведомость --------------------------------------------------------

def open_theory_group(page, base, day):
    page.goto(f"{base}/cabinet/cok/")
    submit(page, page.locator("nav.sidebar").get_by_role("link", name="Теория"))
    submit(page, page.locator(f"[data-testid=exam-groups] a[href$='/theory/{day.theory_group_id}']").first)
    assert page.url.endswith(f"/cabinet/cok/theory/{day.theory_group_id}")


def check_theory_results(services, page, day):
    expected = {}
    for letter, candidate in day.candidates.items():
        attempt = theory_attempt(services, candidate.member_id)
        expected[letter] = expected_row(attempt.data["questions"], stored_answers(services, attempt.id))
        row = page.locator("[data-testid=theory-results] tbody tr", has_text=candidate.name)
        cells = row.locator("td").all_inner_texts()
        e = expected[letter]
        assert cells[4] == f"{e['answered']} из {e['total']}" and cells[5] == str(e["correct"]), cells
        assert cells[6] == f"{e['points'].normalize():f} из {e['max_points'].normalize():f} / {PASS_POINTS}", cells
        assert cells[7] == ("Теория сдана" if e["passed"] else "Теория не сдана"), cells
    assert [expected[x]["passed"] for x in "ABC"] == [True, True, False], expected

    name, pdf = download(page, page.get_by_test_id("sheet-link"))
    assert name.startswith("Экзаменационная ведомость") and pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    names = sorted(c.name for c in day.candidates.values())
    for letter, candidate in day.candidates.items():
        following = names[names.index(candidate.name) + 1] if candidate.name != names[-1] else None
        line = sheet_line(text, candidate.name, following)
        assert sheet_row_pattern(expected[letter]).search(line), (letter, line)
    assert "Председатель экспертной комиссии Громов В. П." in text and "Член экспертной комиссии Ершова Л. А." in text


# --- 6. the practice group and the practical task ---------------------------------------------------

def form_practice_group(page, base, day):
    assert "Подпись сохранена" in draw_signature(page, f"{base}/cabinet/cok/signature")
    submit(page, page.locator("nav.sidebar").get_by_role("link", name="Практика"))
    submit(page, page.get_by_role("link", name="+ Создать новую группу"))
    at = exam_time_ahead()
    page.fill("input[name=date]", at.date().isoformat())
    page.fill("input[name=time]", f"{at:%H:%M}")
    page.fill("input[name=duration_minutes]", "90")
    page.fill("input[name=seats]", "4")
    page.select_option("select[name=venue]", str(day.world.venue.id))
    page.select_option("select[name=qualification]", str(day.qualification.id))
    submit(page, page.get_by_role("button", name="Подобрать экспертов"))
    for expert in (day.chair, day.member):
        page.get_by_label(f"Добавить в комиссию: {expert.full_name}").check()
    page.get_by_label(f"Председатель: {day.chair.full_name}").check()
    submit(page, page.get_by_role("button", name="Сохранить"))
    assert notice(page).startswith("Группа создана.")

    submit(page, page.get_by_role("link", name="Добавить соискателей"))
    eligible = page.locator("[data-testid=eligible] tbody")
    assert day.candidates["C"].name not in eligible.inner_text(), "теория не сдана: в практику не включают"
    for letter in "AB":
        row = eligible.locator("tr", has_text=day.candidates[letter].name)
        submit(page, row.get_by_role("button", name="Включить в группу"))
        assert notice(page) == "Соискатель включён в группу."
    submit(page, page.get_by_role("link", name="Вернуться к группе"))
    for letter in "AB":
        member = page.locator("[data-testid=members] tbody tr", has_text=day.candidates[letter].name)
        assert "Теория сдана" in member.inner_text()
        member.get_by_label("Личность подтверждена по документу, удостоверяющему личность").check()
        submit(page, member.get_by_role("button", name="Допустить", exact=True))
        assert notice(page) == "Соискатель допущен к экзамену."

    form_and_sign_order(page, PRACTICE_ORDER)
    submit(page, page.get_by_role("button", name="Начать экзамен"))
    assert notice(page).startswith("Экзамен начат")
    practice_url = page.url.split("?")[0]
    for letter in "AB":
        member = page.locator("[data-testid=members] tbody tr", has_text=day.candidates[letter].name)
        day.candidates[letter].practice_code = member.get_by_test_id("code").inner_text().strip()
        assert day.candidates[letter].practice_code not in ("", "—")
    return practice_url


def hand_in_report(base, candidate) -> str:
    page = candidate.page
    page.goto(f"{base}/kiosk")
    page.get_by_label("Код доступа").fill(candidate.practice_code)
    submit(page, page.get_by_role("button", name="Начать экзамен"))
    assert page.url == f"{base}/p/practice_portfolio/take", page.inner_text("main")
    assert "Задание: Оценка профессиональных рисков на участке сварки" in page.inner_text("main")
    filename = f"Оценка рисков — {candidate.name.split()[0]}.pdf"
    page.set_input_files("input[name=file]", {"name": filename, "mimeType": "application/pdf",
                                              "buffer": result_report_pdf(candidate.name)})
    submit(page, page.get_by_role("button", name="Загрузить"))
    assert notice(page) == "Файл загружен."
    assert filename in page.inner_text("[data-testid=files]")
    return filename


def open_result(page, base, name):
    """«Результаты экзаменов» → filter by ФИО → «Приступить к проверке»."""
    submit(page, page.locator("nav.sidebar").get_by_role("link", name="Результаты экзаменов"))
    page.get_by_label("Поиск по ФИО").fill(name.split()[0])
    submit(page, page.get_by_role("button", name="Применить"))
    card = page.locator("[data-testid=result]", has_text=f"Соискатель: {name}")
    assert card.count() == 1, page.inner_text("main")
    submit(page, card.get_by_role("link", name="Приступить к проверке"))
    assert name in page.inner_text("h1")


def mark_practice(page, base, candidate, marks, filename, *, last: bool):
    open_result(page, base, candidate.name)
    stage = page.locator("[data-testid=stages] tbody tr", has_text="Практический этап")
    submit(page, stage.get_by_role("link", name="Перейти"))
    assert "/p/practice_portfolio/attempts/" in page.url
    _, report = download(page, page.locator("[data-testid=files]").get_by_role("link", name=filename))
    assert "Оценка профессиональных рисков" in pdf_text(report)
    form = page.locator("section[aria-labelledby=form-title]")
    criteria = form.locator("fieldset")
    assert criteria.count() == len(marks)
    for index, value in enumerate(marks):
        criteria.nth(index).get_by_label(re.compile("^Оценка")).fill(value)
    submit(page, form.get_by_role("button", name="Сохранить оценки"))
    expected = ("Все эксперты комиссии выставили оценки: результат подсчитан, статус заявления изменён." if last
                else "Оценки сохранены.")
    assert notice(page) == expected


def check_practice_results(page, url, day):
    page.goto(url)
    for letter, result, status in (("A", "7,75 из 8 — сдано", "Практика сдана"),
                                   ("B", "4,5 из 8 — не сдано", "Практика не сдана")):
        name = day.candidates[letter].name
        row = page.locator("[data-testid=practice] tbody tr", has_text=name)
        assert row.get_by_test_id("practice-state").inner_text() == "Оценено комиссией"
        assert row.get_by_test_id("practice-result").inner_text() == result
        assert status in page.locator("[data-testid=members] tbody tr", has_text=name).inner_text()


# --- 7. the commission's decisions and protocols ---------------------------------------------------

def decide(page, base, name, verdicts: dict[str, str], comment: str) -> str:
    """Pick the verdicts (label → «Сдал»/«Не сдал») in the decision form and save; returns the notice."""
    open_result(page, base, name)
    form = page.get_by_test_id("decision-form")
    for label, verdict in verdicts.items():
        form.get_by_label(label).select_option(label=verdict)
    form.get_by_label("Комментарий к вашему решению").fill(comment)
    submit(page, form.get_by_role("button", name="Сохранить"))
    return notice(page)


def decisions_table(page) -> dict[str, str]:
    rows = page.locator("[data-testid=decisions] tbody tr").all()
    return {row.locator("td").nth(1).inner_text(): row.locator("td").nth(2).inner_text() for row in rows}


def protocol(page, base, name, number) -> str:
    """The chair forms the protocol from a candidate's page, signs it with facsimiles, downloads it."""
    open_result(page, base, name)
    section = page.locator("#protocol")
    section.get_by_label("Номер протокола").fill(number)
    section.get_by_label("Дата протокола").fill(dt.date.today().isoformat())
    submit(page, section.get_by_role("button", name="Сформировать протокол"))
    assert notice(page).startswith("Протокол сформирован.")
    submit(page, page.locator("#protocol").get_by_role("button", name="Подписать факсимиле"))
    assert notice(page) == "Протокол подписан факсимиле членов экспертной комиссии."
    assert "подписан факсимиле членов комиссии" in page.inner_text("[data-testid=protocol-state]")
    filename, pdf = download(page, page.locator("#protocol").get_by_role("link", name="Скачать", exact=True))
    assert filename.startswith(f"Протокол экспертной комиссии № {number}") and filename.endswith(".pdf")
    facsimiles = sum(len(sheet.images) for sheet in PdfReader(io.BytesIO(pdf)).pages)
    assert facsimiles == 2, "факсимиле председателя и члена комиссии"
    return pdf_text(pdf)


def candidate_part(text: str, name: str) -> str:
    start = text.index(f"Соискатель: {name}")
    ends = [i for i in (text.find("Соискатель:", start + 1), text.find("Подписи членов", start)) if i > 0]
    return text[start:min(ends)]


def check_protocol_text(text, day, number, outcomes: dict[str, str], absent: str):
    """Both experts, each candidate's decisions and the commission's; `absent` candidates are another group's."""
    assert f"Протокол заседания экспертной комиссии № {number}" in text, text
    assert day.chair.full_name in text and day.member.full_name in text
    assert not [x for x in absent if day.candidates[x].name in text], text
    for letter, verdict in outcomes.items():
        part = candidate_part(text, day.candidates[letter].name)
        for expert in (day.chair, day.member):
            assert f"{expert.full_name} {verdict}" in part, part
        assert f"Решение экспертной комиссии: {verdict}" in part, part


# --- 8. the ЦОК sends A's result to the СПК ---------------------------------------------------------

def send_to_spk(page, base, candidate):
    submit(page, page.locator("nav.sidebar").get_by_role("link", name="Результаты экзаменов"))
    page.get_by_label("Поиск по ФИО").fill(candidate.name.split()[0])
    submit(page, page.get_by_role("button", name="Применить"))
    rows = page.locator("[data-testid=results] tbody tr")
    expect(rows).to_have_count(1)
    assert "Решение экспертной комиссии" in rows.inner_text() and "Сдал" in rows.inner_text()
    submit(page, rows.get_by_role("link", name=candidate.name))
    assert page.inner_text("[data-testid=status]") == "Решение экспертной комиссии"
    experts = page.inner_text("[data-testid=experts]")
    assert experts.count("Сдал") == 2, experts
    assert "Сдал" in page.inner_text("[data-testid=verdict]")
    case_url = page.url
    submit(page, page.get_by_test_id("stage-theory").get_by_role("link", name="Посмотреть ответы"))
    assert page.inner_text("[data-testid=result]") == "Теория сдана"
    assert page.locator("[data-testid=question]").count() == 8
    page.goto(case_url)
    submit(page, page.get_by_role("button", name="Отправить в СПК"))
    assert notice(page) == "Результат передан в СПК."
    assert page.inner_text("[data-testid=status]") == "Передано в СПК"
    assert "Передано в СПК" in page.inner_text("[data-testid=spk]")


# --- the test ---------------------------------------------------------------------------------------

def test_exam_day_from_the_kiosk_to_the_spk(services, factory, nok_config):
    services.db.connect(reuse_if_open=True)
    day = build_exam_day(factory)
    services.db.close()
    problems: list[str] = []
    dialogs: dict[str, list[str]] = {}
    a, b, c = (day.candidates[x] for x in "ABC")
    with running_gunicorn("appliance.wsgi:application()", {CONFIG_ENV: str(nok_config.config_file)}) as base, \
            chromium_browser() as browser:
        # (1) three stations sign in at once; (2-4) the theory test
        sign_in_together(browser, base, day, problems, dialogs)
        candidate_a_answers_everything_right(services, day, dialogs)
        candidate_b_reloads_midway(services, day, dialogs)
        candidate_c_runs_out_of_time(services, day)

        # (5) the ЦОК: results on the group page and the ведомость
        operator = sign_in(browser, base, day.operator, problems)
        open_theory_group(operator, base, day)
        check_theory_results(services, operator, day)

        # (6) the practice group, the reports handed in at the station, both experts' marks
        practice_url = form_practice_group(operator, base, day)
        files = {x: hand_in_report(base, day.candidates[x]) for x in "AB"}
        chair = sign_in(browser, base, day.chair, problems)
        member = sign_in(browser, base, day.member, problems)
        for x in "AB":
            mark_practice(member, base, day.candidates[x], MARKS[x]["member"], files[x], last=False)
            mark_practice(chair, base, day.candidates[x], MARKS[x]["chair"], files[x], last=True)
        check_practice_results(operator, practice_url, day)

        # (7) decisions, facsimiles, the protocols
        for expert in (chair, member):
            assert "Подпись сохранена" in draw_signature(expert, f"{base}/cabinet/expert/signature")
        me_member, me_chair = "Член комиссии: " + day.member.full_name, "Председатель: " + day.chair.full_name
        assert decide(member, base, a.name, {"Ваше решение": "Сдал"}, "Задание выполнено полностью.") \
            .startswith("Решение сохранено. Оно будет выгружено")
        assert decide(member, base, c.name, {"Ваше решение": "Не сдал"}, "Пороговое значение не набрано.") \
            .startswith("Решение сохранено. Оно будет выгружено")
        assert decide(chair, base, a.name, {me_chair: "Сдал"}, "Согласен.").startswith(
            "Решение сохранено. Все эксперты вынесли решение")
        assert chair.inner_text("[data-testid=commission-verdict]") == "Решение экспертной комиссии: Сдал"
        assert decisions_table(chair) == {day.chair.full_name: "Сдал", day.member.full_name: "Сдал"}, \
            "член комиссии решил сам: не «указано председателем»"
        assert decide(chair, base, b.name, {me_chair: "Не сдал", me_member: "Не сдал"},
                      "Практическое задание не выполнено.").startswith("Решение сохранено. Все эксперты")
        assert decisions_table(chair) == {day.chair.full_name: "Не сдал",
                                          day.member.full_name: "Не сдал (указано председателем)"}
        assert decide(chair, base, c.name, {me_chair: "Не сдал"}, "Теория не сдана.").startswith(
            "Решение сохранено. Все эксперты")
        practice_text = protocol(chair, base, a.name, PRACTICE_PROTOCOL)
        check_protocol_text(practice_text, day, PRACTICE_PROTOCOL, {"A": "Сдал", "B": "Не сдал"}, absent="C")
        theory_text = protocol(chair, base, c.name, THEORY_PROTOCOL)
        check_protocol_text(theory_text, day, THEORY_PROTOCOL, {"C": "Не сдал"}, absent="AB")

        # (8) the ЦОК sends A's result to the СПК
        send_to_spk(operator, base, a)
        assert not problems, problems

    with database(services):
        submission = SpkSubmission.get(SpkSubmission.application == a.application_id)
    payload = json.loads(submission.payload)
    assert payload["applicant"]["full_name"] == a.name
    assert payload["commission"]["verdict"] == Verdict.PASSED
    assert {e["name"]: e["verdict"] for e in payload["experts"]} == {day.chair.full_name: Verdict.PASSED,
                                                                     day.member.full_name: Verdict.PASSED}
    assert {s["stage"]: s["points"] for s in payload["stages"]} == {"theory": "8", "practice": "7.75"}
    assert payload["protocol"] == {"number": PRACTICE_PROTOCOL, "date": dt.date.today().isoformat(), "signed": True}
