"""Objective weights and scoring of alternatives (rows) on criteria (columns).

Directions are "benefit" (more is better) or "cost" (less is better), one per column.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]


def _matrix(x: ArrayLike, directions: Sequence[str] | None = None) -> Array:
    m = np.asarray(x, dtype=float)
    if m.ndim != 2 or m.shape[0] < 1 or m.shape[1] < 1:
        raise ValueError("a decision matrix has rows (alternatives) and columns (criteria)")
    if not np.isfinite(m).all():
        raise ValueError("the decision matrix has missing or infinite values")
    if directions is not None:
        if len(directions) != m.shape[1]:
            raise ValueError("one direction per criterion")
        if set(directions) - {"benefit", "cost"}:
            raise ValueError("a direction is 'benefit' or 'cost'")
    return m


def _weights(w: ArrayLike, n: int) -> Array:
    v = np.asarray(w, dtype=float)
    if v.shape != (n,) or (v < 0).any() or v.sum() <= 0:
        raise ValueError("one non-negative weight per criterion, not all zero")
    return np.asarray(v / v.sum(), dtype=float)


def normalise(x: ArrayLike, directions: Sequence[str], method: str = "minmax") -> Array:
    """Column-wise normalisation to "higher is better".

    minmax: (x − min)/(max − min), cost (max − x)/(max − min); a constant column → 1.
    max:    x / max, cost min / x.
    vector: x / ‖x‖₂, cost 1 − x / ‖x‖₂.
    sum:    x / Σx, cost (1/x) / Σ(1/x).
    """
    m = _matrix(x, directions)
    out = np.empty_like(m)
    for j, d in enumerate(directions):
        c = m[:, j]
        if method == "minmax":
            span = c.max() - c.min()
            if span == 0:
                out[:, j] = 1.0
            else:
                out[:, j] = (c - c.min()) / span if d == "benefit" else (c.max() - c) / span
        elif method == "max":
            out[:, j] = c / c.max() if d == "benefit" else c.min() / c
        elif method == "vector":
            r = c / np.sqrt((c**2).sum())
            out[:, j] = r if d == "benefit" else 1 - r
        elif method == "sum":
            out[:, j] = c / c.sum() if d == "benefit" else (1 / c) / (1 / c).sum()
        else:
            raise ValueError(f"unknown normalisation {method!r}")
    return out


def entropy_weights(
    x: ArrayLike, directions: Sequence[str] | None = None, normalisation: str = "minmax"
) -> Array:
    """Entropy weights. Y = normalise(X) ("minmax" default; "sum" uses the raw matrix, as
    pymcdm does), p_ij = y_ij / Σ_i y_ij, e_j = −(1/ln m) Σ_i p_ij ln p_ij with 0·ln 0 = 0,
    d_j = 1 − e_j, w_j = d_j / Σ d_j (equal weights when no column varies)."""
    m = _matrix(x, directions)
    rows, cols = m.shape
    if rows < 2:
        raise ValueError("entropy weights need at least two alternatives")
    if normalisation == "sum":
        if (m < 0).any():
            raise ValueError("the sum normalisation needs non-negative values")
        y = m
    else:
        y = normalise(m, directions or ["benefit"] * cols, normalisation)
    totals = y.sum(axis=0)
    p = np.divide(y, totals, out=np.full_like(y, 1 / rows), where=totals > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log(p), 0.0)
    e = -plogp.sum(axis=0) / np.log(rows)
    d = 1 - e
    if d.sum() <= 1e-15:
        return np.full(cols, 1 / cols)
    return np.asarray(d / d.sum(), dtype=float)


def combine_weights(
    subjective: ArrayLike,
    objective: ArrayLike,
    *,
    method: str = "multiplicative",
    alpha: float = 0.5,
) -> Array:
    """multiplicative: w_j = s_j o_j / Σ s_k o_k; linear: w_j = α s_j + (1 − α) o_j."""
    s = _weights(subjective, np.asarray(subjective).shape[0])
    o = _weights(objective, s.shape[0])
    if method == "multiplicative":
        w = s * o
        if w.sum() <= 0:
            raise ValueError("the two weightings share no criterion")
        return np.asarray(w / w.sum(), dtype=float)
    if method == "linear":
        if not 0 <= alpha <= 1:
            raise ValueError("α is between 0 and 1")
        return np.asarray(alpha * s + (1 - alpha) * o, dtype=float)
    raise ValueError("method is 'multiplicative' or 'linear'")


def weighted_sum(
    x: ArrayLike, weights: ArrayLike, directions: Sequence[str], normalisation: str = "minmax"
) -> Array:
    """S_i = Σ_j w_j y_ij with Y = normalise(X)."""
    y = normalise(x, directions, normalisation)
    return np.asarray(y @ _weights(weights, y.shape[1]), dtype=float)


def topsis(
    x: ArrayLike, weights: ArrayLike, directions: Sequence[str], normalisation: str = "vector"
) -> Array:
    """Hwang & Yoon (1981). r_ij = x_ij / ‖x_j‖₂ ("vector", default) or min-max; v = w·r;
    A⁺/A⁻ = best/worst of each column by direction; C_i = D⁻_i / (D⁺_i + D⁻_i)."""
    m = _matrix(x, directions)
    w = _weights(weights, m.shape[1])
    if normalisation == "vector":
        r = m / np.sqrt((m**2).sum(axis=0))
        benefit = np.array([d == "benefit" for d in directions])
    elif normalisation == "minmax":
        r = normalise(m, directions, "minmax")
        benefit = np.ones(m.shape[1], dtype=bool)
    else:
        raise ValueError("normalisation is 'vector' or 'minmax'")
    v = r * w
    best = np.where(benefit, v.max(axis=0), v.min(axis=0))
    worst = np.where(benefit, v.min(axis=0), v.max(axis=0))
    d_plus = np.sqrt(((v - best) ** 2).sum(axis=1))
    d_minus = np.sqrt(((v - worst) ** 2).sum(axis=1))
    total = d_plus + d_minus
    return np.asarray(
        np.divide(d_minus, total, out=np.full_like(total, 0.5), where=total > 0), dtype=float
    )


def grey_relational(
    x: ArrayLike, weights: ArrayLike, directions: Sequence[str], rho: float = 0.5
) -> Array:
    """Deng's grey relational grade. y = minmax(X); reference y₀ = 1;
    Δ_ij = |1 − y_ij|; ξ_ij = (Δmin + ρΔmax)/(Δ_ij + ρΔmax); γ_i = Σ_j w_j ξ_ij."""
    if not 0 < rho <= 1:
        raise ValueError("ρ is in (0, 1]")
    y = normalise(x, directions, "minmax")
    w = _weights(weights, y.shape[1])
    delta = np.abs(1 - y)
    lo, hi = delta.min(), delta.max()
    if hi == 0:
        return np.ones(y.shape[0])
    xi = (lo + rho * hi) / (delta + rho * hi)
    return np.asarray(xi @ w, dtype=float)


# Fuzzy comprehensive evaluation -------------------------------------------------------------


def membership(value: float, points: Sequence[float], shape: str = "triangular") -> Array:
    """Membership of `value` in each grade, grades ordered from low to high.

    triangular: `points` are the grade centres c_1 < … < c_k; grade k rises linearly from
    c_(k−1) to c_k and falls to c_(k+1); the end grades are shoulders (1 below c_1 / above c_k).
    trapezoidal: `points` are 2k plateau bounds a_1 ≤ b_1 < a_2 ≤ b_2 …; grade k is 1 on
    [a_k, b_k] and shares the gap (b_k, a_(k+1)) linearly with grade k+1.
    Either way the memberships sum to 1.
    """
    p = [float(v) for v in points]
    if shape == "triangular":
        plateaus = [(c, c) for c in p]
    elif shape == "trapezoidal":
        if len(p) % 2:
            raise ValueError("trapezoidal grades need two bounds each")
        plateaus = [(p[i], p[i + 1]) for i in range(0, len(p), 2)]
    else:
        raise ValueError("shape is 'triangular' or 'trapezoidal'")
    flat = [v for pair in plateaus for v in pair]
    if any(b < a for a, b in itertools.pairwise(flat)) or not plateaus:
        raise ValueError("grade points ascend")
    k = len(plateaus)
    mu = np.zeros(k)
    if value <= plateaus[0][1]:
        mu[0] = 1.0
        return mu
    if value >= plateaus[-1][0]:
        mu[-1] = 1.0
        return mu
    for g in range(k):
        a, b = plateaus[g]
        if a <= value <= b:
            mu[g] = 1.0
            return mu
        if g + 1 < k and b < value < plateaus[g + 1][0]:
            t = (value - b) / (plateaus[g + 1][0] - b)
            mu[g], mu[g + 1] = 1 - t, t
            return mu
    raise AssertionError("unreachable")  # pragma: no cover


def _m_dot_plus(w: Array, r: Array) -> Array:
    return np.asarray(np.minimum(1.0, w @ r), dtype=float)


def _m_min_max(w: Array, r: Array) -> Array:
    return np.asarray(np.minimum(w[:, None], r).max(axis=0), dtype=float)


def _m_dot_max(w: Array, r: Array) -> Array:
    return np.asarray((w[:, None] * r).max(axis=0), dtype=float)


def _m_min_bsum(w: Array, r: Array) -> Array:
    return np.asarray(np.minimum(1.0, np.minimum(w[:, None], r).sum(axis=0)), dtype=float)


# b_j = composition of the weight vector W with the membership matrix R (indicators × grades)
COMPOSITIONS: dict[str, Callable[[Array, Array], Array]] = {
    "M(·,+)": _m_dot_plus,  # weighted average: b_j = min(1, Σ_i w_i r_ij)
    "M(∧,∨)": _m_min_max,  # main factor decisive: b_j = max_i min(w_i, r_ij)
    "M(·,∨)": _m_dot_max,  # main factor prominent: b_j = max_i w_i r_ij
    "M(∧,⊕)": _m_min_bsum,  # bounded sum: b_j = min(1, Σ_i min(w_i, r_ij))
}


@dataclass(frozen=True)
class FuzzyResult:
    vector: Array  # B normalised to sum 1, grades low → high
    grade: int  # maximum-membership grade index
    score: float  # Σ_j b_j s_j with the grades' scores


def fuzzy_evaluation(
    r: ArrayLike,
    weights: ArrayLike,
    grade_scores: Sequence[float],
    operator: str = "M(·,+)",
) -> FuzzyResult:
    """B = W ∘ R, normalised; grade by maximum membership; score Σ b_j s_j."""
    rm = np.asarray(r, dtype=float)
    w = _weights(weights, rm.shape[0])
    if rm.ndim != 2 or rm.shape[1] != len(grade_scores):
        raise ValueError("R has one row per indicator and one column per grade")
    try:
        op = COMPOSITIONS[operator]
    except KeyError:
        raise ValueError(f"unknown composition operator {operator!r}") from None
    b = op(w, rm)
    total = b.sum()
    b = b / total if total > 0 else np.full_like(b, 1 / b.size)
    return FuzzyResult(b, int(np.argmax(b)), float(b @ np.asarray(grade_scores, dtype=float)))
