"""Исходящие письма: queued in the same transaction as the change they report."""
from __future__ import annotations

import peewee

from core.db import BaseModel
from core.models.organisations import _now


class OutgoingMail(BaseModel):
    """A letter waiting for (or done with) delivery; a failed attempt is retried later."""

    recipient = peewee.CharField(max_length=320)
    subject = peewee.CharField(max_length=300)
    body = peewee.TextField()
    created_at = peewee.DateTimeField(default=_now, index=True)
    sent_at = peewee.DateTimeField(null=True, index=True)
    attempts = peewee.SmallIntegerField(default=0)
    next_attempt_at = peewee.DateTimeField(default=_now)
    last_error = peewee.TextField(null=True)
