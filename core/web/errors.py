"""Error pages in Russian; a user never sees a stack trace."""
from __future__ import annotations

import logging

import falcon

from core.web.render import render
from core.context import Services
from core.exceptions import NotFoundError, PermissionDeniedError, ValidationError

log = logging.getLogger(__name__)

TITLES = {
    400: "Неверный запрос",
    401: "Требуется вход",
    403: "Доступ запрещён",
    404: "Страница не найдена",
    405: "Действие недоступно",
    413: "Файл слишком большой",
    429: "Слишком много попыток",
    500: "Внутренняя ошибка",
}
DESCRIPTIONS = {
    400: "Запрос не удалось обработать. Проверьте введённые данные.",
    401: "Войдите в систему, чтобы открыть эту страницу.",
    403: "У вашей учётной записи нет доступа к этой странице.",
    404: "Такой страницы нет. Проверьте адрес или вернитесь в личный кабинет.",
    405: "Это действие нельзя выполнить на этой странице.",
    500: "Произошла ошибка на сервере. Данные не потеряны; повторите действие позже. "
         "Если ошибка повторяется, сообщите администратору.",
}


def install_error_handlers(app: falcon.App, services: Services) -> None:
    """Render every error as a Russian page (or JSON for API clients)."""

    def _respond(req, resp, code: int, title: str | None, description: str | None):
        title = title if title and not title.isascii() else TITLES.get(code, "Ошибка")
        description = description if description and not description.isascii() else DESCRIPTIONS.get(code, "")
        if req.client_accepts_json and not req.client_accepts("text/html"):
            resp.status = code
            resp.media = {"error": title, "description": description}
            return
        render(services.templates, req, resp, "error.html", status=code, code=code, title=title,
               description=description)

    def http_error(req, resp, ex: falcon.HTTPError, params):
        _respond(req, resp, ex.status_code, ex.title, ex.description)
        if ex.headers:
            resp.set_headers(ex.headers)

    def permission_denied(req, resp, ex, params):
        _respond(req, resp, 403, None, str(ex))

    def not_found(req, resp, ex, params):
        _respond(req, resp, 404, None, str(ex))

    def invalid(req, resp, ex, params):
        _respond(req, resp, 400, None, str(ex))

    def unexpected(req, resp, ex, params):
        log.exception("unhandled error on %s %s", req.method, req.path)
        _respond(req, resp, 500, None, None)

    app.add_error_handler(Exception, unexpected)
    app.add_error_handler(falcon.HTTPError, http_error)
    app.add_error_handler(PermissionDeniedError, permission_denied)
    app.add_error_handler(NotFoundError, not_found)
    app.add_error_handler(ValidationError, invalid)
