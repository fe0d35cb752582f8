"""Swish-β measured: the net's gradients against finite differences, the activation's limits,
and the stored comparison's design (tuned rates, disjoint seeds, two budgets)."""

from __future__ import annotations

import numpy as np
import pytest

from bendlines import stats as st
from bendlines.experiments import gallery as gal
from bendlines.experiments import swish_beta as sb


@pytest.mark.parametrize("beta", [0.5, 8.0, None])
def test_gradients_match_finite_differences(beta):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((7, 5))
    y = rng.integers(0, 3, 7)
    params = sb.init_params([5, 4, 4, 3], seed=1)
    params["b"] = [rng.standard_normal(b.shape) * 0.3 for b in params["b"]]
    _, grads = sb.loss_and_grads(params, X, y, beta)
    h = 1e-6
    for key in ("W", "b"):
        for p, g in zip(params[key], grads[key], strict=True):
            flat, gflat = p.reshape(-1), g.reshape(-1)
            for i in range(flat.size):
                old = flat[i]
                flat[i] = old + h
                up = sb.loss_and_grads(params, X, y, beta)[0]
                flat[i] = old - h
                down = sb.loss_and_grads(params, X, y, beta)[0]
                flat[i] = old
                assert gflat[i] == pytest.approx((up - down) / (2 * h), abs=1e-7), (key, i)


def test_the_activation_is_silu_at_one_and_nears_relu_for_large_beta():
    z = np.linspace(-4, 4, 81)
    silu, _ = sb.activation(z, 1.0)
    np.testing.assert_allclose(silu, z / (1 + np.exp(-z)), atol=1e-12)
    big, _ = sb.activation(z, 200.0)
    relu, _ = sb.activation(z, None)
    assert np.max(np.abs(big - relu)) < 0.3 / 200  # the gap shrinks like 1/beta
    for beta in (0.5, 2.0):  # the derivative against a centred difference
        h = 1e-6
        _, d = sb.activation(z, beta)
        num = (sb.activation(z + h, beta)[0] - sb.activation(z - h, beta)[0]) / (2 * h)
        np.testing.assert_allclose(d, num, atol=1e-6)


def test_bad_contender_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown contender"):
        sb.swish_runs("beta_3", [1e-3], [0], steps=1)


@pytest.mark.receipts(
    "gallery:sw_tune_seeds",
    "gallery:sw_n_report",
    "gallery:sw_short",
    "gallery:sw_long",
)
def test_design_tuning_and_report_seeds_are_disjoint_two_budgets():
    assert not set(sb.TUNING_SEEDS) & set(sb.REPORT_SEEDS)
    assert len(sb.TUNING_SEEDS) >= 2 and len(sb.REPORT_SEEDS) >= 10
    assert len(sb.BUDGETS) == 2 and sb.BUDGETS[1] > sb.BUDGETS[0]
    assert None in sb.CONTENDERS.values()  # ReLU, the beta -> infinity limit


@pytest.mark.receipts("gallery:sw_n_report", "gallery:sw_edge")
def test_stored_comparison_has_ten_seeds_per_budget_and_no_rate_at_an_edge():
    cmp = sb.comparison()
    assert set(cmp) == set(sb.CONTENDERS)
    for c, r in cmp.items():
        assert r["lr"] in sb.LRS
        assert not r["at_edge"], (c, r["lr"])  # an edge would mean: extend the grid
        for steps in sb.BUDGETS:
            assert r["test"][steps].shape == (len(sb.REPORT_SEEDS),)
            assert np.all(r["test"][steps] > 0.2)  # well above chance (10 %): they all learn


def test_one_stored_report_run_recomputes_equal():
    cmp = sb.comparison()
    again = sb.swish_runs("beta_2", [cmp["beta_2"]["lr"]], [sb.REPORT_SEEDS[0]], sb.BUDGETS[0])
    assert again["test"][0, 0] == pytest.approx(cmp["beta_2"]["test"][sb.BUDGETS[0]][0], abs=0.005)


@pytest.mark.receipts("gallery:swish_vs_relu_*", "gallery:swish_top")
def test_the_verdicts_are_the_holm_family_on_the_report_seeds():
    cmp = sb.comparison()
    words = gal.verdicts()
    names = gal.swish_names()
    evidence = []
    for steps in sb.BUDGETS:
        table = {c: r["test"][steps] for c, r in cmp.items()}
        v = st.compare(table)
        assert len(v) == 10  # all pairs of five contenders, one family
        for c in table:
            if c != "relu":
                assert v[(c, "relu")].renamed(names).words() in words[f"swish_vs_relu_{steps}"]
        lead = st.replicated_top(table)
        leaders = [names[c] for c in table if c in lead["all"]]
        assert ("led by " + st.join_words(leaders)) in words["swish_top"] or not lead["holds"]
        assert "without a replicated leader" in words["swish_top"] or lead["holds"]
        evidence.append((lead["holds"], lead["all"]))
    # a group list is said once when both budgets agree, never repeated verbatim
    said = words["swish_top"].count("led by") + words["swish_top"].count("without a replicated")
    assert said == (1 if evidence[0] == evidence[1] else 2)
