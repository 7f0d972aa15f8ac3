"""Worlds for the commission tests: candidates whose stage results are in, through the real services.

Theory is taken through `core.services.attempts` with the real theory exam type (right or no
answers); the practice provider scores nothing yet, so a practice result is a finished
attempt row with the commission's points and the status change the practice page would make.
"""
from __future__ import annotations

import datetime as dt
import json
import secrets
from decimal import Decimal

import pytest

from core.blobstore import BlobStore
from core.models import (CommissionMember, ExamAttempt, FinishReason, GroupMember, OrgKind, Role)
from core.models.exams import GROUP_PRACTICE, Admission
from core.plugins import BUILTIN_PLUGINS, PluginHost
from core.services import attempts
from core.services.applications import change_status
from core.services.scheduling import local_now
from core.testing_exam import ExamDayWorld, kos_document
from core.workflow import ActorKind, Status


def right_answer(question: dict):
    key = question["key"]
    return {"single": lambda: key["correct"], "multiple": lambda: key["correct"],
            "matching": lambda: key["pairs"], "ordering": lambda: key["order"],
            "text": lambda: key["answers"][0], "number": lambda: str(key["answer"])}[question["type"]]()


def take_theory(member: GroupMember, plugins: PluginHost, *, passed: bool) -> ExamAttempt:
    """The candidate answers everything right (passed) or nothing (failed) and submits."""
    attempt = attempts.start_attempt(member, plugins)
    if passed:
        for question in attempt.data["questions"]:
            attempts.save_answer(attempt, question["id"], right_answer(question))
    return attempts.finish_attempt(attempt, plugins, FinishReason.SUBMITTED)


class CommissionWorld(ExamDayWorld):
    """ExamDayWorld with helpers that bring candidates to the commission's decision."""

    def __init__(self, factory, *, kos=None):
        self.spk = factory.org(OrgKind.SPK, full_name="Совет по профессиональным квалификациям в области "
                                                       "безопасности труда", short_name="СПК ОТ")
        cok = factory.org(OrgKind.COK, parent=self.spk, full_name="ООО «Центр оценки квалификаций «Охрана труда»",
                          short_name="ЦОК «Охрана труда»")
        venue = factory.org(OrgKind.VENUE, parent=cok, full_name="Экзаменационный центр «Нижегородский»",
                            short_name="ЭЦ «Нижегородский»", legal_address="109052, г. Москва, Нижегородская ул., "
                                                                             "д. 32, корп. 4")
        super().__init__(factory, cok, venue, kos=kos)
        self.plugins = PluginHost.with_plugins(BUILTIN_PLUGINS)
        self.admin = factory.user(Role.ADMIN, cok, full_name="Орлов Игорь Петрович")
        self.venue_admin = factory.user(Role.ADMIN, venue)
        other_cok = factory.org(OrgKind.COK, parent=self.spk)
        self.stranger = factory.user(Role.ADMIN, other_cok)
        self.outsider = self.certify(factory.user(Role.EXPERT, self.spk, full_name="Посторонний Эксперт Петрович"))

    def theory(self, *names: str, passed: bool = True):
        """A theory group (yesterday) whose candidates finished the test; returns (group, applications)."""
        group, members = self.started_group(*names, starts_at=local_now() - dt.timedelta(days=1))
        for member in members:
            take_theory(member, self.plugins, passed=passed)
        return group, [GroupMember.get_by_id(m.id).application for m in members]

    def practice(self, applications, *, passed: bool = True, points: str = "6"):
        """A practice group (today) with these theory-passed applications scored by the commission."""
        group, _ = self.started_group(kind=GROUP_PRACTICE)
        for application in applications:
            member = GroupMember.create(group=group, application=application, admission=Admission.ADMITTED)
            content = {"task": {"id": "t1"}, "criteria": [], "pass_points": 5, "max_points": 8}
            ExamAttempt.create(member=member, stage="practice", kos=self.kos, seed=secrets.randbits(40),
                               content=json.dumps(content), finished_at=dt.datetime.now(),
                               finish_reason=FinishReason.SCORED, points=Decimal(points), max_points=Decimal(8),
                               passed=passed)
            change_status(application, Status.PRACTICE_PASSED if passed else Status.PRACTICE_FAILED,
                          ActorKind.EXPERT, self.chair, self.plugins, comment=f"Набрано баллов: {points} из 8")
        return group

    def add_member(self, group, full_name: str):
        expert = self.certify(self.factory.user(Role.EXPERT, self.spk, full_name=full_name))
        CommissionMember.create(group=group, expert=expert, is_chair=False)
        return expert


def theory_only_kos():
    return kos_document(practice=None, portfolio=None)


@pytest.fixture
def world(sqlcipher_db, factory):
    return CommissionWorld(factory)


@pytest.fixture
def blobs(tmp_path):
    return BlobStore(tmp_path / "blobs", secrets.token_bytes(32))
