"""КОС analytics checked against independent calculations: numpy, and a KR-20 worked by hand."""
from __future__ import annotations

from fractions import Fraction
from itertools import combinations

import numpy as np
import pytest

from plugins.theory_exam.analytics import alpha_verdict, analyse, cronbach_alpha, item_stats, pearson


def rasch_matrix(candidates: int, items: int, seed: int) -> np.ndarray:
    """Dichotomous answers with a common ability, so items correlate as in a real test."""
    rng = np.random.default_rng(seed)
    ability = rng.normal(size=(candidates, 1))
    difficulty = np.linspace(-1.5, 1.5, items)
    chance = 1 / (1 + np.exp(-(ability - difficulty)))
    return (rng.random((candidates, items)) < chance).astype(int)


def as_scores(matrix: np.ndarray) -> dict[int, dict[str, int]]:
    """numpy rows → the analytics input; NaN = not presented."""
    return {i: {f"q{j}": int(v) for j, v in enumerate(row) if not np.isnan(v)}
            for i, row in enumerate(matrix.astype(float))}


def numpy_alpha(matrix: np.ndarray) -> float:
    k = matrix.shape[1]
    return k / (k - 1) * (1 - matrix.var(axis=0, ddof=1).sum() / matrix.sum(axis=1).var(ddof=1))


def test_complete_matrix_matches_numpy():
    m = rasch_matrix(60, 10, seed=1)
    stats = analyse(as_scores(m))
    assert stats.candidates == 60 and stats.test_length == 10 and stats.alpha_items == 10 and stats.alpha_pairs == 45
    assert stats.alpha == pytest.approx(numpy_alpha(m), abs=1e-12)
    assert 0.5 < stats.alpha < 0.95  # a plausible test, so the comparison means something
    totals = m.sum(axis=1)
    for j, item in enumerate(stats.items):
        assert item.question_id == f"q{j}" and item.presented == 60
        assert item.difficulty == pytest.approx(m[:, j].mean())
        expected = np.corrcoef(m[:, j], totals - m[:, j])[0, 1]  # corrected item–total
        assert item.discrimination == pytest.approx(expected, abs=1e-12)


def test_textbook_kr20_by_hand():
    """Five candidates, three items (a Guttman pattern). By hand, with population variances:
    p = 4/5, 3/5, 2/5 → Σpq = (4 + 6 + 6)/25 = 16/25; totals 3, 2, 1, 0, 3 → σ² = 23/5 − (9/5)² = 34/25;
    KR-20 = 3/2 · (1 − 16/34) = 27/34. (Alpha is the same with sample variances: the n/(n−1) cancels.)"""
    rows = [(1, 1, 1), (1, 1, 0), (1, 0, 0), (0, 0, 0), (1, 1, 1)]
    alpha, k, used, pairs = cronbach_alpha({i: {f"q{j}": v for j, v in enumerate(r)} for i, r in enumerate(rows)})
    assert alpha == pytest.approx(float(Fraction(27, 34)), abs=1e-12)
    assert (k, used, pairs) == (3, 3, 3)


def test_known_extremes():
    parallel = {i: {"a": v, "b": v, "c": v} for i, v in enumerate([1, 0, 1, 1, 0, 0])}
    assert cronbach_alpha(parallel)[0] == pytest.approx(1.0)
    independent = {0: {"a": 1, "b": 1}, 1: {"a": 1, "b": 0}, 2: {"a": 0, "b": 1}, 3: {"a": 0, "b": 0}}
    assert cronbach_alpha(independent)[0] == pytest.approx(0.0)
    # var = 0.3 each, cov = −0.2: α = 2·(−0.2) / (0.3 − 0.2) = −4 — a negative alpha is reported, not hidden
    opposite = {i: {"a": a, "b": b} for i, (a, b) in enumerate([(1, 0), (1, 1), (0, 1), (0, 1), (1, 0)])}
    assert cronbach_alpha(opposite)[0] == pytest.approx(-4.0)


def test_missing_is_not_wrong():
    scores = {"A": {"q1": 1, "q2": 1}, "B": {"q1": 0, "q3": 1}, "C": {"q1": 1, "q2": 0, "q3": 1}}
    by_id = {i.question_id: i for i in item_stats(scores, order=["q1", "q2", "q3", "q4"])}
    assert (by_id["q2"].presented, by_id["q2"].correct, by_id["q2"].difficulty) == (2, 1, 0.5)
    assert (by_id["q3"].presented, by_id["q3"].difficulty) == (2, 1.0)
    assert (by_id["q4"].presented, by_id["q4"].difficulty, by_id["q4"].discrimination) == (0, None, None)
    assert [i.question_id for i in item_stats(scores, order=["q3"])] == ["q3", "q1", "q2"]


def test_random_variants_match_numpy_pairwise():
    """Each candidate gets 8 of a bank of 16: p, r_pb on the candidates who got the item, pairwise alpha."""
    full = rasch_matrix(300, 16, seed=7).astype(float)
    rng = np.random.default_rng(3)
    for row in full:
        row[rng.choice(16, size=8, replace=False)] = np.nan
    stats = analyse(as_scores(full), order=[f"q{j}" for j in range(16)])
    presented = ~np.isnan(full)
    rest = (np.nansum(full, axis=1)[:, None] - np.nan_to_num(full)) / (presented.sum(axis=1)[:, None] - 1)
    for j, item in enumerate(stats.items):
        got = presented[:, j]
        assert item.presented == got.sum()
        assert item.difficulty == pytest.approx(full[got, j].mean())
        assert item.discrimination == pytest.approx(np.corrcoef(full[got, j], rest[got, j])[0, 1], abs=1e-12)
    variances = [np.var(full[presented[:, j], j], ddof=1) for j in range(16)]
    covariances = []
    for a, b in combinations(range(16), 2):
        both = presented[:, a] & presented[:, b]
        covariances.append(np.cov(full[both, a], full[both, b], ddof=1)[0, 1])
    k = 8
    expected = k * np.mean(covariances) / (np.mean(variances) + (k - 1) * np.mean(covariances))
    assert stats.test_length == 8 and stats.alpha_pairs == 120
    assert stats.alpha == pytest.approx(expected, abs=1e-12)


def test_pairwise_alpha_estimates_the_alpha_of_an_eight_question_test():
    """With a large sample, alpha of random 8-question variants ≈ alpha of a fixed 8-question test."""
    full = rasch_matrix(6000, 16, seed=11).astype(float)
    fixed = numpy_alpha(full[:, ::2])  # 8 items spread over the difficulty range
    rng = np.random.default_rng(5)
    for row in full:
        row[rng.choice(16, size=8, replace=False)] = np.nan
    assert cronbach_alpha(as_scores(full))[0] == pytest.approx(fixed, abs=0.03)


def test_undefined_cases():
    assert analyse({}).alpha is None and analyse({}).items == []
    one = {"A": {"q1": 1, "q2": 0}}
    stats = analyse(one)
    assert stats.alpha is None and stats.items[0].discrimination is None
    constant = {i: {"q1": 1, "q2": i % 2} for i in range(6)}
    assert item_stats(constant)[0].discrimination is None  # everybody right: r undefined
    assert pearson([1, 0], [0.5, 0.5]) is None and pearson([1], [1]) is None


def test_flags():
    rows = {i: {"easy": 1, "hard": int(i == 0), "noise": int(i % 2 == 0), "good": int(i < 5)} for i in range(10)}
    flags = {i.question_id: i.flags for i in item_stats(rows)}
    assert flags["easy"] == ["слишком лёгкий"]  # p = 1 > 0.9; r undefined, not flagged
    assert flags["hard"] == ["слишком трудный"]  # p = 0.1
    assert "плохо различает" not in flags["good"] and flags["good"] == []


def test_alpha_verdict():
    assert alpha_verdict(0.93) == "надёжность отличная"
    assert alpha_verdict(0.75) == "надёжность приемлемая"
    assert alpha_verdict(0.2).startswith("надёжность неприемлемая")
    assert alpha_verdict(None).startswith("не вычисляется")
