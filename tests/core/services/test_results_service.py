"""Results of a ЦОК or venue: who sees which examined applications, the filter, the personal data shown."""
import datetime as dt
import json

import pytest

from core.exceptions import NotFoundError, PermissionDeniedError
from core.models import ApplicantProfile, ExamAttempt, FinishReason, OrgKind, Role
from core.services import results
from core.services.applicant_profile import FormErrors
from core.testing_exam import ExamDayWorld
from core.workflow import Status


@pytest.fixture
def world(exam_day_world, factory):
    world = exam_day_world
    world.staff = factory.user(Role.OPERATOR, world.cok)
    world.venue_staff = factory.user(Role.ADMIN, world.venue)
    other_cok = factory.org(OrgKind.COK, parent=world.spk)
    world.other = ExamDayWorld(factory, other_cok, factory.org(OrgKind.VENUE, parent=other_cok))
    world.stranger = factory.user(Role.ADMIN, other_cok)
    return world


def examined(world, name, *, days_ago=0, points=5):
    group, (member,) = world.started_group(name, starts_at=dt.datetime.now() - dt.timedelta(days=days_ago))
    ExamAttempt.create(member=member, stage="theory", kos=world.kos, seed=1, content=json.dumps({"questions": []}),
                       finished_at=dt.datetime.now(), finish_reason=FinishReason.SUBMITTED, points=points,
                       max_points=6, passed=points >= 4)
    return member.application


def names(rows):
    return [row.application.full_name for row in rows]


def test_each_organisation_sees_its_own_examined_applications(world):
    ours = examined(world, "Иванов Пётр Сергеевич")
    world.started_group("Белова Анна Сергеевна")  # in a group, no attempt yet: not a result
    theirs = examined(world.other, "Орлова Вера Павловна")
    rows, total = results.list_results(world.staff, results.ResultFilter())
    assert names(rows) == ["Иванов Пётр Сергеевич"] and total == 1
    assert rows[0].theory.points == 5 and rows[0].practice is None and rows[0].result is None
    assert names(results.list_results(world.venue_staff, results.ResultFilter())[0]) == ["Иванов Пётр Сергеевич"]
    assert names(results.list_results(world.stranger, results.ResultFilter())[0]) == ["Орлова Вера Павловна"]
    assert results.get_examined(world.staff, ours.id).id == ours.id
    with pytest.raises(NotFoundError):
        results.get_examined(world.staff, theirs.id)
    with pytest.raises(NotFoundError):
        results.get_examined(world.stranger, ours.id)


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.EXPERT])
def test_only_cok_and_venue_staff(world, factory, role):
    examined(world, "Иванов Пётр Сергеевич")
    user = factory.user(role, world.spk if role is Role.EXPERT else None)
    with pytest.raises(PermissionDeniedError):
        results.list_results(user, results.ResultFilter())


def test_exam_dates_are_inclusive_and_the_latest_comes_first(world):
    examined(world, "Иванов Пётр Сергеевич", days_ago=3)
    examined(world, "Белова Анна Сергеевна", days_ago=1)
    three_days_ago = dt.date.today() - dt.timedelta(days=3)
    flt = results.ResultFilter(date_from=three_days_ago, date_to=three_days_ago)
    assert names(results.list_results(world.staff, flt)[0]) == ["Иванов Пётр Сергеевич"]
    assert names(results.list_results(world.staff, results.ResultFilter())[0]) == [
        "Белова Анна Сергеевна", "Иванов Пётр Сергеевич"]
    flt = results.ResultFilter(status=Status.ADMITTED.value)  # bare attempts leave the status as it was
    assert len(results.list_results(world.staff, flt)[0]) == 2


def test_filter_errors_name_their_fields():
    with pytest.raises(FormErrors) as wrong:
        results.parse_filter({"qualification": "abc", "status": "draft", "date_from": "2026-05-10",
                              "date_to": "2026-05-01", "name": "я" * 101})
    assert set(wrong.value.errors) == {"qualification", "status", "date_to", "name"}
    flt = results.parse_filter({"name": "  иванов   пётр ", "date_from": "01.05.2026"})
    assert flt.name == "иванов пётр" and flt.date_from == dt.date(2026, 5, 1)


def test_personal_data_prefers_the_application_snapshot(world):
    app = examined(world, "Иванов Пётр Сергеевич")
    ApplicantProfile.create(user=app.applicant, birth_date=dt.date(1990, 1, 2), snils="11223344595")
    person = results.person_of(app)
    assert person["birth_date"] == dt.date(1990, 1, 2) and person["snils"] == "11223344595"
    app.personal_data = json.dumps({"birth_date": "1985-03-14", "snils": "08765430300", "phone": "+79990000000"})
    app.save()
    person = results.person_of(app)
    assert (person["birth_date"], person["snils"], person["phone"]) == (dt.date(1985, 3, 14), "08765430300",
                                                                        "+79990000000")
    assert person["email"] == app.applicant.email


def test_stored_utc_times_are_shown_on_the_local_clock():
    moment = dt.datetime(2026, 1, 22, 11, 25)
    local = moment.replace(tzinfo=dt.timezone.utc).astimezone().replace(tzinfo=None)
    assert results.to_local(moment) == local and results.to_local(None) is None
