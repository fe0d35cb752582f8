"""Claims of the chapter "ReLU is piecewise linear, and that is enough", on its own settings."""

from __future__ import annotations

import numpy as np
import pytest

from bendlines import approx, data, regions, results
from bendlines.experiments import piecewise as pw
from bendlines.experiments import piecewise_runs as runs


@pytest.fixture(scope="module")
def trained():
    return pw.trained_vs_constructed()


@pytest.fixture(scope="module")
def grid():
    return pw.grid_vs_exact()


@pytest.fixture(scope="module")
def learned():
    return pw.learned_regions()


@pytest.fixture(scope="module")
def depth():
    return pw.depth_vs_regions()


# ---------------------------------------------------------------------------- hinges


@pytest.mark.receipts("piecewise:kink")
def test_neuron_kink_is_at_minus_b_over_w():
    kink = -pw.NEURON_B / pw.NEURON_W
    x = np.array([kink - 0.1, kink, kink + 0.1])
    y = pw.hinge(x, pw.NEURON_W, pw.NEURON_B)
    assert y[1] == 0.0
    # w < 0: active on the left of the kink, zero on the right
    assert y[0] > 0 and y[2] == 0.0


def test_shifted_relu_is_relu_moved_right():
    x = np.linspace(-3, 3, 61)
    assert np.array_equal(pw.hinge(x, 1.0, -pw.SHIFT_H), pw.hinge(x - pw.SHIFT_H))


@pytest.mark.parametrize("name", list(pw.SUM_EXAMPLES))
def test_n_hinges_make_n_bends(name):
    weights, kinks, bias = pw.SUM_EXAMPLES[name]
    params = pw.sum_params(weights, kinks, bias)
    breaks, _, _ = approx.pieces(params, pw.SUM_INTERVAL)
    assert breaks.size - 2 == len(weights)  # interior breakpoints = bends
    np.testing.assert_allclose(breaks[1:-1], np.sort(kinks))
    x = np.linspace(*pw.SUM_INTERVAL, 501)
    total, terms = pw.hinge_sum(x, weights, kinks, bias)
    assert terms.shape == (len(weights), x.size)
    np.testing.assert_allclose(total, bias + terms.sum(axis=0))
    assert params[0][0].shape == (1, len(weights))


def test_hinge_sum_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="equal length"):
        pw.hinge_sum(np.zeros(3), [1.0, 2.0], [0.0])


# --------------------------------------------------------------------- approximation


@pytest.mark.receipts("piecewise:hinge_gap")
@pytest.mark.parametrize("name", ["sin", "nielsen"])
def test_hinge_form_equals_interpolant(name):
    gap = pw.hinge_form_gap(name)
    assert gap["hinge"] <= 1e-12
    assert gap["network"] <= 1e-12


@pytest.mark.receipts("piecewise:slope_sin", "piecewise:slope_nielsen", "piecewise:worst_ratio_*")
@pytest.mark.parametrize("name", ["sin", "nielsen"])
def test_error_within_bound_and_slope_minus_two(name):
    c = pw.convergence(name)
    assert np.all(c["errors"] <= c["bounds"])
    assert abs(c["slope"] + 2.0) <= 0.15


@pytest.mark.receipts("piecewise:err_sin_*", "piecewise:err_nielsen_*")
@pytest.mark.parametrize("name", ["sin", "nielsen"])
def test_approximation_error_falls_with_units(name):
    a = pw.approximations(name)
    assert a["units"] == pw.APPROX_UNITS
    # from 10 units on, more units always help
    tail = a["errors"][list(a["units"]).index(10) :]
    assert np.all(np.diff(tail) < 0)
    # at 100 units the error is below 1 % of the function's range
    span = np.ptp(a["f"])
    assert a["errors"][-1] < 0.01 * span


@pytest.mark.parametrize("name", ["sin", "nielsen"])
def test_hinge_budget_meets_each_tolerance(name):
    b = pw.budget(name)
    assert np.all(b["errors"] <= b["eps"])
    assert np.all(np.diff(b["units"]) > 0)
    # ten times smaller tolerance costs about sqrt(10) times more units
    growth = b["units"][1:] / b["units"][:-1]
    assert np.all((growth > 2.5) & (growth < 3.8))


# -------------------------------------------------------------------------- training


@pytest.mark.receipts(
    "piecewise:fine_rms_short",
    "piecewise:fine_rms_long",
    "piecewise:fine_max_long",
    "piecewise:constructed_rms",
    "piecewise:constructed_max",
    "piecewise:fine_gain_short",
)
def test_fine_tuning_the_hand_built_net_beats_it(trained):
    # The interpolant is not the best 20-unit net: Adam started from it lowers both errors.
    short, long = (trained["runs"][b] for b in trained["budgets"])
    assert short["fine_rms"] < 0.55 * trained["constructed_rms"]  # "by half or more"
    assert long["fine_rms"] < short["fine_rms"]
    assert long["fine_max"] < 0.75 * trained["constructed_max"]
    # it keeps every kink inside the interval
    lo, hi = trained["target"].domain
    assert np.all((long["fine_kinks"] > lo) & (long["fine_kinks"] < hi))


@pytest.mark.receipts(
    "piecewise:random_mean_*",
    "piecewise:random_best_beats",
    "piecewise:random_best_long",
)
def test_random_starts_fall_short_from_optimisation(trained):
    short, long = (trained["runs"][b] for b in trained["budgets"])
    # budget: ten times more steps lowers the error of every seed
    assert np.all(long["random_rms"] < short["random_rms"])
    # stranded kinks: on average some units end with their kink outside the interval
    assert long["random_inside"].mean() < pw.TRAIN_UNITS - 1
    # ranking, stable across budgets: fine-tuned below the random starts' 95 % interval
    for run in (short, long):
        assert run["fine_rms"] < run["random_stats"][2]
    # and a random start can beat the construction itself: representation is not the limit
    assert long["random_rms"].min() < trained["constructed_rms"]


@pytest.mark.receipts(
    "piecewise:fine_bend",
    "piecewise:constructed_bend",
    "piecewise:random_empty_bins",
)
def test_fine_tuned_kinks_slide_to_bends_and_random_kinks_bunch(trained):
    long = trained["runs"][trained["budgets"][-1]]
    assert long["fine_bend"] > 1.2 * trained["constructed_bend"]
    assert np.all(long["fine_hist"] <= 2)  # still close to one kink per bin
    assert np.sum(long["random_hist"] == 0) >= 3  # stretches no random start covers
    assert np.sum(long["fine_hist"] == 0) < np.sum(long["random_hist"] == 0)


@pytest.mark.receipts(
    "piecewise:random_vs_constructed",
    "piecewise:random_lo_long",
    "piecewise:random_hi_long",
)
def test_random_starts_tie_with_the_construction_on_average(trained):
    # after the longest budget the random starts' 95 % interval contains the hand-built
    # error: a tie on average, although fine-tuning beats both
    _, _, lo, hi = trained["runs"][trained["budgets"][-1]]["random_stats"]
    assert lo < trained["constructed_rms"] < hi


@pytest.mark.receipts(
    "piecewise:lr_fine_*",
    "piecewise:lr_random_*",
    "piecewise:lr_min",
    "piecewise:lr_max",
)
def test_learning_rates_are_tuned_inside_the_grid(trained):
    n = len(trained["lrs"])
    for run in trained["runs"].values():
        for i in run["lr_index"].values():
            assert 0 < i < n - 1  # an edge choice would mean the grid is too narrow
        assert run["lr"]["fine-tuned"] == trained["lrs"][run["lr_index"]["fine-tuned"]]


def test_interval95_is_the_stats_modules_t_interval():
    mean, sd, lo, hi = pw._interval95(np.array([1.0, 2.0, 3.0, 4.0, 5.0]))
    assert mean == 3.0 and sd == pytest.approx(np.sqrt(2.5))
    assert hi - mean == pytest.approx(2.7764451 * np.sqrt(2.5) / np.sqrt(5), rel=1e-6)
    assert mean - lo == pytest.approx(hi - mean)


def test_first_layer_kinks():
    params = [
        (np.array([[2.0, 0.0, -1.0]]), np.array([-1.0, 3.0, 0.5])),
        (np.ones((3, 1)), np.zeros(1)),
    ]
    k = pw.first_layer_kinks(params)
    np.testing.assert_allclose(k[[0, 2]], [0.5, 0.5])
    assert np.isnan(k[1])


# ----------------------------------------------------------------------------- plane


@pytest.mark.receipts("piecewise:arr_count", "piecewise:arr_formula", "piecewise:arr_n")
def test_arrangement_matches_formula():
    a = pw.arrangement_example()
    xmin, xmax, ymin, ymax = a["box"]
    pts = a["crossings"]
    assert np.all((pts[:, 0] > xmin) & (pts[:, 0] < xmax) & (pts[:, 1] > ymin) & (pts[:, 1] < ymax))
    assert a["count"] == a["formula"] == 1 + a["n"] + a["n"] * (a["n"] - 1) // 2


@pytest.mark.receipts(
    "piecewise:many_count",
    "piecewise:many_formula",
    "piecewise:many_n",
    "piecewise:many_smallest",
    "piecewise:many_width",
)
def test_many_lines_in_a_huge_box_give_every_region():
    a = pw.arrangement_example(pw.MANY_LINES_UNITS, pw.MANY_LINES_SEED)
    assert a["count"] == a["formula"] == 1 + 40 + 40 * 39 // 2
    assert a["width"] > 1e4
    assert a["smallest"] < 1e-18  # a region far below any sliver threshold still counts


@pytest.mark.receipts("piecewise:small_exact", "piecewise:small_grid", "piecewise:small_min_cells")
def test_grid_count_is_exact_when_regions_are_large(grid):
    assert grid["small_min_cells"] > 10
    assert grid["small_grid"] == grid["small_exact"]


@pytest.mark.receipts(
    "piecewise:miss_exact",
    "piecewise:miss_finest",
    "piecewise:miss_coarsest",
    "piecewise:miss_smallest",
)
def test_grid_misses_small_regions(grid):
    counts = grid["miss_grid"]
    assert np.all(np.diff(counts) >= 0)
    assert np.all(counts < grid["miss_exact"])
    # the smallest regions are far smaller than a cell of the finest grid
    finest_cell = 1.0 / grid["resolutions"][-1] ** 2
    assert grid["miss_areas"].min() < 1e-3 * finest_cell


def test_exact_regions_tile_the_box(grid):
    box = pw.MISS_BOX
    area = (box[1] - box[0]) * (box[3] - box[2])
    assert np.isclose(grid["miss_areas"].sum(), 1.0, rtol=1e-9)
    assert area > 0


# --------------------------------------------------------------------------- learned


@pytest.mark.receipts("piecewise:acc_min_*", "piecewise:near_*")
def test_regions_move_to_the_data_from_both_starts(learned):
    for start in pw.SPIRAL_STARTS:
        r = learned["starts"][start]
        assert np.all(r["accuracy"] >= 0.95)
        # the share of regions near the data rises for every seed
        assert np.all(r["near_trained"] > r["near_init"] + 0.08)


@pytest.mark.receipts("piecewise:ratio_rand_min", "piecewise:ratio_rand_max")
def test_region_count_barely_changes_from_the_random_net_start(learned):
    # Hanin and Rolnick: training does not multiply the regions of a random start.
    r = learned["starts"]["random net"]
    assert np.all((r["ratio"] > 0.8) & (r["ratio"] < 1.5))


@pytest.mark.receipts(
    "piecewise:ratio_zero_min",
    "piecewise:count_init_zero_max",
    "piecewise:count_init_rand_min",
)
def test_the_jump_in_count_comes_from_the_zero_bias_start(learned):
    zero, rand = learned["starts"]["zero bias"], learned["starts"]["random net"]
    # zero biases: every first-layer line through the origin, few regions at the start...
    assert np.all(zero["count_init"] < 0.2 * rand["count_init"])
    # ...so the count jumps, to as many as the random-net start has after training
    assert np.all(zero["ratio"] > 5)
    assert zero["count_trained"].mean() > 0.7 * rand["count_trained"].mean()


def test_zero_bias_start_puts_first_layer_lines_through_origin(learned):
    _, offsets = regions.lines(learned["starts"]["zero bias"]["init"])
    assert np.all(offsets == 0.0)
    _, offsets = regions.lines(learned["starts"]["random net"]["init"])
    assert np.all(offsets != 0.0)


def test_spiral_start_rejects_unknown_names():
    with pytest.raises(ValueError, match="random net"):
        runs.spiral_start("zeros", 0, pw.SPIRAL_SIZES, pw.BIAS_STD)


# ----------------------------------------------------------------------------- depth


@pytest.mark.receipts("piecewise:tent_*")
def test_tent_map_has_two_to_the_k_pieces():
    t = pw.tent_pieces()
    assert list(t["k"]) == list(range(1, 11))
    assert np.array_equal(t["pieces"], 2 ** t["k"])
    assert np.array_equal(t["shallow_units"], 2 ** t["k"] - 1)
    assert np.all(t["deep_units"] == 2 * t["k"])


def test_tent_values_zigzag():
    x = np.linspace(0, 1, 9)
    params = approx.tent_network(3)
    h = x[:, None]
    for W, b in params[:-1]:
        h = np.maximum(h @ W + b, 0.0)
    y = (h @ params[-1][0] + params[-1][1])[:, 0]
    np.testing.assert_allclose(y, [0, 1, 0, 1, 0, 1, 0, 1, 0])


@pytest.mark.receipts("piecewise:depth_ratio_max", "piecewise:min_width", "piecewise:r64_d4_ratio")
def test_depth_does_not_multiply_regions_at_init(depth):
    # Equal neurons, every layer at least 16 wide: at initialisation a deeper random net
    # never has more than 1.1 times the regions of one layer (Hanin and Rolnick), nowhere
    # near the 2**(depth - 1) that the tent map shows depth can reach.
    assert depth["min_width"] >= 16
    done = ~np.isnan(depth["ratio"])
    assert done.sum() == len(pw.depth_splits()) >= 6
    assert np.all(depth["ratio"][done] <= 1.1)
    # two layers: about as many as one; four layers of 16: fewer than one layer of 64
    assert np.all(depth["ratio"][:, 1][done[:, 1]] > 0.85)
    assert depth["ratio"][list(depth["totals"]).index(64), list(depth["depths"]).index(4)] < 0.9
    for i, n in enumerate(depth["totals"]):
        for j, d in enumerate(depth["depths"]):
            assert done[i, j] == (n % d == 0 and n // d >= 16)


@pytest.mark.receipts("piecewise:regions_growth", "piecewise:regions_16", "piecewise:regions_64")
def test_regions_grow_with_neurons(depth):
    one_layer = depth["mean"][:, 0]
    # roughly quadratic in the number of neurons: 4x the neurons, at least 8x the regions
    assert one_layer[-1] > 8 * one_layer[0]
    assert np.all(one_layer <= [regions.arrangement_count(int(n)) for n in depth["totals"]])
    # more neurons beat any split of fewer neurons, whatever the depth
    best, worst = np.nanmax(depth["mean"], axis=1), np.nanmin(depth["mean"], axis=1)
    assert np.all(worst[1:] > best[:-1])


def test_stored_region_counts_recompute():
    for n, d in ((16, 1), (32, 2)):
        results.verify(runs.depth_run, rtol=0, atol=0, **pw.depth_settings(n, d))


def test_random_relu_net_rejects_bad_widths():
    with pytest.raises(ValueError, match="widths"):
        pw.random_relu_net([0], seed=0)


def test_targets_used_exist():
    assert {"sin", "nielsen"} <= set(data.target_names())


# ------------------------------------------------------------- where a unit's line lies


def test_line_lies_at_distance_b_over_norm_w_with_w_its_normal():
    params = pw.plane_net()
    geo = pw.line_geometry(params)
    W, b = params[0]
    for w, c, foot, dist in zip(W.T, b, geo["feet"], geo["distances"], strict=True):
        assert w @ foot + c == pytest.approx(0.0, abs=1e-12)  # the foot is on the line
        assert w[0] * foot[1] - w[1] * foot[0] == pytest.approx(0.0, abs=1e-12)  # along w
        # independent: distance from the origin to the line through two of its points
        p, q = (np.array([x, -(c + w[0] * x) / w[1]]) for x in (-3.0, 3.0))
        d = q - p
        assert abs(p[0] * d[1] - p[1] * d[0]) / np.linalg.norm(d) == pytest.approx(dist, rel=1e-9)
        # and no point of the line is closer than the foot
        t = np.linspace(-5, 5, 20001)[:, None]
        line = foot + t * np.array([-w[1], w[0]]) / np.linalg.norm(w)
        assert np.linalg.norm(line, axis=1).min() >= dist - 1e-12
        # the arrow w points into the active side
        assert w @ (foot + 1e-3 * w) + c > 0 > w @ (foot - 1e-3 * w) + c
    # scaling w and b by 3 keeps the line (same distance) and triples the arrow
    geo3 = pw.line_geometry([(3 * W, 3 * b), params[1]])
    np.testing.assert_allclose(geo3["distances"], geo["distances"], rtol=1e-12)
    np.testing.assert_allclose(geo3["lengths"], 3 * geo["lengths"], rtol=1e-12)


def test_exercise_5_tent_cubed_pieces_and_units():
    deep = approx.tent_network(3)
    knots = np.linspace(0, 1, 9)
    h = knots[:, None]
    for W, b in deep[:-1]:
        h = np.maximum(h @ W + b, 0.0)
    values = (h @ deep[-1][0] + deep[-1][1])[:, 0]
    shallow = approx.hinge_interpolant(values, knots)
    assert approx.count_pieces(deep, (0, 1)) == approx.count_pieces(shallow.params, (0, 1)) == 8
    assert sum(W.shape[1] for W, _ in deep[:-1]) == 6
    assert shallow.n_units == 8
    assert approx.min_units_one_layer(8) == 7
