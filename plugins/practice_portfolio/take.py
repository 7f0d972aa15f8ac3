"""The practical task (or portfolio defence) at the exam station: `/p/practice_portfolio/take`.

The candidate is known by the station session (`services.require_kiosk`). They see their
task — title, text, materials, the criteria with maximum points, the time left by the
server clock — or the portfolio requirements and what they attached to the application,
and hand in result files, which they may remove again until the time is up or the
commission has scored the work.
"""
from __future__ import annotations

import falcon

from core.context import Services
from core.exceptions import ValidationError
from core.models import ExamAttempt, KioskSession
from core.services import attempts, kiosk
from core.uploads import megabytes
from plugins.practice_portfolio import station
from plugins.practice_portfolio.files import ACCEPT, ALLOWED_TEXT, MAX_FILE_BYTES, MAX_FILES
from plugins.practice_portfolio.web import FORM_OVERHEAD, HELPERS, read_file_part

TAKE_PATH = "/p/practice_portfolio/take"
NOTICES = {"uploaded": "Файл загружен.", "deleted": "Файл удалён."}
TITLES = {attempts.PRACTICE: "Практический этап", attempts.PORTFOLIO: "Защита портфолио"}


class TakeBase:
    """The station guard and the candidate's attempt."""

    csrf_exempt = True  # require_kiosk checks the station session's own token

    def __init__(self, services: Services):
        self.services = services

    def session(self, req: falcon.Request) -> KioskSession:
        return self.services.require_kiosk(req)

    def attempt(self, session: KioskSession) -> ExamAttempt:
        return station.candidate_attempt(session.member, self.services.plugins)

    def page(self, req, resp, session: KioskSession, attempt: ExamAttempt, *, error: str | None = None,
             status=falcon.HTTP_200) -> None:
        application = session.member.application
        self.services.render(
            req, resp, "practice_portfolio/take.html", status=status, title=TITLES[attempt.stage], session=session,
            attempt=attempt, data=attempt.data, stage=attempt.stage, files=station.files_of(attempt),
            closed=station.closed_reason(attempt), remaining=attempts.remaining_seconds(attempt),
            portfolio=station.portfolio_of(application), application=application, error=error,
            notice=NOTICES.get(req.get_param("notice") or ""), accept=ACCEPT, allowed=ALLOWED_TEXT,
            max_mb=megabytes(MAX_FILE_BYTES), max_files=MAX_FILES, action=TAKE_PATH, **HELPERS)


class TakePage(TakeBase):
    """GET: the task, the criteria, the files handed in and the upload form."""

    def on_get(self, req, resp):
        session = self.session(req)
        try:
            attempt = self.attempt(session)
        except ValidationError as ex:  # no КОС, the plugin switched off: tell the organiser
            self.services.render(req, resp, "practice_portfolio/take_problem.html", status=falcon.HTTP_409,
                                 title="Задание не может быть выдано", message=str(ex), session=session)
            return
        kiosk.touch(session)
        self.page(req, resp, session, attempt)


class UploadResource(TakeBase):
    """POST a result file (multipart; the token in the action URL)."""

    def on_post(self, req, resp):
        session = self.session(req)
        attempt = self.attempt(session)
        if req.content_length and req.content_length > MAX_FILE_BYTES + FORM_OVERHEAD:
            self.page(req, resp, session, attempt, status=falcon.HTTP_422,
                      error=f"Файл больше {megabytes(MAX_FILE_BYTES)} МБ. Уменьшите его или разделите на части.")
            return
        try:
            added = read_file_part(req, "file", lambda stream, filename: station.add_file(
                attempt, self.services.blobs, stream, filename))
            if added is None:
                raise ValidationError("Выберите файл на компьютере и нажмите «Загрузить».", "file")
        except ValidationError as ex:
            self.page(req, resp, session, attempt, error=ex.message, status=falcon.HTTP_422)
            return
        raise falcon.HTTPSeeOther(f"{TAKE_PATH}?notice=uploaded")


class DeleteResource(TakeBase):
    """POST …/files/{file_id}/delete: the candidate removes their own file while the attempt is open."""

    def on_post(self, req, resp, file_id):
        session = self.session(req)
        attempt = self.attempt(session)
        try:
            station.delete_file(attempt, file_id)
        except ValidationError as ex:
            self.page(req, resp, session, attempt, error=ex.message, status=falcon.HTTP_422)
            return
        raise falcon.HTTPSeeOther(f"{TAKE_PATH}?notice=deleted")
