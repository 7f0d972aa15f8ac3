"""«Результаты экзаменов» test worlds: examined candidates of the ЦОК «Профи» (fixture `orgs`).

Theory attempts are taken for real (start, answer, finish through `core.services.attempts`),
decisions go through `core.services.commission`; only what the flows under test start from is
made directly in the database. Not a conftest.py: test files import what they use from here.
"""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from core.models import (ApplicantProfile, Application, ApplicationDocument, ExamAttempt, FinishReason, GroupMember,
                         Verdict)
from core.models.exams import GROUP_PRACTICE
from core.services import attempts, commission
from core.testing_exam import ExamDayWorld, right_answer


def wrong_answer(question: dict):
    kind = question["type"]
    if kind == "single":
        return next(o["id"] for o in question["options"] if o["id"] != question["key"]["correct"])
    if kind == "number":
        return "999"
    if kind == "text":
        return "не знаю"
    if kind == "multiple":
        return [o["id"] for o in question["options"] if o["id"] not in question["key"]["correct"]][:1]
    if kind == "ordering":
        return list(reversed(question["key"]["order"]))
    pairs = list(question["key"]["pairs"])
    return {pairs[0]: pairs[1], pairs[1]: pairs[0]}


class ResultsWorld:
    """An ExamDayWorld at the ЦОК «Профи» and its venue «Север», with helpers to examine candidates."""

    def __init__(self, orgs, people, factory, services):
        self.orgs, self.people, self.factory, self.services = orgs, people, factory, services
        self.plugins = services.plugins
        self.exam = ExamDayWorld(factory, orgs["cok"], orgs["venue"])

    def theory(self, *names, right: int = 6, starts_at: dt.datetime | None = None, exam=None):
        """A started theory group whose candidates answered `right` questions correctly and finished."""
        group, members = (exam or self.exam).started_group(*names, starts_at=starts_at)
        done = []
        for member in members:
            attempt = attempts.start_attempt(member, self.plugins)
            for number, question in enumerate(attempt.data["questions"]):
                value = right_answer(question) if number < right else wrong_answer(question)
                attempts.save_answer(attempt, question["id"], value)
            done.append(attempts.finish_attempt(attempt, self.plugins, FinishReason.SUBMITTED))
        return group, [Application.get_by_id(m.application_id) for m in members], done

    def practice(self, *names):
        """A practice group whose candidates the commission scored (status «Практика сдана»)."""
        group, members = self.exam.started_group(*names, kind=GROUP_PRACTICE)
        for member in members:
            attempt = attempts.start_attempt(member, self.plugins)
            marks = {c["id"]: c["max_points"] for c in attempt.data["criteria"]}
            attempts.finish_attempt(attempt, self.plugins, FinishReason.SCORED, responses=marks,
                                    actor=self.exam.chair)
        return group, [Application.get_by_id(m.application_id) for m in members]

    def bare(self, *names, starts_at: dt.datetime | None = None):
        """Many examined candidates fast: attempt rows written directly (for pagination)."""
        group, members = self.exam.started_group(*names, starts_at=starts_at)
        for member in members:
            ExamAttempt.create(member=member, stage="theory", kos=self.exam.kos, seed=1, content=json.dumps(
                {"questions": [], "pass_points": 4, "max_points": 6}), finished_at=dt.datetime.now(),
                finish_reason=FinishReason.SUBMITTED, points=Decimal(5), max_points=Decimal(6), passed=True)
        return group, [m.application for m in members]

    def decided(self, application: Application, verdict: str = Verdict.FAILED) -> Application:
        """Both experts decide (the chair for both): «Решение экспертной комиссии»."""
        chair, member = self.exam.chair, self.exam.expert
        commission.decide_all(chair, application, {chair.id: verdict, member.id: verdict}, self.plugins,
                              comments={chair.id: "Порог не набран", member.id: None})
        return Application.get_by_id(application.id)

    def person(self, application: Application) -> None:
        ApplicantProfile.create(user=application.applicant, last_name="Колиниченко", first_name="Михаил",
                                middle_name="Андреевич", birth_date=dt.date(1985, 3, 14), snils="11223344595")

    def document(self, application: Application, content: bytes = b"%PDF-1.4 diploma") -> ApplicationDocument:
        ref = self.services.blobs.put(content)
        return ApplicationDocument.create(application=application, kind="diploma", title="Документ об образовании",
                                          filename="diploma.pdf", content_type="application/pdf", size=ref.size,
                                          digest=ref.digest)


def member_of(application: Application) -> GroupMember:
    return GroupMember.get(GroupMember.application == application.id)


@pytest.fixture
def world(orgs, people, factory, services):
    return ResultsWorld(orgs, people, factory, services)

