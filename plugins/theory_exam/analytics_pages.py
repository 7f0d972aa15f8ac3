"""«Аналитика КОС»: question difficulty and discrimination, the test's reliability, per qualification.

СПК staff see the qualifications of their СПК over every finished attempt; ЦОК staff the
qualifications their ЦОК offers over their ЦОК's attempts; venue staff those of their ЦОК
over the attempts held at the venue — the same organisation scope as the exam groups. Only
aggregates leave this page, never a candidate's name or answers. The statistics themselves
are pure functions in `plugins.theory_exam.analytics`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import falcon
import peewee

from core.context import Services
from core.documents.exam_sheet import format_points
from core.exceptions import NotFoundError
from core.models import (Cabinet, ExamAttempt, ExamGroup, GroupMember, Kos, OrgKind, Qualification, QualificationOffer,
                         User)
from core.services.attempts import THEORY
from plugins.theory_exam.analytics import EASY_ABOVE, HARD_BELOW, WEAK_BELOW, ItemStats, alpha_verdict, analyse
from plugins.theory_exam.review import cabinet_user

ANALYTICS_CABINETS = frozenset({Cabinet.SPK.value, Cabinet.COK.value, Cabinet.VENUE.value})
BASE = "/p/theory_exam/analytics"
SHORT_TEXT = 90


# --- who sees what -------------------------------------------------------------------------------

def visible_qualifications(user: User) -> peewee.ModelSelect:
    org = user.organisation
    if org.kind == OrgKind.SPK.value:
        return Qualification.select().where(Qualification.spk == org.id)
    cok_id = org.id if org.kind == OrgKind.COK.value else org.parent_id
    offered = QualificationOffer.select(QualificationOffer.qualification).where(QualificationOffer.cok == cok_id)
    return Qualification.select().where(Qualification.id.in_(offered))


def _scope(user: User) -> peewee.Expression:
    """Which groups' attempts count for this organisation."""
    org = user.organisation
    if org.kind == OrgKind.COK.value:
        return ExamGroup.cok == org.id
    if org.kind == OrgKind.VENUE.value:
        return ExamGroup.venue == org.id
    return peewee.SQL("1 = 1")


def finished_attempts(user: User) -> peewee.ModelSelect:
    return (ExamAttempt.select().join(GroupMember).join(ExamGroup)
            .where((ExamAttempt.stage == THEORY) & ExamAttempt.finished_at.is_null(False) & _scope(user)))


def attempt_counts(user: User, qualification_ids: list[int]) -> dict[int, int]:
    query = (finished_attempts(user).select(ExamGroup.qualification, peewee.fn.COUNT(ExamAttempt.id).alias("n"))
             .where(ExamGroup.qualification.in_(qualification_ids)).group_by(ExamGroup.qualification).dicts())
    return {row["qualification"]: row["n"] for row in query} if qualification_ids else {}


def score_matrix(attempts: peewee.ModelSelect) -> dict[int, dict[str, int]]:
    """attempt id → {question id: 1 right / 0 wrong} of the questions in that candidate's variant."""
    return {a.id: {qid: int(bool(q.get("correct"))) for qid, q in a.score_details.get("questions", {}).items()}
            for a in attempts}


@dataclass(frozen=True)
class QuestionRow:
    stats: ItemStats
    section: str
    text: str

    @property
    def short_text(self) -> str:
        return self.text if len(self.text) <= SHORT_TEXT else self.text[:SHORT_TEXT - 1].rstrip() + "…"


def bank_of(versions: list[Kos]) -> dict[str, tuple[str, str]]:
    """question id → (section title, text), the first listed version winning; bank order kept."""
    bank: dict[str, tuple[str, str]] = {}
    for kos in versions:
        for section in kos.data.get("theory", {}).get("sections", []):
            for q in section.get("questions", []):
                bank.setdefault(q["id"], (section.get("title") or section["id"], q.get("text", "")))
    return bank


# --- the chart -----------------------------------------------------------------------------------

def _comma(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


@dataclass(frozen=True)
class Chart:
    """Difficulty p (x, 0…1) against discrimination r_pb (y, −1…1) as SVG coordinates."""

    width: int = 640
    height: int = 360
    left: int = 56
    right: int = 16
    top: int = 16
    bottom: int = 44

    def x(self, p: float) -> float:
        return round(self.left + p * (self.width - self.left - self.right), 1)

    def y(self, r: float) -> float:
        return round(self.top + (1 - r) / 2 * (self.height - self.top - self.bottom), 1)

    def points(self, rows: list[QuestionRow]) -> list[dict[str, Any]]:
        plotted = [r.stats for r in rows if r.stats.difficulty is not None and r.stats.discrimination is not None]
        return [{"cx": self.x(s.difficulty), "cy": self.y(s.discrimination), "id": s.question_id,
                 "flagged": bool(s.flags),
                 "label": f"{s.question_id}: p = {_comma(s.difficulty)}, r = {_comma(s.discrimination)}"}
                for s in plotted]

    def ticks(self) -> dict[str, list[dict[str, Any]]]:
        xs = [{"at": self.x(v / 10), "label": f"{v / 10:.1f}".replace(".", ",")} for v in range(0, 11, 2)]
        ys = [{"at": self.y(v / 2), "label": f"{v / 2:.1f}".replace(".", ",")} for v in range(-2, 3)]
        return {"x": xs, "y": ys}

    def guides(self) -> dict[str, float]:
        return {"hard": self.x(HARD_BELOW), "easy": self.x(EASY_ABOVE), "weak": self.y(WEAK_BELOW),
                "zero": self.y(0)}


# --- pages ---------------------------------------------------------------------------------------

class AnalyticsPage:
    def __init__(self, services: Services):
        self.services = services

    def guard(self, req) -> User:
        user, _ = cabinet_user(self.services, req, ANALYTICS_CABINETS)
        if user.organisation_id is None:
            raise falcon.HTTPNotFound()
        return user


class QualificationsPage(AnalyticsPage):
    """GET /p/theory_exam/analytics: the qualifications with the number of finished attempts."""

    def on_get(self, req, resp):
        user = self.guard(req)
        qualifications = list(visible_qualifications(user).order_by(Qualification.code))
        counts = attempt_counts(user, [q.id for q in qualifications])
        self.services.render(req, resp, "theory_exam/analytics.html", title="Аналитика КОС",
                             qualifications=qualifications, counts=counts, base=BASE)


class QualificationAnalyticsPage(AnalyticsPage):
    """GET /p/theory_exam/analytics/{qualification_id}[?kos=<version id>]."""

    def on_get(self, req, resp, qualification_id):
        user = self.guard(req)
        qualification = visible_qualifications(user).where(Qualification.id == qualification_id).first()
        if qualification is None:
            raise NotFoundError("Квалификация не найдена.")
        versions = list(Kos.select().where(Kos.qualification == qualification.id)
                        .order_by(Kos.loaded_at.desc(), Kos.id.desc()))
        attempts = finished_attempts(user).where(ExamGroup.qualification == qualification.id)
        per_version = dict(attempts.select(ExamAttempt.kos, peewee.fn.COUNT(ExamAttempt.id)).group_by(ExamAttempt.kos)
                           .tuples())
        chosen, error = None, None
        raw = (req.get_param("kos") or "").strip()
        if raw:
            chosen = next((k for k in versions if str(k.id) == raw), None)
            if chosen is None:
                error = "Такой версии КОС у квалификации нет: показаны все версии."
        if chosen is not None:
            attempts = attempts.where(ExamAttempt.kos == chosen.id)
        bank = bank_of([chosen] if chosen else versions)
        stats = analyse(score_matrix(attempts), order=list(bank))
        rows = [QuestionRow(item, *bank.get(item.question_id, ("—", "Вопроса нет в банке этой версии КОС")))
                for item in stats.items]
        chart = Chart()
        self.services.render(
            req, resp, "theory_exam/analytics_qualification.html", title=f"Аналитика КОС: {qualification.title}",
            qualification=qualification, versions=versions, per_version=per_version, chosen=chosen, error=error,
            stats=stats, test_length=format_points(round(stats.test_length, 1)) if stats.candidates else "—", rows=rows,
            verdict=alpha_verdict(stats.alpha), chart=chart, points=chart.points(rows),
            ticks=chart.ticks(), guides=chart.guides(), flagged=sum(bool(r.stats.flags) for r in rows), base=BASE,
            limits={"easy": EASY_ABOVE, "hard": HARD_BELOW, "weak": WEAK_BELOW})


def add_routes(app: falcon.App, services: Services) -> None:
    app.add_route(BASE, QualificationsPage(services))
    app.add_route(f"{BASE}/{{qualification_id:int}}", QualificationAnalyticsPage(services))
