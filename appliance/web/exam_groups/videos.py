"""«Загрузить видео» on the group page: upload, play or download, delete a group's recording.

The upload form is multipart with the CSRF token in its action URL (the middleware must not
read the body); the file part goes as a stream into `core.services.group_videos`, never into
memory. Playing answers byte ranges, so the browser's <video> can seek without fetching the
whole file; the bytes are decrypted chunk by chunk from the blob store.
"""
from __future__ import annotations

import falcon

from appliance.web.exam_groups.detail import GroupPageResource
from core import audit, byte_ranges
from core.context import Services
from core.exceptions import ValidationError
from core.models.exams import GROUP_KIND_TITLES
from core.services import group_videos
from core.services.results import to_local
from core.services.documents import open_document

FORM_OVERHEAD = 1024 * 1024  # room for the multipart headers around the file


def max_bytes(services: Services) -> int:
    """The size limit: `max_video_mb` of the config (8 ГБ unless the ЦОК changed it)."""
    return int(services.config.max_video_mb) * 1024 * 1024


class VideoUploadResource(GroupPageResource):
    """POST …/videos (multipart, field «video»)."""

    def on_post(self, req, resp, cabinet, group_id):
        user, cab, group = self.group(req, cabinet, group_id)
        try:
            self.upload(req, user, group)
        except ValidationError as ex:
            self.show(req, resp, user, group, status=falcon.HTTP_422, error=ex.message, field=group_videos.FIELD)
            return
        raise falcon.HTTPSeeOther(f"{self.group_url(cab, group)}#videos")

    def upload(self, req, user, group) -> None:
        limit = max_bytes(self.services)
        if not (req.content_type or "").startswith(falcon.MEDIA_MULTIPART):
            raise ValidationError("Выберите файл видеозаписи.", group_videos.FIELD)
        if req.content_length and req.content_length > limit + FORM_OVERHEAD:
            raise ValidationError(f"Видео больше {group_videos.size_text(limit)}: разделите запись на части или "
                                  "сожмите её и загрузите снова.", group_videos.FIELD)
        stored = False
        for part in req.get_media():
            if part.name == group_videos.FIELD and part.filename and not stored:
                group_videos.add_video(user, group, part.stream, part.filename, self.services.blobs, max_bytes=limit)
                stored = True
        if not stored:
            raise ValidationError("Выберите файл видеозаписи.", group_videos.FIELD)


class VideoDeleteResource(GroupPageResource):
    """POST …/videos/{id}/delete."""

    def on_post(self, req, resp, cabinet, group_id, video_id):
        user, cab, group = self.group(req, cabinet, group_id)
        self.attempt(req, resp, cab, user, group,
                     lambda form: group_videos.delete_video(user, group, video_id), "video_deleted")


class VideoResource(GroupPageResource):
    """GET …/videos/{id}: the recording with its type, whole or the asked byte range."""

    def on_get(self, req, resp, cabinet, group_id, video_id):
        user, cab, group = self.group(req, cabinet, group_id)
        video = group_videos.get_video(user, group, video_id)
        resp.content_type = video.content_type
        if req.get_param_as_bool("download"):
            resp.downloadable_as = video.filename
        else:
            resp.viewable_as = video.filename
        blobs = self.services.blobs
        first = byte_ranges.send(req, resp, video.size, lambda: open_document(blobs, video.digest),
                                 lambda start, end: blobs.open_range(video.digest, start, end))
        if first == 0:  # a player asks for many ranges; the view starts at the first byte
            audit.record("view", "group_video", video.id, {"group": group.id})


def add_routes(app: falcon.App, services: Services) -> None:
    # `_video.html` on the group page: upload times are stored in UTC, the list shows the wall clock.
    services.templates.filters.setdefault("utc_to_local", to_local)
    services.templates.filters.setdefault("video_size", group_videos.size_text)
    for kind in GROUP_KIND_TITLES:
        group = f"/cabinet/{{cabinet}}/{kind}/{{group_id:int}}"
        app.add_route(f"{group}/videos", VideoUploadResource(services, kind))
        app.add_route(f"{group}/videos/{{video_id:int}}", VideoResource(services, kind))
        app.add_route(f"{group}/videos/{{video_id:int}}/delete", VideoDeleteResource(services, kind))
