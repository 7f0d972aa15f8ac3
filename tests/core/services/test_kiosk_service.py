"""Station sign-in by access code: once, in the group's time, admitted only, guessing locked out."""
import datetime as dt
import hashlib

import pytest

from core.models import Admission, AuditRecord, ExamGroup, GroupMember, KioskSession, KioskThrottle, Role, User
from core.services import access_codes, attempts, kiosk
from core.services.scheduling import local_now
from core.testing import TEST_PASSWORD, count_queries

IP = "10.0.0.21"



def refused(code, *, ip=IP, **kw) -> str:
    with pytest.raises(kiosk.KioskSignInError) as info:
        kiosk.sign_in(code, ip, **kw)
    return str(info.value)


def test_code_signs_in_once_and_only_the_hash_is_stored(exam_day_world):
    _, (member,) = exam_day_world.started_group("Соколов Дмитрий Олегович")
    session, token = kiosk.sign_in(member.access_code.lower(), IP)
    assert session.token_hash == hashlib.sha256(token.encode()).hexdigest() != token
    assert not KioskSession.select().where(KioskSession.token_hash == token).exists()
    found = kiosk.session_for(token)
    assert found.id == session.id and found.member.application.full_name == "Соколов Дмитрий Олегович"
    assert GroupMember.get_by_id(member.id).code_used_at is not None
    assert AuditRecord.select().where(AuditRecord.action == "kiosk_sign_in").count() == 1
    # Used, unknown and malformed codes answer exactly alike.
    used = refused(member.access_code)
    assert used == refused("ABCDEFGH") == refused("12") == kiosk.CODE_ERROR
    assert kiosk.session_for("nonsense") is None and kiosk.session_for(None) is None


def test_session_lookup_is_one_query(exam_day_world, sqlcipher_db):
    _, (member,) = exam_day_world.started_group("Соколов Дмитрий Олегович")
    _, token = kiosk.sign_in(member.access_code, IP)
    with count_queries(sqlcipher_db) as seen:
        session = kiosk.session_for(token)
        assert session.member.group.qualification.name and session.member.application.status
    assert len(seen) == 1


def test_replaced_code_stops_and_the_new_one_resumes_the_same_attempt(exam_day_world, builtin_plugins):
    _, (member,) = exam_day_world.started_group("Соколов Дмитрий Олегович")
    old_code = member.access_code
    first, first_token = kiosk.sign_in(old_code, IP)
    attempt = attempts.start_attempt(first.member, builtin_plugins)
    question = attempt.data["questions"][0]["id"]
    attempts.save_answer(attempt, question, "x")
    new_code = access_codes.issue_code(GroupMember.get_by_id(member.id))  # «Выдать новый код»
    second, second_token = kiosk.sign_in(new_code, "10.0.0.22")
    assert kiosk.session_for(first_token) is None  # the older station is closed
    resumed = attempts.start_attempt(kiosk.session_for(second_token).member, builtin_plugins)
    assert resumed.id == attempt.id and resumed.deadline_at == attempt.deadline_at
    assert attempts.answers_of(resumed) == {question: "x"}
    # A code replaced before it was used stops working as well.
    unused_old = access_codes.issue_code(GroupMember.get_by_id(member.id))
    access_codes.issue_code(GroupMember.get_by_id(member.id))
    assert refused(unused_old, ip="10.0.0.23") == kiosk.CODE_ERROR


def test_entry_window_opens_an_hour_before_and_closes_after_the_duration(exam_day_world):
    _, (member,) = exam_day_world.started_group("Соколов Дмитрий Олегович",
                                                starts_at=local_now() + dt.timedelta(minutes=90))
    now = kiosk.utcnow()
    assert refused(member.access_code, now=now) == kiosk.CODE_ERROR  # opens in 30 minutes
    assert GroupMember.get_by_id(member.id).code_used_at is None  # a refused code is not spent
    session, token = kiosk.sign_in(member.access_code, "10.0.0.30", now=now + dt.timedelta(minutes=31))
    assert session.member_id == member.id
    _, (late,) = exam_day_world.started_group("Петров Пётр Петрович", duration_minutes=60)
    assert refused(late.access_code, ip="10.0.0.31", now=now + dt.timedelta(minutes=62)) == kiosk.CODE_ERROR
    session, token = kiosk.sign_in(late.access_code, "10.0.0.31", now=now + dt.timedelta(minutes=50))
    assert kiosk.session_for(token, now=now + dt.timedelta(minutes=50)) is not None
    assert kiosk.session_for(token, now=now + dt.timedelta(minutes=62)) is None  # the group's time is over


def test_a_late_start_extends_the_window_in_local_time(exam_day_world):
    group, (member,) = exam_day_world.started_group(
        "Соколов Дмитрий Олегович", starts_at=local_now() - dt.timedelta(minutes=100), duration_minutes=60)
    group.started_at = kiosk.utcnow() - dt.timedelta(minutes=10)  # «Начать экзамен» pressed 90 minutes late (UTC)
    group.save()
    opens, closes = kiosk.entry_window(ExamGroup.get_by_id(group.id))
    assert closes - kiosk.utc_to_local(group.started_at) == dt.timedelta(minutes=60)
    assert kiosk.sign_in(member.access_code, IP)[0].member_id == member.id


def test_only_admitted_members_of_started_groups(exam_day_world):
    group, (refused_member, waiting) = exam_day_world.started_group("Соколов Дмитрий Олегович", "Петров Пётр Петрович")
    refused_member.admission = Admission.REFUSED
    refused_member.save()
    assert refused(refused_member.access_code) == kiosk.CODE_ERROR
    ExamGroup.update(started_at=None).where(ExamGroup.id == group.id).execute()
    assert refused(waiting.access_code) == kiosk.CODE_ERROR


def test_five_failures_lock_the_station_for_fifteen_minutes(exam_day_world):
    _, (member,) = exam_day_world.started_group("Соколов Дмитрий Олегович")
    now = kiosk.utcnow()
    for n in range(4):
        assert refused("WRONG234", now=now + dt.timedelta(minutes=n)) == kiosk.CODE_ERROR
    lock_time = now + dt.timedelta(minutes=4)
    message = refused("WRONG234", now=lock_time)
    until = kiosk.utc_to_local(lock_time + dt.timedelta(minutes=15))
    assert f"заблокирован до {until:%H:%M}" in message
    # Even the right code is refused while locked, and is not spent.
    assert refused(member.access_code, now=lock_time + dt.timedelta(minutes=14)) == message
    assert GroupMember.get_by_id(member.id).code_used_at is None
    # Another station is not affected; after the lock the right code works and clears the count.
    assert refused("WRONG234", ip="10.9.9.9", now=lock_time) == kiosk.CODE_ERROR
    session, _ = kiosk.sign_in(member.access_code, IP, now=lock_time + dt.timedelta(minutes=16))
    assert session.member_id == member.id
    assert KioskThrottle.get(KioskThrottle.client_ip == IP).failures == 0
    assert AuditRecord.select().where(AuditRecord.action == "kiosk_lockout").count() == 1


def test_failures_older_than_the_window_are_forgotten(exam_day_world):
    exam_day_world.started_group("Соколов Дмитрий Олегович")
    now = kiosk.utcnow()
    for n in range(4):
        refused("WRONG234", now=now)
    later = now + dt.timedelta(minutes=16)
    for n in range(4):
        assert refused("WRONG234", now=later) == kiosk.CODE_ERROR  # 4 in the new window: no lock


def test_cabinet_login_must_be_the_candidates_own(exam_day_world, factory):
    _, (member,) = exam_day_world.started_group("Соколов Дмитрий Олегович")
    applicant = User.get_by_id(member.application.applicant_id)
    stranger = factory.user(Role.APPLICANT, email="other@mail.ru")
    assert refused(member.access_code, email=stranger.email, password=TEST_PASSWORD,
                   require_login=True) == kiosk.LOGIN_CODE_ERROR
    assert refused("WRONG234", email=applicant.email, password=TEST_PASSWORD,
                   require_login=True) == kiosk.LOGIN_CODE_ERROR
    wrong_password = refused(member.access_code, email=applicant.email, password="не тот", require_login=True)
    assert "пароль" in wrong_password
    assert User.get_by_id(applicant.id).failed_logins == 1  # the cabinet's own lockout counts it
    assert GroupMember.get_by_id(member.id).code_used_at is None
    session, _ = kiosk.sign_in(member.access_code, "10.0.0.40", email=applicant.email.upper(), password=TEST_PASSWORD,
                               require_login=True)
    assert session.member_id == member.id


def test_sign_out_closes_the_session(exam_day_world):
    _, (member,) = exam_day_world.started_group("Соколов Дмитрий Олегович")
    session, token = kiosk.sign_in(member.access_code, IP)
    kiosk.sign_out(session)
    kiosk.sign_out(session)  # twice is harmless
    assert kiosk.session_for(token) is None
    assert KioskSession.get_by_id(session.id).closed_at is not None


def test_answer_target_is_one_precompiled_query_with_the_attempt(exam_day_world, sqlcipher_db, builtin_plugins):
    group, (member,) = exam_day_world.started_group("Соколов Дмитрий Олегович")
    session, token = kiosk.sign_in(member.access_code, IP)
    assert kiosk.answer_target(token, "theory").attempt is None  # the test page was not opened yet
    attempt = attempts.start_attempt(session.member, builtin_plugins)
    with count_queries(sqlcipher_db) as seen:
        target = kiosk.answer_target(token, "theory")
    assert len(seen) == 1
    assert (target.session_id, target.csrf_token, target.member_id) == (session.id, session.csrf_token, member.id)
    assert target.attempt.id == attempt.id and target.attempt.deadline_at == attempt.deadline_at
    assert target.attempt.data == attempt.data and target.attempt.finished_at is None
    assert kiosk.answer_target(token, "practice").attempt is None
    assert kiosk.answer_target("чужой", "theory") is None and kiosk.answer_target(None, "theory") is None
    # outside the group's time, or after signing out, the token opens nothing
    late = kiosk.utcnow() + dt.timedelta(minutes=group.duration_minutes + 10)
    assert kiosk.answer_target(token, "theory", now=late) is None
    kiosk.sign_out(session)
    assert kiosk.answer_target(token, "theory") is None


def test_plugins_hear_the_sign_in_with_the_station_address(exam_day_world):
    from core.plugin_api import hookimpl
    from core.plugins import PluginHost

    class Listener:
        heard = []

        @hookimpl
        def nok_kiosk_signed_in(self, session, client_ip):
            self.heard.append((session.member_id, client_ip))

    _, (member,) = exam_day_world.started_group("Соколов Дмитрий Олегович")
    kiosk.sign_in(member.access_code, IP, plugins=PluginHost.with_plugins({"listener": Listener()}))
    assert Listener.heard == [(member.id, IP)]
