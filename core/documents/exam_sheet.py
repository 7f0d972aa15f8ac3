"""Экзаменационная ведомость теоретического этапа (seed 003, «Экзаменационная ведомость»).

One row per admitted candidate of a theory group: start and end by the server clock, how long
it took, answered and correct questions, points against the КОС threshold, the result and
the decision on admission to the practical stage (admitted = theory passed). The same rows
feed the group page (`theory_rows`), so the screen and the paper never disagree. Attempt
times are stored in UTC; the sheet prints the venue's wall-clock time, as the group's
starting time is.
"""
from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable, Mapping

from core.documents.parties import candidate_name, place_address
from core.documents.pdf import render_pdf
from core.exceptions import ValidationError
from core.models import (Admission, AttemptAnswer, CommissionMember, ExamAttempt, ExamGroup, GroupMember, Kos,
                         Organisation, User)
from core.models.exams import GROUP_THEORY

RESULT_PASSED = "Теория сдана"
RESULT_FAILED = "Теория не сдана"
RESULT_ABSENT = "Не приступал к тестированию"


def to_local(moment: dt.datetime | None) -> dt.datetime | None:
    """A stored UTC time as the venue's wall-clock time (the appliance stands at the venue)."""
    if moment is None:
        return None
    return moment.replace(tzinfo=dt.timezone.utc).astimezone().replace(tzinfo=None)


def format_points(value: Decimal | int | float | str | None) -> str:
    """«4», «2,5» — points as Russian documents write them; «—» when there are none."""
    if value is None:
        return "—"
    number = Decimal(str(value)).normalize()
    return f"{number:f}".replace(".", ",")


def format_duration(seconds: float | None) -> str:
    """«4 мин 05 с» (or «1 ч 02 мин 05 с»); «—» when unknown."""
    if seconds is None:
        return "—"
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours} ч {minutes:02d} мин {secs:02d} с" if hours else f"{minutes} мин {secs:02d} с"


@dataclass(frozen=True)
class SheetRow:
    """One candidate's line of the ведомость and of the group page's results."""

    member_id: int
    attempt_id: int | None
    name: str
    number: str
    started: dt.datetime | None  # local time
    finished: dt.datetime | None
    duration: str
    answered: int | None
    total: int | None
    correct: int | None
    points: str
    max_points: str
    threshold: str
    passed: bool | None
    remaining_minutes: int | None  # while the exam goes on

    @property
    def in_progress(self) -> bool:
        return self.attempt_id is not None and self.finished is None

    @property
    def result(self) -> str:
        if self.attempt_id is None:
            return RESULT_ABSENT
        if self.in_progress:
            if self.remaining_minutes is None:
                return "Идёт экзамен"
            return f"Идёт экзамен, осталось {self.remaining_minutes} мин"
        return RESULT_PASSED if self.passed else RESULT_FAILED

    @property
    def admission(self) -> str:
        """Решение о допуске к практическому этапу."""
        if self.in_progress:
            return "—"
        return "допущен" if self.passed else "не допущен"


def _answered_counts(attempt_ids: list[int]) -> dict[int, int]:
    """Questions answered so far per unfinished attempt (a cleared or blank answer does not count)."""
    counts: dict[int, int] = {}
    for row in AttemptAnswer.select(AttemptAnswer.attempt, AttemptAnswer.value).where(
            AttemptAnswer.attempt.in_(attempt_ids)):
        value = json.loads(row.value)
        given = value.strip() if isinstance(value, str) else value
        if given not in (None, "", [], {}):
            counts[row.attempt_id] = counts.get(row.attempt_id, 0) + 1
    return counts


def theory_rows(members: Iterable[GroupMember], attempts: Mapping[int, ExamAttempt], *,
                now: dt.datetime | None = None, admitted_only: bool = True) -> dict[int, SheetRow]:
    """member id → row, for the admitted members (with their attempt when they started one)."""
    now = now or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    members = [m for m in members if m.admission == Admission.ADMITTED or not admitted_only]
    running = [a.id for a in attempts.values() if a.finished_at is None]
    answered_now = _answered_counts(running) if running else {}
    rows = {}
    for member in members:
        app = member.application
        number = app.number or f"№ {app.id}"
        attempt = attempts.get(member.id)
        if attempt is None:
            rows[member.id] = SheetRow(member.id, None, candidate_name(app), number, None, None, "—", None, None,
                                       None, "—", "—", "—", None, None)
            continue
        data, details = attempt.data, attempt.score_details
        finished = attempt.finished_at is not None
        end = attempt.finished_at if finished else None
        remaining = None
        if not finished and attempt.deadline_at is not None:
            remaining = max(0, math.ceil((attempt.deadline_at - now).total_seconds() / 60))
        rows[member.id] = SheetRow(
            member_id=member.id, attempt_id=attempt.id, name=candidate_name(app), number=number,
            started=to_local(attempt.started_at), finished=to_local(end),
            duration=format_duration((end - attempt.started_at).total_seconds()) if end else "—",
            answered=details.get("answered") if finished else answered_now.get(attempt.id, 0),
            total=len(data.get("questions", [])), correct=details.get("correct") if finished else None,
            points=format_points(attempt.points),
            max_points=format_points(attempt.max_points or data.get("max_points")),
            threshold=format_points(data.get("pass_points")), passed=attempt.passed if finished else None,
            remaining_minutes=remaining)
    return rows


def _kos_versions(attempts: Iterable[ExamAttempt], group: ExamGroup) -> str:
    ids = sorted({a.kos_id for a in attempts})
    if ids:
        return ", ".join(k.version for k in Kos.select().where(Kos.id.in_(ids)).order_by(Kos.loaded_at, Kos.id))
    current = (Kos.select().where((Kos.qualification == group.qualification_id) & Kos.is_current)
               .order_by(Kos.loaded_at.desc()).first())
    return current.version if current else "—"


def render_exam_sheet_pdf(group: ExamGroup, members: list[GroupMember], attempts: Mapping[int, ExamAttempt],
                          *, now: dt.datetime | None = None) -> bytes:
    """The ведомость of a started theory group as PDF (A4 landscape)."""
    if group.kind != GROUP_THEORY:
        raise ValidationError("Экзаменационная ведомость составляется по теоретическому этапу.")
    if group.started_at is None:
        raise ValidationError("Экзамен ещё не начат: ведомость появится после начала экзамена.")
    rows = sorted(theory_rows(members, attempts, now=now).values(), key=lambda r: (r.name, r.member_id))
    if not rows:
        raise ValidationError("В группе нет допущенных соискателей.")
    commission = list(CommissionMember.select(CommissionMember, User).join(User)
                      .where(CommissionMember.group == group.id)
                      .order_by(CommissionMember.is_chair.desc(), User.full_name))
    cok: Organisation = group.cok
    venue: Organisation = group.venue
    thresholds = sorted({r.threshold for r in rows if r.threshold != "—"})
    return render_pdf(
        "exam_sheet.html", title=f"Экзаменационная ведомость от {group.starts_at:%d.%m.%Y}", author=cok.short_name,
        cok=cok, venue=venue, venue_address=place_address(venue), qualification=group.qualification, group=group,
        kos_version=_kos_versions(attempts.values(), group), threshold=", ".join(thresholds) or "—", rows=rows,
        commission=[(("Председатель экспертной комиссии" if c.is_chair else "Член экспертной комиссии"),
                     c.expert.full_name, None, False) for c in commission])
