"""Analytic hierarchy process: weights from a pairwise comparison matrix on Saaty's 1-9 scale."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

# Random consistency index RI(n), by matrix order n (index 0 unused).
RANDOM_INDEX_TABLES: dict[str, tuple[float, ...]] = {
    # Saaty (1980), The Analytic Hierarchy Process, table 1.7 (n = 1..10)
    "saaty": (0.0, 0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49),
    # Saaty (2005), Theory and Applications of the ANP, p. 31 (n = 1..15)
    "saaty_2005": (
        0.0, 0.0, 0.0, 0.52, 0.89, 1.11, 1.25, 1.35, 1.40, 1.45, 1.49, 1.52, 1.54, 1.56, 1.58,
        1.59,
    ),
    # Donegan & Dodd (1991), Mathematical and Computer Modelling 15(10) (n = 1..15)
    "donegan_dodd": (
        0.0, 0.0, 0.0, 0.4914, 0.8286, 1.0591, 1.1797, 1.2519, 1.3171, 1.3733, 1.4055, 1.4213,
        1.4497, 1.4643, 1.4822, 1.4969,
    ),
    # Alonso & Lamata (2006), Int. J. Uncertainty, Fuzziness & Knowledge-Based Systems 14(4)
    "alonso_lamata": (
        0.0, 0.0, 0.0, 0.5247, 0.8816, 1.1086, 1.2479, 1.3417, 1.4057, 1.4499, 1.4854,
        1.5140, 1.5365, 1.5551, 1.5713, 1.5838,
    ),
}  # fmt: skip


@dataclass(frozen=True)
class AHPResult:
    weights: NDArray[np.float64]
    lambda_max: float
    ci: float
    ri: float
    cr: float
    consistent: bool
    # (i, j, deviation) of the upper-triangle judgements, worst first, when inconsistent
    culprits: list[tuple[int, int, float]] = field(default_factory=list)


def _check(matrix: NDArray[np.float64]) -> None:
    n = matrix.shape[0]
    if matrix.ndim != 2 or matrix.shape != (n, n) or n < 1:
        raise ValueError("a pairwise comparison matrix is square")
    if (matrix <= 0).any():
        raise ValueError("judgements are positive")
    if not np.allclose(matrix * matrix.T, 1.0, atol=1e-6):
        raise ValueError("a pairwise comparison matrix is reciprocal: a_ji = 1 / a_ij")


def ahp(
    matrix: ArrayLike,
    *,
    method: str = "eigenvector",
    ri_table: str = "saaty",
    threshold: float = 0.1,
) -> AHPResult:
    """Weights, λmax, CI = (λmax − n)/(n − 1), CR = CI/RI(n) of a reciprocal matrix.

    method: "eigenvector" (principal right eigenvector, Saaty) or "geometric_mean" (row
    geometric means, Crawford & Williams). λmax is the mean of (A·w)_i / w_i, which equals the
    principal eigenvalue for the eigenvector method. A matrix of order ≤ 2 is always consistent.
    """
    a = np.asarray(matrix, dtype=float)
    _check(a)
    n = a.shape[0]
    if method == "eigenvector":
        values, vectors = np.linalg.eig(a)
        k = int(np.argmax(values.real))
        w = np.abs(vectors[:, k].real)
    elif method == "geometric_mean":
        w = np.exp(np.log(a).mean(axis=1))
    else:
        raise ValueError("method is 'eigenvector' or 'geometric_mean'")
    w = w / w.sum()
    lambda_max = float(np.mean((a @ w) / w))
    table = RANDOM_INDEX_TABLES[ri_table]
    if n >= len(table):
        raise ValueError(f"the {ri_table} table has no random index for n = {n}")
    ri = table[n]
    ci = (lambda_max - n) / (n - 1) if n > 1 else 0.0
    cr = ci / ri if ri > 0 else 0.0
    consistent = cr < threshold
    culprits: list[tuple[int, int, float]] = []
    if not consistent:
        # How far each judgement is from the ratio the weights imply: max(r, 1/r) − 1 with
        # r = a_ij / (w_i / w_j), so over- and under-statements rank alike.
        ratio = a / np.outer(w, 1 / w)
        dev = np.maximum(ratio, 1 / ratio) - 1
        culprits = sorted(
            ((i, j, float(dev[i, j])) for i in range(n) for j in range(i + 1, n)),
            key=lambda t: -t[2],
        )
    return AHPResult(w, lambda_max, float(ci), float(ri), float(cr), consistent, culprits)


def group_matrix(matrices: list[ArrayLike]) -> NDArray[np.float64]:
    """Aggregate experts' judgements (AIJ): the element-wise geometric mean, reciprocal again."""
    if not matrices:
        raise ValueError("at least one matrix")
    stack = np.array([np.asarray(m, dtype=float) for m in matrices])
    for m in stack:
        _check(m)
    return np.asarray(np.exp(np.log(stack).mean(axis=0)), dtype=float)
