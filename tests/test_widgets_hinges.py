"""The hinge builder: its JavaScript interpolant is the package's."""

from __future__ import annotations

import numpy as np
import pytest
import widget_node

from bendlines import approx, targets
from bendlines.experiments import piecewise as pw

REL = 1e-12


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    """For every target and n = 1 .. 64: Python's interpolant and the widget's, on a grid
    that includes the knots."""
    payload, expected = [], []
    for name, t in targets.TARGETS.items():
        for n in range(1, 65):
            g = approx.hinge_interpolant(t.f, approx.uniform_knots(t.domain, n))
            x = np.unique(np.concatenate([np.linspace(*t.domain, 1001), g.knots]))
            payload.append({"target": name, "domain": list(t.domain), "n": n, "x": x.tolist()})
            expected.append((t, g, x))
    tmp = tmp_path_factory.mktemp("hinges")
    answer = widget_node.run("eval_hinges.mjs", {"cases": payload}, tmp)["cases"]
    return list(zip(expected, answer, strict=True))


def test_the_javascript_interpolant_equals_approx_hinge_interpolant(cases):
    assert len(cases) == 64 * len(targets.TARGETS)
    for (t, g, x), js in cases:
        scale = max(1.0, float(np.max(np.abs(g.values))))
        where = f"{t.name}, n = {g.n_units}"
        np.testing.assert_allclose(js["knots"], g.knots, rtol=REL, atol=0, err_msg=where)
        np.testing.assert_allclose(js["f"], t.f(x), rtol=0, atol=REL * scale, err_msg=where)
        np.testing.assert_allclose(js["bias"], g.bias, rtol=0, atol=REL * scale, err_msg=where)
        w_scale = max(1.0, float(np.max(np.abs(g.hinge_weights))))
        np.testing.assert_allclose(
            js["weights"], g.hinge_weights, rtol=0, atol=REL * w_scale, err_msg=where
        )
        np.testing.assert_allclose(js["g"], g(x), rtol=0, atol=REL * scale, err_msg=where)


def test_the_widgets_max_error_is_approx_max_error(cases):
    """Both ways the widget measures the error: hinge by hinge, and in one sweep (shown)."""
    for (t, g, _x), js in cases:
        expected = approx.max_error(g, t.f, t.domain)
        for key in ("max_error", "max_error_sweep"):
            assert js[key] == pytest.approx(expected, rel=1e-9, abs=1e-15), (t.name, g.n_units)


def test_snapping_ten_hinges_on_the_sine_gives_the_chapters_glued_error(cases):
    """The chapter glues err_sin_10 from experiments.piecewise.approximations("sin")."""
    chapter = pw.approximations("sin")
    glued = float(chapter["errors"][list(chapter["units"]).index(10)])
    (js,) = [js for (t, g, _x), js in cases if t.name == "sin" and g.n_units == 10]
    assert js["max_error_sweep"] == pytest.approx(glued, rel=1e-9)
