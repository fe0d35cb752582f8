"""The statistics module: intervals and tests against scipy, Holm by hand, and the verdict's
error rates by simulation."""

import numpy as np
import pytest
from scipy import stats as sst

from bendlines import stats as st


def _paired(rng, n_tables, n_seeds, gap, spread, contenders=2, shared=2.0):
    """Accuracies in points: a seed effect shared by all contenders, plus each contender's own
    noise of standard deviation ``spread``; contender 0 is ``gap`` points ahead."""
    seed_luck = shared * rng.standard_normal((n_tables, 1, n_seeds))
    own = spread * rng.standard_normal((n_tables, contenders, n_seeds))
    offset = np.zeros((1, contenders, 1))
    offset[0, 0] = gap
    return 50.0 + offset + seed_luck + own


def test_mean_interval_is_scipys_t_interval():
    x = np.array([0.52, 0.55, 0.49, 0.58, 0.51, 0.53])
    s = st.mean_interval(x)
    lo, hi = sst.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=sst.sem(x))
    assert (s["lo"], s["hi"]) == pytest.approx((lo, hi), rel=1e-12)
    assert s["std"] == pytest.approx(x.std(ddof=1))
    with pytest.raises(ValueError):
        st.mean_interval([1.0])


def test_paired_difference_matches_ttest_rel():
    rng = np.random.default_rng(1)
    a = rng.normal(0.5, 0.02, 10)
    b = a - 0.01 + rng.normal(0, 0.01, 10)
    d = st.paired_difference(a, b)
    ref = sst.ttest_rel(a, b)
    assert d["p"] == pytest.approx(ref.pvalue, rel=1e-10)
    assert d["t"] == pytest.approx(ref.statistic, rel=1e-10)
    ci = ref.confidence_interval(0.95)
    assert (d["lo"], d["hi"]) == pytest.approx((ci.low, ci.high), rel=1e-10)
    with pytest.raises(ValueError):
        st.paired_difference(a, b[:-1])


def test_pairing_uses_the_shared_seed_luck_that_an_unpaired_test_ignores():
    rng = np.random.default_rng(2)
    luck = rng.normal(0, 3.0, 10)  # seed effects shared by both contenders
    a = 50 + 1.0 + luck + rng.normal(0, 0.5, 10)
    b = 50 + luck + rng.normal(0, 0.5, 10)
    unpaired = sst.ttest_ind(a, b).pvalue
    paired = st.paired_difference(a, b)["p"]
    assert unpaired > 0.05 > 0.001 > paired  # the same data: only pairing sees the gap


def test_constant_differences():
    assert st.paired_difference([1.0, 2.0], [0.0, 1.0])["p"] == 0.0
    assert st.paired_difference([1.0, 2.0], [1.0, 2.0])["p"] == 1.0


def test_holm_by_hand():
    # sorted: 0.005 x 4 = 0.02; 0.01 x 3 = 0.03; 0.03 x 2 = 0.06; 0.04 x 1 = 0.04 -> 0.06
    adjusted = st.holm([0.01, 0.04, 0.03, 0.005])
    np.testing.assert_allclose(adjusted, [0.03, 0.06, 0.06, 0.02])
    np.testing.assert_allclose(st.holm([0.5, 0.9]), [1.0, 1.0])
    with pytest.raises(ValueError):
        st.holm([0.1, float("nan")])


def test_compare_interval_excludes_zero_exactly_when_declared():
    rng = np.random.default_rng(3)
    for table in _paired(rng, 40, 10, gap=1.2, spread=1.5, contenders=5):
        verdicts = st.compare({f"c{i}": row for i, row in enumerate(table)})
        assert len(verdicts) == 10
        for v in verdicts.values():
            assert v.family == 10
            assert (v.winner is not None) == (v.lo > 0 or v.hi < 0), v
            assert v.lo <= v.diff <= v.hi


def test_words():
    v = st.verdict([0.60, 0.62, 0.61], [0.50, 0.53, 0.51], names=("SiLU", "tanh"))
    assert v.winner == "SiLU"
    assert v.words().startswith("SiLU ahead of tanh by 9.7 points (interval")
    w = st.verdict([0.50, 0.53, 0.51], [0.51, 0.52, 0.52], names=("ReLU", "ELU"))
    assert w.winner is None
    assert "not distinguishable at this strictness (difference -0.3 points" in w.words()


def test_words_never_print_a_nonzero_end_as_zero():
    """An interval end of -0.004 points must show its sign: "-0.0" reads like "0.0", and
    "0.0 to 4.9" beside "not distinguishable" reads like a contradiction."""
    v = st.Comparison("GLU", "ReLU", diff=0.024, lo=-0.00004, hi=0.049, level=0.99, p=0.06,
                      p_holm=0.06, n=10, family=6)  # fmt: skip
    assert "interval -0.004 to 4.9)" in v.words()
    w = st.Comparison("ReLU", "sqrt", diff=0.002, lo=0.0003, hi=0.004, level=0.99, p=0.01,
                      p_holm=0.01, n=10, family=2)  # fmt: skip
    assert w.words() == "ReLU ahead of sqrt by 0.2 points (interval 0.03 to 0.4)"


def test_false_positive_rate_at_no_difference():
    """With no true difference, the family of a 6-contender table (15 pairs, Holm) declares
    anything in at most 5 % of experiments; a lone pair, in about 5 %."""
    rng = np.random.default_rng(4)
    tables = _paired(rng, 600, 10, gap=0.0, spread=1.5, contenders=6)
    any_declared = [
        any(v.winner for v in st.compare({i: r for i, r in enumerate(t)}).values()) for t in tables
    ]
    assert np.mean(any_declared) <= 0.05
    pairs = _paired(rng, 4000, 10, gap=0.0, spread=1.5)
    rate = np.mean([st.verdict(a, b).winner is not None for a, b in pairs])
    assert 0.035 <= rate <= 0.065  # 0.05 +- 4 standard errors of 4000 draws


def test_a_three_point_gap_is_detected():
    """A true 3-point gap with seed spread 1.5 points and 10 seeds: found most of the time,
    alone and as one of 28 Holm-corrected pairs."""
    rng = np.random.default_rng(5)
    pairs = _paired(rng, 1000, 10, gap=3.0, spread=1.5)
    alone = np.mean([st.verdict(a, b).winner == "A" for a, b in pairs])
    assert alone >= 0.95
    in_family = np.mean([st.verdict(a, b, family=28).winner == "A" for a, b in pairs])
    assert in_family >= 0.5  # about 0.55: the price of judging 28 pairs at once
    wrong = np.mean([st.verdict(a, b).winner == "B" for a, b in pairs])
    assert wrong == 0.0


def test_bounded_interval_stays_in_range_and_covers():
    near_one = [0.999, 1.0, 1.0, 0.989, 1.0]
    t = st.mean_interval(near_one)
    assert t["hi"] > 1.0  # the t-interval leaves the range
    b = st.bounded_interval(near_one)
    assert 0.989 <= b["lo"] <= b["mean"] <= b["hi"] <= 1.0
    rng = np.random.default_rng(6)
    samples = rng.normal(0.55, 0.02, (400, 10))
    hits = [
        (lambda r: r["lo"] <= 0.55 <= r["hi"])(st.bounded_interval(s, draws=4000)) for s in samples
    ]
    assert 0.90 <= np.mean(hits) <= 0.99


def test_collapsed_seeds_replace_the_interval_by_a_count():
    acc = [0.55, 0.09, 0.56, 0.54, 0.57]
    s = st.summarise(acc, chance=0.109)
    assert s["collapsed"] == 1 and np.isnan(s["lo"]) and np.isnan(s["hi"])
    healthy = st.summarise([0.55, 0.56, 0.54], chance=0.109)
    assert healthy["collapsed"] == 0 and healthy["lo"] < healthy["mean"] < healthy["hi"]


def test_top_group_and_its_replication():
    rng = np.random.default_rng(7)
    luck = rng.normal(0, 1.0, 10)
    noise = rng.normal(0, 0.3, (3, 10))
    clear = {"best": 60 + luck + noise[0], "mid": 55 + luck + noise[1], "low": 50 + luck + noise[2]}
    r = st.replicated_top(clear)
    assert r["all"] == r["first"] == r["second"] == {"best"} and r["holds"]
    # ahead only in the first half: not a replicated leader
    half = clear | {"mid": np.concatenate([clear["best"][:5] - 5, clear["best"][5:]])}
    r = st.replicated_top(half)
    assert not r["holds"] and r["unseparated"] >= {"best", "mid"}
    with pytest.raises(ValueError):
        st.halves(3)


def test_proportion_interval_is_wilson():
    assert st.proportion_interval(50, 100) == pytest.approx((0.4038, 0.5962), abs=1e-4)
    assert st.proportion_interval(0, 2000)[0] == pytest.approx(0.0, abs=1e-12)
    with pytest.raises(ValueError):
        st.proportion_interval(3, 2)


def test_join_words():
    assert st.join_words(["a"]) == "a"
    assert st.join_words(["a", "b", "c"]) == "a, b and c"
