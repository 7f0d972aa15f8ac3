"""«Заявления» queue through HTTP: own applications only, filters and pages in the database, audited views."""
import datetime as dt

import pytest

from core.audit import AuditRecord
from core.models import GroupApplication, GroupApplicationRow, ProfStandard
from core.testing import count_queries
from core.workflow import Status


def test_centre_sees_its_submitted_applications_only(world, signed_in):
    world.application("Соколов Дмитрий Олегович")
    world.application("Черновиков Пётр Ильич", status=Status.DRAFT)
    world.application("Южный Иван Петрович", cok="other_cok")
    world.application("Энергетиков Олег Олегович", cok=world.far_cok, venue=world.far_venue)
    web = signed_in("operator@cok.ru")
    page = web.get("/cabinet/cok/applications")
    assert page.status_code == 200 and "Соколов Дмитрий Олегович" in page.text and "+79024314444" in page.text
    assert "Черновиков" not in page.text and "Южный" not in page.text and "Энергетиков" not in page.text
    assert "Найдено: 1" in page.text and 'href="/p/payments/cok/"' in page.text
    assert AuditRecord.select().where((AuditRecord.action == "view")
                                      & (AuditRecord.entity == "application_queue")).exists()


def test_venue_sees_only_its_venue(world, signed_in):
    world.application("Северов Иван Иванович")
    world.application("Южанин Пётр Петрович", venue=world.factory.org(
        world.orgs["venue"].kind_enum, parent=world.orgs["cok"], short_name="Площадка «Юг»"))
    page = signed_in("admin@venue.ru").get("/cabinet/venue/applications")
    assert "Северов" in page.text and "Южанин" not in page.text


def test_filters(world, signed_in):
    world.application("Соколов Дмитрий Олегович", submitted_at=dt.datetime(2026, 3, 1, 9))
    world.application("Сомов Артём Ильич", qualification=world.fitter, submitted_at=dt.datetime(2026, 3, 5, 9))
    world.application("Петров Дмитрий Сергеевич", status=Status.NEEDS_FIX, submitted_at=dt.datetime(2026, 3, 9, 9))
    web = signed_in("admin@cok.ru")

    def shown(**params):
        from urllib.parse import urlencode
        page = web.get("/cabinet/cok/applications?" + urlencode(params))
        assert page.status_code == 200, page.text[:300]
        return {n for n in ("Соколов", "Сомов", "Петров") if n in page.text}

    assert shown(name="со") == {"Соколов", "Сомов"}  # prefix, any case
    assert shown(name="СОКОЛОВ ДМ") == {"Соколов"}
    assert shown(name="дмитрий", match="contains") == {"Соколов", "Петров"}
    assert shown(name="100%_", match="contains") == set()
    assert shown(qualification=world.fitter.id) == {"Сомов"}
    assert shown(status=Status.NEEDS_FIX.value) == {"Петров"}
    assert shown(date_from="2026-03-02", date_to="2026-03-05") == {"Сомов"}
    assert shown(date_from="05.03.2026") == {"Сомов", "Петров"}
    assert shown(name="с", qualification=world.welder.id, status="submitted") == {"Соколов"}


@pytest.mark.parametrize(("params", "field", "message"), [
    ("date_from=32.13.2026", "date_from", "дата указана неверно"),
    ("date_to=вчера", "date_to", "дата указана неверно"),
    ("date_from=2026-03-05&date_to=2026-03-01", "date_to", "раньше даты «с»"),
    ("status=bogus", "status", "Выберите статус"),
    ("qualification=abc", "qualification", "Выберите квалификацию"),
    ("match=regex", "match", "Выберите способ поиска"),
    ("name=" + "я" * 101, "name", "не более 100 символов"),
])
def test_wrong_filter_values_are_shown_next_to_fields(world, signed_in, params, field, message):
    world.application()
    page = signed_in("admin@cok.ru").get(f"/cabinet/cok/applications?{params}")
    assert page.status_code == 422 and message in page.text and f'id="{field}-error"' in page.text
    assert "Соколов" not in page.text


def test_pagination_keeps_filters(world, signed_in):
    for n in range(30):
        world.application(f"Соколов{'а' * (n % 3)} Иван {n}", submitted_at=dt.datetime(2026, 1, 1) + dt.timedelta(hours=n))
    web = signed_in("admin@cok.ru")
    first = web.get("/cabinet/cok/applications?name=Соколов")
    assert first.text.count("/cabinet/cok/applications/") == 25 and "Найдено: 30" in first.text
    assert "Иван 29" in first.text and "Иван 0<" not in first.text  # newest first
    assert "page=2" in first.text and "name=%D0%A1%D0%BE%D0%BA%D0%BE%D0%BB%D0%BE%D0%B2" in first.text
    second = web.get("/cabinet/cok/applications?name=Соколов&page=2")
    assert second.text.count("/cabinet/cok/applications/") == 5 and "Иван 0<" in second.text


def test_queue_costs_the_same_queries_for_few_or_many_rows(world, signed_in, services):
    web = signed_in("admin@cok.ru")
    world.application("Первый Иван Иванович")
    web.get("/cabinet/cok/applications")
    with count_queries(services.db) as few:
        page = web.get("/cabinet/cok/applications")
    assert page.text.count("/cabinet/cok/applications/") == 1
    for n in range(30):
        world.application(f"Второй Иван {n}", qualification=world.fitter if n % 2 else world.welder)
    with count_queries(services.db) as many:
        page = web.get("/cabinet/cok/applications")
    assert page.text.count("/cabinet/cok/applications/") == 25
    assert 0 < len(few) == len(many), many
    with count_queries(services.db) as filtered:
        web.get(f"/cabinet/cok/applications?name=Вто&qualification={world.fitter.id}&status=submitted&page=1")
    assert len(filtered) == len(many)


def test_employers_tab_lists_group_applications(world, signed_in, people):
    std = ProfStandard.get(ProfStandard.code == "16.025")
    group = GroupApplication.create(number="ГЗ-2026-00001", employer=world.orgs["employer"], cok=world.orgs["cok"],
                                    prof_standard=std, status="submitted", created_by=people["employer_admin"],
                                    submitted_at=dt.datetime(2026, 3, 3, 12))
    GroupApplicationRow.create(group_application=group, qualification=world.welder, venue=world.orgs["venue"],
                               people_count=3)
    GroupApplicationRow.create(group_application=group, qualification=world.fitter, venue=world.orgs["venue"],
                               people_count=2)
    GroupApplication.create(number="ГЗ-2026-00002", employer=world.orgs["employer"], cok=world.orgs["other_cok"],
                            prof_standard=std, status="submitted", created_by=people["employer_admin"],
                            submitted_at=dt.datetime(2026, 3, 3, 12))
    web = signed_in("admin@cok.ru")
    page = web.get("/cabinet/cok/applications?tab=employers")
    assert page.status_code == 200 and "ГЗ-2026-00001" in page.text and "ГЗ-2026-00002" not in page.text
    assert "СтройМонтаж" in page.text and "<td>5</td>" in page.text and "На рассмотрении" in page.text
    assert "ГЗ-2026-00001" in web.get("/cabinet/cok/applications?tab=employers&name=строй").text
    assert "ГЗ-2026-00001" not in web.get(f"/cabinet/cok/applications?tab=employers&qualification={world.spare.id}").text
    assert "ГЗ-2026-00001" in signed_in("admin@venue.ru").get("/cabinet/venue/applications?tab=employers").text
    page = web.get("/cabinet/cok/applications?tab=employers&status=paid_date_agreement")
    assert page.status_code == 422 and "Выберите статус" in page.text
