"""How the demo's candidates answer the test and how the experts mark their practical tasks.

The demo must look like a real exam day, and the КОС analytics page must have something to
say: questions of different difficulty, candidates of different strength, right answers
that hang together. So each candidate gets an exact score chosen by the scenario (who passes
is part of the story), and which questions of their variant they get right is drawn with a
seeded generator, easier questions more likely (a one-parameter logistic model: the chance
is σ(ability − difficulty)). A question's difficulty is fixed by its id, so the same question
is hard for everybody. Wrong answers look like real mistakes of their type: a neighbouring
option, one item out of place, a number off by a step.
"""
from __future__ import annotations

import math
import random
from decimal import Decimal
from typing import Any

# Plausible wrong words for a short text answer (none is the answer to a demo question).
WRONG_WORDS = ("инструктаж", "аттестация", "комиссия", "журнал", "регламент", "допуск")
HALF = Decimal("0.5")
SLOPE = 1.7  # how sharply the chance falls with difficulty (1.7: the logistic close to the normal ogive)


def difficulty(question_id: str) -> float:
    """The question's difficulty in logits, the same on every run (most are moderately easy)."""
    return random.Random(f"nok-demo-difficulty:{question_id}").gauss(-0.9, 1.1)


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def choose_right(questions: list[dict[str, Any]], score: int, rng: random.Random) -> set[str]:
    """Ids of the `score` questions the candidate gets right.

    Weighted sampling without replacement (Efraimidis–Spirakis: the largest u^(1/w) win),
    the weight being the model's chance of a right answer for a candidate whose ability
    matches the score; so a strong candidate's few mistakes fall on the hardest questions.
    """
    if not questions or score <= 0:
        return set()
    share = min(max(score / len(questions), 0.02), 0.98)
    mean = sum(difficulty(q["id"]) for q in questions) / len(questions)
    ability = math.log(share / (1 - share)) + mean
    keyed = sorted(questions, key=lambda q: rng.random() ** (1 / _sigmoid(SLOPE * (ability - difficulty(q["id"])))),
                   reverse=True)
    return {q["id"] for q in keyed[:score]}


def response(question: dict[str, Any], right: bool, rng: random.Random) -> Any:
    """What the candidate sends for a variant question (docs/kos-format.md), right or wrong."""
    key, kind = question["key"], question["type"]
    if kind == "single":
        others = [o["id"] for o in question["options"] if o["id"] != key["correct"]]
        return key["correct"] if right else rng.choice(others)
    if kind == "multiple":
        chosen = list(key["correct"])
        if right:
            rng.shuffle(chosen)  # clicked in any order
            return chosen
        wrong = [o["id"] for o in question["options"] if o["id"] not in chosen]
        if len(chosen) > 1 and (not wrong or rng.random() < 0.6):
            chosen.remove(rng.choice(chosen))  # missed one of the right options
        else:
            chosen.append(rng.choice(wrong))  # ticked a wrong one too
        return chosen
    if kind == "matching":
        pairs = dict(key["pairs"])
        if not right:
            a, b = rng.sample(sorted(pairs), 2)
            pairs[a], pairs[b] = pairs[b], pairs[a]
        return pairs
    if kind == "ordering":
        order = list(key["order"])
        if not right:
            at = rng.randrange(len(order) - 1)
            order[at], order[at + 1] = order[at + 1], order[at]
        return order
    if kind == "text":
        if right:
            return key["answers"][0]
        taken = {a.casefold() for a in key["answers"]}
        return rng.choice([w for w in WRONG_WORDS if w not in taken])
    if kind == "number":
        answer = Decimal(str(key["answer"]))
        if not right:
            step = max(Decimal(str(key.get("tolerance") or 0)) * 2, abs(answer) / 2 or Decimal(1), Decimal(1))
            answer = answer + step if rng.random() < 0.5 or answer - step < 0 else answer - step
        return f"{answer.normalize():f}".replace(".", ",")
    raise ValueError(f"unknown question type {kind!r}")


def answer_times(count: int, minutes: float, rng: random.Random) -> list[float]:
    """Seconds from the start at which each of `count` answers is saved, spread over `minutes`."""
    weights = [rng.uniform(0.4, 1.6) for _ in range(count)]
    total, elapsed, out = sum(weights), 0.0, []
    for weight in weights:
        elapsed += weight / total * minutes * 60
        out.append(round(elapsed, 1))
    return out


def practice_marks(criteria: list[dict[str, Any]], quality: float, rng: random.Random) -> dict[str, Decimal]:
    """One expert's marks per criterion for work of the given quality (0…1), in steps of 0.5."""
    marks = {}
    for criterion in criteria:
        top = Decimal(str(criterion["max_points"]))
        raw = float(top) * min(max(quality + rng.gauss(0, 0.12), 0.0), 1.0)
        marks[criterion["id"]] = min(top, (Decimal(str(raw)) / HALF).quantize(Decimal(1)) * HALF)
    return marks


def commission_marks(criteria: list[dict[str, Any]], pass_points: Decimal, experts: int, quality: float,
                     passes: bool, rng: random.Random) -> list[dict[str, Decimal]]:
    """Every expert's marks, drawn until the mean total falls on the side of the threshold the story needs."""
    for _ in range(200):
        sheets = [practice_marks(criteria, quality, rng) for _ in range(experts)]
        mean_total = sum(sum(sheet.values()) for sheet in sheets) / experts
        if (mean_total >= pass_points) == passes:
            return sheets
    raise ValueError("quality does not fit the wanted result")
