"""The HTTP API the station recorder calls (``nok station …``), under /p/video_capture/api/.

Every call but enrolment carries ``Authorization: Bearer <station token>``; answers are JSON and
errors are ``{"error": "<Russian text>"}`` (a refused upload chunk adds ``"received"``). These
resources are ``csrf_exempt``: a station has no browser session, its token is the credential.

- POST /enrol ``{"code", "public_key", "address"?}`` → 200 ``{"station", "name", "token"}``
- GET  /binding → ``{"group", "member", "label"}``
- POST /recordings ``{"uuid", "source", "label", "started_at"}`` → 201 ``{"recording": uuid}``
  (a repeat answers the same: idempotent on the UUID)
- PUT  /recordings/{uuid}/segments/{seq} with ``X-Segment-Manifest`` (base64 JSON),
  ``X-Segment-Signature`` (hex), ``Content-Range: bytes START-END/TOTAL`` and the bytes →
  200 ``{"received": n}`` while incomplete, 201 ``{"stored": true, "verified", "problem"}`` when the
  last byte made it complete, 200 ``{"stored": true, …}`` when it was already stored
- HEAD the same URL → headers ``X-Received-Bytes`` and ``X-Segment-Stored`` (``1``/``0``);
  GET …/{seq}/status → ``{"received", "size", "stored", …}``
- POST /frame (``image/jpeg``, ≤ 300 КБ) → 204
"""
from __future__ import annotations

import functools
import json

import falcon

from core.exceptions import (AuthenticationError, BlobTooLargeError, NotFoundError, PermissionDeniedError,
                             ValidationError)
from plugins.video_capture import segments_store, stations
from plugins.video_capture.binding import current_binding
from plugins.video_capture.stations import ConflictError

API = "/p/video_capture/api"
MAX_JSON_BYTES = 16 * 1024
STATUS = [(ConflictError, falcon.HTTP_409), (AuthenticationError, falcon.HTTP_401),
          (PermissionDeniedError, falcon.HTTP_403), (NotFoundError, falcon.HTTP_404),
          (BlobTooLargeError, falcon.HTTP_413), (ValidationError, falcon.HTTP_422)]


def json_errors(handler):
    """Answer the services' Russian errors as ``{"error": …}`` with the matching status."""

    @functools.wraps(handler)
    def wrapper(self, req, resp, **params):
        try:
            handler(self, req, resp, **params)
        except tuple(cls for cls, _ in STATUS) as ex:
            resp.status = next(status for cls, status in STATUS if isinstance(ex, cls))
            resp.media = {"error": str(ex)}
            if isinstance(ex, ConflictError) and ex.received is not None:
                resp.media["received"] = ex.received
            if isinstance(ex, AuthenticationError):
                resp.set_header("WWW-Authenticate", 'Bearer realm="nok-station"')
    return wrapper


def read_json(req: falcon.Request) -> object:
    """A small JSON body (bounded before it is read)."""
    if (req.content_length or 0) > MAX_JSON_BYTES:
        raise ValidationError(f"Тело запроса больше {MAX_JSON_BYTES // 1024} КБ.")
    raw = req.bounded_stream.read(MAX_JSON_BYTES + 1)
    if len(raw) > MAX_JSON_BYTES:
        raise ValidationError(f"Тело запроса больше {MAX_JSON_BYTES // 1024} КБ.")
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ValidationError("Тело запроса должно быть JSON в кодировке UTF-8.") from None


class StationResource:
    """Base of the API resources: the station of the bearer token, noted as seen."""

    csrf_exempt = True

    def __init__(self, services):
        self.services = services

    def station(self, req: falcon.Request):
        station = stations.authenticate(req.get_header("Authorization"))
        stations.seen(station)
        return station


class EnrolResource(StationResource):
    @json_errors
    def on_post(self, req, resp):
        data = read_json(req)
        if not isinstance(data, dict):
            raise ValidationError("Ожидался объект JSON с полями code и public_key.")
        station, token = stations.enrol(data.get("code"), data.get("public_key"), data.get("address"),
                                        req.remote_addr)
        resp.media = {"station": station.id, "name": station.name, "token": token}


class BindingResource(StationResource):
    @json_errors
    def on_get(self, req, resp):
        resp.media = current_binding(self.station(req)).as_json()


class RecordingsResource(StationResource):
    @json_errors
    def on_post(self, req, resp):
        station = self.station(req)
        recording = segments_store.create_recording(station, read_json(req), set(self.services.plugins.recorders()))
        resp.status = falcon.HTTP_201
        resp.media = {"recording": recording.uuid}


class SegmentBase(StationResource):
    """One segment of the station's own recording."""

    def _recording(self, req, uuid: str, seq: int):
        station = self.station(req)
        if seq < 0:
            raise NotFoundError("Сегмент не найден.")
        return station, segments_store.station_recording(station, uuid)

    def _status(self, req, uuid, seq):
        station, recording = self._recording(req, uuid, seq)
        return segments_store.upload_status(self.services.blobs, self.services.config.data_dir, recording, seq)


class SegmentResource(SegmentBase):
    """Chunks in (PUT), progress out (HEAD)."""

    @json_errors
    def on_put(self, req, resp, uuid, seq):
        station, recording = self._recording(req, uuid, seq)
        rng = segments_store.parse_content_range(req.get_header("Content-Range"))
        if req.content_length is not None and req.content_length != rng.length:
            raise ValidationError("Длина тела запроса не совпадает с диапазоном Content-Range.")
        manifest = segments_store.read_manifest(req.get_header("X-Segment-Manifest"),
                                                req.get_header("X-Segment-Signature"), station, recording, seq)
        state = segments_store.receive_chunk(self.services.blobs, self.services.config.data_dir, recording, manifest,
                                             req.get_header("X-Segment-Signature"), rng, req.bounded_stream)
        if state.stored:
            resp.status = falcon.HTTP_201 if state.completed else falcon.HTTP_200
            resp.media = {"stored": True, "verified": state.verified, "problem": state.problem}
        else:
            resp.media = {"received": state.received}

    @json_errors
    def on_head(self, req, resp, uuid, seq):
        state = self._status(req, uuid, seq)
        resp.set_header("X-Received-Bytes", str(state.received))
        resp.set_header("X-Segment-Stored", "1" if state.stored else "0")


class SegmentStatusResource(SegmentBase):
    @json_errors
    def on_get(self, req, resp, uuid, seq):
        resp.media = self._status(req, uuid, seq).as_json()


class FrameResource(StationResource):
    @json_errors
    def on_post(self, req, resp):
        station = self.station(req)
        if not (req.content_type or "").startswith("image/jpeg"):
            raise ValidationError("Кадр отправляется как image/jpeg.")
        limit = stations.MAX_FRAME_BYTES
        if (req.content_length or 0) > limit:
            raise BlobTooLargeError(f"Кадр больше {limit // 1024} КБ.")
        stations.store_frame(station, req.bounded_stream.read(limit + 1))
        resp.status = falcon.HTTP_204


def add_routes(app, services) -> None:
    """Register the station API under /p/video_capture/api/."""
    app.add_route(f"{API}/enrol", EnrolResource(services))
    app.add_route(f"{API}/binding", BindingResource(services))
    app.add_route(f"{API}/recordings", RecordingsResource(services))
    app.add_route(f"{API}/recordings/{{uuid}}/segments/{{seq:int}}", SegmentResource(services))
    app.add_route(f"{API}/recordings/{{uuid}}/segments/{{seq:int}}/status", SegmentStatusResource(services))
    app.add_route(f"{API}/frame", FrameResource(services))
