"""The status line of an application as the applicant sees it (mission.md, «Statuses of an application»).

The main way from «Черновик» to «Свидетельство выдано» is always shown, so the applicant knows
what comes next; a side state («На доработке», «Не допущен», «Отозвано»…) is placed right after
the last step of the main way the application passed.
"""
from __future__ import annotations

from dataclasses import dataclass

from core.models import Application, ApplicationStatusChange
from core.workflow import Status

STATUS_LINE = (Status.DRAFT, Status.SUBMITTED, Status.AWAITING_PAYMENT, Status.PAID_DATE_AGREEMENT,
               Status.PAID_DATE_CONFIRMATION, Status.EXAM_SCHEDULED, Status.ADMITTED, Status.THEORY_PASSED,
               Status.PRACTICE_PASSED, Status.COMMISSION_DECIDED, Status.SENT_TO_SPK, Status.APPROVED_BY_SPK,
               Status.SENT_TO_NARK, Status.CERTIFICATE_ISSUED)


@dataclass(frozen=True)
class Step:
    title: str
    state: str  # done | current | todo


def status_line(application: Application, history: list[ApplicationStatusChange]) -> list[Step]:
    """Steps passed, the current one and those ahead."""
    current = Status(application.status)
    line = list(STATUS_LINE)
    if current not in line:
        visited = [Status(h.to_status) for h in history if Status(h.to_status) in line]
        line.insert(line.index(visited[-1]) + 1 if visited else 1, current)
    position = line.index(current)
    return [Step(s.title, "done" if i < position else "current" if i == position else "todo")
            for i, s in enumerate(line)]
