"""КОС analytics: how hard each question is, how well it discriminates, how reliable the test is.

Pure functions over a score matrix, no database: ``scores`` maps a candidate (any key) to
``{question_id: 0 or 1}`` of a finished attempt. Every candidate gets a different variant
drawn from the bank, so a question missing from a candidate's row was *not presented* to
them — it is missing data, never a wrong answer.

Per question (classical test theory):

- ``presented`` — how many candidates got the question; ``difficulty`` p — the share of them
  who answered it right.
- ``discrimination`` r_pb — the point-biserial correlation (Pearson's r with a 0/1 variable)
  between the question and the *rest score* of the candidates who got it: the corrected
  item–total correlation, so the question does not correlate with itself. The rest score is
  the share of the candidate's *other* presented questions answered right; when every
  variant has the same length (one specification) this is the rest sum divided by a constant,
  so r equals the textbook corrected item–total r, and it stays comparable when variant
  lengths differ (two КОС versions). Undefined (``None``) when the question or the rest
  score does not vary among those candidates.

The test's Cronbach's alpha uses the identity α = k·c̄ / (v̄ + (k − 1)·c̄), with v̄ the mean item
variance and c̄ the mean inter-item covariance; for complete data it is exactly
α = k/(k − 1)·(1 − Σσ²ᵢ / σ²ₓ). Missing data are handled by *pairwise deletion*, the
default of R's ``psych::alpha`` (``use = "pairwise"``): each item's variance comes from the
candidates who got it (items presented to ≥ 2 candidates), each covariance from the
candidates who got both questions (pairs presented together to ≥ 2 candidates), and c̄ is
the mean over the available pairs. k is the number of questions a candidate answers
(the mean variant length), not the bank size: the estimate is the reliability of the test
as taken — a k-question variant drawn from this bank. Sample (n − 1) variances and
covariances throughout.
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations
from typing import Hashable, Iterable, Mapping

Scores = Mapping[Hashable, Mapping[str, int | bool]]

EASY_ABOVE = 0.9  # «слишком лёгкий»: p > 0.9
HARD_BELOW = 0.2  # «слишком трудный»: p < 0.2
WEAK_BELOW = 0.2  # «плохо различает»: r_pb < 0.2


@dataclass(frozen=True)
class ItemStats:
    """Statistics of one question over the candidates it was presented to."""

    question_id: str
    presented: int
    correct: int
    difficulty: float | None  # p, share correct; None when never presented
    discrimination: float | None  # corrected item–rest point-biserial r

    @property
    def flags(self) -> list[str]:
        """Russian warnings shown next to the question."""
        out = []
        if self.difficulty is not None and self.difficulty > EASY_ABOVE:
            out.append("слишком лёгкий")
        if self.difficulty is not None and self.difficulty < HARD_BELOW:
            out.append("слишком трудный")
        if self.discrimination is not None and self.discrimination < WEAK_BELOW:
            out.append("плохо различает")
        return out


@dataclass(frozen=True)
class TestStats:
    """The whole analysis: per-question statistics and the test's reliability."""

    candidates: int
    items: list[ItemStats]
    alpha: float | None
    test_length: float  # k: mean number of questions per candidate
    alpha_items: int  # questions that entered alpha (presented to ≥ 2 candidates)
    alpha_pairs: int  # pairs of questions presented together to ≥ 2 candidates


def pearson(xs: list[float], ys: list[float]) -> float | None:
    """Pearson's r, or None when fewer than two points or either variable is constant."""
    n = len(xs)
    if n < 2:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    return max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))


def _rows(scores: Scores) -> list[dict[str, int]]:
    return [{str(q): int(bool(v)) for q, v in row.items()} for row in scores.values()]


def item_stats(scores: Scores, order: Iterable[str] | None = None) -> list[ItemStats]:
    """Per-question n, p and r_pb; questions in `order` (bank order; never-presented ones too), then the rest by id."""
    rows = _rows(scores)
    ids = list(dict.fromkeys([*(order or []), *sorted({q for row in rows for q in row})]))
    out = []
    for qid in ids:
        item, paired, rest = [], [], []  # paired/rest: candidates who also got other questions
        for row in rows:
            if qid not in row:
                continue
            item.append(row[qid])
            if len(row) > 1:
                paired.append(row[qid])
                rest.append((sum(row.values()) - row[qid]) / (len(row) - 1))
        n, right = len(item), sum(item)
        out.append(ItemStats(qid, n, right, right / n if n else None, pearson(paired, rest)))
    return out


def cronbach_alpha(scores: Scores) -> tuple[float | None, float, int, int]:
    """(alpha, k, items used, pairs used) by pairwise deletion; see the module docstring."""
    rows = _rows(scores)
    if not rows:
        return None, 0.0, 0, 0
    k = sum(len(row) for row in rows) / len(rows)
    values: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        for qid, value in row.items():
            values[qid].append(value)
    variances = {qid: _variance(v) for qid, v in values.items() if len(v) >= 2}
    sums: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0, 0.0, 0.0, 0.0])  # n, Σx, Σy, Σxy
    for row in rows:
        for a, b in combinations(sorted(q for q in row if q in variances), 2):
            acc = sums[(a, b)]
            x, y = row[a], row[b]
            acc[0] += 1
            acc[1] += x
            acc[2] += y
            acc[3] += x * y
    covariances = [(sxy - sx * sy / n) / (n - 1) for n, sx, sy, sxy in sums.values() if n >= 2]
    if len(variances) < 2 or not covariances or k < 2:
        return None, k, len(variances), len(covariances)
    v_mean = sum(variances.values()) / len(variances)
    c_mean = sum(covariances) / len(covariances)
    denominator = v_mean + (k - 1) * c_mean
    if denominator <= 1e-12:
        return None, k, len(variances), len(covariances)
    return k * c_mean / denominator, k, len(variances), len(covariances)


def _variance(values: list[int]) -> float:
    n = len(values)
    mean = sum(values) / n
    return sum((v - mean) ** 2 for v in values) / (n - 1)


def analyse(scores: Scores, order: Iterable[str] | None = None) -> TestStats:
    """Everything the analytics page shows, from the matrix of finished attempts."""
    alpha, k, used, pairs = cronbach_alpha(scores)
    return TestStats(candidates=len(scores), items=item_stats(scores, order), alpha=alpha, test_length=k,
                     alpha_items=used, alpha_pairs=pairs)


def alpha_verdict(alpha: float | None) -> str:
    """The usual reading of alpha (George & Mallery), in Russian."""
    if alpha is None:
        return "не вычисляется: мало данных или ответы не различаются"
    for bound, text in ((0.9, "отличная"), (0.8, "хорошая"), (0.7, "приемлемая"), (0.6, "сомнительная"),
                        (0.5, "низкая")):
        if alpha >= bound:
            return f"надёжность {text}"
    return "надёжность неприемлемая: тест плохо согласован"
