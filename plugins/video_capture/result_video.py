"""The recordings that travel to the СПК with a candidate's result (hook `nok_result_video`).

One entry per stored segment file: the candidate's own recordings (webcam, screen) of every
group they sat in, and the room cameras of those groups — what the playback page shows. Only
complete segments whose stored file is the one the station signed go; each carries its signed
manifest, signature and the station's public key, so the registry can check the chain the same
way the appliance does. Destroyed recordings (retention) have nothing left to send.
"""
from __future__ import annotations

from typing import Any

from core.models import Application, GroupMember
from plugins.video_capture.models import ROOM, Recording, Segment, Station
from plugins.video_capture.providers import NetworkCameraRecorder, ScreenRecorder, SyntheticRecorder, WebcamRecorder
from plugins.video_capture.timeline import clock
from plugins.video_capture.verification import manifest_of

SOURCE_TITLES = {cls.code: cls.title for cls in (WebcamRecorder, ScreenRecorder, NetworkCameraRecorder,
                                                 SyntheticRecorder)}


def recordings_for(application: Application) -> list[Recording]:
    """The candidate's recordings and their groups' room cameras, not destroyed, stations loaded."""
    members = list(GroupMember.select(GroupMember.id, GroupMember.group)
                   .where(GroupMember.application == application.id))
    if not members:
        return []
    own = Recording.member.in_([m.id for m in members])
    rooms = Recording.group.in_([m.group_id for m in members]) & Recording.member.is_null() & (Station.kind == ROOM)
    return list(Recording.select(Recording, Station).join(Station)
                .where((own | rooms) & Recording.destroyed_at.is_null())
                .order_by(Recording.started_at, Recording.id))


def _entry(segment: Segment, recording: Recording) -> dict[str, Any]:
    station = recording.station
    source = SOURCE_TITLES.get(recording.source, recording.source)
    title = f"{source} — {station.name}, {clock(segment.started_at)}–{clock(segment.ended_at)}"
    return {"digest": segment.digest, "size": segment.size, "title": title,
            "meta": {"recording": recording.id, "recording_uuid": recording.uuid, "segment": segment.seq,
                     "stream": recording.source, "station": station.name, "room": station.kind == ROOM,
                     "started_at": segment.started_at.isoformat(), "ended_at": segment.ended_at.isoformat(),
                     "manifest": manifest_of(segment, recording).to_dict(), "signature": segment.signature,
                     "station_public_key": station.public_key}}


def result_video(application: Application) -> list[dict[str, Any]]:
    recordings = {r.id: r for r in recordings_for(application)}
    if not recordings:
        return []
    segments = (Segment.select().where(Segment.recording.in_(list(recordings)) & Segment.digest.is_null(False)
                                       & (Segment.digest == Segment.sha256) & (Segment.received == Segment.size))
                .order_by(Segment.started_at, Segment.recording, Segment.seq))
    return [_entry(segment, recordings[segment.recording_id]) for segment in segments]
