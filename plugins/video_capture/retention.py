"""How long exam recordings are kept, and which ones `nok retention run` may destroy today.

Law (../shared/docs/law.md): exam materials, video included, are kept for the certificate's
validity plus 3 years when the exam was passed (759н п. 3ж), and for a term the СПК sets when it
was not (`RetentionPolicy.failed_years`, 1 year by default). Nothing is purged early: while the
result is not known, or an appeal or inquiry holds the application (`RetentionHold`), the
recording stays. A room camera films every candidate of its group, so it is kept as long as the
longest-kept candidate of that group.

Terms are counted like ГК РФ ст. 191–192: a term of N years from the exam ends on the same day N
years later (29 February → 28 February); the recording is kept through that day and is due the
day after. The exam date of a candidate is the latest of their exam groups (theory and practice
may be on different days), so all of a candidate's recordings expire together.

The rules are pure functions over `Candidate` facts (unit-tested as a table); `review` reads
those facts from the database.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import peewee

from core.db import write_transaction
from core.documents.money import plural
from core.exceptions import ValidationError
from core.models import Application, CommissionResult, ExamGroup, GroupMember, Organisation, Qualification, User
from core.models.commission import Verdict
from core.workflow import Status
from plugins.video_capture.models import Recording, RetentionHold, RetentionPolicy, Segment, Station

PASSED, FAILED = "passed", "failed"
EXTRA_YEARS_PASSED = 3  # 759н п. 3ж: certificate validity + 3 years
DEFAULT_FAILED_YEARS = 1  # law.md: «1 year is common»; the СПК may set another
MAX_FAILED_YEARS = 75
ROOM_SUBJECT = "камера зала"
YEARS = ("год", "года", "лет")


def years_text(n: int) -> str:
    return f"{n} {plural(n, YEARS)}"


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later; 29 February becomes 28 February (ГК РФ ст. 192 п. 3)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def outcome_of(status: str, verdict: str | None, returned: bool) -> str | None:
    """PASSED, FAILED or None (not known yet) from the application's status and the commission's result.

    The issued document decides first; otherwise the commission's verdict, unless the ЦОК sent it
    back to the experts («Вернуть на доработку»). A withdrawn application never gets a result:
    it is kept like a failed exam.
    """
    if status == Status.CERTIFICATE_ISSUED.value:
        return PASSED
    if status in (Status.CONCLUSION_ISSUED.value, Status.WITHDRAWN.value):
        return FAILED
    if verdict in (Verdict.PASSED, Verdict.FAILED) and not returned:
        return PASSED if verdict == Verdict.PASSED else FAILED
    return None


@dataclass(frozen=True)
class Candidate:
    """What the keeping term of one candidate's recordings depends on."""

    name: str
    exam_date: dt.date | None
    outcome: str | None
    validity_years: int
    failed_years: int = DEFAULT_FAILED_YEARS
    held: bool = False


@dataclass(frozen=True)
class Term:
    """Keep through `keep_until` (None: keep, no term runs yet) and why, in Russian."""

    keep_until: dt.date | None
    reason: str

    def due(self, today: dt.date) -> bool:
        return self.keep_until is not None and today > self.keep_until


def candidate_term(c: Candidate) -> Term:
    if c.held:
        return Term(None, "хранение продлено: апелляция или проверка по заявлению не завершена")
    if c.exam_date is None or c.outcome is None:
        return Term(None, "результат профессионального экзамена ещё не известен")
    if c.outcome == PASSED:
        years = c.validity_years + EXTRA_YEARS_PASSED
        return Term(add_years(c.exam_date, years),
                    f"экзамен {c.exam_date:%d.%m.%Y} сдан: срок действия свидетельства "
                    f"({years_text(c.validity_years)}) и ещё {years_text(EXTRA_YEARS_PASSED)} (приказ Минтруда 759н, п. 3ж)")
    return Term(add_years(c.exam_date, c.failed_years),
                f"экзамен {c.exam_date:%d.%m.%Y} не сдан: срок хранения, установленный СПК, — "
                f"{years_text(c.failed_years)}")


def room_term(candidates: list[Candidate], exam_date: dt.date, failed_years: int) -> Term:
    """A room camera: kept as long as the longest-kept candidate of its group."""
    if not candidates:
        return Term(add_years(exam_date, failed_years),
                    f"в группе нет соискателей: хранится как запись несданного экзамена, {years_text(failed_years)} "
                    f"с {exam_date:%d.%m.%Y}")
    terms = [candidate_term(c) for c in candidates]
    waiting = [(c, t) for c, t in zip(candidates, terms) if t.keep_until is None]
    if waiting:
        return Term(None, f"{waiting[0][0].name}: {waiting[0][1].reason}")
    longest = max(terms, key=lambda t: t.keep_until)
    return Term(longest.keep_until, f"самый долгий срок среди соискателей группы — {longest.reason}")


# --- the database ---------------------------------------------------------------------------


def failed_years(spk: Organisation | int | None) -> int:
    policy = RetentionPolicy.get_or_none(RetentionPolicy.spk == spk) if spk is not None else None
    return policy.failed_years if policy else DEFAULT_FAILED_YEARS


def set_failed_years(spk: Organisation, years: int) -> RetentionPolicy:
    """The СПК's term for recordings of exams not passed (audited: RetentionPolicy is an AuditedModel)."""
    if not isinstance(years, int) or not 1 <= years <= MAX_FAILED_YEARS:
        raise ValidationError(f"Срок хранения — целое число лет от 1 до {MAX_FAILED_YEARS}.", "failed_years")
    with write_transaction():
        policy = RetentionPolicy.get_or_none(RetentionPolicy.spk == spk) or RetentionPolicy(spk=spk)
        policy.failed_years = years
        policy.save()
    return policy


class _Facts:
    """Reads each candidate's facts once per review (a group's room camera and stations share them)."""

    def __init__(self):
        self._candidates: dict[int, Candidate] = {}
        self._policies: dict[int, int] = {}
        self._members: dict[int, list[int]] = {}

    def policy(self, spk_id: int | None) -> int:
        if spk_id not in self._policies:
            self._policies[spk_id] = failed_years(spk_id)
        return self._policies[spk_id]

    def candidate(self, application_id: int) -> Candidate:
        if application_id not in self._candidates:
            app = (Application.select(Application, Qualification).join(Qualification)
                   .where(Application.id == application_id).get())
            result = CommissionResult.get_or_none(CommissionResult.application == app.id)
            exam = (ExamGroup.select(peewee.fn.MAX(ExamGroup.starts_at)).join(GroupMember)
                    .where(GroupMember.application == app.id).scalar())
            held = RetentionHold.select().where((RetentionHold.application == app.id)
                                                & RetentionHold.released_at.is_null()).exists()
            if isinstance(exam, str):  # SQLite hands MAX() back as text
                exam = dt.datetime.fromisoformat(exam)
            exam_date = exam.date() if isinstance(exam, dt.datetime) else exam
            self._candidates[application_id] = Candidate(
                name=app.full_name, exam_date=exam_date,
                outcome=outcome_of(app.status, result.verdict if result else None,
                                   bool(result and result.returned_at)),
                validity_years=app.qualification.validity_years, failed_years=self.policy(app.qualification.spk_id),
                held=held)
        return self._candidates[application_id]

    def group_candidates(self, group_id: int) -> list[Candidate]:
        if group_id not in self._members:
            self._members[group_id] = [m.application_id for m in
                                       GroupMember.select(GroupMember.application).where(GroupMember.group == group_id)]
        return [self.candidate(a) for a in self._members[group_id]]


@dataclass(frozen=True)
class Planned:
    """One live recording with its term: what `nok retention run` shows and the act lists."""

    recording: Recording
    subject: str  # the candidate's full name, or «камера зала»
    group: ExamGroup | None
    exam_date: dt.date | None
    term: Term
    segments: int
    size: int


def _plan(rec: Recording, facts: _Facts, sizes: dict[int, tuple[int, int]]) -> Planned:
    group = rec.group
    segments, size = sizes.get(rec.id, (0, 0))
    if group is None:  # never bound to an exam: kept like a failed exam from the day it started
        cok = rec.station.venue.parent
        years = facts.policy(cok.parent_id if cok else None)
        day = rec.started_at.date()
        term = Term(add_years(day, years), f"запись не привязана к экзаменационной группе: хранится "
                                          f"{years_text(years)} с {day:%d.%m.%Y}")
        return Planned(rec, "соискатель не указан", None, None, term, segments, size)
    if rec.member_id is not None:
        candidate = facts.candidate(rec.member.application_id)
        return Planned(rec, candidate.name, group, candidate.exam_date, candidate_term(candidate),
                       segments, size)
    exam_date = group.starts_at.date()
    term = room_term(facts.group_candidates(group.id), exam_date, facts.policy(group.qualification.spk_id))
    return Planned(rec, ROOM_SUBJECT, group, exam_date, term, segments, size)


def review(recordings: peewee.ModelSelect | None = None) -> list[Planned]:
    """Every recording not destroyed yet, with its term, oldest first."""
    query = recordings if recordings is not None else Recording.select()
    query = (query.select(Recording, Station).join_from(Recording, Station)
             .where(Recording.destroyed_at.is_null()).order_by(Recording.started_at, Recording.id))
    rows = list(query)
    sizes = {r.recording_id: (r.n, r.total or 0) for r in
             Segment.select(Segment.recording, peewee.fn.COUNT(Segment.id).alias("n"),
                            peewee.fn.SUM(Segment.size).alias("total"))
             .where(Segment.recording.in_([r.id for r in rows])).group_by(Segment.recording)}
    facts = _Facts()
    return [_plan(rec, facts, sizes) for rec in rows]


def due_recordings(today: dt.date) -> list[Planned]:
    """What may be destroyed today: the term is over and nothing holds it."""
    return [p for p in review() if p.term.due(today)]


# --- holds (appeals, inquiries) --------------------------------------------------------------


def application_by_number(number: str) -> Application:
    application = Application.get_or_none(Application.number == number.strip())
    if application is None:
        raise ValidationError(f"Заявление № {number.strip()} не найдено.", "application")
    return application


def open_hold(application: Application) -> RetentionHold | None:
    return (RetentionHold.select().where((RetentionHold.application == application)
                                         & RetentionHold.released_at.is_null()).first())


def place_hold(application: Application, reason: str, user: User | None = None) -> RetentionHold:
    """Keep the candidate's recordings (and their group's room cameras) until released."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError("Укажите причину: апелляция, запрос проверяющего органа и т. п.", "reason")
    with write_transaction():
        if open_hold(application) is not None:
            raise ValidationError(f"Хранение записей по заявлению № {application.number} уже продлено.",
                                  "application")
        return RetentionHold.create(application=application, reason=reason[:1000], created_by=user)


def release_hold(application: Application) -> RetentionHold:
    """The appeal or inquiry is over: the usual term applies again."""
    with write_transaction():
        hold = open_hold(application)
        if hold is None:
            raise ValidationError(f"Хранение записей по заявлению № {application.number} не продлевалось.",
                                  "application")
        hold.released_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)
        hold.save()
    return hold
