"""Live monitoring («Наблюдение») of the video_capture plugin for the venue operator and the ЦОК.

`/p/video_capture/live` shows the latest picture of every station (`live.live_sections`);
`static/live.js` reloads each picture every few seconds (a cache-busting query, no inline script)
and asks `/live/status` which stations went offline. `/live/frames/{station_id}.jpg` answers the
picture itself. Staff of the station's venue or of its ЦОК only; another organisation's station
answers 404. Opening the page is audited; the pictures it reloads every few seconds are not (the
audit log would hold little else).
"""
from __future__ import annotations

import falcon

from core import audit
from core.context import Services
from core.exceptions import NotFoundError
from plugins.video_capture import viewers
from plugins.video_capture.live import live_sections
from plugins.video_capture.models import LatestFrame

BASE = "/p/video_capture"
LIVE = f"{BASE}/live"
CABINETS = frozenset({"venue", "cok"})
ROLES = viewers.STAFF
REFRESH_SECONDS = 5


class MonitoringResource:
    def __init__(self, services: Services):
        self.services = services

    def organisation(self, req):
        return viewers.monitoring_org(viewers.signed_in(self.services, req))


class LivePage(MonitoringResource):
    """GET the tiles of all stations, grouped by running exam group."""

    def on_get(self, req, resp):
        org = self.organisation(req)
        sections = live_sections(org)
        audit.record("view", "video_live", org.id)
        self.services.render(req, resp, "video_capture/monitoring.html", title="Наблюдение за экзаменом",
                             sections=sections, organisation=org, refresh=REFRESH_SECONDS, live=LIVE)


class LiveStatus(MonitoringResource):
    """GET the stations' state as JSON, for the page's periodic refresh."""

    def on_get(self, req, resp):
        org = self.organisation(req)
        resp.cache_control = ["no-store"]
        resp.media = {"refresh": REFRESH_SECONDS,
                      "stations": [tile.data() for section in live_sections(org) for tile in section.tiles]}


class LiveFrame(MonitoringResource):
    """GET the latest picture of one station (JPEG), never cached."""

    def on_get(self, req, resp, station_id):
        user = viewers.signed_in(self.services, req)
        station = viewers.watched_station(user, station_id)
        frame = LatestFrame.get_or_none(LatestFrame.station == station.id)
        if frame is None:
            raise NotFoundError("Станция ещё не прислала изображение.")
        resp.content_type = "image/jpeg"
        resp.cache_control = ["no-store"]
        resp.data = bytes(frame.jpeg)


def add_routes(app: falcon.App, services: Services) -> None:
    """Register this module's resources under /p/video_capture/."""
    app.add_route(LIVE, LivePage(services))
    app.add_route(f"{LIVE}/status", LiveStatus(services))
    app.add_route(f"{LIVE}/frames/{{station_id:int}}.jpg", LiveFrame(services))
