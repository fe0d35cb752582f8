"""The learned PReLU: its gradients against finite differences, and the stored comparison."""

from __future__ import annotations

import numpy as np
import pytest

from bendlines.experiments import choosing as ch
from bendlines.experiments import learned_prelu as lp


def test_gradients_match_finite_differences_including_the_slopes():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((7, 5))
    y = rng.integers(0, 3, 7)
    params = lp.init_params([5, 4, 4, 3], 0.25, seed=1)
    params["b"] = [rng.standard_normal(b.shape) * 0.3 for b in params["b"]]
    params["a"] = [np.array(0.2), np.array(-0.1)]
    _, grads = lp.loss_and_grads(params, X, y)
    h = 1e-6
    for key in ("W", "b", "a"):
        for p, g in zip(params[key], grads[key], strict=True):
            flat, gflat = p.reshape(-1), np.asarray(g).reshape(-1)
            for i in range(flat.size):
                old = flat[i]
                flat[i] = old + h
                up = lp.loss_and_grads(params, X, y)[0]
                flat[i] = old - h
                down = lp.loss_and_grads(params, X, y)[0]
                flat[i] = old
                assert gflat[i] == pytest.approx((up - down) / (2 * h), abs=1e-7), (key, i)
    assert all(abs(float(g)) > 1e-6 for g in grads["a"])  # the slopes do get a signal


def test_a_fixed_slope_is_leaky_relu_and_the_learned_one_moves():
    r = lp.prelu_runs("prelu", [3e-3], [100], steps=200)
    assert r["slopes"].shape == (1, 1, 2)
    assert np.all(np.abs(r["slopes"][0, 0] - lp.START_SLOPE) > 1e-3)
    fixed = lp.prelu_runs("leaky_0.01", [3e-3], [100], steps=20)
    assert np.all(fixed["slopes"] == 0.01)


@pytest.mark.receipts("choosing:pr_n_report", "choosing:pr_tune_seeds")
def test_tuning_and_report_seeds_are_disjoint_and_report_has_ten():
    assert not set(lp.TUNING_SEEDS) & set(lp.REPORT_SEEDS)
    assert len(lp.REPORT_SEEDS) >= 10


def test_bad_contender_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown contender"):
        lp.prelu_runs("swish", [1e-3], [0])


@pytest.mark.receipts("choosing:pr_slope_sentence")
def test_slope_sentence_counts_negative_slopes_per_layer():
    slopes = np.array([[-0.1, 0.2], [-0.2, -0.01], [0.3, 0.1]])
    text = ch.slope_sentence(slopes)
    assert "layer 1's slope ended negative on 2 of 3 seeds" in text
    assert "layer 2's slope ended negative on 1 of 3 seeds" in text


def test_stored_comparison_reports_ten_seeds_and_learned_slopes_move():
    cmp = lp.comparison()
    assert set(cmp) == set(lp.CONTENDERS)
    for r in cmp.values():
        assert r["test"].shape == (len(lp.REPORT_SEEDS),)
        assert r["lr"] in lp.LRS
    learned = cmp["prelu"]["slopes"]
    assert np.all(np.abs(learned - lp.START_SLOPE) > 0.05)  # "what it learns": not its start
    np.testing.assert_array_equal(cmp["leaky_0.01"]["slopes"], 0.01)


def test_one_stored_report_run_recomputes_equal():
    cmp = lp.comparison()
    again = lp.prelu_runs("prelu", [cmp["prelu"]["lr"]], [lp.REPORT_SEEDS[0]])
    assert again["test"][0, 0] == pytest.approx(cmp["prelu"]["test"][0], abs=0.005)


@pytest.mark.receipts("choosing:pr_vs_001", "choosing:pr_vs_025", "choosing:pr_vs_*_long")
def test_the_prelu_verdicts_are_the_paired_bonferroni_comparisons():
    """The chapter's two PReLU verdicts come from bendlines.stats on the report seeds, judged
    as one family of two, and a declared winner is the one with the larger mean."""
    from bendlines import stats as st

    cmp = lp.comparison()
    said = ch.verdicts()
    for slope, key in (("0.01", "pr_vs_001"), ("0.25", "pr_vs_025")):
        leaky, prelu = cmp[f"leaky_{slope}"]["test"], cmp["prelu"]["test"]
        v = st.verdict(leaky, prelu, names=("leaky", "prelu"), family=ch.PRELU_FAMILY)
        assert v.p_holm == pytest.approx(min(1.0, 2 * st.paired_difference(leaky, prelu)["p"]))
        assert said[key].startswith(f"leaky ReLU with slope {slope}") == (v.winner != "prelu")
        if v.winner is not None:
            assert (v.winner == "leaky") == (leaky.mean() > prelu.mean())
            assert "ahead of" in said[key]
        else:
            assert "not distinguishable" in said[key]


@pytest.mark.receipts("choosing:pr_ranking", "choosing:pr_long_steps")
def test_a_second_budget_is_stored_and_the_ranking_sentence_follows_the_verdicts():
    cmp = lp.comparison()
    for r in cmp.values():
        assert r["test_long"].shape == (len(lp.REPORT_SEEDS),)
    assert lp.LONG_STEPS > lp.STEPS
    text = ch.verdicts()["pr_ranking"]
    assert text == ch.prelu_ranking_sentence(cmp)
    # the sentence says "change" when a verdict flips between the budgets
    rng = np.random.default_rng(0)
    base, up = 0.6 + 0.01 * rng.standard_normal((2, 10))
    up = base + 0.05 + 0.005 * up  # clearly ahead, with seed-to-seed noise
    flipped = {
        "prelu": {"test": base, "test_long": up},
        "leaky_0.01": {"test": up, "test_long": base},
        "leaky_0.25": {"test": base - 0.001, "test_long": base - 0.001},
    }
    assert "verdict against slope 0.01 changes" in ch.prelu_ranking_sentence(flipped)
    same = {k: {"test": v["test"], "test_long": v["test"]} for k, v in flipped.items()}
    assert "both verdicts are unchanged" in ch.prelu_ranking_sentence(same)
