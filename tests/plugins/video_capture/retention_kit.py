"""Test world of the retention tests: a СПК → ЦОК → Площадка with a workstation and a room camera,
candidates whose exams passed, failed or are not decided yet, and recordings with real segment
files in the (encrypted) blob store.

A module with its own name rather than a conftest.py: test files import it (fixtures included).
"""
from __future__ import annotations

import datetime as dt
import os
import uuid as uuidlib

import pytest

from core.models import (Admission, Application, CommissionResult, ExamGroup, GroupMember, OrgKind, ProfStandard,
                         Qualification, Role)
from core.models.exams import GROUP_THEORY
from core.workflow import Status
from plugins.video_capture.models import ROOM, WORKSTATION, Recording, Segment, Station

EXAM = dt.date(2026, 3, 16)  # a Monday
COK_PROFILE = dict(full_name="Общество с ограниченной ответственностью «Центр оценки квалификаций «Охрана труда»",
                   short_name="ЦОК «Охрана труда»", inn="7722415832", ogrn="1177746318452",
                   legal_address="109147, г. Москва, ул. Марксистская, д. 22, стр. 1, офис 410",
                   head_name="Петров Сергей Николаевич", head_position="Генеральный директор")


class RetentionWorld:
    """Organisations, a qualification (certificate valid 3 years), stations; helpers for the rest."""

    def __init__(self, factory, blobs):
        self.factory, self.blobs = factory, blobs
        self.spk = factory.org(OrgKind.SPK, short_name="СПК ОТ")
        self.cok = factory.org(OrgKind.COK, parent=self.spk, **COK_PROFILE)
        self.venue = factory.org(OrgKind.VENUE, parent=self.cok, full_name="Экзаменационный центр «Нижегородский»",
                                 short_name="ЭЦ «Нижегородский»")
        self.other_cok = factory.org(OrgKind.COK, parent=self.spk, short_name="ЦОК «Юг»")
        self.other_venue = factory.org(OrgKind.VENUE, parent=self.other_cok, full_name="Площадка «Юг»")
        std, _ = ProfStandard.get_or_create(code="40.054", defaults={"name": "Специалист в области охраны труда"})
        self.qual = Qualification.create(spk=self.spk, prof_standard=std, code="40.05400.01",
                                         name="Специалист по охране труда", level=6, validity_years=3)
        self.workstation = Station.create(venue=self.venue, name="Рабочее место 3", kind=WORKSTATION)
        self.room = Station.create(venue=self.venue, name="Камера зала 1", kind=ROOM)
        self.other_station = Station.create(venue=self.other_venue, name="Рабочее место 1", kind=WORKSTATION)
        self._n = 0

    def group(self, day: dt.date = EXAM, *, kind: str = GROUP_THEORY, venue=None) -> ExamGroup:
        venue = venue or self.venue
        return ExamGroup.create(kind=kind, cok=venue.parent, venue=venue, qualification=self.qual,
                                starts_at=dt.datetime.combine(day, dt.time(10, 0)), seats=10)

    def candidate(self, group: ExamGroup, name: str, status: Status = Status.COMMISSION_DECIDED,
                  verdict: str | None = None, *, returned: bool = False) -> GroupMember:
        """A candidate of `group` with an application in `status` and, if given, the commission's verdict."""
        self._n += 1
        user = self.factory.user(Role.APPLICANT, full_name=name)
        app = Application.create(applicant=user, cok=group.cok, venue=group.venue, qualification=self.qual,
                                 status=status.value, full_name=name, number=f"2026-{self._n:06d}")
        member = GroupMember.create(group=group, application=app, admission=Admission.ADMITTED)
        if verdict:
            CommissionResult.create(application=app, group=group, verdict=verdict,
                                    returned_at=dt.datetime(2026, 3, 20) if returned else None)
        return member

    def recording(self, group: ExamGroup | None, member: GroupMember | None = None, *, station=None,
                  source: str | None = None, segments: int = 2, size: int = 3000) -> Recording:
        """A recording with `segments` complete segments, each a real (random) file in the blob store."""
        station = station or (self.workstation if member else self.room)
        started = dt.datetime.combine(group.starts_at.date() if group else EXAM, dt.time(7, 0))
        label = f"{station.name} — {member.application.full_name}" if member else station.name
        rec = Recording.create(uuid=str(uuidlib.uuid4()), station=station, source=source or (
            "webcam" if member else "network_camera"), label=label, group=group, member=member, started_at=started)
        prev = "0" * 64
        for seq in range(segments):
            ref = self.blobs.put(os.urandom(size))
            Segment.create(recording=rec, seq=seq, started_at=started + dt.timedelta(minutes=seq),
                           ended_at=started + dt.timedelta(minutes=seq + 1), frames=600, width=1280, height=720,
                           sha256=ref.digest, prev_sha256=prev, signature="ab" * 64, size=size, received=size,
                           digest=ref.digest)
            prev = ref.digest
        return rec


def digests(rec: Recording) -> list[str]:
    return [s.digest for s in Segment.select().where(Segment.recording == rec.id).order_by(Segment.seq)]


@pytest.fixture
def world(services, factory) -> RetentionWorld:
    """The world in the appliance's own database (every built-in plugin, video_capture tables included)."""
    services.db.connect(reuse_if_open=True)
    return RetentionWorld(factory, services.blobs)
