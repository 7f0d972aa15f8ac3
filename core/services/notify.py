"""Mail that must not be lost: queue it with the change, deliver after the commit.

A status change and its letter are written in one transaction, so a letter is never sent
for a change that rolled back and never lost for one that committed. Delivery happens
right after the request (and again by `nok mail send`); a refused letter is retried on a
capped schedule.
"""
from __future__ import annotations

import contextvars
import datetime as dt

from core.db import write_transaction
from core.exceptions import MailDeliveryError
from core.mail import Mailer
from core.models.organisations import _now
from core.models.outbox import OutgoingMail

RETRY_SCHEDULE = (dt.timedelta(minutes=1), dt.timedelta(minutes=5), dt.timedelta(minutes=30),
                  dt.timedelta(hours=2), dt.timedelta(hours=12))
SIGNATURE = "\n\n— НОК-Платформа\n"


_queued_in_context: contextvars.ContextVar[bool] = contextvars.ContextVar("nok_mail_queued", default=False)


def mail_was_queued() -> bool:
    """Whether this request queued a letter (so the web layer delivers right after it); resets."""
    queued = _queued_in_context.get()
    _queued_in_context.set(False)
    return queued


def queue_mail(recipient: str, subject: str, body: str) -> OutgoingMail:
    _queued_in_context.set(True)
    return OutgoingMail.create(recipient=recipient, subject=subject, body=body.rstrip() + SIGNATURE)


def deliver_pending(mailer: Mailer, limit: int = 20) -> int:
    """Send due letters; return how many went out. Never raises for a refused letter."""
    sent = 0
    due = list(OutgoingMail.select().where(OutgoingMail.sent_at.is_null() & (OutgoingMail.next_attempt_at <= _now()))
               .order_by(OutgoingMail.id).limit(limit))
    for letter in due:
        try:
            mailer.send(letter.recipient, letter.subject, letter.body)
        except MailDeliveryError as ex:
            delay = RETRY_SCHEDULE[min(letter.attempts, len(RETRY_SCHEDULE) - 1)]
            with write_transaction():
                OutgoingMail.update(attempts=OutgoingMail.attempts + 1, last_error=str(ex),
                                    next_attempt_at=_now() + delay).where(OutgoingMail.id == letter.id).execute()
            break  # the server is down: the rest would fail the same way
        with write_transaction():
            OutgoingMail.update(sent_at=_now(), attempts=OutgoingMail.attempts + 1, last_error=None).where(
                OutgoingMail.id == letter.id).execute()
        sent += 1
    return sent
