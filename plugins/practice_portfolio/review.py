"""The commission's page of one attempt: `/p/practice_portfolio/attempts/{attempt_id}` (the `review_path`).

An expert of the group's commission sees the task (or the portfolio requirements), the
candidate's files and the marks of every expert, and enters their own marks per criterion
with an optional reason; the chair may enter the marks of any expert of the commission.
ЦОК and venue staff of the group see the same read-only. Anybody else gets 404. Opening
the page and downloading a file are personal-data views and are audited.
"""
from __future__ import annotations

import falcon

from core import audit
from core.context import Services
from core.exceptions import ValidationError
from core.models import AttemptFile
from core.services import attempts
from plugins.practice_portfolio import station
from plugins.practice_portfolio.marking import MarksInvalid, Review, marks_by_expert, open_review, save_marks
from plugins.practice_portfolio.web import HELPERS, read_form, send_stored

REVIEW_PATH = "/p/practice_portfolio/attempts"
TITLES = {attempts.PRACTICE: "Практический этап", attempts.PORTFOLIO: "Защита портфолио"}
NOTICES = {"saved": "Оценки сохранены.",
           "scored": "Все эксперты комиссии выставили оценки: результат подсчитан, статус заявления изменён."}


class ReviewBase:
    def __init__(self, services: Services):
        self.services = services

    def review(self, req, attempt_id: int) -> Review:
        """Signed in to one's own cabinet (the menu is set), then the attempt if it is the user's business."""
        user = req.context.get("user")
        self.services.require_cabinet(req, user.cabinet.value if user else "expert")
        return open_review(req.context.user, attempt_id)


def _target(review: Review, wanted: int | None) -> int | None:
    """Whose marks the form edits: the chair picks (`?expert=`), an expert edits their own."""
    allowed = [u.id for u in review.markable()]
    if wanted in allowed:
        return wanted
    return review.user.id if review.user.id in allowed else (allowed[0] if allowed else None)


class ReviewPage(ReviewBase):
    def on_get(self, req, resp, attempt_id):
        review = self.review(req, attempt_id)
        attempts.record_view(review.attempt)
        target = _target(review, req.get_param_as_int("expert"))
        self.page(req, resp, review, target, form=None)

    def on_post(self, req, resp, attempt_id):
        review = self.review(req, attempt_id)
        form = read_form(req)
        try:
            expert_id = int(form.get("expert_id", ""))
        except ValueError:
            raise falcon.HTTPNotFound() from None
        if expert_id not in {m.expert_id for m in review.commission}:
            raise falcon.HTTPNotFound()
        try:
            attempt = save_marks(review, expert_id, form, form, self.services.plugins)
        except MarksInvalid as ex:
            self.page(req, resp, review, expert_id, form=form, errors=ex.errors, status=falcon.HTTP_422)
            return
        except ValidationError as ex:
            self.page(req, resp, review, _target(review, expert_id), form=form, error=str(ex),
                      status=falcon.HTTP_422)
            return
        notice = "scored" if attempt.finished_at is not None else "saved"
        raise falcon.HTTPSeeOther(f"{REVIEW_PATH}/{attempt.id}?notice={notice}&expert={expert_id}")

    def page(self, req, resp, review: Review, target: int | None, *, form: dict | None, errors=None,
             error: str | None = None, status=falcon.HTTP_200) -> None:
        table = marks_by_expert(review.attempt)
        if form is None:  # the target expert's saved marks fill the form
            saved = table.get(target, {})
            form = {}
            for cid, mark in saved.items():
                form[f"mark-{cid}"] = HELPERS["points"](mark.points)
                form[f"comment-{cid}"] = mark.comment or ""
        experts = {m.expert_id: m.expert for m in review.commission}
        self.services.render(
            req, resp, "practice_portfolio/review.html", status=status,
            title=f"{TITLES[review.attempt.stage]}: {review.application.full_name}", review=review,
            attempt=review.attempt, data=review.attempt.data, stage=review.attempt.stage,
            files=station.files_of(review.attempt), portfolio=station.portfolio_of(review.application),
            table=table, target=target, target_name=experts[target].full_name if target in experts else "",
            form=form, errors=errors or {}, error=error, notice=NOTICES.get(req.get_param("notice") or ""),
            base=f"{REVIEW_PATH}/{review.attempt.id}", **HELPERS)


class FileResource(ReviewBase):
    """GET …/files/{file_id}: one of the candidate's files, audited."""

    def on_get(self, req, resp, attempt_id, file_id):
        review = self.review(req, attempt_id)
        row = AttemptFile.get_or_none((AttemptFile.id == file_id) & (AttemptFile.attempt == review.attempt.id))
        if row is None:
            raise falcon.HTTPNotFound()
        audit.record("download", "attempt_file", row.id, {"attempt": review.attempt.id})
        send_stored(resp, self.services.blobs, row.digest, row.filename, row.content_type)


class PortfolioResource(ReviewBase):
    """GET …/portfolio: the portfolio file attached to the application, audited."""

    def on_get(self, req, resp, attempt_id):
        review = self.review(req, attempt_id)
        digest = review.application.portfolio_digest
        if not digest:
            raise falcon.HTTPNotFound()
        audit.record("download", "application_portfolio", review.application.id, {"attempt": review.attempt.id})
        send_stored(resp, self.services.blobs, digest, None, stem="портфолио")
