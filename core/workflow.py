"""The application's status machine: one explicit table of every allowed transition.

Statuses and their Russian names follow mission.md («Statuses of an application», seeds 002
and 004) and are what the applicant sees as the status line. A transition not in
`TRANSITIONS`, or made by an actor the table does not name, is refused.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass


class Status(str, enum.Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    NEEDS_FIX = "needs_fix"
    AWAITING_PAYMENT = "awaiting_payment"
    PAID_DATE_AGREEMENT = "paid_date_agreement"
    PAID_DATE_CONFIRMATION = "paid_date_confirmation"
    EXAM_SCHEDULED = "exam_scheduled"
    ADMITTED = "admitted"
    NOT_ADMITTED = "not_admitted"
    THEORY_PASSED = "theory_passed"
    THEORY_FAILED = "theory_failed"
    PRACTICE_PASSED = "practice_passed"
    PRACTICE_FAILED = "practice_failed"
    COMMISSION_DECIDED = "commission_decided"
    SENT_TO_SPK = "sent_to_spk"
    APPROVED_BY_SPK = "approved_by_spk"
    SENT_TO_NARK = "sent_to_nark"
    CERTIFICATE_ISSUED = "certificate_issued"
    CONCLUSION_ISSUED = "conclusion_issued"
    WITHDRAWN = "withdrawn"

    @property
    def title(self) -> str:
        return STATUS_TITLES[self]


STATUS_TITLES = {
    Status.DRAFT: "Черновик",
    Status.SUBMITTED: "На рассмотрении",
    Status.NEEDS_FIX: "На доработке",
    Status.AWAITING_PAYMENT: "Ожидает оплаты",
    Status.PAID_DATE_AGREEMENT: "Оплачено. Согласование даты",
    Status.PAID_DATE_CONFIRMATION: "Оплачено. Подтверждение даты",
    Status.EXAM_SCHEDULED: "Экзамен назначен",
    Status.ADMITTED: "Допущен",
    Status.NOT_ADMITTED: "Не допущен",
    Status.THEORY_PASSED: "Теория сдана",
    Status.THEORY_FAILED: "Теория не сдана",
    Status.PRACTICE_PASSED: "Практика сдана",
    Status.PRACTICE_FAILED: "Практика не сдана",
    Status.COMMISSION_DECIDED: "Решение экспертной комиссии",
    Status.SENT_TO_SPK: "Передано в СПК",
    Status.APPROVED_BY_SPK: "Утверждено СПК",
    Status.SENT_TO_NARK: "Передано в НАРК",
    Status.CERTIFICATE_ISSUED: "Свидетельство выдано",
    Status.CONCLUSION_ISSUED: "Заключение выдано",
    Status.WITHDRAWN: "Отозвано",
}


class ActorKind(str, enum.Enum):
    """Who may move an application: its applicant, the paying employer, the ЦОК (or its venue)
    staff, an expert of the commission, the СПК, or the system itself (a finished test, a
    matched bank payment)."""

    APPLICANT = "applicant"
    EMPLOYER = "employer"
    CENTRE = "centre"
    EXPERT = "expert"
    SPK = "spk"
    SYSTEM = "system"


@dataclass(frozen=True)
class Transition:
    source: Status
    target: Status
    actors: frozenset[ActorKind]
    action: str  # the button or event, in Russian


A, E, C, X, S, Y = (ActorKind.APPLICANT, ActorKind.EMPLOYER, ActorKind.CENTRE, ActorKind.EXPERT,
                    ActorKind.SPK, ActorKind.SYSTEM)


def _t(source: Status, target: Status, actors: set[ActorKind], action: str) -> Transition:
    return Transition(source, target, frozenset(actors), action)


TRANSITIONS: tuple[Transition, ...] = (
    _t(Status.DRAFT, Status.SUBMITTED, {A, E}, "Отправить заявление"),
    _t(Status.DRAFT, Status.WITHDRAWN, {A, E}, "Удалить черновик"),
    _t(Status.SUBMITTED, Status.NEEDS_FIX, {C}, "Отправить на доработку"),
    _t(Status.SUBMITTED, Status.AWAITING_PAYMENT, {C}, "Документы приняты, выставлен счёт"),
    _t(Status.SUBMITTED, Status.WITHDRAWN, {A, E}, "Отозвать заявление"),
    _t(Status.NEEDS_FIX, Status.SUBMITTED, {A, E}, "Отправить повторно"),
    _t(Status.NEEDS_FIX, Status.WITHDRAWN, {A, E}, "Отозвать заявление"),
    _t(Status.AWAITING_PAYMENT, Status.PAID_DATE_AGREEMENT, {C, Y}, "Оплата подтверждена"),
    _t(Status.AWAITING_PAYMENT, Status.WITHDRAWN, {A, E}, "Отозвать заявление"),
    _t(Status.PAID_DATE_AGREEMENT, Status.PAID_DATE_CONFIRMATION, {A, E}, "Выбрать дату экзамена"),
    _t(Status.PAID_DATE_AGREEMENT, Status.EXAM_SCHEDULED, {C}, "Включить в экзаменационную группу"),
    _t(Status.PAID_DATE_CONFIRMATION, Status.EXAM_SCHEDULED, {C}, "Подтвердить дату"),
    _t(Status.PAID_DATE_CONFIRMATION, Status.PAID_DATE_AGREEMENT, {C, A, E}, "Изменить дату"),
    _t(Status.EXAM_SCHEDULED, Status.PAID_DATE_AGREEMENT, {C}, "Исключить из группы"),
    _t(Status.EXAM_SCHEDULED, Status.ADMITTED, {C}, "Допустить к экзамену"),
    _t(Status.EXAM_SCHEDULED, Status.NOT_ADMITTED, {C}, "Не допустить к экзамену"),
    _t(Status.NOT_ADMITTED, Status.PAID_DATE_AGREEMENT, {C}, "Перенести на другую дату"),
    _t(Status.ADMITTED, Status.THEORY_PASSED, {Y, C}, "Теория сдана"),
    _t(Status.ADMITTED, Status.THEORY_FAILED, {Y, C}, "Теория не сдана"),
    _t(Status.THEORY_PASSED, Status.PRACTICE_PASSED, {X}, "Практика сдана"),
    _t(Status.THEORY_PASSED, Status.PRACTICE_FAILED, {X}, "Практика не сдана"),
    _t(Status.THEORY_PASSED, Status.COMMISSION_DECIDED, {X}, "Решение экспертной комиссии"),
    _t(Status.THEORY_FAILED, Status.COMMISSION_DECIDED, {X}, "Решение экспертной комиссии"),
    _t(Status.PRACTICE_PASSED, Status.COMMISSION_DECIDED, {X}, "Решение экспертной комиссии"),
    _t(Status.PRACTICE_FAILED, Status.COMMISSION_DECIDED, {X}, "Решение экспертной комиссии"),
    _t(Status.COMMISSION_DECIDED, Status.SENT_TO_SPK, {C}, "Отправить в СПК"),
    # «Вернуть на доработку»: the result goes back to the experts, to the status it was decided from.
    _t(Status.COMMISSION_DECIDED, Status.THEORY_PASSED, {C}, "Вернуть на доработку"),
    _t(Status.COMMISSION_DECIDED, Status.THEORY_FAILED, {C}, "Вернуть на доработку"),
    _t(Status.COMMISSION_DECIDED, Status.PRACTICE_PASSED, {C}, "Вернуть на доработку"),
    _t(Status.COMMISSION_DECIDED, Status.PRACTICE_FAILED, {C}, "Вернуть на доработку"),
    _t(Status.SENT_TO_SPK, Status.APPROVED_BY_SPK, {S}, "Утвердить"),
    _t(Status.APPROVED_BY_SPK, Status.SENT_TO_NARK, {S}, "Отправить в НАРК"),
    _t(Status.SENT_TO_NARK, Status.CERTIFICATE_ISSUED, {S, Y}, "Свидетельство выдано"),
    _t(Status.SENT_TO_NARK, Status.CONCLUSION_ISSUED, {S, Y}, "Заключение выдано"),
)

_BY_PAIR: dict[tuple[Status, Status], Transition] = {(t.source, t.target): t for t in TRANSITIONS}
assert len(_BY_PAIR) == len(TRANSITIONS), "a status pair is listed twice"

FINAL_STATUSES = frozenset({Status.CERTIFICATE_ISSUED, Status.CONCLUSION_ISSUED, Status.WITHDRAWN})
# The applicant may change the application only while it is in these:
EDITABLE_BY_APPLICANT = frozenset({Status.DRAFT, Status.NEEDS_FIX})


def find_transition(source: Status, target: Status) -> Transition | None:
    return _BY_PAIR.get((source, target))


def allowed_targets(source: Status, actor: ActorKind) -> list[Status]:
    """Where `actor` may move an application that is in `source` (for buttons)."""
    return [t.target for t in TRANSITIONS if t.source is source and actor in t.actors]
