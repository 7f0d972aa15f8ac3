"""Area «enrol»: `POST /federation/enrol` — an appliance exchanges keys with the registry (JSON in, JSON out).

No session and no CSRF token: the caller is a program, and what authenticates it is the one-time code
proven by the request's MAC. Failed attempts are counted per client address (`central.enrolment`),
so guessing codes stops after a few tries.
"""
from __future__ import annotations

import json
import logging

import falcon

from central import enrolment
from core.context import Services
from core.exceptions import PermissionDeniedError, ValidationError
from core.web.middleware import client_ip
from federation.protocol import ENROL_PATH

log = logging.getLogger(__name__)
MAX_REQUEST_BYTES = 64 * 1024


class EnrolResource:
    """Принять запрос комплекса на подключение к реестру."""

    csrf_exempt = True

    def __init__(self, services: Services):
        self.services = services

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        address = client_ip(req)
        if enrolment.is_throttled(address):
            log.warning("Подключение с адреса %s временно заблокировано после неудачных попыток", address)
            self._error(resp, falcon.HTTP_429, "Слишком много неудачных попыток подключения с этого адреса. "
                                               "Повторите через 15 минут.")
            return
        request = None
        try:
            request = self._read(req)
            resp.media = enrolment.enrol(self.services, request)
            resp.status = falcon.HTTP_200
        except ValidationError as ex:
            self._refused(resp, falcon.HTTP_400, str(ex), address, request)
        except PermissionDeniedError as ex:
            self._refused(resp, falcon.HTTP_403, str(ex), address, request)

    @staticmethod
    def _read(req: falcon.Request) -> object:
        if req.content_length is not None and req.content_length > MAX_REQUEST_BYTES:
            raise ValidationError("Запрос на подключение слишком велик.")
        raw = req.bounded_stream.read(MAX_REQUEST_BYTES + 1)
        if len(raw) > MAX_REQUEST_BYTES:
            raise ValidationError("Запрос на подключение слишком велик.")
        try:
            return json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise ValidationError("Запрос на подключение должен быть JSON-объектом в UTF-8.") from None

    def _refused(self, resp: falcon.Response, status: str, reason: str, address: str | None, request) -> None:
        appliance_id = request.get("appliance_id") if isinstance(request, dict) else None
        log.warning("Отказ в подключении комплекса %r с адреса %s: %s", appliance_id, address, reason)
        enrolment.record_failure(address, reason, appliance_id)
        self._error(resp, status, reason)

    @staticmethod
    def _error(resp: falcon.Response, status: str, reason: str) -> None:
        resp.status = status
        resp.media = {"error": reason}


def add_routes(app: falcon.App, services: Services) -> None:
    app.add_route(ENROL_PATH, EnrolResource(services))
