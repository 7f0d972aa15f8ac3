"""«Расписание» through HTTP: a term added at once, listed by week with taken/seats, removed while free."""
import datetime as dt

import pytest

from core.models import ExamSlot
from core.workflow import Status

NEXT_MONDAY = dt.date.today() + dt.timedelta(days=7 - dt.date.today().weekday())


def _form(world, **changes):
    form = {"venue": str(world.orgs["venue"].id), "qualification": str(world.welder.id),
            "date_from": NEXT_MONDAY.isoformat(), "date_to": (NEXT_MONDAY + dt.timedelta(days=6)).isoformat(),
            "wd0": "on", "wd2": "on", "times": "09:00, 14:30", "seats": "5"}
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def test_venue_adds_a_week_of_exams_and_sees_them(world, signed_in):
    web = signed_in("admin@venue.ru")
    web.get("/cabinet/venue/schedule")
    added = web.post("/cabinet/venue/schedule", _form(world))
    assert added.status_code == 303, added.text[:400]
    assert ExamSlot.select().where(ExamSlot.venue == world.orgs["venue"]).count() == 4
    page = web.get(added.headers["location"])
    assert "Добавлено экзаменов: 4" in page.text
    assert page.text.count("0 / 5") == 4 and "14:30" in page.text and "(среда)" in page.text
    again = web.post("/cabinet/venue/schedule", _form(world, wd4="on"))
    assert "Добавлено экзаменов: 2. Уже были в расписании: 4" in web.get(again.headers["location"]).text


def test_centre_schedules_its_venue_and_sees_taken_seats(world, signed_in):
    web = signed_in("operator@cok.ru")
    web.get("/cabinet/cok/schedule")
    assert web.post("/cabinet/cok/schedule", _form(world, wd2=None, times="10:00")).status_code == 303
    slot = ExamSlot.get(ExamSlot.venue == world.orgs["venue"])
    app = world.application(status=Status.PAID_DATE_CONFIRMATION)
    app.slot = slot
    app.save()
    page = web.get(f"/cabinet/cok/schedule?week={NEXT_MONDAY.isoformat()}")
    assert "1 / 5" in page.text and "Площадка «Север»" in page.text
    refused = web.post(f"/cabinet/cok/schedule/{slot.id}/delete")
    assert refused.status_code == 409 and "уже выбрали соискатели (1)" in refused.text
    app.slot = None
    app.save()
    assert web.post(f"/cabinet/cok/schedule/{slot.id}/delete").status_code == 303
    assert not ExamSlot.select().where(ExamSlot.id == slot.id).exists()


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"venue": "999999"}, "venue", "Выберите площадку из списка"),
    ({"qualification": "abc"}, "qualification", "Выберите квалификацию из списка"),
    ({"date_from": "32.13.2026"}, "date_from", "дата указана неверно"),
    ({"date_to": ""}, "date_to", "Дата окончания: укажите дату"),
    ({"date_to": (NEXT_MONDAY - dt.timedelta(days=1)).isoformat()}, "date_to", "раньше даты начала"),
    ({"date_from": "2020-01-06", "date_to": "2020-01-12"}, "date_from", "прошедшую дату"),
    ({"times": "25:00"}, "times", "указано неверно"),
    ({"times": ""}, "times", "Укажите время начала"),
    ({"seats": "0"}, "seats", "Число мест"),
    ({"seats": "много"}, "seats", "Число мест"),
    ({"wd0": None, "wd2": None}, "weekdays", "Отметьте хотя бы один день недели"),
])
def test_wrong_values_are_shown_next_to_their_fields(world, signed_in, changes, field, message):
    web = signed_in("admin@venue.ru")
    web.get("/cabinet/venue/schedule")
    form = _form(world, **changes)
    page = web.post("/cabinet/venue/schedule", form)
    assert page.status_code == 422 and message in page.text
    assert f'id="{field}-error"' in page.text
    if field != "times":
        assert 'value="09:00, 14:30"' in page.text, "введённые значения остаются в форме"
    assert not ExamSlot.select().exists()


def test_another_centre_cannot_see_or_remove_our_slots(world, signed_in):
    slot = ExamSlot.create(venue=world.orgs["venue"], qualification=world.welder,
                           starts_at=dt.datetime.combine(NEXT_MONDAY, dt.time(9)), seats=5)
    for email, cabinet in (("admin@yug.ru", "cok"), ("admin@energo.ru", "cok"), ("admin@yug1.ru", "venue")):
        web = signed_in(email)
        page = web.get(f"/cabinet/{cabinet}/schedule?week={NEXT_MONDAY.isoformat()}")
        assert page.status_code == 200 and "На этой неделе экзаменов нет" in page.text
        assert "Площадка «Север»" not in page.text
        assert web.post(f"/cabinet/{cabinet}/schedule/{slot.id}/delete").status_code == 404
        page = web.post(f"/cabinet/{cabinet}/schedule", _form(world))
        assert page.status_code == 422 and not ExamSlot.select().where(ExamSlot.id != slot.id).exists()
    assert ExamSlot.select().where(ExamSlot.id == slot.id).exists()
