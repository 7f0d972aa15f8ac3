"""«Хранение видеозаписей» at /p/video_capture/retention: acts to download, the СПК's keeping term.

ЦОК staff see the destruction acts of their venues, venue staff those of their own venue; an act
of another organisation answers 404. СПК staff set how many years recordings of exams that were
not passed are kept (`RetentionPolicy.failed_years`); the passed term follows the law and the
qualification's certificate validity, so it is explained, not editable. Downloading an act (it
names candidates) is audited.
"""
from __future__ import annotations

from urllib.parse import quote

import falcon

from core import audit
from core.exceptions import ValidationError
from core.models import Organisation, OrgKind
from plugins.video_capture import retention
from plugins.video_capture.destruction_act import size_text
from plugins.video_capture.models import DestructionAct

BASE = "/p/video_capture/retention"
ACT_URL = BASE + "/acts/{id}"
CABINETS = frozenset({"cok", "venue", "spk"})
ROLES = frozenset({"admin", "operator"})
PAGE_SIZE = 25


def visible_acts(org: Organisation):
    """Acts of the venue, or of every venue of the ЦОК (and the ЦОК itself); none for anybody else."""
    if org.kind == OrgKind.VENUE.value:
        return DestructionAct.select().where(DestructionAct.venue == org.id)
    if org.kind == OrgKind.COK.value:
        venues = Organisation.select(Organisation.id).where((Organisation.parent == org.id)
                                                            | (Organisation.id == org.id))
        return DestructionAct.select().where(DestructionAct.venue.in_(venues))
    return DestructionAct.select().where(DestructionAct.id.is_null())


class RetentionBase:
    def __init__(self, services):
        self.services = services

    def guard(self, req: falcon.Request):
        """Signed in (else to the login page), staff of a СПК, ЦОК or venue (else 404); returns (user, org)."""
        user = req.context.get("user")
        if user is None:
            raise falcon.HTTPSeeOther(f"/login?next={quote(req.relative_uri if req.method == 'GET' else BASE)}")
        if user.cabinet.value not in CABINETS or user.role not in ROLES or user.organisation_id is None:
            raise falcon.HTTPNotFound()
        self.services.require_cabinet(req, user.cabinet.value)
        return user, Organisation.get_by_id(user.organisation_id)


class RetentionPage(RetentionBase):
    """GET: the acts (ЦОК, venue) or the keeping term (СПК); POST: the СПК saves its term."""

    def on_get(self, req, resp):
        user, org = self.guard(req)
        self.show(req, resp, org, form={"failed_years": str(retention.failed_years(org))})

    def on_post(self, req, resp):
        user, org = self.guard(req)
        if org.kind != OrgKind.SPK.value:
            raise falcon.HTTPNotFound()
        if not (req.content_type or "").startswith(falcon.MEDIA_URLENCODED):
            raise falcon.HTTPBadRequest(title="Неверный запрос", description="Ожидалась отправка формы.")
        media = req.get_media() or {}
        raw = media.get("failed_years", "")
        text = str(raw[-1] if isinstance(raw, list) and raw else raw or "").strip()[:10]
        try:
            if not text.isdigit():
                raise ValidationError("Укажите срок целым числом лет, например 1.", "failed_years")
            retention.set_failed_years(org, int(text))
        except ValidationError as ex:
            self.show(req, resp, org, form={"failed_years": text}, error=ex.message, status=falcon.HTTP_422)
            return
        raise falcon.HTTPSeeOther(f"{BASE}?notice=saved")

    def show(self, req, resp, org, *, form, error=None, status=falcon.HTTP_200) -> None:
        is_spk = org.kind == OrgKind.SPK.value
        rows, total, pages, page = [], 0, 1, 1
        if not is_spk:
            query = visible_acts(org)
            total = query.count()
            pages = max(1, -(-total // PAGE_SIZE))
            page = min(req.get_param_as_int("page", default=1, min_value=1), pages)
            rows = list(query.order_by(DestructionAct.created_at.desc(), DestructionAct.id.desc())
                        .paginate(page, PAGE_SIZE))
        notice = "Срок хранения сохранён." if req.get_param("notice") == "saved" else None
        self.services.render(req, resp, "video_capture/retention.html", status=status, title="Хранение видеозаписей",
                             base=BASE, is_spk=is_spk, rows=rows, total=total, page=page, pages=pages, form=form,
                             error=error, notice=notice, size_text=size_text, extra_years=retention.EXTRA_YEARS_PASSED,
                             max_years=retention.MAX_FAILED_YEARS)


class ActFile(RetentionBase):
    """GET one act as PDF: only its venue's and ЦОК's staff."""

    def on_get(self, req, resp, act_id):
        user, org = self.guard(req)
        act = visible_acts(org).where(DestructionAct.id == act_id).first()
        if act is None:
            raise falcon.HTTPNotFound()
        audit.record("download", "video_capture_destruction_act", act.id, {"number": act.number})
        resp.content_type = "application/pdf"
        resp.downloadable_as = f"akt-unichtozheniya-{act.number}.pdf"
        resp.data = self.services.blobs.read(act.pdf_digest)


def add_routes(app, services) -> None:
    app.add_route(BASE, RetentionPage(services))
    app.add_route(BASE + "/acts/{act_id:int}", ActFile(services))
