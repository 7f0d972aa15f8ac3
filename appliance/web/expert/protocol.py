"""«Протокол экспертной комиссии» on the review page, and the group's video recordings.

Buttons (seed 002): number and date → «Сформировать протокол»; «Скачать» (PDF, or DOCX to
edit); «Подписать факсимиле»; «Загрузить документ» (the signed scan, multipart with the CSRF
token in the action URL). A refused action re-shows the review page with the Russian reason
next to its field. The protocol is the deciding group's, reached through one of its
candidates, so every route checks commission membership the same way the page does.
"""
from __future__ import annotations

from urllib.parse import quote

import falcon

from core.web.downloads import DOCX, send_blob
from appliance.web.expert.common import result_url
from appliance.web.expert.results import PLAYABLE, ResultResource
from core.web.forms import read_form
from core import audit
from core.exceptions import NotFoundError, ValidationError
from core.models import GroupVideo
from core.services import commission_facts, commission_protocol
from core.services.documents import open_document
from core.uploads import JPEG, MIB, PDF, PNG

_SCAN_TYPES = ((PDF, b"%PDF-", ".pdf"), (JPEG, b"\xff\xd8\xff", ".jpg"), (PNG, b"\x89PNG\r\n\x1a\n", ".png"))


class _VariantResource(ResultResource):
    """One resource class behind several routes that differ by one word (`variant`, given in routes.py)."""

    def __init__(self, services, variant: str):
        super().__init__(services)
        self.variant = variant


class ProtocolActionResource(_VariantResource):
    """POST …/protocol (number and date; variant «generate») and …/protocol/sign (variant «sign»)."""

    def on_post(self, req, resp, application_id):
        user, application, group = self.result(req, application_id)
        form = read_form(req)
        blobs = self.services.blobs
        try:
            if self.variant == "generate":
                commission_protocol.generate_protocol(user, group, form.get("protocol_number", ""),
                                                      form.get("protocol_date", ""), blobs)
            else:
                commission_protocol.sign_protocol(user, group, blobs)
        except ValidationError as ex:
            field = ex.field if ex.field in ("protocol_number", "protocol_date") else "protocol"
            self.show(req, resp, user, application, group, status=falcon.HTTP_422, errors={field: ex.message},
                      form=form)
            return
        notice = "protocol" if self.variant == "generate" else "signed"
        raise falcon.HTTPSeeOther(result_url(application.id, f"?notice={notice}#protocol"))


class ProtocolUploadResource(ResultResource):
    """POST …/protocol/upload: «Загрузить документ» (PDF, JPEG or PNG, checked by content)."""

    def on_post(self, req, resp, application_id):
        user, application, group = self.result(req, application_id)
        try:
            if not (req.content_type or "").startswith(falcon.MEDIA_MULTIPART):
                raise ValidationError("Выберите файл подписанного протокола.", "file")
            stored = None
            for part in req.get_media():
                if part.name == "file" and part.filename:
                    stored = commission_protocol.upload_protocol(
                        user, group, part.stream, part.filename, self.services.blobs,
                        max_bytes=self.services.config.max_upload_mb * MIB)
            if stored is None:
                raise ValidationError("Выберите файл подписанного протокола.", "file")
        except ValidationError as ex:
            self.show(req, resp, user, application, group, status=falcon.HTTP_422,
                      errors={"file": ex.message})
            return
        raise falcon.HTTPSeeOther(result_url(application.id, "?notice=uploaded#protocol"))


class ProtocolFileResource(_VariantResource):
    """GET …/protocol.pdf, …/protocol.docx, …/protocol/scan (variant «pdf», «docx», «scan»)."""

    def on_get(self, req, resp, application_id):
        user, application, group = self.result(req, application_id)
        blobs = self.services.blobs
        protocol = commission_protocol.protocol_of(group)
        reader = {"pdf": commission_protocol.protocol_pdf, "docx": commission_protocol.protocol_docx,
                  "scan": commission_protocol.uploaded_protocol}[self.variant]
        data = reader(user, group, blobs)
        name = f"Протокол экспертной комиссии № {protocol.number} от {protocol.protocol_date:%d.%m.%Y}"
        if self.variant == "scan":
            content_type, suffix = next(((t, s) for t, magic, s in _SCAN_TYPES if data.startswith(magic)),
                                        ("application/octet-stream", ""))
            name += f" (подписанный){suffix}"
        else:
            content_type, name = (PDF, name + ".pdf") if self.variant == "pdf" else (DOCX, name + ".docx")
        resp.content_type = content_type
        resp.set_header("Content-Disposition", f"attachment; filename=\"protocol-{group.id}\"; "
                                               f"filename*=UTF-8''{quote(name)}")
        resp.data = data


class VideoResource(ResultResource):
    """GET …/videos/{video_id}: a recording of one of the candidate's exam groups (``?play=1`` inline)."""

    def on_get(self, req, resp, application_id, video_id):
        user, application, group = self.result(req, application_id)
        groups = {group.id, *(s.group.id for s in commission_facts.stage_results(application))}
        video = GroupVideo.get_or_none((GroupVideo.id == video_id) & GroupVideo.group.in_(list(groups)))
        if video is None:
            raise NotFoundError("Видеозапись не найдена.")
        audit.record("view", "group_video", video.id, {"application": application.id})
        if req.get_param_as_bool("play") and video.content_type in PLAYABLE:
            resp.content_type = video.content_type
            resp.set_header("Content-Disposition", f"inline; filename*=UTF-8''{quote(video.filename)}")
            resp.stream = open_document(self.services.blobs, video.digest)
            resp.content_length = video.size
            return
        send_blob(resp, self.services.blobs, video.digest, video.filename, video.content_type)
