"""«Пробный экзамен» pages of the applicant cabinet (`/p/theory_exam/trial…`).

Every request checks the applicant cabinet (`services.require_cabinet`) and that the trial
is the user's own (another applicant's trial answers 404). The question widgets and the
script are the exam station's, so the trial looks exactly like the real test.
"""
from __future__ import annotations

import falcon

from core.context import Services
from core.exceptions import ValidationError
from core.models import User
from plugins.theory_exam import trial as trials
from plugins.theory_exam.providers import TheoryExam, is_given
from plugins.theory_exam.take import (json_closed, json_error, number_text, read_answer, typed_answers,
                                      wants_json, anchor)
from plugins.theory_exam.values import HINTS, public, right_answer_text

TRIAL_PATH = "/p/theory_exam/trial"


class TrialBase:
    def __init__(self, services: Services):
        self.services = services

    def applicant(self, req: falcon.Request) -> User:
        user, _ = self.services.require_cabinet(req, "applicant")
        return user

    def render_run(self, req, resp, trial, answers, *, errors=None, status=falcon.HTTP_200) -> None:
        data = trial.data
        answered = {q["id"] for q in data["questions"] if is_given(answers.get(q["id"]))}
        self.services.render(req, resp, "theory_exam/trial_run.html", status=status, title="Пробный экзамен",
                             trial=trial, questions=[public(q) for q in data["questions"]], answers=answers,
                             answered=answered, errors=errors or {}, hints=HINTS,
                             elapsed=trials.elapsed_seconds(trial), unanswered=len(data["questions"]) - len(answered),
                             action=f"{TRIAL_PATH}/{trial.id}/answer")


class TrialHomePage(TrialBase):
    """Choose a qualification (your applications' first) and start; your recent trials."""

    def on_get(self, req, resp):
        self._page(req, resp, self.applicant(req))

    def on_post(self, req, resp):
        user = self.applicant(req)
        form = req.get_media() if (req.content_type or "").startswith(falcon.MEDIA_URLENCODED) else {}
        chosen = form.get("qualification", "") if isinstance(form, dict) else ""
        chosen = chosen[-1] if isinstance(chosen, list) and chosen else chosen
        try:
            trial = trials.start_trial(user, chosen)
        except ValidationError as ex:
            self._page(req, resp, user, chosen=str(chosen), error=ex.message, status=falcon.HTTP_422)
            return
        raise falcon.HTTPSeeOther(f"{TRIAL_PATH}/{trial.id}")

    def _page(self, req, resp, user, *, chosen: str = "", error: str | None = None, status=falcon.HTTP_200):
        own, others = trials.qualification_choices(user)
        self.services.render(req, resp, "theory_exam/trial.html", status=status, title="Пробный экзамен",
                             own=own, others=others, chosen=chosen, error=error, trials=trials.recent_trials(user),
                             number_text=number_text)


class TrialPage(TrialBase):
    """The trial: questions while it runs, the result with the right answers after «Завершить»."""

    def on_get(self, req, resp, trial_id):
        trial = trials.get_trial(self.applicant(req), trial_id)
        if trial.finished_at is None:
            self.render_run(req, resp, trial, trial.given)
            return
        data, given = trial.data, trial.given
        details = TheoryExam().score(data, given).details["questions"]
        reviews = {q["id"]: {"correct": details[q["id"]]["correct"], "answered": details[q["id"]]["answered"],
                             "right": right_answer_text(q)} for q in data["questions"]}
        self.services.render(req, resp, "theory_exam/trial_result.html", title="Пробный экзамен: результат",
                             trial=trial, questions=[public(q) for q in data["questions"]], answers=given,
                             reviews=reviews, hints=HINTS, points=number_text(trial.points),
                             max_points=number_text(trial.max_points), elapsed=trials.elapsed_seconds(trial))


class TrialAnswerResource(TrialBase):
    """Save one trial answer (JSON from the shared script, or a plain form)."""

    def on_post(self, req, resp, trial_id):
        trial = trials.get_trial(self.applicant(req), trial_id)
        as_json = wants_json(req)
        page = f"{TRIAL_PATH}/{trial.id}"
        try:
            question, value = read_answer(req, trial.data)
            trials.save_answer(trial, question["id"], value)
        except trials.TrialClosedError as ex:
            if not as_json:
                raise falcon.HTTPSeeOther(page) from None
            return json_closed(resp, ex.message)
        except ValidationError as ex:
            if as_json:
                return json_error(resp, ex.message)
            if ex.field is None:
                raise falcon.HTTPUnprocessableEntity(title="Ответ не сохранён", description=ex.message) from None
            answers = typed_answers(trial.given, trial.data, ex.field, req)
            return self.render_run(req, resp, trial, answers, errors={ex.field: ex.message},
                                   status=falcon.HTTP_422)
        if not as_json:
            raise falcon.HTTPSeeOther(page + anchor(trial.data, question["id"]))
        resp.media = {"saved": True, "remaining": None}


class TrialFinishResource(TrialBase):
    """«Завершить»: score and show the right answers."""

    def on_post(self, req, resp, trial_id):
        trial = trials.get_trial(self.applicant(req), trial_id)
        trials.finish_trial(trial)
        raise falcon.HTTPSeeOther(f"{TRIAL_PATH}/{trial.id}")


def add_trial_routes(app: falcon.App, services: Services) -> None:
    """The applicant cabinet's «Пробный экзамен»."""
    app.add_route(TRIAL_PATH, TrialHomePage(services))
    app.add_route(f"{TRIAL_PATH}/{{trial_id:int}}", TrialPage(services))
    app.add_route(f"{TRIAL_PATH}/{{trial_id:int}}/answer", TrialAnswerResource(services))
    app.add_route(f"{TRIAL_PATH}/{{trial_id:int}}/finish", TrialFinishResource(services))
