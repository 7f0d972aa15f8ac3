"""Playback pages of the video_capture plugin: a candidate's recordings for experts and the ЦОК.

`/p/video_capture/candidates/{member_id}` shows the candidate's webcam and screen side by side
and the room cameras of their group, each as a player that strings the segment files together
(`static/player.js`; the timeline data sits in `data-track`, no inline script under the CSP).
`/p/video_capture/segments/{id}.webm` streams one segment, decrypted from the blob store chunk by
chunk, answering byte ranges so the player can seek. Both check the viewer on every request
(`viewers`): another organisation's candidate or segment answers 404. Views are audited.
"""
from __future__ import annotations

import falcon

from core import audit, byte_ranges
from core.context import Services
from core.exceptions import BlobIntegrityError, BlobNotFoundError, NotFoundError
from core.models import Application
from core.models.exams import GROUP_KIND_TITLES
from plugins.video_capture import viewers
from plugins.video_capture.timeline import build_timeline

BASE = "/p/video_capture"
WEBM = "video/webm"


def candidate_url(member_id: int) -> str:
    """Where the playback page of one candidate (group membership) is; templates get it as a global."""
    return f"{BASE}/candidates/{member_id}"


class PlaybackPage:
    """GET the candidate's recordings with their timeline, gaps and problems."""

    def __init__(self, services: Services):
        self.services = services

    def on_get(self, req, resp, member_id):
        user = viewers.signed_in(self.services, req)
        member = viewers.watched_member(user, member_id)
        application = Application.get_by_id(member.application_id)
        titles = {code: cls.title for code, cls in self.services.plugins.recorders().items()}
        timeline = build_timeline(member, self.services.blobs, titles)
        audit.record("view", "video_recordings", member.id, {"group": member.group_id})
        self.services.render(
            req, resp, "video_capture/playback.html", title=f"Видеозапись экзамена: {application.full_name}",
            application=application, group=member.group, kind_title=GROUP_KIND_TITLES.get(member.group.kind, ""),
            timeline=timeline)


class SegmentFile:
    """GET one segment file (video/webm), whole or the asked byte range."""

    def __init__(self, services: Services):
        self.services = services

    def on_get(self, req, resp, segment_id):
        user = viewers.signed_in(self.services, req)
        segment = viewers.watched_segment(user, segment_id)
        try:  # the stored file's own size: an edited file may differ from the manifest's
            size = self.services.blobs.size(segment.digest)
        except (BlobNotFoundError, BlobIntegrityError):
            raise NotFoundError(viewers.NOT_FOUND) from None
        resp.content_type = WEBM
        resp.cache_control = ["no-store"]  # personal data: not left in the cache of a shared computer
        blobs = self.services.blobs
        if byte_ranges.send(req, resp, size, lambda: blobs.open(segment.digest),
                            lambda start, end: blobs.open_range(segment.digest, start, end)) == 0:
            audit.record("view", "video_segment", segment.id, {"recording": segment.recording.uuid,
                                                               "seq": segment.seq})


def add_routes(app: falcon.App, services: Services) -> None:
    """Register this module's resources under /p/video_capture/ and the link helper for core's pages."""
    services.templates.globals.setdefault("video_playback_url", candidate_url)
    app.add_route(f"{BASE}/candidates/{{member_id:int}}", PlaybackPage(services))
    app.add_route(f"{BASE}/segments/{{segment_id:int}}.webm", SegmentFile(services))

