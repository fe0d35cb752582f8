"""The gallery's Swish-beta claims: beta = 0 is a line, large beta approaches ReLU like 1/beta."""

from __future__ import annotations

import numpy as np
import pytest

from bendlines import activations
from bendlines.experiments import gallery as gal


@pytest.fixture(scope="module")
def family():
    return gal.swish_family()


@pytest.mark.receipts("gallery:swish_gap_line_0")
def test_beta_zero_is_the_line_z_over_two(family):
    assert family["gap_line"][0.0] == 0.0
    np.testing.assert_allclose(family["values"][0.0], family["z"] / 2, atol=0)


@pytest.mark.receipts("gallery:swish_gap_relu_*")
def test_gap_to_relu_shrinks_like_one_over_beta_with_silus_dip(family):
    z = np.linspace(-20, 0, 2_000_001)
    silu_dip = -float(np.min(z * activations.get("sigmoid")(z)))  # independent of the registry
    for beta in (1.0, 2.0, 10.0):
        assert family["gap_relu"][beta] == pytest.approx(silu_dip / beta, rel=1e-6)
    assert family["gap_relu"][10.0] < family["gap_relu"][2.0] < family["gap_relu"][1.0]
    assert 0.27 < silu_dip < 0.28
