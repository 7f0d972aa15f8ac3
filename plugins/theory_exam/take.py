"""The theory test at the exam station: `/p/theory_exam/take` and its answer, state and finish requests.

The candidate is known by the station session (`services.require_kiosk`). The attempt is
started on the first open and resumed on every later one; every request finishes it by the
clock first (`attempts.refresh`). Saving an answer is the hot path of exam day (benchmarked
with 2000 candidates): one session lookup, one attempt read, one write transaction, JSON
out — no template and no audit record per answer. The key is never rendered or sent.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

import falcon

from core.context import Services
from core.exceptions import ValidationError
from core.security import constant_time_equal
from core.models import ExamAttempt, FinishReason, KioskSession
from core.services import attempts, kiosk
from plugins.theory_exam.providers import is_given
from plugins.theory_exam.values import HINTS, check_value, find_question, form_value, public

TAKE_PATH = "/p/theory_exam/take"
KIOSK_COOKIE = "nok_kiosk"
MAX_BODY = 64 * 1024
CLOSED_MESSAGE = "Экзамен завершён: ответы больше не принимаются."


def number_text(value) -> str:
    """12.50 → «12,5»: points as Russian documents write them."""
    if value in (None, ""):
        return "—"
    return f"{Decimal(str(value)).normalize():f}".replace(".", ",")


def _one(value):
    """The last of a repeated form field."""
    return value[-1] if isinstance(value, list) and value else value


def answered_ids(data: dict, answers: dict) -> set[str]:
    return {q["id"] for q in data.get("questions", []) if is_given(answers.get(q["id"]))}


def render_questions(services: Services, req, resp, session: KioskSession, attempt: ExamAttempt, answers: dict,
                     *, errors: dict | None = None, status=falcon.HTTP_200) -> None:
    """The test page: the variant without its key, the saved answers and the server's time left."""
    data = attempt.data
    questions = [public(q) for q in data["questions"]]
    answered = answered_ids(data, answers)
    services.render(req, resp, "theory_exam/take.html", status=status, title="Теоретический этап",
                    session=session, questions=questions, answers=answers, answered=answered,
                    errors=errors or {}, hints=HINTS, remaining=attempts.remaining_seconds(attempt),
                    unanswered=len(questions) - len(answered), action=f"{TAKE_PATH}/answer")


class TakeBase:
    """The station guard and the candidate's attempt."""

    csrf_exempt = True  # require_kiosk checks the station session's own token

    def __init__(self, services: Services):
        self.services = services

    def session(self, req: falcon.Request) -> KioskSession:
        session = self.services.require_kiosk(req)
        if session.member.group.kind != attempts.THEORY:
            raise falcon.HTTPNotFound(description="Эта группа сдаёт не теоретический этап.")
        return session

    def attempt(self, session: KioskSession) -> ExamAttempt | None:
        attempt = attempts.attempt_of(session.member_id, attempts.THEORY)
        return attempts.refresh(attempt, self.services.plugins) if attempt is not None else None


class TakePage(TakeBase):
    """The test: every question on one page with numbered navigation and the server's timer."""

    def on_get(self, req, resp):
        session = self.session(req)
        try:
            attempt = attempts.refresh(attempts.start_attempt(session.member, self.services.plugins),
                                       self.services.plugins)
        except ValidationError as ex:
            self.services.render(req, resp, "theory_exam/take_problem.html", status=falcon.HTTP_409,
                                 title="Экзамен не может начаться", message=str(ex), session=session)
            return
        if attempt.finished_at is not None:
            self.result(req, resp, session, attempt)
            return
        kiosk.touch(session)
        render_questions(self.services, req, resp, session, attempt, attempts.answers_of(attempt))

    def result(self, req, resp, session, attempt) -> None:
        """«Экзамен завершён»: shown once; the station session closes with it."""
        details = attempt.score_details
        kiosk.sign_out(session)
        resp.unset_cookie(KIOSK_COOKIE, path="/", same_site="Strict")
        self.services.render(req, resp, "theory_exam/take_result.html", title="Экзамен завершён", session=session,
                             attempt=attempt, total=len(attempt.data["questions"]), answered=details.get("answered", 0),
                             reason=FinishReason.TITLES.get(attempt.finish_reason, ""),
                             points=number_text(attempt.points), max_points=number_text(attempt.max_points),
                             pass_points=number_text(details.get("pass_points")),
                             show_result=getattr(self.services.config, "kiosk_show_result", True))


def read_answer(req: falcon.Request, data: dict) -> tuple[dict, Any]:
    """(question, checked value) of an answer request, JSON or a plain form.

    A Russian `ValidationError` names the question in ``field`` when it got that far.
    """
    as_json = wants_json(req)
    if req.content_length and req.content_length > MAX_BODY:
        raise ValidationError("Ответ слишком длинный.")
    try:
        body = req.get_media()
    except falcon.HTTPError:
        raise ValidationError("Неверный запрос: обновите страницу.") from None
    if not isinstance(body, dict):
        raise ValidationError("Неверный запрос: обновите страницу.")
    question = find_question(data, _one(body.get("question")))
    if question is None:
        raise ValidationError("Такого вопроса нет в вашем варианте.")
    try:
        return question, check_value(question, body.get("value") if as_json else form_value(question, body))
    except ValidationError as ex:
        raise ValidationError(ex.message, field=question["id"]) from None


def wants_json(req: falcon.Request) -> bool:
    return (req.content_type or "").startswith(falcon.MEDIA_JSON)


def json_error(resp: falcon.Response, message: str) -> None:
    resp.status = falcon.HTTP_422
    resp.media = {"error": message}


def json_closed(resp: falcon.Response, message: str = CLOSED_MESSAGE) -> None:
    resp.status = falcon.HTTP_409
    resp.media = {"closed": True, "message": message}


def typed_answers(answers: dict, data: dict, field: str | None, req: falcon.Request) -> dict:
    """The saved answers plus what was just typed into a text or number field (shown with its error)."""
    question = find_question(data, field)
    if question is not None and question["type"] in ("text", "number"):
        form = req.get_media() or {}
        answers = {**answers, question["id"]: str(_one(form.get("value")) or "")}
    return answers


def anchor(data: dict, question_id: str) -> str:
    return f"#q-{[q['id'] for q in data['questions']].index(question_id) + 1}"


class AnswerResource(TakeBase):
    """Save one answer: JSON from the page's script, or a plain form post without JavaScript."""

    def on_post(self, req, resp):
        as_json = wants_json(req)
        if as_json:
            return self.save_from_script(req, resp)
        session = self.session(req)
        attempt = self.attempt(session)
        if attempt is None or attempt.finished_at is not None:
            if not as_json:
                raise falcon.HTTPSeeOther(TAKE_PATH)
            return json_closed(resp) if attempt is not None else json_error(
                resp, "Экзамен ещё не начат: обновите страницу.")
        data = attempt.data
        try:
            question, value = read_answer(req, data)
        except ValidationError as ex:
            if as_json:
                return json_error(resp, ex.message)
            if ex.field is None:
                raise falcon.HTTPUnprocessableEntity(title="Ответ не сохранён", description=ex.message) from None
            answers = typed_answers(attempts.answers_of(attempt), data, ex.field, req)
            return render_questions(self.services, req, resp, session, attempt, answers,
                                    errors={ex.field: ex.message}, status=falcon.HTTP_422)
        try:
            attempts.save_answer(attempt, question["id"], value)
        except attempts.AttemptClosedError:
            attempts.refresh(attempt, self.services.plugins)
            if not as_json:
                raise falcon.HTTPSeeOther(TAKE_PATH) from None
            return json_closed(resp)
        if not as_json:
            raise falcon.HTTPSeeOther(TAKE_PATH + anchor(data, question["id"]))
        resp.media = {"saved": True, "remaining": attempts.remaining_seconds(attempt)}


    def save_from_script(self, req, resp) -> None:
        """The page script's save: one narrow query for session and attempt, one write, JSON out."""
        cookie = req.get_cookie_values(KIOSK_COOKIE)
        target = kiosk.answer_target(cookie[0] if cookie else None, attempts.THEORY)
        if target is None:
            raise falcon.HTTPSeeOther("/kiosk")
        sent = req.get_header("X-CSRF-Token")
        if not sent or not constant_time_equal(sent, target.csrf_token):
            raise falcon.HTTPForbidden(
                title="Форма устарела",
                description="Страница экзамена устарела или открыта в другом окне. Обновите страницу.")
        attempt = target.attempt
        if attempt is None:
            return json_error(resp, "Экзамен ещё не начат: обновите страницу.")
        if attempt.finished_at is not None:
            return json_closed(resp)
        try:
            question, value = read_answer(req, attempt.data)
            attempts.save_answer(attempt, question["id"], value)
        except attempts.AttemptClosedError:
            attempts.refresh(attempts.get_attempt(attempt.id), self.services.plugins)  # finished by the clock
            return json_closed(resp)
        except ValidationError as ex:
            return json_error(resp, ex.message)
        resp.media = {"saved": True, "remaining": attempts.remaining_seconds(attempt)}


class StateResource(TakeBase):
    """`{"remaining", "finished", "answers"}`: what a reloaded or reconnected page resumes from."""

    def on_get(self, req, resp):
        session = self.session(req)
        attempt = self.attempt(session)
        if attempt is None:
            resp.media = {"remaining": None, "finished": False, "answers": {}}
            return
        resp.media = {"remaining": attempts.remaining_seconds(attempt), "finished": attempt.finished_at is not None,
                      "answers": attempts.answers_of(attempt)}


class FinishResource(TakeBase):
    """«Завершить экзамен»: a confirmation with the number of unanswered questions, then the end."""

    def on_post(self, req, resp):
        session = self.session(req)
        attempt = self.attempt(session)
        if attempt is None or attempt.finished_at is not None:
            raise falcon.HTTPSeeOther(TAKE_PATH)
        form = req.get_media() if (req.content_type or "").startswith(falcon.MEDIA_URLENCODED) else {}
        if _one((form or {}).get("confirm")) == "yes":
            attempts.finish_attempt(attempt, self.services.plugins, FinishReason.SUBMITTED)
            raise falcon.HTTPSeeOther(TAKE_PATH)
        data, answers = attempt.data, attempts.answers_of(attempt)
        self.services.render(req, resp, "theory_exam/take_confirm.html", title="Завершить экзамен?",
                             session=session, total=len(data["questions"]),
                             unanswered=len(data["questions"]) - len(answered_ids(data, answers)),
                             remaining=attempts.remaining_seconds(attempt))


def add_take_routes(app: falcon.App, services: Services) -> None:
    """The exam station's theory pages (`services.require_kiosk` guards each)."""
    app.add_route(TAKE_PATH, TakePage(services))
    app.add_route(f"{TAKE_PATH}/answer", AnswerResource(services))
    app.add_route(f"{TAKE_PATH}/state", StateResource(services))
    app.add_route(f"{TAKE_PATH}/finish", FinishResource(services))
