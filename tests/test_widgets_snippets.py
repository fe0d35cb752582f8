""" "Python for this state": each widget's snippet, run as a reader would paste it, reproduces
the numbers the widget shows for the same state (computed by the widget's own JavaScript)."""

from __future__ import annotations

import contextlib
import io
import sys
from pathlib import Path

import numpy as np
import pytest
import widget_node

from bendlines import activations, data, targets

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book" / "_ext"))
import bendlines_widgets as bw

ACTIVATION_STATES = [
    {"name": "relu", "z": 1.0, "depth": 10},
    {"name": "gelu", "z": -1.5, "depth": 20},
    {"name": "elu", "param": "alpha", "p": 0.5, "z": -2.0, "depth": 5},
    {"name": "tanh", "z": 0.35, "depth": 50},
]
COLLAPSE_STATES = [
    {"k": 2, "act": "identity", "w": [1, 0.5, -0.3, 1, 0.8, -0.6, 0.6, 0.8]},
    {"k": 3, "act": "relu", "w": [1, 2, 0.5, 1, 1, 0, 0, 1, 0.3, -0.2, 1.5, 0.05]},  # rank 1
]
HINGE_STATES = [
    ("sin", {"n": 10}),
    ("abs", {"n": 3}),
    ("sin", {"model": {"bias": 0.2, "hinges": [{"k": 1.0, "a": 1.0}, {"k": 2.5, "a": -2.0}]}}),
]
#: Depth explorer states: each initialisation, a gain, a width and seeds (He's and LeCun's
#: normals are the widget's own Box-Muller draws, Xavier's uniforms are numpy's).
DEPTH_STATES = [
    {"act": "relu", "init": "he", "gain": 1, "depth": 10, "width": 32, "seed": 0},
    {"act": "tanh", "init": "lecun", "gain": 1.5, "depth": 20, "width": 16, "seed": 7},
    {"act": "sigmoid", "init": "xavier", "gain": 0.75, "depth": 5, "width": 8, "seed": 123456},
    {"act": "relu", "init": "he", "gain": 2.5, "depth": 3, "width": 64, "seed": 2**40 + 3},
]
BOX = [-1.5, 1.5, -1.5, 1.5]
UNIT_STATES = [
    [{"angle": 0, "offset": 0.2}, {"angle": 0, "offset": -0.5}, {"angle": 60, "offset": 0.1}],
    [{"angle": 33.69006752597979, "offset": 0.3}, {"angle": 135, "offset": -0.25},
     {"angle": 250, "offset": 0.6}, {"angle": 10, "offset": 1.4}, {"angle": 95, "offset": 0}],
]  # fmt: skip


def _run(snippet: str) -> dict:
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        exec(compile(snippet, "<python for this state>", "exec"), namespace)
    assert printed.getvalue().strip()  # it says what it computed
    return namespace


@pytest.fixture(scope="module")
def widget(tmp_path_factory):
    cases = [{"kind": "activations", **s} for s in ACTIVATION_STATES]
    for case in cases:
        params = {case["param"]: case["p"]} if "param" in case else {}
        case["kinks"] = list(activations.get(case["name"], **params).properties.kinks)
    cases += [{"kind": "collapse", **s} for s in COLLAPSE_STATES]
    cases += [{"kind": "unit-lines", "units": u, "box": BOX} for u in UNIT_STATES]
    for name, state in HINGE_STATES:
        t = targets.TARGETS[name]
        info = {"name": name, "domain": list(t.domain)}
        cases.append({"kind": "hinges", "info": info, **state})
    (X, y), _ = data.load("mnist1d")
    inputs = {"X": X[: bw.DEPTH_SAMPLES].tolist(), "y": y[: bw.DEPTH_SAMPLES].tolist()}
    cases += [{"kind": "depth", "state": s, **inputs} for s in DEPTH_STATES]
    answer = widget_node.run("eval_snippets.mjs", {"cases": cases}, tmp_path_factory.mktemp("snip"))
    return answer["cases"]


@pytest.mark.parametrize("i", range(len(ACTIVATION_STATES)))
def test_the_activation_explorers_snippet_gives_its_readouts(widget, i):
    js = widget[i]
    ns = _run(js["snippet"])
    assert ns["value"] == pytest.approx(js["value"], rel=1e-12, abs=1e-15)
    assert ns["slope_at_z"] == pytest.approx(js["grad"], rel=1e-12, abs=1e-15)
    assert ns["mean"] == pytest.approx(js["mean"], abs=1e-8)
    assert ns["max_slope"] == pytest.approx(js["slope"], rel=1e-4)


@pytest.mark.parametrize("i", range(len(COLLAPSE_STATES)))
def test_the_layer_stackers_snippet_gives_its_product_and_rank(widget, i):
    js = widget[len(ACTIVATION_STATES) + i]
    ns = _run(js["snippet"])
    np.testing.assert_allclose(ns["product"], js["product"], rtol=1e-12, atol=1e-15)
    assert ns["rank"] == js["rank"]


@pytest.mark.parametrize("i", range(len(UNIT_STATES)))
def test_the_unit_lines_snippet_counts_the_regions_shown(widget, i):
    js = widget[len(ACTIVATION_STATES) + len(COLLAPSE_STATES) + i]
    ns = _run(js["snippet"])
    assert ns["count"] == js["count"]


@pytest.mark.parametrize("i", range(len(HINGE_STATES)))
def test_the_hinge_builders_snippet_gives_its_largest_error(widget, i):
    js = widget[len(ACTIVATION_STATES) + len(COLLAPSE_STATES) + len(UNIT_STATES) + i]
    ns = _run(js["snippet"])
    assert ns["error"] == pytest.approx(js["error"], rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("i", range(len(DEPTH_STATES)))
def test_the_depth_explorers_snippet_gives_its_numbers(widget, i):
    js = widget[-len(DEPTH_STATES) + i]
    ns = _run(js["snippet"])
    # the same weights (to rounding), hence the same per-layer numbers the charts and table show
    np.testing.assert_allclose(ns["grad_norm"], js["gradNorm"], rtol=1e-9)
    np.testing.assert_allclose(ns["spread"], js["actStd"], rtol=1e-9)
    assert ns["dead"] == js["dead"]
    assert ns["grad_norm"][0] / ns["grad_norm"][-1] == pytest.approx(
        js["gradNorm"][0] / js["gradNorm"][-1], rel=1e-9
    )  # the "first layer ÷ output layer" readout
