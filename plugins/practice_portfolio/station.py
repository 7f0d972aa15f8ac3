"""The candidate's side at the station: their practical task (or portfolio) and the files they hand in.

The attempt is created on the first visit (`core.services.attempts.start_attempt`) and the
same one is returned later, so a reload or another station resumes it. Files are taken
while the attempt is open: not scored yet and, if the task is timed, before the deadline by
the server clock. The candidate may remove their own files until then; files added by staff
(`uploaded_by` set) are not theirs to remove.
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, BinaryIO

from core.blobstore import BlobStore
from core.db import write_transaction
from core.exceptions import NotFoundError, ValidationError
from core.models import Application, AttemptFile, ExamAttempt, GroupMember
from core.models.exams import GROUP_PRACTICE
from core.services import attempts
from plugins.practice_portfolio.files import MAX_FILES, store_result

if TYPE_CHECKING:
    from core.plugins import PluginHost

STAGES = frozenset({attempts.PRACTICE, attempts.PORTFOLIO})


def candidate_attempt(member: GroupMember, plugins: "PluginHost") -> ExamAttempt:
    """The member's practice or portfolio attempt, started on first call; theory members get 404."""
    if member.group.kind != GROUP_PRACTICE:
        raise NotFoundError("Практическое задание выдаётся только в группе по практике.")
    attempt = attempts.start_attempt(member, plugins)
    if attempt.stage not in STAGES:
        raise NotFoundError("Практическое задание не найдено.")
    return attempt


def closed_reason(attempt: ExamAttempt, now: dt.datetime | None = None) -> str | None:
    """Why files are no longer taken, in Russian; None while the attempt is open."""
    if attempt.finished_at is not None:
        return "Работа оценена экспертной комиссией: файлы больше не принимаются."
    if attempts.is_expired(attempt, now):
        return "Время выполнения задания истекло: файлы больше не принимаются и не удаляются."
    return None


def _check_open(attempt: ExamAttempt, now: dt.datetime | None) -> ExamAttempt:
    fresh = ExamAttempt.get_by_id(attempt.id)
    reason = closed_reason(fresh, now)
    if reason:
        raise ValidationError(reason, "file")
    return fresh


def files_of(attempt: ExamAttempt) -> list[AttemptFile]:
    return list(AttemptFile.select().where(AttemptFile.attempt == attempt.id)
                .order_by(AttemptFile.uploaded_at, AttemptFile.id))


def add_file(attempt: ExamAttempt, blobs: BlobStore, stream: BinaryIO, filename: str, *,
             now: dt.datetime | None = None) -> AttemptFile:
    """Check, store and attach one result file handed in by the candidate."""
    _check_open(attempt, now)
    if AttemptFile.select().where(AttemptFile.attempt == attempt.id).count() >= MAX_FILES:
        raise ValidationError(f"Можно загрузить не больше {MAX_FILES} файлов: удалите лишние или упакуйте "
                              "несколько файлов в один архив ZIP.", "file")
    stored = store_result(blobs, stream, filename)
    with write_transaction():
        _check_open(attempt, now)  # the deadline may have passed while the file was streaming
        return AttemptFile.create(attempt=attempt.id, digest=stored.digest, filename=stored.filename,
                                  content_type=stored.content_type, size=stored.size, uploaded_by=None)


def delete_file(attempt: ExamAttempt, file_id: int, *, now: dt.datetime | None = None) -> None:
    """Remove the candidate's own file while the attempt is open (the blob may be shared, it stays)."""
    row = AttemptFile.get_or_none((AttemptFile.id == file_id) & (AttemptFile.attempt == attempt.id)
                                  & AttemptFile.uploaded_by.is_null())
    if row is None:
        raise NotFoundError("Файл не найден.")
    with write_transaction():
        _check_open(attempt, now)
        row.delete_instance()


def portfolio_of(application: Application) -> dict[str, str | None]:
    """The portfolio the applicant attached to the application (file and/or link), if any."""
    return {"digest": application.portfolio_digest, "link": application.portfolio_link}
