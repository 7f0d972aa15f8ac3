"""«Результаты экзаменов» of the ЦОК and venue: what is listed, filters, pages, queries, isolation."""
import datetime as dt
import re

import pytest
from results_kit import world  # noqa: F401 (fixtures)

from core.models import Application, AuditRecord, OrgKind, Role, Verdict
from core.testing import TEST_PASSWORD, count_queries
from core.testing_exam import ExamDayWorld
from core.workflow import Status

URL = "/cabinet/cok/results"
LETTERS = "абвгдежзийклмнопрстуфхцчшщэюя"


def many(start: int, stop: int) -> list[str]:
    return [f"Соискатель Номер{LETTERS[i]} Тестовый" for i in range(start, stop)]


def names(page) -> list[str]:
    table = page.text.split('data-testid="results"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<a href="/cabinet/\w+/results/\d+">([^<]+)</a>', table)


def test_lists_examined_candidates_with_scores_and_decision(world, cok_web):
    _, (passed, failed), _ = world.theory("Иванов Пётр Сергеевич", "Колиниченко Михаил Андреевич", right=6)
    failed_group, (low,), _ = world.theory("Белова Анна Сергеевна", right=2)
    world.decided(low)
    world.exam.application("Никитин Олег Олегович", Status.PAID_DATE_AGREEMENT)  # not examined: not listed
    page = cok_web.get(URL)
    assert page.status_code == 200
    assert sorted(names(page)) == ["Белова Анна Сергеевна", "Иванов Пётр Сергеевич", "Колиниченко Михаил Андреевич"]
    row = page.text.split("Белова Анна Сергеевна", 1)[1].split("</tr>", 1)[0]
    assert "Специалист по охране труда (6 уровень квалификации)" in row
    assert "Решение экспертной комиссии" in row and "2 из 6" in row and "не сдано" in row
    assert Verdict.TITLES[Verdict.FAILED] in row
    assert f"{failed_group.starts_at.day} " in row
    assert f'href="{URL}/{low.id}"' in page.text
    assert AuditRecord.select().where((AuditRecord.action == "view") & (AuditRecord.entity == "exam_results")).exists()


def test_filters_by_name_qualification_status_and_exam_date(world, cok_web, factory, orgs):
    world.theory("Иванов Пётр Сергеевич", right=6)
    world.theory("Белова Анна Сергеевна", right=2, starts_at=dt.datetime.now() - dt.timedelta(days=10))
    other = ExamDayWorld(factory, orgs["cok"], orgs["venue"])  # a second qualification of the same ЦОК
    world.theory("Орлова Вера Павловна", right=6, exam=other)

    assert names(cok_web.get(URL, params={"name": "иванов"})) == ["Иванов Пётр Сергеевич"]
    assert names(cok_web.get(URL, params={"name": "анна"})) == ["Белова Анна Сергеевна"]
    assert names(cok_web.get(URL, params={"qualification": str(other.qual.id)})) == ["Орлова Вера Павловна"]
    assert names(cok_web.get(URL, params={"status": Status.THEORY_FAILED.value})) == ["Белова Анна Сергеевна"]
    today = dt.date.today().isoformat()
    assert sorted(names(cok_web.get(URL, params={"date_from": today}))) == ["Иванов Пётр Сергеевич",
                                                                            "Орлова Вера Павловна"]
    week_ago = (dt.date.today() - dt.timedelta(days=7)).isoformat()
    assert names(cok_web.get(URL, params={"date_to": week_ago})) == ["Белова Анна Сергеевна"]


def test_wrong_filter_is_explained_next_to_the_field(world, cok_web):
    world.theory("Иванов Пётр Сергеевич")
    page = cok_web.get(URL, params={"date_from": "31.02.2026", "status": "nonsense", "name": "Иван"})
    assert page.status_code == 422
    assert 'id="date_from-error"' in page.text and 'id="status-error"' in page.text
    assert 'value="Иван"' in page.text and names(page) == []


def test_pages_of_25_in_the_database_without_n_plus_one(world, cok_web, services):
    world.bare(*many(0, 3))
    with count_queries(services.db) as few:
        assert len(names(cok_web.get(URL))) == 3
    world.bare(*many(3, 29),
               starts_at=dt.datetime.now() - dt.timedelta(days=2))
    with count_queries(services.db) as lots:
        first = cok_web.get(URL)
    assert len(names(first)) == 25 and "Найдено: 29" in first.text
    assert len(lots) == len(few), (len(lots), len(few))
    second = cok_web.get(URL, params={"page": "2"})
    assert len(names(second)) == 4
    assert not set(names(first)) & set(names(second))
    assert set(many(0, 3)) <= set(names(first))  # the latest exams come first


def test_other_cok_sees_nothing_of_ours(world, stranger_web):
    _, (app,), _ = world.theory("Иванов Пётр Сергеевич")
    page = stranger_web.get(URL)
    assert page.status_code == 200 and "Иванов" not in page.text
    for suffix in ("", "/theory-report"):
        other = stranger_web.get(f"{URL}/{app.id}{suffix}")
        assert other.status_code == 404 and "Иванов" not in other.text


def test_venue_staff_see_only_exams_held_at_their_venue(world, venue_web, factory, orgs, new_web):
    world.theory("Иванов Пётр Сергеевич")
    south = factory.org(OrgKind.VENUE, parent=orgs["cok"], full_name="Площадка «Юг»", short_name="Юг")
    factory.user(Role.ADMIN, south, email="admin@south.ru")
    world.theory("Белова Анна Сергеевна", exam=ExamDayWorld(factory, orgs["cok"], south))
    page = venue_web.get("/cabinet/venue/results")
    assert page.status_code == 200 and names(page) == ["Иванов Пётр Сергеевич"]
    belova = Application.get(Application.full_name == "Белова Анна Сергеевна")
    assert venue_web.get(f"/cabinet/venue/results/{belova.id}").status_code == 404
    south_web = new_web()
    south_web.login("admin@south.ru", TEST_PASSWORD)
    assert names(south_web.get("/cabinet/venue/results")) == ["Белова Анна Сергеевна"]


@pytest.mark.parametrize("email", ["welder@mail.ru", "expert@spk.ru"])
def test_other_cabinets_cannot_open_the_cok_list(world, new_web, email):
    world.theory("Иванов Пётр Сергеевич")
    web = new_web()
    web.login(email, TEST_PASSWORD)
    page = web.get(URL)
    assert page.status_code == 403 and "Иванов" not in page.text
