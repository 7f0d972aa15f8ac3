"""Fixtures of the theory results pages (answers review, КОС analytics): on the real app of
`appliance.testing`, a ЦОК with its venue, another ЦОК, an СПК, a theory group, and attempts finished
through `core.services.attempts` with chosen answers, so every number the pages show is known.

Not a conftest.py: test files import the fixtures they use from here by name.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable

import pytest

from core.models import ExamAttempt, FinishReason, GroupMember, OrgKind, Role
from core.services import attempts
from core.testing_exam import ExamDayWorld, right_answer

T0 = dt.datetime(2026, 3, 2, 7, 0, 0)  # UTC


def wrong_answer(q: dict[str, Any]) -> Any:
    key = q["key"]
    if q["type"] == "single":
        return next(o["id"] for o in q["options"] if o["id"] != key["correct"])
    if q["type"] == "multiple":
        return list(key["correct"])[:1] + [o["id"] for o in q["options"] if o["id"] not in key["correct"]][:1]
    if q["type"] == "matching":
        ids = list(key["pairs"])
        return {a: b for a, b in zip(ids, ids[1:] + ids[:1])}
    if q["type"] == "ordering":
        return list(reversed(key["order"]))
    return "неверно" if q["type"] == "text" else "999"


class Results:
    """Organisations, people and a started theory group of the ExamDayWorld."""

    def __init__(self, factory, plugins):
        self.factory, self.plugins = factory, plugins
        self.spk = factory.org(OrgKind.SPK, full_name="СПК в области безопасности труда", short_name="СПК БТ")
        self.cok = factory.org(OrgKind.COK, parent=self.spk, full_name="ООО «ЦОК «Охрана труда»",
                               short_name="ЦОК «Охрана труда»")
        self.venue = factory.org(OrgKind.VENUE, parent=self.cok, full_name="Экзаменационный центр «Север»",
                                 short_name="ЭЦ «Север»", legal_address="109052, г. Москва, Нижегородская ул., д. 32")
        self.other_cok = factory.org(OrgKind.COK, parent=self.spk, short_name="ЦОК «Юг»")
        self.other_venue = factory.org(OrgKind.VENUE, parent=self.cok, short_name="ЭЦ «Юг»")
        self.world = ExamDayWorld(factory, self.cok, self.venue)
        self.staff = {
            "cok": factory.user(Role.OPERATOR, self.cok, email="operator@cok.ru"),
            "venue": factory.user(Role.ADMIN, self.venue, email="admin@venue.ru"),
            "other_cok": factory.user(Role.ADMIN, self.other_cok, email="admin@yug.ru"),
            "other_venue": factory.user(Role.ADMIN, self.other_venue, email="admin@venue-yug.ru"),
            "spk": factory.user(Role.ADMIN, self.spk, email="admin@spk.ru"),
            "outsider_expert": factory.user(Role.EXPERT, self.spk, email="stranger@experts.ru",
                                            full_name="Сидоров Иван Петрович"),
        }

    def take(self, member: GroupMember, choose: Callable[[dict], Any] | None, *, started: dt.datetime = T0,
             seconds: int = 260, finish: bool = True) -> ExamAttempt:
        """Start the member's attempt at `started`, answer each question with `choose(q)` (None: skip), finish."""
        attempt = attempts.start_attempt(member, self.plugins, now=started)
        for q in attempt.data["questions"]:
            value = choose(q) if choose else None
            if value is not None:
                attempts.save_answer(attempt, q["id"], value, now=started + dt.timedelta(seconds=5))
        if finish:
            attempt = attempts.finish_attempt(attempt, self.plugins, FinishReason.SUBMITTED,
                                              now=started + dt.timedelta(seconds=seconds))
        return ExamAttempt.get_by_id(attempt.id)


def first_n_right(n: int) -> Callable[[dict], Any]:
    """Right answers to the first `n` questions of the variant (as shown), wrong to the rest."""
    seen: list[str] = []

    def choose(q):
        seen.append(q["id"])
        return right_answer(q) if len(seen) <= n else wrong_answer(q)
    return choose


@pytest.fixture
def results(services, factory) -> Results:
    services.db.connect(reuse_if_open=True)
    return Results(factory, services.plugins)


@pytest.fixture
def browser(results, signed_in):
    """browser(email) → a WebClient signed in as that user, once `results` exist."""
    return signed_in
