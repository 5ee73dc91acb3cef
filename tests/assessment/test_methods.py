"""The methods against published worked examples and against independent libraries (oracles)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from cogov.assessment import methods as m

warnings.filterwarnings("ignore", category=DeprecationWarning)

# Hwang & Yoon (1981), Multiple Attribute Decision Making, fighter aircraft example:
# max speed, ferry range, max payload, acquisition cost (cost), reliability, manoeuvrability.
HY_X = [
    [2.0, 1500, 20000, 5.5, 5, 9],
    [2.5, 2700, 18000, 6.5, 3, 5],
    [1.8, 2000, 21000, 4.5, 7, 7],
    [2.2, 1800, 20000, 5.0, 5, 5],
]
HY_W = [0.2, 0.1, 0.1, 0.1, 0.2, 0.3]
HY_D = ["benefit", "benefit", "benefit", "cost", "benefit", "benefit"]

# Saaty's classic 3x3 judgement matrix (inconsistent: 1/3, 1/5, 3 ...)
A3 = [[1, 1 / 3, 1 / 2], [3, 1, 3], [2, 1 / 3, 1]]
A4 = [
    [1, 3, 5, 9],
    [1 / 3, 1, 3, 5],
    [1 / 5, 1 / 3, 1, 3],
    [1 / 9, 1 / 5, 1 / 3, 1],
]


def test_topsis_reproduces_hwang_and_yoon():
    c = m.topsis(HY_X, HY_W, HY_D)
    # the published closeness coefficients: 0.643, 0.268, 0.613, 0.312 (A1 > A3 > A4 > A2)
    assert np.allclose(c, [0.643, 0.268, 0.613, 0.312], atol=1e-3)
    assert np.argsort(-c).tolist() == [0, 2, 3, 1]


def test_topsis_matches_pymcdm():
    from pymcdm import methods, normalizations

    oracle = methods.TOPSIS(normalizations.vector_normalization)
    types = np.array([1 if d == "benefit" else -1 for d in HY_D])
    expected = oracle(np.array(HY_X, dtype=float), np.array(HY_W), types)
    assert np.allclose(m.topsis(HY_X, HY_W, HY_D), expected, atol=1e-6)


def test_topsis_matches_scikit_criteria():
    import skcriteria as skc
    from skcriteria.madm.similarity import TOPSIS
    from skcriteria.preprocessing.scalers import VectorScaler

    dm = skc.mkdm(HY_X, [max if d == "benefit" else min for d in HY_D], weights=HY_W)
    dm = VectorScaler(target="matrix").transform(dm)
    res = TOPSIS().evaluate(dm)
    assert np.allclose(m.topsis(HY_X, HY_W, HY_D), res.e_.similarity, atol=1e-6)


def test_entropy_matches_pymcdm():
    from pymcdm import weights

    x = np.array(HY_X, dtype=float)
    assert np.allclose(
        m.entropy_weights(x, normalisation="sum"), weights.entropy_weights(x), atol=1e-6
    )


def test_entropy_minmax_zero_log_zero_and_constant_column():
    x = [[1, 5, 3], [2, 5, 1], [3, 5, 2]]
    w = m.entropy_weights(x, ["benefit", "benefit", "cost"])
    assert np.isfinite(w).all() and abs(w.sum() - 1) < 1e-12
    assert w[1] < 1e-12  # a constant column carries no information
    assert abs(w[0] - w[2]) < 1e-12  # same dispersion, mirrored


def _ahpy(matrix, ri):
    import ahpy

    names = [f"c{i}" for i in range(len(matrix))]
    comps = {
        (names[i], names[j]): matrix[i][j]
        for i in range(len(matrix))
        for j in range(i + 1, len(matrix))
    }
    return ahpy.Compare("x", comps, precision=10, random_index=ri), names


@pytest.mark.parametrize("matrix", [A3, A4])
@pytest.mark.parametrize(("ours", "theirs"), [("saaty_2005", "saaty"), ("donegan_dodd", "dd")])
def test_ahp_eigenvector_matches_ahpy(matrix, ours, theirs):
    oracle, names = _ahpy(matrix, theirs)
    res = m.ahp(matrix, ri_table=ours)
    assert np.allclose(res.weights, [oracle.target_weights[n] for n in names], atol=1e-6)
    assert res.cr == pytest.approx(oracle.consistency_ratio, abs=1e-6)


def test_ahp_published_values():
    # Saaty's 3x3 example: w ≈ (0.157, 0.594, 0.249), λmax ≈ 3.054, CR ≈ 0.046 < 0.1
    res = m.ahp(A3)
    assert np.round(res.weights, 3).tolist() == [0.157, 0.594, 0.249]
    assert round(res.lambda_max, 3) == 3.054
    assert res.consistent and round(res.cr, 3) == 0.046


def test_ahp_consistent_matrix_and_geometric_mean():
    w = np.array([0.5, 0.3, 0.2])
    a = np.outer(w, 1 / w)
    for method in ("eigenvector", "geometric_mean"):
        res = m.ahp(a, method=method)
        assert np.allclose(res.weights, w, atol=1e-12)
        assert abs(res.lambda_max - 3) < 1e-9 and abs(res.cr) < 1e-9


def test_ahp_flags_inconsistency_and_points_at_the_judgement():
    w = np.array([0.4, 0.3, 0.2, 0.1])
    a = np.outer(w, 1 / w)
    a[0, 3], a[3, 0] = 1 / 9, 9  # the expert reversed one judgement
    res = m.ahp(a)
    assert not res.consistent and res.cr >= 0.1
    assert res.culprits[0][:2] == (0, 3)
    assert m.ahp(a, ri_table="alonso_lamata").ri == pytest.approx(0.8816)


def test_ahp_rejects_non_reciprocal():
    with pytest.raises(ValueError, match="reciprocal"):
        m.ahp([[1, 2], [2, 1]])


def test_group_ahp_is_elementwise_geometric_mean():
    e1 = np.array([[1, 3], [1 / 3, 1]])
    e2 = np.array([[1, 1 / 3], [3, 1]])
    g = m.group_matrix([e1, e2])
    assert np.allclose(g, np.ones((2, 2)))
    g2 = m.group_matrix([A4, A4])
    assert np.allclose(g2, A4)


def test_combined_weights():
    s, o = [0.5, 0.3, 0.2], [0.2, 0.3, 0.5]
    assert np.allclose(m.combine_weights(s, o), np.array([0.1, 0.09, 0.1]) / 0.29)
    assert np.allclose(m.combine_weights(s, o, method="linear", alpha=0.7), [0.41, 0.3, 0.29])


def test_weighted_sum_minmax():
    x = [[10, 1], [20, 3], [30, 2]]
    s = m.weighted_sum(x, [0.5, 0.5], ["benefit", "cost"])
    assert np.allclose(s, [0.5, 0.25, 0.75])


def test_grey_relational_by_hand():
    x = [[1, 3], [2, 1], [3, 2]]
    # minmax: y = [[0, 0], [0.5, 1], [1, 0.5]] (second column cost) → Δ = [[1,1],[0.5,0],[0,0.5]]
    # ξ = (0 + 0.5)/(Δ + 0.5): [[1/3, 1/3], [0.5, 1], [1, 0.5]]
    g = m.grey_relational(x, [0.5, 0.5], ["benefit", "cost"])
    assert np.allclose(g, [1 / 3, 0.75, 0.75])


def test_membership_shapes():
    assert np.allclose(m.membership(0.5, [0.2, 0.45, 0.7, 0.9]), [0, 0.8, 0.2, 0])
    assert np.allclose(m.membership(0.1, [0.2, 0.45, 0.7, 0.9]), [1, 0, 0, 0])
    mu = m.membership(0.55, [0, 0.4, 0.6, 0.8], shape="trapezoidal")
    assert np.allclose(mu, [0.25, 0.75])
    assert np.allclose(m.membership(0.7, [0, 0.4, 0.6, 0.8], shape="trapezoidal"), [0, 1])


def test_fuzzy_operators():
    r = np.array([[0.1, 0.6, 0.3], [0.5, 0.5, 0.0]])
    w = [0.7, 0.3]
    dot_plus = m.fuzzy_evaluation(r, w, [60, 80, 95])
    assert np.allclose(dot_plus.vector, [0.22, 0.57, 0.21])
    assert dot_plus.grade == 1 and dot_plus.score == pytest.approx(
        0.22 * 60 + 0.57 * 80 + 0.21 * 95
    )
    min_max = m.fuzzy_evaluation(r, w, [60, 80, 95], "M(∧,∨)")
    assert np.allclose(min_max.vector, np.array([0.3, 0.6, 0.3]) / 1.2)
    dot_max = m.fuzzy_evaluation(r, w, [60, 80, 95], "M(·,∨)")
    assert np.allclose(dot_max.vector, np.array([0.15, 0.42, 0.21]) / 0.78)
    bsum = m.fuzzy_evaluation(r, w, [60, 80, 95], "M(∧,⊕)")
    assert np.allclose(bsum.vector, np.array([0.4, 0.9, 0.3]) / 1.6)
