"""`nok retention run`: destroy the recordings whose term is over and write the act for each venue.

Order matters for a run that dies halfway: segment files are deleted from the blob store first,
then one transaction per venue deletes the segment rows, marks the recordings destroyed, writes
the audit records, renders the act (its log extract includes those records) and stores it. A
crash before the commit leaves the rows, so the next run finds the same recordings due, finds
their files already gone (`BlobStore.delete` answers False) and still lists them in its act;
a crash after it leaves nothing to redo. A recording marked destroyed is never due again, so a
second run destroys nothing new.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

from core import audit
from core.blobstore import BlobStore
from core.db import write_transaction
from core.models import GroupVideo, Organisation
from core.models.exams import GROUP_KIND_TITLES
from core.models.organisations import _now
from plugins.video_capture.destruction_act import (RECORDING_ENTITY, ActData, ActLine, Subject, audit_extract,
                                                   category, render_act_pdf)
from plugins.video_capture.models import ROOM, DestructionAct, Recording, Segment
from plugins.video_capture.retention import Planned, due_recordings
from plugins.video_capture.segments_store import upload_path

SOURCE_TITLES = {"webcam": "веб-камера", "screen": "экран", "network_camera": "IP-камера",
                 "synthetic": "синтетический источник"}


@dataclass(frozen=True)
class RunResult:
    """One act written by a run: its row and what it covers."""

    act: DestructionAct
    data: ActData
    files_deleted: int


def act_line(p: Planned) -> ActLine:
    rec, group = p.recording, p.group
    source = f"{SOURCE_TITLES.get(rec.source, rec.source)}, {rec.station.name}"
    group_text = (f"№ {group.id}, {group.starts_at:%d.%m.%Y %H:%M}, "
                  f"{GROUP_KIND_TITLES.get(group.kind, group.kind).lower()}" if group else "не привязана")
    return ActLine(recording=rec.id, source=source, subject=p.subject, group=group_text,
                   qualification=f"{group.qualification.code} {group.qualification.title}" if group else "—",
                   exam_date=p.exam_date, keep_until=p.term.keep_until, reason=p.term.reason,
                   categories=category(rec.source, rec.station.kind == ROOM), segments=p.segments, size=p.size)


def next_number(today: dt.date) -> str:
    """«АУ-2026-0003»: acts are numbered per calendar year."""
    prefix = f"АУ-{today.year}-"
    used = [a.number for a in DestructionAct.select(DestructionAct.number)
            .where(DestructionAct.number.startswith(prefix))]
    return f"{prefix}{max([int(n.rsplit('-', 1)[1]) for n in used], default=0) + 1:04d}"


def _shared_digests(digests: set[str], recording_ids: list[int]) -> set[str]:
    """Digests other rows still reference (the blob store deduplicates identical files)."""
    if not digests:
        return set()
    others = {s.digest for s in Segment.select(Segment.digest)
              .where(Segment.digest.in_(list(digests)) & Segment.recording.not_in(recording_ids))}
    return others | {v.digest for v in GroupVideo.select(GroupVideo.digest).where(GroupVideo.digest.in_(list(digests)))}


def delete_files(blobs: BlobStore, data_dir: Path | None, recordings: list[Recording]) -> int:
    """Delete the segment files of these recordings (not those another row still uses) and the temp files
    of unfinished uploads; return how many stored files were deleted."""
    ids = [r.id for r in recordings]
    segments = list(Segment.select(Segment.recording, Segment.seq, Segment.digest).where(Segment.recording.in_(ids)))
    digests = {s.digest for s in segments if s.digest}
    shared = _shared_digests(digests, ids)
    deleted = sum(blobs.delete(d) for d in sorted(digests - shared))
    if data_dir is not None:
        by_id = {r.id: r for r in recordings}
        for s in segments:
            if not s.digest:
                upload_path(data_dir, by_id[s.recording_id], s.seq).unlink(missing_ok=True)
    return deleted


def subjects(planned: list[Planned]) -> list[Subject]:
    """What the audit log may call these recordings by (read before their segment rows go)."""
    ids = [p.recording.id for p in planned]
    segments: dict[int, list[int]] = {}
    for s in Segment.select(Segment.id, Segment.recording).where(Segment.recording.in_(ids)):
        segments.setdefault(s.recording_id, []).append(s.id)
    return [Subject(p.recording.id, p.recording.uuid, p.recording.member_id, tuple(segments.get(p.recording.id, ())))
            for p in planned]


def _operator(venue: Organisation) -> tuple[Organisation, str]:
    operator = venue.parent or venue
    parts = [f"ИНН {operator.inn}" if operator.inn else "", f"ОГРН {operator.ogrn}" if operator.ogrn else "",
             f"адрес: {operator.legal_address}" if operator.legal_address else ""]
    return operator, ", ".join(p for p in parts if p)


def destroy_batch(blobs: BlobStore, data_dir: Path | None, venue: Organisation, planned: list[Planned],
                  today: dt.date) -> RunResult:
    """Destroy one venue's due recordings and write their act."""
    named = subjects(planned)
    files = delete_files(blobs, data_dir, [p.recording for p in planned])
    operator, details = _operator(venue)
    lines = [act_line(p) for p in planned]
    with write_transaction():
        number = next_number(today)
        for p, line in zip(planned, lines):
            rec = Recording.get_by_id(p.recording.id)
            Segment.delete().where(Segment.recording == rec.id).execute()
            rec.destroyed_at = _now()
            rec.label = f"Запись уничтожена, акт № {number}"
            rec.save()
            audit.record("destroy", RECORDING_ENTITY, rec.id, {
                "act": number, "subject": line.subject, "segments": line.segments, "bytes": line.size,
                "keep_until": line.keep_until, "reason": line.reason})
        data = ActData(number=number, date=today, operator_name=operator.full_name, operator_details=details,
                       venue_name=venue.full_name, signer_position=operator.head_position or "Руководитель",
                       signer_name=operator.head_name or "", lines=lines,
                       log=audit_extract(named))
        ref = blobs.put(render_act_pdf(data))
        act = DestructionAct.create(number=number, venue=venue, act_date=today, recordings=len(lines),
                                    segments=data.segments, bytes_destroyed=data.size, pdf_digest=ref.digest)
    return RunResult(act, data, files)


def run(blobs: BlobStore, today: dt.date, data_dir: Path | None = None) -> list[RunResult]:
    """Destroy everything due today, one act per venue; `data_dir` holds unfinished uploads."""
    due = sorted(due_recordings(today), key=lambda p: (p.recording.station.venue_id, p.recording.id))
    results = []
    for _venue_id, items in groupby(due, key=lambda p: p.recording.station.venue_id):
        items = list(items)
        results.append(destroy_batch(blobs, data_dir, items[0].recording.station.venue, items, today))
    return results
