"""«Отчёт по теории»: every question of the candidate's test with their answer, the key and the points.

A page of its own, without the menu, so that printing it («Распечатать», or Ctrl+P) prints
only the report. Answers are shown as the candidate saw them (option texts, not ids), in the
order of their variant.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from appliance.web.results.common import ResultsResource, points_text
from core import audit
from core.services import results
from core.services.attempts import THEORY, answers_of


@dataclass(frozen=True)
class ReportLine:
    number: int
    text: str
    given: list[str]
    correct: list[str]
    points: str
    max_points: str
    right: bool


def _texts(items: list[dict[str, Any]] | None) -> dict[str, str]:
    return {item["id"]: item["text"] for item in items or []}


def _given(question: dict[str, Any], value: Any) -> list[str]:
    """The candidate's answer in words; an empty list when not answered."""
    kind = question["type"]
    if value in (None, "", [], {}):
        return []
    if kind == "single":
        return [_texts(question.get("options")).get(str(value), str(value))]
    if kind == "multiple":
        options = _texts(question.get("options"))
        return [options.get(str(v), str(v)) for v in value] if isinstance(value, list) else [str(value)]
    if kind == "matching":
        left, right = _texts(question.get("left")), _texts(question.get("right"))
        pairs = value if isinstance(value, dict) else {}
        return [f"{left.get(k, k)} — {right.get(str(v), str(v))}" for k, v in pairs.items()]
    if kind == "ordering":
        items = _texts(question.get("items"))
        order = value if isinstance(value, list) else [value]
        return [f"{i}. {items.get(str(v), str(v))}" for i, v in enumerate(order, 1)]
    return [str(value)]


def _correct(question: dict[str, Any]) -> list[str]:
    """The key in words (docs/kos-format.md, «key per type»)."""
    kind, key = question["type"], question.get("key") or {}
    if kind in ("single", "multiple", "matching", "ordering"):
        value = {"single": key.get("correct"), "multiple": key.get("correct"), "matching": key.get("pairs"),
                 "ordering": key.get("order")}[kind]
        return _given(question, value)
    if kind == "text":
        return [" или ".join(f"«{a}»" for a in key.get("answers", []))]
    if kind == "number":
        answer = points_text(key.get("answer"))
        tolerance = key.get("tolerance") or 0
        return [answer + (f" (± {points_text(tolerance)})" if tolerance else "")]
    return []


def report_lines(attempt) -> list[ReportLine]:
    """One line per question of the variant, in the candidate's order."""
    answers = answers_of(attempt)
    scored = attempt.score_details.get("questions", {})
    lines = []
    for number, question in enumerate(attempt.data.get("questions", []), 1):
        detail = scored.get(question["id"], {})
        lines.append(ReportLine(number, question["text"], _given(question, answers.get(question["id"])),
                                _correct(question), points_text(detail.get("points", "0")),
                                points_text(question.get("points", 1)), bool(detail.get("correct"))))
    return lines


class TheoryReportResource(ResultsResource):
    def on_get(self, req, resp, application_id):
        user, application = self.load(req, application_id)
        attempt = results.attempt_of(user, application, THEORY)
        audit.record("view", "theory_report", attempt.id, {"application": application.id})
        self.page(req, resp, "results/theory_report.html", title=f"Отчёт по теории: {application.full_name}",
                  application=application, attempt=attempt, group=attempt.member.group,
                  lines=report_lines(attempt), back_url=self.url(f"/{application.id}"),
                  threshold=points_text(attempt.score_details.get("pass_points", attempt.data.get("pass_points"))))
