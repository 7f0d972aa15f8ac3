"""Compact builders for hand-written КОС questions: «+» marks a correct option."""
from __future__ import annotations

from typing import Any

_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _options(texts: tuple[str, ...]) -> list[dict[str, Any]]:
    return [{"id": _LETTERS[n], "text": t.removeprefix("+"), "correct": t.startswith("+")}
            for n, t in enumerate(texts)]


def one(qid: str, text: str, *options: str) -> dict[str, Any]:
    return {"id": qid, "type": "single", "text": text, "points": 1, "options": _options(options)}


def many(qid: str, text: str, *options: str) -> dict[str, Any]:
    return {"id": qid, "type": "multiple", "text": text, "points": 1, "options": _options(options)}


def match(qid: str, text: str, *pairs: tuple[str, str]) -> dict[str, Any]:
    return {"id": qid, "type": "matching", "text": text, "points": 1,
            "pairs": [{"id": f"p{n}", "left": left, "right": right} for n, (left, right) in enumerate(pairs, start=1)]}


def order(qid: str, text: str, *items: str) -> dict[str, Any]:
    """Items in the correct order."""
    return {"id": qid, "type": "ordering", "text": text, "points": 1,
            "items": [{"id": _LETTERS[n], "text": t} for n, t in enumerate(items)]}


def short(qid: str, text: str, *answers: str) -> dict[str, Any]:
    return {"id": qid, "type": "text", "text": text, "points": 1, "answers": list(answers)}


def num(qid: str, text: str, answer: int | float, tolerance: int | float = 0) -> dict[str, Any]:
    return {"id": qid, "type": "number", "text": text, "points": 1, "answer": answer, "tolerance": tolerance}
