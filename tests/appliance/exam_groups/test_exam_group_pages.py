"""«Теория» / «Практика» through HTTP: the list with filters, creating and editing a group."""
import datetime as dt

from exam_world import post_fields, setup  # noqa: F401 (fixtures)

from core.models import CommissionMember, ExamGroup, OrgKind, Role
from core.testing import TEST_PASSWORD, count_queries


def _form(setup, **overrides):
    data = {"date": setup.day.isoformat(), "time": "09:30", "duration_minutes": "120",
            "venue": str(setup.orgs["venue"].id), "seats": "4", "qualification": str(setup.qual.id),
            "expert": [str(setup.chair.id), str(setup.member.id)], "chair": str(setup.chair.id), "action": "save"}
    data.update(overrides)
    return data


def test_operator_creates_a_group_with_its_commission(setup, cok_web):
    page = cok_web.get("/cabinet/cok/theory/new")
    assert page.status_code == 200 and "Сварщик ручной дуговой сварки" in page.text
    refreshed = post_fields(cok_web, "/cabinet/cok/theory/new", _form(setup, action="refresh", expert=[], chair=""))
    assert refreshed.status_code == 200 and "Зайцева Ольга Игоревна" in refreshed.text
    assert 'value="09:30"' in refreshed.text and not ExamGroup.select().exists()
    created = post_fields(cok_web, "/cabinet/cok/theory/new", _form(setup))
    assert created.status_code == 303
    group = ExamGroup.get()
    assert created.headers["location"].startswith(f"/cabinet/cok/theory/{group.id}")
    assert group.kind == "theory" and group.starts_at == dt.datetime.combine(setup.day, dt.time(9, 30))
    chair = CommissionMember.get(CommissionMember.is_chair)
    assert chair.expert_id == setup.chair.id
    page = cok_web.get(created.headers["location"])
    assert "Группа создана" in page.text and "Волков Павел Андреевич (председатель)" in page.text


def test_commission_errors_are_russian_and_keep_input(setup, cok_web, factory):
    cok_web.get("/cabinet/cok/theory/new")
    page = post_fields(cok_web, "/cabinet/cok/theory/new", _form(setup, chair=""))
    assert page.status_code == 422 and "Назначьте председателя" in page.text and 'value="09:30"' in page.text
    two_chairs = _form(setup, chair=[str(setup.chair.id), str(setup.member.id)])
    page = post_fields(cok_web, "/cabinet/cok/theory/new", two_chairs)
    assert page.status_code == 422 and "только один" in page.text
    uncertified = factory.user(Role.EXPERT, setup.orgs["spk"], full_name="Безсвидетельства Иван Иванович")
    outsider = _form(setup, expert=[str(setup.chair.id), str(uncertified.id)])
    page = post_fields(cok_web, "/cabinet/cok/theory/new", outsider)
    assert page.status_code == 422 and "без действующего" in page.text and "Безсвидетельства" in page.text
    assert "Безсвидетельства" not in cok_web.get("/cabinet/cok/theory/new").text, "не предлагается в форме"
    page = post_fields(cok_web, "/cabinet/cok/theory/new", _form(setup, seats="0"))
    assert page.status_code == 422 and 'aria-invalid="true"' in page.text
    assert not ExamGroup.select().exists()


def test_list_filters_and_paginates_in_the_database(setup, cok_web, services):
    theory = setup.group()
    setup.group("practice")
    listing = cok_web.get("/cabinet/cok/theory")
    assert listing.status_code == 200 and f"/cabinet/cok/theory/{theory.id}" in listing.text
    assert "Всего групп: 1" in listing.text and "0 / 3" in listing.text
    assert "Всего групп: 1" in cok_web.get("/cabinet/cok/practice").text
    later = (setup.day + dt.timedelta(days=1)).isoformat()
    assert "Всего групп: 0" in cok_web.get(f"/cabinet/cok/theory?date_from={later}").text
    assert "Всего групп: 1" in cok_web.get(f"/cabinet/cok/theory?date_to={setup.day.isoformat()}"
                                           f"&qualification={setup.qual.id}").text
    assert cok_web.get("/cabinet/cok/theory?date_from=вчера").status_code == 400
    # «Применить» with the fields left empty is no filter at all
    assert "Всего групп: 1" in cok_web.get("/cabinet/cok/theory?qualification=&venue=&date_from=&date_to=").text
    with count_queries(services.db) as few:
        cok_web.get("/cabinet/cok/theory")
    for _ in range(5):
        setup.group()
    with count_queries(services.db) as many:
        page = cok_web.get("/cabinet/cok/theory")
    assert "Всего групп: 6" in page.text and len(few) == len(many), many


def test_edit_cannot_shrink_seats_below_members(setup, cok_web):
    group = setup.group(seats=2)
    setup.assign(group, "Соколов Дмитрий Олегович", "Белова Анна Сергеевна")
    page = cok_web.get(f"/cabinet/cok/theory/{group.id}/edit")
    assert page.status_code == 200 and 'value="2"' in page.text
    page = post_fields(cok_web, f"/cabinet/cok/theory/{group.id}/edit", _form(setup, seats="1"))
    assert page.status_code == 422 and "мест не может быть меньше" in page.text
    new_chair = _form(setup, seats="5", chair=str(setup.member.id))
    saved = post_fields(cok_web, f"/cabinet/cok/theory/{group.id}/edit", new_chair)
    assert saved.status_code == 303 and ExamGroup.get_by_id(group.id).seats == 5
    assert CommissionMember.get(CommissionMember.is_chair).expert_id == setup.member.id


def test_venue_sees_and_creates_only_its_own_groups(setup, venue_web, factory):
    other_venue = factory.org(OrgKind.VENUE, parent=setup.orgs["cok"], short_name="Площадка «Юг-2»")
    elsewhere = setup.group()
    elsewhere.venue = other_venue
    elsewhere.save()
    page = venue_web.get("/cabinet/venue/theory/new")
    assert page.status_code == 200 and "Площадка «Юг-2»" not in page.text
    assert "Всего групп: 0" in venue_web.get("/cabinet/venue/theory").text
    assert venue_web.get(f"/cabinet/venue/theory/{elsewhere.id}").status_code == 404
    page = post_fields(venue_web, "/cabinet/venue/theory/new", _form(setup, venue=str(other_venue.id)))
    assert page.status_code == 422 and "площадку" in page.text
    created = post_fields(venue_web, "/cabinet/venue/theory/new", _form(setup))
    assert created.status_code == 303
    group = ExamGroup.select().order_by(ExamGroup.id.desc()).get()
    assert group.venue_id == setup.orgs["venue"].id and group.cok_id == setup.orgs["cok"].id


def test_other_cabinets_do_not_have_the_section(setup, new_web):
    web = new_web()
    web.login("hr@stroy.ru", TEST_PASSWORD)
    assert web.get("/cabinet/employer/theory").status_code in (403, 404)
    assert web.get("/cabinet/cok/theory").status_code == 403
