"""What the live monitoring page shows: every station's latest picture, grouped by the running exam.

A tile per station of the venue (for a ЦОК: of all its venues) with the name of the candidate a
workstation films; stations filming a running group (`binding.current_bindings`) stand under
that group, the others under «Вне экзамена». A station is offline — red, «нет связи с …» — when
it sent no picture for `stations.ONLINE_WINDOW` (30 s) or has not called the appliance as long:
an operator then goes to the machine before a minute of the exam goes unfilmed.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from core.models import Organisation, OrgKind
from core.services.kiosk import utc_to_local, utcnow
from plugins.video_capture.binding import Binding, current_bindings
from plugins.video_capture.models import ROOM, STATION_KINDS, LatestFrame, Station
from plugins.video_capture.stations import ONLINE_WINDOW
from plugins.video_capture.viewers import visible_stations

OUTSIDE = "Вне экзамена"


def _natural(text: str) -> tuple:
    """«Рабочее место 2» before «Рабочее место 10»."""
    return tuple(int(part) if part.isdigit() else part.casefold() for part in re.split(r"(\d+)", text))


@dataclass
class Tile:
    station: Station
    binding: Binding
    frame_at: dt.datetime | None  # UTC, when the latest picture arrived
    online: bool
    status: str

    @property
    def kind_title(self) -> str:
        return STATION_KINDS.get(self.station.kind, self.station.kind)

    def data(self) -> dict:
        """The tile's state for the refreshing script (`/live/status`)."""
        return {"id": self.station.id, "online": self.online, "status": self.status,
                "frame": self.frame_at is not None}


@dataclass
class Section:
    title: str
    group: int | None
    tiles: list[Tile] = field(default_factory=list)


def status_text(station: Station, frame_at: dt.datetime | None, now: dt.datetime) -> tuple[bool, str]:
    """(online, what the tile says): «на связи», «нет связи с 10:02:13» or «… с 22.11.2026 10:02»."""
    seen = [moment for moment in (station.last_seen_at, frame_at) if moment is not None]
    fresh = [moment for moment in seen if now - moment <= ONLINE_WINDOW]
    if station.last_seen_at is not None and frame_at is not None and len(fresh) == 2:
        return True, "на связи"
    if not seen:
        return False, "нет связи: станция ещё не выходила на связь"
    last = utc_to_local(max(seen))
    today = utc_to_local(now).date()
    return False, f"нет связи с {last:%H:%M:%S}" if last.date() == today else f"нет связи с {last:%d.%m.%Y %H:%M}"


def live_sections(org: Organisation, now: dt.datetime | None = None) -> list[Section]:
    """The stations of `org` as tiles, one section per running group, the idle ones last."""
    now = now or utcnow()
    stations = list(visible_stations(org))
    frames = dict(LatestFrame.select(LatestFrame.station, LatestFrame.captured_at)
                  .where(LatestFrame.station.in_([s.id for s in stations])).tuples()) if stations else {}
    bindings = current_bindings(stations, now)
    several_venues = org.kind == OrgKind.COK.value
    sections: dict[int | None, Section] = {}
    for station in sorted(stations, key=lambda s: (s.kind != ROOM, _natural(s.name))):
        binding = bindings[station.id]
        key = binding.group
        if key not in sections:
            title = binding.group_title or OUTSIDE
            if key is not None and several_venues:
                title = f"{title} — {station.venue.short_name}"
            sections[key] = Section(title, key)
        online, status = status_text(station, frames.get(station.id), now)
        sections[key].tiles.append(Tile(station, binding, frames.get(station.id), online, status))
    running = sorted((s for k, s in sections.items() if k is not None), key=lambda s: _natural(s.title))
    return running + ([sections[None]] if None in sections else [])
