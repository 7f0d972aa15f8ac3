"""Вход на рабочее место экзамена: a candidate signs in at a station with the one-time access code.

The code works once, only for an admitted candidate of a started group and only inside the
group's time (from an hour before the scheduled start until the end of its duration). Group
times are the venue's wall-clock time (`scheduling.local_now`); everything stored here is UTC.
Guessing codes is slowed per station address: five failures in fifteen minutes lock the
station for fifteen minutes, and no failure tells whether the code exists. The cookie token
is random and only its sha256 is stored; a candidate's new sign-in closes their older stations.
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import peewee

from core import audit
from core.config import Config
from core.db import database, write_transaction
from core.exceptions import AuthenticationError, NotFoundError
from core.models import (Admission, Application, ExamAttempt, ExamGroup, GroupMember, KioskSession, KioskThrottle,
                         Qualification, User)
from core.security import new_token, token_hash
from core.services import access_codes, auth

if TYPE_CHECKING:
    from core.plugins import PluginHost

EARLY_ENTRY = dt.timedelta(minutes=60)
MAX_FAILURES = 5
FAILURE_WINDOW = dt.timedelta(minutes=15)
LOCKOUT = dt.timedelta(minutes=15)
TOUCH_EVERY = dt.timedelta(minutes=1)
CODE_ERROR = ("Код доступа не подходит. Проверьте, что он введён без ошибок. Код действует один раз и только во "
              "время экзамена своей группы; если он уже использован, обратитесь к организатору экзамена.")
LOGIN_CODE_ERROR = ("Код доступа не подходит к этой учётной записи. Проверьте код и данные входа в личный кабинет "
                    "или обратитесь к организатору экзамена.")
_DEFAULT_CONFIG = Config(data_dir=Path("."))  # lockout settings when the caller passes no config


class KioskSignInError(AuthenticationError):
    """Sign-in refused; the Russian message is safe to show at the station."""


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def utc_to_local(moment: dt.datetime) -> dt.datetime:
    """A stored UTC time as the venue's wall-clock time (the appliance stands at the venue)."""
    return moment.replace(tzinfo=dt.timezone.utc).astimezone().replace(tzinfo=None)


def local_to_utc(moment: dt.datetime) -> dt.datetime:
    """The venue's wall-clock time as naive UTC."""
    return moment.astimezone(dt.timezone.utc).replace(tzinfo=None)


def entry_window(group: ExamGroup) -> tuple[dt.datetime, dt.datetime]:
    """(opens, closes) in local time: an hour before the start until the start (or the later
    «Начать экзамен») plus the group's duration."""
    start = group.starts_at
    if group.started_at is not None:
        start = max(start, utc_to_local(group.started_at))
    return group.starts_at - EARLY_ENTRY, start + dt.timedelta(minutes=int(group.duration_minutes))


def is_open(group: ExamGroup, now: dt.datetime | None = None) -> bool:
    """Whether candidates of a started group may be at the stations now (`now` in UTC)."""
    if group.started_at is None:
        return False
    opens, closes = entry_window(group)
    return opens <= utc_to_local(now or utcnow()) <= closes


# --- throttling ----------------------------------------------------------------------------------

def _lock_message(locked_until: dt.datetime) -> str:
    return (f"Слишком много неудачных попыток входа с этого рабочего места. Вход заблокирован до "
            f"{utc_to_local(locked_until):%H:%M}. Обратитесь к организатору экзамена.")


def _check_lock(ip: str, now: dt.datetime) -> None:
    row = KioskThrottle.get_or_none(KioskThrottle.client_ip == ip)
    if row is not None and row.locked_until is not None and now < row.locked_until:
        raise KioskSignInError(_lock_message(row.locked_until))


def _fail(ip: str, now: dt.datetime, message: str) -> KioskSignInError:
    """Count one failure (committed), lock the station at the limit; returns the error to raise."""
    with write_transaction():
        row, _ = KioskThrottle.get_or_create(client_ip=ip, defaults={"window_started_at": now, "failures": 0})
        if now - row.window_started_at > FAILURE_WINDOW or (row.locked_until and now >= row.locked_until):
            row.failures, row.window_started_at, row.locked_until = 0, now, None
        row.failures += 1
        locked = row.failures >= MAX_FAILURES
        if locked:
            row.failures, row.window_started_at, row.locked_until = 0, now, now + LOCKOUT
        row.save()
        if locked:
            audit.record("kiosk_lockout", "kiosk_throttle", row.id, {"ip": ip})
    return KioskSignInError(_lock_message(row.locked_until) if locked else message)


# --- signing in ----------------------------------------------------------------------------------

def _candidate(code: str, now: dt.datetime) -> GroupMember | None:
    """The unused code's admitted member of a started group inside its time, else None."""
    normal = access_codes.normalise(code)
    if len(normal) != access_codes.CODE_LENGTH:
        return None
    member = (GroupMember.select(GroupMember, ExamGroup, Application)
              .join(ExamGroup).switch(GroupMember).join(Application)
              .where((GroupMember.access_code == normal) & GroupMember.code_used_at.is_null()).first())
    if member is None or member.admission != Admission.ADMITTED or not is_open(member.group, now):
        return None
    return member


def sign_in(code: str, client_ip: str | None, *, email: str | None = None, password: str | None = None,
            require_login: bool = False, config: Config | None = None, plugins: "PluginHost | None" = None,
            now: dt.datetime | None = None) -> tuple[KioskSession, str]:
    """Spend the access code and open a station session; returns it and the raw cookie token.

    With `require_login` the candidate also signs in with their cabinet's email and password
    (the account lockout of `auth.authenticate` applies) and must be the application's applicant.
    Raises `KioskSignInError` with a message that never tells whether the code exists.
    """
    now = now or utcnow()
    ip = (client_ip or "неизвестен")[:64]
    _check_lock(ip, now)
    generic = LOGIN_CODE_ERROR if require_login else CODE_ERROR
    user: User | None = None
    if require_login:
        try:
            user = auth.authenticate(email or "", password or "", config or _DEFAULT_CONFIG, ip)
        except AuthenticationError as ex:
            raise _fail(ip, now, str(ex)) from None
    member = _candidate(code, now)
    if member is None or (user is not None and member.application.applicant_id != user.id):
        raise _fail(ip, now, generic)
    token = new_token()
    try:
        with write_transaction(relaxed=True):  # a lost sign-in is redone with a new code
            access_codes.redeem_code(code)  # spends it; a second station racing us gets NotFoundError
            KioskSession.update(closed_at=now).where((KioskSession.member == member.id)
                                                     & KioskSession.closed_at.is_null()).execute()
            session = KioskSession.create(token_hash=token_hash(token), member=member, csrf_token=new_token(),
                                          client_ip=ip, created_at=now, last_seen_at=now)
            KioskThrottle.update(failures=0, locked_until=None).where(KioskThrottle.client_ip == ip).execute()
            audit.record("kiosk_sign_in", "group_member", member.id, {"ip": ip},
                         actor=audit.Actor(member.application.applicant_id, "станция экзамена", ip))
            if plugins is not None:  # e.g. the station's video recorder learns who sits there
                plugins.kiosk_signed_in(session, client_ip)
    except NotFoundError:
        raise _fail(ip, now, generic) from None
    return session, token


STATION_APPLICATION_FIELDS = (Application.id, Application.applicant, Application.full_name, Application.number,
                              Application.qualification, Application.status, Application.portfolio_digest,
                              Application.portfolio_link)


def session_for(token: str | None, *, now: dt.datetime | None = None) -> KioskSession | None:
    """The live session of a cookie token with its member, group, application and qualification
    (one query); a closed session or one whose group's time is over gives None."""
    if not token or len(token) > 200:
        return None
    # Only the application columns station pages show: this runs on every answer save, and
    # compiling all ~50 columns of Application cost more than the query itself.
    session = (KioskSession.select(KioskSession, GroupMember, ExamGroup, Qualification, *STATION_APPLICATION_FIELDS)
               .join(GroupMember).join(ExamGroup).join(Qualification)
               .join_from(GroupMember, Application)
               .where((KioskSession.token_hash == token_hash(token)) & KioskSession.closed_at.is_null())
               .first())
    if session is None or session.member.admission != Admission.ADMITTED or not is_open(session.member.group, now):
        return None
    return session


@dataclass(frozen=True)
class AnswerTarget:
    """What an answer save needs, read in one narrow query (the hot path of exam day)."""

    session_id: int
    csrf_token: str
    member_id: int
    attempt: ExamAttempt | None  # the stage attempt, not re-read from the database


_TOKEN = "\x00token\x00"  # stands for the token hash while the query is compiled once


def _answer_target_fields(stage: str) -> tuple:
    return (KioskSession.id, KioskSession.csrf_token, GroupMember.id, GroupMember.admission, ExamGroup.starts_at,
            ExamGroup.started_at, ExamGroup.duration_minutes, ExamAttempt.id, ExamAttempt.stage, ExamAttempt.content,
            ExamAttempt.deadline_at, ExamAttempt.finished_at)


@functools.lru_cache(maxsize=16)
def _answer_target_sql(stage: str, dialect: type) -> tuple[str, tuple]:
    """The SQL of `answer_target`, compiled once per stage and database kind: peewee spends more
    time building this statement than SQLite spends running it."""
    query = (KioskSession.select(*_answer_target_fields(stage))
             .join(GroupMember).join(ExamGroup)
             .join_from(GroupMember, ExamAttempt, peewee.JOIN.LEFT_OUTER,
                        on=(ExamAttempt.member == GroupMember.id) & (ExamAttempt.stage == stage))
             .where((KioskSession.token_hash == _TOKEN) & KioskSession.closed_at.is_null()))
    sql, params = query.sql()
    return sql, tuple(params)


def answer_target(token: str | None, stage: str, *, now: dt.datetime | None = None) -> AnswerTarget | None:
    """The live station session of `token` with its `stage` attempt, or None (signed out, closed,
    not admitted, outside the group's time). Same checks as `session_for`, a dozen columns
    instead of four joined models, from a statement compiled once: it runs hundreds of times a
    second on exam day."""
    if not token or len(token) > 200:
        return None
    db = database.obj
    sql, params = _answer_target_sql(stage, type(db))
    hashed = token_hash(token)
    raw = db.execute_sql(sql, [hashed if p == _TOKEN else p for p in params]).fetchone()
    if raw is None:
        return None
    row = [field.python_value(value) for field, value in zip(_answer_target_fields(stage), raw)]
    (session_id, csrf, member_id, admission, starts_at, started_at, duration, attempt_id, attempt_stage, content,
     deadline_at, finished_at) = row
    group = ExamGroup(starts_at=starts_at, started_at=started_at, duration_minutes=duration)
    if admission != Admission.ADMITTED or not is_open(group, now):
        return None
    attempt = None
    if attempt_id is not None:
        attempt = ExamAttempt(id=attempt_id, member=member_id, stage=attempt_stage, content=content,
                              deadline_at=deadline_at, finished_at=finished_at)
    return AnswerTarget(session_id, csrf, member_id, attempt)


def touch(session: KioskSession, now: dt.datetime | None = None) -> None:
    """Note that the station is alive (page loads only, not every answer; at most once a minute,
    since every write waits for the disk)."""
    now = now or utcnow()
    if session.last_seen_at is not None and now - session.last_seen_at < TOUCH_EVERY:
        return
    KioskSession.update(last_seen_at=now).where(KioskSession.id == session.id).execute()
    session.last_seen_at = now


def sign_out(session: KioskSession, now: dt.datetime | None = None) -> None:
    """Close the session: its cookie stops working at once (a back button reopens nothing)."""
    with write_transaction():
        closed = (KioskSession.update(closed_at=now or utcnow())
                  .where((KioskSession.id == session.id) & KioskSession.closed_at.is_null()).execute())
        if closed:
            audit.record("kiosk_sign_out", "group_member", session.member_id)
    session.closed_at = session.closed_at or now or utcnow()

