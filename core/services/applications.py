"""Moving applications through the status machine: checked, recorded, audited, mailed."""
from __future__ import annotations

from typing import TYPE_CHECKING

from core import audit
from core.db import write_transaction
from core.exceptions import PermissionDeniedError, ValidationError
from core.models.applications import Application, ApplicationStatusChange
from core.models.organisations import _now
from core.models.users import User
from core.services.notify import queue_mail
from core.workflow import ActorKind, Status, find_transition

if TYPE_CHECKING:
    from core.plugins import PluginHost


def change_status(application: Application, target: Status, actor_kind: ActorKind, actor: User | None,
                  plugins: "PluginHost", comment: str | None = None) -> ApplicationStatusChange:
    """Apply one transition of `core.workflow.TRANSITIONS` or refuse it with a Russian message.

    Writes the status history row, the audit record and the applicant's letter in the same
    transaction as the change; plugins hear about it inside that transaction too.
    """
    source = Status(application.status)
    transition = find_transition(source, target)
    if transition is None:
        raise ValidationError(f"Нельзя перевести заявление из статуса «{source.title}» в «{target.title}».")
    if actor_kind not in transition.actors:
        raise PermissionDeniedError(f"Действие «{transition.action}» вам недоступно.")
    label = actor.email if actor else "система"
    with write_transaction():
        application.status = target.value
        application.updated_at = _now()
        if target is Status.SUBMITTED and application.submitted_at is None:
            application.submitted_at = _now()
        application.save()
        change = ApplicationStatusChange.create(application=application, from_status=source.value,
                                                to_status=target.value, actor=actor, actor_label=label,
                                                comment=comment or None)
        audit.record("status", "application", application.id,
                     {"from": source.value, "to": target.value, "comment": comment or ""})
        _mail_applicant(application, source, target, comment)
        plugins.application_status_changed(application, source.value, target.value, actor)
    return change


def _mail_applicant(application: Application, source: Status, target: Status, comment: str | None) -> None:
    user = application.applicant
    number = application.number or f"№ {application.id}"
    body = (f"Здравствуйте, {user.full_name}!\n\n"
            f"Статус вашего заявления {number} ({application.qualification.title}) изменился:\n"
            f"«{source.title}» → «{target.title}».")
    if comment:
        body += f"\n\nКомментарий: {comment}"
    body += "\n\nПодробности — в личном кабинете соискателя."
    queue_mail(user.email, f"Заявление {number}: {target.title}", body)
