"""The result as «Отправить в СПК» sends it: one JSON snapshot per application (`SpkSubmission`).

Nothing is typed again for the СПК: the applicant's identity comes from the cabinet (СНИЛС,
date of birth), the exam from the groups and attempts, the decision from the commission, the
protocol's number and date from the commission's protocol. The snapshot is what was sent,
so a later change of any of these never rewrites history.
"""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from core.documents.parties import place_address
from core.models import ApplicantProfile, Application, CommissionProtocol, Organisation, Verdict
from core.services import commission_facts as facts

if TYPE_CHECKING:
    from core.plugins import PluginHost

FORMAT = "nok-spk-result/1"


def _text(value: Decimal | None) -> str | None:
    return None if value is None else f"{value.normalize():f}"


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _organisation(org: Organisation) -> dict[str, Any]:
    return {"id": org.id, "full_name": org.full_name, "short_name": org.short_name, "inn": org.inn or None}


def _applicant(application: Application) -> dict[str, Any]:
    """ФИО as the application recorded it; СНИЛС and birth date from the cabinet or the reviewed snapshot."""
    profile = ApplicantProfile.get_or_none(ApplicantProfile.user == application.applicant_id)
    try:
        snapshot = json.loads(application.personal_data or "{}")
    except ValueError:
        snapshot = {}
    snapshot = snapshot if isinstance(snapshot, dict) else {}
    snils = (profile.snils if profile else None) or application.snils or snapshot.get("snils")
    birth = _iso(profile.birth_date) if profile and profile.birth_date else snapshot.get("birth_date")
    return {"full_name": application.full_name or application.applicant.full_name, "snils": snils or None,
            "birth_date": str(birth)[:10] if birth else None}


def build_payload(application: Application, plugins: "PluginHost | None" = None) -> dict[str, Any]:
    """The JSON-ready snapshot of one decided result."""
    view = facts.commission_view(application)
    stages = facts.stage_results(application, plugins)
    qualification = application.qualification
    venue = application.venue
    protocol = CommissionProtocol.get_or_none(CommissionProtocol.group == view.group.id) if view else None
    result = view.result if view else None
    return {
        "format": FORMAT,
        "application": {"id": application.id, "number": application.number},
        "applicant": _applicant(application),
        "qualification": {"code": qualification.code, "name": qualification.name, "level": qualification.level,
                          "title": qualification.title},
        "cok": _organisation(application.cok),
        "venue": {**_organisation(venue), "address": place_address(venue) or None},
        "exam_dates": sorted({s.group.starts_at.date().isoformat() for s in stages}),
        "stages": [{"stage": s.stage, "title": s.title, "group_id": s.group.id,
                    "exam_at": _iso(s.group.starts_at), "finished_at": _iso(s.attempt.finished_at),
                    "points": _text(s.points), "max_points": _text(s.max_points),
                    "pass_points": _text(s.pass_points), "passed": s.passed} for s in stages],
        "experts": [{"name": m.expert.full_name, "is_chair": m.member.is_chair, "verdict": m.verdict,
                     "verdict_title": Verdict.TITLES.get(m.verdict, m.verdict),
                     "comment": m.decision.comment if m.decision else None,
                     "set_by": m.decision.set_by.full_name if m.decision and m.decision.set_by_id else None,
                     "saved_at": _iso(m.decision.saved_at) if m.decision else None}
                    for m in (view.members if view else [])],
        "commission": None if result is None else {
            "verdict": result.verdict, "title": Verdict.TITLES[result.verdict], "group_id": result.group_id,
            "decided_at": _iso(result.decided_at)},
        "protocol": None if protocol is None else {"number": protocol.number, "date": _iso(protocol.protocol_date),
                                                   "signed": protocol.signed_at is not None},
    }
