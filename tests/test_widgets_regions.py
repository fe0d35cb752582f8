"""W2, the unit-lines explorer: its JavaScript regions are the package's exact regions."""

from __future__ import annotations

import numpy as np
import pytest
import widget_node

from bendlines import regions

N_LAYERS = 500
SEED = 20261129


def _layers():
    """500 seeded random layers of 1 to 12 units in random boxes, a fifth of them degenerate:
    parallel lines, three lines through one point, lines that miss the box.

    The package counts the regions of the lines exactly as their floating-point numbers
    say, so a degenerate case is built from dyadic numbers (multiples of 1/64), whose sums
    and products are exact: parallel lines really are parallel and three lines really
    meet in one point, instead of missing it by a rounding error.
    """
    rng = np.random.default_rng(SEED)
    out = []
    for i in range(N_LAYERS):
        n = int(rng.integers(1, 13))
        W = np.round(rng.normal(size=(2, n)) * 64) / 64
        b = np.round(rng.normal(size=n) * 64) / 64
        lo = np.round(rng.uniform(-3, 0, size=2) * 16) / 16
        size = np.round(rng.uniform(0.5, 4, size=2) * 16) / 16
        bounds = (lo[0], lo[0] + size[0], lo[1], lo[1] + size[1])
        kind = i % 10
        if kind == 1 and n >= 2:  # a parallel pair (same direction, another offset)
            W[:, 1] = 1.5 * W[:, 0]
        elif kind == 2 and n >= 3:  # three lines through the box centre
            centre = np.array([bounds[0] + bounds[1], bounds[2] + bounds[3]]) / 2
            b[:3] = -(centre @ W[:, :3])
        elif kind == 3:  # a line far away
            b[0] = 50.0 * np.linalg.norm(W[:, 0])
        out.append((W, b, bounds))
    return out


@pytest.fixture(scope="module")
def answers(tmp_path_factory):
    layers = _layers()
    payload = {
        "cases": [{"W": W.tolist(), "b": b.tolist(), "bounds": list(bd)} for W, b, bd in layers]
    }
    got = widget_node.run("eval_regions.mjs", payload, tmp_path_factory.mktemp("regions"))
    return list(zip(layers, got["cases"], strict=True))


def _net(W, b):
    return [(W, b), (np.ones((W.shape[1], 1)), np.zeros(1))]


def test_counts_equal_count_regions_on_500_random_layers(answers):
    assert len(answers) == N_LAYERS
    mismatches = [
        (i, js["count"], regions.count_regions(_net(W, b), bd))
        for i, ((W, b, bd), js) in enumerate(answers)
        if js["count"] != regions.count_regions(_net(W, b), bd)
    ]
    assert mismatches == []


def test_each_regions_pattern_and_area_equal_linear_regions(answers):
    for i, ((W, b, bd), js) in enumerate(answers):
        py = {
            tuple(bool(v) for v in r.pattern[0]): r.area
            for r in regions.linear_regions(_net(W, b), bd)
        }
        got = {tuple(r["pattern"]): r["area"] for r in js["regions"]}
        assert set(got) == set(py), i
        box = (bd[1] - bd[0]) * (bd[3] - bd[2])
        for key, area in py.items():
            assert got[key] == pytest.approx(area, rel=1e-9, abs=1e-12 * box), (i, key)
        assert sum(got.values()) == pytest.approx(box, rel=1e-12)


def test_the_explanation_accounts_for_every_region(answers):
    """count = 1 + lines through the box + sum over crossing points of (lines there - 1),
    and the formula's surplus is what the widget names: missed lines, parallel pairs,
    crossings outside, many lines through one point."""
    degenerate = {"parallel": 0, "outside": 0, "multiple": 0, "missing": 0}
    for (_W, b, _bounds), js in answers:
        e = js["explain"]
        assert e["predicted"] == js["count"]
        n = len(b)
        lost = (
            e["missing"] * 1
            + sum(range(n - e["missing"], n))  # crossings of missed lines with every other line
            + e["parallel"]
            + e["outside"]
            + e["lostAtPoints"]
        )
        assert regions.arrangement_count(n) - lost == js["count"]
        for key in degenerate:
            degenerate[key] += e[key] > 0
    assert all(v > 0 for v in degenerate.values()), degenerate  # every case is exercised


def test_making_two_lines_parallel_lowers_the_count_as_the_formula_says(tmp_path):
    """Two lines crossing in the box: 4 regions; turn one parallel to the other: 3."""
    W = np.array([[1.0, 0.0], [0.0, 1.0]])
    b = np.array([0.1, -0.2])
    Wp = np.array([[1.0, 1.0], [0.0, 0.0]])
    payload = {
        "cases": [{"W": w.tolist(), "b": b.tolist(), "bounds": [-1, 1, -1, 1]} for w in (W, Wp)]
    }
    crossing, parallel = widget_node.run("eval_regions.mjs", payload, tmp_path)["cases"]
    assert crossing["count"] == regions.arrangement_count(2) == 4
    assert parallel["count"] == 3 and parallel["explain"]["parallel"] == 1
