"""The primer's symmetry-breaking claim: a constant start keeps hidden units identical."""

from __future__ import annotations

import numpy as np
import pytest

from bendlines.experiments import symmetry as sy
from bendlines.mlp import MLP


@pytest.fixture(scope="module")
def runs():
    return sy.symmetry_runs()


@pytest.mark.receipts("primer:sym_const_spread", "primer:sym_const_distinct")
def test_constant_start_keeps_every_hidden_unit_a_copy(runs):
    assert np.all(runs["constant"]["spread"] == 0.0)  # exactly, not approximately
    assert np.all(runs["constant"]["distinct"] == 1)


@pytest.mark.receipts("primer:sym_rand_acc", "primer:sym_const_acc")
def test_random_start_gives_distinct_units_and_a_better_net(runs):
    assert np.all(runs["random"]["distinct"] == sy.WIDTH)
    assert np.all(runs["random"]["spread"] > 0.5)
    assert runs["random"]["test_acc"] > runs["constant"]["test_acc"] + 0.15


def test_unit_counters_see_copies_and_differences():
    net = MLP([2, 3, 2], "tanh", seed=0)
    (W, b), _ = net.params
    W[:, 1] = W[:, 0]
    b[1] = b[0]
    assert sy.distinct_units(net)[0] == 2
    assert sy.unit_spread(net)[0] > 0
    W[:, 2] = W[:, 0]
    b[2] = b[0]
    assert sy.distinct_units(net)[0] == 1 and sy.unit_spread(net)[0] == 0


def test_bad_settings_are_clear_errors():
    with pytest.raises(ValueError, match="width"):
        sy.symmetry_runs(width=1)
