"""Пробный экзамен: the applicant tries the test format on the КОС's sample questions.

A trial is built only from ``theory.samples`` (never from the bank the real test is drawn
from), shuffled like a real variant by `variant_question`, untimed, and shows the right
answers after «Завершить». Only the applicant who started it sees it.
"""
from __future__ import annotations

import datetime as dt
import json
import random
import secrets
from decimal import Decimal
from typing import Any

from core.db import write_transaction
from core.exceptions import NotFoundError, ValidationError
from core.models import Application, Kos, Qualification, User
from core.services.attempts import current_kos
from plugins.theory_exam.models import TheoryTrial
from plugins.theory_exam.providers import TheoryExam, variant_question

RECENT = 10


class TrialClosedError(ValidationError):
    """The trial was finished: its answers are final."""


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


def qualification_choices(applicant: User) -> tuple[list[Qualification], list[Qualification]]:
    """Qualifications with a current КОС: (those of the applicant's applications, the others)."""
    rows = list(Qualification.select(Qualification.id, Qualification.code, Qualification.name)
                .join(Kos, on=(Kos.qualification == Qualification.id))
                .where(Kos.is_current & Qualification.is_active)
                .distinct().order_by(Qualification.code))
    own = {a.qualification_id for a in Application.select(Application.qualification)
           .where(Application.applicant == applicant.id)}
    return [q for q in rows if q.id in own], [q for q in rows if q.id not in own]


def start_trial(applicant: User, qualification_id: Any) -> TheoryTrial:
    """A new trial on the current КОС's samples; a Russian error next to the field otherwise."""
    try:
        qualification = Qualification.get_or_none((Qualification.id == int(qualification_id))
                                                  & Qualification.is_active)
    except (TypeError, ValueError):
        qualification = None
    if qualification is None:
        raise ValidationError("Выберите квалификацию из списка.", field="qualification")
    try:
        kos = current_kos(qualification)
    except ValidationError:
        raise ValidationError("Для этой квалификации ещё не загружен КОС.", field="qualification") from None
    samples = (kos.data.get("theory") or {}).get("samples") or []
    if not samples:
        raise ValidationError("В КОС этой квалификации нет демонстрационных вопросов: пробный экзамен пока "
                              "недоступен.", field="qualification")
    seed = secrets.randbits(62)
    rng = random.Random(seed)
    questions = [variant_question(q, rng) for q in samples]
    rng.shuffle(questions)
    content = {"questions": questions, "pass_points": 0,
               "max_points": float(sum(Decimal(str(q["points"])) for q in questions))}
    with write_transaction():
        return TheoryTrial.create(applicant=applicant, qualification=qualification, kos=kos, seed=seed,
                                  content=json.dumps(content, ensure_ascii=False), started_at=now())


def recent_trials(applicant: User) -> list[TheoryTrial]:
    return list(TheoryTrial.select(TheoryTrial.id, TheoryTrial.started_at, TheoryTrial.finished_at,
                                   TheoryTrial.points, TheoryTrial.max_points, TheoryTrial.correct,
                                   Qualification.code, Qualification.name)
                .join(Qualification).where(TheoryTrial.applicant == applicant.id)
                .order_by(TheoryTrial.started_at.desc(), TheoryTrial.id.desc()).limit(RECENT))


def get_trial(applicant: User, trial_id: int) -> TheoryTrial:
    """The applicant's own trial; anyone else's answers «not found»."""
    trial = (TheoryTrial.select(TheoryTrial, Qualification).join(Qualification)
             .where((TheoryTrial.id == trial_id) & (TheoryTrial.applicant == applicant.id)).first())
    if trial is None:
        raise NotFoundError("Пробный экзамен не найден.")
    return trial


def save_answer(trial: TheoryTrial, question_id: str, value: Any) -> None:
    """Store one checked answer; refused after «Завершить»."""
    with write_transaction():
        current = TheoryTrial.get_by_id(trial.id)
        if current.finished_at is not None:
            raise TrialClosedError("Пробный экзамен завершён: ответы больше не принимаются.")
        answers = current.given
        answers[question_id] = value
        current.answers = json.dumps(answers, ensure_ascii=False)
        current.save(only=[TheoryTrial.answers])
    trial.answers = current.answers


def finish_trial(trial: TheoryTrial) -> TheoryTrial:
    """Score the trial (finishing twice keeps the first result)."""
    with write_transaction():
        current = TheoryTrial.get_by_id(trial.id)
        if current.finished_at is None:
            score = TheoryExam().score(current.data, current.given)
            current.finished_at = now()
            current.points, current.max_points = score.points, score.max_points
            current.correct = int(score.details["correct"])
            current.save()
    return current


def elapsed_seconds(trial: TheoryTrial, moment: dt.datetime | None = None) -> int:
    end = trial.finished_at or moment or now()
    return max(0, int((end - trial.started_at).total_seconds()))
