"""«Аналитика КОС» through HTTP: attempts finished with chosen answers, so every figure is known."""
from __future__ import annotations

import html
import re

import pytest

from theory_results_kit import browser, results, wrong_answer  # noqa: F401
from core.testing_exam import kos_document, right_answer, store_kos
from plugins.theory_exam.analytics import analyse

# Questions from the easiest to the hardest: a candidate of ability k answers the first k right.
RANK = ["s1-q1", "s2-q3", "s2-q4", "s1-q2", "s1-q3", "s1-q4", "s2-q1", "s2-q2"]
NAMES = ["Андреев Илья", "Баринова Маргарита", "Волкова Дарья", "Гусев Олег", "Дёмина Анна", "Ершов Пётр",
         "Жукова Вера", "Зотов Антон", "Иванова Ольга"]
ABILITIES = [0, 1, 2, 3, 4, 5, 6, 7, 8]


def ability_answers(k: int):
    return lambda q: right_answer(q) if RANK.index(q["id"]) < k else wrong_answer(q)


def num(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


@pytest.fixture
def taken(results):
    group, members = results.world.started_group(*NAMES, "Кузнецов Лев")
    finished = [results.take(m, ability_answers(k)) for m, k in zip(members, ABILITIES)]
    results.take(members[-1], ability_answers(8), finish=False)  # still running: not counted
    return group, finished


def expected_matrix(finished) -> dict[int, dict[str, int]]:
    """Built from the variants and the answering rule, not from the stored scores."""
    return {a.id: {q["id"]: int(RANK.index(q["id"]) < k) for q in a.data["questions"]}
            for a, k in zip(finished, ABILITIES)}


def item_rows(page_text: str) -> dict[str, list[str]]:
    table = page_text.split('data-testid="items"', 1)[1].split("</table>", 1)[0]
    rows = {}
    for qid, body in re.findall(r'<tr id="item-([^"]+)">(.*?)</tr>', table, re.S):
        rows[qid] = [" ".join(html.unescape(re.sub(r"<[^>]+>", "", c)).split())
                     for c in re.findall(r"<td>(.*?)</td>", body, re.S)]
    return rows


def test_list_counts_finished_attempts_per_organisation(taken, results, browser):
    qual = results.world.qual
    for email, expected in (("operator@cok.ru", 9), ("admin@spk.ru", 9), ("admin@venue.ru", 9),
                            ("admin@venue-yug.ru", 0)):
        page = browser(email).get("/p/theory_exam/analytics")
        assert page.status_code == 200, email
        assert f'<td data-testid="count-{qual.id}">{expected}</td>' in page.text, email
        assert "Аналитика КОС</a>" in page.text  # the menu item
    foreign = browser("admin@yug.ru").get("/p/theory_exam/analytics")
    assert foreign.status_code == 200 and qual.code not in foreign.text


def test_question_table_alpha_and_chart(taken, results, browser):
    _, finished = taken
    page = browser("operator@cok.ru").get(f"/p/theory_exam/analytics/{results.world.qual.id}")
    assert page.status_code == 200
    text = html.unescape(page.text)
    matrix = expected_matrix(finished)
    expected = analyse(matrix, order=RANK)
    rows = item_rows(page.text)
    assert set(rows) == set(RANK)
    for qid in RANK:
        got = [row[qid] for row in matrix.values() if qid in row]
        presented, p = len(got), sum(got) / len(got) if got else None
        row = rows[qid]
        assert row[0] == qid and row[3] == str(presented)
        assert row[4] == (num(p) if p is not None else "—")
        stats = next(i for i in expected.items if i.question_id == qid)
        assert row[5] == (num(stats.discrimination) if stats.discrimination is not None else "—")
        if p is not None and p > 0.9:
            assert "слишком лёгкий" in row[6]
        if p is not None and p < 0.2:
            assert "слишком трудный" in row[6]
    assert "Оценка профессиональных рисков" in rows["s2-q1"][1]
    assert re.search(r'data-testid="candidates">9<', page.text)
    assert expected.alpha is not None and f'data-testid="alpha">{num(expected.alpha)}<' in page.text
    assert "надёжность" in text
    svg = page.text.split('data-testid="chart"', 1)[1].split("</svg>", 1)[0]
    plotted = [i for i in expected.items if i.difficulty is not None and i.discrimination is not None]
    assert svg.count("<circle") == len(plotted) > 0
    first = plotted[0]
    assert f"<title>{first.question_id}: p = {num(first.difficulty)}, r = {num(first.discrimination)}</title>" in svg
    assert "style=" not in page.text and "<script>" not in page.text  # CSP: presentation attributes only


def test_stored_scores_feed_the_matrix(taken, results):
    from plugins.theory_exam.analytics_pages import finished_attempts, score_matrix
    _, finished = taken
    matrix = score_matrix(finished_attempts(results.staff["cok"]))
    assert matrix == expected_matrix(finished)


def test_version_filter(taken, results, browser):
    qual = results.world.qual
    old = results.world.kos
    new = store_kos(qual, kos_document(version="2026.2"))
    web = browser("operator@cok.ru")
    page = web.get(f"/p/theory_exam/analytics/{qual.id}?kos={new.id}")
    assert page.status_code == 200 and re.search(r'data-testid="candidates">0<', page.text)
    assert "2026.2 (действующая) — 0 попыток" in html.unescape(page.text)
    page = web.get(f"/p/theory_exam/analytics/{qual.id}?kos={old.id}")
    assert re.search(r'data-testid="candidates">9<', page.text)
    bad = web.get(f"/p/theory_exam/analytics/{qual.id}?kos=abc")
    assert bad.status_code == 200 and "Такой версии КОС у квалификации нет" in html.unescape(bad.text)
    assert 'aria-invalid="true"' in bad.text and re.search(r'data-testid="candidates">9<', bad.text)


@pytest.mark.parametrize("who", ["other_cok", "outsider_expert"])
def test_others_do_not_see_the_qualification(taken, results, browser, who):
    page = browser(results.staff[who].email).get(f"/p/theory_exam/analytics/{results.world.qual.id}")
    assert page.status_code == 404 and "s1-q1" not in page.text


def test_expert_and_applicant_have_no_analytics(taken, results, browser):
    _, finished = taken
    assert browser(results.world.chair.email).get("/p/theory_exam/analytics").status_code == 404
    applicant = finished[0].member.application.applicant
    assert browser(applicant.email).get("/p/theory_exam/analytics").status_code == 404
    home = browser(results.world.chair.email).get("/cabinet/expert/")
    assert "Аналитика КОС" not in home.text


def test_no_attempts_yet(results, browser):
    page = browser("admin@spk.ru").get(f"/p/theory_exam/analytics/{results.world.qual.id}")
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert "не вычисляется" in text and "Пока нет данных для графика" in text
    assert item_rows(page.text)["s1-q1"][3:] == ["0", "—", "—", "не предъявлялся"]
