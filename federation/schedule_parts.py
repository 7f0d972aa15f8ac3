"""The ``exam_schedule`` part: the appliance's exam groups for the СПК's план-график.

The registry keeps the latest list per appliance, so the whole list (groups starting from 30 days
ago) is sent whenever it differs from the one sent last; its hash tells whether it does.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import peewee

from core.models import ExamGroup, GroupMember, Organisation, Qualification
from core.models.exams import Admission
from federation.protocol import canonical_json

WINDOW = dt.timedelta(days=30)
# Russian states of a group as the СПК's план-график shows them.
PLANNED, ORDERED, RUNNING, HELD = "Формируется", "Назначена приказом", "Экзамен идёт", "Экзамен проведён"


def _status(group: ExamGroup, now: dt.datetime) -> str:
    if group.started_at is not None:
        ends = group.starts_at + dt.timedelta(minutes=group.duration_minutes or 0)
        return HELD if ends <= now else RUNNING
    return ORDERED if group.order_signed_at is not None else PLANNED


def schedule_groups(now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Groups starting from 30 days before `now` (local wall clock, as `starts_at` is kept), by start."""
    now = now or dt.datetime.now()
    counts = dict(GroupMember.select(GroupMember.group, peewee.fn.COUNT(GroupMember.id))
                  .where(GroupMember.admission != Admission.REFUSED).group_by(GroupMember.group).tuples())
    cok, venue = Organisation.alias(), Organisation.alias()
    groups = (ExamGroup.select(ExamGroup, Qualification, cok, venue).join(Qualification).switch(ExamGroup)
              .join(cok, on=(ExamGroup.cok == cok.id)).switch(ExamGroup)
              .join(venue, on=(ExamGroup.venue == venue.id))
              .where(ExamGroup.starts_at >= now - WINDOW).order_by(ExamGroup.starts_at, ExamGroup.id))
    return [{"id": g.id, "stage": g.kind, "qualification_code": g.qualification.code,
             "qualification_title": g.qualification.title, "cok_inn": g.cok.inn or None,
             "venue_inn": g.venue.inn or None, "starts_at": g.starts_at.isoformat(),
             "candidates": counts.get(g.id, 0), "status": _status(g, now)} for g in groups]


def schedule_hash(groups: list[dict[str, Any]]) -> str:
    return hashlib.sha256(canonical_json(groups)).hexdigest()


def schedule_part(groups: list[dict[str, Any]]) -> bytes:
    return canonical_json({"groups": groups})
