"""Appliance-side federation tables: the link to the registry, the durable outbox, what came back.

Registered as the migration component «federation» by the appliance (appliance/bootstrap.py).
"""
from __future__ import annotations

import peewee

from core.audit import AuditedModel
from core.db import BaseModel
from core.models import Application
from core.models.organisations import _now


class RegistryLink(AuditedModel):
    """Подключение к реестру СПК (one row): pinned registry keys, serial counter, reference version."""

    appliance_id = peewee.CharField(max_length=128)
    registry_url = peewee.CharField(max_length=300)  # the registry's web address (enrolment, QR links)
    registry_endpoint = peewee.CharField(max_length=300)  # ZeroMQ, e.g. tcp://registry:7701
    registry_signing_key = peewee.CharField(max_length=64)  # Ed25519 public, hex
    registry_hpke_key = peewee.CharField(max_length=64)  # X25519 public, hex: bundles are sealed to it
    registry_curve_key = peewee.CharField(max_length=40)  # Z85
    enrolled_at = peewee.DateTimeField(default=_now)
    next_serial = peewee.BigIntegerField(default=1)
    last_contact_at = peewee.DateTimeField(null=True)
    last_error = peewee.TextField(null=True)
    snapshot_version = peewee.BigIntegerField(default=0)
    snapshot_applied_at = peewee.DateTimeField(null=True)
    settings = peewee.TextField(default="{}")  # JSON from the snapshot: the СПК's deadlines


class OutboxState:
    PENDING = "pending"
    DONE = "done"
    REFUSED = "refused"
    TITLES = {PENDING: "Ожидает отправки", DONE: "Принят реестром", REFUSED: "Отклонён реестром"}


class OutboxItem(BaseModel):
    """Исходящая очередь: one thing to deliver, sent strictly in id order, kept until acknowledged.

    Small kinds keep their parts serialised in the blob store (`parts_digest`); a video part keeps
    the digest of its file in the blob store (`file_digest`) and travels in chunks from `offset`.
    `serial` and `bundle_id` are fixed before a send and kept until its acknowledgement, so a resend
    after a crash is recognised by the registry as the same bundle.
    """

    kind = peewee.CharField(max_length=32)
    source = peewee.CharField(max_length=100, index=True)  # e.g. «spk_submission:12», «video:<sha256>»
    title = peewee.CharField(max_length=300)
    parts_digest = peewee.CharField(max_length=64, null=True)
    file_digest = peewee.CharField(max_length=64, null=True)
    file_size = peewee.BigIntegerField(default=0)
    meta = peewee.TextField(default="{}")  # JSON that travels with every chunk of a video part
    offset = peewee.BigIntegerField(default=0)
    serial = peewee.BigIntegerField(null=True)
    bundle_id = peewee.CharField(max_length=32, null=True)
    state = peewee.CharField(max_length=16, default=OutboxState.PENDING, index=True)
    attempts = peewee.IntegerField(default=0)
    next_attempt_at = peewee.DateTimeField(default=_now, index=True)
    last_error = peewee.TextField(null=True)
    created_at = peewee.DateTimeField(default=_now)
    done_at = peewee.DateTimeField(null=True)
    ack = peewee.TextField(null=True)  # the registry's signed acknowledgement, as JSON


class RegistryDocument(AuditedModel):
    """Свидетельство или заключение по заявлению, как его сообщил реестр (the ЦОК and the applicant see it)."""

    application = peewee.ForeignKeyField(Application, backref="registry_documents", on_delete="CASCADE")
    public_id = peewee.CharField(max_length=32, unique=True)
    kind = peewee.CharField(max_length=16)  # certificate / conclusion
    status = peewee.CharField(max_length=16)  # central.models.CertificateStatus values
    registration_number = peewee.CharField(max_length=64, null=True)
    issued_on = peewee.DateField(null=True)
    valid_until = peewee.DateField(null=True)
    is_duplicate = peewee.BooleanField(default=False)
    verify_url = peewee.CharField(max_length=400)
    pdf_digest = peewee.CharField(max_length=64, null=True)
    updated_at = peewee.DateTimeField(default=_now)


FEDERATION_MODELS = [RegistryLink, OutboxItem, RegistryDocument]
