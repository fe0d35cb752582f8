"""The unit-lines explorer: its JavaScript regions are the package's exact regions."""

from __future__ import annotations

from fractions import Fraction

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


# ------------------------------------------------------------------ adversarial cases
#
# Arrangements where floating point alone cannot decide which side of a line a vertex lies
# on: the JavaScript port must then settle the sign in exact rational arithmetic, as the
# package does, and count exactly what Python counts.

BOX = (-1.0, 1.0, -1.0, 1.0)


def _dyadic(rng, shape, step=1 / 8):
    """Nonzero normal draws rounded to multiples of ``step``: sums and products stay exact."""
    v = np.round(rng.normal(size=shape) / step) * step
    return np.where(v == 0, step, v)


def _single(W, b):
    return [(np.asarray(W, float), np.asarray(b, float)), (np.ones((len(b), 1)), np.zeros(1))]


def _through(rng, point, n):
    """``n`` dyadic lines through ``point`` (dyadic), biases exact."""
    W = _dyadic(rng, (2, n))
    b = -(np.asarray(point) @ W)
    x, y = (Fraction(v) for v in point)
    for v, w0, w1 in zip(b, *W, strict=True):
        assert Fraction(float(v)) == -(x * Fraction(float(w0)) + y * Fraction(float(w1)))
    return W, b


def _single_layer_cases():
    """(name, params, bounds, needs_exact) for one hidden layer; needs_exact "some": at
    least one case of that kind needs the exact fallback (rounding may leave a clear gap)."""
    rng = np.random.default_rng(SEED + 1)
    cases = []
    for n in (3, 5, 8, 12):  # n lines through one dyadic point
        W, b = _through(rng, (0.25, -0.375), n)
        cases.append((f"{n} lines through one point", _single(W, b), BOX, True))
    W, b = _through(rng, (0.25, -0.375), 6)  # the same, in boxes far larger and far smaller
    for scale in (2.0**17, 2.0**-20):
        Ws, bs = W, b * scale
        box = tuple(v * scale for v in BOX)
        cases.append((f"6 lines through one point, box x {scale:g}", _single(Ws, bs), box, True))
    W, b = _through(rng, (1.0, 1.0), 5)  # five lines through a corner, two generic ones
    W = np.hstack((W, _dyadic(rng, (2, 2))))
    b = np.concatenate((b, [0.125, -0.25]))
    cases.append(("5 lines through a box corner", _single(W, b), BOX, True))
    diagonals = np.array([[1.0, 1.0, 1.0], [1.0, -1.0, 1.0]]), np.array([0.0, 0.0, 2.0])
    cases.append(("both diagonals, a line touching a corner", _single(*diagonals), BOX, True))
    W = _dyadic(rng, (2, 4))
    b = _dyadic(rng, 4) / 4
    # the same lines again: repeated, reversed, doubled, quartered; then two box edges
    Wd = np.hstack(
        (W, W[:, :1], -W[:, 1:2], 2 * W[:, 2:3], W[:, 3:4] / 4, [[1.0, 0.0], [0.0, 1.0]])
    )
    bd = np.concatenate((b, b[:1], -b[1:2], 2 * b[2:3], b[3:4] / 4, [1.0, -1.0]))
    cases.append(("repeated lines and lines along box edges", _single(Wd, bd), BOX, True))
    W = _dyadic(rng, (2, 12))
    cases.append(("12 dyadic lines through the origin", _single(W, np.zeros(12)), BOX, False))
    W = rng.normal(size=(2, 9))
    cases.append(("9 lines through (-1/2, 0), b = w_x / 2", _single(W, W[0] / 2), BOX, True))
    # nearly concurrent: a third line through the rounded crossing of two random lines
    for k in range(4):
        W = rng.normal(size=(2, 2))
        b = rng.normal(size=2) * 0.3
        x = np.linalg.solve(W.T, -b)
        W3 = rng.normal(size=(2, 3))
        Wn = np.hstack((W, W3))
        bn = np.concatenate((b, -(x @ W3)))
        cases.append((f"lines through a rounded crossing ({k})", _single(Wn, bn), BOX, "some"))
    return cases


def _dyadic_vertices(W, b, bounds):
    """Crossings of the lines ``x @ W + b = 0`` strictly inside the box with dyadic coordinates."""
    lines = [tuple(Fraction(float(v)) for v in (*W[:, k], b[k])) for k in range(W.shape[1])]
    out = []
    for i, (a1, b1, c1) in enumerate(lines):
        for a2, b2, c2 in lines[i + 1 :]:
            det = a1 * b2 - a2 * b1
            if det == 0:
                continue
            x, y = (b1 * c2 - b2 * c1) / det, (a2 * c1 - a1 * c2) / det
            dyadic = all(v.denominator & (v.denominator - 1) == 0 for v in (x, y))
            if dyadic and bounds[0] < x < bounds[1] and bounds[2] < y < bounds[3]:
                out.append((x, y))
    return out


def _hidden(point, W, b):
    """Exact ReLU features of one layer at a point given as Fractions."""
    return [
        max(
            Fraction(0),
            point[0] * Fraction(float(W[0, k]))
            + point[1] * Fraction(float(W[1, k]))
            + Fraction(float(b[k])),
        )
        for k in range(W.shape[1])
    ]


def _deep_cases():
    """(name, params, bounds, needs_exact) for nets of two or three hidden layers."""
    rng = np.random.default_rng(SEED + 2)
    cases = []
    zero = [(_dyadic(rng, (2, 8)), np.zeros(8)), (_dyadic(rng, (8, 8)), np.zeros(8))]
    # every line of every layer passes through the origin, where the float values are exact
    # zeros with a zero error bound: decided without the fallback
    cases.append(("2-8-8-1 with zero biases", [*zero, (np.ones((8, 1)), np.zeros(1))], BOX, False))
    # first layer: axis-parallel and diagonal lines with dyadic offsets (dyadic crossings)
    W1 = np.array([[1.0, 0.0, 1.0, 1.0, 2.0, 0.0], [0.0, 1.0, 1.0, -1.0, 1.0, 0.5]])
    b1 = np.array([-0.25, 0.5, -0.125, 0.0, 0.375, -0.1875])
    vertices = _dyadic_vertices(W1, b1, BOX)
    assert len(vertices) >= 8
    # second layer: each unit's zero line passes through a first-layer crossing
    width = 8
    W2 = _dyadic(rng, (W1.shape[1], width))
    b2 = np.empty(width)
    for k in range(width):
        h = _hidden(vertices[(3 * k) % len(vertices)], W1, b1)
        terms = (hj * Fraction(float(w)) for hj, w in zip(h, W2[:, k], strict=True))
        exact = -sum(terms, Fraction(0))
        b2[k] = float(exact)
        assert Fraction(b2[k]) == exact  # representable: the line really meets the crossing
    through = [(W1, b1), (W2, b2), (np.ones((width, 1)), np.zeros(1))]
    cases.append(("second-layer lines through first-layer crossings", through, BOX, True))
    # second-layer units that copy, negate, shift or ignore first-layer units
    n1 = W1.shape[1]
    e = np.eye(n1)
    columns = (
        e[:, 0],
        -e[:, 1],
        2 * e[:, 2],
        e[:, 3],
        e[:, 4] - e[:, 5],
        np.zeros(n1),
        np.zeros(n1),
    )
    W2c = np.column_stack(columns)
    b2c = np.array([0.0, 0.0, 0.0, -0.125, 0.0, 0.0, 0.5])
    copies = [(W1, b1), (W2c, b2c), (np.ones((7, 1)), np.zeros(1))]
    cases.append(("second-layer units copying first-layer cuts", copies, BOX, True))
    # a third layer with zero biases on top of the crossing net
    W3 = _dyadic(rng, (width, 6))
    deeper = [(W1, b1), (W2, b2), (W3, np.zeros(6)), (np.ones((6, 1)), np.zeros(1))]
    cases.append(("third layer with zero biases", deeper, BOX, True))
    return cases


def _flat(params) -> list[float]:
    return np.concatenate([np.concatenate((W.ravel(), b)) for W, b in params]).tolist()


@pytest.fixture(scope="module")
def adversarial(tmp_path_factory):
    cases = _single_layer_cases() + _deep_cases()
    payload = {
        "cases": [
            {
                "sizes": [2, *(W.shape[1] for W, _ in params)],
                "flat": _flat(params),
                "bounds": list(bd),
            }
            for _, params, bd, _ in cases
        ]
    }
    got = widget_node.run("eval_exact_regions.mjs", payload, tmp_path_factory.mktemp("adversarial"))
    return list(zip(cases, got["cases"], strict=True))


def test_adversarial_counts_patterns_and_areas_equal_the_package(adversarial):
    """Concurrent lines, lines through corners and earlier crossings, repeated cuts: the
    float bound cannot decide there, and the port counts exactly what Python counts."""
    for (name, params, bd, _), js in adversarial:
        py = regions.linear_regions(params, bd)
        assert js["count"] == len(py) == len(js["regions"]), name
        expected = {tuple(tuple(bool(v) for v in p) for p in r.pattern): r.area for r in py}
        got = {tuple(tuple(p) for p in r["pattern"]): r["area"] for r in js["regions"]}
        assert len(got) == len(js["regions"]), name  # one region per pattern
        assert set(got) == set(expected), name
        box = (bd[1] - bd[0]) * (bd[3] - bd[2])
        for key, area in expected.items():
            assert got[key] == pytest.approx(area, rel=1e-9, abs=1e-12 * box), (name, key)
        assert sum(got.values()) == pytest.approx(box, rel=1e-12), name


def test_adversarial_cases_need_the_exact_fallback(adversarial):
    """The cases are adversarial: in each one marked so, some sign is left open by the
    float bound and settled in rational arithmetic."""
    some = []
    for (name, _, _, needs_exact), js in adversarial:
        if needs_exact is True:
            assert js["exact"] > 0, name
        elif needs_exact == "some":
            some.append(js["exact"])
    assert len(some) >= 2 and max(some) > 0, some


def test_single_layer_adversarial_counts_equal_the_combinatorial_count(adversarial):
    """An independent exact check: regions.arrangement_regions counts the lines' regions
    from their crossings, with no polygons; so does the explorer's explanation of the count
    (regions_math.explain), which must name no meeting point that is not one."""
    for (name, params, bd, _), js in adversarial:
        if len(params) == 2:
            W, b = params[0]
            assert js["count"] == regions.arrangement_regions(W.T, b, bd), name
            assert js["explain"]["predicted"] == js["count"], name
    multiple = {name: js["explain"]["multiple"] for (name, *_), js in adversarial if js["explain"]}
    assert multiple["5 lines through one point"] == 1
    assert all(multiple[f"lines through a rounded crossing ({k})"] == 0 for k in range(4))
