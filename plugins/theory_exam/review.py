"""Ответы соискателя (`TheoryExam.review_path`): every question as the candidate saw it, what they
answered, the right answer and the points.

Open to the experts of a commission of the candidate's exam groups (the theory commission,
and the practice commission that decides on the whole exam) and to the staff of the ЦОК or
venue that sees the group. Anyone else — another organisation, another expert — gets 404,
never the data. Each opening is audited (`core.services.attempts.record_view`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import falcon

from core.context import Services
from core.documents.exam_sheet import format_points, theory_rows
from core.exceptions import NotFoundError
from core.models import Cabinet, CommissionMember, ExamAttempt, FinishReason, GroupMember, User
from core.services import attempts as attempt_service
from core.services import exam_groups
from plugins.theory_exam.providers import is_correct, is_given

REVIEW_CABINETS = frozenset({Cabinet.EXPERT.value, Cabinet.COK.value, Cabinet.VENUE.value})
TYPE_TITLES = {"single": "один верный ответ", "multiple": "несколько верных ответов", "matching": "соответствие",
               "ordering": "последовательность", "text": "ввод текста", "number": "ввод числа"}


def cabinet_user(services: Services, req: falcon.Request, allowed: frozenset[str]) -> tuple[User, Cabinet]:
    """Signed in to whichever of the `allowed` cabinets the user belongs to; any other cabinet → 404."""
    user = req.context.get("user")
    if user is None:
        services.require_cabinet(req, sorted(allowed)[0])  # sends the visitor to the login page
    if user.cabinet.value not in allowed:
        raise falcon.HTTPNotFound()
    return services.require_cabinet(req, user.cabinet.value)


def visible_attempt(user: User, attempt_id: int) -> ExamAttempt:
    """The theory attempt if `user` may read its answers, else `NotFoundError`."""
    attempt = attempt_service.get_attempt(attempt_id)
    if attempt.stage != attempt_service.THEORY:
        raise NotFoundError("Попытка экзамена не найдена.")
    group = attempt.member.group
    if user.cabinet is Cabinet.EXPERT:
        on_commission = (CommissionMember.select()
                         .join(GroupMember, on=(GroupMember.group == CommissionMember.group))
                         .where((CommissionMember.expert == user.id)
                                & (GroupMember.application == attempt.member.application_id)).exists())
        if not on_commission:
            raise NotFoundError("Попытка экзамена не найдена.")
    else:
        exam_groups.get_group(user, group.kind, group.id)  # another organisation's group: NotFoundError
    return attempt


@dataclass
class QuestionView:
    """One question of the variant, ready for the template."""

    number: int
    id: str
    section: str
    type_title: str
    text: str
    points: str
    earned: str | None
    state: str  # correct / wrong / blank
    options: list[dict[str, Any]] = field(default_factory=list)  # single, multiple: text, chosen, right
    pairs: list[dict[str, Any]] = field(default_factory=list)  # matching: left, given, right, ok
    order_given: list[str] = field(default_factory=list)
    order_right: list[str] = field(default_factory=list)
    given_text: str = ""
    right_texts: list[str] = field(default_factory=list)

    @property
    def state_title(self) -> str:
        return {"correct": "Верно", "wrong": "Неверно", "blank": "Нет ответа"}[self.state]


def question_views(attempt: ExamAttempt, answers: dict[str, Any], section_titles: dict[str, str]) -> list[QuestionView]:
    """The variant in the candidate's order, options as shown, with their answers and the key."""
    scored = attempt.score_details.get("questions", {}) if attempt.finished_at else {}
    views = []
    for number, q in enumerate(attempt.data.get("questions", []), start=1):
        given = answers.get(q["id"])
        if q["id"] in scored:
            done = scored[q["id"]]
            right, answered, earned = done["correct"], done["answered"], done["points"]
        else:  # still running: judged now, points come when it is finished
            answered = is_given(given)
            right, earned = answered and is_correct(q, given), None
        section = q.get("section") or ""
        view = QuestionView(number=number, id=q["id"], section=section_titles.get(section, section),
                            type_title=TYPE_TITLES.get(q["type"], q["type"]), text=q["text"],
                            points=format_points(q["points"]),
                            earned=format_points(earned) if earned is not None else None,
                            state="correct" if right else "wrong" if answered else "blank")
        _fill(view, q, given)
        views.append(view)
    return views


def _fill(view: QuestionView, q: dict[str, Any], given: Any) -> None:
    key, kind = q["key"], q["type"]
    if kind in ("single", "multiple"):
        chosen = {given} if isinstance(given, str) else set(map(str, given)) if isinstance(given, list) else set()
        correct = {key["correct"]} if kind == "single" else set(key["correct"])
        view.options = [{"text": o["text"], "chosen": o["id"] in chosen, "right": o["id"] in correct}
                        for o in q["options"]]
    elif kind == "matching":
        rights = {r["id"]: r["text"] for r in q["right"]}
        chosen = given if isinstance(given, dict) else {}
        view.pairs = [{"left": left["text"], "given": rights.get(str(chosen.get(left["id"])), "—"),
                       "right": rights[key["pairs"][left["id"]]],
                       "ok": chosen.get(left["id"]) == key["pairs"][left["id"]]} for left in q["left"]]
    elif kind == "ordering":
        texts = {i["id"]: i["text"] for i in q["items"]}
        view.order_given = [texts.get(str(i), str(i)) for i in given] if isinstance(given, list) else []
        view.order_right = [texts[i] for i in key["order"]]
    elif kind == "text":
        view.given_text = given if isinstance(given, str) else ""
        view.right_texts = list(key["answers"])
    elif kind == "number":
        view.given_text = str(given) if is_given(given) else ""
        tolerance = key.get("tolerance") or 0
        view.right_texts = [format_points(key["answer"]) + (f" ± {format_points(tolerance)}" if tolerance else "")]


class AttemptReviewPage:
    """GET /p/theory_exam/attempts/{attempt_id}."""

    def __init__(self, services: Services):
        self.services = services

    def on_get(self, req, resp, attempt_id):
        user, cabinet = cabinet_user(self.services, req, REVIEW_CABINETS)
        attempt = attempt_service.refresh(visible_attempt(user, attempt_id), self.services.plugins)
        member = GroupMember.get_by_id(attempt.member_id)
        group = member.group
        attempt_service.record_view(attempt)
        row = theory_rows([member], {member.id: attempt}, admitted_only=False)[member.id]
        sections = {s["id"]: s.get("title", s["id"]) for s in attempt.kos.data.get("theory", {}).get("sections", [])}
        questions = question_views(attempt, attempt_service.answers_of(attempt), sections)
        back = (f"/cabinet/{cabinet.value}/theory/{group.id}#result-{member.id}"
                if cabinet is not Cabinet.EXPERT and group.kind == "theory" else f"/cabinet/{cabinet.value}/")
        self.services.render(req, resp, "theory_exam/review.html", title=f"Ответы соискателя: {row.name}",
                             attempt=attempt, member=member, group=group, row=row, questions=questions,
                             reason=FinishReason.TITLES.get(attempt.finish_reason or ""),
                             back_url=back)


def add_routes(app: falcon.App, services: Services) -> None:
    app.add_route("/p/theory_exam/attempts/{attempt_id:int}", AttemptReviewPage(services))
