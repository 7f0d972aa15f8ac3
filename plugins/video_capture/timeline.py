"""What the playback page plays: a candidate's recordings strung into tracks on one wall-clock timeline.

A track is one source of one station (the candidate's webcam, their screen, a room camera): the
segments of all its recordings in time order. Every time is given in seconds from the page's
origin — the start of the earliest segment shown — so the players of one page share a clock and
stay in step. Marks show where nothing was recorded (a gap longer than `GAP_SECONDS`, a segment
not uploaded completely) and where a segment did not verify or the chain is broken; their Russian
texts are listed under the player. The chain is re-verified on every view (ADR 0007).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from core.models import GroupMember
from core.services.kiosk import utc_to_local
from plugins.video_capture.models import ROOM, Recording, Segment, Station
from plugins.video_capture.verification import INCOMPLETE, verify_recording

# A stored file verified within this long is not decrypted again for a page view (see verify_recording).
REHASH_AFTER = dt.timedelta(hours=24)

GAP_SECONDS = 0.5  # a pause between segments longer than this (5 frames at 10 fps) is a gap
SOURCE_ORDER = ("webcam", "screen")  # the candidate's webcam first, their screen beside it
GAP, BROKEN = "gap", "broken"


def segment_url(segment_id: int) -> str:
    return f"/p/video_capture/segments/{segment_id}.webm"


def clock(value: dt.datetime) -> str:
    """A stored (naive UTC) time as the appliance's wall clock, «10:02:13»: what the pages show."""
    return f"{utc_to_local(value):%H:%M:%S}"


@dataclass(frozen=True)
class Piece:
    """A playable segment: where it lies on the timeline and where its file is."""

    id: int
    seq: int
    start: float
    end: float
    url: str


@dataclass(frozen=True)
class Mark:
    """A place to look at: `kind` GAP (nothing recorded from `start` to `end`) or BROKEN (at `start`)."""

    kind: str
    start: float
    end: float
    clock: str
    message: str


@dataclass
class Track:
    """One player: a source of one station, its playable segments and the marks on its timeline."""

    key: str
    title: str
    room: bool
    pieces: list[Piece] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)

    def data(self, timeline: Timeline) -> dict[str, Any]:
        """What the player script reads from `data-track`."""
        return {"key": self.key, "title": self.title, "length": timeline.length, "origin": timeline.origin_seconds,
                "segments": [vars(p) for p in self.pieces], "marks": [vars(m) for m in self.marks]}


@dataclass
class Timeline:
    origin: dt.datetime | None  # UTC, as stored
    length: float
    tracks: list[Track]
    destroyed: list[Recording]

    @property
    def day(self) -> dt.date | None:
        return utc_to_local(self.origin).date() if self.origin is not None else None

    @property
    def span(self) -> tuple[str, str] | None:
        """First and last wall-clock time recorded, «10:00:00», «10:42:17»; None when nothing is."""
        if self.origin is None:
            return None
        return clock(self.origin), clock(self.origin + dt.timedelta(seconds=self.length))

    @property
    def origin_seconds(self) -> float:
        """The origin as seconds since local midnight: the script writes wall-clock times from it."""
        if self.origin is None:
            return 0.0
        at = utc_to_local(self.origin)
        return at.hour * 3600 + at.minute * 60 + at.second + at.microsecond / 1e6

    @property
    def candidate(self) -> list[Track]:
        return [t for t in self.tracks if not t.room]

    @property
    def rooms(self) -> list[Track]:
        return [t for t in self.tracks if t.room]


def recordings_of(member: GroupMember) -> list[Recording]:
    """The candidate's own recordings and the room cameras of their group, stations loaded."""
    own = Recording.member == member.id
    rooms = (Recording.group == member.group_id) & Recording.member.is_null() & (Station.kind == ROOM)
    return list(Recording.select(Recording, Station).join(Station).where(own | rooms)
                .order_by(Recording.started_at, Recording.id))


def _track_key(recording: Recording) -> tuple:
    room = recording.station.kind == ROOM
    order = SOURCE_ORDER.index(recording.source) if recording.source in SOURCE_ORDER else len(SOURCE_ORDER)
    return room, order, recording.station.name, recording.station_id, recording.source


def build_timeline(member: GroupMember, blobs, source_titles: dict[str, str]) -> Timeline:
    """The tracks of the candidate's playback page, with gaps and problems marked."""
    recordings = recordings_of(member)
    live = [r for r in recordings if r.destroyed_at is None]
    by_recording: dict[int, list[Segment]] = {r.id: [] for r in live}
    if live:
        for segment in (Segment.select().where(Segment.recording.in_(list(by_recording)))
                        .order_by(Segment.started_at, Segment.seq)):
            by_recording[segment.recording_id].append(segment)
    stored = [s for segments in by_recording.values() for s in segments]
    origin = min((s.started_at for s in stored), default=None)
    length = max(((s.ended_at - origin).total_seconds() for s in stored), default=0.0)

    def at(value: dt.datetime) -> float:
        return round((value - origin).total_seconds(), 3)

    tracks: dict[tuple, Track] = {}
    for recording in sorted(live, key=_track_key):
        key = _track_key(recording)
        if key not in tracks:
            station = recording.station
            title = f"{source_titles.get(recording.source, recording.source)} — {station.name}"
            tracks[key] = Track(f"{station.id}-{recording.source}", title, station.kind == ROOM)
        track, segments = tracks[key], by_recording[recording.id]
        by_seq = {s.seq: s for s in segments}
        for problem in dict.fromkeys(verify_recording(recording, blobs, rehash_after=REHASH_AFTER)):
            where = by_seq.get(problem.seq)
            if where is None:
                continue
            if problem.message == INCOMPLETE:  # nothing to play there yet: a gap, not a forgery
                track.marks.append(Mark(GAP, at(where.started_at), at(where.ended_at), clock(where.started_at),
                                        INCOMPLETE))
            else:
                track.marks.append(Mark(BROKEN, at(where.started_at), at(where.started_at),
                                        clock(where.started_at), problem.message))
        track.pieces += [Piece(s.id, s.seq, at(s.started_at), at(s.ended_at), segment_url(s.id))
                         for s in segments if s.digest is not None]
    for track in tracks.values():
        _mark_gaps(track, origin)
    return Timeline(origin, round(length, 3), list(tracks.values()), [r for r in recordings if r.destroyed_at])


def _mark_gaps(track: Track, origin: dt.datetime) -> None:
    """Order the pieces and mark every pause between them longer than `GAP_SECONDS`."""
    track.pieces.sort(key=lambda p: (p.start, p.seq))
    for before, after in zip(track.pieces, track.pieces[1:]):
        if after.start - before.end > GAP_SECONDS:
            since, until = (origin + dt.timedelta(seconds=s) for s in (before.end, after.start))
            track.marks.append(Mark(GAP, before.end, after.start, clock(since),
                                    f"Нет записи с {clock(since)} до {clock(until)}"))
    track.marks.sort(key=lambda m: (m.start, m.kind))
