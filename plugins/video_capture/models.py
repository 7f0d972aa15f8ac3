"""Tables of the video_capture plugin (component ``video_capture``).

A `Station` is an enrolled recorder process (an exam workstation or a room camera); it
sends `Segment`s of a `Recording` — one source (webcam, screen, room camera) over one
stretch of time — each signed by the station key and chained to the previous one's hash.
Segments are stored encrypted in the blob store; the manifest fields kept here are what
the chain is verified from on arrival and on playback.
"""
from __future__ import annotations

import peewee

from core.audit import AuditedModel
from core.db import BaseModel
from core.models import Application, ExamGroup, GroupMember, Organisation, User
from core.models.organisations import _now

WORKSTATION = "workstation"
ROOM = "room"
STATION_KINDS = {WORKSTATION: "Рабочее место", ROOM: "Камера зала"}


class Station(AuditedModel):
    """An enrolled recorder of a venue: its signing key, API token and who it films now."""

    venue = peewee.ForeignKeyField(Organisation, on_delete="RESTRICT")
    name = peewee.CharField(max_length=100)  # «Рабочее место 3», «Камера зала 1»
    kind = peewee.CharField(max_length=16, default=WORKSTATION)
    address = peewee.CharField(max_length=64, null=True)  # IP of the machine (kiosk sign-ins from it bind)
    public_key = peewee.CharField(max_length=64, null=True)  # Ed25519, raw hex
    token_hash = peewee.CharField(max_length=64, null=True, unique=True)  # API token, sha256
    enrolment_code_hash = peewee.CharField(max_length=64, null=True)
    enrolment_expires_at = peewee.DateTimeField(null=True)
    enrolled_at = peewee.DateTimeField(null=True)
    last_seen_at = peewee.DateTimeField(null=True)
    current_member = peewee.ForeignKeyField(GroupMember, null=True, on_delete="SET NULL")
    current_group = peewee.ForeignKeyField(ExamGroup, null=True, on_delete="SET NULL")  # room cameras
    created_at = peewee.DateTimeField(default=_now)

    class Meta:
        table_name = "video_capture_station"
        indexes = ((("venue", "name"), True),)
        audit_masked = ("token_hash", "enrolment_code_hash")


class Recording(AuditedModel):
    """One source of one station over a stretch of time, bound to a group and candidate."""

    uuid = peewee.CharField(max_length=36, unique=True)  # chosen by the station
    station = peewee.ForeignKeyField(Station, backref="recordings", on_delete="RESTRICT")
    source = peewee.CharField(max_length=32)  # Recorder.code: webcam, screen, network_camera, synthetic
    label = peewee.CharField(max_length=200)
    group = peewee.ForeignKeyField(ExamGroup, null=True, backref="recordings", on_delete="RESTRICT")
    member = peewee.ForeignKeyField(GroupMember, null=True, backref="recordings", on_delete="RESTRICT")
    started_at = peewee.DateTimeField()
    last_segment_at = peewee.DateTimeField(null=True)
    destroyed_at = peewee.DateTimeField(null=True)  # retention: segments deleted, the row is the record

    class Meta:
        table_name = "video_capture_recording"


class Segment(BaseModel):
    """A signed piece (e.g. 60 s) of a recording; `digest` is set once the whole file arrived."""

    recording = peewee.ForeignKeyField(Recording, backref="segments", on_delete="CASCADE")
    seq = peewee.IntegerField()
    started_at = peewee.DateTimeField()
    ended_at = peewee.DateTimeField()
    frames = peewee.IntegerField()
    width = peewee.SmallIntegerField()
    height = peewee.SmallIntegerField()
    sha256 = peewee.CharField(max_length=64)
    prev_sha256 = peewee.CharField(max_length=64)
    signature = peewee.CharField(max_length=128)  # Ed25519 over the canonical manifest, hex
    size = peewee.BigIntegerField()
    received = peewee.BigIntegerField(default=0)  # bytes of a resumable upload so far
    digest = peewee.CharField(max_length=64, null=True)  # blob store, when complete
    received_at = peewee.DateTimeField(default=_now)
    verified_at = peewee.DateTimeField(null=True)
    problem = peewee.TextField(null=True)  # Russian: why it does not verify

    class Meta:
        table_name = "video_capture_segment"
        indexes = ((("recording", "seq"), True),)


class LatestFrame(BaseModel):
    """The newest still of a station for the live monitoring page (JPEG, overwritten)."""

    station = peewee.ForeignKeyField(Station, unique=True, on_delete="CASCADE")
    jpeg = peewee.BlobField()
    captured_at = peewee.DateTimeField()

    class Meta:
        table_name = "video_capture_latest_frame"


class RetentionPolicy(AuditedModel):
    """How long a СПК keeps recordings of exams that were not passed (law.md; default 1 year)."""

    spk = peewee.ForeignKeyField(Organisation, unique=True, on_delete="CASCADE")
    failed_years = peewee.SmallIntegerField(default=1)

    class Meta:
        table_name = "video_capture_retention_policy"


class RetentionHold(AuditedModel):
    """An appeal or inquiry in progress: the candidate's recordings are not destroyed meanwhile."""

    application = peewee.ForeignKeyField(Application, on_delete="CASCADE")
    reason = peewee.TextField()
    created_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = peewee.DateTimeField(default=_now)
    released_at = peewee.DateTimeField(null=True)

    class Meta:
        table_name = "video_capture_retention_hold"


class DestructionAct(AuditedModel):
    """Акт об уничтожении персональных данных (Приказ РКН № 179): what `nok retention run` destroyed."""

    number = peewee.CharField(max_length=32, unique=True)
    venue = peewee.ForeignKeyField(Organisation, null=True, on_delete="RESTRICT")  # whose recordings (pages filter)
    act_date = peewee.DateField(null=True)  # the date of destruction printed on the act
    created_at = peewee.DateTimeField(default=_now)
    recordings = peewee.IntegerField()
    segments = peewee.IntegerField()
    bytes_destroyed = peewee.BigIntegerField()
    pdf_digest = peewee.CharField(max_length=64)

    class Meta:
        table_name = "video_capture_destruction_act"


MODELS = [Station, Recording, Segment, LatestFrame, RetentionPolicy, RetentionHold, DestructionAct]
