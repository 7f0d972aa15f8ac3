"""Which recordings are due, read from the database: results, room cameras, holds, the СПК's policy."""
import datetime as dt

import pytest

from retention_kit import EXAM, world  # noqa: F401 (fixture)
from core.exceptions import ValidationError
from core.models import GroupMember
from core.models.commission import Verdict
from core.models.exams import GROUP_PRACTICE
from core.workflow import Status
from plugins.video_capture.models import RetentionHold, RetentionPolicy
from plugins.video_capture.retention import (application_by_number, due_recordings, failed_years, place_hold,
                                             release_hold, review, set_failed_years)

PASS_END = dt.date(2032, 3, 16)  # EXAM + 3 years of validity + 3 years
FAIL_END = dt.date(2027, 3, 16)  # EXAM + 1 year


def due_ids(today):
    return sorted(p.recording.id for p in due_recordings(today))


def test_terms_by_result(world):
    group = world.group()
    passed = world.recording(group, world.candidate(group, "Соколов Дмитрий Олегович", Status.CERTIFICATE_ISSUED))
    failed = world.recording(group, world.candidate(group, "Петров Пётр Петрович", Status.SENT_TO_SPK,
                                                    Verdict.FAILED))
    open_ = world.recording(group, world.candidate(group, "Иванова Анна Сергеевна", Status.THEORY_PASSED))
    plan = {p.recording.id: p for p in review()}
    assert plan[passed.id].term.keep_until == PASS_END and plan[passed.id].subject == "Соколов Дмитрий Олегович"
    assert plan[failed.id].term.keep_until == FAIL_END
    assert plan[open_.id].term.keep_until is None
    assert plan[passed.id].segments == 2 and plan[passed.id].size == 6000 and plan[passed.id].exam_date == EXAM
    assert due_ids(FAIL_END) == []
    assert due_ids(FAIL_END + dt.timedelta(days=1)) == [failed.id]
    assert due_ids(PASS_END + dt.timedelta(days=1)) == [passed.id, failed.id]
    assert due_ids(dt.date(2100, 1, 1)) == [passed.id, failed.id]  # the undecided one is never due


def test_latest_exam_day_of_the_candidate_counts(world):
    theory = world.group(EXAM)
    member = world.candidate(theory, "Соколов Дмитрий Олегович", Status.CONCLUSION_ISSUED)
    practice = world.group(EXAM + dt.timedelta(days=10), kind=GROUP_PRACTICE)
    GroupMember.create(group=practice, application=member.application)
    rec = world.recording(theory, member)
    assert due_ids(FAIL_END + dt.timedelta(days=1)) == []
    assert due_ids(FAIL_END + dt.timedelta(days=11)) == [rec.id]


def test_room_camera_waits_for_the_longest_kept_candidate(world):
    group = world.group()
    world.candidate(group, "Соколов Дмитрий Олегович", Status.CERTIFICATE_ISSUED)
    failed = world.candidate(group, "Петров Пётр Петрович", Status.CONCLUSION_ISSUED)
    room = world.recording(group)
    desk = world.recording(group, failed)
    assert due_ids(FAIL_END + dt.timedelta(days=1)) == [desk.id]
    (plan,) = [p for p in review() if p.recording.id == room.id]
    assert plan.subject == "камера зала" and plan.term.keep_until == PASS_END
    assert due_ids(PASS_END + dt.timedelta(days=1)) == [room.id, desk.id]


def test_room_camera_kept_while_a_candidate_is_undecided(world):
    group = world.group()
    world.candidate(group, "Соколов Дмитрий Олегович", Status.CONCLUSION_ISSUED)
    world.candidate(group, "Петров Пётр Петрович", Status.PRACTICE_PASSED, Verdict.PASSED, returned=True)
    world.recording(group)
    assert due_ids(dt.date(2100, 1, 1)) == []


def test_unbound_recording_is_kept_like_a_failed_exam(world):
    rec = world.recording(None, station=world.room)
    (plan,) = review()
    assert plan.group is None and plan.term.keep_until == FAIL_END and "не привязана" in plan.term.reason
    assert due_ids(FAIL_END + dt.timedelta(days=1)) == [rec.id]


def test_policy_of_the_spk_sets_the_failed_term(world):
    group = world.group()
    rec = world.recording(group, world.candidate(group, "Петров Пётр Петрович", Status.CONCLUSION_ISSUED))
    assert failed_years(world.spk) == 1
    set_failed_years(world.spk, 3)
    assert RetentionPolicy.get(RetentionPolicy.spk == world.spk).failed_years == 3
    assert due_ids(dt.date(2029, 3, 16)) == []
    assert due_ids(dt.date(2029, 3, 17)) == [rec.id]
    for wrong in (0, 76, "2"):
        with pytest.raises(ValidationError, match="от 1 до 75"):
            set_failed_years(world.spk, wrong)


def test_hold_keeps_the_candidate_and_the_room_until_released(world):
    group = world.group()
    member = world.candidate(group, "Петров Пётр Петрович", Status.CONCLUSION_ISSUED)
    desk, room = world.recording(group, member), world.recording(group)
    later = dt.date(2030, 1, 1)
    assert due_ids(later) == [desk.id, room.id]
    application = application_by_number(member.application.number)
    hold = place_hold(application, "  Апелляция   от 01.04.2026 ")
    assert hold.reason == "Апелляция от 01.04.2026"
    assert due_ids(later) == []
    with pytest.raises(ValidationError, match="уже продлено"):
        place_hold(application, "ещё одна")
    release_hold(application)
    assert RetentionHold.get_by_id(hold.id).released_at is not None
    assert due_ids(later) == [desk.id, room.id]
    with pytest.raises(ValidationError, match="не продлевалось"):
        release_hold(application)
    with pytest.raises(ValidationError, match="Укажите причину"):
        place_hold(application, "   ")
    with pytest.raises(ValidationError, match="Заявление № 9999 не найдено"):
        application_by_number(" 9999 ")
