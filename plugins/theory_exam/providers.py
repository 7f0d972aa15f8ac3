"""The theory exam type: a variant drawn from the КОС bank per its specification, scored by key.

Formats: docs/kos-format.md. Drawing and shuffling use one `random.Random(seed)`, so the
same КОС and seed rebuild the same variant (апелляция). Each question scores its points
when the response is fully right and 0 otherwise.
"""
from __future__ import annotations

import random
import re
from decimal import Decimal, InvalidOperation
from typing import Any, Mapping

from core.plugin_api import ExamScore, ExamType
from core.exceptions import ValidationError


class TheoryExam(ExamType):
    """Теоретический этап: questions drawn from the КОС, answered at a kiosk, scored automatically."""

    code = "theory"
    title = "Теоретический этап"
    kos_part = "theory"
    candidate_path = "/p/theory_exam/take"
    review_path = "/p/theory_exam/attempts/{attempt_id}"

    def build_attempt(self, assessment_tools: Mapping[str, Any], *, seed: int) -> dict[str, Any]:
        spec = assessment_tools.get("specification") or {}
        sections = {s["id"]: s for s in assessment_tools.get("sections") or []}
        if not spec.get("draw") or not sections:
            raise ValidationError("В КОС нет банка вопросов или спецификации теста.")
        rng = random.Random(seed)
        drawn: list[dict[str, Any]] = []
        for rule in spec["draw"]:
            section = sections.get(rule["section"])
            if section is None or len(section["questions"]) < int(rule["count"]):
                raise ValidationError(f"Раздел {rule['section']}: в банке меньше вопросов, чем требует спецификация.")
            drawn.extend((section["id"], q) for q in rng.sample(section["questions"], int(rule["count"])))
        rng.shuffle(drawn)
        questions = [variant_question(q, rng, section_id) for section_id, q in drawn]
        return {"time_limit_minutes": int(spec["time_limit_minutes"]), "pass_points": _num(spec["pass_points"]),
                "max_points": _num(sum(Decimal(str(q["points"])) for q in questions)), "questions": questions}

    def score(self, attempt: Mapping[str, Any], responses: Mapping[str, Any]) -> ExamScore:
        total, earned, per_question, answered, correct = Decimal(0), Decimal(0), {}, 0, 0
        known = {q["id"] for q in attempt.get("questions", [])}
        unknown = sorted(set(responses) - known)
        if unknown:
            raise ValidationError(f"Ответ на вопрос {unknown[0]}, которого нет в варианте.")
        for q in attempt.get("questions", []):
            points = Decimal(str(q["points"]))
            total += points
            given = responses.get(q["id"])
            is_answered = is_given(given)
            right = is_answered and is_correct(q, given)
            answered += is_answered
            correct += right
            earned += points if right else 0
            per_question[q["id"]] = {"points": str(points if right else Decimal(0)), "correct": right,
                                     "answered": is_answered}
        threshold = Decimal(str(attempt.get("pass_points", 0)))
        return ExamScore(points=earned, max_points=total, passed=earned >= threshold,
                         details={"questions": per_question, "answered": answered, "correct": correct,
                                  "pass_points": str(threshold)})


def variant_question(q: Mapping[str, Any], rng: random.Random, section_id: str | None = None) -> dict[str, Any]:
    """A bank question as the candidate gets it: options shuffled, the key kept apart under "key"."""
    out: dict[str, Any] = {"id": q["id"], "type": q["type"], "text": q["text"], "points": _num(q.get("points", 1))}
    if section_id is not None:
        out["section"] = section_id
    kind = q["type"]
    if kind in ("single", "multiple"):
        options = [{"id": o["id"], "text": o["text"]} for o in q["options"]]
        rng.shuffle(options)
        out["options"] = options
        right = [o["id"] for o in q["options"] if o.get("correct")]
        out["key"] = {"correct": right[0] if kind == "single" else sorted(right)}
    elif kind == "matching":
        left = [{"id": p["id"], "text": p["left"]} for p in q["pairs"]]
        right = [{"id": p["id"], "text": p["right"]} for p in q["pairs"]]
        rng.shuffle(left)
        rng.shuffle(right)
        out["left"], out["right"] = left, right
        out["key"] = {"pairs": {p["id"]: p["id"] for p in q["pairs"]}}
    elif kind == "ordering":
        items = [{"id": i["id"], "text": i["text"]} for i in q["items"]]
        order = [i["id"] for i in items]
        while len(items) > 1 and [i["id"] for i in items] == order:
            rng.shuffle(items)  # never show the right order as the starting one
        out["items"] = items
        out["key"] = {"order": order}
    elif kind == "text":
        out["key"] = {"answers": list(q["answers"])}
    elif kind == "number":
        out["key"] = {"answer": q["answer"], "tolerance": q.get("tolerance", 0)}
    else:
        raise ValidationError(f"Вопрос {q['id']}: неизвестный тип «{kind}».")
    return out


def is_given(value: Any) -> bool:
    """Whether a response counts as answered (an empty choice or blank text does not)."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, (list, dict)):
        return bool(value)
    return True


def normalise_text(value: str) -> str:
    """Text answers compare case-insensitively, ё as е, with spaces collapsed."""
    return re.sub(r"\s+", " ", value.replace("ё", "е").replace("Ё", "Е")).strip().casefold()


def parse_number(value: Any) -> Decimal | None:
    """A typed number: a comma is a decimal point, spaces are thousands separators."""
    if isinstance(value, bool):
        return None
    text = str(value).replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def is_correct(q: Mapping[str, Any], given: Any) -> bool:
    """Whether `given` is the fully right response to variant question `q`."""
    key, kind = q["key"], q["type"]
    if kind == "single":
        return given == key["correct"]
    if kind == "multiple":
        # Option ids are strings; a repeated id is a wrong response, not a right one said twice.
        return (isinstance(given, list) and all(isinstance(i, str) for i in given)
                and sorted(given) == key["correct"])
    if kind == "matching":
        return isinstance(given, dict) and dict(given) == key["pairs"]
    if kind == "ordering":
        return isinstance(given, list) and list(given) == key["order"]
    if kind == "text":
        return isinstance(given, str) and normalise_text(given) in {normalise_text(a) for a in key["answers"]}
    if kind == "number":
        number = parse_number(given)
        return number is not None and abs(number - Decimal(str(key["answer"]))) <= Decimal(str(key["tolerance"]))
    return False


def _num(value: Any) -> int | float:
    """JSON-friendly number: 3 stays 3, 2.5 stays 2.5."""
    number = Decimal(str(value))
    return int(number) if number == number.to_integral_value() else float(number)
