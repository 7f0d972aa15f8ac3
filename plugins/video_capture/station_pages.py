"""«Видеофиксация»: the stations page of the venue's (and the ЦОК's) staff at /p/video_capture/stations.

Lists the stations with their state (enrolled, online, whom they film), adds a station, hands
out a one-time enrolment code (rendered once, never put in a URL), chooses the group a room
camera films and revokes a station. Signed-in staff of a venue or a ЦОК only; anyone else, and
another organisation's station, answers 404. The list names candidates, so viewing it is audited.
"""
from __future__ import annotations

from urllib.parse import quote

import falcon

from core import audit
from core.exceptions import NotFoundError, PermissionDeniedError, ValidationError
from core.models import OrgKind
from core.services.kiosk import utc_to_local
from plugins.video_capture import stations
from plugins.video_capture.binding import current_bindings, group_label
from plugins.video_capture.models import ROOM, STATION_KINDS, WORKSTATION

BASE = "/p/video_capture/stations"
CABINETS = frozenset({"venue", "cok"})
ROLES = frozenset({"admin", "operator"})
NOTICES = {"added": "Станция добавлена. Выдайте ей код подключения.", "group": "Группа камеры зала сохранена.",
           "revoked": "Станция отключена: её токен больше не действует. Записи станции сохранены."}
MAX_FIELD = 200


class StationsBase:
    def __init__(self, services):
        self.services = services

    def guard(self, req: falcon.Request):
        """Signed in (else to the login page), staff of a venue or a ЦОК (else 404)."""
        user = req.context.get("user")
        if user is None:
            raise falcon.HTTPSeeOther(f"/login?next={quote(req.relative_uri if req.method == 'GET' else BASE)}")
        if user.cabinet.value not in CABINETS:
            raise falcon.HTTPNotFound()
        self.services.require_cabinet(req, user.cabinet.value)
        try:
            stations.staff_organisation(user)
        except PermissionDeniedError:
            raise falcon.HTTPNotFound() from None
        return user

    def station(self, user, station_id: int):
        try:
            return stations.get_station(user, station_id)
        except NotFoundError:
            raise falcon.HTTPNotFound() from None

    @staticmethod
    def read_form(req: falcon.Request) -> dict[str, str]:
        if not (req.content_type or "").startswith(falcon.MEDIA_URLENCODED):
            raise falcon.HTTPBadRequest(title="Неверный запрос", description="Ожидалась отправка формы.")
        media = req.get_media() or {}
        return {key: str(value[-1] if isinstance(value, list) and value else value or "").strip()[:MAX_FIELD]
                for key, value in media.items()}

    def show(self, req, resp, user, *, form=None, error=None, error_field=None, issued=None,
             status=falcon.HTTP_200, row_error=None) -> None:
        page = req.get_param_as_int("page", default=1, min_value=1)
        rows, total = stations.list_stations(user, page)
        bindings = current_bindings(rows)
        choices: dict[int, list] = {}
        for row in rows:
            if row.kind == ROOM and row.venue_id not in choices:
                choices[row.venue_id] = [(g.id, group_label(g)) for g in stations.room_group_choices(row)]
        org = stations.staff_organisation(user)
        audit.record("view", "video_capture_station_list", org.id, {"page": page})
        pages = max(1, -(-total // stations.PAGE_SIZE))
        self.services.render(
            req, resp, "video_capture/stations.html", status=status, title="Видеофиксация", base=BASE, rows=rows,
            bindings=bindings, choices=choices, online={r.id: stations.is_online(r) for r in rows},
            local=lambda moment: utc_to_local(moment) if moment else None, kinds=STATION_KINDS, room=ROOM,
            venues=stations.venue_choices(user), is_cok=org.kind == OrgKind.COK.value,
            form=form or {"kind": WORKSTATION}, error=error, error_field=error_field, issued=issued,
            row_error=row_error, notice=NOTICES.get(req.get_param("notice") or ""), page=min(page, pages),
            pages=pages, total=total)


class StationsPage(StationsBase):
    """The list and the «Добавить станцию» form."""

    def on_get(self, req, resp):
        self.show(req, resp, self.guard(req))

    def on_post(self, req, resp):
        user = self.guard(req)
        form = self.read_form(req)
        try:
            stations.create_station(user, form.get("name", ""), form.get("kind", ""), form.get("address", ""),
                                    form.get("venue", ""))
        except ValidationError as ex:
            self.show(req, resp, user, form=form, error=ex.message, error_field=ex.field or "name",
                      status=falcon.HTTP_422)
            return
        raise falcon.HTTPSeeOther(f"{BASE}?notice=added")


class StationActionPage(StationsBase):
    """POST …/{id}/code, …/{id}/group, …/{id}/revoke."""

    def __init__(self, services, action: str):
        super().__init__(services)
        self.action = action

    def on_post(self, req, resp, station_id):
        user = self.guard(req)
        station = self.station(user, station_id)
        form = self.read_form(req)
        if self.action == "code":
            code, expires = stations.issue_code(user, station)
            self.show(req, resp, user, issued={"station": station, "code": code, "expires": utc_to_local(expires)})
            return
        try:
            if self.action == "group":
                stations.set_room_group(user, station, form.get("group", ""))
            else:
                stations.revoke(user, station)
        except ValidationError as ex:
            self.show(req, resp, user, row_error={"station": station.id, "message": ex.message},
                      status=falcon.HTTP_422)
            return
        raise falcon.HTTPSeeOther(f"{BASE}?notice={'group' if self.action == 'group' else 'revoked'}")


def add_routes(app, services) -> None:
    app.add_route(BASE, StationsPage(services))
    for action in ("code", "group", "revoke"):
        app.add_route(f"{BASE}/{{station_id:int}}/{action}", StationActionPage(services, action))
